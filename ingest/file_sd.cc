#include "ingest/file_sd.h"

#include <glob.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "ingest/yaml_util.h"
#include "tsdb/absl_compat.h"
#include "tsdb/status_macros.h"
#include "yaml-cpp/yaml.h"

namespace tsdb {
namespace {

using yaml_internal::DecodeTargetGroup;
using yaml_internal::NodeError;
using yaml_internal::YamlSource;

bool EndsWithSdExtension(std::string_view pattern) {
  const size_t dot = pattern.rfind('.');
  if (dot == std::string_view::npos) return false;
  const std::string_view ext = pattern.substr(dot + 1);
  for (std::string_view ok : {"json", "yml", "yaml", "JSON", "YML", "YAML"}) {
    if (ext == ok) return true;
  }
  return false;
}

absl::StatusOr<TargetGroup> DecodeGroup(const YamlSource& src,
                                        const YAML::Node& node,
                                        std::string_view path, size_t index) {
  TargetGroup group;
  std::vector<std::pair<std::string, std::string>> labels;
  RETURN_IF_ERROR(DecodeTargetGroup(src, node, "targetgroup.Group",
                                    &group.targets, &labels));
  labels.erase(
      std::remove_if(labels.begin(), labels.end(),
                     [](const auto& l) { return l.first == kFilePathLabel; }),
      labels.end());
  labels.emplace_back(std::string(kFilePathLabel), std::string(path));
  absl::StatusOr<Labels> set = Labels::FromPairs(std::move(labels));
  if (!set.ok()) return NodeError(src, node, set.status());
  group.labels = *std::move(set);
  group.source = absl::StrCat(AbslView(path), ":", index);
  return group;
}

}  // namespace

absl::Status ValidateFileSdPattern(std::string_view pattern) {
  const size_t star = pattern.find('*');
  const bool star_ok = star == std::string_view::npos ||
                       pattern.find('/', star) == std::string_view::npos;
  if (!star_ok || !EndsWithSdExtension(pattern)) {
    return absl::InvalidArgumentError(
        absl::StrCat("path name \"", AbslView(pattern),
                     "\" is not valid for file discovery"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> ExpandFileSdPatterns(
    const std::vector<std::string>& patterns) {
  std::vector<std::string> paths;
  for (const std::string& pattern : patterns) {
    glob_t g{};
    const int rc = glob(pattern.c_str(), 0, nullptr, &g);
    if (rc == 0) {
      for (size_t i = 0; i < g.gl_pathc; ++i) paths.emplace_back(g.gl_pathv[i]);
    }
    globfree(&g);
    if (rc != 0 && rc != GLOB_NOMATCH) {
      return absl::InternalError(
          absl::StrCat("glob ", pattern, ": ",
                       rc == GLOB_NOSPACE ? "out of memory" : "read error"));
    }
  }
  std::sort(paths.begin(), paths.end());
  paths.erase(std::unique(paths.begin(), paths.end()), paths.end());
  return paths;
}

absl::StatusOr<std::vector<TargetGroup>> ParseTargetGroups(
    std::string_view content, std::string_view path) {
  const YamlSource src{path};
  std::vector<TargetGroup> groups;
  try {
    const YAML::Node root = YAML::Load(std::string(content));
    RETURN_IF_ERROR(yaml_internal::DecodeSequence(
        src, root, "[]*targetgroup.Group", [&](const YAML::Node& item) {
          ASSIGN_OR_RETURN(TargetGroup group,
                           DecodeGroup(src, item, path, groups.size()));
          groups.push_back(std::move(group));
          return absl::OkStatus();
        }));
  } catch (const YAML::Exception& e) {
    return yaml_internal::ExceptionError(src, e);
  }
  return groups;
}

absl::StatusOr<std::vector<TargetGroup>> ReadTargetGroupsFile(
    const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat("open ", path, ": ", std::strerror(errno)));
  }
  std::stringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    return absl::InternalError(
        absl::StrCat("read ", path, ": ", std::strerror(errno)));
  }
  return ParseTargetGroups(text.str(), path);
}

absl::StatusOr<std::vector<TargetGroup>> ReadFileSd(
    const FileSdConfig& config) {
  ASSIGN_OR_RETURN(const std::vector<std::string> paths,
                   ExpandFileSdPatterns(config.files));
  std::vector<TargetGroup> all;
  for (const std::string& path : paths) {
    ASSIGN_OR_RETURN(std::vector<TargetGroup> groups,
                     ReadTargetGroupsFile(path));
    for (TargetGroup& g : groups) all.push_back(std::move(g));
  }
  return all;
}

}  // namespace tsdb
