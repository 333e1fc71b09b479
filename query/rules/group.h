// A rule group: its rules evaluated in order at each interval, recording
// results and the ALERTS / ALERTS_FOR_STATE series written back into the
// database, alerts due for sending handed to the notifier.
//
// As Prometheus 2.42:
// - A recording rule's result gets the record name and the rule's labels;
//   two results with one label set are an error ("vector contains metrics
//   with the same labelset after applying rule labels").
// - A group `limit` fails a rule whose result has more series ("exceeded
//   limit of N with M series" / "exceeded limit of N with M alerts").
// - A series a rule wrote at the previous evaluation and not at this one
//   gets a staleness marker.
// - Rules see the results of earlier rules of the same evaluation.
#ifndef QUERY_RULES_GROUP_H_
#define QUERY_RULES_GROUP_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "query/engine.h"
#include "query/rules/alert.h"
#include "query/rules/rule_file.h"
#include "query/rules/rule_status.h"
#include "query/storage.h"
#include "tsdb/db.h"
#include "tsdb/mutex.h"

namespace query::rules {

class Rule;
struct RuleEvalContext;

struct GroupOptions {
  // REQUIRES: non-null, outliving the group.
  const Engine* engine = nullptr;
  const Storage* storage = nullptr;
  tsdb::Db* db = nullptr;      // where results are appended
  LabelPairs external_labels;  // sorted by name
  std::string external_url;    // for templates and generator URLs
  // The interval of a group that does not give one.
  int64_t default_interval_ms = 60'000;
  // --rules.alert.for-outage-tolerance, --rules.alert.for-grace-period,
  // --rules.alert.resend-delay.
  int64_t for_outage_tolerance_ms = 3'600'000;
  int64_t for_grace_period_ms = 600'000;
  int64_t resend_delay_ms = 60'000;
  NotifyFunc notify;  // may be empty (nothing is sent)
  // Whether alerting rules write ALERTS from their first evaluation. False
  // for groups loaded at start-up, whose `for` state RestoreForState
  // restores first.
  bool restored = true;
  // Logs a rule's evaluation error or a failed append; may be empty.
  std::function<void(const std::string&)> log;
};

class Group {
 public:
  Group(RuleGroupConfig config, GroupOptions options);
  ~Group();
  Group(const Group&) = delete;
  Group& operator=(const Group&) = delete;

  const std::string& name() const { return config_.name; }
  const std::string& file() const { return config_.file; }
  int64_t interval_ms() const { return interval_ms_; }
  const RuleGroupConfig& config() const { return config_; }

  // Evaluates every rule at ts_ms (ms since the epoch), appends what they
  // produce, and notifies the alerts due. Rule errors are kept in the
  // rules' status, not returned. Calls are serialised by the caller (one
  // evaluation loop per group).
  void Eval(int64_t ts_ms);

  // Prometheus's RestoreForState: for each pending or firing alert, reads
  // ALERTS_FOR_STATE over the outage tolerance before ts_ms and restores
  // its active time (so `for` continues across a restart), giving at least
  // the grace period before it fires. Call after the first Eval.
  void RestoreForState(int64_t ts_ms);

  // Takes over the active alerts and the stale-marker bookkeeping of rules
  // of `old` with the same name, labels and annotations (a reload keeps
  // alert state, as Prometheus's copyState).
  void CopyState(Group& old);

  // Writes staleness markers at ts_ms for every series the group's rules
  // wrote at their last evaluation (a group removed by a reload, as
  // Prometheus's markStale).
  void MarkStale(int64_t ts_ms);

  // A snapshot for the API. Thread-safe.
  GroupStatus Status() const;

 private:
  // Evaluates rule i at context.ts_ms: logs its error, or notifies its due
  // alerts and appends its output.
  void EvalRule(size_t i, const RuleEvalContext& context);
  // Appends `samples` (the output of rule i) and staleness markers for the
  // series rule i wrote last time and not now.
  void Append(size_t i, const Vector& samples, int64_t ts_ms);

  RuleGroupConfig config_;
  GroupOptions options_;
  int64_t interval_ms_;
  std::vector<std::unique_ptr<Rule>> rules_;
  // Per rule: the series it wrote at its last successful evaluation.
  std::vector<std::vector<tsdb::Labels>> previous_series_;
  // Series of rules a reload removed, marked stale at the next evaluation.
  std::vector<tsdb::Labels> stale_series_;
  mutable tsdb::Mutex mu_;  // guards the status fields below and the rules'
  double evaluation_seconds_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t last_evaluation_ms_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace query::rules

#endif  // QUERY_RULES_GROUP_H_
