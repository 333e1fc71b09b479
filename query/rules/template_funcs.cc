// Prometheus's template functions (template/template.go) other than the
// humanize family: query and the sample helpers, strings, regular
// expressions, URLs and host names.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "query/rules/template_internal.h"
#include "re2/re2.h"
#include "tsdb/prom_duration.h"
#include "tsdb/quote.h"

namespace query::rules::internal {
namespace {

absl::Status Error(std::string message) {
  return absl::InvalidArgumentError(std::move(message));
}

constexpr std::string_view kNilPointer =
    "runtime error: invalid memory address or nil pointer dereference";

Value LabelsMap(const Labels& labels) {
  std::vector<std::pair<std::string, Value>> entries;
  for (const auto& l : labels) {
    entries.emplace_back(std::string(l.name),
                         Value::String(std::string(l.value)));
  }
  return Value::Map(std::move(entries), kLabelsMapType);
}

// The sample's label `name` ("" when absent).
std::string SampleLabel(const Value& sample, std::string_view name) {
  for (const auto& [field, value] : sample.Entries()) {
    if (field != "Labels") continue;
    for (const auto& [key, v] : value.Entries()) {
      if (key == name) return v.s;
    }
  }
  return "";
}

absl::StatusOr<Value> Query(const std::vector<Value>& args,
                            const TemplateData& data) {
  if (!data.query) return Error("no query engine available");
  absl::StatusOr<Vector> vector = data.query(args[0].s);
  if (!vector.ok()) return Error(std::string(vector.status().message()));
  std::vector<Value> samples;
  samples.reserve(vector->size());
  for (const VectorSample& s : *vector) {
    samples.push_back(Value::Struct(
        {{"Labels", LabelsMap(s.labels)}, {"Value", Value::Float(s.v)}},
        kSampleType));
  }
  return Value::List(std::move(samples), kQueryResultType);
}

absl::StatusOr<Value> First(const std::vector<Value>& args,
                            const TemplateData&) {
  const auto& entries = args[0].Entries();
  if (entries.empty())
    return Error("first() called on vector with no elements");
  return entries[0].second;
}

absl::StatusOr<Value> Label(const std::vector<Value>& args,
                            const TemplateData&) {
  if (args[1].kind == Kind::kNil) return Error(std::string(kNilPointer));
  return Value::String(SampleLabel(args[1], args[0].s));
}

absl::StatusOr<Value> SampleValue(const std::vector<Value>& args,
                                  const TemplateData&) {
  if (args[0].kind == Kind::kNil) return Error(std::string(kNilPointer));
  for (const auto& [field, value] : args[0].Entries()) {
    if (field == "Value") return value;
  }
  return Value::Float(0);
}

absl::StatusOr<Value> StrValue(const std::vector<Value>& args,
                               const TemplateData&) {
  if (args[0].kind == Kind::kNil) return Error(std::string(kNilPointer));
  return Value::String(SampleLabel(args[0], "__value__"));
}

absl::StatusOr<Value> SortByLabel(const std::vector<Value>& args,
                                  const TemplateData&) {
  std::vector<Value> items;
  for (const auto& entry : args[1].Entries()) items.push_back(entry.second);
  const std::string& label = args[0].s;
  std::stable_sort(items.begin(), items.end(),
                   [&label](const Value& a, const Value& b) {
                     return SampleLabel(a, label) < SampleLabel(b, label);
                   });
  return Value::List(std::move(items), kQueryResultType);
}

absl::StatusOr<Value> Args(const std::vector<Value>& args,
                           const TemplateData&) {
  std::vector<std::pair<std::string, Value>> entries;
  for (size_t i = 0; i < args.size(); ++i) {
    entries.emplace_back("arg" + std::to_string(i), args[i]);
  }
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  return Value::Map(std::move(entries), kArgsMapType);
}

// Go's regexp error text for a pattern RE2 rejects.
std::string RegexpError(const RE2& re) {
  std::string code;
  switch (re.error_code()) {
    case RE2::ErrorBadEscape:
      code = "invalid escape sequence";
      break;
    case RE2::ErrorBadCharClass:
      code = "invalid character class";
      break;
    case RE2::ErrorBadCharRange:
      code = "invalid character class range";
      break;
    case RE2::ErrorMissingBracket:
      code = "missing closing ]";
      break;
    case RE2::ErrorMissingParen:
      code = "missing closing )";
      break;
    case RE2::ErrorUnexpectedParen:
      code = "unexpected )";
      break;
    case RE2::ErrorTrailingBackslash:
      code = "trailing backslash at end of expression";
      break;
    case RE2::ErrorRepeatArgument:
      code = "missing argument to repetition operator";
      break;
    case RE2::ErrorRepeatSize:
      code = "invalid repeat count";
      break;
    case RE2::ErrorRepeatOp:
      code = "invalid nested repetition operator";
      break;
    case RE2::ErrorBadPerlOp:
      code = "invalid or unsupported Perl syntax";
      break;
    case RE2::ErrorBadNamedCapture:
      code = "invalid named capture";
      break;
    case RE2::ErrorPatternTooLarge:
      code = "expression too large";
      break;
    default:
      code = "invalid syntax";
  }
  return Cat("error parsing regexp: ", code, ": `", re.error_arg(), "`");
}

RE2::Options GoRegexpOptions() {
  RE2::Options options;
  options.set_log_errors(false);
  return options;
}

absl::StatusOr<Value> Match(const std::vector<Value>& args,
                            const TemplateData&) {
  RE2 re(args[0].s, GoRegexpOptions());
  if (!re.ok()) return Error(RegexpError(re));
  return Value::Bool(RE2::PartialMatch(args[1].s, re));
}

// Go's Regexp.Expand of `repl` for one match: $1, ${1}, $name, ${name},
// $$; a missing group expands to "".
void Expand(const RE2& re, std::string_view repl,
            const std::vector<re2::StringPiece>& groups, std::string* out) {
  const auto& names = re.NamedCapturingGroups();
  size_t i = 0;
  while (i < repl.size()) {
    char c = repl[i];
    if (c != '$' || i + 1 >= repl.size()) {
      out->push_back(c);
      ++i;
      continue;
    }
    if (repl[i + 1] == '$') {
      out->push_back('$');
      i += 2;
      continue;
    }
    size_t j = i + 1;
    bool brace = repl[j] == '{';
    if (brace) ++j;
    size_t name_start = j;
    while (
        j < repl.size() &&
        (std::isalnum(static_cast<unsigned char>(repl[j])) || repl[j] == '_')) {
      ++j;
    }
    std::string_view name = repl.substr(name_start, j - name_start);
    if (name.empty() || (brace && (j >= repl.size() || repl[j] != '}'))) {
      out->push_back('$');  // not a reference
      ++i;
      continue;
    }
    if (brace) ++j;
    int group = -1;
    if (name.find_first_not_of("0123456789") == std::string_view::npos) {
      if (name.size() < 10) group = std::stoi(std::string(name));
    } else {
      auto it = names.find(std::string(name));
      if (it != names.end()) group = it->second;
    }
    if (group >= 0 && static_cast<size_t>(group) < groups.size() &&
        groups[group].data() != nullptr) {
      out->append(groups[group].data(), groups[group].size());
    }
    i = j;
  }
}

absl::StatusOr<Value> ReReplaceAll(const std::vector<Value>& args,
                                   const TemplateData&) {
  const std::string& pattern = args[0].s;
  RE2 re(pattern, GoRegexpOptions());
  if (!re.ok()) {
    std::string quoted = pattern.find('`') == std::string::npos
                             ? "`" + pattern + "`"
                             : tsdb::QuoteGo(pattern);
    return Error(Cat("regexp: Compile(", quoted, "): ", RegexpError(re)));
  }
  const std::string& repl = args[1].s;
  const std::string& text = args[2].s;
  std::vector<re2::StringPiece> groups(re.NumberOfCapturingGroups() + 1);
  std::string out;
  size_t last_match_end = 0;
  size_t search_pos = 0;
  while (search_pos <= text.size()) {
    if (!re.Match(text, search_pos, text.size(), RE2::UNANCHORED, groups.data(),
                  static_cast<int>(groups.size()))) {
      break;
    }
    size_t a0 = groups[0].data() - text.data();
    size_t a1 = a0 + groups[0].size();
    out.append(text, last_match_end, a0 - last_match_end);
    // No replacement for an empty match right after a previous match.
    if (a1 > last_match_end || a0 == 0) Expand(re, repl, groups, &out);
    last_match_end = a1;
    size_t width = 0;
    if (search_pos < text.size()) {
      int w = 1;
      tsdb::DecodeUtf8Rune(std::string_view(text).substr(search_pos), &w);
      width = static_cast<size_t>(w);
    }
    if (search_pos + width > a1) {
      search_pos += width;
    } else if (search_pos + 1 > a1) {
      ++search_pos;
    } else {
      search_pos = a1;
    }
  }
  out.append(text, last_match_end, std::string::npos);
  return Value::String(out);
}

absl::StatusOr<Value> SafeHtml(const std::vector<Value>& args,
                               const TemplateData&) {
  return Value::String(args[0].s, kHtmlType);
}

bool IsSeparator(unsigned char c) {
  if (c >= 0x80) return false;  // non-ASCII letters are word characters
  return !std::isalnum(c) && c != '_';
}

absl::StatusOr<Value> Title(const std::vector<Value>& args,
                            const TemplateData&) {
  std::string s = args[0].s;
  unsigned char prev = ' ';
  for (char& c : s) {
    auto u = static_cast<unsigned char>(c);
    if (IsSeparator(prev)) c = static_cast<char>(std::toupper(u));
    prev = u;
  }
  return Value::String(s);
}

absl::StatusOr<Value> ToUpper(const std::vector<Value>& args,
                              const TemplateData&) {
  std::string s = args[0].s;
  for (char& c : s)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return Value::String(s);
}

absl::StatusOr<Value> ToLower(const std::vector<Value>& args,
                              const TemplateData&) {
  std::string s = args[0].s;
  for (char& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return Value::String(s);
}

// Go's url.QueryEscape.
std::string QueryEscape(std::string_view s) {
  std::string out;
  tsdb::AppendQueryEscaped(s, &out);
  return out;
}

absl::StatusOr<Value> GraphLink(const std::vector<Value>& args,
                                const TemplateData&) {
  return Value::String(
      Cat("/graph?g0.expr=", QueryEscape(args[0].s), "&g0.tab=0"));
}

absl::StatusOr<Value> TableLink(const std::vector<Value>& args,
                                const TemplateData&) {
  return Value::String(
      Cat("/graph?g0.expr=", QueryEscape(args[0].s), "&g0.tab=1"));
}

// Go's net.SplitHostPort; false where Go reports an error.
bool SplitHostPort(std::string_view hp, std::string* host, std::string* port) {
  size_t colon = hp.rfind(':');
  if (colon == std::string_view::npos) return false;
  std::string_view h = hp.substr(0, colon);
  if (!hp.empty() && hp[0] == '[') {
    size_t end = hp.find(']');
    if (end == std::string_view::npos || end + 1 != colon) return false;
    h = hp.substr(1, end - 1);
  } else if (h.find(':') != std::string_view::npos) {
    return false;  // too many colons
  }
  if (hp.substr(colon + 1).find_first_of("[]") != std::string_view::npos) {
    return false;
  }
  *host = std::string(h);
  *port = std::string(hp.substr(colon + 1));
  return true;
}

// Go's net.ParseIP succeeding: dotted IPv4 or an IPv6 literal.
bool IsIp(std::string_view s) {
  if (s.find(':') != std::string_view::npos) {
    return s.find_first_not_of("0123456789abcdefABCDEF:.") ==
           std::string_view::npos;
  }
  int parts = 0;
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    std::string_view part =
        s.substr(start, dot == s.npos ? s.npos : dot - start);
    if (part.empty() || part.size() > 3 ||
        part.find_first_not_of("0123456789") != std::string_view::npos ||
        std::stoi(std::string(part)) > 255) {
      return false;
    }
    ++parts;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return parts == 4;
}

absl::StatusOr<Value> StripPort(const std::vector<Value>& args,
                                const TemplateData&) {
  std::string host, port;
  if (!SplitHostPort(args[0].s, &host, &port)) return Value::String(args[0].s);
  return Value::String(host);
}

absl::StatusOr<Value> StripDomain(const std::vector<Value>& args,
                                  const TemplateData&) {
  const std::string& hp = args[0].s;
  std::string host, port;
  if (!SplitHostPort(hp, &host, &port)) host = hp;
  if (IsIp(host)) return Value::String(hp);
  host = host.substr(0, host.find('.'));
  if (port.empty()) return Value::String(host);
  if (host.find(':') != std::string::npos) {
    return Value::String(Cat("[", host, "]:", port));
  }
  return Value::String(Cat(host, ":", port));
}

absl::StatusOr<Value> ParseDuration(const std::vector<Value>& args,
                                    const TemplateData&) {
  auto ms = tsdb::ParsePromDurationMs(args[0].s);
  if (!ms.ok()) return ms.status();
  return Value::Float(static_cast<double>(*ms) / 1000);
}

// The path of the external URL: after "scheme://host", up to '?' or '#'.
std::string UrlPath(std::string_view url) {
  size_t scheme = url.find("://");
  std::string_view rest = url;
  if (scheme != std::string_view::npos) {
    rest = url.substr(scheme + 3);
    size_t slash = rest.find('/');
    if (slash == std::string_view::npos) return "";
    rest = rest.substr(slash);
  }
  return std::string(rest.substr(0, rest.find_first_of("?#")));
}

absl::StatusOr<Value> PathPrefix(const std::vector<Value>&,
                                 const TemplateData& data) {
  return Value::String(UrlPath(data.external_url));
}

absl::StatusOr<Value> ExternalUrl(const std::vector<Value>&,
                                  const TemplateData& data) {
  return Value::String(data.external_url);
}

}  // namespace

const std::vector<FuncDef>& PrometheusFunctions() {
  using P = ParamType;
  static const auto* const kFuncs = [] {
    auto* funcs = new std::vector<FuncDef>{
        {"query", {P::kString}, false, false, Query},
        {"first", {P::kQueryResult}, false, false, First},
        {"label", {P::kString, P::kSample}, false, false, Label},
        {"value", {P::kSample}, false, false, SampleValue},
        {"strvalue", {P::kSample}, false, false, StrValue},
        {"args", {P::kAny}, true, false, Args},
        {"reReplaceAll",
         {P::kString, P::kString, P::kString},
         false,
         false,
         ReReplaceAll},
        {"safeHtml", {P::kString}, false, false, SafeHtml},
        {"match", {P::kString, P::kString}, false, false, Match},
        {"title", {P::kString}, false, false, Title},
        {"toUpper", {P::kString}, false, false, ToUpper},
        {"toLower", {P::kString}, false, false, ToLower},
        {"graphLink", {P::kString}, false, false, GraphLink},
        {"tableLink", {P::kString}, false, false, TableLink},
        {"sortByLabel",
         {P::kString, P::kQueryResult},
         false,
         false,
         SortByLabel},
        {"stripPort", {P::kString}, false, false, StripPort},
        {"stripDomain", {P::kString}, false, false, StripDomain},
        {"parseDuration", {P::kString}, false, false, ParseDuration},
        {"pathPrefix", {}, false, false, PathPrefix},
        {"externalURL", {}, false, false, ExternalUrl},
    };
    for (FuncDef& f : HumanizeFunctions()) funcs->push_back(std::move(f));
    return funcs;
  }();
  return *kFuncs;
}

}  // namespace query::rules::internal
