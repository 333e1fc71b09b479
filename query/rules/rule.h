// The interface of one rule of a group (recording_rule.h, alerting_rule.h),
// and the instant query every rule runs.
#ifndef QUERY_RULES_RULE_H_
#define QUERY_RULES_RULE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "query/ast.h"
#include "query/engine.h"
#include "query/rules/rule_file.h"
#include "query/rules/rule_status.h"
#include "query/storage.h"
#include "query/value.h"
#include "tsdb/mutex.h"

namespace query::rules {

// What a rule evaluation needs besides the rule.
struct RuleEvalContext {
  const Engine* engine = nullptr;
  const Storage* storage = nullptr;
  int64_t ts_ms = 0;
  int limit = 0;  // the group's limit; 0 = none
  const LabelPairs* external_labels = nullptr;
  const std::string* external_url = nullptr;
};

// Runs `expr` at ts_ms as Prometheus's rule query function does: a vector
// as it is, a scalar as one sample without labels; any other type is an
// error ("rule result is not a vector or scalar").
absl::StatusOr<Vector> RuleQuery(const RuleEvalContext& context,
                                 const Expr& expr);

class Rule {
 public:
  explicit Rule(const RuleConfig& config);
  virtual ~Rule() = default;
  Rule(const Rule&) = delete;
  Rule& operator=(const Rule&) = delete;

  const RuleConfig& config() const { return config_; }
  // The alert name or the recorded metric name.
  const std::string& name() const;

  // Evaluates the rule at context.ts_ms; returns the samples to append (at
  // ts_ms). Updates health and last error.
  absl::StatusOr<Vector> Eval(const RuleEvalContext& context);

  // The rule's status for the API. Thread-safe.
  RuleStatus Status() const;

  // Records how long the last evaluation took (by the group).
  void SetEvaluation(int64_t ts_ms, double seconds);

 protected:
  virtual absl::StatusOr<Vector> DoEval(const RuleEvalContext& context)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) = 0;
  // Fills the type-specific part of *status.
  virtual void FillStatus(RuleStatus* status) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_) = 0;

  const RuleConfig config_;
  mutable tsdb::Mutex mu_;

 private:
  RuleHealth health_ ABSL_GUARDED_BY(mu_) = RuleHealth::kUnknown;
  std::string last_error_ ABSL_GUARDED_BY(mu_);
  double evaluation_seconds_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t last_evaluation_ms_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace query::rules

#endif  // QUERY_RULES_RULE_H_
