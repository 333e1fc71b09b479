// tsdbd's configuration file, in Prometheus's format (read with yaml-cpp).
//
// Top-level keys: global, rule_files, scrape_configs, alerting,
// remote_write, remote_read, storage, tracing; any other key is an error
// naming it ("field foo not found in type config.plain", as Prometheus
// says). `global` is parsed here and scrape_configs by ingest's
// ParseScrapeConfigs (with global's scrape_interval and scrape_timeout as
// the jobs' defaults), `alerting` by http's ParseAlertingConfig,
// `rule_files` into its patterns (the rule files themselves are loaded by
// the rule manager); the other sections are kept as YAML nodes. Scrape
// jobs this server cannot run (Kubernetes and other service discovery) are
// left out with one warning each.
#ifndef TOOLS_TSDBD_CONFIG_H_
#define TOOLS_TSDBD_CONFIG_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "http/alerting_config.h"
#include "ingest/scrape_config.h"
#include "yaml-cpp/yaml.h"

namespace tsdbd {

struct GlobalConfig {
  int64_t scrape_interval_ms = 60'000;
  int64_t scrape_timeout_ms = 10'000;
  int64_t evaluation_interval_ms = 60'000;
  std::vector<std::pair<std::string, std::string>> external_labels;
};

struct Config {
  std::string filename;  // empty for the embedded default
  std::string text;      // the file as read, for /api/v1/status/config
  GlobalConfig global;
  std::vector<tsdb::ScrapeConfig> scrape_configs;
  YAML::Node rule_files, alerting, remote_write, remote_read, storage, tracing;
  // rule_files as written (globs, relative to the configuration file's
  // directory).
  std::vector<std::string> rule_file_patterns;
  // `alerting`, parsed by http's ParseAlertingConfig.
  http::AlertingConfig alerting_config;
  // Warnings for the log, one per skipped scrape job: "<file>:<line>: scrape
  // job \"x\" skipped: kubernetes_sd_configs is not supported".
  std::vector<std::string> warnings;
};

// The name the embedded default configuration goes by in messages.
inline constexpr char kDefaultConfigName[] = "tsdbd.yml (embedded default)";

// The configuration used without --config.file: tools/tsdbd.yml as compiled
// in, its "{{self}}" replaced with the address tsdbd scrapes itself at for
// `listen_address` (--web.listen-address): the host as given, or
// "localhost" for one that listens on every interface ("", "0.0.0.0",
// "[::]"), and the port: "0.0.0.0:9090" gives "localhost:9090".
std::string DefaultConfigText(std::string_view listen_address);

// Parses `text`. Errors: "parsing YAML file <filename>: <reason>" for the
// top-level structure and `global`, as Prometheus says; "<filename>:<line>:
// <reason>" for a scrape job (see ingest/scrape_config.h).
absl::StatusOr<Config> ParseConfig(std::string_view text,
                                   std::string_view filename);
// Reads and parses a file; errors as Prometheus reports them: `couldn't load
// configuration (--config.file="x"): ...`.
absl::StatusOr<Config> LoadConfigFile(const std::string& filename);

}  // namespace tsdbd

#endif  // TOOLS_TSDBD_CONFIG_H_
