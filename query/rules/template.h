// Alert and recording-rule templates: the subset of Go's text/template that
// rule files use, with Prometheus's data and functions.
//
// Every template runs with Prometheus's prelude, so these variables exist:
//   $labels          the alert's labels (map: {{ $labels.job }})
//   $externalLabels  the server's external labels (map)
//   $externalURL     the server's external URL (string)
//   $value           the alert's value (float)
// and `.` is the same data: .Labels, .ExternalLabels, .ExternalURL, .Value.
//
// Syntax: text and {{ actions }} with {{- and -}} trimming; comments
// {{/* */}}; pipelines with `|`; variables ($x := ..., $x = ...); field
// chains (.Labels.job, $labels.job); literals (strings "..." and `...`,
// numbers, true, false, nil); parenthesised pipelines; if / else if / else /
// end; range over maps (in key order) and lists, with `range $k, $v := ...`
// and else; with / else / end; define / template / block.
// Functions: Go's builtins (and, or, not, len, index, print, printf,
// println, eq, ne, lt, le, gt, ge, html, js, urlquery, slice) and
// Prometheus's: humanize, humanize1024, humanizeDuration,
// humanizePercentage, humanizeTimestamp, toUpper, toLower, title, match,
// reReplaceAll, safeHtml, stripPort, stripDomain, args, label, value, first,
// strvalue, sortByLabel, parseDuration, toTime, externalURL, pathPrefix,
// graphLink, tableLink, query (only when a QueryFunc is given).
//
// Output is not HTML-escaped (text/template, as Prometheus expands alert
// labels and annotations).
#ifndef QUERY_RULES_TEMPLATE_H_
#define QUERY_RULES_TEMPLATE_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "query/value.h"
#include "tsdb/labels.h"

namespace query::rules {

// Runs a PromQL instant query at the alert's evaluation time for the
// template's `query` function; its vector is what `first`, `label`, `value`,
// `sortByLabel` work on.
using TemplateQueryFunc =
    std::function<absl::StatusOr<Vector>(std::string_view query)>;

// What a template sees. The pointed-to values must outlive Execute.
struct TemplateData {
  const tsdb::Labels* labels = nullptr;  // null: an empty map
  double value = 0;
  const std::vector<std::pair<std::string, std::string>>* external_labels =
      nullptr;  // null: an empty map
  std::string external_url;
  int64_t eval_time_ms = 0;  // for `query`
  TemplateQueryFunc query;   // empty: `query` is an error
};

namespace internal {
struct TemplateTree;
}  // namespace internal

// A parsed template. Cheap to copy (shares the parsed tree); Execute is
// thread-safe.
class Template {
 public:
  // Parses `text`. `name` is used in errors, which read as Go's:
  //   template: __alert_HighCPU:1: function "humanise" not defined
  //   template: __alert_HighCPU:1: unexpected "}" in operand
  static absl::StatusOr<Template> Parse(std::string_view name,
                                        std::string_view text);

  // Runs the template. Errors read as Go's:
  //   template: __alert_X:1:14: executing "__alert_X" at <humanize "x">:
  //   error calling humanize: strconv.ParseFloat: parsing "x": invalid syntax
  absl::StatusOr<std::string> Execute(const TemplateData& data) const;

 private:
  std::shared_ptr<const internal::TemplateTree> tree_;
};

// Parses and runs `text` as Prometheus expands an alert's labels and
// annotations: on any error the result is "<error expanding template: " +
// the error + ">" (the rule keeps evaluating).
std::string ExpandTemplate(std::string_view name, std::string_view text,
                           const TemplateData& data);

}  // namespace query::rules

#endif  // QUERY_RULES_TEMPLATE_H_
