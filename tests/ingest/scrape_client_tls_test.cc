// The scrape client, and a scrape job, over https against an
// httplib::SSLServer on 127.0.0.1 with the test certificates in
// tests/fixtures/tls/.
#include <httplib.h>

#include <chrono>
#include <string>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/scrape_client.h"
#include "ingest/scrape_manager.h"
#include "tests/testutil/status_matchers.h"
#include "tests/testutil/temp_dir.h"
#include "tsdb/db.h"

namespace tsdb {
namespace {

using ::testing::HasSubstr;
using ::tsdb::testing::IsOk;
using ::tsdb::testing::StatusIs;

const std::string kTlsDir = std::string(FIXTURES_DIR) + "/tls/";

class TlsServer {
 public:
  TlsServer()
      : server_((kTlsDir + "server.pem").c_str(),
                (kTlsDir + "server-key.pem").c_str()) {
    server_.Get("/metrics",
                [](const httplib::Request&, httplib::Response& res) {
                  res.set_content("up_secure 1\n", "text/plain; version=0.0.4");
                });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (port_ > 0 && !server_.is_running()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  ~TlsServer() {
    server_.stop();
    thread_.join();
  }
  bool valid() const { return server_.is_valid(); }
  std::string address(const std::string& host = "127.0.0.1") const {
    return host + ":" + std::to_string(port_);
  }

 private:
  httplib::SSLServer server_;
  int port_ = 0;
  std::thread thread_;
};

ScrapeClientOptions ClientOptions(TlsConfig tls) {
  ScrapeClientOptions options;
  options.timeout_ms = 5'000;
  options.http_client.tls_config = std::move(tls);
  return options;
}

TEST(ScrapeClientTls, VerifiesTheServerAgainstTheConfiguredCa) {
  TlsServer server;
  ASSERT_TRUE(server.valid());
  TlsConfig tls;
  tls.ca_file = kTlsDir + "ca.pem";
  ScrapeClient client("https", server.address(), "/metrics",
                      ClientOptions(tls));
  absl::StatusOr<ScrapeResponse> r = client.Fetch();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->body, "up_secure 1\n");
  EXPECT_EQ(client.url(), "https://" + server.address() + "/metrics");
}

TEST(ScrapeClientTls, RefusesAnUnknownAuthorityUnlessTold) {
  TlsServer server;
  ASSERT_TRUE(server.valid());
  ScrapeClient strict("https", server.address(), "/metrics", ClientOptions({}));
  EXPECT_THAT(strict.Fetch(),
              StatusIs(absl::StatusCode::kUnavailable,
                       HasSubstr("Get \"https://" + server.address() +
                                 "/metrics\": x509: ")));
  TlsConfig insecure;
  insecure.insecure_skip_verify = true;
  ScrapeClient lax("https", server.address(), "/metrics",
                   ClientOptions(insecure));
  absl::StatusOr<ScrapeResponse> r = lax.Fetch();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->body, "up_secure 1\n");
}

TEST(ScrapeClientTls, OtherSchemesAreRefused) {
  ScrapeClient client("ftp", "127.0.0.1:21", "/metrics", ClientOptions({}));
  EXPECT_THAT(client.Fetch(), StatusIs(absl::StatusCode::kUnimplemented,
                                       HasSubstr("\"ftp\" is not supported")));
}

// The job's tls_config reaches the scrape loops' clients: with the CA the
// target is up, without it the scrape fails verification.
TEST(ScrapeManagerTls, JobTlsConfigReachesTheTarget) {
  TlsServer server;
  ASSERT_TRUE(server.valid());
  tsdb::testing::TempDir dir;
  Options db_options;
  db_options.background_maintenance = false;
  db_options.log = [](std::string_view) {};
  absl::StatusOr<std::unique_ptr<Db>> db = Db::Open(dir.Join("db"), db_options);
  ASSERT_THAT(db, IsOk());
  ScrapeConfig job;
  job.job_name = "secure";
  job.scheme = "https";
  job.scrape_interval_ms = job.scrape_timeout_ms = 2'000;
  job.static_configs.push_back({{server.address()}, Labels(), "0"});
  ScrapeConfig unverified = job;
  unverified.job_name = "unverified";
  job.http_client.tls_config.ca_file = kTlsDir + "ca.pem";

  ScrapeManagerOptions options;
  options.scrape_immediately = true;
  ScrapeManager manager(db->get(), options);
  ASSERT_THAT(manager.ApplyConfig({job, unverified}), IsOk());
  std::vector<ActiveTargetStatus> targets;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(15);
  auto scraped = [&] {
    targets = manager.ActiveTargets();
    return targets.size() == 2 && targets[0].health != TargetHealth::kUnknown &&
           targets[1].health != TargetHealth::kUnknown;
  };
  while (!scraped() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(targets.size(), 2u);
  EXPECT_EQ(targets[0].scrape_pool, "secure");
  EXPECT_EQ(targets[0].health, TargetHealth::kUp) << targets[0].last_error;
  EXPECT_EQ(targets[1].scrape_pool, "unverified");
  EXPECT_EQ(targets[1].health, TargetHealth::kDown);
  EXPECT_THAT(targets[1].last_error, HasSubstr("x509: "));
  manager.Stop();
}

}  // namespace
}  // namespace tsdb
