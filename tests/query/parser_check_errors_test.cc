// ParseExpr's errors after a query has parsed, against Prometheus 2.42's:
// operand and argument types, argument counts, modifiers, ranges, durations,
// timestamps and regexes, each with exactly the message (and line:col
// position) 2.42 reports.
#include "tests/query/parser_error_case.h"

namespace query::testing {
namespace {

// Queries that parse but fail a check, and the error Prometheus 2.42 reports.
const Case kErrorCases[] = {
    {"1 == 1",
     "1:3: parse error: comparisons between scalars must use BOOL modifier"},
    {"foo offset 0s", "1:12: parse error: duration must be greater than 0"},
    {"foo[0s]", "1:5: parse error: duration must be greater than 0"},
    {"foo[5m:0s]", "1:8: parse error: duration must be greater than 0"},
    {"abs(1,2)",
     "1:1: parse error: expected 1 argument(s) in call to \"abs\", got 2"},
    {"round()",
     "1:1: parse error: expected at least 1 argument(s) in call to \"round\", "
     "got 0"},
    {"round(x,1,2)",
     "1:1: parse error: expected at most 2 argument(s) in call to \"round\", "
     "got 3"},
    {"label_join(x)",
     "1:1: parse error: expected at least 3 argument(s) in call to "
     "\"label_join\", got 1"},
    {"foo(1)", "1:1: parse error: unknown function with name \"foo\""},
    {"x[5m][5m]", "1:6: parse error: ranges only allowed for vector selectors"},
    {"foo offset 5m offset 1m",
     "1:1: parse error: offset may not be set multiple times"},
    {"foo @ 1 @ 2",
     "1:1: parse error: @ <timestamp> may not be set multiple times"},
    {"(foo)[5m]", "1:6: parse error: ranges only allowed for vector selectors"},
    {"foo @ Inf",
     "1:1: parse error: timestamp out of bounds for @ modifier: +Inf"},
    {"foo @ 1e30",
     "1:1: parse error: timestamp out of bounds for @ modifier: "
     "1000000000000000019884624838656.000000"},
    {"foo offset 5m[5m]",
     "1:14: parse error: no offset modifiers allowed before range"},
    {"sum(x,y)",
     "1:1: parse error: wrong number of arguments for aggregate expression "
     "provided, expected 1, got 2"},
    {"topk(x)",
     "1:1: parse error: wrong number of arguments for aggregate expression "
     "provided, expected 2, got 1"},
    {"topk(1,2,3)",
     "1:1: parse error: wrong number of arguments for aggregate expression "
     "provided, expected 2, got 3"},
    {"count_values(1, x)",
     "1:14: parse error: expected type string in aggregation parameter, got "
     "scalar"},
    {"topk(\"a\", x)",
     "1:6: parse error: expected type scalar in aggregation parameter, got "
     "string"},
    {"1 and 1",
     "1:1: parse error: set operator \"and\" not allowed in binary scalar "
     "expression"},
    {"foo and on(a) group_left bar",
     "1:1: parse error: no grouping allowed for \"and\" operation"},
    {"1 + on(a) 2",
     "1:1: parse error: vector matching only allowed between instant vectors"},
    {"1 + on(a) foo",
     "1:1: parse error: vector matching only allowed between instant vectors"},
    {"foo == on(a) group_left(a) bar",
     "1:5: parse error: label \"a\" must not occur in ON and GROUP clause at "
     "once"},
    {"foo + bool bar",
     "1:5: parse error: bool modifier can only be used on comparison "
     "operators"},
    {"{}",
     "1:1: parse error: vector selector must contain at least one non-empty "
     "matcher"},
    {"{a=\"\"}",
     "1:1: parse error: vector selector must contain at least one non-empty "
     "matcher"},
    {"{a=~\".*\"}",
     "1:1: parse error: vector selector must contain at least one non-empty "
     "matcher"},
    {"foo{__name__=\"bar\"}",
     "1:1: parse error: metric name must not be set twice: \"foo\" or \"bar\""},
    {"{a=~\"(\"}",
     "1:2: parse error: error parsing regexp: missing closing ): `^(?:()$`"},
    {"x{a=~\"(\"}",
     "1:3: parse error: error parsing regexp: missing closing ): `^(?:()$`"},
    {"\"a\" + 1",
     "1:1: parse error: binary expression must contain only scalar and instant "
     "vector types"},
    {"-\"a\"",
     "1:1: parse error: unary expression only allowed on expressions of type "
     "scalar or instant vector, got \"string\""},
    {"abs(\"a\")",
     "1:5: parse error: expected type instant vector in call to function "
     "\"abs\", got string"},
    {"rate(x)",
     "1:6: parse error: expected type range vector in call to function "
     "\"rate\", got instant vector"},
    {"x[5m] + 1",
     "1:1: parse error: binary expression must contain only scalar and instant "
     "vector types"},
    {"sum(x[5m])",
     "1:5: parse error: expected type instant vector in aggregation "
     "expression, got range vector"},
    {"1[5m:]",
     "1:1: parse error: subquery is only allowed on instant vector, got scalar "
     "instead"},
    {"x[5m][5m:]",
     "1:1: parse error: subquery is only allowed on instant vector, got matrix "
     "instead"},
    {"-foo[5m]",
     "1:1: parse error: unary expression only allowed on expressions of type "
     "scalar or instant vector, got \"range vector\""},
    {"-\"a\" + 1",
     "1:1: parse error: unary expression only allowed on expressions of type "
     "scalar or instant vector, got \"string\""},
    {"sum(x) offset 5m",
     "1:1: parse error: offset modifier must be preceded by an instant vector "
     "selector or range vector selector or a subquery"},
    {"foo[5m:] offset 1m offset 1m",
     "1:1: parse error: offset may not be set multiple times"},
    {"foo @ NaN",
     "1:1: parse error: timestamp out of bounds for @ modifier: NaN"},
    {"foo @ -Inf",
     "1:1: parse error: timestamp out of bounds for @ modifier: -Inf"},
    {"foo @ 9223372036854775807",
     "1:1: parse error: timestamp out of bounds for @ modifier: "
     "9223372036854775808.000000"},
    {"foo @ start() @ end()",
     "1:1: parse error: @ <timestamp> may not be set multiple times"},
    {"1 > 1",
     "1:3: parse error: comparisons between scalars must use BOOL modifier"},
    {"foo or on(a) group_right bar",
     "1:1: parse error: no grouping allowed for \"or\" operation"},
    {"foo unless on(a) group_left(a) bar",
     "1:5: parse error: label \"a\" must not occur in ON and GROUP clause at "
     "once"},
    {"foo + on(a) group_left(a) bar",
     "1:5: parse error: label \"a\" must not occur in ON and GROUP clause at "
     "once"},
    {"1 and foo",
     "1:1: parse error: set operator \"and\" not allowed in binary scalar "
     "expression"},
    {"foo or 1",
     "1:1: parse error: set operator \"or\" not allowed in binary scalar "
     "expression"},
    {"\"a\" + \"b\"",
     "1:1: parse error: binary expression must contain only scalar and instant "
     "vector types"},
    {"foo + \"a\"",
     "1:7: parse error: binary expression must contain only scalar and instant "
     "vector types"},
    {"foo[5m] + bar",
     "1:1: parse error: binary expression must contain only scalar and instant "
     "vector types"},
    {"foo + bar[5m]",
     "1:7: parse error: binary expression must contain only scalar and instant "
     "vector types"},
    {"foo and bool bar",
     "1:5: parse error: bool modifier can only be used on comparison "
     "operators"},
    {"1 + bool 2",
     "1:3: parse error: bool modifier can only be used on comparison "
     "operators"},
    {"round(foo, 5, 1)",
     "1:1: parse error: expected at most 2 argument(s) in call to \"round\", "
     "got 3"},
    {"clamp(foo, 0)",
     "1:1: parse error: expected 3 argument(s) in call to \"clamp\", got 2"},
    {"label_join(foo, \"a\", \",\", 1)",
     "1:27: parse error: expected type string in call to function "
     "\"label_join\", got scalar"},
    {"histogram_quantile(foo, 0.9)",
     "1:20: parse error: expected type scalar in call to function "
     "\"histogram_quantile\", got instant vector"},
    {"day_of_week(foo, bar)",
     "1:1: parse error: expected at most 1 argument(s) in call to "
     "\"day_of_week\", got 2"},
    {"time(1)",
     "1:1: parse error: expected 0 argument(s) in call to \"time\", got 1"},
    {"time(foo, bar)",
     "1:1: parse error: expected 0 argument(s) in call to \"time\", got 2"},
    {"rate(foo)",
     "1:6: parse error: expected type range vector in call to function "
     "\"rate\", got instant vector"},
    {"rate(1)",
     "1:6: parse error: expected type range vector in call to function "
     "\"rate\", got scalar"},
    {"abs(foo[5m])",
     "1:5: parse error: expected type instant vector in call to function "
     "\"abs\", got range vector"},
    {"vector(\"a\")",
     "1:8: parse error: expected type scalar in call to function \"vector\", "
     "got string"},
    {"foo()", "1:1: parse error: unknown function with name \"foo\""},
    {"Rate(foo[5m])", "1:1: parse error: unknown function with name \"Rate\""},
    {"sum()",
     "1:1: parse error: no arguments for aggregate expression provided"},
    {"sum(foo, bar)",
     "1:1: parse error: wrong number of arguments for aggregate expression "
     "provided, expected 1, got 2"},
    {"topk(foo)",
     "1:1: parse error: wrong number of arguments for aggregate expression "
     "provided, expected 2, got 1"},
    {"topk(1, 2, foo)",
     "1:1: parse error: wrong number of arguments for aggregate expression "
     "provided, expected 2, got 3"},
    {"topk(\"a\", foo)",
     "1:6: parse error: expected type scalar in aggregation parameter, got "
     "string"},
    {"topk(foo, bar)",
     "1:6: parse error: expected type scalar in aggregation parameter, got "
     "instant vector"},
    {"count_values(1, foo)",
     "1:14: parse error: expected type string in aggregation parameter, got "
     "scalar"},
    {"count_values(\"a\", 1)",
     "1:19: parse error: expected type instant vector in aggregation "
     "expression, got scalar"},
    {"quantile(\"a\", foo)",
     "1:10: parse error: expected type scalar in aggregation parameter, got "
     "string"},
    {"sum(1)",
     "1:5: parse error: expected type instant vector in aggregation "
     "expression, got scalar"},
    {"sum(\"a\")",
     "1:5: parse error: expected type instant vector in aggregation "
     "expression, got string"},
    {"sum(foo[5m])",
     "1:5: parse error: expected type instant vector in aggregation "
     "expression, got range vector"},
    {"sum(foo) offset 5m",
     "1:1: parse error: offset modifier must be preceded by an instant vector "
     "selector or range vector selector or a subquery"},
    {"sum(foo) @ 100",
     "1:1: parse error: @ modifier must be preceded by an instant vector "
     "selector or range vector selector or a subquery"},
    {"sum(foo)[5m]",
     "1:9: parse error: ranges only allowed for vector selectors"},
    {"foo[5m] [5m]",
     "1:9: parse error: ranges only allowed for vector selectors"},
    {"foo{a=\"b\"}[5m] offset 1h[5m]",
     "1:25: parse error: ranges only allowed for vector selectors"},
    {"foo{a=~\"[\"}",
     "1:5: parse error: error parsing regexp: missing closing ]: `[)$`"},
    {"foo{a!~\"*\"}",
     "1:5: parse error: error parsing regexp: missing argument to repetition "
     "operator: `*`"},
    {"foo{a=~\"a{2,1}\"}",
     "1:5: parse error: error parsing regexp: invalid repeat count: `{2,1}`"},
    {"foo{__name__=\"foo\"}",
     "1:1: parse error: metric name must not be set twice: \"foo\" or \"foo\""},
    {"foo{__name__=~\"foo\"}",
     "1:1: parse error: metric name must not be set twice: \"foo\" or \"foo\""},
    {"{a!=\"b\"}",
     "1:1: parse error: vector selector must contain at least one non-empty "
     "matcher"},
    {"{a=~\"\"}",
     "1:1: parse error: vector selector must contain at least one non-empty "
     "matcher"},
    {"1 offset 5m",
     "1:1: parse error: offset modifier must be preceded by an instant vector "
     "selector or range vector selector or a subquery"},
    {"\"a\" offset 5m",
     "1:1: parse error: offset modifier must be preceded by an instant vector "
     "selector or range vector selector or a subquery"},
    {"(foo) offset 5m",
     "1:1: parse error: offset modifier must be preceded by an instant vector "
     "selector or range vector selector or a subquery"},
    {"rate(foo[5m]) offset 5m",
     "1:1: parse error: offset modifier must be preceded by an instant vector "
     "selector or range vector selector or a subquery"},
    {"- \"a\"",
     "1:1: parse error: unary expression only allowed on expressions of type "
     "scalar or instant vector, got \"string\""},
    {"foo atan2 bool bar",
     "1:5: parse error: bool modifier can only be used on comparison "
     "operators"},
    {"-{bool=~'b',__name__=~\"(\",by!~\"x\\u00e9\"} > a:b{a!=\".*\"}",
     "1:13: parse error: error parsing regexp: missing closing ): `^(?:()$`"},
    {"topk({without!=\"(\",without=~`c`,} offset 3s500ms, count_values "
     "('b')[1d]) without (group_left)",
     "1:51: parse error: wrong number of arguments for aggregate expression "
     "provided, expected 2, got 1"},
    {"'b'[1d:][30s:3500ms][5m]",
     "1:21: parse error: ranges only allowed for vector selectors"},
    {"123456789 >= bool inf offset 1y offset -30s[1h30m:3s500ms] / 123456789 "
     ">= ((bool{}) / ignoring() offset{on!=\"x\\u00e9\",job!=`c`})",
     "1:19: parse error: offset modifier must be preceded by an instant vector "
     "selector or range vector selector or a subquery"},
    {"Inf[0s]", "1:5: parse error: duration must be greater than 0"},
    {"quantile_over_time({a=\"(\"})",
     "1:1: parse error: expected 2 argument(s) in call to "
     "\"quantile_over_time\", got 1"},
    {"(({without!~'b',le!='b'})) - bottomk(start{} @ 1e30 <= bo",
     "1:38: parse error: timestamp out of bounds for @ modifier: "
     "1000000000000000019884624838656.000000"},
    {"sum(1e3) without (a, job)",
     "1:5: parse error: expected type instant vector in aggregation "
     "expression, got scalar"},
    {"bottomk({}, bottomk(avg without () ('b')[1d] or NaN != "
     "http_requests_total[1h30m], (label_join(1e3 @ -5, and, N",
     "1:41: parse error: ranges only allowed for vector selectors"},
    {"\"\\n\"[5m] < bool foo{} or sum{without=~'b',bool=\"x\\u00e9\"} >= "
     "and{without=~`c`,without=~\".*\",__name__!=\"a\"} or nan[1h:3s500ms] "
     "offset -5m1h",
     "1:5: parse error: ranges only allowed for vector selectors"},
    {"-quantile without (le, instance) ((\"x\\u00e9\") offset -3s500ms) < bool "
     "123456789 + on(on) offset{le=~'b',without!~`c`} @ end()",
     "1:35: parse error: offset modifier must be preceded by an instant vector "
     "selector or range vector selector or a subquery"},
    {"offset <= \"a\"",
     "1:11: parse error: binary expression must contain only scalar and "
     "instant vector types"},
    {"(bottomk(vector(`c`) @ 1.5 (histogram_quantile(bool @ start(), offset, "
     "1e400))) by (by, instance) offset -1d[5m1h] offset 1h30m)",
     "1:10: parse error: @ modifier must be preceded by an instant vector "
     "selector or range vector selector or a subquery"},
    {"'b' @ 100",
     "1:1: parse error: @ modifier must be preceded by an instant vector "
     "selector or range vector selector or a subquery"},
    {"(rate(\"a\"[0s:1h30",
     "1:11: parse error: duration must be greater than 0"},
    {"{on=~\"\\n\",le=~\"(\",} / bool on(instance, __name__, le) "
     "group_right(on, group_l",
     "1:11: parse error: error parsing regexp: missing closing ): `^(?:()$`"},
    {"sum(0x1f @ 1.5 atan2 on(le) group_right(without) \"(\" ^ on(group_left) "
     "`c`) by (le, bool)",
     "1:5: parse error: @ modifier must be preceded by an instant vector "
     "selector or range vector selector or a subquery"},
    {"histogram_quantile(nan[3s500ms][3s500ms] offset -1d, offset, group "
     "without (job, instance) (123456789, bottomk without (instance, by) "
     "(quantile(offset[1h30m:30s][1y], \"a\"))[1d:]))",
     "1:23: parse error: ranges only allowed for vector selectors"},
    {"-+{on!=\"(\",on!~\"a\",le!~'b'} / {le!~\".*\",instance=\"x\\u00e9\"} or "
     "time()[3s00ms] and bool on(instance) (+on{})",
     "1:70: parse error: ranges only allowed for vector selectors"},
    {"label_replace()",
     "1:1: parse error: expected 5 argument(s) in call to \"label_replace\", "
     "got 0"},
    {"+1[1y]", "1:3: parse error: ranges only allowed for vector selectors"},
    {"{__name__!=`c`}[0s][100ms:1h30m]",
     "1:17: parse error: duration must be greater than 0"},
    {"clamp()",
     "1:1: parse error: expected 3 argument(s) in call to \"clamp\", got 0"},
    {"topk(offset{group_left=~\".*\",group_left!='b'}, \"\\n\")[30s]",
     "1:53: parse error: ranges only allowed for vector selectors"},
    {"quantile_over_time(1e-7 @ start() % 0.5, \"(\" or bool ignoring(a) "
     "group_left(a, le, group_left) sort(bar{without!~'b'} and bool "
     "ignoring(without) http_requests_total{group_left!='b',le=\"(\"}, 1e3 or "
     "0.5[1d:1h30m]) @ 1e30, (vector(123456789[1d])) * "
     "(vector(by{instance=~`c`,le=~\"a\",without=~\".*\"}, foo{,})))",
     "1:20: parse error: @ modifier must be preceded by an instant vector "
     "selector or range vector selector or a subquery"},
    {"(0.5 - offset offset 100ms[30s])",
     "1:27: parse error: no offset modifiers allowed before range"},
    {"(5.) offset 2w < 13",
     "1:1: parse error: offset modifier must be preceded by an instant vector "
     "selector or range vector selector or a subquery"},
    {"sum{le!=\"x\\u00e9\",a=~\".*\",__name__!~'b'}",
     "1:1: parse error: metric name must not be set twice: \"sum\" or \"b\""},
    {"vector(((vector('b', {} offset 1d, Inf))[100ms])[1d], 5.[1y][0s:5m1h])",
     "1:41: parse error: ranges only allowed for vector selectors"},
    {"quantile(bar) without (by, le)",
     "1:1: parse error: wrong number of arguments for aggregate expression "
     "provided, expected 2, got 1"},
    {"(clamp()[1h30m][5m:1h])",
     "1:9: parse error: ranges only allowed for vector selectors"},
    {"nan @ 1.5 offset -5m1h atan2 "
     "sum{group_left!~\"x\\u00e9\"}[1h]bool[100ms:100ms]",
     "1:1: parse error: @ modifier must be preceded by an instant vector "
     "selector or range vector selector or a subquery"},
    {"Inf @ 1.5 and ignoring(a) a:b offset 5m1h @ 1e30 / bool "
     "((\"a\"))[0s][1y]",
     "1:1: parse error: @ modifier must be preceded by an instant vector "
     "selector or range vector selector or a subquery"},
    {"123456789 ^ avg(010) by (le, bool)",
     "1:17: parse error: expected type instant vector in aggregation "
     "expression, got scalar"},
    {"sum @ start() >= ignoring(by, on, bool) group_right absent(+offset) @ "
     "end() @ 1.5 / on(__name__, job) absent((clamp() offset 1h30m), "
     "+sum{a=~\"x\\u00e9\",by=~'b'} or bool on() {__name__!=\"a\"} offset "
     "1h[1d][1d], scalar(bool offset 3s500ms[3s500ms], .5[5m] + "
     "{by=~`c`,on!=`c`}, +bool @ 1e30))[3s500ms] @ 1e30[100ms][5m1h:5m1h]",
     "1:53: parse error: @ modifier must be preceded by an instant vector "
     "selector or range vector selector or a subquery"},
    {"start{} atan2 {instance=~\"(\"}[1h30m][5m1h]",
     "1:16: parse error: error parsing regexp: missing closing ): `^(?:()$`"},
    {"+0[30s]", "1:3: parse error: ranges only allowed for vector selectors"},
    {"123456789[30s] >= 0x1f offset 1h30m[5m1h][3s500ms] == {} * count_values "
     "without (__name__, __name__) (\"(\" - .5[1d]) % ignoring(by, by) "
     "foo{group_left!~\"\\n\",job!=\"\\n\"}[0s:0s]",
     "1:10: parse error: ranges only allowed for vector selectors"},
    {"(round(a:b{instance!=\"x\\u00e9\",job!~\"(\",job=~\"a\"})) * {on!~'b'}",
     "1:32: parse error: error parsing regexp: missing closing ): `^(?:()$`"},
    {"foo{a=\"x\\u00e9\",a!~\"(\"}",
     "1:17: parse error: error parsing regexp: missing closing ): `^(?:()$`"},
    {"absent((bottomk without (le, bool, instance) (1e-7)) >= group "
     "(\"a\"[5m:])[1d] offset 1d, count(.5, "
     "http_requests_total{instance=\"(\"}[5m:]) by (without, by) or "
     "http_requests_total{bool=~\"\\n\",__name__=~\"x\\u00e9\"} or 1e400 atan2 "
     "on(bool, instance) nan % on[0s][1h30m][1h])",
     "1:9: parse error: wrong number of arguments for aggregate expression "
     "provided, expected 2, got 1"},
    {"010 unless clamp(http_requsts_total{bool=~'b'})",
     "1:12: parse error: expected 3 argument(s) in call to \"clamp\", got 1"},
    {"-`c`[30s]", "1:5: parse error: ranges only allowed for vector selectors"},
    {"vector() ",
     "1:1: parse error: expected 1 argument(s) in call to \"vector\", got 0"},
    {"quantile((0.5[30s] @ -5 and 0101m offset -5m1h)[1d]) by (a) * "
     "(vector(abs(1e400, \".*\"), a:b - "
     "0.5[100ms:5m])[30s][5m:5m1h])[1d][100ms:0s]",
     "1:14: parse error: ranges only allowed for vector selectors"},
    {"foo @ 1.5[1h] > +0x1f atan2 on{group_left!~'b'} @ end()[1y:2w][1h]",
     "1:10: parse error: no @ modifiers allowed before range"},
    {"{without=\"\\n\"} + 010 offset -0s offset 100ms >= on(a, instance) count "
     "(inf atan2 ignoring(a, on, without) 1e3",
     "1:30: parse error: duration must be greater than 0"},
    {"((start[1h30m] / on(bol, instance, a) 1e-7 <= nan))",
     "1:3: parse error: binary expression must contain only scalar and instant "
     "vector types"},
    {"foo(by, bottomk(NaN[30s])-, foo)",
     "1:20: parse error: ranges only allowed for vector selectors"},
    {"(-quantile((NaN @ 1e30))[5m])",
     "1:13: parse error: timestamp out of bounds for @ modifier: "
     "1000000000000000019884624838656.000000"},
    {"count (bar{job!=\"x\\u00e9\",__name__=\"x\\u00e9\",le!~\".*\"} @ 1.5 @ "
     "end(), a:b <= (vector(bool{le!=\"\\n\"})))[5m1h:5m1h]",
     "1:8: parse error: @ <timestamp> may not be set multiple times"},
    {"{without!=\".*\"}",
     "1:1: parse error: vector selector must contain at least one non-empty "
     "matcher"},
    {"((abs(0.5, 010, {a=\"\\n\",without=\"a\"})) @ 100[2w])[30s] unless "
     "bool{instance!=\".*\"}",
     "1:2: parse error: @ modifier must be preceded by an instant vector "
     "selector or range vector selector or a subquery"},
    {"+start{without!~\"(\"}[0s]",
     "1:8: parse error: error parsing regexp: missing closing ): `^(?:()$`"},
    {"histogram_quantile(nan[1h30m]1h30m], (+\"\\n\"[1h30m]))",
     "1:23: parse error: ranges only allowed for vector selectors"},
};

INSTANTIATE_TEST_SUITE_P(Checks, ErrorTest, ::testing::ValuesIn(kErrorCases));

}  // namespace
}  // namespace query::testing
