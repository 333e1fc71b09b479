// Alerts as alerting rules hold them, and as they are handed to the
// notifier (which sends them to Alertmanager).
#ifndef QUERY_RULES_ALERT_H_
#define QUERY_RULES_ALERT_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "tsdb/labels.h"

namespace query::rules {

// Prometheus's alert states. An alert is pending from the first evaluation
// its expression returns it until it has been returned for `for`, then
// firing; inactive (resolved) once it is no longer returned (after
// `keep_firing_for`).
enum class AlertState { kInactive, kPending, kFiring };

// "inactive", "pending", "firing", as the API and ALERTS say.
std::string_view AlertStateName(AlertState state);

// One alert of an alerting rule. Times are ms since the epoch; 0 = unset.
struct Alert {
  tsdb::Labels labels;       // the expression's labels + rule labels +
                             // alertname (templates expanded)
  tsdb::Labels annotations;  // templates expanded
  AlertState state = AlertState::kPending;
  double value = 0;
  int64_t active_at_ms = 0;
  int64_t fired_at_ms = 0;
  int64_t resolved_at_ms = 0;
  int64_t last_sent_at_ms = 0;
  bool sent = false;  // last_sent_at_ms is set
  int64_t valid_until_ms = 0;
  int64_t keep_firing_since_ms = 0;
};

// An alert as Alertmanager's POST /api/v2/alerts takes it.
struct AlertToSend {
  tsdb::Labels labels;
  tsdb::Labels annotations;
  int64_t starts_at_ms = 0;
  int64_t ends_at_ms = 0;  // 0: none
  std::string generator_url;
};

// Receives the alerts due for (re)sending after a group's evaluation.
// Must not block (the notifier queues them).
using NotifyFunc = std::function<void(std::vector<AlertToSend> alerts)>;

}  // namespace query::rules

#endif  // QUERY_RULES_ALERT_H_
