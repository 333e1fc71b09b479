#include "http/alerting_config.h"

#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "ingest/http_client_config.h"
#include "ingest/yaml_util.h"
#include "tsdb/absl_compat.h"
#include "tsdb/quote.h"
#include "tsdb/status_macros.h"

namespace http {
namespace {

using tsdb::AbslView;
using tsdb::yaml_internal::AddUnsupportedSdFields;
using tsdb::yaml_internal::CannotUnmarshal;
using tsdb::yaml_internal::DecodeDuration;
using tsdb::yaml_internal::DecodeFields;
using tsdb::yaml_internal::DecodeStaticConfigs;
using tsdb::yaml_internal::DecodeString;
using tsdb::yaml_internal::Field;
using tsdb::yaml_internal::HttpClientConfigDecoder;
using tsdb::yaml_internal::NodeError;
using tsdb::yaml_internal::StringField;
using tsdb::yaml_internal::YamlSource;

constexpr std::string_view kAddressLabel = "__address__";
constexpr std::string_view kSchemeLabel = "__scheme__";
constexpr std::string_view kAlertsPathLabel = "__alerts_path__";

// A relabel list whose null entries fail with `null_message` (Prometheus
// checks them in the enclosing section, with its own wording).
absl::Status DecodeRelabelList(const YamlSource& src, const YAML::Node& list,
                               std::string_view null_message,
                               std::vector<tsdb::RelabelRule>* out) {
  if (list.IsSequence()) {
    for (const YAML::Node& item : list) {
      if (item.IsNull()) return NodeError(src, item, null_message);
    }
  }
  absl::StatusOr<std::vector<tsdb::RelabelRule>> rules =
      tsdb::ParseRelabelConfigs(list, "target", src.file_name);
  if (!rules.ok()) return rules.status();
  *out = *std::move(rules);
  return absl::OkStatus();
}

absl::Status DecodeApiVersion(const YamlSource& src, const YAML::Node& node,
                              AlertmanagerApiVersion* out) {
  std::string text;
  RETURN_IF_ERROR(DecodeString(src, node, &text));
  if (text.empty() && node.IsNull()) return absl::OkStatus();  // default
  if (text == "v1") {
    *out = AlertmanagerApiVersion::kV1;
  } else if (text == "v2") {
    *out = AlertmanagerApiVersion::kV2;
  } else {
    return NodeError(src, node,
                     absl::StrCat("expected Alertmanager api version to be "
                                  "one of [v1 v2] but got ",
                                  text));
  }
  return absl::OkStatus();
}

std::vector<Field> EntryFields(const YamlSource& src, AlertmanagerConfig* am) {
  return {{"static_configs",
           [&src, am](const YAML::Node& n) {
             return DecodeStaticConfigs(src, n, &am->static_configs);
           }},
          StringField("scheme", src, &am->scheme),
          StringField("path_prefix", src, &am->path_prefix),
          {"timeout",
           [&src, am](const YAML::Node& n) {
             if (n.IsNull()) return absl::OkStatus();
             return DecodeDuration(src, n, &am->timeout_ms);
           }},
          {"api_version",
           [&src, am](const YAML::Node& n) {
             return DecodeApiVersion(src, n, &am->api_version);
           }},
          {"relabel_configs", [&src, am](const YAML::Node& n) {
             return DecodeRelabelList(
                 src, n, "empty or null Alertmanager target relabeling rule",
                 &am->relabel_configs);
           }}};
}

// Prometheus's CheckTargetAddress: a '/' means a URL was given where
// host:port belongs.
absl::Status CheckTargetAddress(std::string_view address) {
  if (address.find('/') == std::string_view::npos) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      AbslView(tsdb::QuoteGo(address)), " is not a valid hostname"));
}

// Decodes and validates one alertmanagers entry; *skip_reason is non-empty
// when it uses something this server does not run.
absl::StatusOr<AlertmanagerConfig> DecodeEntry(const YamlSource& src,
                                               const YAML::Node& node,
                                               std::string* skip_reason) {
  AlertmanagerConfig am;
  am.source = absl::StrCat(AbslView(src.file_name), ":", node.Mark().line + 1);
  std::vector<Field> fields = EntryFields(src, &am);
  std::string unsupported;  // the first field this server does not apply
  HttpClientConfigDecoder http_client(src, &am.http_client, &unsupported);
  http_client.AddFields(&fields);
  AddUnsupportedSdFields(/*include_file_sd=*/true, &unsupported, &fields);
  RETURN_IF_ERROR(DecodeFields(src, node, "config.AlertmanagerConfig", fields));
  absl::Status status = http_client.Validate();
  if (status.ok() && am.relabel_configs.empty()) {
    for (const tsdb::TargetGroup& group : am.static_configs) {
      for (const std::string& target : group.targets) {
        status.Update(CheckTargetAddress(target));
      }
    }
  }
  if (!status.ok()) return NodeError(src, node, status);
  if (!unsupported.empty()) {
    *skip_reason = absl::StrCat(unsupported, " is not supported");
  }
  return am;
}

absl::Status DecodeAlertmanagers(const YamlSource& src, const YAML::Node& node,
                                 AlertingConfig* out) {
  if (node.IsNull()) return absl::OkStatus();
  if (!node.IsSequence()) {
    return CannotUnmarshal(src, node, "config.AlertmanagerConfigs");
  }
  int index = 0;
  for (const YAML::Node& item : node) {
    if (item.IsNull()) {
      // Prometheus 2.42 crashes on a null entry; refuse it instead.
      return NodeError(src, item, "empty or null alertmanager config");
    }
    std::string skip_reason;
    ASSIGN_OR_RETURN(AlertmanagerConfig am,
                     DecodeEntry(src, item, &skip_reason));
    if (!skip_reason.empty()) {
      out->warnings.push_back(absl::StrCat(am.source, ": alertmanager config ",
                                           index, " skipped: ", skip_reason));
    } else {
      out->alertmanagers.push_back(std::move(am));
    }
    ++index;
  }
  return absl::OkStatus();
}

// Go's path.Clean for a rooted path.
std::string CleanRootedPath(std::string_view path) {
  std::vector<std::string_view> parts;
  for (absl::string_view part : absl::StrSplit(AbslView(path), '/')) {
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
      continue;
    }
    parts.emplace_back(part.data(), part.size());
  }
  std::string out;
  for (std::string_view part : parts) {
    out.push_back('/');
    out.append(part);
  }
  if (out.empty()) out = "/";
  return out;
}

// url.URL{Scheme, Host, Path}.String() for the plain values used here.
std::string AlertmanagerUrl(std::string_view scheme, std::string_view host,
                            std::string_view path) {
  std::string url;
  if (!scheme.empty()) absl::StrAppend(&url, AbslView(scheme), ":");
  if (!host.empty()) absl::StrAppend(&url, "//", AbslView(host));
  if (!path.empty() && path.front() != '/' && !host.empty()) url += '/';
  url.append(path);
  return url;
}

}  // namespace

std::string_view AlertmanagerApiVersionName(AlertmanagerApiVersion version) {
  return version == AlertmanagerApiVersion::kV1 ? "v1" : "v2";
}

std::string AlertsPath(std::string_view path_prefix,
                       AlertmanagerApiVersion version) {
  return CleanRootedPath(
      absl::StrCat("/", AbslView(path_prefix), "/api/",
                   AbslView(AlertmanagerApiVersionName(version)), "/alerts"));
}

absl::StatusOr<AlertingConfig> ParseAlertingConfig(const YAML::Node& alerting,
                                                   std::string_view filename) {
  const YamlSource src{filename};
  AlertingConfig config;
  try {
    if (!alerting.IsDefined() || alerting.IsNull()) return config;
    RETURN_IF_ERROR(DecodeFields(
        src, alerting, "config.plain",
        {{"alert_relabel_configs",
          [&](const YAML::Node& n) {
            return DecodeRelabelList(src, n,
                                     "empty or null alert relabeling rule",
                                     &config.alert_relabel_configs);
          }},
         {"alertmanagers", [&](const YAML::Node& n) {
            return DecodeAlertmanagers(src, n, &config);
          }}}));
  } catch (const YAML::Exception& e) {
    return tsdb::yaml_internal::ExceptionError(src, e);
  }
  return config;
}

ResolvedAlertmanagers ResolveAlertmanagers(const AlertmanagerConfig& config) {
  ResolvedAlertmanagers out;
  std::set<std::string> seen;
  const std::string alerts_path =
      AlertsPath(config.path_prefix, config.api_version);
  tsdb::RelabelScratch scratch;
  for (const tsdb::TargetGroup& group : config.static_configs) {
    std::vector<AlertmanagerTarget> active, dropped;
    absl::Status group_status;
    for (const std::string& target : group.targets) {
      // The group's labels override the configured scheme and path, not
      // the target's address.
      tsdb::LabelsBuilder builder;
      builder.Set(kSchemeLabel, config.scheme);
      builder.Set(kAlertsPathLabel, alerts_path);
      for (const tsdb::Label& label : group.labels) {
        builder.Set(label.name, label.value);
      }
      builder.Set(kAddressLabel, target);
      const tsdb::Labels discovered = builder.Build();
      tsdb::Labels relabeled;
      if (!tsdb::Relabel(config.relabel_configs, discovered, &scratch,
                         &relabeled)) {
        dropped.push_back(
            {discovered, AlertmanagerUrl(discovered.Get(kSchemeLabel), target,
                                         discovered.Get(kAlertsPathLabel))});
        continue;
      }
      const std::string_view address = relabeled.Get(kAddressLabel);
      group_status = CheckTargetAddress(address);
      if (!group_status.ok()) break;
      std::string url = AlertmanagerUrl(relabeled.Get(kSchemeLabel), address,
                                        relabeled.Get(kAlertsPathLabel));
      active.push_back({std::move(relabeled), std::move(url)});
    }
    if (!group_status.ok()) {
      out.errors.push_back(absl::StrCat(
          "Creating discovered Alertmanagers failed: ", config.source,
          " static_configs ", AbslView(group.source), ": ",
          group_status.message()));
      continue;
    }
    for (AlertmanagerTarget& am : active) {
      if (seen.insert(am.url).second) out.active.push_back(std::move(am));
    }
    for (AlertmanagerTarget& am : dropped) out.dropped.push_back(std::move(am));
  }
  return out;
}

}  // namespace http
