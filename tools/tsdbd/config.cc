#include "tools/tsdbd/config.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "tools/tsdbd/flags.h"
#include "tools/tsdbd/tsdbd_yml.h"
#include "tsdb/absl_compat.h"
#include "tsdb/prom_duration.h"
#include "tsdb/status_macros.h"

namespace tsdbd {
namespace {

using tsdb::AbslView;

absl::Status Unmarshal(const YAML::Node& node, std::string_view message) {
  return absl::InvalidArgumentError(
      absl::StrCat("yaml: unmarshal errors:\n  line ", node.Mark().line + 1,
                   ": ", AbslView(message)));
}

absl::Status ParseDurationField(const YAML::Node& node, int64_t* ms) {
  if (!node.IsScalar()) return Unmarshal(node, "expected a duration");
  absl::StatusOr<int64_t> d = tsdb::ParsePromDurationMs(node.Scalar());
  if (!d.ok()) return absl::InvalidArgumentError(d.status().message());
  *ms = *d;
  return absl::OkStatus();
}

bool ValidLabelName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    c == '_' || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

absl::Status ParseGlobal(const YAML::Node& node, GlobalConfig* global) {
  if (!node.IsMap()) return Unmarshal(node, "global must be a mapping");
  bool timeout_set = false;
  for (const auto& entry : node) {
    const std::string key = entry.first.as<std::string>();
    const YAML::Node& value = entry.second;
    if (key == "scrape_interval") {
      RETURN_IF_ERROR(ParseDurationField(value, &global->scrape_interval_ms));
    } else if (key == "scrape_timeout") {
      RETURN_IF_ERROR(ParseDurationField(value, &global->scrape_timeout_ms));
      timeout_set = true;
    } else if (key == "evaluation_interval") {
      RETURN_IF_ERROR(
          ParseDurationField(value, &global->evaluation_interval_ms));
    } else if (key == "external_labels") {
      if (!value.IsMap())
        return Unmarshal(value, "external_labels: expected a mapping");
      for (const auto& label : value) {
        const std::string name = label.first.as<std::string>();
        if (!ValidLabelName(name)) {
          return absl::InvalidArgumentError(
              absl::StrCat("\"", name, "\" is not a valid label name"));
        }
        global->external_labels.emplace_back(name,
                                             label.second.as<std::string>());
      }
    } else if (key != "query_log_file" && key != "body_size_limit" &&
               key != "sample_limit" && key != "label_limit" &&
               key != "label_name_length_limit" &&
               key != "label_value_length_limit" && key != "target_limit") {
      return Unmarshal(
          entry.first,
          absl::StrCat("field ", key, " not found in type config.plain"));
    }
  }
  if (!timeout_set && global->scrape_interval_ms < global->scrape_timeout_ms) {
    global->scrape_timeout_ms = global->scrape_interval_ms;
  }
  if (global->scrape_timeout_ms > global->scrape_interval_ms) {
    return absl::InvalidArgumentError(
        "global scrape timeout greater than scrape interval");
  }
  return absl::OkStatus();
}

// rule_files: a list of file path globs.
absl::Status ParseRuleFilePatterns(const YAML::Node& node,
                                   std::vector<std::string>* patterns) {
  if (node.IsNull()) return absl::OkStatus();
  if (!node.IsSequence()) {
    return Unmarshal(
        node, absl::StrCat("cannot unmarshal !!", node.IsMap() ? "map" : "str",
                           " into []string"));
  }
  for (const YAML::Node& item : node) {
    if (!item.IsScalar()) {
      return Unmarshal(item, "cannot unmarshal !!map into string");
    }
    patterns->push_back(item.Scalar());
  }
  return absl::OkStatus();
}

// Everything but scrape_configs, which is returned in `*scrape_configs` to
// be parsed once `global` is known (it may come later in the file).
absl::Status ParseRoot(const YAML::Node& root, Config* config,
                       YAML::Node* scrape_configs) {
  if (root.IsNull()) return absl::OkStatus();
  if (!root.IsMap())
    return Unmarshal(root, "the configuration must be a mapping");
  for (const auto& entry : root) {
    const std::string key = entry.first.as<std::string>();
    const YAML::Node& value = entry.second;
    if (key == "global") {
      RETURN_IF_ERROR(ParseGlobal(value, &config->global));
    } else if (key == "scrape_configs") {
      *scrape_configs = value;
    } else if (key == "rule_files") {
      config->rule_files = value;
      RETURN_IF_ERROR(
          ParseRuleFilePatterns(value, &config->rule_file_patterns));
    } else if (key == "alerting") {
      config->alerting = value;
    } else if (key == "remote_write") {
      config->remote_write = value;
    } else if (key == "remote_read") {
      config->remote_read = value;
    } else if (key == "storage") {
      config->storage = value;
    } else if (key == "tracing") {
      config->tracing = value;
    } else {
      return Unmarshal(
          entry.first,
          absl::StrCat("field ", key, " not found in type config.plain"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

std::string DefaultConfigText(std::string_view listen_address) {
  std::string_view host, port;
  if (const size_t colon = listen_address.rfind(':');
      colon != std::string_view::npos) {
    host = listen_address.substr(0, colon);
    port = listen_address.substr(colon + 1);
  }
  if (host.empty() || host == "0.0.0.0" || host == "[::]" || host == "::") {
    host = "localhost";
  }
  const std::string self = absl::StrCat(AbslView(host), ":", AbslView(port));
  std::string text = kEmbeddedDefaultConfig;
  constexpr std::string_view kPlaceholder = "{{self}}";
  for (size_t at = text.find(kPlaceholder); at != std::string::npos;
       at = text.find(kPlaceholder, at + self.size())) {
    text.replace(at, kPlaceholder.size(), self);
  }
  return text;
}

absl::StatusOr<Config> ParseConfig(std::string_view text,
                                   std::string_view filename) {
  const std::string_view name =
      filename.empty() ? kDefaultConfigName : filename;
  Config config;
  config.filename = std::string(filename);
  config.text = std::string(text);
  YAML::Node scrape_configs;
  absl::Status status;
  try {
    status = ParseRoot(YAML::Load(config.text), &config, &scrape_configs);
  } catch (const YAML::Exception& e) {
    status = absl::InvalidArgumentError(
        absl::StrCat("yaml: line ", e.mark.line + 1, ": ", e.msg));
  }
  if (!status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "parsing YAML file ", AbslView(name), ": ", status.message()));
  }
  const tsdb::GlobalScrapeDefaults defaults{
      .scrape_interval_ms = config.global.scrape_interval_ms,
      .scrape_timeout_ms = config.global.scrape_timeout_ms};
  // Errors already name the file and line.
  ASSIGN_OR_RETURN(config.scrape_configs,
                   tsdb::ParseScrapeConfigs(scrape_configs, defaults, name,
                                            &config.warnings));
  ASSIGN_OR_RETURN(config.alerting_config,
                   http::ParseAlertingConfig(config.alerting, name));
  for (const std::string& warning : config.alerting_config.warnings) {
    config.warnings.push_back(warning);
  }
  return config;
}

absl::StatusOr<Config> LoadConfigFile(const std::string& filename) {
  const std::string prefix = absl::StrCat(
      "couldn't load configuration (--config.file=\"", filename, "\"): ");
  std::ifstream in(filename, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat(prefix, "open ", filename, ": no such file or directory"));
  }
  std::stringstream text;
  text << in.rdbuf();
  absl::StatusOr<Config> config = ParseConfig(text.str(), filename);
  if (!config.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(prefix, config.status().message()));
  }
  return config;
}

}  // namespace tsdbd
