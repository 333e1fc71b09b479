#include "http/alerting_config.h"

#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "ingest/yaml_util.h"
#include "tsdb/absl_compat.h"
#include "tsdb/quote.h"
#include "tsdb/status_macros.h"

namespace http {
namespace {

using tsdb::AbslView;
using tsdb::yaml_internal::DecodeBool;
using tsdb::yaml_internal::DecodeDuration;
using tsdb::yaml_internal::DecodeFields;
using tsdb::yaml_internal::DecodeLabelMap;
using tsdb::yaml_internal::DecodeString;
using tsdb::yaml_internal::DecodeStringList;
using tsdb::yaml_internal::Field;
using tsdb::yaml_internal::KindName;
using tsdb::yaml_internal::NodeError;
using tsdb::yaml_internal::YamlSource;

// Go's name of the anonymous struct static_configs entries decode into.
constexpr std::string_view kStaticConfigType =
    "struct { Targets []string \"yaml:\\\"targets\\\"\"; Labels "
    "model.LabelSet \"yaml:\\\"labels\\\"\" }";

constexpr std::string_view kAddressLabel = "__address__";
constexpr std::string_view kSchemeLabel = "__scheme__";
constexpr std::string_view kAlertsPathLabel = "__alerts_path__";

Field StringField(std::string_view name, const YamlSource& src,
                  std::string* out) {
  return {name, [&src, out](const YAML::Node& n) {
            return DecodeString(src, n, out);
          }};
}

Field BoolField(std::string_view name, const YamlSource& src, bool* out) {
  return {name,
          [&src, out](const YAML::Node& n) { return DecodeBool(src, n, out); }};
}

absl::Status CannotUnmarshal(const YamlSource& src, const YAML::Node& node,
                             std::string_view type_name) {
  return NodeError(src, node,
                   absl::StrCat("cannot unmarshal ", AbslView(KindName(node)),
                                " into ", AbslView(type_name)));
}

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

absl::Status DecodeStaticConfigs(const YamlSource& src, const YAML::Node& node,
                                 std::vector<tsdb::TargetGroup>* out) {
  if (node.IsNull()) return absl::OkStatus();
  if (!node.IsSequence()) {
    return CannotUnmarshal(src, node, "[]*targetgroup.Group");
  }
  for (const YAML::Node& item : node) {
    tsdb::TargetGroup group;
    std::vector<std::pair<std::string, std::string>> labels;
    RETURN_IF_ERROR(DecodeFields(src, item, kStaticConfigType,
                                 {{"targets",
                                   [&](const YAML::Node& n) {
                                     return DecodeStringList(src, n,
                                                             &group.targets);
                                   }},
                                  {"labels", [&](const YAML::Node& n) {
                                     return DecodeLabelMap(src, n, &labels);
                                   }}}));
    absl::StatusOr<tsdb::Labels> set =
        tsdb::Labels::FromPairs(std::move(labels));
    if (!set.ok()) return NodeError(src, item, set.status());
    group.labels = *std::move(set);
    group.source = absl::StrCat(out->size());
    out->push_back(std::move(group));
  }
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

absl::Status DecodeTls(const YamlSource& src, const YAML::Node& node,
                       tsdb::TlsConfig* tls) {
  RETURN_IF_ERROR(DecodeFields(
      src, node, "config.plain",
      {StringField("ca_file", src, &tls->ca_file),
       StringField("cert_file", src, &tls->cert_file),
       StringField("key_file", src, &tls->key_file),
       StringField("server_name", src, &tls->server_name),
       BoolField("insecure_skip_verify", src, &tls->insecure_skip_verify),
       StringField("min_version", src, &tls->min_version)}));
  const std::string& v = tls->min_version;
  if (!v.empty() && v != "TLS10" && v != "TLS11" && v != "TLS12" &&
      v != "TLS13") {
    return NodeError(src, node, absl::StrCat("unknown TLS version: ", v));
  }
  if (!tls->cert_file.empty() && tls->key_file.empty()) {
    return NodeError(src, node,
                     absl::StrCat("client cert file \"", tls->cert_file,
                                  "\" specified without client key file"));
  }
  if (!tls->key_file.empty() && tls->cert_file.empty()) {
    return NodeError(src, node,
                     absl::StrCat("client key file \"", tls->key_file,
                                  "\" specified without client cert file"));
  }
  return absl::OkStatus();
}

// What an entry holds beyond AlertmanagerConfig: the inputs of
// HTTPClientConfig.Validate and what makes the entry unusable here.
struct Extra {
  std::string bearer_token;
  std::string bearer_token_file;
  bool has_oauth2 = false;
  std::string proxy_url;
  std::string unsupported;  // the first unsupported field, "" if none

  void Note(std::string_view what) {
    if (unsupported.empty()) unsupported = std::string(what);
  }
};

// The service discovery mechanisms of Prometheus 2.42 besides static.
constexpr std::string_view kOtherSd[] = {
    "azure_sd_configs",     "consul_sd_configs",      "digitalocean_sd_configs",
    "docker_sd_configs",    "dockerswarm_sd_configs", "dns_sd_configs",
    "ec2_sd_configs",       "eureka_sd_configs",      "file_sd_configs",
    "gce_sd_configs",       "hetzner_sd_configs",     "http_sd_configs",
    "ionos_sd_configs",     "kubernetes_sd_configs",  "kuma_sd_configs",
    "lightsail_sd_configs", "linode_sd_configs",      "marathon_sd_configs",
    "nerve_sd_configs",     "nomad_sd_configs",       "openstack_sd_configs",
    "ovhcloud_sd_configs",  "puppetdb_sd_configs",    "scaleway_sd_configs",
    "serverset_sd_configs", "triton_sd_configs",      "uyuni_sd_configs",
    "vultr_sd_configs"};

std::vector<Field> EntryFields(const YamlSource& src, AlertmanagerConfig* am,
                               Extra* extra) {
  std::vector<Field> fields = {
      {"static_configs",
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
      {"relabel_configs",
       [&src, am](const YAML::Node& n) {
         return DecodeRelabelList(
             src, n, "empty or null Alertmanager target relabeling rule",
             &am->relabel_configs);
       }},
      {"basic_auth",
       [&src, am](const YAML::Node& n) {
         if (n.IsNull()) return absl::OkStatus();
         tsdb::BasicAuth& auth = am->basic_auth.emplace();
         return DecodeFields(
             src, n, "config.BasicAuth",
             {StringField("username", src, &auth.username),
              StringField("password", src, &auth.password),
              StringField("password_file", src, &auth.password_file)});
       }},
      {"authorization",
       [&src, am](const YAML::Node& n) {
         if (n.IsNull()) return absl::OkStatus();
         tsdb::Authorization& auth = am->authorization.emplace();
         auth.type.clear();
         return DecodeFields(
             src, n, "config.Authorization",
             {StringField("type", src, &auth.type),
              StringField("credentials", src, &auth.credentials),
              StringField("credentials_file", src, &auth.credentials_file)});
       }},
      StringField("bearer_token", src, &extra->bearer_token),
      StringField("bearer_token_file", src, &extra->bearer_token_file),
      {"tls_config",
       [&src, am](const YAML::Node& n) {
         return DecodeTls(src, n, &am->tls_config);
       }},
      BoolField("follow_redirects", src, &am->follow_redirects),
      BoolField("enable_http2", src, &am->enable_http2),
      {"oauth2",
       [extra](const YAML::Node& n) {
         extra->has_oauth2 = !n.IsNull();
         if (extra->has_oauth2) extra->Note("oauth2");
         return absl::OkStatus();
       }},
      {"proxy_url", [&src, extra](const YAML::Node& n) {
         RETURN_IF_ERROR(DecodeString(src, n, &extra->proxy_url));
         if (!extra->proxy_url.empty()) extra->Note("proxy_url");
         return absl::OkStatus();
       }}};
  for (std::string_view key : kOtherSd) {
    fields.push_back({key, [extra, key](const YAML::Node& n) {
                        if (!n.IsNull()) extra->Note(key);
                        return absl::OkStatus();
                      }});
  }
  return fields;
}

// prometheus/common's HTTPClientConfig.Validate: at most one way to
// authenticate; bearer_token(_file) become an Authorization.
absl::Status ValidateHttpClient(Extra* extra, AlertmanagerConfig* am) {
  const bool bearer =
      !extra->bearer_token.empty() || !extra->bearer_token_file.empty();
  const bool basic_or_oauth2 = am->basic_auth.has_value() || extra->has_oauth2;
  if (!extra->bearer_token.empty() && !extra->bearer_token_file.empty()) {
    return absl::InvalidArgumentError(
        "at most one of bearer_token & bearer_token_file must be configured");
  }
  if (basic_or_oauth2 && bearer) {
    return absl::InvalidArgumentError(
        "at most one of basic_auth, oauth2, bearer_token & bearer_token_file "
        "must be configured");
  }
  if (am->basic_auth && !am->basic_auth->password.empty() &&
      !am->basic_auth->password_file.empty()) {
    return absl::InvalidArgumentError(
        "at most one of basic_auth password & password_file must be "
        "configured");
  }
  if (am->authorization) {
    tsdb::Authorization& auth = *am->authorization;
    if (bearer) {
      return absl::InvalidArgumentError(
          "authorization is not compatible with bearer_token & "
          "bearer_token_file");
    }
    if (!auth.credentials.empty() && !auth.credentials_file.empty()) {
      return absl::InvalidArgumentError(
          "at most one of authorization credentials & credentials_file must "
          "be configured");
    }
    auth.type = std::string(absl::StripAsciiWhitespace(auth.type));
    if (auth.type.empty()) auth.type = "Bearer";
    if (absl::AsciiStrToLower(auth.type) == "basic") {
      return absl::InvalidArgumentError(
          "authorization type cannot be set to \"basic\", use \"basic_auth\" "
          "instead");
    }
    if (basic_or_oauth2) {
      return absl::InvalidArgumentError(
          "at most one of basic_auth, oauth2 & authorization must be "
          "configured");
    }
  } else if (bearer) {
    tsdb::Authorization& auth = am->authorization.emplace();
    auth.credentials = std::move(extra->bearer_token);
    auth.credentials_file = std::move(extra->bearer_token_file);
  }
  return absl::OkStatus();
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
  Extra extra;
  RETURN_IF_ERROR(DecodeFields(src, node, "config.AlertmanagerConfig",
                               EntryFields(src, &am, &extra)));
  absl::Status status = ValidateHttpClient(&extra, &am);
  if (status.ok() && am.relabel_configs.empty()) {
    for (const tsdb::TargetGroup& group : am.static_configs) {
      for (const std::string& target : group.targets) {
        status.Update(CheckTargetAddress(target));
      }
    }
  }
  if (!status.ok()) return NodeError(src, node, status);
  if (!extra.unsupported.empty()) {
    *skip_reason = absl::StrCat(extra.unsupported, " is not supported");
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
