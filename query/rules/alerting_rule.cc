#include "query/rules/alerting_rule.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "query/ast_printer.h"
#include "query/parser.h"
#include "tsdb/quote.h"
#include "tsdb/stale_nan.h"

namespace query::rules {
namespace {

constexpr std::string_view kAlertsMetric = "ALERTS";
constexpr std::string_view kForStateMetric = "ALERTS_FOR_STATE";
constexpr std::string_view kAlertNameLabel = "alertname";
constexpr std::string_view kAlertStateLabel = "alertstate";

// Go's time.Unix(ms/1000, 0): whole seconds, truncated toward zero.
int64_t TruncateToSecondMs(int64_t ms) { return ms / 1000 * 1000; }

}  // namespace

std::string GeneratorUrl(std::string_view external_url, std::string_view expr) {
  std::string url(external_url);
  url += "/graph?g0.expr=";
  tsdb::AppendQueryEscaped(expr, &url);
  url += "&g0.tab=1";
  return url;
}

AlertingRule::AlertingRule(const RuleConfig& config, bool restored)
    : Rule(config), restored_(restored) {
  const std::string template_name = "__alert_" + config.alert;
  for (const auto& [name, text] : config.labels) {
    label_templates_.push_back({name, Template::Parse(template_name, text)});
  }
  for (const auto& [name, text] : config.annotations) {
    annotation_templates_.push_back(
        {name, Template::Parse(template_name, text)});
  }
}

bool AlertingRule::restored() const {
  tsdb::ReaderMutexLock lock(&mu_);
  return restored_;
}

std::string AlertingRule::Expand(const ParsedTemplate& t,
                                 const TemplateData& data) const {
  // Prometheus's wording: the expander's error wrapped in the rule's.
  const std::string name = "__alert_" + config_.alert;
  if (!t.tmpl.ok()) {
    return absl::StrCat("<error expanding template: error parsing template ",
                        name, ": ", t.tmpl.status().message(), ">");
  }
  absl::StatusOr<std::string> out = t.tmpl->Execute(data);
  if (!out.ok()) {
    return absl::StrCat("<error expanding template: error executing template ",
                        name, ": ", out.status().message(), ">");
  }
  return *std::move(out);
}

tsdb::Labels AlertingRule::SeriesLabels(const Alert& alert,
                                        std::string_view metric,
                                        std::string_view state) const {
  tsdb::LabelsBuilder builder;
  for (const auto& [name, value] : config_.labels) builder.Set(name, value);
  for (const tsdb::Label& label : alert.labels) {
    builder.Set(label.name, label.value);
  }
  builder.Set(tsdb::kMetricNameLabel, metric);
  builder.Set(kAlertNameLabel, config_.alert);
  if (!state.empty()) builder.Set(kAlertStateLabel, state);
  return builder.Build();
}

absl::StatusOr<Vector> AlertingRule::DoEval(const RuleEvalContext& context) {
  const int64_t ts = context.ts_ms;
  absl::StatusOr<Vector> result = RuleQuery(context, *config_.parsed);
  if (!result.ok()) return result.status();

  TemplateData data;
  data.external_labels = context.external_labels;
  data.external_url = *context.external_url;
  data.eval_time_ms = ts;
  data.query = [&context](std::string_view text) -> absl::StatusOr<Vector> {
    absl::StatusOr<ExprPtr> expr = ParseExpr(text);
    if (!expr.ok()) return expr.status();
    return RuleQuery(context, **expr);
  };

  std::map<tsdb::Labels, Alert> fresh;
  tsdb::LabelsBuilder builder;
  tsdb::LabelsBuilder annotations;
  for (const VectorSample& sample : *result) {
    data.labels = &sample.labels;
    data.value = sample.v;
    builder.Reset(sample.labels);
    builder.Del(tsdb::kMetricNameLabel);
    for (const ParsedTemplate& t : label_templates_) {
      builder.Set(t.name, Expand(t, data));
    }
    builder.Set(kAlertNameLabel, config_.alert);
    annotations.Reset(tsdb::LabelsBuilder().Build());
    for (const ParsedTemplate& t : annotation_templates_) {
      annotations.Set(t.name, Expand(t, data));
    }
    Alert alert;
    alert.labels = builder.Build();
    alert.annotations = annotations.Build();
    alert.active_at_ms = ts;
    alert.state = AlertState::kPending;
    alert.value = sample.v;
    auto [it, inserted] = fresh.emplace(alert.labels, std::move(alert));
    if (!inserted) {
      return absl::InvalidArgumentError(
          "vector contains metrics with the same labelset after applying "
          "alert labels");
    }
  }

  for (auto& [labels, alert] : fresh) {
    auto it = active_.find(labels);
    if (it != active_.end() && it->second.state != AlertState::kInactive) {
      it->second.value = alert.value;
      it->second.annotations = std::move(alert.annotations);
      continue;
    }
    active_.insert_or_assign(labels, std::move(alert));
  }

  Vector out;
  size_t active_pending = 0;
  for (auto it = active_.begin(); it != active_.end();) {
    Alert& a = it->second;
    if (!fresh.contains(it->first)) {
      bool keep_firing = false;
      if (a.state == AlertState::kFiring && config_.keep_firing_for_ms > 0) {
        if (a.keep_firing_since_ms == 0) a.keep_firing_since_ms = ts;
        keep_firing = ts - a.keep_firing_since_ms < config_.keep_firing_for_ms;
      }
      const bool remove = a.state == AlertState::kPending ||
                          (a.resolved_at_ms != 0 &&
                           ts - a.resolved_at_ms > kResolvedRetentionMs);
      if (a.state != AlertState::kInactive && !keep_firing) {
        a.state = AlertState::kInactive;
        a.resolved_at_ms = ts;
      }
      if (remove) {
        it = active_.erase(it);
        continue;
      }
      if (!keep_firing) {
        ++it;
        continue;
      }
    } else {
      a.keep_firing_since_ms = 0;
    }
    ++active_pending;
    if (a.state == AlertState::kPending &&
        ts - a.active_at_ms >= config_.for_ms) {
      a.state = AlertState::kFiring;
      a.fired_at_ms = ts;
    }
    if (restored_) {
      out.push_back(
          {SeriesLabels(a, kAlertsMetric, AlertStateName(a.state)), ts, 1});
      out.push_back(
          {SeriesLabels(a, kForStateMetric, ""), ts,
           static_cast<double>(
               // Go's ActiveAt.Unix(): floor of seconds.
               a.active_at_ms >= 0 ? a.active_at_ms / 1000
                                   : -((-a.active_at_ms + 999) / 1000))});
    }
    ++it;
  }
  if (context.limit > 0 &&
      active_pending > static_cast<size_t>(context.limit)) {
    active_.clear();
    return absl::ResourceExhaustedError(
        absl::StrCat("exceeded limit of ", context.limit, " with ",
                     active_pending, " alerts"));
  }
  return out;
}

std::vector<AlertToSend> AlertingRule::AlertsToSend(
    int64_t ts_ms, int64_t resend_delay_ms, int64_t interval_ms,
    const std::string& external_url) {
  tsdb::MutexLock lock(&mu_);
  std::vector<AlertToSend> out;
  std::string generator_url;
  for (auto& [labels, a] : active_) {
    if (a.state == AlertState::kPending) continue;
    const bool due = !a.sent || a.resolved_at_ms > a.last_sent_at_ms ||
                     a.last_sent_at_ms + resend_delay_ms < ts_ms;
    if (!due) continue;
    a.last_sent_at_ms = ts_ms;
    a.sent = true;
    a.valid_until_ms = ts_ms + 4 * std::max(resend_delay_ms, interval_ms);
    if (generator_url.empty()) {
      generator_url = GeneratorUrl(
          external_url,
          config_.parsed ? ExprToString(*config_.parsed) : config_.expr);
    }
    AlertToSend send;
    send.labels = a.labels;
    send.annotations = a.annotations;
    send.starts_at_ms = a.fired_at_ms;
    send.ends_at_ms =
        a.resolved_at_ms != 0 ? a.resolved_at_ms : a.valid_until_ms;
    send.generator_url = generator_url;
    out.push_back(std::move(send));
  }
  return out;
}

void AlertingRule::RestoreForState(const Storage& storage, int64_t ts_ms,
                                   int64_t outage_tolerance_ms,
                                   int64_t grace_period_ms) {
  tsdb::MutexLock lock(&mu_);
  const int64_t hold = config_.for_ms;
  if (hold < grace_period_ms) {
    restored_ = true;
    return;
  }
  SelectHints hints;
  hints.start = ts_ms - outage_tolerance_ms;
  hints.end = ts_ms;
  for (auto& [labels, a] : active_) {
    std::vector<tsdb::Matcher> matchers;
    const tsdb::Labels series = SeriesLabels(a, kForStateMetric, "");
    bool ok = true;
    for (const tsdb::Label& label : series) {
      absl::StatusOr<tsdb::Matcher> m =
          tsdb::Matcher::Make(tsdb::MatchType::kEqual, std::string(label.name),
                              std::string(label.value));
      if (!m.ok()) {
        ok = false;
        break;
      }
      matchers.push_back(*std::move(m));
    }
    if (!ok) continue;
    absl::StatusOr<std::unique_ptr<tsdb::SeriesSet>> set =
        storage.Select(hints, matchers);
    if (!set.ok()) continue;
    bool found = false;
    int64_t t = 0;
    double v = 0;
    while ((*set)->Next()) {
      if ((*set)->labels().size() != series.size()) continue;
      std::unique_ptr<tsdb::SampleIterator> it = (*set)->Iterator();
      while (it->Next()) {
        const tsdb::Sample s = it->At();
        if (s.t > ts_ms) break;
        t = s.t;
        v = s.v;
        found = true;
      }
      break;
    }
    if (!found || tsdb::IsStaleNaN(v)) continue;
    // Prometheus works in whole seconds here.
    const int64_t down_at = TruncateToSecondMs(t);
    int64_t restored_active_at = static_cast<int64_t>(v) * 1000;
    const int64_t spent_pending = down_at - restored_active_at;
    const int64_t remaining = hold - spent_pending;
    if (remaining <= 0) {
      // It was firing when the server stopped: the next evaluation fires it
      // again if the condition still holds.
    } else if (remaining < grace_period_ms) {
      restored_active_at = ts_ms + grace_period_ms - hold;
    } else {
      restored_active_at += ts_ms - down_at;
    }
    a.active_at_ms = restored_active_at;
  }
  restored_ = true;
}

void AlertingRule::CopyAlerts(AlertingRule& old) {
  if (&old == this) return;
  tsdb::MutexLock lock_old(&old.mu_);
  tsdb::MutexLock lock(&mu_);
  active_ = std::move(old.active_);
  old.active_.clear();
  restored_ = old.restored_;
}

void AlertingRule::FillStatus(RuleStatus* status) const {
  status->type = RuleStatus::Type::kAlerting;
  status->for_ms = config_.for_ms;
  status->keep_firing_for_ms = config_.keep_firing_for_ms;
  tsdb::LabelsBuilder builder;
  for (const auto& [name, value] : config_.annotations)
    builder.Set(name, value);
  status->annotations = builder.Build();
  status->state = AlertState::kInactive;
  for (const auto& [labels, a] : active_) {
    status->state = std::max(status->state, a.state);
    if (a.resolved_at_ms == 0) status->alerts.push_back(a);
  }
}

}  // namespace query::rules
