// The scrape_configs section of prometheus.yml, parsed into ingest's own
// structs with Prometheus 2.42's defaults and load-time validation
// (config/config.go and prometheus/common's HTTPClientConfig).
//
//   std::vector<std::string> warnings;
//   ASSIGN_OR_RETURN(std::vector<ScrapeConfig> jobs,
//                    ParseScrapeConfigs(root["scrape_configs"], defaults,
//                                       "prometheus.yml", &warnings));
//
// Errors are InvalidArgument "<file>:<line>: <reason>" with Prometheus's
// reason, e.g.
//   prometheus.yml:7: field foo not found in type config.ScrapeConfig
//   prometheus.yml:5: scrape timeout greater than scrape interval for scrape
//     config with job name "a"
//   prometheus.yml:9: found multiple scrape configs with job name "a"
//   prometheus.yml:12: relabel configuration for hashmod requires non-zero
//     modulus
//
// What this server cannot run is skipped, not refused, so that a file
// Prometheus accepts loads: a job using any service discovery other than
// static_configs and file_sd_configs (kubernetes_sd_configs, consul_sd_configs,
// ...), oauth2 or proxy_url is validated like the others, then left out of
// the result with one warning naming the job and the reason.
//
// Differences from Prometheus: TLS cert_file without key_file (and the
// reverse) is refused at load time (Prometheus refuses it when creating the
// client); file_sd files are not read here (Prometheus's promtool does).
#ifndef INGEST_SCRAPE_CONFIG_H_
#define INGEST_SCRAPE_CONFIG_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "ingest/file_sd.h"
#include "ingest/http_client_config.h"
#include "ingest/relabel.h"
#include "yaml-cpp/yaml.h"

namespace tsdb {

// What a scrape job inherits from the `global` section.
struct GlobalScrapeDefaults {
  int64_t scrape_interval_ms = 60'000;
  int64_t scrape_timeout_ms = 10'000;
};

// One scrape job.
struct ScrapeConfig {
  std::string job_name;  // non-empty, unique within the file
  // From the job, else the global defaults; 0 < timeout <= interval.
  int64_t scrape_interval_ms = 0;
  int64_t scrape_timeout_ms = 0;
  std::string metrics_path = "/metrics";
  std::string scheme = "http";
  // URL parameters: each name with its values, in file order.
  std::vector<std::pair<std::string, std::vector<std::string>>> params;
  bool honor_labels = false;
  bool honor_timestamps = true;

  // Credentials, TLS, redirects (the fields of HTTPClientConfig, inline).
  HttpClientConfig http_client;

  // Limits; 0 means no limit.
  uint64_t sample_limit = 0;
  uint64_t target_limit = 0;
  uint64_t label_limit = 0;
  uint64_t label_name_length_limit = 0;
  uint64_t label_value_length_limit = 0;
  int64_t body_size_limit_bytes = 0;  // <= 0: no limit

  // Target groups of static_configs, sources "0", "1", ...
  std::vector<TargetGroup> static_configs;
  std::vector<FileSdConfig> file_sd_configs;
  std::vector<RelabelRule> relabel_configs;
  std::vector<RelabelRule> metric_relabel_configs;
};

// Parses `scrape_configs` (a sequence of jobs; null means none), applying
// `defaults` where a job leaves scrape_interval / scrape_timeout unset or 0.
// `file_name` only prefixes messages. Jobs that cannot run here are
// validated, then dropped with one message each appended to `*warnings`
// ("<file>:<line>: scrape job \"x\" skipped: kubernetes_sd_configs is not
// supported"). Never throws. REQUIRES: warnings non-null.
absl::StatusOr<std::vector<ScrapeConfig>> ParseScrapeConfigs(
    const YAML::Node& scrape_configs, const GlobalScrapeDefaults& defaults,
    std::string_view file_name, std::vector<std::string>* warnings);

// Parses a relabel_configs / metric_relabel_configs list (fields of
// Prometheus's relabel.Config) and compiles each rule. `what` names the list
// in the message for a null entry ("target" or "metric": `empty or null
// target relabeling rule in scrape config`).
absl::StatusOr<std::vector<RelabelRule>> ParseRelabelConfigs(
    const YAML::Node& list, std::string_view what, std::string_view file_name);

}  // namespace tsdb

#endif  // INGEST_SCRAPE_CONFIG_H_
