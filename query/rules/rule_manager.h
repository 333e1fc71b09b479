// Runs rule groups: one evaluation thread per group, at the group's
// interval, in the slots Prometheus 2.42 evaluates the same group in (a
// per-group offset within the interval, from a hash of file and name), so
// restarts and reloads keep the evaluation times, and a group evaluates at
// the same millisecond here as in a Prometheus with the same rule file path.
//
// Start-up and reload as Prometheus 2.42: groups loaded by the first Update
// restore their alerts' `for` state from ALERTS_FOR_STATE after their
// second evaluation (and write ALERTS only from then on); a later Update
// keeps the state of each group with the same file and name (and of its
// rules with the same name, labels and annotations), marks the series of
// removed groups and rules stale, and starts new groups at once.
#ifndef QUERY_RULES_RULE_MANAGER_H_
#define QUERY_RULES_RULE_MANAGER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "query/rules/group.h"
#include "query/rules/rule_file.h"
#include "query/rules/rule_status.h"
#include "tsdb/mutex.h"

namespace query::rules {

class RuleManager {
 public:
  // `defaults`: engine, storage, db, notify, log and the alert flags; its
  // external labels, URL and default interval are replaced by Update's.
  explicit RuleManager(GroupOptions defaults);
  ~RuleManager();  // Stop()
  RuleManager(const RuleManager&) = delete;
  RuleManager& operator=(const RuleManager&) = delete;

  // Loads the rule files (paths, already expanded from their globs) and
  // replaces the running groups. If any file fails to load or validate,
  // nothing changes and the error lists every problem (one per line).
  absl::Status Update(int64_t default_interval_ms,
                      const std::vector<std::string>& files,
                      LabelPairs external_labels, std::string external_url);

  // Stops every group's evaluation (no staleness markers: the series simply
  // end, as when Prometheus shuts down). Idempotent.
  void Stop();

  // The groups, sorted by file and then name, as Prometheus lists them.
  std::vector<GroupStatus> Status() const;

  // The evaluation offset of a group within its interval, in nanoseconds:
  // Prometheus's group hash (xxHash64 of the labels {file, name}) modulo
  // the interval. Exposed for tests.
  static int64_t EvalOffsetNs(const std::string& file, const std::string& name,
                              int64_t interval_ns);

 private:
  struct Running;

  void RunGroup(Running* running);
  static void StopRunning(Running* running);

  GroupOptions defaults_;
  mutable tsdb::Mutex mu_;
  std::vector<std::unique_ptr<Running>> groups_ ABSL_GUARDED_BY(mu_);
  bool restored_ ABSL_GUARDED_BY(mu_) = false;  // the first Update happened
};

}  // namespace query::rules

#endif  // QUERY_RULES_RULE_MANAGER_H_
