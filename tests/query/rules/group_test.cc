#include "query/rules/group.h"

#include <cmath>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "query/parser.h"
#include "query/storage.h"
#include "tests/testutil/status_matchers.h"
#include "tests/testutil/temp_dir.h"
#include "tsdb/db.h"
#include "tsdb/stale_nan.h"

namespace query::rules {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

constexpr int64_t kSec = 1000;
constexpr int64_t kMin = 60 * kSec;

tsdb::Labels L(std::vector<std::pair<std::string, std::string>> pairs) {
  return *tsdb::Labels::FromPairs(std::move(pairs));
}

RuleConfig Alerting(std::string name, std::string expr, int64_t for_ms,
                    LabelPairs labels = {}, LabelPairs annotations = {}) {
  RuleConfig rule;
  rule.alert = std::move(name);
  rule.expr = std::move(expr);
  rule.parsed = std::shared_ptr<const Expr>(*ParseExpr(rule.expr));
  rule.for_ms = for_ms;
  rule.labels = std::move(labels);
  rule.annotations = std::move(annotations);
  return rule;
}

RuleConfig Recording(std::string name, std::string expr,
                     LabelPairs labels = {}) {
  RuleConfig rule;
  rule.record = std::move(name);
  rule.expr = std::move(expr);
  rule.parsed = std::shared_ptr<const Expr>(*ParseExpr(rule.expr));
  rule.labels = std::move(labels);
  return rule;
}

class GroupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tsdb::Options options;
    options.background_maintenance = false;
    ASSERT_OK_AND_ASSIGN(db_, tsdb::Db::Open(dir_.path(), options));
    storage_ = StorageFromDb(db_.get());
  }
  void TearDown() override {
    storage_.reset();
    ASSERT_OK(db_->Close());
  }

  GroupOptions Options() {
    GroupOptions options;
    options.engine = &engine_;
    options.storage = storage_.get();
    options.db = db_.get();
    options.default_interval_ms = kMin;
    options.external_url = "http://tsdb.example:9090";
    options.notify = [this](std::vector<AlertToSend> alerts) {
      for (AlertToSend& a : alerts) sent_.push_back(std::move(a));
    };
    return options;
  }

  std::unique_ptr<Group> MakeGroup(std::vector<RuleConfig> rules,
                                   GroupOptions options) {
    RuleGroupConfig config;
    config.file = "rules.yml";
    config.name = "g";
    config.rules = std::move(rules);
    return std::make_unique<Group>(std::move(config), std::move(options));
  }

  void Add(const tsdb::Labels& labels, int64_t t, double v) {
    std::unique_ptr<tsdb::Appender> app = db_->NewAppender();
    ASSERT_OK(app->Append(labels, t, v).status());
    ASSERT_OK(app->Commit());
  }

  // The raw samples of the series selected by `selector` in [start, end].
  std::vector<std::pair<std::string, std::vector<tsdb::Sample>>> Raw(
      std::string_view selector, int64_t start, int64_t end) {
    std::vector<std::pair<std::string, std::vector<tsdb::Sample>>> out;
    absl::StatusOr<std::vector<tsdb::Matcher>> matchers =
        ParseSeriesSelector(selector);
    EXPECT_TRUE(matchers.ok()) << matchers.status();
    SelectHints hints{start, end, 0, 0};
    absl::StatusOr<std::unique_ptr<tsdb::SeriesSet>> set =
        storage_->Select(hints, *matchers);
    EXPECT_TRUE(set.ok()) << set.status();
    while ((*set)->Next()) {
      std::vector<tsdb::Sample> samples;
      std::unique_ptr<tsdb::SampleIterator> it = (*set)->Iterator();
      while (it->Next()) samples.push_back(it->At());
      out.emplace_back((*set)->labels().ToString(), std::move(samples));
    }
    return out;
  }

  static const Alert* OnlyAlert(const GroupStatus& status, size_t rule = 0) {
    if (status.rules.size() <= rule || status.rules[rule].alerts.size() != 1) {
      return nullptr;
    }
    return &status.rules[rule].alerts[0];
  }

  tsdb::testing::TempDir dir_;
  std::unique_ptr<tsdb::Db> db_;
  std::unique_ptr<Storage> storage_;
  Engine engine_;
  std::vector<AlertToSend> sent_;
};

TEST_F(GroupTest, AlertGoesPendingFiringResolved) {
  const tsdb::Labels up =
      L({{"__name__", "up"}, {"job", "api"}, {"instance", "a:1"}});
  auto group = MakeGroup(
      {Alerting("Down", "up == 0", 2 * kMin, {{"severity", "critical"}},
                {{"summary",
                  "{{ $labels.job }} on {{ $labels.instance }} is "
                  "down ({{ $value }})"}})},
      Options());
  for (int64_t t = 0; t <= 10 * kMin; t += kMin)
    Add(up, t, t < 5 * kMin ? 0 : 1);

  group->Eval(0);
  GroupStatus status = group->Status();
  ASSERT_NE(OnlyAlert(status), nullptr);
  EXPECT_EQ(OnlyAlert(status)->state, AlertState::kPending);
  EXPECT_EQ(status.rules[0].state, AlertState::kPending);
  EXPECT_EQ(OnlyAlert(status)->labels, L({{"alertname", "Down"},
                                          {"instance", "a:1"},
                                          {"job", "api"},
                                          {"severity", "critical"}}));
  EXPECT_EQ(OnlyAlert(status)->annotations.ToString(),
            L({{"summary", "api on a:1 is down (0)"}}).ToString());
  EXPECT_THAT(sent_, IsEmpty());  // pending alerts are not sent

  group->Eval(1 * kMin);
  EXPECT_EQ(group->Status().rules[0].state, AlertState::kPending);
  group->Eval(2 * kMin);
  status = group->Status();
  ASSERT_NE(OnlyAlert(status), nullptr);
  EXPECT_EQ(OnlyAlert(status)->state, AlertState::kFiring);
  EXPECT_EQ(OnlyAlert(status)->active_at_ms, 0);
  ASSERT_THAT(sent_, SizeIs(1));
  EXPECT_EQ(sent_[0].starts_at_ms, 2 * kMin);
  // Valid for 4 × max(resend delay, interval).
  EXPECT_EQ(sent_[0].ends_at_ms, 2 * kMin + 4 * kMin);
  EXPECT_EQ(sent_[0].generator_url,
            "http://tsdb.example:9090/graph?g0.expr=up+%3D%3D+0&g0.tab=1");

  // Re-sent only once the resend delay (1m) has strictly passed.
  group->Eval(3 * kMin);
  EXPECT_THAT(sent_, SizeIs(1));
  group->Eval(4 * kMin);
  EXPECT_THAT(sent_, SizeIs(2));

  // The condition clears: resolved, sent with endsAt = the resolution time,
  // and gone from the API's active alerts.
  group->Eval(5 * kMin);
  status = group->Status();
  EXPECT_THAT(status.rules[0].alerts, IsEmpty());
  EXPECT_EQ(status.rules[0].state, AlertState::kInactive);
  ASSERT_THAT(sent_, SizeIs(3));
  EXPECT_EQ(sent_[2].ends_at_ms, 5 * kMin);
  EXPECT_EQ(sent_[2].starts_at_ms, 2 * kMin);
  EXPECT_EQ(status.rules[0].health, RuleHealth::kOk);

  // ALERTS: pending at 0 and 1m, stale when it fired; firing from 2m to 4m,
  // stale at 5m. ALERTS_FOR_STATE holds the active time in seconds.
  auto alerts = Raw("ALERTS", 0, 10 * kMin);
  ASSERT_THAT(alerts, SizeIs(2));
  EXPECT_EQ(alerts[0].first,
            "{__name__=\"ALERTS\", alertname=\"Down\", alertstate=\"firing\", "
            "instance=\"a:1\", job=\"api\", severity=\"critical\"}");
  ASSERT_THAT(alerts[0].second, SizeIs(4));
  EXPECT_EQ(alerts[0].second[0].t, 2 * kMin);
  EXPECT_EQ(alerts[0].second[2].v, 1);
  EXPECT_TRUE(tsdb::IsStaleNaN(alerts[0].second[3].v));
  EXPECT_EQ(alerts[0].second[3].t, 5 * kMin);
  ASSERT_THAT(alerts[1].second, SizeIs(3));
  EXPECT_TRUE(tsdb::IsStaleNaN(alerts[1].second[2].v));
  EXPECT_EQ(alerts[1].second[2].t, 2 * kMin);
  auto for_state = Raw("ALERTS_FOR_STATE", 0, 10 * kMin);
  ASSERT_THAT(for_state, SizeIs(1));
  EXPECT_EQ(for_state[0].second[0].v, 0);
  EXPECT_TRUE(tsdb::IsStaleNaN(for_state[0].second.back().v));
}

TEST_F(GroupTest, ResolvedAlertIsResentUntilRetentionEnds) {
  const tsdb::Labels up = L({{"__name__", "up"}, {"job", "api"}});
  Add(up, 0, 0);
  auto group = MakeGroup({Alerting("Down", "up == 0", 0)}, Options());
  group->Eval(0);
  ASSERT_THAT(sent_, SizeIs(1));
  Add(up, kMin, 1);
  group->Eval(kMin);  // resolved: sent
  ASSERT_THAT(sent_, SizeIs(2));
  EXPECT_EQ(sent_[1].ends_at_ms, kMin);
  group->Eval(2 * kMin);  // within the resend delay: not again
  EXPECT_THAT(sent_, SizeIs(2));
  group->Eval(3 * kMin);  // resent as resolved
  ASSERT_THAT(sent_, SizeIs(3));
  EXPECT_EQ(sent_[2].ends_at_ms, kMin);
  for (int64_t t = 4; t <= 17; ++t) group->Eval(t * kMin);
  const size_t before = sent_.size();
  group->Eval(30 * kMin);  // past 15 minutes of retention: forgotten
  group->Eval(40 * kMin);
  EXPECT_EQ(sent_.size(), before);
}

TEST_F(GroupTest, KeepFiringFor) {
  const tsdb::Labels up = L({{"__name__", "up"}, {"job", "api"}});
  Add(up, 0, 0);
  Add(up, kMin, 1);
  RuleConfig rule = Alerting("Down", "up == 0", 0);
  rule.keep_firing_for_ms = 2 * kMin;
  auto group = MakeGroup({rule}, Options());
  group->Eval(0);
  group->Eval(kMin);
  group->Eval(2 * kMin);
  const GroupStatus status = group->Status();
  const Alert* alert = OnlyAlert(status);
  ASSERT_NE(alert, nullptr);
  EXPECT_EQ(alert->state, AlertState::kFiring);
  EXPECT_EQ(alert->keep_firing_since_ms, kMin);
  group->Eval(3 * kMin);
  EXPECT_THAT(group->Status().rules[0].alerts, IsEmpty());
}

TEST_F(GroupTest, RecordingRulesChainAndGoStale) {
  const tsdb::Labels a = L({{"__name__", "req"}, {"job", "a"}});
  const tsdb::Labels b = L({{"__name__", "req"}, {"job", "b"}});
  Add(a, 0, 1);
  Add(b, 0, 2);
  auto group = MakeGroup(
      {Recording("job:req:sum", "sum by (job) (req)", {{"team", "x"}}),
       Recording("total", "sum(job:req:sum)")},
      Options());
  group->Eval(0);
  // The second rule saw the first one's output of the same evaluation.
  auto total = Raw("total", 0, 0);
  ASSERT_THAT(total, SizeIs(1));
  EXPECT_EQ(total[0].second[0].v, 3);
  auto recorded = Raw("job:req:sum", 0, 0);
  ASSERT_THAT(recorded, SizeIs(2));
  EXPECT_EQ(recorded[0].first,
            "{__name__=\"job:req:sum\", job=\"a\", team=\"x\"}");

  // job b disappears (stale): its recorded series gets a staleness marker.
  Add(b, 30 * kSec, tsdb::StaleNaN());
  Add(a, 30 * kSec, 5);
  group->Eval(kMin);
  recorded = Raw("job:req:sum{job=\"b\"}", 0, kMin);
  ASSERT_THAT(recorded, SizeIs(1));
  ASSERT_THAT(recorded[0].second, SizeIs(2));
  EXPECT_TRUE(tsdb::IsStaleNaN(recorded[0].second[1].v));
  EXPECT_EQ(group->Status().rules[0].health, RuleHealth::kOk);
}

TEST_F(GroupTest, RuleErrorsAreKeptInStatus) {
  Add(L({{"__name__", "x"}, {"a", "1"}}), 0, 1);
  Add(L({{"__name__", "x"}, {"a", "2"}}), 0, 1);
  GroupOptions options = Options();
  auto group = MakeGroup({Recording("same", "x", {{"a", "fixed"}}),
                          Alerting("Dup", "x", 0, {{"a", "fixed"}}),
                          Recording("str", "\"a string\"")},
                         options);
  group->Eval(0);
  GroupStatus status = group->Status();
  EXPECT_EQ(status.rules[0].health, RuleHealth::kErr);
  EXPECT_EQ(status.rules[0].last_error,
            "vector contains metrics with the same labelset after applying "
            "rule labels");
  EXPECT_EQ(status.rules[1].last_error,
            "vector contains metrics with the same labelset after applying "
            "alert labels");
  EXPECT_EQ(status.rules[2].last_error,
            "rule result is not a vector or scalar");
  EXPECT_THAT(Raw("same", 0, 0), IsEmpty());
}

TEST_F(GroupTest, LimitFailsRulesOverIt) {
  for (int i = 0; i < 3; ++i) {
    Add(L({{"__name__", "x"}, {"i", std::to_string(i)}}), 0, 1);
  }
  RuleGroupConfig config;
  config.name = "g";
  config.limit = 2;
  config.rules = {Recording("r", "x"), Alerting("A", "x > 0", 0)};
  Group group(std::move(config), Options());
  group.Eval(0);
  GroupStatus status = group.Status();
  EXPECT_EQ(status.rules[0].last_error, "exceeded limit of 2 with 3 series");
  EXPECT_EQ(status.rules[1].last_error, "exceeded limit of 2 with 3 alerts");
  EXPECT_THAT(status.rules[1].alerts, IsEmpty());
  EXPECT_EQ(status.limit, 2);
}

TEST_F(GroupTest, TemplatesSeeExternalLabelsAndErrorsShowAsText) {
  Add(L({{"__name__", "load"}, {"host", "h1"}}), 0, 0.8765);
  GroupOptions options = Options();
  options.external_labels = {{"cluster", "eu1"}};
  auto group = MakeGroup(
      {Alerting("Hot", "load > 0.5", 0,
                {{"host_upper", "{{ $labels.host | toUpper }}"}},
                {{"bad", "{{ humanize \"x\" }}"},
                 {"summary",
                  "{{ $externalLabels.cluster }}: {{ humanizePercentage $value "
                  "}}"}})},
      options);
  group->Eval(0);
  const GroupStatus status = group->Status();
  const Alert* alert = OnlyAlert(status);
  ASSERT_NE(alert, nullptr);
  EXPECT_EQ(alert->labels.Get("host_upper"), "H1");
  EXPECT_EQ(alert->annotations.Get("summary"), "eu1: 87.65%");
  EXPECT_THAT(std::string(alert->annotations.Get("bad")),
              HasSubstr("<error expanding template: "));
}

TEST_F(GroupTest, ForStateIsRestoredAfterRestart) {
  const tsdb::Labels up = L({{"__name__", "up"}, {"job", "api"}});
  for (int64_t t = 0; t <= 60 * kMin; t += kMin) Add(up, t, 0);
  const RuleConfig rule = Alerting("Down", "up == 0", 30 * kMin);
  {
    auto before = MakeGroup({rule}, Options());
    for (int64_t t = 0; t <= 10 * kMin; t += kMin) before->Eval(t);
    EXPECT_EQ(OnlyAlert(before->Status())->state, AlertState::kPending);
  }
  // Down from 10m to 20m; restarted: loaded unrestored, restored after its
  // second evaluation. 10 of the 30 minutes had passed; the outage moves the
  // active time by its length (20m - 10m).
  GroupOptions options = Options();
  options.restored = false;
  auto after = MakeGroup({rule}, options);
  after->Eval(20 * kMin);
  after->Eval(21 * kMin);
  EXPECT_THAT(Raw("ALERTS_FOR_STATE", 11 * kMin, 21 * kMin), IsEmpty());
  after->RestoreForState(21 * kMin);
  const GroupStatus status = after->Status();
  const Alert* alert = OnlyAlert(status);
  ASSERT_NE(alert, nullptr);
  EXPECT_EQ(alert->active_at_ms, 11 * kMin);
  after->Eval(40 * kMin);
  EXPECT_EQ(OnlyAlert(after->Status())->state, AlertState::kPending);
  after->Eval(41 * kMin);
  EXPECT_EQ(OnlyAlert(after->Status())->state, AlertState::kFiring);
}

TEST_F(GroupTest, RestoreLeavesAtLeastTheGracePeriod) {
  const tsdb::Labels up = L({{"__name__", "up"}, {"job", "api"}});
  for (int64_t t = 0; t <= 60 * kMin; t += kMin) Add(up, t, 0);
  const RuleConfig rule = Alerting("Down", "up == 0", 30 * kMin);
  {
    auto before = MakeGroup({rule}, Options());
    for (int64_t t = 0; t <= 25 * kMin; t += kMin) before->Eval(t);
  }
  GroupOptions options = Options();
  options.restored = false;
  auto after = MakeGroup({rule}, options);
  after->Eval(26 * kMin);
  after->RestoreForState(26 * kMin);
  // 5 minutes were left, less than the 10-minute grace period.
  EXPECT_EQ(OnlyAlert(after->Status())->active_at_ms,
            26 * kMin + 10 * kMin - 30 * kMin);
}

TEST_F(GroupTest, CopyStateKeepsAlertsAndMarksRemovedRulesStale) {
  const tsdb::Labels up = L({{"__name__", "up"}, {"job", "api"}});
  Add(up, 0, 0);
  Add(up, kMin, 0);
  auto old = MakeGroup(
      {Alerting("Down", "up == 0", 5 * kMin), Recording("gone", "up")},
      Options());
  old->Eval(0);
  auto fresh = MakeGroup({Alerting("Down", "up == 0", 5 * kMin)}, Options());
  fresh->CopyState(*old);
  fresh->Eval(kMin);
  EXPECT_EQ(OnlyAlert(fresh->Status())->active_at_ms, 0);
  auto gone = Raw("gone", 0, kMin);
  ASSERT_THAT(gone, SizeIs(1));
  ASSERT_THAT(gone[0].second, SizeIs(2));
  EXPECT_TRUE(tsdb::IsStaleNaN(gone[0].second[1].v));
}

TEST_F(GroupTest, StatusBeforeFirstEvaluation) {
  auto group = MakeGroup({Alerting("A", "up   ==   0", kMin)}, Options());
  GroupStatus status = group->Status();
  EXPECT_EQ(status.interval_ms, kMin);
  ASSERT_THAT(status.rules, SizeIs(1));
  EXPECT_EQ(status.rules[0].health, RuleHealth::kUnknown);
  EXPECT_EQ(status.rules[0].query, "up == 0");
  EXPECT_EQ(status.rules[0].last_evaluation_ms, 0);
  EXPECT_EQ(status.rules[0].type, RuleStatus::Type::kAlerting);
}

}  // namespace
}  // namespace query::rules
