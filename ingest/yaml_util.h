// Helpers shared by the parsers of prometheus.yml's sections and of file_sd
// files (ingest/scrape_config, ingest/file_sd, http/alerting_config):
// Go-yaml-like scalar decoding with errors that carry the file and line,
// Prometheus's duration and byte-size syntaxes, and target groups.
//
// yaml-cpp throws; nothing here does. Every function returns a Status whose
// message is "<file>:<line>: <reason>", with Go's yaml.v2 wording for type
// mismatches ("cannot unmarshal !!seq into string").
#ifndef INGEST_YAML_UTIL_H_
#define INGEST_YAML_UTIL_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "ingest/file_sd.h"
#include "yaml-cpp/yaml.h"

namespace tsdb::yaml_internal {

// Where a document came from, for error messages.
struct YamlSource {
  std::string_view file_name;
};

// InvalidArgument "<file>:<line of node>: <message>" (lines from 1).
absl::Status NodeError(const YamlSource& src, const YAML::Node& node,
                       std::string_view message);
// The same with the message of `cause`.
absl::Status NodeError(const YamlSource& src, const YAML::Node& node,
                       const absl::Status& cause);
// The same for a yaml-cpp parse exception.
absl::Status ExceptionError(const YamlSource& src, const YAML::Exception& e);

// Decoders of one scalar node. A null node decodes to the zero value, as in
// Go; a node of the wrong kind fails naming its kind and the target type.
absl::Status DecodeString(const YamlSource& src, const YAML::Node& node,
                          std::string* out);
// YAML 1.1 booleans as yaml.v2 resolves them (true/yes/on/y, any of
// lower/Title/UPPER case); a quoted scalar is a string, not a bool.
absl::Status DecodeBool(const YamlSource& src, const YAML::Node& node,
                        bool* out);
// A non-negative decimal integer; `type_name` ("uint", "uint64") is named
// in errors.
absl::Status DecodeUint(const YamlSource& src, const YAML::Node& node,
                        std::string_view type_name, uint64_t* out);
// A sequence of strings (null: empty).
absl::Status DecodeStringList(const YamlSource& src, const YAML::Node& node,
                              std::vector<std::string>* out);
// Prometheus's duration ("1h30m", "0", no fractions), in milliseconds.
absl::Status DecodeDuration(const YamlSource& src, const YAML::Node& node,
                            int64_t* ms);
// A mapping of label names to values; names must be valid label names
// (`"a-b" is not a valid label name`), values are any scalar.
absl::Status DecodeLabelMap(
    const YamlSource& src, const YAML::Node& node,
    std::vector<std::pair<std::string, std::string>>* out);

// Parses a byte size as Prometheus's body_size_limit does
// (alecthomas/units ParseBase2Bytes): a sequence of decimal numbers with
// units B, KB/KiB, MB/MiB, GB/GiB, TB/TiB, PB/PiB, EB/EiB, all powers of
// 1024, optionally signed; "0" alone needs no unit. Errors:
// `units: unknown unit XB in 10XB`, `units: invalid x`.
absl::StatusOr<int64_t> ParseBase2Bytes(std::string_view text);

// One field of a mapping: its key and a decoder for its value.
struct Field {
  std::string_view name;
  std::function<absl::Status(const YAML::Node&)> decode;
};

// Decodes the mapping `node` field by field as Go's strict yaml.v2 does:
// unknown keys fail with `field foo not found in type <type_name>`, repeated
// keys with `field foo already set in type <type_name>`, a non-mapping with
// `cannot unmarshal !!seq into <type_name>`. A null node decodes nothing.
// Stops at the first error a decoder returns.
absl::Status DecodeFields(const YamlSource& src, const YAML::Node& node,
                          std::string_view type_name,
                          const std::vector<Field>& fields);

// Fields decoded by DecodeString, DecodeBool, DecodeUint (as "uint") and
// DecodeDuration. `src` and `out` must outlive the field.
Field StringField(std::string_view name, const YamlSource& src,
                  std::string* out);
Field BoolField(std::string_view name, const YamlSource& src, bool* out);
Field UintField(std::string_view name, const YamlSource& src, uint64_t* out);
Field DurationField(std::string_view name, const YamlSource& src, int64_t* out);

// "<file>:<line>: cannot unmarshal !!str `x` into <type_name>", yaml.v2's
// words for a node of the wrong kind.
absl::Status CannotUnmarshal(const YamlSource& src, const YAML::Node& node,
                             std::string_view type_name);

// Decodes a sequence item by item, stopping at the first error; a null
// node is an empty sequence, another kind fails with CannotUnmarshal.
absl::Status DecodeSequence(
    const YamlSource& src, const YAML::Node& node, std::string_view type_name,
    const std::function<absl::Status(const YAML::Node&)>& decode_item);

// A target group's mapping (`targets`, `labels`), Go type `type_name` in
// errors; the labels are returned unsorted, as written.
absl::Status DecodeTargetGroup(
    const YamlSource& src, const YAML::Node& node, std::string_view type_name,
    std::vector<std::string>* targets,
    std::vector<std::pair<std::string, std::string>>* labels);

// A static_configs list: target groups with sources "0", "1", ... appended
// to *out in order.
absl::Status DecodeStaticConfigs(const YamlSource& src, const YAML::Node& node,
                                 std::vector<TargetGroup>* out);

// Appends fields for Prometheus 2.42's service discovery mechanisms other
// than static_configs (and file_sd_configs, unless include_file_sd), which
// this server does not run: each is accepted and left undecoded, and the
// name of the first one given a non-null value is kept in *first_used.
void AddUnsupportedSdFields(bool include_file_sd, std::string* first_used,
                            std::vector<Field>* fields);

// "!!seq", "!!map", "!!str", "!!null" (Go's names of YAML kinds), for errors.
std::string_view KindName(const YAML::Node& node);

}  // namespace tsdb::yaml_internal

#endif  // INGEST_YAML_UTIL_H_
