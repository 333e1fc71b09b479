#include "tools/tsdbctl/rules_unit_test_file.h"

#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <set>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tsdb/absl_compat.h"
#include "tsdb/prom_duration.h"
#include "tsdb/quote.h"
#include "yaml-cpp/yaml.h"

namespace tsdb::tsdbctl {
namespace {

int Line(const YAML::Node& n) { return n.Mark().line + 1; }

bool IsDecimalFloat(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  size_t i = 0, digits = 0;
  while (i < s.size() && isdigit(static_cast<unsigned char>(s[i])))
    ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && isdigit(static_cast<unsigned char>(s[i])))
      ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    const size_t start = i;
    while (i < s.size() && isdigit(static_cast<unsigned char>(s[i]))) ++i;
    if (i == start) return false;
  }
  return i == s.size();
}

// A plain scalar's YAML 1.1 value as a number, the way yaml.v2 resolves
// !!int and !!float; nullopt for anything else.
std::optional<double> PlainNumber(const YAML::Node& n) {
  if (!n.IsScalar() || n.Tag() != "?") return std::nullopt;
  const std::string& s = n.Scalar();
  static const std::map<std::string, double> kSpecial = {
      {".inf", HUGE_VAL},   {".Inf", HUGE_VAL},   {".INF", HUGE_VAL},
      {"+.inf", HUGE_VAL},  {"+.Inf", HUGE_VAL},  {"+.INF", HUGE_VAL},
      {"-.inf", -HUGE_VAL}, {"-.Inf", -HUGE_VAL}, {"-.INF", -HUGE_VAL},
      {".nan", NAN},        {".NaN", NAN},        {".NAN", NAN}};
  if (auto it = kSpecial.find(s); it != kSpecial.end()) return it->second;
  if (IsDecimalFloat(s)) return std::strtod(s.c_str(), nullptr);
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
      s.find_first_not_of("0123456789abcdefABCDEF", 2) == std::string::npos)
    return static_cast<double>(std::strtoll(s.c_str(), nullptr, 16));
  return std::nullopt;
}

std::string ShortTag(const YAML::Node& n) {
  if (n.IsMap()) return "!!map";
  if (n.IsSequence()) return "!!seq";
  if (n.IsNull()) return "!!null";
  if (n.Tag() != "?") return "!!str";
  const std::string& s = n.Scalar();
  static const std::set<std::string> kBools = {
      "y",  "Y",  "yes",  "Yes",  "YES",  "n",     "N",     "no",
      "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
      "on", "On", "ON",   "off",  "Off",  "OFF"};
  if (kBools.count(s)) return "!!bool";
  if (std::optional<double> v = PlainNumber(n)) {
    return s.find_first_of(".eEnN") == std::string::npos ? "!!int" : "!!float";
  }
  return "!!str";
}

// yaml.v2 strict decoding into unittest.go's types.
class Decoder {
 public:
  absl::Status Result() const {
    if (!abort_.empty()) return absl::InvalidArgumentError(abort_);
    if (errors_.empty()) return absl::OkStatus();
    return absl::InvalidArgumentError(absl::StrCat(
        "yaml: unmarshal errors:\n  ", absl::StrJoin(errors_, "\n  ")));
  }

  void File(const YAML::Node& n, UnitTestFile* f) {
    Struct(n, "main.unitTestFile",
           {{"rule_files",
             [&](const YAML::Node& v) { Strings(v, &f->rule_files); }},
            {"evaluation_interval",
             [&](const YAML::Node& v) {
               Duration(v, &f->evaluation_interval_ms);
             }},
            {"group_eval_order",
             [&](const YAML::Node& v) { Strings(v, &f->group_eval_order); }},
            {"tests", [&](const YAML::Node& v) {
               List(
                   v, "[]main.testGroup", &f->tests,
                   [&](const YAML::Node& e, UnitTestGroup* g) { Group(e, g); });
             }}});
  }

 private:
  using Fields = std::map<std::string, std::function<void(const YAML::Node&)>>;

  void TypeError(const YAML::Node& n, std::string_view type) {
    const std::string tag = ShortTag(n);
    std::string value;
    if (tag != "!!seq" && tag != "!!map") {
      std::string text = n.IsScalar() ? n.Scalar() : "";
      if (text.size() > 10) text = text.substr(0, 7) + "...";
      value = absl::StrCat(" `", text, "`");
    }
    errors_.push_back(absl::StrCat("line ", Line(n), ": cannot unmarshal ", tag,
                                   value, " into ", AbslView(type)));
  }

  // A mapping into a struct or map: false when it is not one, or repeats a
  // key (yaml.v2's strict mode).
  bool Mapping(const YAML::Node& n, std::string_view type) {
    if (!n.IsMap()) {
      TypeError(n, type);
      return false;
    }
    std::map<std::string, int> seen;
    bool ok = true;
    for (auto it = n.begin(); it != n.end(); ++it) {
      if (!it->first.IsScalar()) continue;
      if (!seen.emplace(it->first.Scalar(), Line(it->first)).second) {
        errors_.push_back(absl::StrCat("line ", Line(it->first), ": key ",
                                       AbslView(QuoteGo(it->first.Scalar())),
                                       " already set in map"));
        ok = false;
      }
    }
    return ok;
  }

  void Struct(const YAML::Node& n, std::string_view type,
              const Fields& fields) {
    if (n.IsNull() || !abort_.empty()) return;
    if (!Mapping(n, type)) return;
    for (auto it = n.begin(); it != n.end() && abort_.empty(); ++it) {
      const std::string key = it->first.IsScalar() ? it->first.Scalar() : "";
      auto f = fields.find(key);
      if (f == fields.end()) {
        errors_.push_back(absl::StrCat("line ", Line(it->first), ": field ",
                                       key, " not found in type ",
                                       AbslView(type)));
        continue;
      }
      f->second(it->second);
    }
  }

  template <typename T, typename F>
  void List(const YAML::Node& n, std::string_view type, std::vector<T>* out,
            F element) {
    if (n.IsNull()) return;
    if (!n.IsSequence()) {
      TypeError(n, type);
      return;
    }
    for (auto it = n.begin(); it != n.end() && abort_.empty(); ++it)
      element(*it, &out->emplace_back());
  }

  void String(const YAML::Node& n, std::string* out) {
    if (n.IsNull()) return;
    if (!n.IsScalar()) return TypeError(n, "string");
    *out = n.Scalar();
  }

  void Strings(const YAML::Node& n, std::vector<std::string>* out) {
    List(n, "[]string", out,
         [&](const YAML::Node& e, std::string* s) { String(e, s); });
  }

  void Float(const YAML::Node& n, double* out) {
    if (n.IsNull()) return;
    if (std::optional<double> v = PlainNumber(n)) {
      *out = *v;
      return;
    }
    TypeError(n, "float64");
  }

  void Duration(const YAML::Node& n, int64_t* out) {
    if (n.IsNull() || !abort_.empty()) return;
    if (!n.IsScalar()) return TypeError(n, "string");
    absl::StatusOr<int64_t> ms = ParsePromDurationMs(n.Scalar());
    if (!ms.ok()) {
      abort_ = std::string(ms.status().message());
      return;
    }
    *out = *ms;
  }

  void StringMap(const YAML::Node& n, StringPairs* out) {
    if (n.IsNull()) return;
    if (!Mapping(n, "map[string]string")) return;
    std::map<std::string, std::string> m;
    for (auto it = n.begin(); it != n.end(); ++it) {
      std::string k, v;
      if (!it->first.IsScalar()) {
        TypeError(it->first, "string");
        continue;
      }
      k = it->first.Scalar();
      String(it->second, &v);
      m[k] = v;
    }
    out->assign(m.begin(), m.end());
  }

  void Group(const YAML::Node& n, UnitTestGroup* g) {
    Struct(
        n, "main.testGroup",
        {{"interval",
          [&](const YAML::Node& v) { Duration(v, &g->interval_ms); }},
         {"input_series",
          [&](const YAML::Node& v) {
            List(v, "[]main.series", &g->input_series,
                 [&](const YAML::Node& e, UnitTestSeries* s) {
                   Struct(
                       e, "main.series",
                       {{"series",
                         [&](const YAML::Node& x) { String(x, &s->series); }},
                        {"values",
                         [&](const YAML::Node& x) { String(x, &s->values); }}});
                 });
          }},
         {"alert_rule_test",
          [&](const YAML::Node& v) {
            List(v, "[]main.alertTestCase", &g->alert_rule_tests,
                 [&](const YAML::Node& e, AlertTestCase* t) {
                   AlertTest(e, t);
                 });
          }},
         {"promql_expr_test",
          [&](const YAML::Node& v) {
            List(v, "[]main.promqlTestCase", &g->promql_expr_tests,
                 [&](const YAML::Node& e, PromqlTestCase* t) {
                   PromqlTest(e, t);
                 });
          }},
         {"external_labels",
          [&](const YAML::Node& v) { StringMap(v, &g->external_labels); }},
         {"external_url",
          [&](const YAML::Node& v) { String(v, &g->external_url); }},
         {"name", [&](const YAML::Node& v) { String(v, &g->name); }}});
  }

  void AlertTest(const YAML::Node& n, AlertTestCase* t) {
    Struct(
        n, "main.alertTestCase",
        {{"eval_time",
          [&](const YAML::Node& v) { Duration(v, &t->eval_time_ms); }},
         {"alertname", [&](const YAML::Node& v) { String(v, &t->alertname); }},
         {"exp_alerts", [&](const YAML::Node& v) {
            List(
                v, "[]main.alert", &t->exp_alerts,
                [&](const YAML::Node& e, ExpectedAlert* a) {
                  Struct(
                      e, "main.alert",
                      {{"exp_labels",
                        [&](const YAML::Node& x) { StringMap(x, &a->labels); }},
                       {"exp_annotations", [&](const YAML::Node& x) {
                          StringMap(x, &a->annotations);
                        }}});
                });
          }}});
  }

  void PromqlTest(const YAML::Node& n, PromqlTestCase* t) {
    Struct(n, "main.promqlTestCase",
           {{"expr", [&](const YAML::Node& v) { String(v, &t->expr); }},
            {"eval_time",
             [&](const YAML::Node& v) { Duration(v, &t->eval_time_ms); }},
            {"exp_samples", [&](const YAML::Node& v) {
               List(
                   v, "[]main.sample", &t->exp_samples,
                   [&](const YAML::Node& e, ExpectedSampleSpec* s) {
                     Struct(
                         e, "main.sample",
                         {{"labels",
                           [&](const YAML::Node& x) { String(x, &s->labels); }},
                          {"value",
                           [&](const YAML::Node& x) { Float(x, &s->value); }}});
                   });
             }}});
  }

  std::vector<std::string> errors_;
  std::string abort_;
};

}  // namespace

absl::StatusOr<UnitTestFile> ParseUnitTestFile(std::string_view text) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat("yaml: line ", e.mark.line + 1, ": ", e.msg));
  }
  UnitTestFile file;
  Decoder decoder;
  decoder.File(root, &file);
  if (absl::Status st = decoder.Result(); !st.ok()) return st;
  return file;
}

}  // namespace tsdb::tsdbctl
