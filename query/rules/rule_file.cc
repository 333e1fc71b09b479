// Reading a rule file happens in two passes, as promtool 2.42 does it:
//
//  1. Decoding: the YAML tree is walked the way Go's yaml.v3 decodes it into
//     rulefmt's structs (known fields only). Type mismatches, unknown fields
//     and repeated keys are collected as "line N: ..." and reported together
//     as one "yaml: unmarshal errors:" error; a malformed duration aborts
//     decoding with its own message. A second, looser decoding (just
//     `groups` as a list of nodes) reports its own type errors again.
//  2. Validation (rulefmt's Validate): only when decoding succeeded; every
//     problem with its position, group and rule.
#include "query/rules/rule_file.h"

#include <glob.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "query/parser.h"
#include "query/rules/template.h"
#include "tsdb/absl_compat.h"
#include "tsdb/labels.h"
#include "tsdb/prom_duration.h"
#include "tsdb/quote.h"
#include "yaml-cpp/yaml.h"

namespace query::rules {
namespace {

using tsdb::AbslView;

// A position as yaml.v3 reports it: 1-based line and column; 0:0 for a node
// that is absent.
struct Pos {
  int line = 0;
  int col = 0;
};

Pos MarkPos(const YAML::Node& n) {
  return {n.Mark().line + 1, n.Mark().column + 1};
}

// A field Go decodes into a yaml.Node: its scalar text and position.
struct RawNode {
  bool present = false;
  Pos pos;
  std::string value;  // "" for a mapping or a sequence
};

struct DecodedRule {
  Pos pos;
  RawNode record, alert, expr;
  int64_t for_ms = 0;
  int64_t keep_firing_for_ms = 0;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
};

struct DecodedGroup {
  Pos pos;
  std::string name;
  int64_t interval_ms = 0;
  int limit = 0;
  std::vector<DecodedRule> rules;
};

// yaml.v3's decoding into rulefmt's types, over a yaml-cpp tree.
class GoYamlDecoder {
 public:
  explicit GoYamlDecoder(std::string_view text) : text_(text) {}

  // The errors as promtool prints them (without the file prefix).
  std::vector<std::string> Errors() const {
    if (!abort_error_.empty()) return {abort_error_};
    if (type_errors_.empty()) return {};
    return {absl::StrCat("yaml: unmarshal errors:\n  ",
                         absl::StrJoin(type_errors_, "\n  "))};
  }

  void DecodeFile(const YAML::Node& root, std::vector<DecodedGroup>* groups) {
    if (root.IsNull()) return;
    if (!CheckMapping(root, "rulefmt.RuleGroups")) return;
    for (auto it = root.begin(); it != root.end() && !aborted(); ++it) {
      const std::string key = KeyText(it->first);
      if (key == "groups") {
        DecodeGroups(it->second, groups);
      } else {
        UnknownField(it->first, key, "rulefmt.RuleGroups");
      }
    }
  }

  // The second decoding, into a list of plain nodes.
  void DecodeLoose(const YAML::Node& root) {
    if (root.IsNull()) return;
    if (!CheckMapping(root, "rulefmt.ruleGroups")) return;
    for (auto it = root.begin(); it != root.end(); ++it) {
      if (KeyText(it->first) != "groups") continue;
      const YAML::Node v = it->second;  // a copy: it-> is a temporary
      if (!v.IsNull() && !v.IsSequence()) TypeError(v, "[]yaml.Node");
    }
  }

 private:
  bool aborted() const { return !abort_error_.empty(); }

  // yaml.v3's short tag of a node: !!map, !!seq, or the resolved scalar tag.
  std::string ShortTag(const YAML::Node& n) const {
    if (n.IsMap()) return "!!map";
    if (n.IsSequence()) return "!!seq";
    if (n.IsNull()) return "!!null";
    const std::string& tag = n.Tag();
    constexpr std::string_view kPrefix = "tag:yaml.org,2002:";
    if (tag.rfind(kPrefix, 0) == 0) return "!!" + tag.substr(kPrefix.size());
    if (tag != "?") return "!!str";  // quoted, block, or a local tag
    return ResolvePlain(n.Scalar());
  }

  static std::string ResolvePlain(const std::string& s) {
    static const std::set<std::string> kBools = {"true",  "True",  "TRUE",
                                                 "false", "False", "FALSE"};
    static const std::set<std::string> kFloats = {
        ".inf",  ".Inf",  ".INF",  "+.inf", "+.Inf", "+.INF",
        "-.inf", "-.Inf", "-.INF", ".nan",  ".NaN",  ".NAN"};
    if (kBools.count(s)) return "!!bool";
    if (kFloats.count(s)) return "!!float";
    if (IsInt(s)) return "!!int";
    if (IsFloat(s)) return "!!float";
    return "!!str";
  }

  static bool IsInt(std::string_view s) {
    if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
    if (s.empty()) return false;
    std::string_view digits = "0123456789";
    if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
      digits = "0123456789abcdefABCDEF";
      s.remove_prefix(2);
    } else if (s.size() > 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'b')) {
      digits = s[1] == 'o' ? "01234567" : "01";
      s.remove_prefix(2);
    }
    return s.find_first_not_of(digits) == std::string_view::npos;
  }

  static bool IsFloat(std::string_view s) {
    if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
    size_t i = 0;
    size_t mantissa_digits = 0;
    while (i < s.size() && isdigit(static_cast<unsigned char>(s[i])))
      ++i, ++mantissa_digits;
    if (i < s.size() && s[i] == '.') {
      ++i;
      while (i < s.size() && isdigit(static_cast<unsigned char>(s[i])))
        ++i, ++mantissa_digits;
    }
    if (mantissa_digits == 0) return false;
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
      ++i;
      if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
      const size_t exp_start = i;
      while (i < s.size() && isdigit(static_cast<unsigned char>(s[i]))) ++i;
      if (i == exp_start) return false;
    }
    return i == s.size();
  }

  // The text of a scalar as written; for a null, the null literal itself
  // ("null", "~") or "" when the value is empty.
  std::string ScalarText(const YAML::Node& n) const {
    if (n.IsScalar()) return n.Scalar();
    if (!n.IsNull()) return "";
    const size_t pos = n.Mark().pos;
    if (pos < text_.size()) {
      for (std::string_view lit : {"null", "Null", "NULL", "~"}) {
        if (text_.substr(pos, lit.size()) == lit) {
          const size_t end = pos + lit.size();
          if (end == text_.size() ||
              std::string_view(" \t\r\n,]}#").find(text_[end]) !=
                  std::string_view::npos)
            return std::string(lit);
        }
      }
    }
    return "";
  }

  std::string KeyText(const YAML::Node& key) const {
    return key.IsScalar() ? key.Scalar() : "";
  }

  // Where yaml.v3 places a mapping value: an empty value sits right after
  // its key's colon (yaml-cpp marks the next token instead).
  static Pos ValuePos(const YAML::Node& key, const YAML::Node& value) {
    const Pos v = MarkPos(value);
    const Pos k = MarkPos(key);
    if (value.IsNull() && key.IsScalar() && v.line != k.line) {
      return {k.line, k.col + static_cast<int>(key.Scalar().size()) + 1};
    }
    return v;
  }

  void TypeError(const YAML::Node& n, std::string_view go_type) {
    const std::string tag = ShortTag(n);
    std::string value;
    if (tag != "!!seq" && tag != "!!map") {
      std::string text = ScalarText(n);
      if (text.size() > 10) text = text.substr(0, 7) + "...";
      value = absl::StrCat(" `", text, "`");
    }
    type_errors_.push_back(absl::StrCat("line ", MarkPos(n).line,
                                        ": cannot unmarshal ", tag, value,
                                        " into ", AbslView(go_type)));
  }

  void UnknownField(const YAML::Node& key, const std::string& name,
                    std::string_view go_type) {
    type_errors_.push_back(absl::StrCat("line ", MarkPos(key).line, ": field ",
                                        name, " not found in type ",
                                        AbslView(go_type)));
  }

  // A mapping for a struct or map: false (after recording the error) when
  // `n` is something else or repeats a key.
  bool CheckMapping(const YAML::Node& n, std::string_view go_type) {
    if (!n.IsMap()) {
      TypeError(n, go_type);
      return false;
    }
    const size_t before = type_errors_.size();
    std::vector<YAML::Node> keys;
    for (auto it = n.begin(); it != n.end(); ++it) keys.push_back(it->first);
    for (size_t i = 0; i < keys.size(); ++i) {
      for (size_t j = i + 1; j < keys.size(); ++j) {
        if (keys[i].Type() == keys[j].Type() && keys[i].IsScalar() &&
            keys[i].Scalar() == keys[j].Scalar()) {
          type_errors_.push_back(
              absl::StrCat("line ", MarkPos(keys[j]).line, ": mapping key ",
                           AbslView(tsdb::QuoteGo(keys[i].Scalar())),
                           " already defined at line ", MarkPos(keys[i]).line));
        }
      }
    }
    return type_errors_.size() == before;
  }

  // Decodes into a Go string: any scalar; null is "".
  bool DecodeString(const YAML::Node& n, std::string* out) {
    if (n.IsNull()) {
      out->clear();
      return true;
    }
    if (!n.IsScalar()) {
      TypeError(n, "string");
      return false;
    }
    *out = n.Scalar();
    return true;
  }

  void DecodeRaw(const YAML::Node& key, const YAML::Node& n, RawNode* out) {
    out->present = true;
    out->pos = ValuePos(key, n);
    out->value = ScalarText(n);
  }

  // model.Duration: a string parsed with ParseDuration; a parse error aborts
  // decoding.
  void DecodeDuration(const YAML::Node& n, int64_t* out) {
    if (n.IsNull()) return;
    std::string s;
    if (!DecodeString(n, &s)) return;
    absl::StatusOr<int64_t> ms = tsdb::ParsePromDurationMs(s);
    if (!ms.ok()) {
      abort_error_ = std::string(ms.status().message());
      return;
    }
    *out = *ms;
  }

  void DecodeInt(const YAML::Node& n, int* out) {
    if (n.IsNull()) return;
    const std::string tag = ShortTag(n);
    if (tag == "!!int") {
      *out = static_cast<int>(std::stoll(n.Scalar(), nullptr, 0));
    } else if (tag == "!!float" && IsFloat(n.Scalar())) {
      *out = static_cast<int>(std::stod(n.Scalar()));
    } else {
      TypeError(n, "int");
    }
  }

  void DecodeStringMap(const YAML::Node& n,
                       std::map<std::string, std::string>* out) {
    if (n.IsNull()) return;
    if (!CheckMapping(n, "map[string]string")) return;
    for (auto it = n.begin(); it != n.end(); ++it) {
      std::string k, v;
      if (!DecodeString(it->first, &k)) continue;
      if (!DecodeString(it->second, &v)) continue;
      (*out)[k] = v;
    }
  }

  void DecodeGroups(const YAML::Node& n, std::vector<DecodedGroup>* groups) {
    if (n.IsNull()) return;
    if (!n.IsSequence()) {
      TypeError(n, "[]rulefmt.RuleGroup");
      return;
    }
    for (auto it = n.begin(); it != n.end() && !aborted(); ++it) {
      DecodedGroup& g = groups->emplace_back();
      g.pos = MarkPos(*it);
      DecodeGroup(*it, &g);
    }
  }

  void DecodeGroup(const YAML::Node& n, DecodedGroup* g) {
    if (n.IsNull()) return;
    if (!CheckMapping(n, "rulefmt.RuleGroup")) return;
    for (auto it = n.begin(); it != n.end() && !aborted(); ++it) {
      const std::string key = KeyText(it->first);
      const YAML::Node v = it->second;  // a copy: it-> is a temporary
      if (key == "name") {
        DecodeString(v, &g->name);
      } else if (key == "interval") {
        DecodeDuration(v, &g->interval_ms);
      } else if (key == "limit") {
        DecodeInt(v, &g->limit);
      } else if (key == "rules") {
        DecodeRules(v, &g->rules);
      } else {
        UnknownField(it->first, key, "rulefmt.RuleGroup");
      }
    }
  }

  void DecodeRules(const YAML::Node& n, std::vector<DecodedRule>* rules) {
    if (n.IsNull()) return;
    if (!n.IsSequence()) {
      TypeError(n, "[]rulefmt.RuleNode");
      return;
    }
    for (auto it = n.begin(); it != n.end() && !aborted(); ++it) {
      DecodedRule& r = rules->emplace_back();
      r.pos = MarkPos(*it);
      DecodeRule(*it, &r);
    }
  }

  void DecodeRule(const YAML::Node& n, DecodedRule* r) {
    if (n.IsNull()) return;
    if (!CheckMapping(n, "rulefmt.RuleNode")) return;
    for (auto it = n.begin(); it != n.end() && !aborted(); ++it) {
      const std::string key = KeyText(it->first);
      const YAML::Node v = it->second;  // a copy: it-> is a temporary
      if (key == "record") {
        DecodeRaw(it->first, v, &r->record);
      } else if (key == "alert") {
        DecodeRaw(it->first, v, &r->alert);
      } else if (key == "expr") {
        DecodeRaw(it->first, v, &r->expr);
      } else if (key == "for") {
        DecodeDuration(v, &r->for_ms);
      } else if (key == "keep_firing_for") {
        DecodeDuration(v, &r->keep_firing_for_ms);
      } else if (key == "labels") {
        DecodeStringMap(v, &r->labels);
      } else if (key == "annotations") {
        DecodeStringMap(v, &r->annotations);
      } else {
        UnknownField(it->first, key, "rulefmt.RuleNode");
      }
    }
  }

  std::string_view text_;
  std::vector<std::string> type_errors_;
  std::string abort_error_;
};

std::string PosPrefix(const Pos& p) {
  return absl::StrCat(p.line, ":", p.col, ": ");
}

// Template parse errors of an alerting rule's labels and annotations, as
// rulefmt's testTemplateParsing reports them.
void CheckTemplates(const DecodedRule& r, std::vector<std::string>* problems) {
  const std::string name = absl::StrCat("__alert_", r.alert.value);
  for (const auto& [kind, values] :
       {std::pair<const char*, const std::map<std::string, std::string>*>{
            "label", &r.labels},
        {"annotation", &r.annotations}}) {
    for (const auto& [k, v] : *values) {
      absl::StatusOr<Template> t = Template::Parse(name, v);
      if (!t.ok()) {
        problems->push_back(absl::StrCat(kind, " ", AbslView(tsdb::QuoteGo(k)),
                                         ": ", t.status().message()));
      }
    }
  }
}

// One problem of a rule: "L:C: " (or two of them, or none) and the text.
struct RuleProblem {
  std::string at;
  std::string message;
};

// rulefmt's RuleNode.Validate.
std::vector<RuleProblem> ValidateRule(const DecodedRule& r) {
  std::vector<RuleProblem> out;
  const std::string& record = r.record.value;
  const std::string& alert = r.alert.value;
  if (!record.empty() && !alert.empty()) {
    out.push_back({PosPrefix(r.record.pos) + PosPrefix(r.alert.pos),
                   "only one of 'record' and 'alert' must be set"});
  }
  if (record.empty() && alert.empty()) {
    out.push_back(
        {PosPrefix(r.record.pos), "one of 'record' or 'alert' must be set"});
  }
  if (r.expr.value.empty()) {
    out.push_back({PosPrefix(r.expr.pos), "field 'expr' must be set in rule"});
  } else if (absl::StatusOr<ExprPtr> e = ParseExpr(r.expr.value); !e.ok()) {
    out.push_back(
        {PosPrefix(r.expr.pos),
         absl::StrCat("could not parse expression: ", e.status().message())});
  }
  if (!record.empty()) {
    const std::string at = PosPrefix(r.record.pos);
    if (!r.annotations.empty())
      out.push_back({at, "invalid field 'annotations' in recording rule"});
    if (r.for_ms != 0)
      out.push_back({at, "invalid field 'for' in recording rule"});
    if (r.keep_firing_for_ms != 0)
      out.push_back({at, "invalid field 'keep_firing_for' in recording rule"});
    if (!tsdb::IsValidMetricName(record))
      out.push_back({at, "invalid recording rule name: " + record});
  }
  for (const auto& [k, v] : r.labels) {
    if (!tsdb::IsValidLabelName(k) || k == tsdb::kMetricNameLabel)
      out.push_back({"", "invalid label name: " + k});
    if (!tsdb::IsValidUtf8(v)) out.push_back({"", "invalid label value: " + v});
  }
  for (const auto& [k, v] : r.annotations) {
    if (!tsdb::IsValidLabelName(k))
      out.push_back({"", "invalid annotation name: " + k});
  }
  if (!alert.empty()) {
    std::vector<std::string> template_errors;
    CheckTemplates(r, &template_errors);
    for (std::string& e : template_errors) out.push_back({"", std::move(e)});
  }
  return out;
}

// rulefmt's RuleGroups.Validate.
void Validate(const std::vector<DecodedGroup>& groups,
              std::vector<std::string>* errors) {
  std::set<std::string> seen;
  for (const DecodedGroup& g : groups) {
    if (g.name.empty()) {
      errors->push_back(
          absl::StrCat(PosPrefix(g.pos), "Groupname must not be empty"));
    }
    if (!seen.insert(g.name).second) {
      errors->push_back(absl::StrCat(PosPrefix(g.pos), "groupname: \"", g.name,
                                     "\" is repeated in the same file"));
    }
    for (size_t i = 0; i < g.rules.size(); ++i) {
      const DecodedRule& r = g.rules[i];
      const std::string& rule_name =
          r.alert.value.empty() ? r.record.value : r.alert.value;
      for (const RuleProblem& p : ValidateRule(r)) {
        // rulefmt's Error: the node positions, then group and rule.
        errors->push_back(absl::StrCat(
            p.at, "group ", AbslView(tsdb::QuoteGo(g.name)), ", rule ", i + 1,
            ", ", AbslView(tsdb::QuoteGo(rule_name)), ": ", p.message));
      }
    }
  }
}

LabelPairs SortedPairs(const std::map<std::string, std::string>& m) {
  return LabelPairs(m.begin(), m.end());
}

RuleFile Build(const std::vector<DecodedGroup>& groups,
               std::string_view filename) {
  RuleFile file;
  for (const DecodedGroup& g : groups) {
    RuleGroupConfig& out = file.groups.emplace_back();
    out.file = std::string(filename);
    out.name = g.name;
    out.interval_ms = g.interval_ms;
    out.limit = g.limit;
    for (const DecodedRule& r : g.rules) {
      RuleConfig& rc = out.rules.emplace_back();
      rc.line = r.pos.line;
      rc.record = r.record.value;
      rc.alert = r.alert.value;
      rc.expr = r.expr.value;
      absl::StatusOr<ExprPtr> parsed = ParseExpr(rc.expr);
      if (parsed.ok())
        rc.parsed = std::shared_ptr<const Expr>(std::move(*parsed));
      rc.for_ms = r.for_ms;
      rc.keep_firing_for_ms = r.keep_firing_for_ms;
      rc.labels = SortedPairs(r.labels);
      rc.annotations = SortedPairs(r.annotations);
    }
  }
  return file;
}

// Go's filepath.Match syntax check: an unterminated or empty character
// class, or a trailing backslash.
bool ValidGlobPattern(std::string_view p) {
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] == '\\') {
      if (++i == p.size()) return false;
    } else if (p[i] == '[') {
      size_t j = i + 1;
      if (j < p.size() && p[j] == '^') ++j;
      const size_t first = j;
      while (j < p.size() && (p[j] != ']' || j == first)) {
        if (p[j] == '\\') ++j;
        ++j;
      }
      if (j >= p.size()) return false;
      i = j;
    }
  }
  return true;
}

}  // namespace

RuleFile ParseRuleFile(std::string_view text, std::string_view filename,
                       std::vector<std::string>* errors) {
  errors->clear();
  const std::string prefix = absl::StrCat(AbslView(filename), ": ");
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    // yaml-cpp's wording, in Go's "yaml: line N: ..." frame; both of
    // promtool's decodings report it.
    const std::string message =
        absl::StrCat(prefix, "yaml: line ", e.mark.line + 1, ": ", e.msg);
    errors->push_back(message);
    errors->push_back(message);
    return {};
  }
  std::vector<DecodedGroup> groups;
  GoYamlDecoder strict(text);
  strict.DecodeFile(root, &groups);
  GoYamlDecoder loose(text);
  loose.DecodeLoose(root);
  for (const auto* d : {&strict, &loose}) {
    for (const std::string& e : d->Errors()) errors->push_back(prefix + e);
  }
  if (!errors->empty()) return {};
  std::vector<std::string> problems;
  Validate(groups, &problems);
  for (const std::string& p : problems) errors->push_back(prefix + p);
  if (!errors->empty()) return {};
  return Build(groups, filename);
}

RuleFile LoadRuleFile(const std::string& path,
                      std::vector<std::string>* errors) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  if (in) text << in.rdbuf();
  if (!in || in.bad()) {
    errors->clear();
    errors->push_back(
        absl::StrCat(path, ": open ", path, ": ", std::strerror(errno)));
    return {};
  }
  return ParseRuleFile(text.str(), path, errors);
}

std::vector<std::string> ExpandRuleFileGlobs(
    const std::vector<std::string>& patterns, const std::string& base_dir,
    std::vector<std::string>* errors) {
  std::set<std::string> files;
  for (const std::string& raw : patterns) {
    if (raw.empty()) continue;
    std::string pattern = raw;
    if (pattern[0] != '/' && !base_dir.empty()) {
      pattern = absl::StrCat(base_dir, base_dir.back() == '/' ? "" : "/", raw);
    }
    if (!ValidGlobPattern(pattern)) {
      errors->push_back(absl::StrCat("invalid rule file pattern \"", raw,
                                     "\": syntax error in pattern"));
      continue;
    }
    glob_t g{};
    const int rc = glob(pattern.c_str(), 0, nullptr, &g);
    if (rc == 0) {
      for (size_t i = 0; i < g.gl_pathc; ++i) files.insert(g.gl_pathv[i]);
    }
    globfree(&g);
  }
  return std::vector<std::string>(files.begin(), files.end());
}

}  // namespace query::rules
