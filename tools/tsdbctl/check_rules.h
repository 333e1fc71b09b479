// `tsdbctl check rules [--lint=duplicate-rules|all|none] [--lint-fatal]
// FILE...`: validates rule files as `promtool check rules` (Prometheus 2.42)
// does, with the same output:
//
//   stdout  Checking FILE
//           "  SUCCESS: N rules found" (when the file is valid)
//           an empty line after each file
//   stderr  "  FAILED:" then one error per line (when it is not), e.g.
//           FILE: 8:17: group "a", rule 3, "x": invalid recording rule name: x
//
// The duplicate-rules lint (on by default) reports rules with the same name
// and labels as a failure too ("lint error N duplicate rule(s) found."),
// without changing the exit status unless --lint-fatal is given.
//
// Exit status: 0 when every file is valid; 1 when one is not, or a file does
// not exist (nothing is checked then), or on a usage error; 3 when only lint
// problems were found and --lint-fatal was given.
#ifndef TOOLS_TSDBCTL_CHECK_RULES_H_
#define TOOLS_TSDBCTL_CHECK_RULES_H_

#include <string>
#include <vector>

namespace tsdb::tsdbctl {

// The `check` subcommand: args are "rules [flags] FILE...".
int Check(const std::vector<std::string>& args);

// The check promtool's rule commands make of their FILE arguments before
// reading any: false, after printing "tsdbctl: error: path 'F' does not
// exist" to stderr, when one of them does not exist.
bool AllPathsExist(const std::vector<std::string>& paths);

}  // namespace tsdb::tsdbctl

#endif  // TOOLS_TSDBCTL_CHECK_RULES_H_
