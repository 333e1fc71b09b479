#include "query/rules/template.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "query/rules/template_internal.h"
#include "tsdb/absl_compat.h"

namespace query::rules {
namespace {

// Prometheus prepends these definitions to every alert template, on the
// same line, so positions in errors count them.
constexpr std::string_view kPrelude =
    "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}"
    "{{$externalURL := .ExternalURL}}{{$value := .Value}}";

internal::Value LabelsValue(const tsdb::Labels* labels) {
  std::vector<std::pair<std::string, internal::Value>> entries;
  if (labels != nullptr) {
    for (const auto& l : *labels) {
      entries.emplace_back(std::string(l.name),
                           internal::Value::String(std::string(l.value)));
    }
  }
  return internal::Value::Map(std::move(entries), internal::kLabelsMapType);
}

internal::Value ExternalLabelsValue(
    const std::vector<std::pair<std::string, std::string>>* labels) {
  std::vector<std::pair<std::string, internal::Value>> entries;
  if (labels != nullptr) {
    for (const auto& [name, value] : *labels) {
      entries.emplace_back(name, internal::Value::String(value));
    }
  }
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  return internal::Value::Map(std::move(entries), internal::kLabelsMapType);
}

}  // namespace

absl::StatusOr<Template> Template::Parse(std::string_view name,
                                         std::string_view text) {
  auto tree =
      internal::ParseTree(name, std::string(kPrelude) + std::string(text));
  if (!tree.ok()) return tree.status();
  Template t;
  t.tree_ = *std::move(tree);
  return t;
}

absl::StatusOr<std::string> Template::Execute(const TemplateData& data) const {
  if (tree_ == nullptr) return std::string();
  internal::Value dot = internal::Value::Struct(
      {{"Labels", LabelsValue(data.labels)},
       {"ExternalLabels", ExternalLabelsValue(data.external_labels)},
       {"ExternalURL", internal::Value::String(data.external_url)},
       {"Value", internal::Value::Float(data.value)}},
      internal::kDataType);
  return internal::ExecuteTree(*tree_, data, dot);
}

std::string ExpandTemplate(std::string_view name, std::string_view text,
                           const TemplateData& data) {
  auto t = Template::Parse(name, text);
  if (!t.ok()) {
    return absl::StrCat("<error expanding template: error parsing template ",
                        tsdb::AbslView(name), ": ", t.status().message(), ">");
  }
  auto out = t->Execute(data);
  if (!out.ok()) {
    return absl::StrCat("<error expanding template: error executing template ",
                        tsdb::AbslView(name), ": ", out.status().message(),
                        ">");
  }
  return *std::move(out);
}

}  // namespace query::rules
