// /api/v1/rules and /api/v1/alerts over fixed rule group snapshots. The
// expected bodies are written out by hand in the shape Prometheus 2.42
// answers with for the same rules (checked against the real binary): key
// order, omitted fields, Go's time and float encodings, the alert value as
// FormatFloat 'e', the type filter and its error.
#include <cmath>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "query/rules/alert.h"
#include "query/rules/rule_status.h"
#include "tests/http/api_test_fixture.h"
#include "tsdb/absl_compat.h"

namespace http {
namespace {

using query::rules::Alert;
using query::rules::AlertState;
using query::rules::GroupStatus;
using query::rules::RuleHealth;
using query::rules::RuleStatus;
using P = std::vector<std::pair<std::string, std::string>>;

constexpr int64_t kT0 = 1767225600000;  // 2026-01-01T00:00:00Z
constexpr double kInf = std::numeric_limits<double>::infinity();

tsdb::Labels L(const P& pairs) {
  absl::StatusOr<tsdb::Labels> labels = tsdb::Labels::FromPairs(pairs);
  EXPECT_TRUE(labels.ok()) << labels.status();
  return labels.ok() ? *std::move(labels) : tsdb::Labels();
}

Alert MakeAlert(const P& labels, const P& annotations, AlertState state,
                double value, int64_t active_at_ms) {
  Alert alert;
  alert.labels = L(labels);
  alert.annotations = L(annotations);
  alert.state = state;
  alert.value = value;
  alert.active_at_ms = active_at_ms;
  return alert;
}

// An alert of the "Firing" rule: its labels with `inst`, its annotation
// rendered from `value_text`.
Alert FiringAlert(std::string inst, double value, std::string value_text) {
  return MakeAlert({{"alertname", "Firing"},
                    {"inst", std::move(inst)},
                    {"severity", "page"}},
                   {{"summary", "value " + std::move(value_text)}},
                   AlertState::kFiring, value, kT0);
}

RuleStatus AlertingRule(std::string name, std::string query, int64_t for_ms) {
  RuleStatus rule;
  rule.type = RuleStatus::Type::kAlerting;
  rule.name = std::move(name);
  rule.query = std::move(query);
  rule.for_ms = for_ms;
  return rule;
}

RuleStatus RecordingRule(std::string name, std::string query, const P& labels) {
  RuleStatus rule;
  rule.type = RuleStatus::Type::kRecording;
  rule.name = std::move(name);
  rule.query = std::move(query);
  rule.labels = L(labels);
  return rule;
}

void Evaluated(RuleStatus& rule, double seconds) {
  rule.health = RuleHealth::kOk;
  rule.evaluation_seconds = seconds;
  rule.last_evaluation_ms = kT0 + 1500;
}

// rules/b.yml's "zeta": every kind of alerting and recording rule, evaluated.
GroupStatus Zeta() {
  GroupStatus group;
  group.name = "zeta";
  group.file = "rules/b.yml";
  group.interval_ms = 2000;
  group.limit = 5;
  group.evaluation_seconds = 0.009952295;
  group.last_evaluation_ms = kT0 + 1500;

  RuleStatus firing = AlertingRule("Firing", "vector(1) > 0", 0);
  firing.labels = L({{"severity", "page"}});
  firing.annotations = L({{"summary", "value {{ $value }}"}});
  firing.alerts = {FiringAlert("a<&>", 1, "1"),
                   FiringAlert("b", std::nan(""), "NaN"),
                   FiringAlert("c", kInf, "+Inf"),
                   FiringAlert("d", -kInf, "-Inf"),
                   FiringAlert("e", -0.000123456789, "-0.000123456789"),
                   FiringAlert("f", 1e21, "1e+21")};
  firing.state = AlertState::kFiring;
  Evaluated(firing, 0.000363246);

  RuleStatus pending = AlertingRule("Pending", "vector(1) > 0", 3'600'000);
  pending.keep_firing_for_ms = 90'000;
  pending.alerts = {MakeAlert({{"alertname", "Pending"}}, {},
                              AlertState::kPending, 1, kT0 + 123)};
  pending.state = AlertState::kPending;
  Evaluated(pending, 0.000298164);

  // Kept firing after its expression stopped returning it; the resolved
  // alert beside it is not active and not listed.
  RuleStatus keep = AlertingRule("Keep", "up == 0", 0);
  keep.keep_firing_for_ms = 60'000;
  Alert kept = MakeAlert({{"alertname", "Keep"}}, {}, AlertState::kFiring,
                         123456.5, kT0);
  kept.keep_firing_since_ms = kT0 + 1250;
  Alert resolved = MakeAlert({{"alertname", "Keep"}, {"old", "1"}}, {},
                             AlertState::kInactive, 0, kT0 - 60'000);
  resolved.resolved_at_ms = kT0;
  keep.alerts = {kept, resolved};
  keep.state = AlertState::kFiring;
  Evaluated(keep, 0.0001);

  RuleStatus quiet = AlertingRule("Quiet", "vector(1) < 0", 300'000);
  Evaluated(quiet, 0.00012167);

  RuleStatus sum =
      RecordingRule("job:rec:sum", "sum(vector(3))", {{"kind", "x"}});
  Evaluated(sum, 0.000223883);
  RuleStatus bare = RecordingRule("rec_nolabels", "vector(2)", {});
  Evaluated(bare, 0.000201491);
  RuleStatus dup = RecordingRule("dup", "vector(1)", {{"a", "z"}});
  Evaluated(dup, 2.5e-7);
  dup.health = RuleHealth::kErr;
  dup.last_error =
      "vector contains metrics with the same labelset after applying rule "
      "labels";

  group.rules = {firing, pending, keep, quiet, sum, bare, dup};
  return group;
}

// rules/b.yml's "alpha": one recording rule, a sub-second interval.
GroupStatus Alpha() {
  GroupStatus group;
  group.name = "alpha";
  group.file = "rules/b.yml";
  group.interval_ms = 1500;
  group.evaluation_seconds = 0.000278657;
  group.last_evaluation_ms = kT0 + 999;
  RuleStatus rule = RecordingRule("only_rec", "vector(1)", {});
  Evaluated(rule, 0.000212702);
  group.rules = {rule};
  return group;
}

// rules/a.yml's "never": not evaluated yet.
GroupStatus Never() {
  GroupStatus group;
  group.name = "never";
  group.file = "rules/a.yml";
  group.interval_ms = 86'400'000;
  RuleStatus alert = AlertingRule("Never", "vector(1)", 90'000);
  alert.labels = L({{"x", "y"}});
  group.rules = {alert, RecordingRule("never_rec", "vector(1)", {})};
  return group;
}

// Out of Prometheus's order (file, then name) on purpose.
std::vector<GroupStatus> Snapshot() { return {Zeta(), Alpha(), Never()}; }

// The expected JSON, piece by piece.
constexpr char kNeverAlert[] =
    R"j({"state":"inactive","name":"Never","query":"vector(1)","duration":90,"keepFiringFor":0,)j"
    R"j("labels":{"x":"y"},"annotations":{},"alerts":[],"health":"unknown",)j"
    R"j("evaluationTime":0,"lastEvaluation":"0001-01-01T00:00:00Z","type":"alerting"})j";
constexpr char kNeverRecord[] =
    R"j({"name":"never_rec","query":"vector(1)","health":"unknown",)j"
    R"j("evaluationTime":0,"lastEvaluation":"0001-01-01T00:00:00Z","type":"recording"})j";
constexpr char kNeverTail[] =
    R"j("interval":86400,"limit":0,"evaluationTime":0,"lastEvaluation":"0001-01-01T00:00:00Z")j";

constexpr char kOnlyRec[] =
    R"j({"name":"only_rec","query":"vector(1)","health":"ok","evaluationTime":0.000212702,)j"
    R"j("lastEvaluation":"2026-01-01T00:00:01.5Z","type":"recording"})j";
constexpr char kAlphaTail[] =
    R"j("interval":1.5,"limit":0,"evaluationTime":0.000278657,"lastEvaluation":"2026-01-01T00:00:00.999Z")j";

constexpr char kFiringAlerts[] =
    R"j({"labels":{"alertname":"Firing","inst":"a\u003c\u0026\u003e","severity":"page"},"annotations":{"summary":"value 1"},"state":"firing","activeAt":"2026-01-01T00:00:00Z","value":"1e+00"},)j"
    R"j({"labels":{"alertname":"Firing","inst":"b","severity":"page"},"annotations":{"summary":"value NaN"},"state":"firing","activeAt":"2026-01-01T00:00:00Z","value":"NaN"},)j"
    R"j({"labels":{"alertname":"Firing","inst":"c","severity":"page"},"annotations":{"summary":"value +Inf"},"state":"firing","activeAt":"2026-01-01T00:00:00Z","value":"+Inf"},)j"
    R"j({"labels":{"alertname":"Firing","inst":"d","severity":"page"},"annotations":{"summary":"value -Inf"},"state":"firing","activeAt":"2026-01-01T00:00:00Z","value":"-Inf"},)j"
    R"j({"labels":{"alertname":"Firing","inst":"e","severity":"page"},"annotations":{"summary":"value -0.000123456789"},"state":"firing","activeAt":"2026-01-01T00:00:00Z","value":"-1.23456789e-04"},)j"
    R"j({"labels":{"alertname":"Firing","inst":"f","severity":"page"},"annotations":{"summary":"value 1e+21"},"state":"firing","activeAt":"2026-01-01T00:00:00Z","value":"1e+21"})j";
constexpr char kPendingAlert[] =
    R"j({"labels":{"alertname":"Pending"},"annotations":{},"state":"pending","activeAt":"2026-01-01T00:00:00.123Z","value":"1e+00"})j";
constexpr char kKeptAlert[] =
    R"j({"labels":{"alertname":"Keep"},"annotations":{},"state":"firing","activeAt":"2026-01-01T00:00:00Z",)j"
    R"j("keepFiringSince":"2026-01-01T00:00:01.25Z","value":"1.234565e+05"})j";

std::string ZetaFiring() {
  return absl::StrCat(
      R"j({"state":"firing","name":"Firing","query":"vector(1) \u003e 0","duration":0,"keepFiringFor":0,)j"
      R"j("labels":{"severity":"page"},"annotations":{"summary":"value {{ $value }}"},"alerts":[)j",
      kFiringAlerts,
      R"j(],"health":"ok","evaluationTime":0.000363246,"lastEvaluation":"2026-01-01T00:00:01.5Z","type":"alerting"})j");
}
std::string ZetaPending() {
  return absl::StrCat(
      R"j({"state":"pending","name":"Pending","query":"vector(1) \u003e 0","duration":3600,"keepFiringFor":90,)j"
      R"j("labels":{},"annotations":{},"alerts":[)j",
      kPendingAlert,
      R"j(],"health":"ok","evaluationTime":0.000298164,"lastEvaluation":"2026-01-01T00:00:01.5Z","type":"alerting"})j");
}
std::string ZetaKeep() {
  return absl::StrCat(
      R"j({"state":"firing","name":"Keep","query":"up == 0","duration":0,"keepFiringFor":60,)j"
      R"j("labels":{},"annotations":{},"alerts":[)j",
      kKeptAlert,
      R"j(],"health":"ok","evaluationTime":0.0001,"lastEvaluation":"2026-01-01T00:00:01.5Z","type":"alerting"})j");
}
constexpr char kZetaQuiet[] =
    R"j({"state":"inactive","name":"Quiet","query":"vector(1) \u003c 0","duration":300,"keepFiringFor":0,)j"
    R"j("labels":{},"annotations":{},"alerts":[],"health":"ok","evaluationTime":0.00012167,)j"
    R"j("lastEvaluation":"2026-01-01T00:00:01.5Z","type":"alerting"})j";
constexpr char kZetaRecords[] =
    R"j({"name":"job:rec:sum","query":"sum(vector(3))","labels":{"kind":"x"},"health":"ok",)j"
    R"j("evaluationTime":0.000223883,"lastEvaluation":"2026-01-01T00:00:01.5Z","type":"recording"},)j"
    R"j({"name":"rec_nolabels","query":"vector(2)","health":"ok","evaluationTime":0.000201491,)j"
    R"j("lastEvaluation":"2026-01-01T00:00:01.5Z","type":"recording"},)j"
    R"j({"name":"dup","query":"vector(1)","labels":{"a":"z"},"health":"err",)j"
    R"j("lastError":"vector contains metrics with the same labelset after applying rule labels",)j"
    R"j("evaluationTime":2.5e-7,"lastEvaluation":"2026-01-01T00:00:01.5Z","type":"recording"})j";
constexpr char kZetaTail[] =
    R"j("interval":2,"limit":5,"evaluationTime":0.009952295,"lastEvaluation":"2026-01-01T00:00:01.5Z")j";

std::string Group(std::string_view name, std::string_view file,
                  const std::vector<std::string>& rules,
                  std::string_view tail) {
  return absl::StrCat(R"({"name":")", tsdb::AbslView(name), R"(","file":")",
                      tsdb::AbslView(file), R"(","rules":[)",
                      absl::StrJoin(rules, ","), "],", tsdb::AbslView(tail),
                      "}");
}

std::string Rules(const std::vector<std::string>& groups) {
  return absl::StrCat(R"({"status":"success","data":{"groups":[)",
                      absl::StrJoin(groups, ","), "]}}");
}

std::string AllRules() {
  return Rules(
      {Group("never", "rules/a.yml", {kNeverAlert, kNeverRecord}, kNeverTail),
       Group("alpha", "rules/b.yml", {kOnlyRec}, kAlphaTail),
       Group(
           "zeta", "rules/b.yml",
           {ZetaFiring(), ZetaPending(), ZetaKeep(), kZetaQuiet, kZetaRecords},
           kZetaTail)});
}

std::string AlertingRules() {
  return Rules({Group("never", "rules/a.yml", {kNeverAlert}, kNeverTail),
                Group("alpha", "rules/b.yml", {}, kAlphaTail),
                Group("zeta", "rules/b.yml",
                      {ZetaFiring(), ZetaPending(), ZetaKeep(), kZetaQuiet},
                      kZetaTail)});
}

std::string RecordingRules() {
  return Rules({Group("never", "rules/a.yml", {kNeverRecord}, kNeverTail),
                Group("alpha", "rules/b.yml", {kOnlyRec}, kAlphaTail),
                Group("zeta", "rules/b.yml", {kZetaRecords}, kZetaTail)});
}

std::string AllAlerts() {
  return absl::StrCat(R"({"status":"success","data":{"alerts":[)",
                      kFiringAlerts, ",", kPendingAlert, ",", kKeptAlert,
                      "]}}");
}

std::string BadType(std::string_view quoted_json) {
  return absl::StrCat(
      R"({"status":"error","errorType":"bad_data","error":"invalid parameter \"type\": not supported value )",
      tsdb::AbslView(quoted_json), R"("})");
}

class ApiRulesTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    context_.rule_groups = Snapshot;
    Register();
  }

  void Expect(const std::string& path, const P& params, int status,
              const std::string& body) {
    const Response r = Get(path, params);
    EXPECT_EQ(r.status, status) << path;
    EXPECT_EQ(r.body, body) << path;
    EXPECT_EQ(r.content_type, "application/json");
  }
};

TEST_F(ApiRulesTest, RulesInPrometheusShape) {
  Expect("/api/v1/rules", {}, 200, AllRules());
}

TEST_F(ApiRulesTest, TypeFilterKeepsEmptiedGroups) {
  for (const char* type : {"alert", "ALERT", "Alert"}) {
    Expect("/api/v1/rules", {{"type", type}}, 200, AlertingRules());
  }
  for (const char* type : {"record", "RECORD"}) {
    Expect("/api/v1/rules", {{"type", type}}, 200, RecordingRules());
  }
  Expect("/api/v1/rules", {{"type", ""}}, 200, AllRules());
  // The first value counts.
  Expect("/api/v1/rules", {{"type", "record"}, {"type", "bogus"}}, 200,
         RecordingRules());
}

TEST_F(ApiRulesTest, UnsupportedTypeIsBadData) {
  Expect("/api/v1/rules", {{"type", "foo"}}, 400, BadType(R"(\"foo\")"));
  // Lower-cased before it is quoted, as Go's %q quotes it.
  Expect("/api/v1/rules", {{"type", "FOO"}}, 400, BadType(R"(\"foo\")"));
  Expect("/api/v1/rules", {{"type", " alert"}}, 400, BadType(R"(\" alert\")"));
  Expect("/api/v1/rules", {{"type", "alerting"}}, 400,
         BadType(R"(\"alerting\")"));
  Expect("/api/v1/rules", {{"type", "a\"b\\\n\x01"}}, 400,
         BadType(R"(\"a\\\"b\\\\\\n\\x01\")"));
  // A byte that is not UTF-8 becomes U+FFFD when lower-cased.
  Expect("/api/v1/rules", {{"type", "X\xff"}}, 400,
         BadType("\\\"x\xef\xbf\xbd\\\""));
}

TEST_F(ApiRulesTest, AlertsOfEveryAlertingRule) {
  Expect("/api/v1/alerts", {}, 200, AllAlerts());
  // /api/v1/alerts takes no parameters.
  Expect("/api/v1/alerts", {{"type", "foo"}}, 200, AllAlerts());
}

TEST_F(ApiRulesTest, GetOnly) {
  EXPECT_EQ(Post("/api/v1/rules", {}).status, 404);
  EXPECT_EQ(Post("/api/v1/alerts", {}).status, 404);
}

TEST_F(ApiRulesTest, NoActiveAlerts) {
  context_.rule_groups = [] { return std::vector<GroupStatus>{Never()}; };
  Register();
  Expect("/api/v1/alerts", {}, 200,
         R"({"status":"success","data":{"alerts":[]}})");
}

TEST_F(ApiTest, RulesAndAlertsWithoutRules) {
  EXPECT_EQ(Get("/api/v1/rules").body,
            R"({"status":"success","data":{"groups":[]}})");
  EXPECT_EQ(Get("/api/v1/alerts").body,
            R"({"status":"success","data":{"alerts":[]}})");
  context_.rule_groups = [] { return std::vector<GroupStatus>{}; };
  Register();
  EXPECT_EQ(Get("/api/v1/rules").body,
            R"({"status":"success","data":{"groups":[]}})");
  EXPECT_EQ(Get("/api/v1/rules", {{"type", "bogus"}}).status, 400);
}

}  // namespace
}  // namespace http
