// Runs `tsdbctl check rules` and `tsdbctl test rules` as a user or a CI
// script does. The expected outputs are what `promtool check rules` and
// `promtool test rules` (Prometheus 2.42) print for the same files, byte for
// byte, on stdout and stderr apart.
#include <fstream>
#include <sstream>
#include <string>

#include "gtest/gtest.h"
#include "tests/testutil/run_command.h"
#include "tests/testutil/temp_dir.h"

namespace tsdb {
namespace {

struct Output {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs tsdbctl with `args` in the rule fixtures' directory, so file names
// print as given.
Output Tsdbctl(const std::string& args) {
  tsdb::testing::TempDir tmp;
  const tsdb::testing::CommandResult r = tsdb::testing::RunCommand(
      "(cd " FIXTURES_DIR "/rules && " TSDBCTL_PATH " " + args + " >" +
      tmp.Join("out") + " 2>" + tmp.Join("err") + ")");
  return {r.exit_code, ReadFile(tmp.Join("out")), ReadFile(tmp.Join("err"))};
}

TEST(CheckRulesTest, SeedRules) {
  const Output o = Tsdbctl("check rules ../seed/alert-rules.yml");
  EXPECT_EQ(o.exit_code, 0);
  EXPECT_EQ(o.out,
            "Checking ../seed/alert-rules.yml\n"
            "  SUCCESS: 18 rules found\n\n");
  EXPECT_EQ(o.err, "");
}

TEST(CheckRulesTest, GoodFile) {
  const Output o = Tsdbctl("check rules good.yml");
  EXPECT_EQ(o.exit_code, 0);
  EXPECT_EQ(o.out, "Checking good.yml\n  SUCCESS: 4 rules found\n\n");
  EXPECT_EQ(o.err, "");
}

// promtool lists a rule's label problems in Go's random map order; ours are
// sorted by name.
TEST(CheckRulesTest, ValidationErrors) {
  const Output o = Tsdbctl("check rules bad_rules.yml");
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_EQ(o.out, "Checking bad_rules.yml\n\n");
  EXPECT_EQ(o.err,
            R"(  FAILED:
bad_rules.yml: 5:17: 6:16: group "a", rule 1, "Both": only one of 'record' and 'alert' must be set
bad_rules.yml: 0:0: group "a", rule 2, "": one of 'record' or 'alert' must be set
bad_rules.yml: 9:17: group "a", rule 3, "bad name": invalid field 'annotations' in recording rule
bad_rules.yml: 9:17: group "a", rule 3, "bad name": invalid field 'for' in recording rule
bad_rules.yml: 9:17: group "a", rule 3, "bad name": invalid field 'keep_firing_for' in recording rule
bad_rules.yml: 9:17: group "a", rule 3, "bad name": invalid recording rule name: bad name
bad_rules.yml: 16:15: group "a", rule 4, "BadExpr": could not parse expression: 1:7: parse error: unclosed left parenthesis
bad_rules.yml: 0:0: group "a", rule 5, "NoExpr": field 'expr' must be set in rule
bad_rules.yml: group "a", rule 6, "BadLabels": invalid label name: 1abc
bad_rules.yml: group "a", rule 6, "BadLabels": invalid label name: __name__
bad_rules.yml: group "a", rule 6, "BadLabels": invalid annotation name: bad-ann
bad_rules.yml: group "a", rule 6, "BadLabels": annotation "summary": template: __alert_BadLabels:1: function "humanise" not defined
bad_rules.yml: 27:14: group "a", rule 7, "Empty": field 'expr' must be set in rule
bad_rules.yml: 29:15: group "a", rule 8, "Block": could not parse expression: 3:1: parse error: unexpected end of input
bad_rules.yml: 32:5: groupname: "a" is repeated in the same file
bad_rules.yml: 34:5: Groupname must not be empty
)");
}

TEST(CheckRulesTest, UnknownFieldsAndTypes) {
  const Output o = Tsdbctl("check rules bad_fields.yml");
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_EQ(o.out, "Checking bad_fields.yml\n\n");
  EXPECT_EQ(o.err,
            R"(  FAILED:
bad_fields.yml: yaml: unmarshal errors:
  line 3: field labels_typo not found in type rulefmt.RuleGroup
  line 7: field summary not found in type rulefmt.RuleNode
  line 8: cannot unmarshal !!int `5` into rulefmt.RuleNode
  line 11: cannot unmarshal !!seq into map[string]string
  line 12: cannot unmarshal !!str `abc` into int
)");
}

TEST(CheckRulesTest, BadDuration) {
  const Output o = Tsdbctl("check rules bad_duration.yml");
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_EQ(o.out, "Checking bad_duration.yml\n\n");
  EXPECT_EQ(o.err,
            "  FAILED:\n"
            "bad_duration.yml: not a valid duration string: \"1x\"\n");
}

constexpr char kDuplicatesLint[] =
    "  FAILED:\n"
    "lint error 2 duplicate rule(s) found.\n"
    "Metric: Down\n"
    "Label(s):\n"
    "Metric: job:up:sum\n"
    "Label(s):\n"
    "Might cause inconsistency while recording expressions\n";

TEST(CheckRulesTest, DuplicateRulesAreALintWarning) {
  Output o = Tsdbctl("check rules duplicates.yml");
  EXPECT_EQ(o.exit_code, 0);
  EXPECT_EQ(o.out, "Checking duplicates.yml\n\n");
  EXPECT_EQ(o.err, kDuplicatesLint);

  o = Tsdbctl("check rules --lint-fatal duplicates.yml");
  EXPECT_EQ(o.exit_code, 3);
  EXPECT_EQ(o.err, kDuplicatesLint);

  o = Tsdbctl("check rules --lint=none duplicates.yml");
  EXPECT_EQ(o.exit_code, 0);
  EXPECT_EQ(o.out, "Checking duplicates.yml\n  SUCCESS: 6 rules found\n\n");
  EXPECT_EQ(o.err, "");
}

TEST(CheckRulesTest, SeveralFilesOneBad) {
  const Output o =
      Tsdbctl("check rules good.yml bad_duration.yml duplicates.yml");
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_EQ(o.out,
            "Checking good.yml\n  SUCCESS: 4 rules found\n\n"
            "Checking bad_duration.yml\n\n"
            "Checking duplicates.yml\n\n");
}

TEST(CheckRulesTest, MissingFileChecksNothing) {
  const Output o = Tsdbctl("check rules good.yml missing.yml");
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_EQ(o.out, "");
  EXPECT_EQ(o.err, "tsdbctl: error: path 'missing.yml' does not exist\n");
}

TEST(TestRulesTest, PassingFile) {
  const Output o = Tsdbctl("test rules unit_pass.yml");
  EXPECT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(o.out, "Unit Testing:  unit_pass.yml\n  SUCCESS\n\n");
  EXPECT_EQ(o.err, "");
}

TEST(TestRulesTest, FailingFile) {
  const Output o = Tsdbctl("test rules unit_fail.yml");
  EXPECT_EQ(o.exit_code, 1);
  // One empty line per failure, then one after the file.
  EXPECT_EQ(o.out, "Unit Testing:  unit_fail.yml\n\n\n\n\n\n");
  EXPECT_EQ(o.err, R"(  FAILED:
    name: failing,
    alertname: Down, time: 5m, 
        exp:[
            0:
              Labels:{alertname="Down", instance="i2", job="a", severity="page"}
              Annotations:{summary="i2 down, value 0", where=" "}
            ], 
        got:[
            0:
              Labels:{alertname="Down", instance="i1", job="a", severity="page"}
              Annotations:{summary="i1 down, value 0", where=" "},
            1:
              Labels:{alertname="Down", instance="i2", job="a", severity="page"}
              Annotations:{summary="i2 down, value 0", where=" "}
            ]
    expr: "up", time: 2m,
        exp: {__name__="up", instance="i1", job="a"} 0E+00, {__name__="up", instance="i2", job="a"} 1E-30
        got: {__name__="up", instance="i1", job="a"} 0E+00, {__name__="up", instance="i2", job="a"} 0E+00
    expr: "0/0", time: 0s,
        exp: {} NaN
        got: {} NaN
    expr: "up{", time: 1m, err: 1:4: parse error: unexpected end of input inside braces
)");
}

TEST(TestRulesTest, PassAndFailTogetherExitOne) {
  const Output o = Tsdbctl("test rules unit_pass.yml unit_fail.yml");
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_EQ(o.out.substr(0, 44),
            "Unit Testing:  unit_pass.yml\n  SUCCESS\n\nUnit");
}

TEST(TestRulesTest, FileLevelErrors) {
  tsdb::testing::TempDir dir;
  std::ofstream(dir.Join("order.yml"))
      << "rule_files: [" FIXTURES_DIR
         "/rules/unit_rules.yml]\n"
         "group_eval_order: [g, g]\ntests: []\n";
  std::ofstream(dir.Join("fields.yml"))
      << "rule_files: []\nfoo: 1\ntests:\n  - bar: 1\n";
  std::ofstream(dir.Join("noname.yml"))
      << "tests:\n  - name: t\n    alert_rule_test:\n      - eval_time: 1m\n";
  std::ofstream(dir.Join("badrules.yml"))
      << "rule_files: [" FIXTURES_DIR
         "/rules/bad_duration.yml, none*.yml]\n"
         "tests:\n  - interval: 1m\n";
  Output o = Tsdbctl("test rules " + dir.Join("order.yml"));
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_EQ(o.err, "  FAILED:\ngroup name repeated in evaluation order: g\n");
  o = Tsdbctl("test rules " + dir.Join("fields.yml"));
  EXPECT_EQ(o.err,
            "  FAILED:\nyaml: unmarshal errors:\n"
            "  line 2: field foo not found in type main.unitTestFile\n"
            "  line 4: field bar not found in type main.testGroup\n");
  o = Tsdbctl("test rules " + dir.Join("noname.yml"));
  EXPECT_EQ(o.err,
            "  FAILED:\nan item under alert_rule_test misses required "
            "attribute alertname at eval_time 1m (in TestGroup t)\n");
  o = Tsdbctl("test rules " + dir.Join("badrules.yml"));
  EXPECT_EQ(o.err, "  WARNING: no file match pattern " + dir.Join("none*.yml") +
                       "\n  FAILED:\n" FIXTURES_DIR
                       "/rules/bad_duration.yml: not a valid duration "
                       "string: \"1x\"\n");
}

// As promtool: a test group without `interval` loads every value at time 0,
// the first one winning.
TEST(TestRulesTest, NoIntervalPutsValuesAtZero) {
  tsdb::testing::TempDir dir;
  std::ofstream(dir.Join("t.yml")) << R"(evaluation_interval: 5m
tests:
  - input_series:
      - series: m
        values: '5 1 2 3'
    promql_expr_test:
      - expr: m
        eval_time: 1m
        exp_samples:
          - labels: m
            value: 5
      - expr: count_over_time(m[1h])
        eval_time: 10m
        exp_samples:
          - labels: '{}'
            value: 1
)";
  const Output o = Tsdbctl("test rules " + dir.Join("t.yml"));
  EXPECT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(o.err, "");
}

}  // namespace
}  // namespace tsdb
