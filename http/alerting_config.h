// The `alerting` section of prometheus.yml, parsed with Prometheus 2.42's
// defaults and load-time validation (config/config.go's AlertingConfig and
// AlertmanagerConfig, prometheus/common's HTTPClientConfig), and the
// Alertmanagers its static_configs name (notifier/notifier.go's
// AlertmanagerFromGroup).
//
//   ASSIGN_OR_RETURN(AlertingConfig alerting,
//                    ParseAlertingConfig(root["alerting"], "prometheus.yml"));
//   for (const std::string& w : alerting.warnings) log(w);
//
// Errors are InvalidArgument "<file>:<line>: <reason>" with Prometheus's
// reason, e.g.
//   prometheus.yml:4: field foo not found in type config.AlertmanagerConfig
//   prometheus.yml:2: field foo not found in type config.plain
//   prometheus.yml:3: expected Alertmanager api version to be one of [v1 v2]
//     but got v3
//   prometheus.yml:5: "a/b:9093" is not a valid hostname
//   prometheus.yml:2: empty or null alert relabeling rule
//   prometheus.yml:6: empty or null Alertmanager target relabeling rule
//   prometheus.yml:3: not a valid duration string: "1x"
//
// Like scrape jobs (ingest/scrape_config.h), an `alertmanagers` entry this
// server cannot serve is validated, then left out with one warning: one
// using service discovery other than static_configs (file_sd_configs,
// dns_sd_configs, kubernetes_sd_configs, ...), oauth2 or proxy_url.
//
// As in Prometheus 2.42, api_version v1 is accepted (Alertmanager 0.25 still
// serves /api/v1/alerts) and `scheme` is not checked at load time: an
// Alertmanager whose scheme is neither http nor https fails every send.
// Differences from Prometheus: TLS cert_file without key_file (and the
// reverse) and an unknown min_version are refused at load time; server_name
// and min_version are not applied; enable_http2 is accepted and ignored
// (HTTP/1.1 is used).
#ifndef HTTP_ALERTING_CONFIG_H_
#define HTTP_ALERTING_CONFIG_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "ingest/file_sd.h"
#include "ingest/http_client_config.h"
#include "ingest/relabel.h"
#include "ingest/scrape_config.h"
#include "tsdb/labels.h"
#include "yaml-cpp/yaml.h"

namespace http {

enum class AlertmanagerApiVersion { kV1, kV2 };

// "v1" or "v2".
std::string_view AlertmanagerApiVersionName(AlertmanagerApiVersion version);

// One entry of alerting.alertmanagers: a set of Alertmanagers sharing how
// alerts are sent to them.
struct AlertmanagerConfig {
  // Target groups of static_configs; each target is an Alertmanager's
  // "host:port".
  std::vector<tsdb::TargetGroup> static_configs;
  std::string scheme = "http";
  std::string path_prefix;      // prepended to /api/<version>/alerts
  int64_t timeout_ms = 10'000;  // per request
  AlertmanagerApiVersion api_version = AlertmanagerApiVersion::kV2;
  // Applied to each discovered Alertmanager's labels (__address__,
  // __scheme__, __alerts_path__ and the group's labels).
  std::vector<tsdb::RelabelRule> relabel_configs;

  // Credentials, TLS, redirects (the fields of HTTPClientConfig, inline).
  tsdb::HttpClientConfig http_client;

  // "<file>:<line>" of the entry, for messages.
  std::string source;
};

struct AlertingConfig {
  // Applied to every alert (after external labels are added) before it is
  // queued; an alert they drop is not sent.
  std::vector<tsdb::RelabelRule> alert_relabel_configs;
  std::vector<AlertmanagerConfig> alertmanagers;
  // One line per skipped entry, for the log: "<file>:<line>: alertmanager
  // config 1 skipped: dns_sd_configs is not supported".
  std::vector<std::string> warnings;
};

// Parses the `alerting` node (undefined or null: no alerting). `filename`
// only prefixes messages. Never throws.
absl::StatusOr<AlertingConfig> ParseAlertingConfig(const YAML::Node& alerting,
                                                   std::string_view filename);

// One Alertmanager to send to.
struct AlertmanagerTarget {
  tsdb::Labels labels;  // after relabel_configs
  std::string url;      // __scheme__://__address____alerts_path__
};

struct ResolvedAlertmanagers {
  std::vector<AlertmanagerTarget> active;   // unique by URL, in config order
  std::vector<AlertmanagerTarget> dropped;  // labels before relabeling
  // One per target group that could not be used (the group is skipped, as
  // Prometheus skips it): `"a/b" is not a valid hostname`.
  std::vector<std::string> errors;
};

// The Alertmanagers of `config`'s static_configs, as Prometheus 2.42 builds
// them: each target's labels are the group's labels, __address__ = the
// target, __scheme__ = scheme and __alerts_path__ = path_prefix joined with
// "/api/<version>/alerts" (path.Join: cleaned, rooted); relabel_configs run
// over them; a target they drop is listed as dropped.
ResolvedAlertmanagers ResolveAlertmanagers(const AlertmanagerConfig& config);

// Go's path.Join("/", prefix, "/api/<version>/alerts"). Exposed for tests.
std::string AlertsPath(std::string_view path_prefix,
                       AlertmanagerApiVersion version);

}  // namespace http

#endif  // HTTP_ALERTING_CONFIG_H_
