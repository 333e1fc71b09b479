// tsdbd's command line: Prometheus's flag names where they apply, as
// `--flag=value` or `--flag value`; boolean flags also as `--no-flag`.
#ifndef TOOLS_TSDBD_FLAGS_H_
#define TOOLS_TSDBD_FLAGS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "http/remote_api.h"
#include "tools/tsdbd/log.h"

namespace tsdbd {

inline constexpr char kVersion[] = "0.1.0";

struct Flags {
  std::string config_file;  // empty: the embedded default configuration
  std::string storage_path = "data/";
  // Zero time and zero size: the default of 15d applies, as in Prometheus.
  int64_t retention_ms = 0;
  uint64_t retention_bytes = 0;
  std::string listen_address = "0.0.0.0:9090";
  bool enable_lifecycle = false;
  int64_t lookback_delta_ms = 5 * 60 * 1000;
  absl::Duration query_timeout = absl::Minutes(2);
  int64_t query_max_samples = 50'000'000;
  int query_max_concurrency = 20;
  // Rules and alerting, as Prometheus's flags of the same names.
  int64_t for_outage_tolerance_ms = 60 * 60 * 1000;
  int64_t for_grace_period_ms = 10 * 60 * 1000;
  int64_t resend_delay_ms = 60 * 1000;
  int notification_queue_capacity = 10000;
  // --web.external-url; empty: http://<hostname>:<port of the listen
  // address>.
  std::string external_url;
  LogLevel log_level = LogLevel::kInfo;
  http::RemoteApiOptions remote;
  bool help = false;
  bool version = false;
  // Every flag (name without "--") with its value as given or defaulted,
  // in the order of --help, for /api/v1/status/flags.
  std::vector<std::pair<std::string, std::string>> values;
};

// Parses argv[1..]. Errors (InvalidArgument) name the flag, in kingpin's
// words: "unknown long flag '--foo'", "expected argument for flag
// '--web.listen-address'", "invalid value \"x\" for flag
// '--query.max-samples': ...".
absl::StatusOr<Flags> ParseFlags(const std::vector<std::string>& args);

// The --help text.
std::string Usage();
// The --version text.
std::string VersionText();

// Prometheus byte sizes, all base 2 ("512MB", "10GiB", "1GB512MB"), and
// their canonical form ("512MiB").
absl::StatusOr<uint64_t> ParseBytes(std::string_view text);
std::string FormatBytes(uint64_t bytes);

}  // namespace tsdbd

#endif  // TOOLS_TSDBD_FLAGS_H_
