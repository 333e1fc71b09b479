// tsdbctl: inspect, import, export and query a tsdb data directory; run
// PromQL test scripts; check rule files and run their unit tests.
#include <cstdio>
#include <string>
#include <vector>

#include "tools/tsdbctl/check_rules.h"
#include "tools/tsdbctl/commands.h"
#include "tools/tsdbctl/promql_test.h"
#include "tools/tsdbctl/rules_unit_test.h"

namespace {

constexpr char kUsage[] =
    "usage: tsdbctl COMMAND [ARGS]\n"
    "\n"
    "  inspect DIR                     series, samples, chunks, bytes/sample, "
    "cardinalities\n"
    "  import DIR FILE                 backfill from Prometheus text or "
    "OpenMetrics (with\n"
    "                                  timestamps); FILE may be - for standard "
    "input\n"
    "  export DIR --match SELECTOR [--start T] [--end T]\n"
    "                                  print the series as text exposition "
    "with timestamps\n"
    "                                  (T: RFC 3339 or Unix seconds)\n"
    "  query DIR EXPR [--time T | --start T --end T --step D] [--repeat N]\n"
    "                                  evaluate PromQL, print as promtool "
    "does\n"
    "  test promql FILE...             run PromQL test scripts (load/eval); "
    "prints\n"
    "                                  FILE:LINE: for each failing eval\n"
    "  check rules [--lint=duplicate-rules|all|none] [--lint-fatal] FILE...\n"
    "                                  validate rule files, as promtool "
    "check rules\n"
    "  test rules FILE...              run rule unit tests, as promtool test "
    "rules\n";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  const std::string command = argv[1];
  const std::vector<std::string> args(argv + 2, argv + argc);
  if (command == "inspect") return tsdb::tsdbctl::Inspect(args);
  if (command == "import") return tsdb::tsdbctl::Import(args);
  if (command == "export") return tsdb::tsdbctl::Export(args);
  if (command == "query") return tsdb::tsdbctl::Query(args);
  if (command == "check") return tsdb::tsdbctl::Check(args);
  if (command == "test" && !args.empty() && args[0] == "rules") {
    return tsdb::tsdbctl::TestRules(
        std::vector<std::string>(args.begin() + 1, args.end()));
  }
  if (command == "test") return tsdb::tsdbctl::Test(args);
  if (command == "help" || command == "--help" || command == "-h") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  std::fprintf(stderr, "tsdbctl: unknown command %s\n\n%s", command.c_str(),
               kUsage);
  return 2;
}
