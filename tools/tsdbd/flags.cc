#include "tools/tsdbd/flags.h"

#include <cstdio>
#include <limits>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "tsdb/absl_compat.h"
#include "tsdb/prom_duration.h"
#include "tsdb/status_macros.h"

namespace tsdbd {
namespace {

using tsdb::AbslView;

struct FlagDef {
  const char* name;
  const char* default_value;
  const char* help;
  bool boolean;
  absl::Status (*apply)(std::string_view value, Flags* flags);
};

template <typename T>
absl::Status ParseInt(std::string_view value, T min, T* out) {
  int64_t v = 0;
  if (!absl::SimpleAtoi(AbslView(value), &v) || v < static_cast<int64_t>(min) ||
      v > static_cast<int64_t>(std::numeric_limits<T>::max())) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected an integer >= ", min));
  }
  *out = static_cast<T>(v);
  return absl::OkStatus();
}

absl::Status ParseBool(std::string_view value, bool* out) {
  if (value == "true") {
    *out = true;
  } else if (value == "false") {
    *out = false;
  } else {
    return absl::InvalidArgumentError("expected true or false");
  }
  return absl::OkStatus();
}

const std::vector<FlagDef>& FlagDefs() {
  static const std::vector<FlagDef>* const kDefs = new std::vector<FlagDef>{
      {"config.file", "",
       "Configuration file path (default: an embedded configuration with "
       "scrape_interval and evaluation_interval 15s and no scrape configs).",
       false,
       [](std::string_view v, Flags* f) {
         f->config_file = std::string(v);
         return absl::OkStatus();
       }},
      {"web.listen-address", "0.0.0.0:9090",
       "Address to listen on for the API and telemetry.", false,
       [](std::string_view v, Flags* f) {
         f->listen_address = std::string(v);
         return absl::OkStatus();
       }},
      {"web.enable-lifecycle", "false",
       "Enable shutdown and reload via HTTP request.", true,
       [](std::string_view v, Flags* f) {
         return ParseBool(v, &f->enable_lifecycle);
       }},
      {"storage.tsdb.path", "data/", "Base path for metrics storage.", false,
       [](std::string_view v, Flags* f) {
         f->storage_path = std::string(v);
         return absl::OkStatus();
       }},
      {"storage.tsdb.retention.time", "",
       "How long to retain samples in storage. When neither this nor "
       "retention.size is set, it defaults to 15d. Units: y, w, d, h, m, s, "
       "ms.",
       false,
       [](std::string_view v, Flags* f) {
         ASSIGN_OR_RETURN(f->retention_ms, tsdb::ParsePromDurationMs(v));
         return absl::OkStatus();
       }},
      {"storage.tsdb.retention.size", "",
       "Maximum number of bytes of storage blocks to retain; the oldest data "
       "is removed first. Units: B, KB, MB, GB, TB, PB, EB (base 2).",
       false,
       [](std::string_view v, Flags* f) {
         ASSIGN_OR_RETURN(f->retention_bytes, ParseBytes(v));
         return absl::OkStatus();
       }},
      {"query.lookback-delta", "5m",
       "The maximum lookback duration for retrieving metrics during "
       "expression evaluations and federation.",
       false,
       [](std::string_view v, Flags* f) {
         ASSIGN_OR_RETURN(f->lookback_delta_ms, tsdb::ParsePromDurationMs(v));
         return absl::OkStatus();
       }},
      {"query.timeout", "2m",
       "Maximum time a query may take before being aborted.", false,
       [](std::string_view v, Flags* f) {
         ASSIGN_OR_RETURN(const int64_t ms, tsdb::ParsePromDurationMs(v));
         f->query_timeout = absl::Milliseconds(ms);
         return absl::OkStatus();
       }},
      {"query.max-concurrency", "20",
       "Maximum number of queries executed concurrently.", false,
       [](std::string_view v, Flags* f) {
         return ParseInt(v, 1, &f->query_max_concurrency);
       }},
      {"query.max-samples", "50000000",
       "Maximum number of samples a single query can load into memory.", false,
       [](std::string_view v, Flags* f) {
         return ParseInt<int64_t>(v, 1, &f->query_max_samples);
       }},
      {"remote-write.max-body-bytes", "32MiB",
       "Largest decompressed remote write request; larger ones get 413 "
       "before they are inflated.",
       false,
       [](std::string_view v, Flags* f) {
         ASSIGN_OR_RETURN(f->remote.max_write_body_bytes, ParseBytes(v));
         return absl::OkStatus();
       }},
      {"remote-write.max-labels-per-series", "256",
       "Most labels a remote-written series may have (400 beyond).", false,
       [](std::string_view v, Flags* f) {
         return ParseInt<uint32_t>(v, 1, &f->remote.max_labels_per_series);
       }},
      {"remote-write.max-label-value-bytes", "16KiB",
       "Longest label value a remote-written series may have (400 beyond).",
       false,
       [](std::string_view v, Flags* f) {
         ASSIGN_OR_RETURN(const uint64_t b, ParseBytes(v));
         if (b > std::numeric_limits<uint32_t>::max() || b == 0) {
           return absl::InvalidArgumentError("out of range");
         }
         f->remote.max_label_value_bytes = static_cast<uint32_t>(b);
         return absl::OkStatus();
       }},
      {"remote-read.max-samples", "50000000",
       "Most samples one remote read request may return (413 beyond).", false,
       [](std::string_view v, Flags* f) {
         return ParseInt<uint64_t>(v, 1, &f->remote.max_read_samples);
       }},
      {"remote-read.max-frame-bytes", "1MiB",
       "Largest frame of a streamed remote read response.", false,
       [](std::string_view v, Flags* f) {
         ASSIGN_OR_RETURN(f->remote.max_read_frame_bytes, ParseBytes(v));
         return absl::OkStatus();
       }},
      {"web.external-url", "",
       "The URL under which tsdbd is externally reachable (used in alerts' "
       "generator URLs and templates). Default: http://<hostname>:<port>.",
       false,
       [](std::string_view v, Flags* f) {
         f->external_url = std::string(v);
         while (!f->external_url.empty() && f->external_url.back() == '/') {
           f->external_url.pop_back();
         }
         return absl::OkStatus();
       }},
      {"rules.alert.for-outage-tolerance", "1h",
       "Max time to tolerate tsdbd outage for restoring \"for\" state of "
       "alert.",
       false,
       [](std::string_view v, Flags* f) {
         ASSIGN_OR_RETURN(f->for_outage_tolerance_ms,
                          tsdb::ParsePromDurationMs(v));
         return absl::OkStatus();
       }},
      {"rules.alert.for-grace-period", "10m",
       "Minimum duration between alert and restored \"for\" state. This is "
       "maintained only for alerts with configured \"for\" time greater "
       "than grace period.",
       false,
       [](std::string_view v, Flags* f) {
         ASSIGN_OR_RETURN(f->for_grace_period_ms, tsdb::ParsePromDurationMs(v));
         return absl::OkStatus();
       }},
      {"rules.alert.resend-delay", "1m",
       "Minimum amount of time to wait before resending an alert to "
       "Alertmanager.",
       false,
       [](std::string_view v, Flags* f) {
         ASSIGN_OR_RETURN(f->resend_delay_ms, tsdb::ParsePromDurationMs(v));
         return absl::OkStatus();
       }},
      {"alertmanager.notification-queue-capacity", "10000",
       "The capacity of the queue for pending Alertmanager notifications.",
       false,
       [](std::string_view v, Flags* f) {
         return ParseInt(v, 1, &f->notification_queue_capacity);
       }},
      {"log.level", "info",
       "Only log messages with the given severity or above. One of: [debug, "
       "info, warn, error]",
       false,
       [](std::string_view v, Flags* f) {
         if (!ParseLogLevel(v, &f->log_level)) {
           return absl::InvalidArgumentError(
               absl::StrCat("unrecognized log level \"", AbslView(v), "\""));
         }
         return absl::OkStatus();
       }},
  };
  return *kDefs;
}

const FlagDef* FindFlag(std::string_view name) {
  for (const FlagDef& def : FlagDefs()) {
    if (name == def.name) return &def;
  }
  return nullptr;
}

absl::Status Apply(const FlagDef& def, std::string_view value, Flags* flags) {
  const absl::Status s = def.apply(value, flags);
  if (s.ok()) return s;
  return absl::InvalidArgumentError(
      absl::StrCat("invalid value \"", AbslView(value), "\" for flag '--",
                   def.name, "': ", s.message()));
}

// The value of flag `name` in `values`.
std::string* ValueOf(Flags* flags, std::string_view name) {
  for (auto& [n, v] : flags->values) {
    if (n == name) return &v;
  }
  return nullptr;
}

}  // namespace

absl::StatusOr<Flags> ParseFlags(const std::vector<std::string>& args) {
  Flags flags;
  for (const FlagDef& def : FlagDefs()) {
    flags.values.emplace_back(def.name, def.default_value);
  }
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h" || arg == "--help-long") {
      flags.help = true;
      continue;
    }
    if (arg == "--version") {
      flags.version = true;
      continue;
    }
    if (!arg.starts_with("--")) {
      return absl::InvalidArgumentError(absl::StrCat("unexpected ", arg));
    }
    std::string_view body = std::string_view(arg).substr(2);
    const size_t eq = body.find('=');
    std::string_view name = body.substr(0, eq);
    const FlagDef* def = FindFlag(name);
    bool negated = false;
    if (def == nullptr && name.starts_with("no-") && eq == std::string::npos) {
      def = FindFlag(name.substr(3));
      negated = def != nullptr && def->boolean;
      if (!negated) def = nullptr;
    }
    if (def == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown long flag '--", AbslView(name), "'"));
    }
    std::string value;
    if (eq != std::string_view::npos) {
      value = std::string(body.substr(eq + 1));
    } else if (def->boolean) {
      value = negated ? "false" : "true";
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("expected argument for flag '--", def->name, "'"));
    }
    RETURN_IF_ERROR(Apply(*def, value, &flags));
    *ValueOf(&flags, def->name) = value;
  }
  return flags;
}

std::string Usage() {
  std::string out =
      "usage: tsdbd [<flags>]\n\n"
      "The tsdbd server: a Prometheus-compatible time-series database.\n\n"
      "Flags:\n"
      "  -h, --help                     Show context-sensitive help.\n"
      "      --version                  Show application version.\n";
  for (const FlagDef& def : FlagDefs()) {
    absl::StrAppend(&out, "      --", def.name);
    if (!def.boolean) {
      absl::StrAppend(&out, "=",
                      def.default_value[0] != '\0'
                          ? absl::StrCat("\"", def.default_value, "\"")
                          : std::string("VALUE"));
    }
    absl::StrAppend(&out, "\n          ", def.help, "\n");
  }
  return out;
}

std::string VersionText() {
  return absl::StrCat("tsdbd, version ", kVersion,
                      " (branch: main, revision: unknown)\n"
                      "  build user:       unknown\n"
                      "  build date:       ",
                      __DATE__, " ", __TIME__,
                      "\n"
                      "  compiler:         gcc ",
                      __VERSION__,
                      "\n"
                      "  platform:         linux/amd64\n");
}

absl::StatusOr<uint64_t> ParseBytes(std::string_view text) {
  static constexpr std::pair<const char*, int> kUnits[] = {
      {"B", 0},    {"KB", 10},  {"MB", 20},  {"GB", 30},  {"TB", 40},
      {"PB", 50},  {"EB", 60},  {"KiB", 10}, {"MiB", 20}, {"GiB", 30},
      {"TiB", 40}, {"PiB", 50}, {"EiB", 60}};
  std::string_view rest = text;
  uint64_t total = 0;
  if (rest.empty()) {
    return absl::InvalidArgumentError("units: empty size");
  }
  while (!rest.empty()) {
    size_t digits = 0;
    while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') {
      ++digits;
    }
    uint64_t n = 0;
    if (digits == 0 ||
        !absl::SimpleAtoi(AbslView(rest.substr(0, digits)), &n)) {
      return absl::InvalidArgumentError(
          absl::StrCat("units: invalid size ", AbslView(text)));
    }
    rest.remove_prefix(digits);
    size_t unit_len = 0;
    while (unit_len < rest.size() &&
           !(rest[unit_len] >= '0' && rest[unit_len] <= '9')) {
      ++unit_len;
    }
    const std::string_view unit = rest.substr(0, unit_len);
    rest.remove_prefix(unit_len);
    if (unit.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("units: missing unit in ", AbslView(text)));
    }
    int shift = -1;
    for (const auto& [name, s] : kUnits) {
      if (unit == name) shift = s;
    }
    if (shift < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "units: unknown unit ", AbslView(unit), " in ", AbslView(text)));
    }
    if (shift > 0 && n > (std::numeric_limits<uint64_t>::max() >> shift)) {
      return absl::InvalidArgumentError(
          absl::StrCat("units: size too large: ", AbslView(text)));
    }
    total += n << shift;
  }
  return total;
}

std::string FormatBytes(uint64_t bytes) {
  if (bytes == 0) return "0B";
  static constexpr std::pair<const char*, int> kUnits[] = {
      {"EiB", 60}, {"PiB", 50}, {"TiB", 40}, {"GiB", 30},
      {"MiB", 20}, {"KiB", 10}, {"B", 0}};
  std::string out;
  for (const auto& [name, shift] : kUnits) {
    const uint64_t n = bytes >> shift;
    if (n > 0) {
      absl::StrAppend(&out, n, name);
      bytes -= n << shift;
    }
  }
  return out;
}

}  // namespace tsdbd
