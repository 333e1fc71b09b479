// An alerting rule: each series its expression returns is an alert, pending
// until it has been returned for `for`, then firing; resolved when it is no
// longer returned (after `keep_firing_for`). Writes ALERTS{alertstate} = 1
// and ALERTS_FOR_STATE = the alert's active time (Unix seconds) for every
// active alert, once its `for` state has been restored (or restoring was
// not needed).
//
// As Prometheus 2.42: an alert is identified by its labels (the series'
// labels without __name__, plus the rule's labels with templates expanded,
// plus alertname); annotations are re-expanded at each evaluation; a
// resolved alert is kept for 15 minutes so that Alertmanager hears of the
// resolution; alerts are (re)sent when they fire, when they resolve, and
// every resend delay while firing.
#ifndef QUERY_RULES_ALERTING_RULE_H_
#define QUERY_RULES_ALERTING_RULE_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "query/rules/alert.h"
#include "query/rules/rule.h"
#include "query/rules/template.h"

namespace query::rules {

// How long a resolved alert is still reported (and re-sent) as resolved.
inline constexpr int64_t kResolvedRetentionMs = 15 * 60 * 1000;

class AlertingRule final : public Rule {
 public:
  // `restored`: whether ALERTS/ALERTS_FOR_STATE are written from the first
  // evaluation (false until RestoreForState runs, for rules loaded at
  // start-up).
  AlertingRule(const RuleConfig& config, bool restored);

  // The alerts due for sending at ts_ms (firing ones not sent for a resend
  // delay, and newly resolved ones), marked as sent; valid for 4 × max(resend
  // delay, interval). Generator URLs point at external_url's graph page.
  std::vector<AlertToSend> AlertsToSend(int64_t ts_ms, int64_t resend_delay_ms,
                                        int64_t interval_ms,
                                        const std::string& external_url);

  // Prometheus's for-state restore for this rule's active alerts: reads the
  // last ALERTS_FOR_STATE sample of each in [ts - outage tolerance, ts] and
  // moves its active time so that `for` continues where it stopped (with at
  // least the grace period left before firing). Rules whose `for` is below
  // the grace period are not restored. Marks the rule restored.
  void RestoreForState(const Storage& storage, int64_t ts_ms,
                       int64_t outage_tolerance_ms, int64_t grace_period_ms);

  // Takes the alerts of `old` (a rule of the same name, labels and
  // annotations before a reload).
  void CopyAlerts(AlertingRule& old);

  bool restored() const;

 protected:
  // Errors, as Prometheus 2.42: "vector contains metrics with the same
  // labelset after applying alert labels"; "exceeded limit of N with M
  // alerts" (and all alerts are dropped).
  absl::StatusOr<Vector> DoEval(const RuleEvalContext& context) override
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void FillStatus(RuleStatus* status) const override
      ABSL_SHARED_LOCKS_REQUIRED(mu_);

 private:
  struct ParsedTemplate {
    std::string name;
    absl::StatusOr<Template> tmpl;
  };

  std::string Expand(const ParsedTemplate& t, const TemplateData& data) const;
  // The ALERTS / ALERTS_FOR_STATE labels of `alert`.
  tsdb::Labels SeriesLabels(const Alert& alert, std::string_view metric,
                            std::string_view state) const;

  std::vector<ParsedTemplate> label_templates_;       // config_.labels order
  std::vector<ParsedTemplate> annotation_templates_;  // config_.annotations
  std::map<tsdb::Labels, Alert> active_ ABSL_GUARDED_BY(mu_);
  bool restored_ ABSL_GUARDED_BY(mu_);
};

// Prometheus's generator URL: external_url + "/graph?g0.expr=" + the
// expression, query-escaped as Go's url.QueryEscape, + "&g0.tab=1".
std::string GeneratorUrl(std::string_view external_url, std::string_view expr);

}  // namespace query::rules

#endif  // QUERY_RULES_ALERTING_RULE_H_
