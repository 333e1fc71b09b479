#include "http/alerting_config.h"

#include <string>
#include <string_view>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testutil/status_matchers.h"

namespace http {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using tsdb::testing::StatusIs;

// Parses `yaml` (a whole prometheus.yml) and hands its `alerting` section
// to ParseAlertingConfig.
absl::StatusOr<AlertingConfig> Parse(std::string_view yaml) {
  const YAML::Node root = YAML::Load(std::string(yaml));
  return ParseAlertingConfig(root["alerting"], "p.yml");
}

// The error message of parsing `yaml`, "" if it parses.
std::string ErrorOf(std::string_view yaml) {
  absl::StatusOr<AlertingConfig> config = Parse(yaml);
  EXPECT_THAT(config, StatusIs(absl::StatusCode::kInvalidArgument));
  return config.ok() ? "" : std::string(config.status().message());
}

TEST(AlertingConfigTest, MissingOrNullSectionMeansNoAlerting) {
  ASSERT_OK_AND_ASSIGN(AlertingConfig none, Parse("global: {}\n"));
  EXPECT_THAT(none.alertmanagers, IsEmpty());
  ASSERT_OK_AND_ASSIGN(AlertingConfig null, Parse("alerting:\n"));
  EXPECT_THAT(null.alertmanagers, IsEmpty());
  EXPECT_THAT(null.alert_relabel_configs, IsEmpty());
}

TEST(AlertingConfigTest, Defaults) {
  ASSERT_OK_AND_ASSIGN(AlertingConfig config, Parse(R"(
alerting:
  alertmanagers:
    - static_configs:
        - targets: ['127.0.0.1:9093']
)"));
  ASSERT_THAT(config.alertmanagers, SizeIs(1));
  const AlertmanagerConfig& am = config.alertmanagers[0];
  EXPECT_EQ(am.scheme, "http");
  EXPECT_EQ(am.path_prefix, "");
  EXPECT_EQ(am.timeout_ms, 10'000);
  EXPECT_EQ(am.api_version, AlertmanagerApiVersion::kV2);
  EXPECT_TRUE(am.http_client.follow_redirects);
  EXPECT_TRUE(am.http_client.enable_http2);
  EXPECT_FALSE(am.http_client.basic_auth.has_value());
  EXPECT_FALSE(am.http_client.authorization.has_value());
  EXPECT_EQ(am.source, "p.yml:4");
  ASSERT_THAT(am.static_configs, SizeIs(1));
  EXPECT_THAT(am.static_configs[0].targets, ElementsAre("127.0.0.1:9093"));

  ResolvedAlertmanagers resolved = ResolveAlertmanagers(am);
  ASSERT_THAT(resolved.active, SizeIs(1));
  EXPECT_EQ(resolved.active[0].url, "http://127.0.0.1:9093/api/v2/alerts");
  EXPECT_THAT(resolved.dropped, IsEmpty());
  EXPECT_THAT(resolved.errors, IsEmpty());
}

TEST(AlertingConfigTest, EveryField) {
  ASSERT_OK_AND_ASSIGN(AlertingConfig config, Parse(R"(
alerting:
  alert_relabel_configs:
    - source_labels: [severity]
      regex: debug
      action: drop
  alertmanagers:
    - scheme: https
      path_prefix: /am/
      timeout: 1m30s
      api_version: v1
      follow_redirects: false
      enable_http2: false
      basic_auth: {username: u, password: p}
      tls_config:
        ca_file: ca.pem
        cert_file: c.pem
        key_file: k.pem
        insecure_skip_verify: true
      static_configs:
        - targets: ['a:9093', 'b:9093']
          labels: {dc: x}
      relabel_configs:
        - source_labels: [__address__]
          regex: b:.*
          action: drop
    - authorization: {type: Token, credentials: secret}
      static_configs: [{targets: ['c:9093']}]
    - bearer_token: tok
      static_configs: [{targets: ['d:9093']}]
)"));
  EXPECT_THAT(config.alert_relabel_configs, SizeIs(1));
  EXPECT_THAT(config.warnings, IsEmpty());
  ASSERT_THAT(config.alertmanagers, SizeIs(3));
  const AlertmanagerConfig& am = config.alertmanagers[0];
  EXPECT_EQ(am.scheme, "https");
  EXPECT_EQ(am.path_prefix, "/am/");
  EXPECT_EQ(am.timeout_ms, 90'000);
  EXPECT_EQ(am.api_version, AlertmanagerApiVersion::kV1);
  EXPECT_FALSE(am.http_client.follow_redirects);
  EXPECT_FALSE(am.http_client.enable_http2);
  ASSERT_TRUE(am.http_client.basic_auth.has_value());
  EXPECT_EQ(am.http_client.basic_auth->username, "u");
  EXPECT_EQ(am.http_client.basic_auth->password, "p");
  EXPECT_EQ(am.http_client.tls_config.ca_file, "ca.pem");
  EXPECT_EQ(am.http_client.tls_config.cert_file, "c.pem");
  EXPECT_EQ(am.http_client.tls_config.key_file, "k.pem");
  EXPECT_TRUE(am.http_client.tls_config.insecure_skip_verify);
  EXPECT_THAT(am.relabel_configs, SizeIs(1));
  ASSERT_THAT(am.static_configs, SizeIs(1));
  EXPECT_EQ(am.static_configs[0].labels.Get("dc"), "x");

  ResolvedAlertmanagers resolved = ResolveAlertmanagers(am);
  ASSERT_THAT(resolved.active, SizeIs(1));
  EXPECT_EQ(resolved.active[0].url, "https://a:9093/am/api/v1/alerts");
  EXPECT_EQ(resolved.active[0].labels.Get("dc"), "x");
  ASSERT_THAT(resolved.dropped, SizeIs(1));
  EXPECT_EQ(resolved.dropped[0].url, "https://b:9093/am/api/v1/alerts");

  ASSERT_TRUE(config.alertmanagers[1].http_client.authorization.has_value());
  EXPECT_EQ(config.alertmanagers[1].http_client.authorization->type, "Token");
  EXPECT_EQ(config.alertmanagers[1].http_client.authorization->credentials,
            "secret");
  // bearer_token becomes an Authorization of type Bearer.
  ASSERT_TRUE(config.alertmanagers[2].http_client.authorization.has_value());
  EXPECT_EQ(config.alertmanagers[2].http_client.authorization->type, "Bearer");
  EXPECT_EQ(config.alertmanagers[2].http_client.authorization->credentials,
            "tok");
}

TEST(AlertingConfigTest, RelabelingRewritesSchemeAddressAndPath) {
  ASSERT_OK_AND_ASSIGN(AlertingConfig config, Parse(R"(
alerting:
  alertmanagers:
    - static_configs:
        - targets: ['am1', 'am1', 'am2']
      relabel_configs:
        - source_labels: [__address__]
          target_label: __address__
          replacement: $1:9093
        - target_label: __scheme__
          replacement: https
        - target_label: __alerts_path__
          replacement: /x/api/v2/alerts
)"));
  ResolvedAlertmanagers resolved =
      ResolveAlertmanagers(config.alertmanagers[0]);
  std::vector<std::string> urls;
  for (const AlertmanagerTarget& am : resolved.active) urls.push_back(am.url);
  // Duplicates are listed once.
  EXPECT_THAT(urls, ElementsAre("https://am1:9093/x/api/v2/alerts",
                                "https://am2:9093/x/api/v2/alerts"));
}

TEST(AlertingConfigTest, AddressWithSlashAfterRelabelingSkipsTheGroup) {
  ASSERT_OK_AND_ASSIGN(AlertingConfig config, Parse(R"(
alerting:
  alertmanagers:
    - static_configs:
        - targets: ['a:1']
        - targets: ['b:1']
      relabel_configs:
        - source_labels: [__address__]
          regex: a:1
          target_label: __address__
          replacement: http://a:1
)"));
  ResolvedAlertmanagers resolved =
      ResolveAlertmanagers(config.alertmanagers[0]);
  ASSERT_THAT(resolved.active, SizeIs(1));
  EXPECT_EQ(resolved.active[0].url, "http://b:1/api/v2/alerts");
  ASSERT_THAT(resolved.errors, SizeIs(1));
  EXPECT_THAT(resolved.errors[0],
              HasSubstr("\"http://a:1\" is not a valid hostname"));
}

TEST(AlertingConfigTest, AlertsPathIsCleaned) {
  EXPECT_EQ(AlertsPath("", AlertmanagerApiVersion::kV2), "/api/v2/alerts");
  EXPECT_EQ(AlertsPath("/", AlertmanagerApiVersion::kV2), "/api/v2/alerts");
  EXPECT_EQ(AlertsPath("pfx/", AlertmanagerApiVersion::kV1),
            "/pfx/api/v1/alerts");
  EXPECT_EQ(AlertsPath("//a/./b/../c", AlertmanagerApiVersion::kV2),
            "/a/c/api/v2/alerts");
}

TEST(AlertingConfigTest, UnsupportedDiscoverySkipsTheEntryWithAWarning) {
  ASSERT_OK_AND_ASSIGN(AlertingConfig config, Parse(R"(
alerting:
  alertmanagers:
    - dns_sd_configs: [{names: [am.example]}]
    - static_configs: [{targets: ['a:9093']}]
    - oauth2: {client_id: x}
)"));
  ASSERT_THAT(config.alertmanagers, SizeIs(1));
  EXPECT_THAT(config.alertmanagers[0].static_configs[0].targets,
              ElementsAre("a:9093"));
  EXPECT_THAT(config.warnings,
              ElementsAre("p.yml:4: alertmanager config 0 skipped: "
                          "dns_sd_configs is not supported",
                          "p.yml:6: alertmanager config 2 skipped: oauth2 is "
                          "not supported"));
}

TEST(AlertingConfigTest, ErrorsNameFileLineAndPrometheusReason) {
  EXPECT_EQ(ErrorOf("alerting:\n  foo: 1\n"),
            "p.yml:2: field foo not found in type config.plain");
  EXPECT_EQ(ErrorOf("alerting:\n  alertmanagers:\n    - foo: 1\n"),
            "p.yml:3: field foo not found in type "
            "config.AlertmanagerConfig");
  EXPECT_EQ(ErrorOf("alerting:\n  alertmanagers:\n    - api_version: v3\n"),
            "p.yml:3: expected Alertmanager api version to be one of [v1 v2] "
            "but got v3");
  EXPECT_EQ(ErrorOf("alerting:\n  alertmanagers:\n    - timeout: 1x\n"),
            "p.yml:3: not a valid duration string: \"1x\"");
  EXPECT_EQ(ErrorOf("alerting:\n  alert_relabel_configs: [null]\n"),
            "p.yml:2: empty or null alert relabeling rule");
  EXPECT_EQ(ErrorOf("alerting:\n  alertmanagers:\n"
                    "    - relabel_configs: [null]\n"),
            "p.yml:3: empty or null Alertmanager target relabeling rule");
  EXPECT_EQ(ErrorOf("alerting:\n  alertmanagers:\n"
                    "    - static_configs: [{targets: ['a/b:1']}]\n"),
            "p.yml:3: \"a/b:1\" is not a valid hostname");
  EXPECT_EQ(ErrorOf("alerting:\n  alertmanagers: {a: 1}\n"),
            "p.yml:2: cannot unmarshal !!map into config.AlertmanagerConfigs");
  EXPECT_EQ(ErrorOf("alerting:\n  alertmanagers:\n"
                    "    - basic_auth: {username: a}\n"
                    "      authorization: {credentials: x}\n"),
            "p.yml:3: at most one of basic_auth, oauth2 & authorization must "
            "be configured");
  EXPECT_EQ(ErrorOf("alerting:\n  alertmanagers:\n"
                    "    - static_configs: [{targets: [a], labels: "
                    "{a-b: x}}]\n"),
            "p.yml:3: \"a-b\" is not a valid label name");
  EXPECT_THAT(ErrorOf("alerting:\n  alertmanagers:\n"
                      "    - relabel_configs: [{action: hashmod}]\n"),
              HasSubstr("requires non-zero modulus"));
  EXPECT_THAT(ErrorOf("alerting:\n  alertmanagers:\n    - tls_config: "
                      "{cert_file: c.pem}\n"),
              HasSubstr("specified without client key file"));
  EXPECT_EQ(ErrorOf("alerting:\n  alertmanagers: [null]\n"),
            "p.yml:2: empty or null alertmanager config");
  EXPECT_EQ(ErrorOf("alerting:\n  alertmanagers: x\n"),
            "p.yml:2: cannot unmarshal !!str `x` into "
            "config.AlertmanagerConfigs");
  EXPECT_EQ(ErrorOf("alerting:\n  alertmanagers:\n"
                    "    - proxy_connect_header: {X: [y]}\n"),
            "p.yml:3: if proxy_connect_header is configured proxy_url must "
            "also be configured");
}

// Prometheus's AlertmanagerConfig holds the whole HTTP client config,
// proxy settings included; a proxy is not applied here, so the entry is
// skipped.
TEST(AlertingConfigTest, ProxySettingsSkipTheEntry) {
  ASSERT_OK_AND_ASSIGN(AlertingConfig config, Parse(R"(
alerting:
  alertmanagers:
    - static_configs: [{targets: ['a:9093']}]
      proxy_url: http://proxy:3128
      proxy_connect_header: {X: [y]}
)"));
  EXPECT_THAT(config.alertmanagers, SizeIs(0));
  EXPECT_THAT(config.warnings,
              ElementsAre("p.yml:4: alertmanager config 0 skipped: "
                          "proxy_url is not supported"));
}

}  // namespace
}  // namespace http
