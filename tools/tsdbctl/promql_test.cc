#include "tools/tsdbctl/promql_test.h"

#include <stdlib.h>
#include <unistd.h>

#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string_view>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "query/engine.h"
#include "query/storage.h"
#include "tools/tsdbctl/scratch_dir.h"
#include "tsdb/absl_compat.h"
#include "tsdb/db.h"
#include "tsdb/quote.h"
#include "tsdb/status_macros.h"

namespace tsdb::tsdbctl {
namespace {

constexpr int64_t kRangeCheckStepMs = 60 * 1000;
// At most this many problems are listed for one eval.
constexpr size_t kMaxProblems = 8;

// A value as Go's %v prints a float64: the shortest round-trip form, +Inf,
// -Inf, NaN.
std::string FormatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, r.ptr);
}

// What a query returned, reduced to what a script can expect.
struct Observed {
  enum class Kind { kScalar, kVector, kOther };
  Kind kind = Kind::kVector;
  double scalar = 0;
  std::vector<std::pair<Labels, double>> samples;  // in result order
  std::string other;  // for kOther: what came instead
};

Observed FromInstant(const query::QueryResult& r) {
  Observed o;
  switch (r.type) {
    case query::ValueType::kScalar:
      o.kind = Observed::Kind::kScalar;
      o.scalar = r.scalar;
      break;
    case query::ValueType::kVector:
      for (const query::VectorSample& s : r.vector)
        o.samples.emplace_back(s.labels, s.v);
      break;
    case query::ValueType::kMatrix:
      o.kind = Observed::Kind::kOther;
      o.other = "a range vector (instant evals expect no matrices)";
      break;
    case query::ValueType::kString:
      o.kind = Observed::Kind::kOther;
      o.other = absl::StrCat("string ", AbslView(QuoteGo(r.string)),
                             " (scripts cannot expect strings)");
      break;
    default:
      o.kind = Observed::Kind::kOther;
      o.other = "no value";
  }
  return o;
}

// The points at time t of a range query's result, as Prometheus's runner
// collects them; a scalar instant result is compared with the first one.
Observed FromRangeAt(const query::QueryResult& r, int64_t t,
                     bool instant_was_scalar) {
  Observed o;
  for (const query::Series& s : r.matrix) {
    for (const Sample& p : s.points) {
      if (p.t == t) {
        o.samples.emplace_back(s.labels, p.v);
        break;
      }
    }
  }
  if (instant_was_scalar) {
    if (o.samples.empty()) {
      o.kind = Observed::Kind::kOther;
      o.other = "no point at the evaluation time";
    } else {
      o.kind = Observed::Kind::kScalar;
      o.scalar = o.samples.front().second;
      o.samples.clear();
    }
  }
  return o;
}

std::string Describe(const Labels& labels, double v) {
  return absl::StrCat(labels.ToString(), " ", FormatValue(v));
}

void CompareVector(const EvalCommand& eval, const Observed& got,
                   std::vector<std::string>* problems) {
  const bool ordered = eval.mode == EvalCommand::Mode::kOrdered;
  std::vector<bool> seen(eval.samples.size(), false);
  for (size_t pos = 0; pos < got.samples.size(); ++pos) {
    const auto& [labels, v] = got.samples[pos];
    size_t e = 0;
    while (e < eval.samples.size() && eval.samples[e].labels != labels) ++e;
    if (e == eval.samples.size()) {
      problems->push_back(absl::StrCat("unexpected ", Describe(labels, v)));
      continue;
    }
    const ExpectedSample& exp = eval.samples[e];
    seen[e] = true;
    if (ordered && exp.position != static_cast<int>(pos) + 1) {
      problems->push_back(absl::StrCat(labels.ToString(), " at position ",
                                       pos + 1, ", expected at ",
                                       exp.position));
    }
    if (!AlmostEqual(exp.value, v)) {
      problems->push_back(absl::StrCat(labels.ToString(), ": expected ",
                                       FormatValue(exp.value), ", got ",
                                       FormatValue(v)));
    }
  }
  for (size_t e = 0; e < eval.samples.size(); ++e) {
    if (seen[e]) continue;
    problems->push_back(absl::StrCat(
        "missing ", Describe(eval.samples[e].labels, eval.samples[e].value)));
  }
}

// What differs between the expectation and `got`; empty if they agree.
std::vector<std::string> Compare(const EvalCommand& eval, const Observed& got) {
  std::vector<std::string> problems;
  if (got.kind == Observed::Kind::kOther) {
    problems.push_back(absl::StrCat("got ", got.other));
  } else if (eval.expect_scalar) {
    if (got.kind == Observed::Kind::kScalar) {
      if (!AlmostEqual(eval.scalar, got.scalar)) {
        problems.push_back(absl::StrCat("expected scalar ",
                                        FormatValue(eval.scalar), ", got ",
                                        FormatValue(got.scalar)));
      }
    } else {
      std::vector<std::string> items;
      for (const auto& [labels, v] : got.samples)
        items.push_back(Describe(labels, v));
      problems.push_back(
          absl::StrCat("expected scalar ", FormatValue(eval.scalar),
                       ", got vector [", absl::StrJoin(items, ", "), "]"));
    }
  } else if (got.kind == Observed::Kind::kScalar) {
    problems.push_back(absl::StrCat(
        eval.samples.empty() ? "expected an empty vector" : "expected a vector",
        ", got scalar ", FormatValue(got.scalar)));
  } else {
    CompareVector(eval, got, &problems);
  }
  return problems;
}

std::string JoinProblems(std::vector<std::string> problems) {
  const size_t n = problems.size();
  if (n > kMaxProblems) {
    problems.resize(kMaxProblems);
    problems.push_back(absl::StrCat("and ", n - kMaxProblems, " more"));
  }
  return absl::StrJoin(problems, "; ");
}

// Runs one eval; returns "" when it passes, otherwise what went wrong.
std::string RunEval(const query::Engine& engine, const query::Storage& storage,
                    const EvalCommand& eval) {
  absl::StatusOr<query::QueryResult> instant =
      engine.InstantQuery(storage, eval.expr, eval.time_ms);
  if (eval.mode == EvalCommand::Mode::kFail) {
    if (!instant.ok()) return "";
    return "expected an error, got none";
  }
  if (!instant.ok()) return absl::StrCat("error: ", instant.status().message());
  const Observed got = FromInstant(*instant);
  if (std::vector<std::string> p = Compare(eval, got); !p.empty())
    return JoinProblems(std::move(p));

  absl::StatusOr<query::QueryResult> range =
      engine.RangeQuery(storage, eval.expr, eval.time_ms - kRangeCheckStepMs,
                        eval.time_ms + kRangeCheckStepMs, kRangeCheckStepMs);
  if (!range.ok()) {
    return absl::StrCat("range mode: error: ", range.status().message());
  }
  if (eval.mode == EvalCommand::Mode::kOrdered) return "";
  const Observed at_t =
      FromRangeAt(*range, eval.time_ms, got.kind == Observed::Kind::kScalar);
  if (std::vector<std::string> p = Compare(eval, at_t); !p.empty())
    return absl::StrCat("range mode: ", JoinProblems(std::move(p)));
  return "";
}

// A fresh, empty database in a directory of its own, for one script.
class ScratchDb {
 public:
  ~ScratchDb() { Close(); }

  absl::Status Open(const std::string& base) {
    Close();
    dir_ = absl::StrCat(base, "/db", generation_++);
    Options options;
    options.background_maintenance = false;
    options.retention_time = absl::ZeroDuration();
    options.log = [](std::string_view) {};
    ASSIGN_OR_RETURN(db_, Db::Open(dir_, options));
    storage_ = query::StorageFromDb(db_.get());
    return absl::OkStatus();
  }

  Db* db() { return db_.get(); }
  const query::Storage& storage() const { return *storage_; }

 private:
  void Close() {
    storage_.reset();
    if (db_ != nullptr) {
      (void)db_->Close();  // a scratch store: nothing to keep
      db_.reset();
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
  }

  std::string dir_;
  int generation_ = 0;
  std::unique_ptr<Db> db_;
  std::unique_ptr<query::Storage> storage_;
};

absl::Status Load(Db* db, const LoadCommand& load) {
  std::unique_ptr<Appender> app = db->NewAppender();
  for (const LoadedSeries& s : load.series) {
    if (s.timestamps.empty()) continue;
    ASSIGN_OR_RETURN(SeriesRef ref,
                     app->Append(s.labels, s.timestamps[0], s.values[0]));
    for (size_t i = 1; i < s.timestamps.size(); ++i)
      RETURN_IF_ERROR(app->Append(ref, s.timestamps[i], s.values[i]));
  }
  return app->Commit();
}

class ScriptRun {
 public:
  ScriptRun(const std::string& path, std::FILE* out) : path_(path), out_(out) {}

  PromqlTestCounts Run(const Script& script) {
    ScratchDir tmp("tsdbctl-promql");
    if (tmp.path().empty())
      return Fatal(0, "cannot create a temporary directory");
    if (absl::Status st = db_.Open(tmp.path()); !st.ok())
      return Fatal(0, absl::StrCat("cannot open a database: ", st.message()));
    for (const ScriptCommand& command : script.commands) {
      if (const auto* eval = std::get_if<EvalCommand>(&command)) {
        Eval(*eval);
      } else if (const auto* load = std::get_if<LoadCommand>(&command)) {
        if (absl::Status st = Load(db_.db(), *load); !st.ok())
          Fail(load->line, absl::StrCat("load: ", st.message()));
      } else if (const auto* clear = std::get_if<ClearCommand>(&command)) {
        if (absl::Status st = db_.Open(tmp.path()); !st.ok())
          return Fatal(clear->line, absl::StrCat("clear: ", st.message()));
      }
    }
    return counts_;
  }

  PromqlTestCounts Fatal(int line, const std::string& message) {
    Fail(line, message);
    return counts_;
  }

 private:
  void Eval(const EvalCommand& eval) {
    const std::string problem = RunEval(engine_, db_.storage(), eval);
    if (problem.empty()) {
      ++counts_.passed;
      return;
    }
    Fail(eval.line, absl::StrCat(eval.expr, " (at ", eval.at, "): ", problem));
  }

  void Fail(int line, const std::string& message) {
    ++counts_.failed;
    if (line > 0) {
      std::fprintf(out_, "%s:%d: %s\n", path_.c_str(), line, message.c_str());
    } else {
      std::fprintf(out_, "%s: %s\n", path_.c_str(), message.c_str());
    }
  }

  const std::string& path_;
  std::FILE* out_;
  query::Engine engine_;
  ScratchDb db_;
  PromqlTestCounts counts_;
};

}  // namespace

bool AlmostEqual(double a, double b) {
  if (std::isnan(a) && std::isnan(b)) return true;
  if (a == b) return true;
  // The smallest positive normal double.
  constexpr double kMinNormal = 2.2250738585072014e-308;
  constexpr double kEpsilon = 1e-6;
  const double diff = std::fabs(a - b);
  if (a == 0 || b == 0 || diff < kMinNormal)
    return diff < kEpsilon * kMinNormal;
  return diff / (std::fabs(a) + std::fabs(b)) < kEpsilon;
}

PromqlTestCounts RunPromqlTestFile(const std::string& path, std::FILE* out) {
  ScriptRun run(path, out);
  std::ifstream in(path, std::ios::binary);
  if (!in) return run.Fatal(0, "cannot read the file");
  std::stringstream text;
  text << in.rdbuf();
  Script script;
  ScriptError error;
  if (!ParseScript(text.str(), &script, &error))
    return run.Fatal(error.line, error.message);
  return run.Run(script);
}

int Test(const std::vector<std::string>& args) {
  if (args.empty() || args[0] != "promql" || args.size() < 2) {
    std::fputs("usage: tsdbctl test promql FILE...\n", stderr);
    return 2;
  }
  PromqlTestCounts total;
  for (size_t i = 1; i < args.size(); ++i) {
    const PromqlTestCounts c = RunPromqlTestFile(args[i], stdout);
    total.passed += c.passed;
    total.failed += c.failed;
  }
  std::printf("%d passed, %d failed\n", total.passed, total.failed);
  std::fflush(stdout);
  return total.failed == 0 ? 0 : 1;
}

}  // namespace tsdb::tsdbctl
