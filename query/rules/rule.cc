#include "query/rules/rule.h"

#include <utility>

#include "query/ast_printer.h"

namespace query::rules {

absl::StatusOr<Vector> RuleQuery(const RuleEvalContext& context,
                                 const Expr& expr) {
  absl::StatusOr<QueryResult> result =
      context.engine->InstantQuery(*context.storage, expr, context.ts_ms);
  if (!result.ok()) return result.status();
  switch (result->type) {
    case ValueType::kVector:
      return std::move(result->vector);
    case ValueType::kScalar: {
      Vector vector;
      vector.push_back(
          {tsdb::LabelsBuilder().Build(), context.ts_ms, result->scalar});
      return vector;
    }
    default:
      return absl::InvalidArgumentError(
          "rule result is not a vector or scalar");
  }
}

Rule::Rule(const RuleConfig& config) : config_(config) {}

const std::string& Rule::name() const {
  return config_.alert.empty() ? config_.record : config_.alert;
}

absl::StatusOr<Vector> Rule::Eval(const RuleEvalContext& context) {
  tsdb::MutexLock lock(&mu_);
  absl::StatusOr<Vector> result = DoEval(context);
  if (result.ok()) {
    health_ = RuleHealth::kOk;
    last_error_.clear();
  } else {
    health_ = RuleHealth::kErr;
    last_error_ = std::string(result.status().message());
  }
  return result;
}

void Rule::SetEvaluation(int64_t ts_ms, double seconds) {
  tsdb::MutexLock lock(&mu_);
  last_evaluation_ms_ = ts_ms;
  evaluation_seconds_ = seconds;
}

RuleStatus Rule::Status() const {
  tsdb::ReaderMutexLock lock(&mu_);
  RuleStatus status;
  status.name = name();
  status.query = config_.parsed ? ExprToString(*config_.parsed) : config_.expr;
  tsdb::LabelsBuilder builder;
  for (const auto& [label, value] : config_.labels) builder.Set(label, value);
  status.labels = builder.Build();
  status.health = health_;
  status.last_error = last_error_;
  status.evaluation_seconds = evaluation_seconds_;
  status.last_evaluation_ms = last_evaluation_ms_;
  FillStatus(&status);
  return status;
}

}  // namespace query::rules
