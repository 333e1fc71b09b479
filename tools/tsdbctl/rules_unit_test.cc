#include "tools/tsdbctl/rules_unit_test.h"

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "query/engine.h"
#include "query/rules/group.h"
#include "query/rules/rule_file.h"
#include "query/storage.h"
#include "tools/tsdbctl/check_rules.h"
#include "tools/tsdbctl/promql_script.h"
#include "tools/tsdbctl/rules_unit_test_file.h"
#include "tools/tsdbctl/scratch_dir.h"
#include "tsdb/absl_compat.h"
#include "tsdb/db.h"
#include "tsdb/prom_duration.h"
#include "tsdb/quote.h"
#include "tsdb/status_macros.h"

namespace tsdb::tsdbctl {
namespace {

constexpr int64_t kDefaultIntervalMs = 60'000;

// Go's time.Duration.String for a whole number of milliseconds: "0s",
// "500ms", "1m0s", "1h2m3.5s".
std::string GoDurationString(int64_t ms) {
  if (ms == 0) return "0s";
  std::string sign = ms < 0 ? "-" : "";
  uint64_t u = ms < 0 ? -static_cast<uint64_t>(ms) : ms;
  if (u < 1000) return absl::StrCat(sign, u, "ms");
  std::string out = sign;
  const uint64_t h = u / 3'600'000, m = u / 60'000 % 60;
  const uint64_t s = u / 1000 % 60, frac = u % 1000;
  if (h > 0) absl::StrAppend(&out, h, "h");
  if (h > 0 || m > 0) absl::StrAppend(&out, m, "m");
  absl::StrAppend(&out, s);
  if (frac > 0) {
    std::string f = absl::StrCat(1000 + frac).substr(1);
    while (f.back() == '0') f.pop_back();
    absl::StrAppend(&out, ".", f);
  }
  return out + "s";
}

// Go's strconv.FormatFloat(v, 'E', -1, 64): "0E+00", "1.5E-30", "NaN".
std::string FormatFloatE(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  const auto r =
      std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  std::string s(buf, r.ptr);
  for (char& c : s) {
    if (c == 'e') c = 'E';
  }
  return s;
}

Labels ToLabels(const StringPairs& pairs) {
  std::vector<Label> views;
  for (const auto& [name, value] : pairs) {
    if (!name.empty()) views.push_back({name, value});
  }
  std::sort(views.begin(), views.end(),
            [](const Label& a, const Label& b) { return a.name < b.name; });
  views.erase(std::unique(views.begin(), views.end(),
                          [](const Label& a, const Label& b) {
                            return a.name == b.name;
                          }),
              views.end());
  return Labels::FromSortedUnchecked(views);
}

// Go's filepath.Clean.
std::string CleanPath(const std::string& path) {
  if (path.empty()) return ".";
  const bool rooted = path[0] == '/';
  std::vector<std::string> parts;
  for (absl::string_view p : absl::StrSplit(path, '/')) {
    if (p.empty() || p == ".") continue;
    if (p == "..") {
      if (!parts.empty() && parts.back() != "..") {
        parts.pop_back();
      } else if (!rooted) {
        parts.push_back("..");
      }
      continue;
    }
    parts.emplace_back(p);
  }
  std::string out = (rooted ? "/" : "") + absl::StrJoin(parts, "/");
  return out.empty() ? "." : out;
}

std::string DirName(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return CleanPath(path.substr(0, slash + 1));
}

// One alert as compared: labels and annotations.
using AlertPair = std::pair<Labels, Labels>;

void SortAlerts(std::vector<AlertPair>* alerts) {
  std::sort(alerts->begin(), alerts->end(),
            [](const AlertPair& a, const AlertPair& b) {
              if (int c = Compare(a.first, b.first); c != 0) return c < 0;
              return Compare(a.second, b.second) < 0;
            });
}

// Prefixes every line but the first with `indent` (promtool's indentLines).
std::string IndentLines(const std::string& lines, const std::string& indent) {
  std::vector<std::string> parts = absl::StrSplit(lines, '\n');
  for (size_t i = 1; i < parts.size(); ++i) parts[i] = indent + parts[i];
  return absl::StrJoin(parts, "\n");
}

std::string AlertsString(const std::vector<AlertPair>& alerts) {
  if (alerts.empty()) return "[]";
  std::string s = "[";
  for (size_t i = 0; i < alerts.size(); ++i) {
    absl::StrAppend(
        &s, i == 0 ? "\n" : ",\n", i, ":",
        IndentLines(absl::StrCat("\nLabels:", alerts[i].first.ToString(),
                                 "\nAnnotations:", alerts[i].second.ToString()),
                    "  "));
  }
  return s + "\n]";
}

using SamplePair = std::pair<Labels, double>;

std::string SamplesString(const std::vector<SamplePair>& samples) {
  if (samples.empty()) return "nil";
  std::vector<std::string> parts;
  for (const auto& [labels, v] : samples)
    parts.push_back(absl::StrCat(labels.ToString(), " ", FormatFloatE(v)));
  return absl::StrJoin(parts, ", ");
}

void SortSamples(std::vector<SamplePair>* samples) {
  std::stable_sort(samples->begin(), samples->end(),
                   [](const SamplePair& a, const SamplePair& b) {
                     return Compare(a.first, b.first) < 0;
                   });
}

bool SamplesEqual(const std::vector<SamplePair>& a,
                  const std::vector<SamplePair>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    // Exact, as Go's reflect.DeepEqual compares floats: NaN != NaN.
    if (a[i].first != b[i].first || !(a[i].second == b[i].second)) return false;
  }
  return true;
}

// Runs one test group of a file.
class GroupRun {
 public:
  GroupRun(const UnitTestGroup& tg, int64_t eval_interval_ms,
           const std::map<std::string, int>& group_order,
           const std::vector<std::string>& rule_files)
      : tg_(tg),
        eval_interval_ms_(eval_interval_ms),
        group_order_(group_order),
        rule_files_(rule_files) {}

  std::vector<std::string> Run() {
    ScratchDir tmp("tsdbctl-rules");
    if (tmp.path().empty()) return {"cannot create a temporary directory"};
    Options options;
    options.background_maintenance = false;
    options.retention_time = absl::ZeroDuration();
    options.log = [](std::string_view) {};
    absl::StatusOr<std::unique_ptr<Db>> db =
        Db::Open(absl::StrCat(tmp.path(), "/db"), options);
    if (!db.ok())
      return {absl::StrCat("cannot open a database: ", db.status().message())};
    db_ = std::move(*db);
    storage_ = query::StorageFromDb(db_.get());
    std::vector<std::string> errs = RunWithDb();
    groups_.clear();
    storage_.reset();
    (void)db_->Close();  // a scratch store: nothing to keep
    db_.reset();
    return errs;
  }

 private:
  absl::Status LoadSeries() {
    const int64_t step = tg_.interval_ms;
    std::unique_ptr<Appender> app = db_->NewAppender();
    for (const UnitTestSeries& s : tg_.input_series) {
      ASSIGN_OR_RETURN(SeriesDescription desc,
                       ParseSeriesDescription(s.series + " " + s.values));
      for (size_t k = 0; k < desc.values.size(); ++k) {
        if (desc.values[k].omitted) continue;
        RETURN_IF_ERROR(app->Append(desc.labels, static_cast<int64_t>(k) * step,
                                    desc.values[k].value)
                            .status());
        // Without an interval every value falls on time 0; the first wins.
        if (step == 0) break;
      }
    }
    return app->Commit();
  }

  // Loads the rule files as the rule manager does: the first file with
  // errors stops loading, with all of that file's errors.
  std::vector<std::string> LoadGroups() {
    std::vector<query::rules::RuleGroupConfig> configs;
    for (const std::string& f : rule_files_) {
      std::vector<std::string> errors;
      query::rules::RuleFile file = query::rules::LoadRuleFile(f, &errors);
      if (!errors.empty()) return errors;
      for (query::rules::RuleGroupConfig& g : file.groups)
        configs.push_back(std::move(g));
    }
    std::stable_sort(configs.begin(), configs.end(),
                     [this](const query::rules::RuleGroupConfig& a,
                            const query::rules::RuleGroupConfig& b) {
                       return OrderOf(a.name) < OrderOf(b.name);
                     });
    query::rules::GroupOptions options;
    options.engine = &engine_;
    options.storage = storage_.get();
    options.db = db_.get();
    options.external_labels = tg_.external_labels;
    options.external_url = tg_.external_url;
    options.default_interval_ms =
        tg_.interval_ms != 0 ? tg_.interval_ms : eval_interval_ms_;
    for (query::rules::RuleGroupConfig& c : configs) {
      groups_.push_back(
          std::make_unique<query::rules::Group>(std::move(c), options));
    }
    return {};
  }

  int OrderOf(const std::string& group) const {
    auto it = group_order_.find(group);
    return it == group_order_.end() ? 0 : it->second;
  }

  std::vector<std::string> RunWithDb() {
    if (absl::Status st = LoadSeries(); !st.ok())
      return {std::string(st.message())};
    if (std::vector<std::string> errs = LoadGroups(); !errs.empty())
      return errs;

    std::map<int64_t, std::vector<const AlertTestCase*>> alert_tests;
    int64_t max_eval = 0;
    for (const AlertTestCase& t : tg_.alert_rule_tests) {
      if (t.alertname.empty()) {
        std::string in_group;
        if (!tg_.name.empty())
          in_group = absl::StrCat(" (in TestGroup ", tg_.name, ")");
        return {absl::StrCat(
            "an item under alert_rule_test misses required attribute "
            "alertname at eval_time ",
            FormatPromDuration(t.eval_time_ms), in_group)};
      }
      alert_tests[t.eval_time_ms].push_back(&t);
      max_eval = std::max(max_eval, t.eval_time_ms);
    }
    for (const PromqlTestCase& t : tg_.promql_expr_tests)
      max_eval = std::max(max_eval, t.eval_time_ms);

    std::vector<std::string> errs;
    auto next = alert_tests.begin();
    for (int64_t ts = 0; ts <= max_eval; ts += eval_interval_ms_) {
      std::vector<std::string> eval_errs;
      for (const auto& g : groups_) {
        g->Eval(ts);
        for (const query::rules::RuleStatus& r : g->Status().rules) {
          if (r.health != query::rules::RuleHealth::kErr) continue;
          eval_errs.push_back(absl::StrCat("    rule: ", r.name,
                                           ", time: ", GoDurationString(ts),
                                           ", err: ", r.last_error));
        }
      }
      if (!eval_errs.empty()) {
        errs.insert(errs.end(), eval_errs.begin(), eval_errs.end());
        return errs;
      }
      // Alert tests with ts <= eval_time < ts + interval see this evaluation.
      while (next != alert_tests.end() && ts <= next->first &&
             next->first < ts + eval_interval_ms_) {
        CheckAlerts(next->second, &errs);
        ++next;
      }
    }
    for (const PromqlTestCase& t : tg_.promql_expr_tests) CheckExpr(t, &errs);
    return errs;
  }

  void CheckAlerts(const std::vector<const AlertTestCase*>& tests,
                   std::vector<std::string>* errs) {
    std::set<std::string> names;
    for (const AlertTestCase* t : tests) names.insert(t->alertname);
    std::map<std::string, std::vector<AlertPair>> got;
    for (const auto& g : groups_) {
      for (const query::rules::RuleStatus& r : g->Status().rules) {
        if (r.type != query::rules::RuleStatus::Type::kAlerting) continue;
        if (!names.count(r.name)) continue;
        std::vector<AlertPair>& out = got[r.name];
        for (const query::rules::Alert& a : r.alerts) {
          if (a.state == query::rules::AlertState::kFiring)
            out.emplace_back(a.labels, a.annotations);
        }
      }
    }
    for (const AlertTestCase* t : tests) {
      std::vector<AlertPair> got_alerts = got[t->alertname];
      std::vector<AlertPair> exp_alerts;
      for (const ExpectedAlert& e : t->exp_alerts) {
        StringPairs labels = e.labels;
        labels.erase(std::remove_if(
                         labels.begin(), labels.end(),
                         [](const auto& p) { return p.first == "alertname"; }),
                     labels.end());
        labels.emplace_back("alertname", t->alertname);
        exp_alerts.emplace_back(ToLabels(labels), ToLabels(e.annotations));
      }
      SortAlerts(&got_alerts);
      SortAlerts(&exp_alerts);
      if (got_alerts == exp_alerts) continue;
      std::string name;
      if (!tg_.name.empty()) name = absl::StrCat("    name: ", tg_.name, ",\n");
      const std::string indent(12, ' ');
      errs->push_back(absl::StrCat(
          name, "    alertname: ", t->alertname,
          ", time: ", FormatPromDuration(t->eval_time_ms),
          ", \n        exp:", IndentLines(AlertsString(exp_alerts), indent),
          ", \n        got:", IndentLines(AlertsString(got_alerts), indent)));
    }
  }

  void CheckExpr(const PromqlTestCase& t, std::vector<std::string>* errs) {
    const std::string head =
        absl::StrCat("    expr: ", AbslView(QuoteGo(t.expr)),
                     ", time: ", FormatPromDuration(t.eval_time_ms));
    absl::StatusOr<query::QueryResult> r =
        engine_.InstantQuery(*storage_, t.expr, t.eval_time_ms);
    std::vector<SamplePair> got;
    if (r.ok()) {
      if (r->type == query::ValueType::kVector) {
        for (const query::VectorSample& s : r->vector)
          got.emplace_back(s.labels, s.v);
      } else if (r->type == query::ValueType::kScalar) {
        got.emplace_back(Labels(), r->scalar);
      } else {
        r = absl::InvalidArgumentError("rule result is not a vector or scalar");
      }
    }
    if (!r.ok()) {
      errs->push_back(absl::StrCat(head, ", err: ", r.status().message()));
      return;
    }
    std::vector<SamplePair> exp;
    for (const ExpectedSampleSpec& s : t.exp_samples) {
      absl::StatusOr<SeriesDescription> d = ParseSeriesDescription(s.labels);
      if (!d.ok()) {
        errs->push_back(absl::StrCat(head, ", err: labels ",
                                     AbslView(QuoteGo(s.labels)), ": ",
                                     d.status().message()));
        return;
      }
      exp.emplace_back(d->labels, s.value);
    }
    SortSamples(&exp);
    SortSamples(&got);
    if (SamplesEqual(exp, got)) return;
    errs->push_back(absl::StrCat(head, ",\n        exp: ", SamplesString(exp),
                                 "\n        got: ", SamplesString(got)));
  }

  const UnitTestGroup& tg_;
  const int64_t eval_interval_ms_;
  const std::map<std::string, int>& group_order_;
  const std::vector<std::string>& rule_files_;
  query::Engine engine_;
  std::unique_ptr<Db> db_;
  std::unique_ptr<query::Storage> storage_;
  std::vector<std::unique_ptr<query::rules::Group>> groups_;
};

// rule_files resolved against the test file's directory and globbed, each
// pattern's matches in order; a pattern without matches is warned about.
std::vector<std::string> ResolveRuleFiles(const UnitTestFile& file,
                                          const std::string& base_dir,
                                          std::vector<std::string>* errs) {
  std::vector<std::string> out;
  for (const std::string& raw : file.rule_files) {
    std::string pattern = raw;
    if (!raw.empty() && raw[0] != '/')
      pattern = CleanPath(absl::StrCat(base_dir, "/", raw));
    std::vector<std::string> pattern_errors;
    std::vector<std::string> matches =
        query::rules::ExpandRuleFileGlobs({pattern}, "", &pattern_errors);
    if (!pattern_errors.empty()) {
      errs->push_back("syntax error in pattern");
      return {};
    }
    if (matches.empty()) {
      std::fflush(stdout);
      std::fprintf(stderr, "  WARNING: no file match pattern %s\n",
                   pattern.c_str());
      std::fflush(stderr);
    }
    out.insert(out.end(), matches.begin(), matches.end());
  }
  return out;
}

}  // namespace

std::vector<std::string> RunRulesUnitTestFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {absl::StrCat("open ", path, ": ", std::strerror(errno))};
  std::stringstream text;
  text << in.rdbuf();
  absl::StatusOr<UnitTestFile> file = ParseUnitTestFile(text.str());
  if (!file.ok()) return {std::string(file.status().message())};
  std::vector<std::string> errs;
  const std::vector<std::string> rule_files =
      ResolveRuleFiles(*file, DirName(path), &errs);
  if (!errs.empty()) return errs;
  const int64_t eval_interval = file->evaluation_interval_ms != 0
                                    ? file->evaluation_interval_ms
                                    : kDefaultIntervalMs;
  std::map<std::string, int> group_order;
  for (size_t i = 0; i < file->group_eval_order.size(); ++i) {
    const std::string& g = file->group_eval_order[i];
    if (!group_order.emplace(g, static_cast<int>(i)).second)
      return {absl::StrCat("group name repeated in evaluation order: ", g)};
  }
  for (const UnitTestGroup& tg : file->tests) {
    GroupRun run(tg, eval_interval, group_order, rule_files);
    std::vector<std::string> group_errs = run.Run();
    errs.insert(errs.end(), group_errs.begin(), group_errs.end());
  }
  return errs;
}

int TestRules(const std::vector<std::string>& files) {
  if (files.empty()) {
    std::fputs(
        "tsdbctl: error: required argument 'test-rule-file' not provided\n"
        "usage: tsdbctl test rules FILE...\n",
        stderr);
    return 1;
  }
  if (!AllPathsExist(files)) return 1;
  bool failed = false;
  for (const std::string& f : files) {
    std::printf("Unit Testing:  %s\n", f.c_str());
    std::fflush(stdout);
    const std::vector<std::string> errs = RunRulesUnitTestFile(f);
    if (errs.empty()) {
      std::printf("  SUCCESS\n");
    } else {
      failed = true;
      std::fputs("  FAILED:\n", stderr);
      for (const std::string& e : errs) {
        std::fprintf(stderr, "%s\n", e.c_str());
        std::fflush(stderr);
        std::printf("\n");
        std::fflush(stdout);
      }
    }
    std::printf("\n");
    std::fflush(stdout);
  }
  return failed ? 1 : 0;
}

}  // namespace tsdb::tsdbctl
