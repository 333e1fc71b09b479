#include "ingest/text_parser.h"

#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testutil/status_matchers.h"
#include "tsdb/absl_compat.h"
#include "tsdb/labels.h"
#include "tsdb/quote.h"

// Counts heap allocations, to check that the steady state allocates nothing.
namespace {
int64_t g_allocations = 0;
}  // namespace

void* operator new(size_t n) {
  ++g_allocations;
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

namespace tsdb::ingest {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::MatchesRegex;
using ::tsdb::testing::StatusIs;
using Entry = TextParser::Entry;
using namespace std::string_view_literals;

constexpr ExpositionFormat kText = ExpositionFormat::kPrometheusText;
constexpr ExpositionFormat kOm = ExpositionFormat::kOpenMetrics;

std::string TypeName(MetricType t) {
  static constexpr std::string_view kNames[] = {
      "unknown", "counter", "gauge",    "histogram", "gaugehistogram",
      "summary", "info",    "stateset", "untyped"};
  return std::string(kNames[static_cast<int>(t)]);
}

// Integers as integers, other values in shortest round-trip form: exact.
std::string Num(double v) {
  if (std::isnan(v)) return "NaN";
  if (v == std::trunc(v) && std::abs(v) < 0x1p53 && !std::signbit(v)) {
    return absl::StrCat(static_cast<int64_t>(v));
  }
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

// One line per entry: "LINE: kind details".
std::string Dump(const TextParser& p, Entry e, LabelsBuilder* b) {
  const std::string at = absl::StrCat(p.line(), ": ");
  switch (e) {
    case Entry::kSeries: {
      p.BuildLabels(b);
      std::string s =
          absl::StrCat(at, b->Build().ToString(), " ", Num(p.value()));
      if (p.timestamp_ms()) absl::StrAppend(&s, " @", *p.timestamp_ms());
      return s;
    }
    case Entry::kType:
      return absl::StrCat(at, "type ", AbslView(p.family()), " ",
                          TypeName(p.metric_type()));
    case Entry::kHelp:
      return absl::StrCat(at, "help ", AbslView(p.family()), " ",
                          QuoteGo(p.help()));
    case Entry::kUnit:
      return absl::StrCat(at, "unit ", AbslView(p.family()), " ",
                          QuoteGo(p.unit()));
    case Entry::kComment:
      return absl::StrCat(at, "comment ", QuoteGo(p.comment()));
    case Entry::kEof:
      return absl::StrCat(at, "eof");
    case Entry::kEnd:
      break;
  }
  return "end";
}

// Drains `p`, appending one line per entry and "error: ..." on failure.
// Returns false on error.
bool Drain(TextParser* p, LabelsBuilder* b, std::vector<std::string>* out) {
  for (;;) {
    absl::StatusOr<Entry> e = p->Next();
    if (!e.ok()) {
      out->push_back(absl::StrCat("error: ", e.status().ToString()));
      return false;
    }
    if (*e == Entry::kEnd) return true;
    out->push_back(Dump(*p, *e, b));
  }
}

std::vector<std::string> ParseAll(ExpositionFormat f, std::string_view input,
                                  TextParserOptions options = {}) {
  TextParser p(f, options);
  p.Reset(input);
  LabelsBuilder b;
  std::vector<std::string> out;
  Drain(&p, &b, &out);
  return out;
}

struct ParseCase {
  std::string_view input;
  std::vector<std::string> want;
};

// ---------------------------------------------------------------------------

TEST(TextParserTest, TextFormatEntries) {
  const ParseCase kCases[] = {
      {"", {}},
      {"\n\n  \t\n", {}},
      {"# HELP node_load1 1m load average.\n"
       "# TYPE node_load1 gauge\n"
       "node_load1 0.21\n",
       {"1: help node_load1 \"1m load average.\"", "2: type node_load1 gauge",
        "3: {__name__=\"node_load1\"} 0.21"}},
      {"# TYPE h histogram\n"
       "h_bucket{le=\"0.5\"} 1\n"
       "h_bucket{le=\"+Inf\"} 2\n"
       "\n"
       "h_sum 3.5\n"
       "h_count 2 1700000000000\n",
       {"1: type h histogram", "2: {__name__=\"h_bucket\", le=\"0.5\"} 1",
        "3: {__name__=\"h_bucket\", le=\"+Inf\"} 2",
        "5: {__name__=\"h_sum\"} 3.5",
        "6: {__name__=\"h_count\"} 2 @1700000000000"}},
      // Blanks anywhere between tokens, trailing commas, no commas.
      {"  foo  {  a = \"b\" ,  c=\"d\"  ,  }  1  123  \n",
       {"1: {__name__=\"foo\", a=\"b\", c=\"d\"} 1 @123"}},
      {"foo{a=\"b\" c=\"d\"} 1", {"1: {__name__=\"foo\", a=\"b\", c=\"d\"} 1"}},
      {"foo{a=\"b\",} 1", {"1: {__name__=\"foo\", a=\"b\"} 1"}},
      {"foo{} 1", {"1: {__name__=\"foo\"} 1"}},
      {"foo{a=\"b\"}1", {"1: {__name__=\"foo\", a=\"b\"} 1"}},
      {"foo\t1\t2", {"1: {__name__=\"foo\"} 1 @2"}},
      // As Prometheus's lexer: the value may follow the name directly.
      {"foo-1", {"1: {__name__=\"foo\"} -1"}},
      {"a:b:c_total 5", {"1: {__name__=\"a:b:c_total\"} 5"}},
      {"_x{_y=\"1\",Z9=\"2\"} 0",
       {"1: {Z9=\"2\", __name__=\"_x\", _y=\"1\"} 0"}},
      // Escapes: \\ \" \n are undone, others kept.
      {R"(foo{a="x\\y\"z\nw\tq"} 1)",
       {"1: {__name__=\"foo\", a=\"x\\\\y\\\"z\\nw\\\\tq\"} 1"}},
      // An empty value means no label.
      {"foo{a=\"\",b=\"1\"} 1", {"1: {__name__=\"foo\", b=\"1\"} 1"}},
      // UTF-8 values.
      {"foo{a=\"h\xc3\xa9\xe2\x82\xac\"} 1",
       {"1: {__name__=\"foo\", a=\"h\xc3\xa9\xe2\x82\xac\"} 1"}},
      // HELP: \\ and \n undone, \" kept; text after one blank.
      {R"(# HELP foo a\\b\nc\"d)", {"1: help foo \"a\\\\b\\nc\\\\\\\"d\""}},
      {"# HELP foo", {"1: help foo \"\""}},
      {"# HELP foo   \n", {"1: help foo \"\""}},
      {"# HELP foo  x ", {"1: help foo \" x \""}},
      {"#\tHELP\tfoo\tbar baz", {"1: help foo \"bar baz\""}},
      {"  #  TYPE   foo counter", {"1: type foo counter"}},
      {"# TYPE foo untyped", {"1: type foo untyped"}},
      {"# TYPE foo summary", {"1: type foo summary"}},
      // Comments, including what looks like metadata but is not.
      {"# EOF\n#\n#HELP foo bar\n# HELP\n# HELPER x\n# some text\n  # x\n"
       "# TYPE\n",
       {"1: comment \"# EOF\"", "2: comment \"#\"",
        "3: comment \"#HELP foo bar\"", "4: comment \"# HELP\"",
        "5: comment \"# HELPER x\"", "6: comment \"# some text\"",
        "7: comment \"# x\"", "8: comment \"# TYPE\""}},
      {"# \xff\x00 binary\n"sv, {"1: comment \"# \\xff\\x00 binary\""}},
  };
  for (const ParseCase& c : kCases) {
    EXPECT_THAT(ParseAll(kText, c.input), ElementsAreArray(c.want))
        << QuoteGo(c.input);
  }
}

TEST(TextParserTest, OpenMetricsEntries) {
  const ParseCase kCases[] = {
      {"# EOF\n", {"1: eof"}},
      {"# EOF", {"1: eof"}},
      {"# HELP foo_seconds Time spent.\n"
       "# TYPE foo_seconds counter\n"
       "# UNIT foo_seconds seconds\n"
       "foo_seconds_total{a=\"b\"} 1.5 1520430000.123 # {trace_id=\"x\"} 1 "
       "1520430000.1\n"
       "foo_seconds_created{a=\"b\"} 1520000000\n"
       "# EOF\n",
       {"1: help foo_seconds \"Time spent.\"", "2: type foo_seconds counter",
        "3: unit foo_seconds \"seconds\"",
        "4: {__name__=\"foo_seconds_total\", a=\"b\"} 1.5 @1520430000123",
        "5: {__name__=\"foo_seconds_created\", a=\"b\"} 1520000000", "6: eof"}},
      {"# TYPE h histogram\n"
       "h_bucket{le=\"1.0\"} 0 # {} 0.5\n"
       "h_bucket{le=\"+Inf\"} 2 # {id=\"a\",x=\"\xc3\xa9\"} 7 123\n"
       "h_count 2\n"
       "h_sum 8\n"
       "# EOF\n",
       {"1: type h histogram", "2: {__name__=\"h_bucket\", le=\"1\"} 0",
        "3: {__name__=\"h_bucket\", le=\"+Inf\"} 2",
        "4: {__name__=\"h_count\"} 2", "5: {__name__=\"h_sum\"} 8", "6: eof"}},
      // Float-second timestamps become milliseconds, truncated toward zero
      // like Go's int64(ts * 1000).
      {"a 1 1.5\nb 1 -1.5\nc 1 1.005\nd 1 -1.005\ne 1 1e3\nf 1 0\ng 1 +2\n"
       "# EOF\n",
       {"1: {__name__=\"a\"} 1 @1500", "2: {__name__=\"b\"} 1 @-1500",
        "3: {__name__=\"c\"} 1 @1004", "4: {__name__=\"d\"} 1 @-1004",
        "5: {__name__=\"e\"} 1 @1000000", "6: {__name__=\"f\"} 1 @0",
        "7: {__name__=\"g\"} 1 @2000", "8: eof"}},
      // HELP unescapes \" too; the text is everything after one space.
      {R"(# HELP foo a\\b\nc\"d\t)"
       "\n# HELP bar  two\n# HELP baz \n# EOF\n",
       {"1: help foo \"a\\\\b\\nc\\\"d\\\\t\"", "2: help bar \" two\"",
        "3: help baz \"\"", "4: eof"}},
      {"# UNIT foo \n# UNIT a_b_bytes b_bytes\n# EOF\n",
       {"1: unit foo \"\"", "2: unit a_b_bytes \"b_bytes\"", "3: eof"}},
      {"# TYPE a counter\n# TYPE a gauge\n# TYPE a histogram\n"
       "# TYPE a gaugehistogram\n# TYPE a summary\n# TYPE a info\n"
       "# TYPE a stateset\n# TYPE a unknown\n# EOF\n",
       {"1: type a counter", "2: type a gauge", "3: type a histogram",
        "4: type a gaugehistogram", "5: type a summary", "6: type a info",
        "7: type a stateset", "8: type a unknown", "9: eof"}},
      {R"(foo{a="x\\y\"z\nw"} 1)"
       "\n# EOF\n",
       {"1: {__name__=\"foo\", a=\"x\\\\y\\\"z\\nw\"} 1", "2: eof"}},
      {"foo{} 1\n# EOF\n", {"1: {__name__=\"foo\"} 1", "2: eof"}},
  };
  for (const ParseCase& c : kCases) {
    EXPECT_THAT(ParseAll(kOm, c.input), ElementsAreArray(c.want))
        << QuoteGo(c.input);
  }
}

// Every spelling both formats accept, bit for bit.
TEST(TextParserTest, ValuesAreExact) {
  const uint64_t kNormalNaN = 0x7ff8000000000001ULL;
  const double inf = std::numeric_limits<double>::infinity();
  const struct {
    std::string_view text;
    double want;
  } kCases[] = {
      {"0", 0.0},
      {"-0", -0.0},
      {"+0", 0.0},
      {"42", 42.0},
      {"123456789012345", 123456789012345.0},
      {"12345678901234567890", 12345678901234567890.0},
      {"-1.5e-3", -0.0015},
      {"+1.5E+3", 1500.0},
      {".5", 0.5},
      {"5.", 5.0},
      {"5.e1", 50.0},
      {"007", 7.0},
      {"0.1", 0.1},
      {"1.7976931348623157e308", 1.7976931348623157e308},
      {"5e-324", 5e-324},
      {"1e-400", 0.0},
      {"-1e-400", -0.0},
      {"Inf", inf},
      {"+Inf", inf},
      {"-Inf", -inf},
      {"inf", inf},
      {"+infinity", inf},
      {"-INFINITY", -inf},
  };
  for (const ExpositionFormat f : {kText, kOm}) {
    for (const auto& c : kCases) {
      TextParser p(f);
      const std::string input = absl::StrCat("m ", AbslView(c.text), "\n");
      p.Reset(input, 1, /*final_block=*/false);
      ASSERT_THAT(p.Next(), tsdb::testing::IsOkAndHolds(Entry::kSeries))
          << c.text;
      EXPECT_EQ(std::bit_cast<uint64_t>(p.value()),
                std::bit_cast<uint64_t>(c.want))
          << c.text;
    }
    for (std::string_view nan : {"NaN", "nan", "NAN", "nAn"}) {
      TextParser p(f);
      const std::string input = absl::StrCat("m ", AbslView(nan), "\n");
      p.Reset(input, 1, /*final_block=*/false);
      ASSERT_THAT(p.Next(), tsdb::testing::IsOkAndHolds(Entry::kSeries));
      EXPECT_EQ(std::bit_cast<uint64_t>(p.value()), kNormalNaN) << nan;
    }
  }
}

TEST(TextParserTest, TimestampsAreExact) {
  const struct {
    ExpositionFormat format;
    std::string_view input;
    std::optional<int64_t> want;
  } kCases[] = {
      {kText, "m 1\n", std::nullopt},
      {kText, "m 1 0\n", 0},
      {kText, "m 1 1700000000123\n", 1700000000123},
      {kText, "m 1 0001\n", 1},
      {kText, "m 1 9223372036854775807\n", INT64_MAX},
      {kOm, "m 1\n", std::nullopt},
      {kOm, "m 1 1700000000.123\n", 1700000000123},
      {kOm, "m 1 1.0009\n", 1000},
      {kOm, "m 1 -0.0009\n", 0},
      {kOm, "m 1 -9223372036854775.808\n", INT64_MIN},
  };
  for (const auto& c : kCases) {
    TextParser p(c.format);
    p.Reset(c.input, 1, /*final_block=*/false);
    ASSERT_THAT(p.Next(), tsdb::testing::IsOkAndHolds(Entry::kSeries))
        << c.input;
    EXPECT_EQ(p.timestamp_ms(), c.want) << c.input;
  }
}

TEST(TextParserTest, SeriesTextIsTheInputSpan) {
  const struct {
    ExpositionFormat format;
    std::string_view input;
    std::string_view want;
  } kCases[] = {
      {kText, "m 1\n", "m"},
      {kText, "  m{a=\"b\"} 1 2\n", "m{a=\"b\"}"},
      {kText, "m  { a=\"b\" , }  1\n", "m  { a=\"b\" , }"},
      {kText, "m{a=\"\\\"}\"}1\n", "m{a=\"\\\"}\"}"},
      {kOm, "m_total{a=\"b\"} 1 # {x=\"y\"} 1\n", "m_total{a=\"b\"}"},
      {kOm, "m 1 2\n", "m"},
  };
  for (const auto& c : kCases) {
    TextParser p(c.format);
    p.Reset(c.input, 1, /*final_block=*/false);
    ASSERT_THAT(p.Next(), tsdb::testing::IsOkAndHolds(Entry::kSeries));
    EXPECT_EQ(p.series_text(), c.want);
    // A view into the input, not a copy.
    EXPECT_GE(p.series_text().data(), c.input.data());
    EXPECT_LE(p.series_text().data() + p.series_text().size(),
              c.input.data() + c.input.size());
    EXPECT_EQ(p.metric_name(),
              p.series_text().substr(0, p.metric_name().size()));
  }
}

TEST(TextParserTest, LeAndQuantileKeptAsExposedOnRequest) {
  // Prometheus 2.42 keeps le/quantile as exposed in both text formats.
  EXPECT_THAT(
      ParseAll(
          kText,
          "# TYPE h histogram\nh_bucket{le=\"1\"} 1\n"
          "# TYPE s summary\ns{quantile=\"0.50\"} 1\n",
          TextParserOptions{.le_quantile_form = LeQuantileForm::kAsExposed}),
      ElementsAre("1: type h histogram",
                  "2: {__name__=\"h_bucket\", le=\"1\"} 1", "3: type s summary",
                  "4: {__name__=\"s\", quantile=\"0.50\"} 1"));
}

TEST(TextParserTest, LeAndQuantileNormalisedLikePrometheus3) {
  const TextParserOptions normalize{.le_quantile_form =
                                        LeQuantileForm::kOpenMetrics};
  const struct {
    std::string_view in;
    std::string_view want;
  } kCases[] = {
      {"1", "1.0"},
      {"1.0", "1.0"},
      {"1.00", "1.0"},
      {"0", "0.0"},
      {"-0", "0.0"},
      {"-1", "-1.0"},
      {"0.5", "0.5"},
      {"0.25", "0.25"},
      {"100", "100.0"},
      {"100000", "100000.0"},
      {"1e6", "1e+06"},
      {"1000000", "1e+06"},
      {"1234567", "1.234567e+06"},
      {"0.0001", "0.0001"},
      {"0.00001", "1e-05"},
      {"1.5e-7", "1.5e-07"},
      {"2.5e100", "2.5e+100"},
      {"+Inf", "+Inf"},
      {"inf", "+Inf"},
      {"-Inf", "-Inf"},
      {"NaN", "NaN"},
      {"0.1", "0.1"},
      {"123.456", "123.456"},
      {"abc", "abc"},
      {"1_0", "1_0"},
  };
  for (const ExpositionFormat f : {kText, kOm}) {
    for (const auto& c : kCases) {
      const std::string input =
          absl::StrCat("# TYPE h histogram\nh_bucket{le=\"", AbslView(c.in),
                       "\"} 1\n# TYPE s summary\ns{quantile=\"", AbslView(c.in),
                       "\"} 1\n# EOF\n");
      const std::string want_le = absl::StrCat(
          "2: {__name__=\"h_bucket\", le=", QuoteGo(c.want), "} 1");
      const std::string want_q =
          absl::StrCat("4: {__name__=\"s\", quantile=", QuoteGo(c.want), "} 1");
      const std::vector<std::string> got = ParseAll(f, input, normalize);
      ASSERT_GE(got.size(), 4u);
      EXPECT_EQ(got[1], want_le) << c.in;
      EXPECT_EQ(got[3], want_q) << c.in;
    }
  }
  // Only le of histograms and quantile of summaries.
  EXPECT_THAT(
      ParseAll(kOm,
               "h{le=\"1\",quantile=\"1\"} 1\n"
               "# TYPE g gaugehistogram\ng_bucket{le=\"1\"} 1\n"
               "# TYPE c counter\nc{le=\"1\"} 1\n"
               "# TYPE h histogram\nh_bucket{le=\"1\",quantile=\"1\"} 1\n"
               "# TYPE s summary\ns{le=\"1\",quantile=\"1\"} 1\n# EOF\n",
               normalize),
      ElementsAre("1: {__name__=\"h\", le=\"1\", quantile=\"1\"} 1",
                  "2: type g gaugehistogram",
                  "3: {__name__=\"g_bucket\", le=\"1\"} 1", "4: type c counter",
                  "5: {__name__=\"c\", le=\"1\"} 1", "6: type h histogram",
                  "7: {__name__=\"h_bucket\", le=\"1.0\", quantile=\"1\"} 1",
                  "8: type s summary",
                  "9: {__name__=\"s\", le=\"1\", quantile=\"1.0\"} 1",
                  "10: eof"));
}

TEST(TextParserTest, LinesAndEndState) {
  TextParser p(kText);
  p.Reset("\n\na 1\n\n", 10);
  ASSERT_THAT(p.Next(), tsdb::testing::IsOkAndHolds(Entry::kSeries));
  EXPECT_EQ(p.line(), 12);
  ASSERT_THAT(p.Next(), tsdb::testing::IsOkAndHolds(Entry::kEnd));
  EXPECT_EQ(p.line(), 14);
  ASSERT_THAT(p.Next(), tsdb::testing::IsOkAndHolds(Entry::kEnd));
}

TEST(TextParserTest, UnusableAfterErrorUntilReset) {
  TextParser p(kText);
  p.Reset("a 1\nb x\nc 3\n");
  ASSERT_THAT(p.Next(), tsdb::testing::IsOkAndHolds(Entry::kSeries));
  EXPECT_THAT(p.Next(), StatusIs(absl::StatusCode::kInvalidArgument,
                                 "2:3: expected float value, got \"x\""));
  EXPECT_THAT(p.Next(), StatusIs(absl::StatusCode::kFailedPrecondition));
  p.Reset("c 3\n", 3);
  ASSERT_THAT(p.Next(), tsdb::testing::IsOkAndHolds(Entry::kSeries));
  EXPECT_EQ(p.metric_name(), "c");
}

TEST(TextParserTest, ResetForgetsStateContinueKeepsIt) {
  const TextParserOptions normalize{.le_quantile_form =
                                        LeQuantileForm::kOpenMetrics};
  TextParser p(kOm, normalize);
  LabelsBuilder b;
  p.Reset("# TYPE h histogram\n", 1, /*final_block=*/false);
  ASSERT_THAT(p.Next(), tsdb::testing::IsOkAndHolds(Entry::kType));
  ASSERT_THAT(p.Next(), tsdb::testing::IsOkAndHolds(Entry::kEnd));
  p.Continue("h_bucket{le=\"1\"} 1\n# EOF\n", /*final_block=*/true);
  ASSERT_THAT(p.Next(), tsdb::testing::IsOkAndHolds(Entry::kSeries));
  EXPECT_EQ(p.line(), 2);
  p.BuildLabels(&b);
  EXPECT_EQ(b.Get("le"), "1.0");  // the TYPE carried over
  ASSERT_THAT(p.Next(), tsdb::testing::IsOkAndHolds(Entry::kEof));
  ASSERT_THAT(p.Next(), tsdb::testing::IsOkAndHolds(Entry::kEnd));
  // A new input: no TYPE, no "# EOF" seen yet.
  p.Reset("h_bucket{le=\"1\"} 1\n# EOF\n");
  ASSERT_THAT(p.Next(), tsdb::testing::IsOkAndHolds(Entry::kSeries));
  EXPECT_EQ(p.line(), 1);
  EXPECT_EQ(p.metric_type(), MetricType::kUnknown);
  p.BuildLabels(&b);
  EXPECT_EQ(b.Get("le"), "1");
  ASSERT_THAT(p.Next(), tsdb::testing::IsOkAndHolds(Entry::kEof));
  // Continue does not clear an error.
  p.Reset("x\n", 1, /*final_block=*/false);
  EXPECT_THAT(p.Next(), StatusIs(absl::StatusCode::kInvalidArgument));
  p.Continue("# EOF\n", /*final_block=*/true);
  EXPECT_THAT(p.Next(), StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST(TextParserTest, NonFinalBlockMustEndAtLineBoundary) {
  TextParser p(kText);
  p.Reset("a 1\nb 2", 1, /*final_block=*/false);
  EXPECT_THAT(p.Next(), StatusIs(absl::StatusCode::kFailedPrecondition));
}

// The inputs the streaming and fuzz tests work from.
const std::string_view kTextCorpus =
    "# HELP node_cpu_seconds_total Seconds the CPUs spent in each mode.\n"
    "# TYPE node_cpu_seconds_total counter\n"
    "node_cpu_seconds_total{cpu=\"0\",mode=\"idle\"} 12345.67\n"
    "node_cpu_seconds_total{cpu=\"0\",mode=\"user\"} 89.1 1700000000000\n"
    "\n"
    "# a comment\n"
    "# TYPE h histogram\n"
    "h_bucket{le=\"0.5\",path=\"/a\\\"b\"} 1\n"
    "h_bucket{le=\"1\"} 2\n"
    "h_bucket{le=\"+Inf\"} 3\n"
    "h_sum NaN\n"
    "h_count 3\n"
    "# TYPE s summary\n"
    "s{quantile=\"0.5\"} -Inf\n"
    "# EOF\n";

const std::string_view kOmCorpus =
    "# HELP foo_seconds Time spent.\n"
    "# TYPE foo_seconds counter\n"
    "# UNIT foo_seconds seconds\n"
    "foo_seconds_total{a=\"b\"} 1.5 1520430000.123 # {trace_id=\"x\"} 1 2\n"
    "foo_seconds_created{a=\"b\"} 1520000000\n"
    "# TYPE h histogram\n"
    "h_bucket{le=\"1\"} 0 # {} 0.5\n"
    "h_bucket{le=\"+Inf\"} 2\n"
    "h_count 2\n"
    "h_sum 8\n"
    "# TYPE s summary\n"
    "s{quantile=\"0.5\"} 1\n"
    "# EOF\n";

// Splitting the input at every line boundary into two blocks gives the same
// entries (and line numbers, and le normalisation across the split) as
// parsing it whole.
TEST(TextParserTest, StreamingInTwoBlocksMatchesWhole) {
  const TextParserOptions normalize{.le_quantile_form =
                                        LeQuantileForm::kOpenMetrics};
  const struct {
    ExpositionFormat format;
    std::string_view input;
  } kInputs[] = {
      {kText, kTextCorpus},
      {kOm, kOmCorpus},
      {kText, "a 1\nb 2\nc{ 3\nd 4\n"},  // error after the split or before
      {kOm, "a 1\n# EOF\nb 2\n"},
      {kOm, "a 1\nb 2\n"},  // missing # EOF
  };
  for (const auto& in : kInputs) {
    const std::vector<std::string> whole =
        ParseAll(in.format, in.input, normalize);
    for (size_t cut = 0; cut <= in.input.size(); ++cut) {
      if (cut != 0 && in.input[cut - 1] != '\n') continue;
      TextParser p(in.format, normalize);
      LabelsBuilder b;
      std::vector<std::string> got;
      p.Reset(in.input.substr(0, cut), 1, /*final_block=*/false);
      if (Drain(&p, &b, &got)) {
        p.Continue(in.input.substr(cut), /*final_block=*/true);
        Drain(&p, &b, &got);
      }
      EXPECT_EQ(got, whole) << "cut at " << cut << " of " << QuoteGo(in.input);
    }
  }
}

// Steady state: once the parser's and the builder's buffers have grown,
// parsing and building labels allocate nothing.
TEST(TextParserTest, SteadyStateDoesNotAllocate) {
  for (const auto& [format, input] :
       {std::pair{kText, kTextCorpus}, std::pair{kOm, kOmCorpus}}) {
    TextParser p(format, TextParserOptions{.le_quantile_form =
                                               LeQuantileForm::kOpenMetrics});
    LabelsBuilder b;
    int64_t samples = 0;
    int64_t first_pass_allocations = 0;
    int64_t allocations = 0;
    for (int pass = 0; pass < 4; ++pass) {
      const int64_t before = g_allocations;
      p.Reset(input);
      bool ok = true;
      for (;;) {
        absl::StatusOr<Entry> e = p.Next();
        if (!e.ok()) ok = false;
        if (!e.ok() || *e == Entry::kEnd) break;
        if (*e == Entry::kSeries) {
          p.BuildLabels(&b);
          ++samples;
        }
      }
      allocations = g_allocations - before;
      if (pass == 0) first_pass_allocations = allocations;
      ASSERT_TRUE(ok);
    }
    EXPECT_GT(samples, 0);
    EXPECT_GT(first_pass_allocations, 0);  // the counter does count
    EXPECT_EQ(allocations, 0) << "in the last pass";
  }
}

// Random garbage and random mutations of valid input never crash, never loop,
// and every error is "LINE:COL: ..." InvalidArgument.
TEST(TextParserTest, GarbageNeverCrashes) {
  std::mt19937_64 rng(42);
  const std::string_view kAlphabet = "ab_:{}=\",# \t\n\\.-+0129eENaInf\xff\xc3";
  for (int iter = 0; iter < 20000; ++iter) {
    std::string input;
    if (iter % 2 == 0) {
      input = std::string(iter % 4 == 0 ? kTextCorpus : kOmCorpus);
      const int edits = 1 + static_cast<int>(rng() % 4);
      for (int e = 0; e < edits && !input.empty(); ++e) {
        const size_t at = rng() % input.size();
        switch (rng() % 3) {
          case 0:
            input[at] = kAlphabet[rng() % kAlphabet.size()];
            break;
          case 1:
            input.erase(at, 1 + rng() % 8);
            break;
          default:
            input.insert(at, 1, kAlphabet[rng() % kAlphabet.size()]);
        }
      }
    } else {
      const size_t n = rng() % 64;
      for (size_t i = 0; i < n; ++i) {
        input.push_back(rng() % 3 == 0 ? static_cast<char>(rng())
                                       : kAlphabet[rng() % kAlphabet.size()]);
      }
    }
    for (const ExpositionFormat f : {kText, kOm}) {
      TextParser p(f);
      LabelsBuilder b;
      p.Reset(input);
      for (size_t steps = 0;; ++steps) {
        ASSERT_LE(steps, input.size() + 1) << "no progress";
        absl::StatusOr<Entry> e = p.Next();
        if (!e.ok()) {
          ASSERT_THAT(e.status(),
                      StatusIs(absl::StatusCode::kInvalidArgument,
                               MatchesRegex("[0-9]+:[0-9]+: expected .*")))
              << QuoteGo(input);
          break;
        }
        if (*e == Entry::kEnd) break;
        if (*e == Entry::kSeries) {
          p.BuildLabels(&b);
          ASSERT_TRUE(b.Build().Validate().ok()) << QuoteGo(input);
        }
      }
    }
  }
}

}  // namespace
}  // namespace tsdb::ingest
