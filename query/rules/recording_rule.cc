#include "query/rules/recording_rule.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace query::rules {

absl::StatusOr<Vector> RecordingRule::DoEval(const RuleEvalContext& context) {
  absl::StatusOr<Vector> result = RuleQuery(context, *config_.parsed);
  if (!result.ok()) return result.status();
  Vector& vector = *result;
  tsdb::LabelsBuilder builder;
  for (VectorSample& sample : vector) {
    builder.Reset(sample.labels);
    builder.Set(tsdb::kMetricNameLabel, config_.record);
    for (const auto& [name, value] : config_.labels) builder.Set(name, value);
    sample.labels = builder.Build();
    sample.t = context.ts_ms;
  }
  std::vector<const tsdb::Labels*> sorted;
  sorted.reserve(vector.size());
  for (const VectorSample& sample : vector) sorted.push_back(&sample.labels);
  std::sort(
      sorted.begin(), sorted.end(),
      [](const tsdb::Labels* a, const tsdb::Labels* b) { return *a < *b; });
  for (size_t i = 1; i < sorted.size(); ++i) {
    if (*sorted[i] == *sorted[i - 1]) {
      return absl::InvalidArgumentError(
          "vector contains metrics with the same labelset after applying "
          "rule labels");
    }
  }
  if (context.limit > 0 && vector.size() > static_cast<size_t>(context.limit)) {
    return absl::ResourceExhaustedError(absl::StrCat("exceeded limit of ",
                                                     context.limit, " with ",
                                                     vector.size(), " series"));
  }
  return result;
}

void RecordingRule::FillStatus(RuleStatus* status) const {
  status->type = RuleStatus::Type::kRecording;
}

}  // namespace query::rules
