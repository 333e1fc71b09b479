#include "ingest/scrape_config.h"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testutil/status_matchers.h"

namespace tsdb {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::tsdb::testing::IsOk;
using ::tsdb::testing::StatusIs;

struct Parsed {
  absl::StatusOr<std::vector<ScrapeConfig>> jobs;
  std::vector<std::string> warnings;
};

// Parses the scrape_configs of a whole document, as tsdbd hands them over.
Parsed Parse(const std::string& text, GlobalScrapeDefaults defaults = {}) {
  Parsed p;
  const YAML::Node root = YAML::Load(text);
  p.jobs = ParseScrapeConfigs(root["scrape_configs"], defaults, "p.yml",
                              &p.warnings);
  return p;
}

// The error of a one-job file whose job is "job_name: a" plus `lines`
// (each indented by four spaces).
std::string JobError(const std::string& lines) {
  Parsed p = Parse("scrape_configs:\n  - job_name: a\n    " + lines + "\n");
  return p.jobs.ok() ? "OK" : std::string(p.jobs.status().message());
}

TEST(ScrapeConfigTest, Defaults) {
  Parsed p = Parse("scrape_configs:\n  - job_name: a\n");
  ASSERT_THAT(p.jobs, IsOk());
  ASSERT_EQ(p.jobs->size(), 1u);
  const ScrapeConfig& j = (*p.jobs)[0];
  EXPECT_EQ(j.job_name, "a");
  EXPECT_EQ(j.scrape_interval_ms, 60'000);
  EXPECT_EQ(j.scrape_timeout_ms, 10'000);
  EXPECT_EQ(j.metrics_path, "/metrics");
  EXPECT_EQ(j.scheme, "http");
  EXPECT_FALSE(j.honor_labels);
  EXPECT_TRUE(j.honor_timestamps);
  EXPECT_TRUE(j.http_client.follow_redirects);
  EXPECT_TRUE(j.http_client.enable_http2);
  EXPECT_FALSE(j.http_client.basic_auth.has_value());
  EXPECT_FALSE(j.http_client.authorization.has_value());
  EXPECT_EQ(j.sample_limit, 0u);
  EXPECT_EQ(j.body_size_limit_bytes, 0);
  EXPECT_THAT(j.static_configs, IsEmpty());
  EXPECT_THAT(j.relabel_configs, IsEmpty());
  EXPECT_THAT(p.warnings, IsEmpty());
}

TEST(ScrapeConfigTest, TimeoutFollowsGlobalsAndInterval) {
  GlobalScrapeDefaults g{15'000, 10'000};
  Parsed p = Parse(
      "scrape_configs:\n"
      "  - job_name: a\n"
      "  - job_name: b\n"
      "    scrape_interval: 5s\n"
      "  - job_name: c\n"
      "    scrape_interval: 0\n"
      "    scrape_timeout: 0s\n"
      "  - job_name: d\n"
      "    scrape_interval: 1m\n"
      "    scrape_timeout: 1m\n",
      g);
  ASSERT_THAT(p.jobs, IsOk());
  ASSERT_EQ(p.jobs->size(), 4u);
  EXPECT_EQ((*p.jobs)[0].scrape_interval_ms, 15'000);
  EXPECT_EQ((*p.jobs)[0].scrape_timeout_ms, 10'000);
  EXPECT_EQ((*p.jobs)[1].scrape_interval_ms, 5'000);
  EXPECT_EQ((*p.jobs)[1].scrape_timeout_ms, 5'000);
  EXPECT_EQ((*p.jobs)[2].scrape_interval_ms, 15'000);
  EXPECT_EQ((*p.jobs)[2].scrape_timeout_ms, 10'000);
  EXPECT_EQ((*p.jobs)[3].scrape_timeout_ms, 60'000);
}

TEST(ScrapeConfigTest, EveryField) {
  Parsed p = Parse(R"(
scrape_configs:
  - job_name: full
    scrape_interval: 1m30s
    scrape_timeout: 20s
    metrics_path: /probe
    scheme: https
    params:
      module: [http_2xx, icmp]
    honor_labels: true
    honor_timestamps: no
    basic_auth:
      username: u
      password_file: /etc/pw
    tls_config:
      ca_file: ca.pem
      cert_file: c.pem
      key_file: k.pem
      server_name: example.org
      insecure_skip_verify: true
      min_version: TLS12
    follow_redirects: false
    enable_http2: false
    sample_limit: 1000
    target_limit: 7
    label_limit: 30
    label_name_length_limit: 200
    label_value_length_limit: 2048
    body_size_limit: 10MB
    static_configs:
      - targets: ['a:1', 'b:2']
        labels: {env: prod, zone: 3}
      - targets: ['c:3']
    file_sd_configs:
      - files: [sd/*.json, sd/*.yml]
        refresh_interval: 30s
      - files: [x.yaml]
    relabel_configs:
      - source_labels: [__address__]
        target_label: instance
      - action: labelmap
        regex: __meta_(.+)
    metric_relabel_configs:
      - source_labels: [__name__]
        regex: go_.*
        action: drop
)");
  ASSERT_THAT(p.jobs, IsOk());
  ASSERT_EQ(p.jobs->size(), 1u);
  const ScrapeConfig& j = (*p.jobs)[0];
  EXPECT_EQ(j.scrape_interval_ms, 90'000);
  EXPECT_EQ(j.scrape_timeout_ms, 20'000);
  EXPECT_EQ(j.metrics_path, "/probe");
  EXPECT_EQ(j.scheme, "https");
  EXPECT_THAT(j.params,
              ElementsAre(Pair("module", ElementsAre("http_2xx", "icmp"))));
  EXPECT_TRUE(j.honor_labels);
  EXPECT_FALSE(j.honor_timestamps);
  ASSERT_TRUE(j.http_client.basic_auth.has_value());
  EXPECT_EQ(j.http_client.basic_auth->username, "u");
  EXPECT_EQ(j.http_client.basic_auth->password_file, "/etc/pw");
  EXPECT_EQ(j.http_client.tls_config.ca_file, "ca.pem");
  EXPECT_EQ(j.http_client.tls_config.cert_file, "c.pem");
  EXPECT_EQ(j.http_client.tls_config.key_file, "k.pem");
  EXPECT_EQ(j.http_client.tls_config.server_name, "example.org");
  EXPECT_TRUE(j.http_client.tls_config.insecure_skip_verify);
  EXPECT_EQ(j.http_client.tls_config.min_version, "TLS12");
  EXPECT_FALSE(j.http_client.follow_redirects);
  EXPECT_FALSE(j.http_client.enable_http2);
  EXPECT_EQ(j.sample_limit, 1000u);
  EXPECT_EQ(j.target_limit, 7u);
  EXPECT_EQ(j.label_limit, 30u);
  EXPECT_EQ(j.label_name_length_limit, 200u);
  EXPECT_EQ(j.label_value_length_limit, 2048u);
  EXPECT_EQ(j.body_size_limit_bytes, 10 << 20);
  ASSERT_EQ(j.static_configs.size(), 2u);
  EXPECT_THAT(j.static_configs[0].targets, ElementsAre("a:1", "b:2"));
  EXPECT_EQ(j.static_configs[0].labels.ToString(),
            "{env=\"prod\", zone=\"3\"}");
  EXPECT_EQ(j.static_configs[0].source, "0");
  EXPECT_EQ(j.static_configs[1].source, "1");
  ASSERT_EQ(j.file_sd_configs.size(), 2u);
  EXPECT_THAT(j.file_sd_configs[0].files, ElementsAre("sd/*.json", "sd/*.yml"));
  EXPECT_EQ(j.file_sd_configs[0].refresh_interval_ms, 30'000);
  EXPECT_EQ(j.file_sd_configs[1].refresh_interval_ms, 300'000);
  ASSERT_EQ(j.relabel_configs.size(), 2u);
  EXPECT_EQ(j.relabel_configs[0].config().target_label, "instance");
  EXPECT_EQ(j.relabel_configs[1].config().action, RelabelAction::kLabelMap);
  ASSERT_EQ(j.metric_relabel_configs.size(), 1u);
  EXPECT_EQ(j.metric_relabel_configs[0].config().action, RelabelAction::kDrop);
  EXPECT_EQ(j.metric_relabel_configs[0].config().regex, "go_.*");
}

TEST(ScrapeConfigTest, Authorization) {
  Parsed p = Parse(
      "scrape_configs:\n"
      "  - job_name: a\n"
      "    bearer_token: secret\n"
      "  - job_name: b\n"
      "    bearer_token_file: /tok\n"
      "  - job_name: c\n"
      "    authorization: {type: ' Custom ', credentials: x}\n"
      "  - job_name: d\n"
      "    authorization: {credentials_file: /f}\n");
  ASSERT_THAT(p.jobs, IsOk());
  ASSERT_EQ(p.jobs->size(), 4u);
  const auto& jobs = *p.jobs;
  ASSERT_TRUE(jobs[0].http_client.authorization.has_value());
  EXPECT_EQ(jobs[0].http_client.authorization->type, "Bearer");
  EXPECT_EQ(jobs[0].http_client.authorization->credentials, "secret");
  EXPECT_EQ(jobs[1].http_client.authorization->credentials_file, "/tok");
  EXPECT_EQ(jobs[2].http_client.authorization->type, "Custom");
  EXPECT_EQ(jobs[2].http_client.authorization->credentials, "x");
  EXPECT_EQ(jobs[3].http_client.authorization->type, "Bearer");
  EXPECT_EQ(jobs[3].http_client.authorization->credentials_file, "/f");
}

TEST(ScrapeConfigTest, BodySizeLimitUnits) {
  const struct {
    const char* text;
    int64_t bytes;
  } cases[] = {{"0", 0},           {"100B", 100},           {"1KB", 1024},
               {"1KiB", 1024},     {"1.5MB", 3 << 19},      {"2GiB", 2LL << 30},
               {"1TB", 1LL << 40}, {"1MB512KB", 1536 << 10}};
  for (const auto& c : cases) {
    Parsed p = Parse(std::string("scrape_configs:\n  - job_name: a\n"
                                 "    body_size_limit: ") +
                     c.text + "\n");
    ASSERT_THAT(p.jobs, IsOk()) << c.text;
    EXPECT_EQ((*p.jobs)[0].body_size_limit_bytes, c.bytes) << c.text;
  }
  EXPECT_EQ(JobError("body_size_limit: 10XB"),
            "p.yml:3: units: unknown unit XB in 10XB");
  EXPECT_EQ(JobError("body_size_limit: 1024"),
            "p.yml:3: units: unknown unit  in 1024");
  EXPECT_EQ(JobError("body_size_limit: MB"), "p.yml:3: units: invalid MB");
}

// Messages as promtool 2.42 prints them after "parsing YAML file p.yml: ",
// each with the line of the offending node.
TEST(ScrapeConfigTest, ValidationMessages) {
  const struct {
    std::string lines;
    std::string error;
  } cases[] = {
      {"scrape_interval: 5s\n    scrape_timeout: 10s",
       "p.yml:2: scrape timeout greater than scrape interval for scrape "
       "config with job name \"a\""},
      {"foo: 1", "p.yml:3: field foo not found in type config.ScrapeConfig"},
      {"honor_labels: true\n    honor_labels: false",
       "p.yml:4: field honor_labels already set in type config.ScrapeConfig"},
      {"scrape_interval: 1x", "p.yml:3: not a valid duration string: \"1x\""},
      {"scrape_interval: 5", "p.yml:3: not a valid duration string: \"5\""},
      {"scrape_interval: ''", "p.yml:3: empty duration string"},
      {"sample_limit: -1", "p.yml:3: cannot unmarshal !!int `-1` into uint"},
      {"honor_timestamps: 1", "p.yml:3: cannot unmarshal !!int `1` into bool"},
      {"honor_labels: 'true'",
       "p.yml:3: cannot unmarshal !!str `true` into bool"},
      {"params: {a: b}", "p.yml:3: cannot unmarshal !!str `b` into []string"},
      {"static_configs: {targets: ['x:1']}",
       "p.yml:3: cannot unmarshal !!map into []*targetgroup.Group"},
      {"static_configs: [{targets: 'x:1'}]",
       "p.yml:3: cannot unmarshal !!str `x:1` into []string"},
      {"static_configs: [{targets: ['x:1'], foo: 2}]",
       "p.yml:3: field foo not found in type struct { Targets []string "
       "\"yaml:\\\"targets\\\"\"; Labels model.LabelSet "
       "\"yaml:\\\"labels\\\"\" }"},
      {"static_configs: [{targets: ['x:1'], labels: {'a-b': c}}]",
       "p.yml:3: \"a-b\" is not a valid label name"},
      {"static_configs: [{targets: ['http://x:1']}]",
       "p.yml:2: \"http://x:1\" is not a valid hostname"},
      {"bearer_token: a\n    bearer_token_file: b",
       "p.yml:2: at most one of bearer_token & bearer_token_file must be "
       "configured"},
      {"basic_auth: {username: u, password: p}\n    bearer_token: a",
       "p.yml:2: at most one of basic_auth, oauth2, bearer_token & "
       "bearer_token_file must be configured"},
      {"authorization: {type: basic}",
       "p.yml:2: authorization type cannot be set to \"basic\", use "
       "\"basic_auth\" instead"},
      {"authorization: {credentials: a}\n    bearer_token: x",
       "p.yml:2: authorization is not compatible with bearer_token & "
       "bearer_token_file"},
      {"basic_auth: {username: u, password: p, password_file: f}",
       "p.yml:2: at most one of basic_auth password & password_file must be "
       "configured"},
      {"authorization: {credentials: a, credentials_file: b}",
       "p.yml:2: at most one of authorization credentials & credentials_file "
       "must be configured"},
      {"basic_auth: {username: u}\n    authorization: {credentials: a}",
       "p.yml:2: at most one of basic_auth, oauth2 & authorization must be "
       "configured"},
      {"tls_config: {foo: a}",
       "p.yml:3: field foo not found in type config.plain"},
      {"tls_config: {min_version: TLS14}",
       "p.yml:3: unknown TLS version: TLS14"},
      {"tls_config: {cert_file: a}",
       "p.yml:3: client cert file \"a\" specified without client key file"},
      {"file_sd_configs: [{files: ['a/*b/*.json']}]",
       "p.yml:3: path name \"a/*b/*.json\" is not valid for file discovery"},
      {"file_sd_configs: [{files: []}]",
       "p.yml:3: file service discovery config must contain at least one "
       "path name"},
      {"relabel_configs: [{action: hashmod}]",
       "p.yml:3: relabel configuration for hashmod requires non-zero modulus"},
      {"relabel_configs: [{target_label: x, foo: 1}]",
       "p.yml:3: field foo not found in type relabel.plain"},
      {"metric_relabel_configs: [{action: Foo}]",
       "p.yml:3: unknown relabel action \"Foo\""},
      {"relabel_configs: [~]",
       "p.yml:3: empty or null target relabeling rule in scrape config"},
      {"metric_relabel_configs: [~]",
       "p.yml:3: empty or null metric relabeling rule in scrape config"},
      {"relabel_configs: [{source_labels: ['a-b']}]",
       "p.yml:3: \"a-b\" is not a valid label name"},
      {"relabel_configs: [{modulus: -1}]",
       "p.yml:3: cannot unmarshal !!int `-1` into uint64"},
      {"proxy_connect_header: {a: [b]}",
       "p.yml:2: if proxy_connect_header is configured proxy_url must also be "
       "configured"},
      // promtool 2.42 checks credentials before the proxy.
      {"proxy_connect_header: {a: [b]}\n    bearer_token: a\n"
       "    bearer_token_file: b",
       "p.yml:2: at most one of bearer_token & bearer_token_file must be "
       "configured"},
      {"proxy_connect_header: {a: [b]}\n    authorization: {type: basic}",
       "p.yml:2: authorization type cannot be set to \"basic\", use "
       "\"basic_auth\" instead"},
      {"static_configs: x",
       "p.yml:3: cannot unmarshal !!str `x` into []*targetgroup.Group"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(JobError(c.lines), c.error) << c.lines;
  }
}

TEST(ScrapeConfigTest, JobNameRules) {
  Parsed empty = Parse("scrape_configs:\n  - job_name: ''\n");
  EXPECT_THAT(empty.jobs, StatusIs(absl::StatusCode::kInvalidArgument,
                                   "p.yml:2: job_name is empty"));
  Parsed dup = Parse(
      "scrape_configs:\n  - job_name: a\n  - job_name: b\n  - job_name: a\n");
  EXPECT_THAT(dup.jobs,
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "p.yml:4: found multiple scrape configs with job "
                       "name \"a\""));
  Parsed null_job = Parse("scrape_configs:\n  - ~\n");
  EXPECT_THAT(null_job.jobs,
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "p.yml:2: empty or null scrape config section"));
  EXPECT_EQ(JobError("foo_sd_configs: []"),
            "p.yml:3: field foo_sd_configs not found in type "
            "config.ScrapeConfig");
  Parsed seq = Parse("scrape_configs:\n  - job_name: [a]\n");
  EXPECT_THAT(seq.jobs, StatusIs(absl::StatusCode::kInvalidArgument,
                                 "p.yml:2: cannot unmarshal !!seq into "
                                 "string"));
}

TEST(ScrapeConfigTest, RelabelingAllowsUrlTargets) {
  // Prometheus checks static targets for '/' only without relabel_configs.
  EXPECT_EQ(JobError("static_configs: [{targets: ['x/y']}]\n"
                     "    relabel_configs: [{target_label: a}]"),
            "OK");
}

TEST(ScrapeConfigTest, UnsupportedJobsAreSkippedWithAWarning) {
  Parsed p = Parse(
      "scrape_configs:\n"
      "  - job_name: k8s\n"
      "    kubernetes_sd_configs: [{role: pod}]\n"
      "  - job_name: kept\n"
      "  - job_name: consul\n"
      "    consul_sd_configs: [{server: 'x:1'}]\n"
      "  - job_name: oauth\n"
      "    oauth2: {client_id: a, token_url: b}\n");
  ASSERT_THAT(p.jobs, IsOk());
  ASSERT_EQ(p.jobs->size(), 1u);
  EXPECT_EQ((*p.jobs)[0].job_name, "kept");
  EXPECT_THAT(
      p.warnings,
      ElementsAre(
          "p.yml:2: scrape job \"k8s\" skipped: kubernetes_sd_configs is not "
          "supported",
          "p.yml:5: scrape job \"consul\" skipped: consul_sd_configs is not "
          "supported",
          "p.yml:7: scrape job \"oauth\" skipped: oauth2 is not supported"));
}

TEST(ScrapeConfigTest, SkippedJobsAreStillValidated) {
  Parsed p = Parse(
      "scrape_configs:\n"
      "  - job_name: k8s\n"
      "    kubernetes_sd_configs: [{role: pod}]\n"
      "    relabel_configs: [{action: hashmod}]\n");
  EXPECT_THAT(p.jobs, StatusIs(absl::StatusCode::kInvalidArgument,
                               HasSubstr("p.yml:4: relabel configuration")));
}

TEST(ScrapeConfigTest, NullOrMissingSectionHasNoJobs) {
  EXPECT_THAT(Parse("global: {}\n").jobs, IsOk());
  EXPECT_THAT(Parse("scrape_configs:\n").jobs, IsOk());
  EXPECT_THAT(Parse("scrape_configs: {a: 1}\n").jobs,
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "p.yml:1: cannot unmarshal !!map into "
                       "[]*config.ScrapeConfig"));
}

TEST(ScrapeConfigTest, SeedFileLoadsWithKubernetesJobsSkipped) {
  std::ifstream in(FIXTURES_DIR "/seed/prometheus.yml");
  ASSERT_TRUE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  Parsed p = Parse(text.str(), {15'000, 10'000});
  ASSERT_THAT(p.jobs, IsOk());
  std::vector<std::string> names;
  for (const ScrapeConfig& j : *p.jobs) names.push_back(j.job_name);
  EXPECT_THAT(names, ElementsAre("prometheus", "mall-go", "node-exporter",
                                 "mysql-exporter", "redis-exporter"));
  ASSERT_EQ(p.warnings.size(), 3u);
  EXPECT_THAT(p.warnings[0], HasSubstr("\"kubernetes-apiservers\" skipped: "
                                       "kubernetes_sd_configs"));
  EXPECT_THAT(p.warnings[1], HasSubstr("\"kubernetes-nodes\""));
  EXPECT_THAT(p.warnings[2], HasSubstr("\"kubernetes-pods\""));
  const ScrapeConfig& mall = (*p.jobs)[1];
  EXPECT_EQ(mall.scrape_interval_ms, 10'000);
  EXPECT_EQ(mall.scrape_timeout_ms, 10'000);
  EXPECT_EQ(mall.relabel_configs.size(), 3u);
  const ScrapeConfig& node = (*p.jobs)[2];
  ASSERT_EQ(node.relabel_configs.size(), 1u);
  EXPECT_EQ(node.relabel_configs[0].config().replacement, "${1}:9100");
  EXPECT_EQ((*p.jobs)[0].scrape_interval_ms, 15'000);
}

}  // namespace
}  // namespace tsdb
