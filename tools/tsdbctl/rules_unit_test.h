// `tsdbctl test rules FILE...`: runs rule unit tests in promtool's format
// (rules_unit_test_file.h) as `promtool test rules` (Prometheus 2.42) does:
//
//  - each test group starts from an empty tsdb::Db in a temporary directory,
//    its input series loaded at 0, interval, 2*interval, ... (a group
//    without an interval has every value at 0, where the first one wins);
//  - the rule files' groups (ordered by group_eval_order; the others first,
//    in file order) are evaluated together at 0, evaluation_interval, ...
//    up to the largest eval_time of the group's tests; a rule error stops
//    the group's tests ("rule: NAME, time: 1m0s, err: ...");
//  - an alert_rule_test is checked after the evaluation at the last time
//    not after its eval_time: the firing alerts of the rules named
//    `alertname`, compared with exp_alerts (alertname added) as sets of
//    labels and annotations;
//  - a promql_expr_test runs its expression as an instant query at
//    eval_time after all evaluations and compares the result with
//    exp_samples as a set, values exactly (NaN never matches).
//
// Output, as promtool's: "Unit Testing:  FILE" (stdout), then "  SUCCESS"
// (stdout) or "  FAILED:" and each failure (stderr, an empty stdout line
// after each), and an empty stdout line. Exit status 1 when a file failed.
#ifndef TOOLS_TSDBCTL_RULES_UNIT_TEST_H_
#define TOOLS_TSDBCTL_RULES_UNIT_TEST_H_

#include <string>
#include <vector>

namespace tsdb::tsdbctl {

// Runs one unit-test file and returns its failures (empty: it passed).
// Warnings (a rule_files pattern matching nothing) go to stderr.
std::vector<std::string> RunRulesUnitTestFile(const std::string& path);

// `test rules FILE...` (args are the files). Returns the exit status.
int TestRules(const std::vector<std::string>& files);

}  // namespace tsdb::tsdbctl

#endif  // TOOLS_TSDBCTL_RULES_UNIT_TEST_H_
