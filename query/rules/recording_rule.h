// A recording rule: its expression's result, renamed to `record` and
// relabelled with the rule's labels (not templated), to be appended at the
// evaluation time.
#ifndef QUERY_RULES_RECORDING_RULE_H_
#define QUERY_RULES_RECORDING_RULE_H_

#include "query/rules/rule.h"

namespace query::rules {

class RecordingRule final : public Rule {
 public:
  explicit RecordingRule(const RuleConfig& config) : Rule(config) {}

 protected:
  // Errors, as Prometheus 2.42: "vector contains metrics with the same
  // labelset after applying rule labels"; "exceeded limit of N with M
  // series".
  absl::StatusOr<Vector> DoEval(const RuleEvalContext& context) override
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void FillStatus(RuleStatus* status) const override
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
};

}  // namespace query::rules

#endif  // QUERY_RULES_RECORDING_RULE_H_
