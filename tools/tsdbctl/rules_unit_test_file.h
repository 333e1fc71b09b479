// promtool's rule unit-test file format (Prometheus 2.42,
// cmd/promtool/unittest.go):
//
//   rule_files: [rules.yml, more/*.yml]  # globs, relative to this file
//   evaluation_interval: 1m              # default 1m
//   group_eval_order: [g1, g2]           # groups not named here come first
//   tests:
//     - name: optional name
//       interval: 1m                     # the input series' step (none:
//                                        # every value at time 0)
//       external_labels: {region: eu}
//       external_url: http://example.com
//       input_series:
//         - series: 'up{job="a"}'
//           values: '1 1 0x10 _ stale'     # series description notation
//       alert_rule_test:
//         - eval_time: 5m
//           alertname: Down
//           exp_alerts:
//             - exp_labels: {severity: page, job: a}
//               exp_annotations: {summary: "..."}
//       promql_expr_test:
//         - expr: sum(up)
//           eval_time: 2m
//           exp_samples:
//             - labels: '{job="a"}'
//               value: 1
//
// The file is read strictly, as Go's yaml.v2 UnmarshalStrict reads it:
// unknown fields and type mismatches are errors ("yaml: unmarshal errors:"
// then "  line N: ..." lines); a malformed duration is its own error.
#ifndef TOOLS_TSDBCTL_RULES_UNIT_TEST_FILE_H_
#define TOOLS_TSDBCTL_RULES_UNIT_TEST_FILE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace tsdb::tsdbctl {

using StringPairs = std::vector<std::pair<std::string, std::string>>;

struct UnitTestSeries {
  std::string series;  // a series selector, as the test-script load takes
  std::string values;  // the values, in series description notation
};

struct ExpectedAlert {
  StringPairs labels;       // sorted by name; alertname is added when run
  StringPairs annotations;  // sorted by name
};

struct AlertTestCase {
  int64_t eval_time_ms = 0;
  std::string alertname;
  std::vector<ExpectedAlert> exp_alerts;
};

struct ExpectedSampleSpec {
  std::string labels;  // a series selector without matchers other than =
  double value = 0;
};

struct PromqlTestCase {
  std::string expr;
  int64_t eval_time_ms = 0;
  std::vector<ExpectedSampleSpec> exp_samples;
};

struct UnitTestGroup {
  std::string name;
  int64_t interval_ms = 0;  // 0: not given
  std::vector<UnitTestSeries> input_series;
  std::vector<AlertTestCase> alert_rule_tests;
  std::vector<PromqlTestCase> promql_expr_tests;
  StringPairs external_labels;  // sorted by name
  std::string external_url;
};

struct UnitTestFile {
  std::vector<std::string> rule_files;  // as written
  int64_t evaluation_interval_ms = 0;   // 0: not given
  std::vector<std::string> group_eval_order;
  std::vector<UnitTestGroup> tests;
};

// Parses a unit-test file. Errors (InvalidArgument) carry promtool's text.
absl::StatusOr<UnitTestFile> ParseUnitTestFile(std::string_view text);

}  // namespace tsdb::tsdbctl

#endif  // TOOLS_TSDBCTL_RULES_UNIT_TEST_FILE_H_
