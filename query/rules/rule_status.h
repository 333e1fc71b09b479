// What the rules API (/api/v1/rules, /api/v1/alerts) and the unit-test
// runner read about rule groups: a consistent snapshot taken under the
// group's lock.
#ifndef QUERY_RULES_RULE_STATUS_H_
#define QUERY_RULES_RULE_STATUS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "query/rules/alert.h"
#include "tsdb/labels.h"

namespace query::rules {

// Prometheus's rule health: "unknown" before the first evaluation, then
// "ok" or "err" (with last_error).
enum class RuleHealth { kUnknown, kOk, kErr };

struct RuleStatus {
  enum class Type { kAlerting, kRecording };
  Type type = Type::kRecording;
  std::string name;                // the alert or recorded metric name
  std::string query;               // the expression as Prometheus prints it
  int64_t for_ms = 0;              // alerting only
  int64_t keep_firing_for_ms = 0;  // alerting only
  tsdb::Labels labels;             // the rule's labels (unexpanded)
  tsdb::Labels annotations;        // alerting only (unexpanded)
  // Alerting only: the active alerts (pending or firing), by labels, and
  // the rule's state (the highest of its alerts', inactive without any).
  std::vector<Alert> alerts;
  AlertState state = AlertState::kInactive;
  RuleHealth health = RuleHealth::kUnknown;
  std::string last_error;
  double evaluation_seconds = 0;
  int64_t last_evaluation_ms = 0;  // 0: never
};

struct GroupStatus {
  std::string name;
  std::string file;
  int64_t interval_ms = 0;
  int limit = 0;
  std::vector<RuleStatus> rules;  // in file order
  double evaluation_seconds = 0;
  int64_t last_evaluation_ms = 0;  // 0: never
};

}  // namespace query::rules

#endif  // QUERY_RULES_RULE_STATUS_H_
