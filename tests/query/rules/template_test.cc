// The template API: Parse, Execute, ExpandTemplate, the data a template
// sees, and the outputs of each function family. (template_promtool_test.cc
// holds the cases checked against promtool.)
#include "query/rules/template.h"

#include <limits>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace query::rules {
namespace {

using ::testing::HasSubstr;

class TemplateTest : public ::testing::Test {
 protected:
  TemplateTest()
      : labels_(*tsdb::Labels::FromPairs(
            {{"instance", "db-1.example.org:9100"}, {"job", "node"}})),
        external_({{"region", "eu"}, {"cluster", "c1"}}) {
    data_.labels = &labels_;
    data_.value = 0.9512;
    data_.external_labels = &external_;
    data_.external_url = "https://prom.example.org/prefix/";
  }

  std::string Expand(std::string_view text) {
    return ExpandTemplate("__alert_Test", text, data_);
  }

  tsdb::Labels labels_;
  std::vector<std::pair<std::string, std::string>> external_;
  TemplateData data_;
};

TEST_F(TemplateTest, PreludeVariablesAndDot) {
  EXPECT_EQ(Expand("{{ $labels.job }} on {{ $labels.instance }}"),
            "node on db-1.example.org:9100");
  EXPECT_EQ(Expand("{{ $value }}|{{ .Value }}"), "0.9512|0.9512");
  EXPECT_EQ(Expand("{{ $externalLabels.region }}|{{ .ExternalLabels }}"),
            "eu|map[cluster:c1 region:eu]");
  EXPECT_EQ(Expand("{{ $externalURL }}"), "https://prom.example.org/prefix/");
  EXPECT_EQ(Expand("{{ .Labels.job }}|{{ $.Labels.job }}"), "node|node");
  // missingkey=zero: a missing label is "".
  EXPECT_EQ(Expand("[{{ $labels.nope }}]"), "[]");
}

TEST_F(TemplateTest, NullDataPointersAreEmptyMaps) {
  TemplateData data;
  EXPECT_EQ(ExpandTemplate("t", "[{{ $labels }}][{{ $externalLabels }}]", data),
            "[map[]][map[]]");
  EXPECT_EQ(ExpandTemplate("t", "{{ $value }}", data), "0");
}

TEST_F(TemplateTest, ValuesPrintAsGo) {
  data_.value = 1e6;
  EXPECT_EQ(Expand("{{ $value }}"), "1e+06");
  data_.value = 123456.5;
  EXPECT_EQ(Expand("{{ $value }}"), "123456.5");
  data_.value = 0.00001;
  EXPECT_EQ(Expand("{{ $value }}"), "1e-05");
  data_.value = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(Expand("{{ $value }}"), "NaN");
  data_.value = -std::numeric_limits<double>::infinity();
  EXPECT_EQ(Expand("{{ $value }}"), "-Inf");
}

TEST_F(TemplateTest, ControlStructures) {
  EXPECT_EQ(Expand("{{ if gt $value 0.9 }}high{{ else if gt $value 0.5 }}mid"
                   "{{ else }}low{{ end }}"),
            "high");
  EXPECT_EQ(Expand("{{ range $k, $v := $labels }}{{ $k }}={{ $v }};{{ end }}"),
            "instance=db-1.example.org:9100;job=node;");
  EXPECT_EQ(Expand("{{ range $externalLabels }}{{ . }} {{ end }}"), "c1 eu ");
  EXPECT_EQ(Expand("{{ range .Labels.nope }}x{{ else }}empty{{ end }}"),
            "<error expanding template: error executing template "
            "__alert_Test: template: __alert_Test:1:128: executing "
            "\"__alert_Test\" at <.Labels.nope>: range can't iterate over >");
  EXPECT_EQ(Expand("{{ with $labels.job }}job {{ . }}{{ end }}"), "job node");
  EXPECT_EQ(Expand("{{ with $labels.nope }}x{{ else }}none{{ end }}"), "none");
  EXPECT_EQ(
      Expand("{{ $n := 0 }}{{ range $labels }}{{ $n = 1 }}{{ end }}{{ $n }}"),
      "1");
  EXPECT_EQ(Expand("{{ range $labels }}{{ . }}{{ break }}{{ end }}"),
            "db-1.example.org:9100");
  EXPECT_EQ(Expand("{{ and 1 0 }}|{{ or 0 \"x\" }}|{{ not 0 }}"), "0|x|true");
  EXPECT_EQ(
      Expand("{{ define \"v\" }}<{{ . }}>{{ end }}{{ template \"v\" 3 }}"),
      "<3>");
  EXPECT_EQ(Expand("a  {{- 1 -}}  b {{/* comment */}}c"), "a1b c");
  EXPECT_EQ(Expand("{{ $labels.job | toUpper | printf \"%s!\" }}"), "NODE!");
}

TEST_F(TemplateTest, Humanize) {
  EXPECT_EQ(
      Expand("{{ humanize 0 }}|{{ humanize -1234567 }}|{{ humanize 1e-9 }}"
             "|{{ humanize 1234567 }}|{{ humanize \"NaN\" }}"
             "|{{ humanize \"-Inf\" }}|{{ humanize 1e30 }}"),
      "0|-1.235M|1n|1.235M|NaN|-Inf|1e+06Y");
  EXPECT_EQ(Expand("{{ humanize1024 0 }}|{{ humanize1024 1024 }}"
                   "|{{ humanize1024 -1048576 }}|{{ humanize1024 1536 }}"),
            "0|1ki|-1Mi|1.5ki");
  EXPECT_EQ(Expand("{{ humanizeDuration 0 }}|{{ humanizeDuration 1.5 }}"
                   "|{{ humanizeDuration 0.1 }}|{{ humanizeDuration 93784 }}"
                   "|{{ humanizeDuration -3661 }}|{{ humanizeDuration 1e-9 }}"),
            "0s|1.5s|100ms|1d 2h 3m 4s|-1h 1m 1s|1ns");
  EXPECT_EQ(Expand("{{ humanizePercentage 0.1234567 }}|{{ humanizePercentage "
                   "$value }}"),
            "12.35%|95.12%");
  EXPECT_EQ(Expand("{{ humanizeTimestamp 1234567890.5 }}"),
            "2009-02-13 23:31:30.5 +0000 UTC");
  EXPECT_EQ(Expand("{{ humanizeTimestamp \"NaN\" }}"), "NaN");
  EXPECT_EQ(Expand("{{ humanize \"x\" }}"),
            "<error expanding template: error executing template "
            "__alert_Test: template: __alert_Test:1:115: executing "
            "\"__alert_Test\" at <humanize \"x\">: error calling humanize: "
            "strconv.ParseFloat: parsing \"x\": invalid syntax>");
}

TEST_F(TemplateTest, StringAndUrlFunctions) {
  EXPECT_EQ(Expand("{{ title \"disk full\" }}|{{ toLower \"ABC\" }}"),
            "Disk Full|abc");
  EXPECT_EQ(Expand("{{ stripPort $labels.instance }}|"
                   "{{ stripDomain $labels.instance }}"),
            "db-1.example.org|db-1:9100");
  EXPECT_EQ(Expand("{{ reReplaceAll \"(.*)-(\\\\d+)\" \"$2/$1\" \"db-1\" }}"),
            "1/db");
  EXPECT_EQ(Expand("{{ match \"^node\" $labels.job }}"), "true");
  EXPECT_EQ(Expand("{{ externalURL }}|{{ pathPrefix }}"),
            "https://prom.example.org/prefix/|/prefix/");
  EXPECT_EQ(Expand("{{ graphLink \"rate(x[5m])\" }}"),
            "/graph?g0.expr=rate%28x%5B5m%5D%29&g0.tab=0");
  EXPECT_EQ(Expand("{{ parseDuration \"1m30s\" }}|{{ toTime 90 }}"),
            "90|1970-01-01 00:01:30 +0000 UTC");
  EXPECT_EQ(Expand("{{ printf \"%.2f%% of %s (%d)\" 12.345 $labels.job 3 }}"),
            "12.35% of node (3)");
  EXPECT_EQ(Expand("{{ printf \"%d\" \"x\" }}"), "%!d(string=x)");
}

TEST_F(TemplateTest, QueryFunctions) {
  data_.query = [](std::string_view q) -> absl::StatusOr<Vector> {
    if (q != "up") return absl::InvalidArgumentError("bad query");
    return Vector{
        {*tsdb::Labels::FromPairs({{"instance", "b"}, {"job", "x"}}), 0, 0},
        {*tsdb::Labels::FromPairs({{"instance", "a"}, {"job", "x"}}), 0, 1}};
  };
  EXPECT_EQ(Expand("{{ with query \"up\" }}{{ . | first | value }}{{ end }}"),
            "0");
  EXPECT_EQ(
      Expand("{{ range query \"up\" }}{{ .Labels.instance }}={{ .Value }} "
             "{{ end }}"),
      "b=0 a=1 ");
  EXPECT_EQ(Expand("{{ range sortByLabel \"instance\" (query \"up\") }}"
                   "{{ label \"instance\" . }}{{ end }}"),
            "ab");
  EXPECT_THAT(Expand("{{ query \"nope\" }}"),
              HasSubstr("error calling query: bad query>"));
  data_.query = nullptr;
  EXPECT_THAT(Expand("{{ query \"up\" }}"), HasSubstr("error calling query: "));
}

TEST(TemplateParse, ErrorsAreGoTexts) {
  auto t = Template::Parse("__alert_X", "{{ humanise $value }}");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message(),
            "template: __alert_X:1: function \"humanise\" not defined");
  t = Template::Parse("__alert_X", "line one\n{{ if }}{{ end }}");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message(),
            "template: __alert_X:2: missing value for if");
  t = Template::Parse("__alert_X", "{{ $labels.job }");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message(),
            "template: __alert_X:1: unexpected \"}\" in operand");
  EXPECT_TRUE(Template::Parse("__alert_X", "{{ $labels.job }}").ok());
}

TEST(TemplateExecute, ErrorsCarryLineAndColumn) {
  auto t = Template::Parse("__alert_X", "first line\n  {{ humanize true }}");
  ASSERT_TRUE(t.ok());
  auto out = t->Execute(TemplateData{});
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().message(),
            "template: __alert_X:2:5: executing \"__alert_X\" at "
            "<humanize true>: error calling humanize: can't convert bool to "
            "float");
}

TEST(TemplateExecute, SharedTreeRunsConcurrently) {
  auto t =
      Template::Parse("t", "{{ range $labels }}{{ . }}{{ end }}/{{ $value }}");
  ASSERT_TRUE(t.ok());
  Template copy = *t;
  std::vector<std::thread> threads;
  std::vector<std::string> results(4);
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&copy, &results, i] {
      auto labels = *tsdb::Labels::FromPairs({{"a", std::to_string(i)}});
      TemplateData data;
      data.labels = &labels;
      data.value = i;
      results[i] = *copy.Execute(data);
    });
  }
  for (auto& th : threads) th.join();
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(results[i], std::to_string(i) + "/" + std::to_string(i));
  }
}

TEST(ExpandTemplate, WrapsParseAndExecutionErrors) {
  TemplateData data;
  EXPECT_EQ(ExpandTemplate("__alert_X", "{{ end }}", data),
            "<error expanding template: error parsing template __alert_X: "
            "template: __alert_X:1: unexpected {{end}}>");
  EXPECT_EQ(ExpandTemplate("__alert_X", "{{ .Nope }}", data),
            "<error expanding template: error executing template __alert_X: "
            "template: __alert_X:1:115: executing \"__alert_X\" at <.Nope>: "
            "can't evaluate field Nope in type struct { Labels "
            "map[string]string; ExternalLabels map[string]string; ExternalURL "
            "string; Value float64 }>");
}

TEST(ExpandTemplate, DeepNestingIsAnErrorNotACrash) {
  std::string text;
  for (int i = 0; i < 5000; ++i) text += "(";
  EXPECT_THAT(ExpandTemplate("t", "{{ " + text + " }}", TemplateData{}),
              HasSubstr("max expression depth exceeded"));
  std::string ifs;
  for (int i = 0; i < 5000; ++i) ifs += "{{ if 1 }}";
  EXPECT_THAT(ExpandTemplate("t", ifs, TemplateData{}),
              HasSubstr("max expression depth exceeded"));
  EXPECT_THAT(ExpandTemplate("t",
                             "{{ define \"r\" }}{{ template \"r\" }}{{ end }}"
                             "{{ template \"r\" }}",
                             TemplateData{}),
              HasSubstr("exceeded maximum template depth"));
}

}  // namespace
}  // namespace query::rules
