#include "query/rules/group.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "query/rules/alerting_rule.h"
#include "query/rules/recording_rule.h"
#include "tsdb/stale_nan.h"

namespace query::rules {

Group::Group(RuleGroupConfig config, GroupOptions options)
    : config_(std::move(config)),
      options_(std::move(options)),
      interval_ms_(config_.interval_ms > 0 ? config_.interval_ms
                                           : options_.default_interval_ms) {
  for (const RuleConfig& rule : config_.rules) {
    if (rule.alert.empty()) {
      rules_.push_back(std::make_unique<RecordingRule>(rule));
    } else {
      rules_.push_back(std::make_unique<AlertingRule>(rule, options_.restored));
    }
  }
  previous_series_.resize(rules_.size());
}

Group::~Group() = default;

void Group::Eval(int64_t ts_ms) {
  const absl::Time start = absl::Now();
  RuleEvalContext context;
  context.engine = options_.engine;
  context.storage = options_.storage;
  context.ts_ms = ts_ms;
  context.limit = config_.limit;
  context.external_labels = &options_.external_labels;
  context.external_url = &options_.external_url;
  for (size_t i = 0; i < rules_.size(); ++i) {
    // As Prometheus, a rule's evaluation time covers its query, its alerts
    // and its appends; its last evaluation is when it started.
    const absl::Time rule_start = absl::Now();
    EvalRule(i, context);
    rules_[i]->SetEvaluation(absl::ToUnixMillis(rule_start),
                             absl::ToDoubleSeconds(absl::Now() - rule_start));
  }
  if (!stale_series_.empty()) {
    std::unique_ptr<tsdb::Appender> app = options_.db->NewAppender();
    for (const tsdb::Labels& labels : stale_series_) {
      (void)app->Append(labels, ts_ms, tsdb::StaleNaN());
    }
    if (absl::Status s = app->Commit(); !s.ok() && options_.log) {
      options_.log(absl::StrCat("msg=\"Writing stale markers failed\" err=\"",
                                s.message(), "\""));
    }
    stale_series_.clear();
  }
  tsdb::MutexLock lock(&mu_);
  evaluation_seconds_ = absl::ToDoubleSeconds(absl::Now() - start);
  last_evaluation_ms_ = absl::ToUnixMillis(start);
}

void Group::EvalRule(size_t i, const RuleEvalContext& context) {
  Rule& rule = *rules_[i];
  absl::StatusOr<Vector> result = rule.Eval(context);
  if (!result.ok()) {
    if (options_.log) {
      options_.log(absl::StrCat("msg=\"Evaluating rule failed\" group=\"",
                                config_.name, "\" rule=\"", rule.name(),
                                "\" err=\"", result.status().message(), "\""));
    }
    return;
  }
  if (auto* alerting = dynamic_cast<AlertingRule*>(&rule)) {
    std::vector<AlertToSend> due =
        alerting->AlertsToSend(context.ts_ms, options_.resend_delay_ms,
                               interval_ms_, options_.external_url);
    if (!due.empty() && options_.notify) options_.notify(std::move(due));
  }
  Append(i, *result, context.ts_ms);
}

void Group::Append(size_t i, const Vector& samples, int64_t ts_ms) {
  std::unique_ptr<tsdb::Appender> app = options_.db->NewAppender();
  std::vector<tsdb::Labels> written;
  written.reserve(samples.size());
  int duplicates = 0;
  std::string first_error;
  for (const VectorSample& sample : samples) {
    absl::StatusOr<tsdb::SeriesRef> ref =
        app->Append(sample.labels, ts_ms, sample.v);
    if (ref.ok()) {
      written.push_back(sample.labels);
    } else if (absl::IsAlreadyExists(ref.status())) {
      ++duplicates;
    } else if (first_error.empty()) {
      first_error = std::string(ref.status().message());
    }
  }
  std::sort(written.begin(), written.end());
  for (const tsdb::Labels& labels : previous_series_[i]) {
    if (!std::binary_search(written.begin(), written.end(), labels)) {
      // The series is no longer produced: mark it stale.
      (void)app->Append(labels, ts_ms, tsdb::StaleNaN());
    }
  }
  absl::Status committed = app->Commit();
  if (!committed.ok() && first_error.empty()) {
    first_error = std::string(committed.message());
  }
  if (options_.log && (duplicates > 0 || !first_error.empty())) {
    options_.log(absl::StrCat("msg=\"Rule sample appending failed\" group=\"",
                              config_.name, "\" rule=\"", rules_[i]->name(),
                              "\" duplicates=", duplicates, " err=\"",
                              first_error, "\""));
  }
  previous_series_[i] = std::move(written);
}

void Group::RestoreForState(int64_t ts_ms) {
  for (const std::unique_ptr<Rule>& rule : rules_) {
    if (auto* alerting = dynamic_cast<AlertingRule*>(rule.get())) {
      alerting->RestoreForState(*options_.storage, ts_ms,
                                options_.for_outage_tolerance_ms,
                                options_.for_grace_period_ms);
    }
  }
}

void Group::CopyState(Group& old) {
  // Rules are matched by name, labels and annotations; the first unused
  // match wins, as in Prometheus.
  std::vector<bool> taken(old.rules_.size(), false);
  for (size_t i = 0; i < rules_.size(); ++i) {
    const RuleConfig& mine = rules_[i]->config();
    for (size_t j = 0; j < old.rules_.size(); ++j) {
      const RuleConfig& theirs = old.rules_[j]->config();
      if (taken[j] || mine.alert != theirs.alert ||
          mine.record != theirs.record || mine.labels != theirs.labels ||
          mine.annotations != theirs.annotations) {
        continue;
      }
      taken[j] = true;
      previous_series_[i] = std::move(old.previous_series_[j]);
      auto* mine_alerting = dynamic_cast<AlertingRule*>(rules_[i].get());
      auto* old_alerting = dynamic_cast<AlertingRule*>(old.rules_[j].get());
      if (mine_alerting != nullptr && old_alerting != nullptr) {
        mine_alerting->CopyAlerts(*old_alerting);
      }
      break;
    }
  }
  for (size_t j = 0; j < old.rules_.size(); ++j) {
    if (taken[j]) continue;
    for (tsdb::Labels& labels : old.previous_series_[j]) {
      stale_series_.push_back(std::move(labels));
    }
  }
}

void Group::MarkStale(int64_t ts_ms) {
  std::unique_ptr<tsdb::Appender> app = options_.db->NewAppender();
  for (std::vector<tsdb::Labels>& series : previous_series_) {
    for (const tsdb::Labels& labels : series) {
      (void)app->Append(labels, ts_ms, tsdb::StaleNaN());
    }
    series.clear();
  }
  (void)app->Commit();
}

GroupStatus Group::Status() const {
  GroupStatus status;
  status.name = config_.name;
  status.file = config_.file;
  status.interval_ms = interval_ms_;
  status.limit = config_.limit;
  status.rules.reserve(rules_.size());
  for (const std::unique_ptr<Rule>& rule : rules_) {
    status.rules.push_back(rule->Status());
  }
  tsdb::ReaderMutexLock lock(&mu_);
  status.evaluation_seconds = evaluation_seconds_;
  status.last_evaluation_ms = last_evaluation_ms_;
  return status;
}

}  // namespace query::rules
