// /api/v1/rules and /api/v1/alerts, from the rule groups' status snapshots
// (ApiContext::rule_groups), as Prometheus 2.42's web/api/v1 answers them:
// groups by file then name, rules in file order, alerting and recording
// rules with their own fields (recording rules omit empty labels, both omit
// an empty lastError), times as Go's RFC 3339 with nanoseconds, durations
// as float seconds, alert values as strconv.FormatFloat(v, 'e', -1, 64).
// Both endpoints answer GET only, as in Prometheus.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "http/api_internal.h"
#include "query/rules/alert.h"
#include "query/rules/rule_status.h"
#include "tsdb/absl_compat.h"
#include "tsdb/quote.h"

namespace http::api_internal {
namespace {

using query::rules::Alert;
using query::rules::AlertState;
using query::rules::GroupStatus;
using query::rules::RuleHealth;
using query::rules::RuleStatus;

// A finite float64 as Go's encoding/json writes it.
void WriteGoJsonFloat(JsonWriter& w, double v) {
  std::string out;
  AppendGoJsonFloat(&out, v);
  w.Raw(out);
}

// Go's time.Duration.Seconds() of `ms` milliseconds (whole seconds plus the
// remainder's nanoseconds / 1e9, so the last bit matches Go's).
double GoDurationSeconds(int64_t ms) {
  return static_cast<double>(ms / 1000) +
         static_cast<double>((ms % 1000) * 1'000'000) / 1e9;
}

// strconv.FormatFloat(v, 'e', -1, 64): the shortest digits that round-trip,
// a two-digit minimum exponent ("1e+00", "-1.5e-07"), "NaN", "+Inf", "-Inf".
std::string FormatAlertValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  char* end =
      std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific)
          .ptr;
  return std::string(buf, end - buf);
}

std::string_view HealthName(RuleHealth health) {
  switch (health) {
    case RuleHealth::kOk:
      return "ok";
    case RuleHealth::kErr:
      return "err";
    case RuleHealth::kUnknown:
      break;
  }
  return "unknown";
}

// Go's strings.ToLower as far as the type parameter needs it: ASCII letters
// lowered, bytes that are not valid UTF-8 replaced with U+FFFD (which
// Go's rune mapping does); other runes are kept as they are.
std::string GoToLower(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  while (!s.empty()) {
    int width = 1;
    const int32_t rune = tsdb::DecodeUtf8Rune(s, &width);
    if (rune < 0) {
      tsdb::AppendUtf8Rune(0xFFFD, &out);
    } else if (rune >= 'A' && rune <= 'Z') {
      out.push_back(static_cast<char>(rune - 'A' + 'a'));
    } else {
      out.append(s.substr(0, width));
    }
    s.remove_prefix(width);
  }
  return out;
}

// Which rules /api/v1/rules lists: `type` is "alert", "record" (any case)
// or absent/empty for both.
enum class RuleFilter { kAll, kAlerting, kRecording };

// Reads `type`; false (with the response set to 400 bad_data) for another
// value.
bool ParseRuleFilter(const Request& request, Response* response,
                     RuleFilter* filter) {
  const std::string type = GoToLower(request.Param("type"));
  if (type.empty()) {
    *filter = RuleFilter::kAll;
  } else if (type == "alert") {
    *filter = RuleFilter::kAlerting;
  } else if (type == "record") {
    *filter = RuleFilter::kRecording;
  } else {
    SetBadData(response,
               absl::StrCat(R"(invalid parameter "type": not supported value )",
                            tsdb::AbslView(tsdb::QuoteGo(type))));
    return false;
  }
  return true;
}

// The groups ordered by file, then by name, as Prometheus lists them.
std::vector<GroupStatus> SortedGroups(const ApiState& state) {
  std::vector<GroupStatus> groups;
  if (state.context.rule_groups) groups = state.context.rule_groups();
  std::stable_sort(groups.begin(), groups.end(),
                   [](const GroupStatus& a, const GroupStatus& b) {
                     if (a.file != b.file) return a.file < b.file;
                     return a.name < b.name;
                   });
  return groups;
}

// An alert as Prometheus's API writes it; keepFiringSince only while the
// alert is kept firing after its expression stopped returning it.
void WriteAlert(JsonWriter& w, const Alert& alert) {
  w.BeginObject();
  w.Key("labels");
  w.LabelSet(alert.labels);
  w.Key("annotations");
  w.LabelSet(alert.annotations);
  w.Key("state");
  w.String(query::rules::AlertStateName(alert.state));
  w.Key("activeAt");
  w.String(FormatGoJsonTime(alert.active_at_ms));
  if (alert.keep_firing_since_ms != 0) {
    w.Key("keepFiringSince");
    w.String(FormatGoJsonTime(alert.keep_firing_since_ms));
  }
  w.Key("value");
  w.String(FormatAlertValue(alert.value));
  w.EndObject();
}

// The active alerts of an alerting rule: pending or firing (an inactive,
// i.e. resolved, alert is not listed, as Prometheus's ActiveAlerts).
void WriteActiveAlerts(JsonWriter& w, const RuleStatus& rule) {
  for (const Alert& alert : rule.alerts) {
    if (alert.state != AlertState::kInactive) WriteAlert(w, alert);
  }
}

// health, lastError (when there is one), evaluationTime, lastEvaluation and
// type: the fields both kinds of rule end with.
void WriteRuleTail(JsonWriter& w, const RuleStatus& rule,
                   std::string_view type) {
  w.Key("health");
  w.String(HealthName(rule.health));
  if (!rule.last_error.empty()) {
    w.Key("lastError");
    w.String(rule.last_error);
  }
  w.Key("evaluationTime");
  WriteGoJsonFloat(w, rule.evaluation_seconds);
  w.Key("lastEvaluation");
  w.String(FormatGoJsonTime(rule.last_evaluation_ms));
  w.Key("type");
  w.String(type);
}

void WriteAlertingRule(JsonWriter& w, const RuleStatus& rule) {
  w.BeginObject();
  w.Key("state");
  w.String(query::rules::AlertStateName(rule.state));
  w.Key("name");
  w.String(rule.name);
  w.Key("query");
  w.String(rule.query);
  w.Key("duration");
  WriteGoJsonFloat(w, GoDurationSeconds(rule.for_ms));
  w.Key("keepFiringFor");
  WriteGoJsonFloat(w, GoDurationSeconds(rule.keep_firing_for_ms));
  w.Key("labels");
  w.LabelSet(rule.labels);
  w.Key("annotations");
  w.LabelSet(rule.annotations);
  w.Key("alerts");
  w.BeginArray();
  WriteActiveAlerts(w, rule);
  w.EndArray();
  WriteRuleTail(w, rule, "alerting");
  w.EndObject();
}

void WriteRecordingRule(JsonWriter& w, const RuleStatus& rule) {
  w.BeginObject();
  w.Key("name");
  w.String(rule.name);
  w.Key("query");
  w.String(rule.query);
  if (!rule.labels.empty()) {
    w.Key("labels");
    w.LabelSet(rule.labels);
  }
  WriteRuleTail(w, rule, "recording");
  w.EndObject();
}

// A group with the rules `filter` keeps; a group left without rules is
// still listed (with "rules":[]), as in Prometheus 2.42.
void WriteGroup(JsonWriter& w, const GroupStatus& group, RuleFilter filter) {
  w.BeginObject();
  w.Key("name");
  w.String(group.name);
  w.Key("file");
  w.String(group.file);
  w.Key("rules");
  w.BeginArray();
  for (const RuleStatus& rule : group.rules) {
    const bool alerting = rule.type == RuleStatus::Type::kAlerting;
    if (alerting && filter != RuleFilter::kRecording) {
      WriteAlertingRule(w, rule);
    } else if (!alerting && filter != RuleFilter::kAlerting) {
      WriteRecordingRule(w, rule);
    }
  }
  w.EndArray();
  w.Key("interval");
  WriteGoJsonFloat(w, GoDurationSeconds(group.interval_ms));
  w.Key("limit");
  w.Int(group.limit);
  w.Key("evaluationTime");
  WriteGoJsonFloat(w, group.evaluation_seconds);
  w.Key("lastEvaluation");
  w.String(FormatGoJsonTime(group.last_evaluation_ms));
  w.EndObject();
}

void HandleRules(const ApiState& state, const Request& request,
                 Response* response) {
  RuleFilter filter = RuleFilter::kAll;
  if (!ParseRuleFilter(request, response, &filter)) return;
  const std::vector<GroupStatus> groups = SortedGroups(state);
  std::string body;
  body.reserve(64 + groups.size() * 1024);
  JsonWriter w(&body);
  BeginSuccess(w);
  w.BeginObject();
  w.Key("groups");
  w.BeginArray();
  for (const GroupStatus& group : groups) WriteGroup(w, group, filter);
  w.EndArray();
  w.EndObject();
  EndSuccess(w);
  SetJson(response, std::move(body));
}

// Every active alert of every alerting rule, group by group (Prometheus
// walks its groups in no fixed order; we use the order of /api/v1/rules).
void HandleAlerts(const ApiState& state, Response* response) {
  const std::vector<GroupStatus> groups = SortedGroups(state);
  std::string body;
  body.reserve(64 + groups.size() * 512);
  JsonWriter w(&body);
  BeginSuccess(w);
  w.BeginObject();
  w.Key("alerts");
  w.BeginArray();
  for (const GroupStatus& group : groups) {
    for (const RuleStatus& rule : group.rules) {
      if (rule.type == RuleStatus::Type::kAlerting) WriteActiveAlerts(w, rule);
    }
  }
  w.EndArray();
  w.EndObject();
  EndSuccess(w);
  SetJson(response, std::move(body));
}

}  // namespace

void RegisterRuleHandlers(Router& router, const StatePtr& state) {
  router.Handle("GET", "/api/v1/rules",
                [state](const Request& request, Response* response) {
                  HandleRules(*state, request, response);
                });
  router.Handle("GET", "/api/v1/alerts",
                [state](const Request&, Response* response) {
                  HandleAlerts(*state, response);
                });
}

}  // namespace http::api_internal
