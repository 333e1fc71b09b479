#include "http/notifier.h"

#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "http/self_metrics.h"
#include "tests/testutil/status_matchers.h"

namespace http {
namespace {

using query::rules::AlertToSend;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr auto kWait = std::chrono::seconds(10);

tsdb::Labels L(std::vector<std::pair<std::string, std::string>> pairs) {
  return *tsdb::Labels::FromPairs(std::move(pairs));
}

AlertToSend Alert(std::string name,
                  std::vector<std::pair<std::string, std::string>> extra = {}) {
  extra.emplace_back("alertname", std::move(name));
  AlertToSend a;
  a.labels = L(std::move(extra));
  a.starts_at_ms = 1'700'000'000'000;
  a.ends_at_ms = 1'700'000'060'000;
  return a;
}

std::vector<AlertToSend> Alerts(int n, std::string_view prefix = "a") {
  std::vector<AlertToSend> out;
  for (int i = 0; i < n; ++i) {
    out.push_back(Alert(absl::StrCat(std::string(prefix), i)));
  }
  return out;
}

// The number of alerts in a JSON body: each has exactly one "labels" key.
size_t CountAlerts(const std::string& body) {
  size_t n = 0;
  for (size_t pos = 0;
       (pos = body.find("\"labels\":", pos)) != std::string::npos; ++pos) {
    ++n;
  }
  return n;
}

// An Alertmanager on 127.0.0.1 that records what is posted to it and
// answers `status`; while held, requests wait (up to kWait) before the
// answer.
class FakeAlertmanager {
 public:
  struct Request {
    std::string path, body, content_type, user_agent, authorization;
  };

  explicit FakeAlertmanager(int status = 200) : status_(status) {
    server_.Post(".*",
                 [this](const httplib::Request& req, httplib::Response& res) {
                   std::unique_lock<std::mutex> lock(mu_);
                   requests_.push_back({req.path, req.body,
                                        req.get_header_value("Content-Type"),
                                        req.get_header_value("User-Agent"),
                                        req.get_header_value("Authorization")});
                   cv_.notify_all();
                   cv_.wait_for(lock, kWait, [this] { return !hold_; });
                   res.status = status_;
                 });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~FakeAlertmanager() {
    Release();
    server_.stop();
    thread_.join();
  }

  std::string address() const { return absl::StrCat("127.0.0.1:", port_); }
  void Hold() {
    std::lock_guard<std::mutex> lock(mu_);
    hold_ = true;
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mu_);
    hold_ = false;
    cv_.notify_all();
  }
  // Waits until `n` requests have arrived.
  bool WaitForRequests(size_t n) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, kWait, [&] { return requests_.size() >= n; });
  }
  std::vector<Request> requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }
  std::vector<size_t> BatchSizes() {
    std::vector<size_t> sizes;
    for (const Request& r : requests()) sizes.push_back(CountAlerts(r.body));
    return sizes;
  }

 private:
  const int status_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool hold_ = false;
  std::vector<Request> requests_;
};

// Collects log lines; thread-safe.
class LogSink {
 public:
  std::function<void(const std::string&)> Callback() {
    return [this](const std::string& line) {
      std::lock_guard<std::mutex> lock(mu_);
      lines_.push_back(line);
      cv_.notify_all();
    };
  }
  // Waits for a line containing `text`; returns it, or "" on timeout.
  std::string WaitFor(std::string_view text) {
    std::unique_lock<std::mutex> lock(mu_);
    std::string found;
    cv_.wait_for(lock, kWait, [&] {
      for (const std::string& line : lines_) {
        if (line.find(text) != std::string::npos) {
          found = line;
          return true;
        }
      }
      return false;
    });
    return found;
  }
  std::vector<std::string> lines() {
    std::lock_guard<std::mutex> lock(mu_);
    return lines_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> lines_;
};

AlertingConfig ParseConfig(std::string_view yaml) {
  absl::StatusOr<AlertingConfig> config =
      ParseAlertingConfig(YAML::Load(std::string(yaml)), "p.yml");
  EXPECT_TRUE(config.ok()) << config.status();
  return config.ok() ? *std::move(config) : AlertingConfig();
}

// An alerting section sending to `addresses`, one alertmanagers entry each.
AlertingConfig ConfigFor(const std::vector<std::string>& addresses,
                         std::string_view extra = "") {
  std::string yaml = absl::StrCat(std::string(extra), "alertmanagers:\n");
  for (const std::string& address : addresses) {
    absl::StrAppend(&yaml, "  - timeout: 5s\n    static_configs: [{targets: ['",
                    address, "']}]\n");
  }
  return ParseConfig(yaml);
}

class NotifierTest : public ::testing::Test {
 protected:
  std::unique_ptr<Notifier> Make(size_t capacity = 10'000) {
    NotifierOptions options;
    options.queue_capacity = capacity;
    options.registry = &registry_;
    options.log = log_.Callback();
    return std::make_unique<Notifier>(std::move(options));
  }
  // The value of one sample line in the registry's exposition ("" if
  // absent), e.g. Metric("tsdbd_notifications_dropped_total").
  std::string Metric(std::string_view series) {
    const std::string text = registry_.Expose();
    const std::string prefix = absl::StrCat(std::string(series), " ");
    for (absl::string_view line : absl::StrSplit(text, '\n')) {
      if (absl::StartsWith(line, prefix)) {
        return std::string(line.substr(prefix.size()));
      }
    }
    return "";
  }

  Registry registry_;
  LogSink log_;
};

TEST(NotifierJsonTest, TimeFormats) {
  EXPECT_EQ(FormatAlertTimeV2(1'700'000'000'123), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(FormatAlertTimeV2(1'700'000'000'000), "2023-11-14T22:13:20.000Z");
  EXPECT_EQ(FormatAlertTimeV2(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatAlertTimeV2(0), "0001-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatAlertTimeV1(1'700'000'000'500), "2023-11-14T22:13:20.5Z");
  EXPECT_EQ(FormatAlertTimeV1(1'700'000'000'120), "2023-11-14T22:13:20.12Z");
  EXPECT_EQ(FormatAlertTimeV1(1'700'000'000'000), "2023-11-14T22:13:20Z");
  EXPECT_EQ(FormatAlertTimeV1(0), "0001-01-01T00:00:00Z");
}

// The expected bodies follow what Prometheus 2.42 posted for the same
// alerts (captured from the real binary).
TEST(NotifierJsonTest, V2BodyIsPrometheusBytes) {
  AlertToSend a = Alert("A", {{"sev", "<crit>&"}, {"site", "a"}});
  a.annotations = L({{"summary", "v=1.5"}});
  a.generator_url = "http://vm:19090/graph?g0.expr=vector%281.5%29&g0.tab=1";
  a.starts_at_ms = 1'795'581'547'730;
  a.ends_at_ms = 1'795'581'557'730;
  AlertToSend b = Alert("B");
  b.starts_at_ms = 1'795'581'547'730;
  b.ends_at_ms = 0;
  EXPECT_EQ(
      AlertsToJsonV2({a, b}),
      R"([{"annotations":{"summary":"v=1.5"},"endsAt":"2026-11-25T04:39:17.730Z",)"
      R"("startsAt":"2026-11-25T04:39:07.730Z","generatorURL":"http://vm:19090/)"
      R"(graph?g0.expr=vector%281.5%29\u0026g0.tab=1","labels":{"alertname":"A",)"
      R"("sev":"\u003ccrit\u003e\u0026","site":"a"}},{"endsAt":"0001-01-01T00:)"
      R"(00:00.000Z","startsAt":"2026-11-25T04:39:07.730Z","labels":)"
      R"({"alertname":"B"}}])");
  EXPECT_EQ(AlertsToJsonV2({}), "[]");
}

TEST(NotifierJsonTest, V1BodyIsPrometheusBytes) {
  AlertToSend a = Alert("B", {{"site", "a"}});
  a.generator_url = "http://vm:19090/graph?g0.expr=vector%281%29&g0.tab=1";
  a.starts_at_ms = 1'795'581'547'730;
  a.ends_at_ms = 1'795'581'557'730;
  EXPECT_EQ(
      AlertsToJsonV1({a}),
      R"([{"labels":{"alertname":"B","site":"a"},"annotations":{},)"
      R"("startsAt":"2026-11-25T04:39:07.73Z","endsAt":"2026-11-25T04:39:17.73Z",)"
      R"("generatorURL":"http://vm:19090/graph?g0.expr=vector%281%29\u0026g0.tab=1"}])");
}

TEST_F(NotifierTest, PostsJsonWithHeadersToEveryAlertmanager) {
  FakeAlertmanager am1, am2;
  auto notifier = Make();
  ASSERT_THAT(
      notifier->ApplyConfig(ParseConfig(absl::StrCat(R"(
alertmanagers:
  - path_prefix: /prefix
    basic_auth: {username: user, password: pass}
    static_configs: [{targets: [')",
                                                     am1.address(),
                                                     R"(']}]
  - api_version: v1
    static_configs: [{targets: [')",
                                                     am2.address(), "']}]\n")),
                            tsdb::Labels()),
      tsdb::testing::IsOk());
  EXPECT_THAT(
      notifier->ActiveAlertmanagers(),
      ElementsAre(
          absl::StrCat("http://", am1.address(), "/prefix/api/v2/alerts"),
          absl::StrCat("http://", am2.address(), "/api/v1/alerts")));
  EXPECT_EQ(Metric("tsdbd_notifications_alertmanagers_discovered"), "2");
  EXPECT_EQ(Metric("tsdbd_notifications_queue_capacity"), "10000");

  std::vector<AlertToSend> alerts = {Alert("A")};
  notifier->Send(alerts);
  ASSERT_TRUE(am1.WaitForRequests(1));
  ASSERT_TRUE(am2.WaitForRequests(1));
  const FakeAlertmanager::Request r1 = am1.requests()[0];
  EXPECT_EQ(r1.path, "/prefix/api/v2/alerts");
  EXPECT_EQ(r1.content_type, "application/json");
  EXPECT_EQ(r1.user_agent, "tsdbd/0.1.0");
  EXPECT_EQ(r1.authorization, "Basic dXNlcjpwYXNz");
  EXPECT_EQ(r1.body, AlertsToJsonV2(alerts));
  const FakeAlertmanager::Request r2 = am2.requests()[0];
  EXPECT_EQ(r2.path, "/api/v1/alerts");
  EXPECT_EQ(r2.authorization, "");
  EXPECT_EQ(r2.body, AlertsToJsonV1(alerts));

  notifier->Stop();
  EXPECT_EQ(Metric(absl::StrCat(
                "tsdbd_notifications_sent_total{alertmanager=\"http://",
                am1.address(), "/prefix/api/v2/alerts\"}")),
            "1");
  EXPECT_EQ(Metric("tsdbd_notifications_dropped_total"), "0");
}

TEST_F(NotifierTest, BatchesOfAtMost64) {
  FakeAlertmanager am;
  auto notifier = Make();
  ASSERT_THAT(notifier->ApplyConfig(ConfigFor({am.address()}), {}),
              tsdb::testing::IsOk());
  notifier->Send(Alerts(150));
  ASSERT_TRUE(am.WaitForRequests(3));
  notifier->Stop();
  EXPECT_THAT(am.BatchSizes(), ElementsAre(64, 64, 22));
  // In the order they were queued.
  EXPECT_THAT(am.requests()[0].body, HasSubstr("\"alertname\":\"a0\""));
  EXPECT_THAT(am.requests()[2].body, HasSubstr("\"alertname\":\"a149\""));
}

TEST_F(NotifierTest, ExternalLabelsThenAlertRelabeling) {
  FakeAlertmanager am;
  auto notifier = Make();
  AlertingConfig config = ConfigFor({am.address()}, R"(
alert_relabel_configs:
  - source_labels: [severity]
    regex: debug
    action: drop
)");
  ASSERT_THAT(notifier->ApplyConfig(
                  config, L({{"site", "eu"}, {"alertname", "external"}})),
              tsdb::testing::IsOk());
  notifier->Send({Alert("Kept", {{"severity", "page"}}),
                  Alert("Dropped", {{"severity", "debug"}}),
                  Alert("Own", {{"site", "us"}})});
  ASSERT_TRUE(am.WaitForRequests(1));
  notifier->Stop();
  const std::string body = am.requests()[0].body;
  EXPECT_EQ(CountAlerts(body), 2) << body;
  EXPECT_THAT(body, HasSubstr(R"({"alertname":"Kept","severity":"page",)"
                              R"("site":"eu"})"));
  EXPECT_THAT(body, HasSubstr(R"({"alertname":"Own","site":"us"})"));
}

TEST_F(NotifierTest, AlertsRelabeledToNothingAreDropped) {
  FakeAlertmanager am;
  auto notifier = Make();
  ASSERT_THAT(notifier->ApplyConfig(ConfigFor({am.address()}, R"(
alert_relabel_configs:
  - action: labeldrop
    regex: .*
)"),
                                    {}),
              tsdb::testing::IsOk());
  notifier->Send(Alerts(3));
  notifier->Stop();
  EXPECT_THAT(am.requests(), IsEmpty());
  EXPECT_EQ(notifier->QueueLength(), 0u);
}

TEST_F(NotifierTest, FullQueueDropsTheOldestAndCountsThem) {
  FakeAlertmanager am;
  am.Hold();
  auto notifier = Make(/*capacity=*/5);
  ASSERT_THAT(notifier->ApplyConfig(ConfigFor({am.address()}), {}),
              tsdb::testing::IsOk());
  notifier->Send(Alerts(1, "first"));
  ASSERT_TRUE(am.WaitForRequests(1));  // the sender is now busy
  notifier->Send(Alerts(3, "b"));
  notifier->Send(Alerts(4, "c"));  // 7 > 5: b0 and b1 go
  EXPECT_EQ(notifier->QueueLength(), 5u);
  EXPECT_EQ(Metric("tsdbd_notifications_queue_length"), "5");
  EXPECT_EQ(Metric("tsdbd_notifications_dropped_total"), "2");
  EXPECT_EQ(log_.WaitFor("queue full"),
            "Alert notification queue full, dropping alerts num_dropped=2");
  notifier->Send(Alerts(7, "d"));  // larger than the queue: d0, d1 go
  EXPECT_EQ(Metric("tsdbd_notifications_dropped_total"), "9");
  EXPECT_EQ(log_.WaitFor("larger"),
            "Alert batch larger than queue capacity, dropping alerts "
            "num_dropped=2");
  am.Release();
  ASSERT_TRUE(am.WaitForRequests(2));
  notifier->Stop();
  ASSERT_EQ(am.requests().size(), 2u);
  const std::string body = am.requests()[1].body;
  EXPECT_EQ(CountAlerts(body), 5);
  EXPECT_THAT(body, HasSubstr("\"d2\""));
  EXPECT_THAT(body, HasSubstr("\"d6\""));
  EXPECT_THAT(body, ::testing::Not(HasSubstr("\"c3\"")));
}

TEST_F(NotifierTest, OneWorkingAlertmanagerIsEnough) {
  FakeAlertmanager failing(500), working;
  auto notifier = Make();
  ASSERT_THAT(notifier->ApplyConfig(
                  ConfigFor({failing.address(), working.address()}), {}),
              tsdb::testing::IsOk());
  notifier->Send(Alerts(3));
  const std::string failing_url =
      absl::StrCat("http://", failing.address(), "/api/v2/alerts");
  EXPECT_EQ(log_.WaitFor("Error sending alert"),
            absl::StrCat("Error sending alert alertmanager=", failing_url,
                         " count=3 err=\"bad response status 500 Internal "
                         "Server Error\""));
  ASSERT_TRUE(working.WaitForRequests(1));
  notifier->Stop();
  EXPECT_EQ(
      Metric(absl::StrCat("tsdbd_notifications_errors_total{alertmanager=\"",
                          failing_url, "\"}")),
      "1");
  EXPECT_EQ(Metric(absl::StrCat(
                "tsdbd_notifications_sent_total{alertmanager=\"http://",
                working.address(), "/api/v2/alerts\"}")),
            "3");
  EXPECT_EQ(Metric("tsdbd_notifications_dropped_total"), "0");
}

TEST_F(NotifierTest, BatchesNoAlertmanagerAcceptedAreDropped) {
  FakeAlertmanager failing(503);
  auto notifier = Make();
  ASSERT_THAT(notifier->ApplyConfig(ConfigFor({failing.address()}), {}),
              tsdb::testing::IsOk());
  notifier->Send(Alerts(4));
  notifier->Stop();
  EXPECT_EQ(Metric("tsdbd_notifications_dropped_total"), "4");
}

TEST_F(NotifierTest, WithoutAlertmanagersAlertsAreDropped) {
  // As in Prometheus: the batch reaches no Alertmanager.
  auto notifier = Make();
  notifier->Send(Alerts(2));
  notifier->Stop();
  EXPECT_EQ(Metric("tsdbd_notifications_dropped_total"), "2");
  EXPECT_THAT(notifier->ActiveAlertmanagers(), IsEmpty());
}

TEST_F(NotifierTest, TimeoutIsHonoured) {
  FakeAlertmanager slow;
  slow.Hold();  // answers only when released (or after kWait)
  auto notifier = Make();
  ASSERT_THAT(notifier->ApplyConfig(ParseConfig(absl::StrCat(
                                        "alertmanagers:\n  - timeout: 200ms\n"
                                        "    static_configs: [{targets: ['",
                                        slow.address(), "']}]\n")),
                                    {}),
              tsdb::testing::IsOk());
  notifier->Send(Alerts(1));
  // The error comes while the Alertmanager still holds the request.
  EXPECT_THAT(log_.WaitFor("Error sending alert"),
              HasSubstr("context deadline exceeded"));
  EXPECT_EQ(slow.requests().size(), 1u);
  slow.Release();
  notifier->Stop();
  EXPECT_EQ(Metric("tsdbd_notifications_dropped_total"), "1");
}

TEST_F(NotifierTest, StopDrainsTheQueue) {
  FakeAlertmanager am;
  auto notifier = Make();
  ASSERT_THAT(notifier->ApplyConfig(ConfigFor({am.address()}), {}),
              tsdb::testing::IsOk());
  for (int i = 0; i < 10; ++i) notifier->Send(Alerts(30));
  notifier->Stop();
  size_t total = 0;
  for (size_t n : am.BatchSizes()) total += n;
  EXPECT_EQ(total, 300u);
  EXPECT_EQ(notifier->QueueLength(), 0u);
  // After Stop, nothing more is queued.
  notifier->Send(Alerts(2));
  EXPECT_EQ(notifier->QueueLength(), 0u);
  EXPECT_EQ(Metric("tsdbd_notifications_dropped_total"), "2");
}

TEST_F(NotifierTest, UnsupportedSchemeAndRefusedConnectionAreErrors) {
  auto notifier = Make();
  ASSERT_THAT(notifier->ApplyConfig(ParseConfig(R"(
alertmanagers:
  - scheme: ftp
    static_configs: [{targets: ['127.0.0.1:1']}]
)"),
                                    {}),
              tsdb::testing::IsOk());
  notifier->Send(Alerts(1));
  EXPECT_EQ(log_.WaitFor("Error sending alert"),
            "Error sending alert alertmanager=ftp://127.0.0.1:1/api/v2/alerts "
            "count=1 err=\"Post \\\"ftp://127.0.0.1:1/api/v2/alerts\\\": "
            "unsupported protocol scheme \\\"ftp\\\"\"");
  notifier->Stop();
}

TEST_F(NotifierTest, ApplyConfigReplacesAlertmanagersAndChecksTlsFiles) {
  FakeAlertmanager am1, am2;
  auto notifier = Make();
  ASSERT_THAT(notifier->ApplyConfig(ConfigFor({am1.address()}), {}),
              tsdb::testing::IsOk());
  ASSERT_THAT(notifier->ApplyConfig(ConfigFor({am2.address()}), {}),
              tsdb::testing::IsOk());
  EXPECT_THAT(
      notifier->ActiveAlertmanagers(),
      ElementsAre(absl::StrCat("http://", am2.address(), "/api/v2/alerts")));
  EXPECT_THAT(
      notifier->ApplyConfig(ParseConfig(R"(
alertmanagers:
  - scheme: https
    tls_config: {ca_file: /nonexistent/ca.pem}
    static_configs: [{targets: ['127.0.0.1:1']}]
)"),
                            {}),
      tsdb::testing::StatusIs(
          absl::StatusCode::kInvalidArgument,
          HasSubstr("unable to load specified CA cert /nonexistent/ca.pem")));
  // The failed ApplyConfig changed nothing.
  EXPECT_THAT(
      notifier->ActiveAlertmanagers(),
      ElementsAre(absl::StrCat("http://", am2.address(), "/api/v2/alerts")));
  notifier->Send(Alerts(1));
  ASSERT_TRUE(am2.WaitForRequests(1));
  notifier->Stop();
  EXPECT_THAT(am1.requests(), IsEmpty());
}

}  // namespace
}  // namespace http
