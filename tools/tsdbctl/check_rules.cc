#include "tools/tsdbctl/check_rules.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "query/rules/rule_file.h"
#include "tsdb/absl_compat.h"

namespace tsdb::tsdbctl {
namespace {

constexpr char kUsage[] =
    "usage: tsdbctl check rules [--lint=duplicate-rules|all|none] "
    "[--lint-fatal] FILE...\n";

struct LintOptions {
  bool duplicate_rules = true;
  bool fatal = false;
};

// A rule's identity for the duplicate lint: its name and its labels.
struct RuleKey {
  std::string metric;
  query::rules::LabelPairs labels;  // sorted by name

  // Prometheus's order: name, then labels.Compare (label by label, a prefix
  // first), which is the pairs' lexicographic order.
  friend bool operator<(const RuleKey& a, const RuleKey& b) {
    if (a.metric != b.metric) return a.metric < b.metric;
    return a.labels < b.labels;
  }
  friend bool operator==(const RuleKey& a, const RuleKey& b) {
    return a.metric == b.metric && a.labels == b.labels;
  }
};

// promtool's checkDuplicates: each rule that repeats an earlier one's name
// and labels, once per distinct key.
std::vector<RuleKey> FindDuplicates(const query::rules::RuleFile& file) {
  std::vector<RuleKey> rules;
  for (const query::rules::RuleGroupConfig& g : file.groups) {
    for (const query::rules::RuleConfig& r : g.rules)
      rules.push_back({r.alert.empty() ? r.record : r.alert, r.labels});
  }
  std::sort(rules.begin(), rules.end());
  std::vector<RuleKey> duplicates;
  for (size_t i = 1; i < rules.size(); ++i) {
    if (!(rules[i - 1] == rules[i])) continue;
    if (duplicates.empty() || !(duplicates.back() == rules[i]))
      duplicates.push_back(rules[i]);
  }
  return duplicates;
}

std::string DuplicatesMessage(const std::vector<RuleKey>& duplicates) {
  std::string message = absl::StrCat("lint error ", duplicates.size(),
                                     " duplicate rule(s) found.\n");
  for (const RuleKey& d : duplicates) {
    absl::StrAppend(&message, "Metric: ", d.metric, "\nLabel(s):\n");
    for (const auto& [name, value] : d.labels)
      absl::StrAppend(&message, "\t", name, ": ", value, "\n");
  }
  absl::StrAppend(&message,
                  "Might cause inconsistency while recording expressions");
  return message;
}

// Checks one file, printing as promtool does. Returns {failed, lint only}.
std::pair<bool, bool> CheckFile(const std::string& path,
                                const LintOptions& lint) {
  std::printf("Checking %s\n", path.c_str());
  std::vector<std::string> errors;
  const query::rules::RuleFile file = query::rules::LoadRuleFile(path, &errors);
  bool lint_only = false;
  if (errors.empty() && lint.duplicate_rules) {
    if (std::vector<RuleKey> d = FindDuplicates(file); !d.empty()) {
      errors.push_back(DuplicatesMessage(d));
      lint_only = true;
    }
  }
  if (!errors.empty()) {
    std::fflush(stdout);
    std::fputs("  FAILED:\n", stderr);
    for (const std::string& e : errors) std::fprintf(stderr, "%s\n", e.c_str());
    std::fflush(stderr);
  } else {
    size_t n = 0;
    for (const query::rules::RuleGroupConfig& g : file.groups)
      n += g.rules.size();
    std::printf("  SUCCESS: %zu rules found\n", n);
  }
  std::printf("\n");
  std::fflush(stdout);
  return {!errors.empty(), lint_only};
}

// promtool's --lint values: a comma-separated list; unknown ones are warned
// about and ignored.
LintOptions ParseLint(std::string_view value, LintOptions lint) {
  lint.duplicate_rules = false;
  for (absl::string_view option : absl::StrSplit(AbslView(value), ',')) {
    if (option == "all" || option == "duplicate-rules") {
      lint.duplicate_rules = true;
    } else if (option != "none") {
      std::printf("WARNING: unknown lint option %.*s\n",
                  static_cast<int>(option.size()), option.data());
    }
  }
  return lint;
}

int CheckRules(const std::vector<std::string>& args) {
  LintOptions lint;
  std::string lint_value = "duplicate-rules";
  std::vector<std::string> files;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--lint-fatal") {
      lint.fatal = true;
    } else if (a.rfind("--lint=", 0) == 0) {
      lint_value = a.substr(7);
    } else if (a == "--lint" && i + 1 < args.size()) {
      lint_value = args[++i];
    } else if (a.size() > 1 && a[0] == '-') {
      std::fprintf(stderr, "tsdbctl: error: unknown flag %s\n%s", a.c_str(),
                   kUsage);
      return 1;
    } else {
      files.push_back(a);
    }
  }
  if (files.empty()) {
    std::fprintf(stderr,
                 "tsdbctl: error: required argument 'rule-files' not "
                 "provided\n%s",
                 kUsage);
    return 1;
  }
  if (!AllPathsExist(files)) return 1;
  lint = ParseLint(lint_value, lint);
  bool failed = false;
  bool has_errors = false;
  for (const std::string& f : files) {
    const auto [file_failed, lint_only] = CheckFile(f, lint);
    failed = failed || file_failed;
    has_errors = has_errors || (file_failed && !lint_only);
  }
  if (has_errors) return 1;
  if (failed && lint.fatal) return 3;
  return 0;
}

}  // namespace

bool AllPathsExist(const std::vector<std::string>& paths) {
  for (const std::string& path : paths) {
    struct stat st;
    if (stat(path.c_str(), &st) != 0) {
      std::fprintf(stderr, "tsdbctl: error: path '%s' does not exist\n",
                   path.c_str());
      return false;
    }
  }
  return true;
}

int Check(const std::vector<std::string>& args) {
  if (args.empty() || args[0] != "rules") {
    std::fputs(kUsage, stderr);
    return 2;
  }
  return CheckRules(std::vector<std::string>(args.begin() + 1, args.end()));
}

}  // namespace tsdb::tsdbctl
