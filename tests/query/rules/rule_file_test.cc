// Rule files: parsing into RuleGroupConfig, and every validation error with
// the text and position `promtool check rules` (2.42) prints.
#include "query/rules/rule_file.h"

#include <fstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testutil/temp_dir.h"

namespace query::rules {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

std::vector<std::string> Errors(const std::string& text) {
  std::vector<std::string> errors;
  ParseRuleFile(text, "f.yml", &errors);
  return errors;
}

TEST(RuleFileTest, ParsesGroupsAndRules) {
  std::vector<std::string> errors;
  const RuleFile file =
      LoadRuleFile(std::string(FIXTURES_DIR) + "/rules/good.yml", &errors);
  ASSERT_THAT(errors, IsEmpty());
  ASSERT_EQ(file.groups.size(), 2u);

  const RuleGroupConfig& rec = file.groups[0];
  EXPECT_EQ(rec.name, "recording");
  EXPECT_EQ(rec.file, std::string(FIXTURES_DIR) + "/rules/good.yml");
  EXPECT_EQ(rec.interval_ms, 30'000);
  EXPECT_EQ(rec.limit, 0);
  ASSERT_EQ(rec.rules.size(), 2u);
  EXPECT_EQ(rec.rules[0].record, "job:up:sum");
  EXPECT_EQ(rec.rules[0].expr, "sum by (job) (up)");
  EXPECT_EQ(rec.rules[0].line, 6);
  ASSERT_NE(rec.rules[0].parsed, nullptr);
  EXPECT_THAT(rec.rules[1].labels, ElementsAre(Pair("env", "prod")));

  const RuleGroupConfig& alerting = file.groups[1];
  EXPECT_EQ(alerting.interval_ms, 0);
  EXPECT_EQ(alerting.limit, 10);
  ASSERT_EQ(alerting.rules.size(), 2u);
  const RuleConfig& down = alerting.rules[0];
  EXPECT_EQ(down.alert, "InstanceDown");
  EXPECT_TRUE(down.record.empty());
  EXPECT_EQ(down.for_ms, 300'000);
  EXPECT_EQ(down.keep_firing_for_ms, 60'000);
  EXPECT_THAT(down.labels, ElementsAre(Pair("severity", "page")));
  EXPECT_THAT(
      down.annotations,
      ElementsAre(Pair("summary",
                       "{{ $labels.instance }} of {{ $labels.job }} is down"),
                  Pair("value", "{{ $value | humanize }}")));
  EXPECT_EQ(alerting.rules[1].expr, "count(up == 0)\n  > 3\n");
  EXPECT_NE(alerting.rules[1].parsed, nullptr);
}

TEST(RuleFileTest, EmptyFileHasNoGroups) {
  std::vector<std::string> errors;
  EXPECT_TRUE(ParseRuleFile("", "f.yml", &errors).groups.empty());
  EXPECT_THAT(errors, IsEmpty());
  EXPECT_TRUE(ParseRuleFile("# nothing\n", "f.yml", &errors).groups.empty());
  EXPECT_THAT(errors, IsEmpty());
}

// A rule's label and annotation problems come sorted by name (promtool's
// order is Go's random map order).
TEST(RuleFileTest, ValidationErrorsCarryPositionsGroupAndRule) {
  std::vector<std::string> errors;
  LoadRuleFile(std::string(FIXTURES_DIR) + "/rules/bad_rules.yml", &errors);
  const std::string f = std::string(FIXTURES_DIR) + "/rules/bad_rules.yml: ";
  EXPECT_THAT(
      errors,
      ElementsAre(
          f + "5:17: 6:16: group \"a\", rule 1, \"Both\": only one of "
              "'record' and 'alert' must be set",
          f + "0:0: group \"a\", rule 2, \"\": one of 'record' or 'alert' "
              "must be set",
          f + "9:17: group \"a\", rule 3, \"bad name\": invalid field "
              "'annotations' in recording rule",
          f + "9:17: group \"a\", rule 3, \"bad name\": invalid field 'for' "
              "in recording rule",
          f + "9:17: group \"a\", rule 3, \"bad name\": invalid field "
              "'keep_firing_for' in recording rule",
          f + "9:17: group \"a\", rule 3, \"bad name\": invalid recording "
              "rule name: bad name",
          f + "16:15: group \"a\", rule 4, \"BadExpr\": could not parse "
              "expression: 1:7: parse error: unclosed left parenthesis",
          f + "0:0: group \"a\", rule 5, \"NoExpr\": field 'expr' must be set "
              "in rule",
          f + "group \"a\", rule 6, \"BadLabels\": invalid label name: 1abc",
          f + "group \"a\", rule 6, \"BadLabels\": invalid label name: "
              "__name__",
          f + "group \"a\", rule 6, \"BadLabels\": invalid annotation name: "
              "bad-ann",
          f + "group \"a\", rule 6, \"BadLabels\": annotation \"summary\": "
              "template: __alert_BadLabels:1: function \"humanise\" not "
              "defined",
          f + "27:14: group \"a\", rule 7, \"Empty\": field 'expr' must be "
              "set in rule",
          f + "29:15: group \"a\", rule 8, \"Block\": could not parse "
              "expression: 3:1: parse error: unexpected end of input",
          f + "32:5: groupname: \"a\" is repeated in the same file",
          f + "34:5: Groupname must not be empty"));
}

TEST(RuleFileTest, TemplateErrorsInLabels) {
  EXPECT_THAT(Errors(R"(groups:
  - name: g
    rules:
      - alert: A
        expr: up
        labels:
          team: "{{ $labels.job "
)"),
              ElementsAre("f.yml: group \"g\", rule 1, \"A\": label \"team\": "
                          "template: __alert_A:1: unclosed action"));
}

TEST(RuleFileTest, RecordingRuleTemplatesAreNotParsed) {
  EXPECT_THAT(Errors(R"(groups:
  - name: g
    rules:
      - record: r
        expr: up
        labels:
          team: "{{ nope }}"
)"),
              IsEmpty());
}

TEST(RuleFileTest, UnknownFieldsAndTypeErrorsAreCollected) {
  std::vector<std::string> errors;
  LoadRuleFile(std::string(FIXTURES_DIR) + "/rules/bad_fields.yml", &errors);
  EXPECT_THAT(errors,
              ElementsAre(std::string(FIXTURES_DIR) +
                          "/rules/bad_fields.yml: yaml: unmarshal errors:\n"
                          "  line 3: field labels_typo not found in type "
                          "rulefmt.RuleGroup\n"
                          "  line 7: field summary not found in type "
                          "rulefmt.RuleNode\n"
                          "  line 8: cannot unmarshal !!int `5` into "
                          "rulefmt.RuleNode\n"
                          "  line 11: cannot unmarshal !!seq into "
                          "map[string]string\n"
                          "  line 12: cannot unmarshal !!str `abc` into int"));
}

TEST(RuleFileTest, BadShapesAreReportedByBothDecodings) {
  EXPECT_THAT(Errors("groups: 3\n"),
              ElementsAre("f.yml: yaml: unmarshal errors:\n  line 1: cannot "
                          "unmarshal !!int `3` into []rulefmt.RuleGroup",
                          "f.yml: yaml: unmarshal errors:\n  line 1: cannot "
                          "unmarshal !!int `3` into []yaml.Node"));
  EXPECT_THAT(Errors("- a\n"),
              ElementsAre("f.yml: yaml: unmarshal errors:\n  line 1: cannot "
                          "unmarshal !!seq into rulefmt.RuleGroups",
                          "f.yml: yaml: unmarshal errors:\n  line 1: cannot "
                          "unmarshal !!seq into rulefmt.ruleGroups"));
  EXPECT_THAT(Errors("top: 1\n"),
              ElementsAre("f.yml: yaml: unmarshal errors:\n  line 1: field "
                          "top not found in type rulefmt.RuleGroups"));
}

TEST(RuleFileTest, LongScalarsAreShortenedInTypeErrors) {
  EXPECT_THAT(Errors("groups:\n  - name: a\n    limit: abcdefghijkl\n"),
              ElementsAre("f.yml: yaml: unmarshal errors:\n  line 3: cannot "
                          "unmarshal !!str `abcdefg...` into int"));
}

TEST(RuleFileTest, RepeatedKeysSkipTheMapping) {
  EXPECT_THAT(Errors(R"(groups:
  - name: a
    name: b
    rules:
      - alert: x
        expr: up
        bogus: 1
)"),
              ElementsAre("f.yml: yaml: unmarshal errors:\n  line 3: mapping "
                          "key \"name\" already defined at line 2"));
}

TEST(RuleFileTest, FirstBadDurationAbortsDecoding) {
  std::vector<std::string> errors;
  LoadRuleFile(std::string(FIXTURES_DIR) + "/rules/bad_duration.yml", &errors);
  EXPECT_THAT(errors, ElementsAre(std::string(FIXTURES_DIR) +
                                  "/rules/bad_duration.yml: not a valid "
                                  "duration string: \"1x\""));
  EXPECT_THAT(Errors("groups:\n  - name: a\n    interval: \"\"\n    rules:\n"),
              ElementsAre("f.yml: empty duration string"));
  // An unknown field before it is not reported: decoding stopped.
  EXPECT_THAT(Errors(R"(groups:
  - name: a
    unknown: 1
    rules:
      - alert: b
        expr: up
        for: 5x
)"),
              ElementsAre("f.yml: not a valid duration string: \"5x\""));
}

TEST(RuleFileTest, NullAndScalarValues) {
  std::vector<std::string> errors;
  const RuleFile file = ParseRuleFile(R"(groups:
  - name: 5
    interval:
    rules:
      - alert: 1
        expr: 2
        labels:
          a: 1
          b: true
          c:
)",
                                      "f.yml", &errors);
  ASSERT_THAT(errors, IsEmpty());
  ASSERT_EQ(file.groups.size(), 1u);
  EXPECT_EQ(file.groups[0].name, "5");
  EXPECT_EQ(file.groups[0].rules[0].alert, "1");
  EXPECT_THAT(file.groups[0].rules[0].labels,
              ElementsAre(Pair("a", "1"), Pair("b", "true"), Pair("c", "")));
}

TEST(RuleFileTest, BothRecordAndAlertEmpty) {
  EXPECT_THAT(Errors(R"(groups:
  - name: g
    rules:
      - record: ""
        alert: ""
        expr: up
)"),
              ElementsAre("f.yml: 4:17: group \"g\", rule 1, \"\": one of "
                          "'record' or 'alert' must be set"));
}

TEST(RuleFileTest, SyntaxErrorIsReportedTwice) {
  const std::vector<std::string> errors =
      Errors("groups:\n  - name: a\n   rules: [\n");
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0], errors[1]);
  EXPECT_TRUE(errors[0].rfind("f.yml: yaml: line ", 0) == 0) << errors[0];
}

TEST(RuleFileTest, UnreadableFile) {
  std::vector<std::string> errors;
  LoadRuleFile("/nonexistent/rules.yml", &errors);
  EXPECT_THAT(errors, ElementsAre("/nonexistent/rules.yml: open "
                                  "/nonexistent/rules.yml: No such file or "
                                  "directory"));
}

TEST(RuleFileTest, ExpandRuleFileGlobs) {
  tsdb::testing::TempDir dir;
  for (const char* name : {"b.yml", "a.yml", "c.yaml", "x1.yml"})
    std::ofstream(dir.Join(name)) << "groups: []\n";
  std::vector<std::string> errors;
  EXPECT_THAT(ExpandRuleFileGlobs({"*.yml", "a.yml", "nothing*.yml",
                                   dir.Join("c.yaml"), "x[0-9].yml", "?.yml"},
                                  dir.path(), &errors),
              ElementsAre(dir.Join("a.yml"), dir.Join("b.yml"),
                          dir.Join("c.yaml"), dir.Join("x1.yml")));
  EXPECT_THAT(errors, IsEmpty());

  EXPECT_THAT(ExpandRuleFileGlobs({"[a.yml"}, dir.path(), &errors), IsEmpty());
  EXPECT_THAT(errors, ElementsAre("invalid rule file pattern \"[a.yml\": "
                                  "syntax error in pattern"));
}

}  // namespace
}  // namespace query::rules
