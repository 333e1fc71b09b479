#include "ingest/yaml_util.h"

#include <cctype>
#include <cmath>
#include <cstdint>
#include <limits>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "tsdb/absl_compat.h"
#include "tsdb/labels.h"
#include "tsdb/prom_duration.h"
#include "tsdb/status_macros.h"

namespace tsdb::yaml_internal {
namespace {

bool IsPlain(const YAML::Node& node) { return node.Tag() != "!"; }

bool IsDecimalInt(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool IsFloat(std::string_view s) {
  if (s.empty()) return false;
  char* end = nullptr;
  const std::string copy(s);
  std::strtod(copy.c_str(), &end);
  return end == copy.c_str() + copy.size();
}

// Which YAML 1.1 boolean `s` spells, if any.
int BoolValue(std::string_view s) {
  static constexpr std::string_view kTrue[] = {
      "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"};
  static constexpr std::string_view kFalse[] = {
      "n",     "N",     "no",  "No",  "NO", "false",
      "False", "FALSE", "off", "Off", "OFF"};
  for (std::string_view t : kTrue) {
    if (s == t) return 1;
  }
  for (std::string_view f : kFalse) {
    if (s == f) return 0;
  }
  return -1;
}

// The multiplier of a byte unit, 0 when unknown: "B", and "KiB".."EiB"
// (iec) or "KB".."EB" (not iec), powers of 1024.
double UnitScale(std::string_view unit, bool iec) {
  static constexpr std::string_view kPrefixes = "KMGTPE";
  if (unit == "B") return 1;
  const std::string_view suffix = iec ? "iB" : "B";
  if (unit.size() != 1 + suffix.size() || unit.substr(1) != suffix) return 0;
  const size_t p = kPrefixes.find(unit[0]);
  return p == std::string_view::npos ? 0 : std::pow(1024.0, p + 1);
}

// Consumes a decimal number ("12", "1.5", ".5", "3.") from the front of *s.
// False when there is no digit.
bool ConsumeDecimal(std::string_view* s, double* value) {
  size_t i = 0;
  double scale = 1;
  bool any = false, dot = false;
  *value = 0;
  for (; i < s->size(); ++i) {
    const char c = (*s)[i];
    if (c == '.' && !dot) {
      dot = true;
    } else if (c >= '0' && c <= '9') {
      any = true;
      if (dot) {
        scale /= 10;
        *value += (c - '0') * scale;
      } else {
        *value = *value * 10 + (c - '0');
      }
    } else {
      break;
    }
  }
  s->remove_prefix(i);
  return any;
}

// alecthomas/units ParseUnit: [-+]?([0-9]*(\.[0-9]*)?[a-zA-Z]+)+ summed.
absl::StatusOr<int64_t> ParseUnits(std::string_view text, bool iec) {
  const absl::Status invalid = absl::InvalidArgumentError(
      absl::StrCat("units: invalid ", AbslView(text)));
  std::string_view s = text;
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return 0;
  if (s.empty()) return invalid;
  double total = 0;
  while (!s.empty()) {
    double value;
    if (!ConsumeDecimal(&s, &value)) return invalid;
    size_t j = 0;
    while (j < s.size() && s[j] != '.' && (s[j] < '0' || s[j] > '9')) ++j;
    const std::string_view unit = s.substr(0, j);
    const double mult = UnitScale(unit, iec);
    if (mult == 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "units: unknown unit ", AbslView(unit), " in ", AbslView(text)));
    }
    total += value * mult;
    s.remove_prefix(j);
  }
  if (neg) total = -total;
  if (total < -9.2233720368547758e18 || total >= 9.2233720368547758e18) {
    return absl::InvalidArgumentError("units: overflow parsing unit");
  }
  return static_cast<int64_t>(total);
}

// Go's name of the anonymous struct static_configs entries decode into.
constexpr std::string_view kStaticConfigType =
    "struct { Targets []string \"yaml:\\\"targets\\\"\"; Labels "
    "model.LabelSet \"yaml:\\\"labels\\\"\" }";

}  // namespace

absl::Status CannotUnmarshal(const YamlSource& src, const YAML::Node& node,
                             std::string_view type_name) {
  std::string what(KindName(node));
  if (node.IsScalar()) absl::StrAppend(&what, " `", node.Scalar(), "`");
  return NodeError(
      src, node,
      absl::StrCat("cannot unmarshal ", what, " into ", AbslView(type_name)));
}

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

Field UintField(std::string_view name, const YamlSource& src, uint64_t* out) {
  return {name, [&src, out](const YAML::Node& n) {
            return DecodeUint(src, n, "uint", out);
          }};
}

Field DurationField(std::string_view name, const YamlSource& src,
                    int64_t* out) {
  return {name, [&src, out](const YAML::Node& n) {
            return DecodeDuration(src, n, out);
          }};
}

absl::Status DecodeSequence(
    const YamlSource& src, const YAML::Node& node, std::string_view type_name,
    const std::function<absl::Status(const YAML::Node&)>& decode_item) {
  if (node.IsNull()) return absl::OkStatus();
  if (!node.IsSequence()) return CannotUnmarshal(src, node, type_name);
  for (const YAML::Node& item : node) RETURN_IF_ERROR(decode_item(item));
  return absl::OkStatus();
}

absl::Status DecodeTargetGroup(
    const YamlSource& src, const YAML::Node& node, std::string_view type_name,
    std::vector<std::string>* targets,
    std::vector<std::pair<std::string, std::string>>* labels) {
  return DecodeFields(
      src, node, type_name,
      {{"targets",
        [&](const YAML::Node& n) { return DecodeStringList(src, n, targets); }},
       {"labels",
        [&](const YAML::Node& n) { return DecodeLabelMap(src, n, labels); }}});
}

absl::Status DecodeStaticConfigs(const YamlSource& src, const YAML::Node& node,
                                 std::vector<TargetGroup>* out) {
  return DecodeSequence(
      src, node, "[]*targetgroup.Group", [&](const YAML::Node& item) {
        TargetGroup group;
        std::vector<std::pair<std::string, std::string>> labels;
        RETURN_IF_ERROR(DecodeTargetGroup(src, item, kStaticConfigType,
                                          &group.targets, &labels));
        absl::StatusOr<Labels> set = Labels::FromPairs(std::move(labels));
        if (!set.ok()) return NodeError(src, item, set.status());
        group.labels = *std::move(set);
        group.source = absl::StrCat(out->size());
        out->push_back(std::move(group));
        return absl::OkStatus();
      });
}

void AddUnsupportedSdFields(bool include_file_sd, std::string* first_used,
                            std::vector<Field>* fields) {
  static constexpr std::string_view kSdFields[] = {
      "azure_sd_configs",        "consul_sd_configs",
      "digitalocean_sd_configs", "docker_sd_configs",
      "dockerswarm_sd_configs",  "dns_sd_configs",
      "ec2_sd_configs",          "eureka_sd_configs",
      "file_sd_configs",         "gce_sd_configs",
      "hetzner_sd_configs",      "http_sd_configs",
      "ionos_sd_configs",        "kubernetes_sd_configs",
      "kuma_sd_configs",         "lightsail_sd_configs",
      "linode_sd_configs",       "marathon_sd_configs",
      "nerve_sd_configs",        "nomad_sd_configs",
      "openstack_sd_configs",    "ovhcloud_sd_configs",
      "puppetdb_sd_configs",     "scaleway_sd_configs",
      "serverset_sd_configs",    "triton_sd_configs",
      "uyuni_sd_configs",        "vultr_sd_configs"};
  for (std::string_view key : kSdFields) {
    if (key == "file_sd_configs" && !include_file_sd) continue;
    fields->push_back({key, [first_used, key](const YAML::Node& n) {
                         if (!n.IsNull() && first_used->empty()) {
                           *first_used = std::string(key);
                         }
                         return absl::OkStatus();
                       }});
  }
}

std::string_view KindName(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Sequence:
      return "!!seq";
    case YAML::NodeType::Map:
      return "!!map";
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return "!!null";
    case YAML::NodeType::Scalar:
      break;
  }
  if (!IsPlain(node)) return "!!str";
  const std::string& s = node.Scalar();
  if (IsDecimalInt(s)) return "!!int";
  if (BoolValue(s) >= 0) return "!!bool";
  if (IsFloat(s)) return "!!float";
  return "!!str";
}

absl::Status NodeError(const YamlSource& src, const YAML::Node& node,
                       std::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat(AbslView(src.file_name), ":",
                                                 node.Mark().line + 1, ": ",
                                                 AbslView(message)));
}

absl::Status NodeError(const YamlSource& src, const YAML::Node& node,
                       const absl::Status& cause) {
  return absl::InvalidArgumentError(absl::StrCat(AbslView(src.file_name), ":",
                                                 node.Mark().line + 1, ": ",
                                                 cause.message()));
}

absl::Status ExceptionError(const YamlSource& src, const YAML::Exception& e) {
  return absl::InvalidArgumentError(absl::StrCat(
      AbslView(src.file_name), ":", e.mark.line + 1, ": yaml: ", e.msg));
}

absl::Status DecodeString(const YamlSource& src, const YAML::Node& node,
                          std::string* out) {
  if (node.IsNull()) {
    out->clear();
    return absl::OkStatus();
  }
  if (!node.IsScalar()) return CannotUnmarshal(src, node, "string");
  *out = node.Scalar();
  return absl::OkStatus();
}

absl::Status DecodeBool(const YamlSource& src, const YAML::Node& node,
                        bool* out) {
  if (node.IsNull()) {
    *out = false;
    return absl::OkStatus();
  }
  const int b =
      node.IsScalar() && IsPlain(node) ? BoolValue(node.Scalar()) : -1;
  if (b < 0) return CannotUnmarshal(src, node, "bool");
  *out = b == 1;
  return absl::OkStatus();
}

absl::Status DecodeUint(const YamlSource& src, const YAML::Node& node,
                        std::string_view type_name, uint64_t* out) {
  if (node.IsNull()) {
    *out = 0;
    return absl::OkStatus();
  }
  if (!node.IsScalar() || !IsPlain(node) || !IsDecimalInt(node.Scalar()) ||
      node.Scalar()[0] == '-') {
    return CannotUnmarshal(src, node, type_name);
  }
  std::string_view s = node.Scalar();
  if (s[0] == '+') s.remove_prefix(1);
  uint64_t v = 0;
  for (char c : s) {
    const uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (std::numeric_limits<uint64_t>::max() - d) / 10) {
      return CannotUnmarshal(src, node, type_name);
    }
    v = v * 10 + d;
  }
  *out = v;
  return absl::OkStatus();
}

absl::Status DecodeStringList(const YamlSource& src, const YAML::Node& node,
                              std::vector<std::string>* out) {
  out->clear();
  if (node.IsNull()) return absl::OkStatus();
  if (!node.IsSequence()) return CannotUnmarshal(src, node, "[]string");
  for (const YAML::Node& item : node) {
    std::string s;
    if (!item.IsScalar()) return CannotUnmarshal(src, item, "string");
    RETURN_IF_ERROR(DecodeString(src, item, &s));
    out->push_back(std::move(s));
  }
  return absl::OkStatus();
}

absl::Status DecodeDuration(const YamlSource& src, const YAML::Node& node,
                            int64_t* ms) {
  std::string text;
  RETURN_IF_ERROR(DecodeString(src, node, &text));
  absl::StatusOr<int64_t> d = ParsePromDurationMs(text);
  if (!d.ok()) return NodeError(src, node, d.status());
  *ms = *d;
  return absl::OkStatus();
}

absl::Status DecodeLabelMap(
    const YamlSource& src, const YAML::Node& node,
    std::vector<std::pair<std::string, std::string>>* out) {
  out->clear();
  if (node.IsNull()) return absl::OkStatus();
  if (!node.IsMap()) return CannotUnmarshal(src, node, "model.LabelSet");
  std::set<std::string> seen;
  for (const auto& entry : node) {
    std::string name, value;
    RETURN_IF_ERROR(DecodeString(src, entry.first, &name));
    if (!IsValidLabelName(name)) {
      return NodeError(
          src, entry.first,
          absl::StrCat("\"", name, "\" is not a valid label name"));
    }
    if (!seen.insert(name).second) {
      return NodeError(src, entry.first,
                       absl::StrCat("duplicate label name \"", name, "\""));
    }
    RETURN_IF_ERROR(DecodeString(src, entry.second, &value));
    out->emplace_back(std::move(name), std::move(value));
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> ParseBase2Bytes(std::string_view text) {
  // Both of alecthomas/units' tables: "KiB" (bytesUnitMap) and the older
  // "KB" (oldBytesUnitMap); the latter's errors are the ones reported.
  absl::StatusOr<int64_t> n = ParseUnits(text, /*iec=*/true);
  if (n.ok()) return n;
  return ParseUnits(text, /*iec=*/false);
}

absl::Status DecodeFields(const YamlSource& src, const YAML::Node& node,
                          std::string_view type_name,
                          const std::vector<Field>& fields) {
  if (node.IsNull()) return absl::OkStatus();
  if (!node.IsMap()) return CannotUnmarshal(src, node, type_name);
  std::set<std::string> seen;
  for (const auto& entry : node) {
    std::string key;
    RETURN_IF_ERROR(DecodeString(src, entry.first, &key));
    const Field* field = nullptr;
    for (const Field& f : fields) {
      if (f.name == key) field = &f;
    }
    if (field == nullptr) {
      return NodeError(src, entry.first,
                       absl::StrCat("field ", key, " not found in type ",
                                    AbslView(type_name)));
    }
    if (!seen.insert(key).second) {
      return NodeError(src, entry.first,
                       absl::StrCat("field ", key, " already set in type ",
                                    AbslView(type_name)));
    }
    RETURN_IF_ERROR(field->decode(entry.second));
  }
  return absl::OkStatus();
}

}  // namespace tsdb::yaml_internal
