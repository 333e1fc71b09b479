// ParseExpr's lexical and grammar errors against Prometheus 2.42's: each bad
// query fails with exactly the message (and line:col position) 2.42 reports.
// The errors of the checks after parsing are in parser_check_errors_test.cc.
#include "tests/query/parser_error_case.h"

namespace query::testing {
namespace {

// Queries that do not lex or parse, and the error Prometheus 2.42 reports.
const Case kErrorCases[] = {
    {"foo +", "1:6: parse error: unexpected end of input"},
    {"sum(foo +)", "1:10: parse error: unexpected \")\" in aggregation"},
    {"sum by (a) b",
     "1:12: parse error: unexpected identifier \"b\" in aggregation"},
    {"sum(a) by b",
     "1:11: parse error: unexpected identifier \"b\" in grouping opts, "
     "expected \"(\""},
    {"sum(a) b", "1:8: parse error: unexpected identifier \"b\""},
    {"foo{a}",
     "1:6: parse error: unexpected \"}\" in label matching, expected label "
     "matching operator"},
    {"foo{a=}",
     "1:7: parse error: unexpected \"}\" in label matching, expected string"},
    {"foo{=}",
     "1:5: parse error: unexpected \"=\" in label matching, expected "
     "identifier or \"}\""},
    {"foo{a=\"b\" c=\"d\"}",
     "1:11: parse error: unexpected identifier \"c\" in label matching, "
     "expected \",\" or \"}\""},
    {"foo{a=\"b\",,}",
     "1:11: parse error: unexpected \",\" in label matching, expected "
     "identifier or \"}\""},
    {"foo[5]", "1:5: parse error: missing unit character in duration"},
    {"foo[]", "1:5: parse error: missing unit character in duration"},
    {"foo[5m:1]",
     "1:8: parse error: unexpected number \"1\" in subquery selector, expected "
     "duration or \"]\""},
    {"\"\\q\"", "1:1: parse error: unknown escape sequence U+0071 'q'"},
    {"'\\xZZ'",
     "1:1: parse error: illegal character U+005A 'Z' in escape sequence"},
    {"\"abc", "1:1: parse error: unterminated quoted string"},
    {"a == b ==", "1:10: parse error: unexpected end of input"},
    {"rate(a,)",
     "1:7: parse error: trailing commas not allowed in function call args"},
    {"bool", "1:1: parse error: unexpected <bool>"},
    {"sum by (a:b) (x)",
     "1:9: parse error: unexpected metric identifier \"a:b\" in grouping opts, "
     "expected label"},
    {"1:1", "1:2: parse error: unexpected metric identifier \":1\""},
    {"", "1:1: parse error: no expression found in input"},
    {"sum 1", "1:5: parse error: unexpected number \"1\""},
    {"sum}", "1:4: parse error: unexpected character: '}'"},
    {"foo )", "1:6: parse error: unexpected right parenthesis ')'"},
    {"foo[300y]", "1:5: parse error: duration out of range"},
    {"foo[5m:1m:]", "1:10: parse error: unexpected colon ':'"},
    {"foo[5m:1m", "1:10: parse error: unclosed left bracket"},
    {"\"abcdefghijklmnop\" foo",
     "1:20: parse error: unexpected identifier \"foo\""},
    {"foo 123456789012",
     "1:5: parse error: unexpected number \"1234567890\"..."},
    {"foo 5m", "1:5: parse error: unexpected duration \"5m\""},
    {"a + on(b) bool c", "1:11: parse error: unexpected <bool>"},
    {"foo @ start",
     "1:12: parse error: unexpected end of input in @, expected timestamp"},
    {"foo @ ",
     "1:7: parse error: unexpected end of input in @, expected timestamp"},
    {"foo offset",
     "1:11: parse error: unexpected end of input in offset, expected duration"},
    {"foo offset -",
     "1:13: parse error: unexpected end of input in offset, expected duration"},
    {"1 + ", "1:5: parse error: unexpected end of input"},
    {"sum(a,)",
     "1:6: parse error: trailing commas not allowed in function call args"},
    {"rate(a,,b)",
     "1:7: parse error: trailing commas not allowed in function call args"},
    {"\011#comment", "1:1: parse error: no expression found in input"},
    {"\"\\400\"",
     "1:1: parse error: escape sequence is an invalid Unicode code point"},
    {"\"\\ud800\"",
     "1:1: parse error: escape sequence is an invalid Unicode code point"},
    {"max by (by, without) (foo)",
     "1:13: parse error: unexpected <without> in grouping opts, expected "
     "label"},
    {"sum by (inf) (foo)",
     "1:9: parse error: unexpected number \"inf\" in grouping opts, expected "
     "label"},
    {"sum by (without) (foo)",
     "1:9: parse error: unexpected <without> in grouping opts, expected label"},
    {"foo[1m1h]", "1:5: parse error: not a valid duration string: \"1m1h\""},
    {"foo[5M]", "1:5: parse error: bad duration syntax: \"5\""},
    {"foo[5mm]", "1:5: parse error: bad duration syntax: \"5mm\""},
    {"foo[1hs]", "1:5: parse error: not a valid duration string: \"1hs\""},
    {"foo offset 5",
     "1:12: parse error: unexpected number \"5\" in offset, expected duration"},
    {"foo @ end",
     "1:10: parse error: unexpected end of input in @, expected timestamp"},
    {"foo @ start(", "1:13: parse error: unclosed left parenthesis"},
    {"0xffffffffffffffffff",
     "1:1: parse error: error parsing number: strconv.ParseFloat: parsing "
     "\"0xffffffffffffffffff\": invalid syntax"},
    {"0x",
     "1:1: parse error: error parsing number: strconv.ParseFloat: parsing "
     "\"0x\": invalid syntax"},
    {"1e",
     "1:1: parse error: error parsing number: strconv.ParseFloat: parsing "
     "\"1e\": invalid syntax"},
    {"1e+",
     "1:1: parse error: error parsing number: strconv.ParseFloat: parsing "
     "\"1e+\": invalid syntax"},
    {"1e400",
     "1:1: parse error: error parsing number: strconv.ParseFloat: parsing "
     "\"1e400\": value out of range"},
    {"foo on(a) bar", "1:5: parse error: unexpected <on>"},
    {"foo + group_left bar", "1:7: parse error: unexpected <group_left>"},
    {"foo + on bar",
     "1:10: parse error: unexpected identifier \"bar\" in grouping opts, "
     "expected \"(\""},
    {"foo + on(a b) bar",
     "1:12: parse error: unexpected identifier \"b\" in grouping opts, "
     "expected \",\" or \")\""},
    {"foo + on(a,,b) bar",
     "1:12: parse error: unexpected \",\" in grouping opts, expected label"},
    {"foo + on(1) bar",
     "1:10: parse error: unexpected number \"1\" in grouping opts, expected "
     "label"},
    {"foo + on(a:b) bar",
     "1:10: parse error: unexpected metric identifier \"a:b\" in grouping "
     "opts, expected label"},
    {"foo + on(a) group_left(1) bar",
     "1:24: parse error: unexpected number \"1\" in grouping opts, expected "
     "label"},
    {"foo + on(a) group_left",
     "1:23: parse error: unexpected end of input in grouping opts, expected "
     "\"(\""},
    {"foo + on(a) group_left )",
     "1:25: parse error: unexpected right parenthesis ')'"},
    {"rate(foo[5m],)",
     "1:13: parse error: trailing commas not allowed in function call args"},
    {"rate(,)", "1:6: parse error: unexpected \",\""},
    {"rate(foo[5m]", "1:13: parse error: unclosed left parenthesis"},
    {"rate(foo[5m]))", "1:15: parse error: unexpected right parenthesis ')'"},
    {"abs(1,)",
     "1:6: parse error: trailing commas not allowed in function call args"},
    {"sum by (a) (foo) by (b)", "1:18: parse error: unexpected <by>"},
    {"sum by(a) foo",
     "1:11: parse error: unexpected identifier \"foo\" in aggregation"},
    {"sum by a (foo)",
     "1:8: parse error: unexpected identifier \"a\" in grouping opts, expected "
     "\"(\""},
    {"sum(foo) by",
     "1:12: parse error: unexpected end of input in grouping opts, expected "
     "\"(\""},
    {"sum(foo) by (", "1:14: parse error: unclosed left parenthesis"},
    {"sum(foo) without a",
     "1:18: parse error: unexpected identifier \"a\" in grouping opts, "
     "expected \"(\""},
    {"sum(foo) by (a b)",
     "1:16: parse error: unexpected identifier \"b\" in grouping opts, "
     "expected \",\" or \")\""},
    {"(foo", "1:5: parse error: unclosed left parenthesis"},
    {"foo)", "1:5: parse error: unexpected right parenthesis ')'"},
    {"()", "1:2: parse error: unexpected \")\""},
    {"(1 + )", "1:6: parse error: unexpected \")\""},
    {"[5m]", "1:1: parse error: unexpected \"[\""},
    {"foo[5m]]", "1:8: parse error: unexpected right bracket ']'"},
    {"foo[[5m]]", "1:5: parse error: missing unit character in duration"},
    {"foo[5m", "1:7: parse error: unclosed left bracket"},
    {"foo[5m:1m:1m]", "1:10: parse error: unexpected colon ':'"},
    {"foo[5m 1m]",
     "1:8: parse error: unexpected duration \"1m\" in subquery or range, "
     "expected \":\" or \"]\""},
    {"foo[5m, 1m]",
     "1:7: parse error: unexpected \",\" in subquery or range, expected \":\" "
     "or \"]\""},
    {"foo[5m:1m 1h]",
     "1:11: parse error: unexpected duration \"1h\" in subquery selector, "
     "expected \"]\""},
    {"foo[-5m]", "1:5: parse error: missing unit character in duration"},
    {"foo{a=\"b\"}}", "1:11: parse error: unexpected character: '}'"},
    {"foo{{a=\"b\"}}", "1:5: parse error: unexpected left brace '{'"},
    {"foo{a=\"b\"", "1:10: parse error: unexpected end of input inside braces"},
    {"foo{a==\"b\"}",
     "1:7: parse error: unexpected \"=\" in label matching, expected string"},
    {"foo{a!\"b\"}",
     "1:6: parse error: unexpected character after '!' inside braces: '\"'"},
    {"foo{a~\"b\"}",
     "1:6: parse error: unexpected character inside braces: '~'"},
    {"foo{1=\"b\"}",
     "1:5: parse error: unexpected character inside braces: '1'"},
    {"foo{a=1}", "1:7: parse error: unexpected character inside braces: '1'"},
    {"foo{a=b}",
     "1:7: parse error: unexpected identifier \"b\" in label matching, "
     "expected string"},
    {"foo{a:b=\"c\"}",
     "1:6: parse error: unexpected character inside braces: ':'"},
    {"foo{,}",
     "1:5: parse error: unexpected \",\" in label matching, expected "
     "identifier or \"}\""},
    {"foo{a=\"b\",,c=\"d\"}",
     "1:11: parse error: unexpected \",\" in label matching, expected "
     "identifier or \"}\""},
    {"foo{a=\"\\z\"}", "1:7: parse error: unknown escape sequence U+007A 'z'"},
    {"foo{a=\"\\x4\"}",
     "1:7: parse error: illegal character U+0022 '\"' in escape sequence"},
    {"foo{a=\"\\U00110000\"}",
     "1:7: parse error: escape sequence is an invalid Unicode code point"},
    {"foo{a=\"\\uD800\"}",
     "1:7: parse error: escape sequence is an invalid Unicode code point"},
    {"foo{a=\"\\400\"}",
     "1:7: parse error: escape sequence is an invalid Unicode code point"},
    {"'abc", "1:1: parse error: unterminated quoted string"},
    {"`abc", "1:1: parse error: unterminated raw string"},
    {"\"a\\'\"", "1:1: parse error: unknown escape sequence U+0027 '''"},
    {"'a\\\"'", "1:1: parse error: unknown escape sequence U+0022 '\"'"},
    {"\"\\", "1:1: parse error: escape sequence not terminated"},
    {"# only a comment", "1:1: parse error: no expression found in input"},
    {"foo ! bar", "1:5: parse error: unexpected character after '!': ' '"},
    {"foo =~ bar", "1:5: parse error: unexpected character after '=': '~'"},
    {"foo = bar", "1:5: parse error: unexpected \"=\""},
    {"foo ~ bar", "1:5: parse error: unexpected character: '~'"},
    {"foo $ bar", "1:5: parse error: unexpected character: '$'"},
    {"foo & bar", "1:5: parse error: unexpected character: '&'"},
    {"foo | bar", "1:5: parse error: unexpected character: '|'"},
    {"foo ; bar", "1:5: parse error: unexpected character: ';'"},
    {"foo . bar", "1:5: parse error: unexpected character: '.'"},
    {"foo 1", "1:5: parse error: unexpected number \"1\""},
    {"foo \"a\"", "1:5: parse error: unexpected string \"\\\"a\\\"\""},
    {"foo bar", "1:5: parse error: unexpected identifier \"bar\""},
    {"foo by", "1:5: parse error: unexpected <by>"},
    {"foo by (a)", "1:5: parse error: unexpected <by>"},
    {"foo offset 5m 5m", "1:15: parse error: unexpected duration \"5m\""},
    {"foo @",
     "1:6: parse error: unexpected end of input in @, expected timestamp"},
    {"foo @ \"a\"",
     "1:7: parse error: unexpected string \"\\\"a\\\"\" in @, expected "
     "timestamp"},
    {"foo @ bar",
     "1:7: parse error: unexpected identifier \"bar\" in @, expected "
     "timestamp"},
    {"1a", "1:1: parse error: bad number or duration syntax: \"1\""},
    {"1m", "1:1: parse error: unexpected duration \"1m\""},
    {"5m + 1", "1:1: parse error: unexpected duration \"5m\""},
    {"0xg", "1:1: parse error: bad number or duration syntax: \"0x\""},
    {"1.2.3", "1:4: parse error: unexpected number \".3\""},
    {"1..2", "1:3: parse error: unexpected number \".2\""},
    {"1ee2", "1:1: parse error: bad number or duration syntax: \"1e\""},
    {".e5", "1:1: parse error: unexpected character: '.'"},
    {"on", "1:1: parse error: unexpected <on>"},
    {"ignoring", "1:1: parse error: unexpected <ignoring>"},
    {"group_left", "1:1: parse error: unexpected <group_left>"},
    {"group_right", "1:1: parse error: unexpected <group_right>"},
    {"atan2", "1:1: parse error: unexpected <op:atan2>"},
    {"atan2(foo, bar)", "1:1: parse error: unexpected <op:atan2>"},
    {"nan{group_l", "1:4: parse error: unexpected \"{\""},
    {"nan{instance!=`c`,le=\"(\",group_left!='b'}[1h30m]",
     "1:4: parse error: unexpected \"{\""},
    {"label_replace(", "1:15: parse error: unclosed left parenthesis"},
    {"\".*", "1:1: parse error: unterminated quoted string"},
    {"topk wi", "1:6: parse error: unexpected identifier \"wi\""},
    {"+NaN0s]", "1:7: parse error: unexpected right bracket ']'"},
    {"quantile(on{y!~'b',le='b',by!~\"x\\u00e9\"}[5m]) by (a)[1d]",
     "1:10: parse error: unexpected <on> in aggregation"},
    {"count_values withoutbool (by, instance, a) ({})",
     "1:14: parse error: unexpected identifier \"withoutbool\""},
    {"-1e-7[5m1h:3s500ms] ^ bo",
     "1:7: parse error: not a valid duration string: \"5m1h\""},
    {"nan offset 5m1h @ 100 offset -1y",
     "1:12: parse error: not a valid duration string: \"5m1h\""},
    {"histogram_quantile() != ignoring(group_le",
     "1:42: parse error: unclosed left parenthesis"},
    {"count(quantile_over_time(sum{,}[100ms], bar), 0.5) by (without, bool, "
     "job)",
     "1:30: parse error: unexpected \",\" in label matching, expected "
     "identifier or \"}\""},
    {"(bottomk by () (rate(1, offset), 1e400) * quantile_over_time(\".*\") @ "
     "-5 * foo[5m][1h][5m1h])",
     "1:34: parse error: error parsing number: strconv.ParseFloat: parsing "
     "\"1e400\": value out of range"},
    {"nan{group_left!~\"x\\u00e9\"a!='b'}",
     "1:4: parse error: unexpected \"{\""},
    {"sum{,} offset 1h % on() 0.5 >= ignoring() (inf) >= ignoring(by) "
     "group_left 0.5",
     "1:5: parse error: unexpected \",\" in label matching, expected "
     "identifier or \"}\""},
    {"rate(+bool) @ start()", "1:7: parse error: unexpected <bool>"},
    {"label_replace(on{} offset -1d @ start(), "
     "a:b{by=~\"(\",job!~`c`,group_left!~\"\\n\"})",
     "1:15: parse error: unexpected <on>"},
    {"byby='b',a=\"a\"}", "1:5: parse error: unexpected \"=\""},
    {"1e3)", "1:5: parse error: unexpected right parenthesis ')'"},
    {"time(time(a:b > foo(nan{job=~`c`,group_left=\"a\"} offset -30s, and, "
     "by{group_left!~`c`}), foo != 1e-7 * .5 > bool on[5m] @ start(), "
     "on{,}[5m]) @ 1e30)",
     "1:24: parse error: unexpected \"{\""},
    {"count by (without, bool, instance) (sort(scalar(123456789, 1, "
     "123456789[30s:1h]) @ 1e30 atan2 1e400 % \"a\"[3s500ms][0s], 5., "
     "+(Inf))[1h30m:5m] @ 1.5, ({})[30s]) @ -5",
     "1:11: parse error: unexpected <without> in grouping opts, expected "
     "label"},
    {"{(+{job!~'b'} @ end() and inf[0s:3s500ms][1d:1h][2w:3s500ms][1h30m] > 0)",
     "1:2: parse error: unexpected character inside braces: '('"},
    {"sum{a!~\"\\n\"} @ start() != ignoring() group_left(__name__, by, a) "
     "(count(nan{on!~\"x\\u00e9\"}) without (on, by)) @ st#art()",
     "1:76: parse error: unexpected \"{\" in aggregation"},
    {"on[3s500ms][3s500ms:3s500ms] @ 100 @ -5",
     "1:1: parse error: unexpected <on>"},
    {"a!nd", "1:2: parse error: unexpected character after '!': 'n'"},
    {"(foo(bool{}, on{on='b',on='b',le=~\"(\"} offset 1d[5m1h:1y], (clamp(`c`, "
     "{}))) offset -5m1h[30s][1d])",
     "1:6: parse error: unexpected <bool>"},
    {"quantile (quantile (.5, Inf[5m:3s500ms]  sum), NaN unless "
     "ignoring(group_left, without) 1e-7 offset -1h)",
     "1:42: parse error: unexpected <aggr:sum> in aggregation"},
    {"by * bool ignoring() group_left(instance) 0[5m1h]",
     "1:45: parse error: not a valid duration string: \"5m1h\""},
    {"group(a:b({job!~\"(\",a=\"a\",}, "
     "clamp(nan{__name__=~`c`,without!~'b',group_left!=\"a\"}[1d:1h])) by () "
     "atan2 a:b{job=\".*\",bool!=\"a\",} offset -100ms[3s500ms] offset 5m > "
     "(start{})[5m]",
     "1:10: parse error: unexpected \"(\" in aggregation"},
    {"label_replace(((`c`)) * bool ignoring(instance) group_left(by, by, [a) "
     "010[3s500ms], \"a\")",
     "1:68: parse error: unexpected \"[\" in grouping opts, expected label"},
    {"bottomk ((\"", "1:11: parse error: unterminated quoted string"},
    {"on{", "1:1: parse error: unexpected <on>"},
    {"foo{job!=\"x\\u00e9\",bool!~#\"\\n\",instance!=\"x\\u00e9\"}",
     "1:52: parse error: unexpected end of input inside braces"},
    {"by{instance!=\"\\n\",on=~\\n\",without!~`c`}",
     "1:23: parse error: unexpected character inside braces: '\\\\'"},
    {"0 - nan{}[1y] and round(1,-by{}) + http_requests_total * `c` or bar "
     "offset 2w[2w] @ 1.5[1y:100ms]",
     "1:8: parse error: unexpected \"{\""},
    {"\"x\\u#00e9\"",
     "1:1: parse error: illegal character U+0023 '#' in escape sequence"},
    {"{}[1h30m:1y] and on(without, bool) "
     "avg(http_requests_total{le=~\"x\\u00e9\",on!=\"a\"}, 1e400 @ end()) by "
     "(without, job) offset 1h30m",
     "1:21: parse error: unexpected <without> in grouping opts, expected "
     "label"},
    {"{on=~\"\\n\",le=~b'}",
     "1:15: parse error: unexpected identifier \"b\" in label matching, "
     "expected string"},
    {"(010 offset 5m1h) % bool (sort() offset 1d or "
     "inf{by=`c`,on!~\"(\",bool=\"a\"} > 123456789[100ms:1h])",
     "1:13: parse error: not a valid duration string: \"5m1h\""},
    {"by{}~", "1:5: parse error: unexpected character: '~'"},
    {"absent() * bool by{} % bool -bottomk without (le, without) "
     "(\"x\\u00e9\", 0x1f)",
     "1:51: parse error: unexpected <without> in grouping opts, expected "
     "label"},
    {"foo{__name__=\".*\",} / ignoring(without, on, bool) group_left(bool) "
     "foo()",
     "1:32: parse error: unexpected <without> in grouping opts, expected "
     "label"},
    {"group(istogram_quantile(by{__name__!~'b',job!~\"a\"} % 1e400 @ start(), "
     "1e3), Inf) without ()",
     "1:54: parse error: error parsing number: strconv.ParseFloat: parsing "
     "\"1e400\": value out of range"},
    {"a:=b", "1:3: parse error: unexpected \"=\""},
    {"(1e-7)+", "1:8: parse error: unexpected end of input"},
    {"(inf{})", "1:5: parse error: unexpected \"{\""},
    {"-((inf{job=~'b',bool='b',a=~\"x\\u00e9\"})) * 1e-7 @ end()",
     "1:7: parse error: unexpected \"{\""},
    {"{by=~`c`,on=\"a\",a=~`c`} unless "
     "nan{without!~'b',group_left=~\".*\",on=~\"x\\u00e9\"}[5m] @ 100 and foo "
     "/ vector()[1h30m]",
     "1:35: parse error: unexpected \"{\""},
    {"\"(", "1:1: parse error: unterminated quoted string"},
    {"vector(1e400, (0 @ end()[1h][3s500ms]) and on(bool) group_left "
     "histogram_quantile(on{}, http_requests_total @ 100 @ end(), 0), a:b{}) < "
     "{}",
     "1:8: parse error: error parsing number: strconv.ParseFloat: parsing "
     "\"1e400\": value out of range"},
    {"(inf{} unless bool{without=~'b',})[1d]",
     "1:5: parse error: unexpected \"{\""},
    {"\"(\" @ e30",
     "1:7: parse error: unexpected identifier \"e30\" in @, expected "
     "timestamp"},
    {"histogram_quantile(1e-7, (+sum(Inf) without (le))[5m1h])",
     "1:51: parse error: not a valid duration string: \"5m1h\""},
    {"bar[100ms)]", "1:11: parse error: unexpected right parenthesis ')'"},
    {"(Inf", "1:5: parse error: unclosed left parenthesis"},
    {"count_values(0.5, avg(on{by!=\"x\\u00e9\"}, "
     "nan{a!=\"\\\",on=~\"\\n\",group_left!=\"(\"} and on(without) "
     "group_left() a:b{instance!=\"(\"} > ignoring(le, __name__, group_left) "
     "on @ 1.5))",
     "1:23: parse error: unexpected <on> in aggregation"},
    {"{nstance!=\"x\\u00e9\"} <= ignoring(a, __name__) group_right(without, "
     "__name__, without) \"(\" offset -30s atan2 {le!=\"x\\u00e9\"} <= 0.5 % "
     "on() (nan)",
     "1:59: parse error: unexpected <without> in grouping opts, expected "
     "label"},
    {"\"\\n\" >= ignoring(le, instance, group_left) count withot (on) (sum == "
     "quantile_over_time()[5m], foo{without=`c`,a!=\"\\n\"})[5m1h]",
     "1:50: parse error: unexpected identifier \"withot\""},
    {"+offset{a=\".*\"}[100ms:30s", "1:26: parse error: unclosed left bracket"},
    {"stddev(on, 1e400[100ms] offset 1h * 0.5 ^ start[1y]) by () < "
     "histogram_quantile(1, ",
     "1:8: parse error: unexpected <on> in aggregation"},
    {"quantile(topk(nan{by=~\"(\",by!~`c`}, group by (without) (Inf, "
     "foo{})[0s:5m1h]) without (by, __name__) ^ bool on(instance, le) "
     "{__name__!=\"(\",job=\"\\n\",a!='b'} @ end() offset 0s, "
     "bool{job!~\".*\",without!=\".*\",bool!=\"a\"}[0s:2w]) without (by)",
     "1:18: parse error: unexpected \"{\" in aggregation"},
    {"count by (instance, on, without) ((-by[30s] @ -5)) atan2 {job!=\"\\n\"} "
     "offset 5m @ 100",
     "1:25: parse error: unexpected <without> in grouping opts, expected "
     "label"},
    {"quantile(on{group_left!~'b'}, {}) by (by, without)[1h30m] offset -5m1h",
     "1:10: parse error: unexpected <on> in aggregation"},
    {"stddev((+and), avg((nan{}) * {} offset 3s500ms and bool ignoring(bool, "
     "group_left) 0.5[1y:30s] offset 2w[1h][30s:1y][0s]) by (__name__, "
     "without, __name__) @ 1.5) by (__name__)",
     "1:24: parse error: unexpected \"{\" in aggregation"},
    {"{offset{__name__!~\"(\",}",
     "1:8: parse error: unexpected left brace '{'"},
};

INSTANTIATE_TEST_SUITE_P(Syntax, ErrorTest, ::testing::ValuesIn(kErrorCases));

}  // namespace
}  // namespace query::testing
