// TextParser's errors: each names the line and column of the first byte it
// could not accept, and what it expected there, in both formats.
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/text_parser.h"
#include "tests/testutil/status_matchers.h"
#include "tsdb/quote.h"

namespace tsdb::ingest {
namespace {

using ::tsdb::testing::StatusIs;
using Entry = TextParser::Entry;

constexpr ExpositionFormat kText = ExpositionFormat::kPrometheusText;
constexpr ExpositionFormat kOm = ExpositionFormat::kOpenMetrics;

// The first error parsing `input`, or OK.
absl::Status FirstError(ExpositionFormat f, std::string_view input) {
  TextParser p(f);
  p.Reset(input);
  for (;;) {
    absl::StatusOr<Entry> e = p.Next();
    if (!e.ok()) return e.status();
    if (*e == Entry::kEnd) return absl::OkStatus();
  }
}

struct ErrorCase {
  std::string_view input;
  std::string_view want;  // "LINE:COL: message"
};

TEST(TextParserTest, TextFormatErrors) {
  const ErrorCase kCases[] = {
      {"{a=\"b\"} 1", "1:1: expected metric name or \"#\", got \"{\""},
      {"1foo 1", "1:1: expected metric name or \"#\", got \"1\""},
      {"ok 1\n\xc3\xa9 1",
       "2:1: expected metric name or \"#\", got \"\xc3\xa9\""},
      {"foo", "1:4: expected value, got end of input"},
      {"foo\n", "1:4: expected value, got end of line"},
      {"foo{a=\"b\"} {", "1:12: expected value, got \"{\""},
      {"foo{", "1:5: expected label name or \"}\", got end of input"},
      {"foo{1a=\"b\"} 1", "1:5: expected label name or \"}\", got \"1\""},
      {"foo{a=\"1\",,} 1", "1:11: expected label name or \"}\", got \",\""},
      {"a 1\nb 2\nc{ 3\n", "3:4: expected label name or \"}\", got \"3\""},
      {"foo{a} 1", "1:6: expected \"=\" after label name, got \"}\""},
      {"foo{a:b=\"c\"} 1", "1:6: expected \"=\" after label name, got \":\""},
      {"foo{a=b} 1", "1:7: expected quoted label value, got \"b\""},
      {"foo{a=\"b} 1\n",
       "1:12: expected '\"' to end the value of label \"a\", got end of line"},
      {R"(foo{a="b\"} 1)",
       "1:14: expected '\"' to end the value of label \"a\", got end of input"},
      {"foo{a=\"b\\",
       "1:10: expected '\"' to end the value of label \"a\", got end of input"},
      {"foo{a=\"x\xff\"} 1",
       "1:9: expected valid UTF-8 in the value of label \"a\", got \"\\xff\""},
      {"foo{a=\"1\",a=\"2\"} 1",
       "1:11: expected unique label names, got \"a\" again"},
      {"foo{b=\"1\",a=\"1\" , b=\"2\"} 1",
       "1:19: expected unique label names, got \"b\" again"},
      {"foo{__name__=\"x\"} 1",
       "1:5: expected unique label names, got \"__name__\" again"},
      {"foo abc", "1:5: expected float value, got \"abc\""},
      {"foo 0x1p3", "1:5: expected float value, got \"0x1p3\""},
      {"foo 1_000", "1:5: expected float value, got \"1_000\""},
      {"foo 1e", "1:5: expected float value, got \"1e\""},
      {"foo .", "1:5: expected float value, got \".\""},
      {"foo nan(1)", "1:5: expected float value, got \"nan(1)\""},
      {"foo +NaN", "1:5: expected float value, got \"+NaN\""},
      {"foo --1", "1:5: expected float value, got \"--1\""},
      {"foo 1\r\n", "1:5: expected float value, got \"1\\r\""},
      {"foo 1e999", "1:5: expected value within float64 range, got \"1e999\""},
      {"foo -1e999",
       "1:5: expected value within float64 range, got \"-1e999\""},
      {"foo 1 abc", "1:7: expected timestamp or end of line, got \"a\""},
      {"foo 1 -5", "1:7: expected timestamp or end of line, got \"-\""},
      {"foo 1 1.5", "1:8: expected end of line after timestamp, got \".\""},
      {"foo 1 12x", "1:9: expected end of line after timestamp, got \"x\""},
      {"foo 1 2 3", "1:9: expected end of line after timestamp, got \"3\""},
      {"foo 1 9223372036854775808",
       "1:7: expected timestamp within int64 range, got "
       "\"9223372036854775808\""},
      {"# HELP 1foo x", "1:8: expected metric name after HELP, got \"1\""},
      {"# TYPE \n", "1:8: expected metric name after TYPE, got end of line"},
      {"# HELP foo-bar x", "1:11: expected blank after metric name, got \"-\""},
      {"# TYPE foo counter ",
       "1:12: expected metric type (counter, gauge, histogram, summary or "
       "untyped), got \"counter \""},
      {"# TYPE foo  counter",
       "1:12: expected metric type (counter, gauge, histogram, summary or "
       "untyped), got \" counter\""},
      {"# TYPE foo gaugehistogram",
       "1:12: expected metric type (counter, gauge, histogram, summary or "
       "untyped), got \"gaugehistogram\""},
      {"# TYPE foo",
       "1:11: expected metric type (counter, gauge, histogram, summary or "
       "untyped), got end of input"},
      {"# HELP foo ok\xe2\x82",
       "1:14: expected valid UTF-8 in help text, got \"\\xe2\""},
  };
  for (const ErrorCase& c : kCases) {
    EXPECT_THAT(FirstError(kText, c.input),
                StatusIs(absl::StatusCode::kInvalidArgument, c.want))
        << QuoteGo(c.input);
  }
}

TEST(TextParserTest, OpenMetricsErrors) {
  const ErrorCase kCases[] = {
      {"", "1:1: expected \"# EOF\", got end of input"},
      {"foo 1\n", "2:1: expected \"# EOF\", got end of input"},
      {"foo 1", "1:6: expected line feed, got end of input"},
      {"# HELP foo bar", "1:15: expected line feed, got end of input"},
      {"\n# EOF\n", "1:1: expected metric name or \"#\", got end of line"},
      {" foo 1\n", "1:1: expected metric name or \"#\", got \" \""},
      {"foo  1\n", "1:5: expected value, got \" \""},
      {"foo\t1\n", "1:4: expected \" \" before value, got \"\\t\""},
      {"foo\n", "1:4: expected \" \" before value, got end of line"},
      {"foo {a=\"b\"} 1\n", "1:5: expected float value, got \"{a=\\\"b\\\"}\""},
      {"foo{a=\"b\"}1\n", "1:11: expected \" \" before value, got \"1\""},
      {"foo{a=\"b\", c=\"d\"} 1\n", "1:11: expected label name, got \" \""},
      {"foo{a=\"b\",} 1\n", "1:11: expected label name, got \"}\""},
      {"foo{,} 1\n", "1:5: expected label name or \"}\", got \",\""},
      {"foo{a=\"b\" c=\"d\"} 1\n", "1:10: expected \",\" or \"}\", got \" \""},
      {"foo{a =\"b\"} 1\n", "1:6: expected \"=\" after label name, got \" \""},
      {"foo{a=\"b\nc\"} 1\n",
       "1:9: expected '\"' to end the value of label \"a\", got end of line"},
      {"foo{a=\"1\",a=\"2\"} 1\n",
       "1:11: expected unique label names, got \"a\" again"},
      {"foo 1 \n", "1:7: expected timestamp or exemplar, got end of line"},
      {"foo 1 2 \n", "1:9: expected exemplar or end of line, got end of line"},
      {"foo 1 2 3\n", "1:9: expected exemplar or end of line, got \"3\""},
      {"foo 1 NaN\n", "1:7: expected finite float timestamp, got \"NaN\""},
      {"foo 1 -Inf\n", "1:7: expected finite float timestamp, got \"-Inf\""},
      {"foo 1 abc\n", "1:7: expected finite float timestamp, got \"abc\""},
      {"foo 1 1e300\n",
       "1:7: expected timestamp within int64 milliseconds, got \"1e300\""},
      {"foo 1 # {a=\"b\"} 1\n",
       "1:7: expected end of line (only _total and _bucket series have "
       "exemplars), got exemplar on \"foo\""},
      {"foo_total 1 # {a=\"b\"}1\n",
       "1:22: expected \" \" before exemplar value, got \"1\""},
      {"foo_total 1 # {a=\"b\"} x\n",
       "1:23: expected float exemplar value, got \"x\""},
      {"foo_total 1 # {a=\"b\"} \n",
       "1:23: expected exemplar value, got end of line"},
      {"foo_total 1 # {a=\"b\"} 1 x\n",
       "1:25: expected float exemplar timestamp, got \"x\""},
      {"foo_total 1 # {a=\"b\"} 1 2 3\n",
       "1:26: expected end of line after exemplar timestamp, got \" \""},
      {"foo_total 1 # {a=\"\xff\"} 1\n",
       "1:19: expected valid UTF-8 in the value of label \"a\", got \"\\xff\""},
      {"foo_total 1 # {a=\"b\",} 1\n", "1:22: expected label name, got \"}\""},
      {"foo_bucket 1 #{} 1\n",
       "1:14: expected finite float timestamp, got \"#{}\""},
      {"#\n", "1:2: expected \" \" after \"#\", got end of line"},
      {"#foo\n", "1:2: expected \" \" after \"#\", got \"f\""},
      {"# foo bar\n", "1:3: expected HELP, TYPE, UNIT or EOF, got \"foo\""},
      {"#  HELP foo x\n", "1:3: expected HELP, TYPE, UNIT or EOF, got \" \""},
      {"# HELP\n", "1:7: expected metric name after HELP, got end of line"},
      {"# TYPE 1a counter\n",
       "1:8: expected metric name after TYPE, got \"1\""},
      {"# HELP foo\n",
       "1:11: expected \" \" after metric name, got end of line"},
      {"# HELP foo\tx\n",
       "1:11: expected \" \" after metric name, got \"\\t\""},
      {"# TYPE foo untyped\n",
       "1:12: expected metric type (counter, gauge, histogram, gaugehistogram, "
       "summary, info, stateset or unknown), got \"untyped\""},
      {"# UNIT foo_seconds bytes\n",
       "1:20: expected a unit that is a suffix of metric name "
       "\"foo_seconds\", got \"bytes\""},
      {"# UNIT seconds seconds\n",
       "1:16: expected a unit that is a suffix of metric name \"seconds\", "
       "got \"seconds\""},
      {"# UNIT fooseconds seconds\n",
       "1:19: expected a unit that is a suffix of metric name "
       "\"fooseconds\", got \"seconds\""},
      {"# HELP foo \xff\n",
       "1:12: expected valid UTF-8 in help text, got \"\\xff\""},
      {"# EOF\nfoo 1\n",
       "2:1: expected end of input after \"# EOF\", got \"f\""},
      {"# EOF\n\n",
       "2:1: expected end of input after \"# EOF\", got end of line"},
      {"# EOF \n", "1:6: expected end of input after \"# EOF\", got \" \""},
      {"foo 1\r\n", "1:5: expected float value, got \"1\\r\""},
  };
  for (const ErrorCase& c : kCases) {
    EXPECT_THAT(FirstError(kOm, c.input),
                StatusIs(absl::StatusCode::kInvalidArgument, c.want))
        << QuoteGo(c.input);
  }
}

TEST(TextParserTest, ManyLabelsDuplicateReportsFirstRepeat) {
  std::string input = "m{";
  for (int i = 0; i < 20; ++i) absl::StrAppend(&input, "l", i, "=\"v\",");
  absl::StrAppend(&input, "l7=\"x\",l3=\"y\"} 1\n");
  // l7 repeats at the 21st pair, l3 at the 22nd: l7 is reported.
  const size_t col = input.find("l7=\"x\"") + 1;
  EXPECT_THAT(FirstError(kText, input),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       absl::StrCat("1:", col,
                                    ": expected unique label names, got "
                                    "\"l7\" again")));
  std::string ok = "m{";
  for (int i = 0; i < 20; ++i) absl::StrAppend(&ok, "l", i, "=\"v", i, "\",");
  ok += "} 1\n";
  EXPECT_TRUE(FirstError(kText, ok).ok());
}

}  // namespace
}  // namespace tsdb::ingest
