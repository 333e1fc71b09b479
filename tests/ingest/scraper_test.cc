// The scraper's HTTP client and one scrape against a real Db and a small
// HTTP server on 127.0.0.1.
#include <httplib.h>
#include <zlib.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/scrape.h"
#include "ingest/scrape_client.h"
#include "tests/testutil/status_matchers.h"
#include "tests/testutil/temp_dir.h"
#include "tsdb/db.h"
#include "tsdb/matcher.h"
#include "tsdb/stale_nan.h"

namespace tsdb {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::tsdb::testing::IsOk;
using ::tsdb::testing::StatusIs;

constexpr int64_t kT0 = 1'700'000'000'000;

// Serves /metrics with a body the test sets (gzip-compressed by httplib when
// the client accepts it, as the scraper always does), /500 with an error, /slow
// after a delay, /gzip gzip-encoded, /moved as a redirect to /metrics;
// records the last request's headers.
class TestServer {
 public:
  TestServer() {
    server_.Get("/metrics",
                [this](const httplib::Request& req, httplib::Response& res) {
                  std::lock_guard<std::mutex> lock(mu_);
                  last_headers_ = req.headers;
                  res.set_content(body_, content_type_);
                });
    server_.Get("/500", [](const httplib::Request&, httplib::Response& res) {
      res.status = 500;
      res.set_content("boom", "text/plain");
    });
    server_.Get("/moved", [](const httplib::Request&, httplib::Response& res) {
      res.set_redirect("/metrics", 302);
    });
    server_.Get("/slow", [](const httplib::Request&, httplib::Response& res) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1500));
      res.set_content("a 1\n", "text/plain");
    });
    server_.Get("/gzip",
                [this](const httplib::Request&, httplib::Response& res) {
                  std::lock_guard<std::mutex> lock(mu_);
                  res.set_header("Content-Encoding", "gzip");
                  // Not a text/* type, so the server does not compress it
                  // again.
                  res.set_content(Gzip(body_), "application/octet-stream");
                });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  ~TestServer() {
    server_.stop();
    thread_.join();
  }

  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  void SetBody(std::string body, std::string content_type = "text/plain") {
    std::lock_guard<std::mutex> lock(mu_);
    body_ = std::move(body);
    content_type_ = std::move(content_type);
  }
  std::string Header(const std::string& name) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = last_headers_.find(name);
    return it == last_headers_.end() ? "" : it->second;
  }

  static std::string Gzip(const std::string& in) {
    z_stream zs{};
    EXPECT_EQ(deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED,
                           16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY),
              Z_OK);
    std::string out(deflateBound(&zs, in.size()) + 32, '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs.avail_in = in.size();
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = out.size();
    EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return out;
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::string body_;
  std::string content_type_ = "text/plain";
  httplib::Headers last_headers_;
};

Options TestOptions() {
  Options o;
  o.background_maintenance = false;
  o.log = [](std::string_view) {};
  return o;
}

using SeriesSamples =
    std::map<std::string, std::vector<std::pair<int64_t, double>>>;

class ScraperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = Db::Open(dir_.path(), TestOptions());
    ASSERT_THAT(db, IsOk());
    db_ = *std::move(db);
  }

  // Every stored series whose name matches `name_regex`, by its labels.
  SeriesSamples Stored(const std::string& name_regex) {
    SeriesSamples out;
    auto m = Matcher::Make(MatchType::kRegexMatch, "__name__", name_regex);
    EXPECT_THAT(m, IsOk());
    std::vector<Matcher> matchers = {*m};
    Querier q = db_->NewQuerier(0, kT0 * 2);
    auto set = q.Select(matchers);
    EXPECT_THAT(set, IsOk());
    while ((*set)->Next()) {
      auto& samples = out[(*set)->labels().ToString()];
      auto it = (*set)->Iterator();
      while (it->Next()) samples.emplace_back(it->At().t, it->At().v);
    }
    return out;
  }

  double Value(const std::string& series, size_t i = 0) {
    SeriesSamples s = Stored(".+");
    auto it = s.find(series);
    if (it == s.end() || it->second.size() <= i) {
      ADD_FAILURE() << "no sample " << i << " for " << series;
      return -1;
    }
    return it->second[i].second;
  }

  ScrapeReport Scrape(TargetScraper* scraper, ScrapeClient* client, int64_t t) {
    auto started = std::chrono::steady_clock::now();
    absl::StatusOr<ScrapeReport> r =
        scraper->Store(client->Fetch(), t, started, db_.get());
    EXPECT_THAT(r, IsOk());
    return r.ok() ? *r : ScrapeReport{};
  }

  static Labels Target() {
    return *Labels::FromPairs(
        {{"job", "app"}, {"instance", "h:1"}, {"__address__", "h:1"}});
  }

  tsdb::testing::TempDir dir_;
  std::unique_ptr<Db> db_;
  TestServer server_;
};

TEST_F(ScraperTest, StoresSamplesAndSyntheticSeries) {
  server_.SetBody("# TYPE a counter\na_total 3\nb{x=\"1\"} 4.5\n");
  ScrapeClient client("http", server_.address(), "/metrics", {});
  TargetScraper scraper(Target(), {});
  ScrapeReport r = Scrape(&scraper, &client, kT0);
  EXPECT_THAT(r.error, IsOk());
  EXPECT_EQ(r.samples_scraped, 2u);
  EXPECT_EQ(r.samples_post_metric_relabeling, 2u);
  EXPECT_EQ(r.series_added, 2u);
  EXPECT_THAT(Stored("a_total|b"),
              ElementsAre(Pair("{__name__=\"a_total\", instance=\"h:1\", "
                               "job=\"app\"}",
                               ElementsAre(Pair(kT0, 3.0))),
                          Pair("{__name__=\"b\", instance=\"h:1\", "
                               "job=\"app\", x=\"1\"}",
                               ElementsAre(Pair(kT0, 4.5)))));
  EXPECT_EQ(Value("{__name__=\"up\", instance=\"h:1\", job=\"app\"}"), 1.0);
  EXPECT_EQ(Value("{__name__=\"scrape_samples_scraped\", instance=\"h:1\", "
                  "job=\"app\"}"),
            2.0);
  EXPECT_EQ(Value("{__name__=\"scrape_series_added\", instance=\"h:1\", "
                  "job=\"app\"}"),
            2.0);
  EXPECT_EQ(Value("{__name__=\"scrape_samples_post_metric_relabeling\", "
                  "instance=\"h:1\", job=\"app\"}"),
            2.0);
  EXPECT_GE(Value("{__name__=\"scrape_duration_seconds\", instance=\"h:1\", "
                  "job=\"app\"}"),
            0.0);
  EXPECT_EQ(server_.Header("Accept"), kScrapeAcceptHeader);
  EXPECT_EQ(server_.Header("Accept-Encoding"), "gzip");
  EXPECT_EQ(server_.Header("X-Prometheus-Scrape-Timeout-Seconds"), "10");

  // Steady state: the second scrape appends by reference, adds no series.
  r = Scrape(&scraper, &client, kT0 + 15'000);
  EXPECT_EQ(r.series_added, 0u);
  EXPECT_EQ(scraper.cache_size(), 2u);
  EXPECT_THAT(Stored("a_total")["{__name__=\"a_total\", instance=\"h:1\", "
                                "job=\"app\"}"],
              ElementsAre(Pair(kT0, 3.0), Pair(kT0 + 15'000, 3.0)));
}

TEST_F(ScraperTest, ConflictingLabelsAreExported) {
  // "exported_job" is taken by a scraped label, so the scraped "job" moves
  // one prefix further.
  server_.SetBody("m{job=\"scraped\",exported_job=\"x\"} 1\n");
  ScrapeClient client("http", server_.address(), "/metrics", {});
  TargetScraper scraper(Target(), {});
  EXPECT_THAT(Scrape(&scraper, &client, kT0).error, IsOk());
  EXPECT_THAT(
      Stored("m"),
      ElementsAre(Pair("{__name__=\"m\", exported_exported_job=\"scraped\", "
                       "exported_job=\"x\", instance=\"h:1\", "
                       "job=\"app\"}",
                       ::testing::SizeIs(1))));

  ScrapeTargetOptions honor;
  honor.honor_labels = true;
  TargetScraper honoring(Target(), honor);
  server_.SetBody("n{job=\"scraped\"} 1\n");
  EXPECT_THAT(Scrape(&honoring, &client, kT0).error, IsOk());
  EXPECT_THAT(Stored("n"),
              ElementsAre(Pair("{__name__=\"n\", instance=\"h:1\", "
                               "job=\"scraped\"}",
                               ::testing::SizeIs(1))));
}

TEST_F(ScraperTest, DroppedSeriesGetsStalenessMarker) {
  server_.SetBody("a 1\nb 2\n");
  ScrapeClient client("http", server_.address(), "/metrics", {});
  TargetScraper scraper(Target(), {});
  Scrape(&scraper, &client, kT0);
  server_.SetBody("a 1\n");
  ScrapeReport r = Scrape(&scraper, &client, kT0 + 15'000);
  EXPECT_EQ(r.stale_markers, 1u);
  auto b = Stored("b")["{__name__=\"b\", instance=\"h:1\", job=\"app\"}"];
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b[1].first, kT0 + 15'000);
  EXPECT_TRUE(IsStaleNaN(b[1].second));
  EXPECT_EQ(scraper.cache_size(), 1u);
  // Only once.
  r = Scrape(&scraper, &client, kT0 + 30'000);
  EXPECT_EQ(r.stale_markers, 0u);
}

TEST_F(ScraperTest, BadBodyStoresNothingAndMarksDown) {
  server_.SetBody("a 1\n");
  ScrapeClient client("http", server_.address(), "/metrics", {});
  TargetScraper scraper(Target(), {});
  Scrape(&scraper, &client, kT0);
  server_.SetBody("a 2\nc 3\nd{ 4\n");
  ScrapeReport r = Scrape(&scraper, &client, kT0 + 15'000);
  EXPECT_THAT(r.error,
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("3:")));
  EXPECT_THAT(Stored("c|d"), IsEmpty());
  auto a = Stored("a")["{__name__=\"a\", instance=\"h:1\", job=\"app\"}"];
  ASSERT_EQ(a.size(), 2u);  // the first value, then a staleness marker
  EXPECT_EQ(a[0].second, 1.0);
  EXPECT_TRUE(IsStaleNaN(a[1].second));
  EXPECT_EQ(Value("{__name__=\"up\", instance=\"h:1\", job=\"app\"}", 1), 0.0);
}

TEST_F(ScraperTest, ServerErrorMarksDown) {
  ScrapeClient client("http", server_.address(), "/500", {});
  EXPECT_THAT(client.Fetch(),
              StatusIs(absl::StatusCode::kUnavailable,
                       "server returned HTTP status 500 Internal Server "
                       "Error"));
  TargetScraper scraper(Target(), {});
  ScrapeReport r = Scrape(&scraper, &client, kT0);
  EXPECT_THAT(r.error.message(),
              "server returned HTTP status 500 Internal Server Error");
  EXPECT_EQ(Value("{__name__=\"up\", instance=\"h:1\", job=\"app\"}"), 0.0);
}

TEST_F(ScraperTest, MetricRelabelDrop) {
  server_.SetBody("keep_me 1\ndrop_me 2\n");
  RelabelConfig config;
  config.source_labels = {"__name__"};
  config.regex = "drop_.*";
  config.action = RelabelAction::kDrop;
  auto rule = CompileRelabelConfig(config);
  ASSERT_THAT(rule, IsOk());
  ScrapeTargetOptions options;
  options.metric_relabel_configs = {*rule};
  ScrapeClient client("http", server_.address(), "/metrics", {});
  TargetScraper scraper(Target(), options);
  ScrapeReport r = Scrape(&scraper, &client, kT0);
  EXPECT_EQ(r.samples_scraped, 2u);
  EXPECT_EQ(r.samples_post_metric_relabeling, 1u);
  EXPECT_THAT(Stored("keep_me|drop_me"), ::testing::SizeIs(1));
  // The dropped series is cached as dropped.
  r = Scrape(&scraper, &client, kT0 + 15'000);
  EXPECT_EQ(r.samples_post_metric_relabeling, 1u);
  EXPECT_EQ(scraper.cache_size(), 2u);
}

TEST_F(ScraperTest, SampleLimitFailsTheScrape) {
  server_.SetBody("a 1\nb 2\nc 3\n");
  ScrapeTargetOptions options;
  options.sample_limit = 2;
  ScrapeClient client("http", server_.address(), "/metrics", {});
  TargetScraper scraper(Target(), options);
  ScrapeReport r = Scrape(&scraper, &client, kT0);
  EXPECT_THAT(r.error.message(), "sample limit exceeded");
  EXPECT_EQ(r.samples_scraped, 3u);
  EXPECT_THAT(Stored("a|b|c"), IsEmpty());
  EXPECT_EQ(Value("{__name__=\"up\", instance=\"h:1\", job=\"app\"}"), 0.0);
}

TEST_F(ScraperTest, LabelLimitFailsTheScrape) {
  server_.SetBody("a{x=\"1\",y=\"2\"} 1\n");
  ScrapeTargetOptions options;
  options.label_limit = 4;
  ScrapeClient client("http", server_.address(), "/metrics", {});
  TargetScraper scraper(Target(), options);
  EXPECT_THAT(Scrape(&scraper, &client, kT0).error.message(),
              "label_limit exceeded (metric: a, number of labels: 5, "
              "limit: 4)");
}

TEST_F(ScraperTest, BodySizeLimit) {
  server_.SetBody("a 1\nb 2\n");  // 8 bytes
  ScrapeClientOptions options;
  options.body_size_limit_bytes = 8;
  ScrapeClient client("http", server_.address(), "/metrics", options);
  EXPECT_THAT(client.Fetch(), StatusIs(absl::StatusCode::kUnavailable,
                                       "body size limit exceeded"));
  options.body_size_limit_bytes = 9;
  ScrapeClient roomy("http", server_.address(), "/metrics", options);
  EXPECT_THAT(roomy.Fetch(), IsOk());
}

TEST_F(ScraperTest, GzipAndOpenMetrics) {
  server_.SetBody("a_total 1\n# EOF\n");
  ScrapeClient client("http", server_.address(), "/gzip", {});
  auto r = client.Fetch();
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->body, "a_total 1\n# EOF\n");

  server_.SetBody("# TYPE a counter\na_total 1 1.5\n# EOF\n",
                  "application/openmetrics-text; version=1.0.0");
  ScrapeClient om("http", server_.address(), "/metrics", {});
  TargetScraper scraper(Target(), {});
  EXPECT_THAT(Scrape(&scraper, &om, kT0).error, IsOk());
  EXPECT_THAT(Stored("a_total"),
              ElementsAre(Pair(::testing::_, ElementsAre(Pair(1500, 1.0)))));
}

TEST_F(ScraperTest, TimeoutAndConnectionErrors) {
  ScrapeClientOptions options;
  options.timeout_ms = 300;
  ScrapeClient slow("http", server_.address(), "/slow", options);
  EXPECT_THAT(slow.Fetch(), StatusIs(absl::StatusCode::kDeadlineExceeded,
                                     HasSubstr("context deadline exceeded")));
  ScrapeClient refused("http", "127.0.0.1:1", "/metrics", options);
  EXPECT_THAT(refused.Fetch(), StatusIs(absl::StatusCode::kUnavailable,
                                        HasSubstr("Get \"http://127.0.0.1:1/"
                                                  "metrics\": ")));
}

TEST_F(ScraperTest, MetadataOfLastSuccessfulScrape) {
  server_.SetBody(
      "# HELP a Help of a.\n# TYPE a counter\na 1\n"
      "# TYPE b untyped\nb 2\n# HELP c Only help.\nc 3\n");
  ScrapeClient client("http", server_.address(), "/metrics", {});
  TargetScraper scraper(Target(), {});
  EXPECT_EQ(scraper.metadata_version(), 0u);
  Scrape(&scraper, &client, kT0);
  EXPECT_THAT(scraper.metadata(),
              ElementsAre(MetricMetadata{"a", "counter", "Help of a.", ""},
                          MetricMetadata{"b", "unknown", "", ""},
                          MetricMetadata{"c", "unknown", "Only help.", ""}));
  const uint64_t version = scraper.metadata_version();
  EXPECT_GT(version, 0u);

  // Unchanged: same version.
  Scrape(&scraper, &client, kT0 + 15'000);
  EXPECT_EQ(scraper.metadata_version(), version);

  // A failed scrape keeps the last successful metadata.
  server_.SetBody("# TYPE a gauge\na 1\n}garbage\n");
  Scrape(&scraper, &client, kT0 + 30'000);
  EXPECT_EQ(scraper.metadata_version(), version);
  EXPECT_EQ(scraper.metadata()[0].type, "counter");

  // Changed help, a field no longer given, a family gone.
  server_.SetBody("# HELP a New help.\na 1\n# TYPE b gauge\nb 2\n");
  Scrape(&scraper, &client, kT0 + 45'000);
  EXPECT_GT(scraper.metadata_version(), version);
  EXPECT_THAT(scraper.metadata(),
              ElementsAre(MetricMetadata{"a", "unknown", "New help.", ""},
                          MetricMetadata{"b", "gauge", "", ""}));
}

TEST_F(ScraperTest, StaleMarkersForAllAfterTargetGoesAway) {
  server_.SetBody("a 1\nb{x=\"1\"} 2 1700000000000\n");
  ScrapeClient client("http", server_.address(), "/metrics", {});
  TargetScraper scraper(Target(), {});
  Scrape(&scraper, &client, kT0);
  ASSERT_THAT(scraper.AppendStaleMarkersForAll(kT0 + 15'000, db_.get()),
              IsOk());
  for (const char* series :
       {"{__name__=\"a\", instance=\"h:1\", job=\"app\"}",
        "{__name__=\"up\", instance=\"h:1\", job=\"app\"}",
        "{__name__=\"scrape_series_added\", instance=\"h:1\", "
        "job=\"app\"}"}) {
    auto samples = Stored(".+")[series];
    ASSERT_EQ(samples.size(), 2u) << series;
    EXPECT_EQ(samples[1].first, kT0 + 15'000);
    EXPECT_TRUE(IsStaleNaN(samples[1].second)) << series;
  }
  // A series with its own timestamp gets no marker (as Prometheus).
  EXPECT_THAT(Stored("b")["{__name__=\"b\", instance=\"h:1\", "
                          "job=\"app\", x=\"1\"}"],
              ElementsAre(Pair(kT0, 2.0)));
}

TEST_F(ScraperTest, ReplacementScraperMarksSeriesTheOldOneStored) {
  server_.SetBody("a 1\nb 2\n");
  ScrapeClient client("http", server_.address(), "/metrics", {});
  TargetScraper old_scraper(Target(), {});
  Scrape(&old_scraper, &client, kT0);
  TargetScraper scraper(Target(), {});
  scraper.TakeStaleCandidatesFrom(&old_scraper);
  server_.SetBody("a 1\n");
  EXPECT_EQ(Scrape(&scraper, &client, kT0 + 15'000).stale_markers, 1u);
  auto b = Stored("b")["{__name__=\"b\", instance=\"h:1\", job=\"app\"}"];
  ASSERT_EQ(b.size(), 2u);
  EXPECT_TRUE(IsStaleNaN(b[1].second));
}

TEST(ScrapeClientTest, FollowsRedirectsUnlessTold) {
  TestServer server;
  server.SetBody("a 1\n");
  ScrapeClientOptions options;
  options.timeout_ms = 5'000;
  ScrapeClient follows("http", server.address(), "/moved", options);
  absl::StatusOr<ScrapeResponse> r = follows.Fetch();
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->body, "a 1\n");

  options.http_client.follow_redirects = false;
  ScrapeClient stays("http", server.address(), "/moved", options);
  EXPECT_THAT(stays.Fetch(), StatusIs(absl::StatusCode::kUnavailable,
                                      "server returned HTTP status 302 Found"));
}

TEST(ScrapeClientTest, FormatTimeoutSeconds) {
  EXPECT_EQ(FormatTimeoutSeconds(10'000), "10");
  EXPECT_EQ(FormatTimeoutSeconds(1'500), "1.5");
  EXPECT_EQ(FormatTimeoutSeconds(250), "0.25");
}

TEST(ScrapeClientTest, GunzipLimitsAndRejectsGarbage) {
  const std::string gz = TestServer::Gzip(std::string(1000, 'x'));
  EXPECT_THAT(GunzipBody(gz, 0), IsOk());
  EXPECT_THAT(GunzipBody(gz, 1000), StatusIs(absl::StatusCode::kUnavailable,
                                             "body size limit exceeded"));
  EXPECT_THAT(GunzipBody("not gzip", 0),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("gzip: ")));
}

}  // namespace
}  // namespace tsdb
