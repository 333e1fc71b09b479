#include "query/rules/rule_manager.h"

#include <chrono>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "query/storage.h"
#include "tests/testutil/status_matchers.h"
#include "tests/testutil/temp_dir.h"
#include "tsdb/db.h"

namespace query::rules {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;
using ::tsdb::testing::StatusIs;

class RuleManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tsdb::Options options;
    options.background_maintenance = false;
    ASSERT_OK_AND_ASSIGN(db_, tsdb::Db::Open(dir_.path() + "/db", options));
    storage_ = StorageFromDb(db_.get());
    GroupOptions defaults;
    defaults.engine = &engine_;
    defaults.storage = storage_.get();
    defaults.db = db_.get();
    manager_ = std::make_unique<RuleManager>(defaults);
  }
  void TearDown() override {
    manager_.reset();
    storage_.reset();
    ASSERT_OK(db_->Close());
  }

  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = dir_.path() + "/" + name;
    std::ofstream(path) << text;
    return path;
  }

  // Waits until `done` holds for the manager's status (up to 10 s).
  template <typename Pred>
  bool WaitFor(Pred done) {
    for (int i = 0; i < 1000; ++i) {
      if (done(manager_->Status())) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  tsdb::testing::TempDir dir_;
  std::unique_ptr<tsdb::Db> db_;
  std::unique_ptr<Storage> storage_;
  Engine engine_;
  std::unique_ptr<RuleManager> manager_;
};

TEST_F(RuleManagerTest, EvaluatesGroupsAndListsThemByFileAndName) {
  const std::string b = Write("b.yml", R"(groups:
  - name: zeta
    interval: 100ms
    rules:
      - record: one
        expr: vector(1)
  - name: alpha
    interval: 100ms
    rules:
      - alert: Always
        expr: vector(1) > 0
        labels: {severity: page}
)");
  const std::string a = Write("a.yml", R"(groups:
  - name: only
    rules:
      - record: two
        expr: vector(2)
)");
  ASSERT_OK(
      manager_->Update(60'000, {b, a}, {{"cluster", "x"}}, "http://h:9090"));
  std::vector<GroupStatus> status = manager_->Status();
  ASSERT_THAT(status, SizeIs(3));
  EXPECT_EQ(status[0].file, a);
  EXPECT_EQ(status[0].interval_ms, 60'000);
  EXPECT_EQ(status[1].name, "alpha");
  EXPECT_EQ(status[2].name, "zeta");
  EXPECT_EQ(status[2].interval_ms, 100);
  // Groups loaded at start-up write ALERTS only once restored (after their
  // second evaluation); the alert itself is active from the first.
  ASSERT_TRUE(WaitFor([](const std::vector<GroupStatus>& s) {
    return s[1].rules[0].state == AlertState::kFiring &&
           s[2].rules[0].health == RuleHealth::kOk &&
           s[2].last_evaluation_ms > 0;
  }));
  ASSERT_TRUE(WaitFor([this](const std::vector<GroupStatus>&) {
    absl::StatusOr<QueryResult> r =
        engine_.InstantQuery(*storage_, "ALERTS{alertname=\"Always\"}",
                             absl::ToUnixMillis(absl::Now()));
    return r.ok() && r->vector.size() == 1;
  }));
}

TEST_F(RuleManagerTest, BadFileChangesNothing) {
  const std::string good = Write("good.yml", R"(groups:
  - name: g
    interval: 100ms
    rules:
      - record: one
        expr: vector(1)
)");
  const std::string bad = Write("bad.yml", R"(groups:
  - name: g
    rules:
      - record: one
        expr: vector(1
)");
  ASSERT_OK(manager_->Update(60'000, {good}, {}, ""));
  absl::Status s = manager_->Update(60'000, {bad}, {}, "");
  EXPECT_THAT(
      s, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("bad.yml")));
  std::vector<GroupStatus> status = manager_->Status();
  ASSERT_THAT(status, SizeIs(1));
  EXPECT_EQ(status[0].file, good);
}

TEST_F(RuleManagerTest, ReloadKeepsAlertState) {
  const std::string path = Write("r.yml", R"(groups:
  - name: g
    interval: 100ms
    rules:
      - alert: Slow
        expr: vector(1) > 0
        for: 1h
)");
  ASSERT_OK(manager_->Update(60'000, {path}, {}, ""));
  ASSERT_TRUE(WaitFor([](const std::vector<GroupStatus>& s) {
    return s[0].rules[0].alerts.size() == 1;
  }));
  const int64_t active_at =
      manager_->Status()[0].rules[0].alerts[0].active_at_ms;
  ASSERT_OK(manager_->Update(60'000, {path}, {}, ""));
  std::vector<GroupStatus> status = manager_->Status();
  ASSERT_THAT(status[0].rules[0].alerts, SizeIs(1));
  EXPECT_EQ(status[0].rules[0].alerts[0].active_at_ms, active_at);
}

// Prometheus 2.42, given /tmp/promoff/rules.yml with these groups and a 5 s
// (7 s for "other") interval, started their evaluations 105.76 ms,
// 1736.75 ms and 6450.54 ms into their slots: the offsets below plus the
// few milliseconds its goroutines took to wake up.
TEST_F(RuleManagerTest, OffsetIsPrometheusGroupHash) {
  const std::string file = "/tmp/promoff/rules.yml";
  EXPECT_EQ(RuleManager::EvalOffsetNs(file, "g", 5'000'000'000), 102'019'282);
  EXPECT_EQ(RuleManager::EvalOffsetNs(file, "system-alerts", 5'000'000'000),
            1'735'490'956);
  EXPECT_EQ(RuleManager::EvalOffsetNs(file, "other", 7'000'000'000),
            6'449'388'125);
  EXPECT_EQ(RuleManager::EvalOffsetNs(file, "g", 0), 0);
}

}  // namespace
}  // namespace query::rules
