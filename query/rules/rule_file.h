// Prometheus's rule file format, read with yaml-cpp:
//
//   groups:
//     - name: example            # unique within the file
//       interval: 30s            # optional; the global evaluation_interval
//       limit: 10                # optional; 0 = no limit
//       rules:
//         - record: job:up:sum   # a recording rule ...
//           expr: sum by (job) (up)
//           labels: {team: a}
//         - alert: Down          # ... or an alerting rule
//           expr: up == 0
//           for: 5m
//           keep_firing_for: 1m
//           labels: {severity: page}
//           annotations: {summary: "{{ $labels.job }} is down"}
//
// Validation is promtool's: unknown fields, a group without a name or
// repeated in the file, a rule with both or neither of record and alert, a
// recording rule with for/keep_firing_for/annotations, an expression that
// does not parse, an invalid metric name for record, invalid label names,
// label or annotation templates that do not parse. Every problem is
// reported as promtool 2.42 prints it: "<file>: " then, for rule problems,
// "<line>:<col>: " of the node concerned (0:0 when it is absent; none for
// label, annotation and template problems, which come sorted by name),
// 'group "g", rule N, "name": ' and the problem. YAML type mismatches,
// unknown fields and repeated keys come together as one
// "yaml: unmarshal errors:\n  line N: ..." error (validation is then
// skipped); the first malformed duration is an error of its own.
#ifndef QUERY_RULES_RULE_FILE_H_
#define QUERY_RULES_RULE_FILE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "query/ast.h"

namespace query::rules {

using LabelPairs = std::vector<std::pair<std::string, std::string>>;

struct RuleConfig {
  int line = 0;                        // 1-based line of the rule in its file
  std::string record;                  // set for a recording rule
  std::string alert;                   // set for an alerting rule
  std::string expr;                    // as written
  std::shared_ptr<const Expr> parsed;  // expr, parsed
  int64_t for_ms = 0;
  int64_t keep_firing_for_ms = 0;
  LabelPairs labels;       // sorted by name
  LabelPairs annotations;  // sorted by name
};

struct RuleGroupConfig {
  std::string file;  // the file it came from, as given
  std::string name;
  int64_t interval_ms = 0;  // 0: use the global evaluation interval
  int limit = 0;            // 0: no limit
  std::vector<RuleConfig> rules;
};

struct RuleFile {
  std::vector<RuleGroupConfig> groups;
};

// Parses and validates one rule file. On success *errors is empty; else it
// holds every problem found (and the result is not to be used).
RuleFile ParseRuleFile(std::string_view text, std::string_view filename,
                       std::vector<std::string>* errors);

// Reads `path` and parses it; a file that cannot be read is one error.
RuleFile LoadRuleFile(const std::string& path,
                      std::vector<std::string>* errors);

// Expands `rule_files` globs (relative ones against `base_dir`, the
// configuration file's directory) into the matching files, sorted and
// without duplicates; a pattern with no match gives nothing, as in
// Prometheus. Errors: an invalid pattern.
std::vector<std::string> ExpandRuleFileGlobs(
    const std::vector<std::string>& patterns, const std::string& base_dir,
    std::vector<std::string>* errors);

}  // namespace query::rules

#endif  // QUERY_RULES_RULE_FILE_H_
