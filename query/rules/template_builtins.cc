// Go's text/template builtin functions (funcs.go): not, len, index, slice,
// print, printf, println, html, js, urlquery and the comparisons. and/or
// short-circuit and are evaluated by the executor.
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "query/rules/template_internal.h"
#include "tsdb/quote.h"

namespace query::rules::internal {
namespace {

absl::Status Error(std::string message) {
  return absl::InvalidArgumentError(std::move(message));
}

absl::StatusOr<Value> Not(const std::vector<Value>& args, const TemplateData&) {
  return Value::Bool(!IsTrue(args[0]));
}

absl::StatusOr<Value> Len(const std::vector<Value>& args, const TemplateData&) {
  const Value& v = args[0];
  switch (v.kind) {
    case Kind::kInvalid:
      return Error("reflect: call of reflect.Value.Type on zero Value");
    case Kind::kString:
      return Value::Int(static_cast<int64_t>(v.s.size()));
    case Kind::kMap:
    case Kind::kList:
      return Value::Int(static_cast<int64_t>(v.Entries().size()));
    case Kind::kNil:
      if (v.type != "<nil>") return Error("len of nil pointer");
      break;
    case Kind::kStruct:
      if (v.IsPointer()) return Error(Cat("len of type ", v.type.substr(1)));
      break;
    default:
      break;
  }
  return Error(Cat("len of type ", v.type));
}

// Go's indexArg: an integer index in [0, cap].
absl::StatusOr<int64_t> IndexArg(const Value& index, size_t cap) {
  if (index.kind == Kind::kInvalid || index.kind == Kind::kNil) {
    return Error("cannot index slice/array with nil");
  }
  if (index.kind != Kind::kInt) {
    return Error(Cat("cannot index slice/array with type ", index.type));
  }
  if (index.i < 0 || static_cast<uint64_t>(index.i) > cap) {
    return Error(absl::StrFormat("index out of range: %d", index.i));
  }
  return index.i;
}

absl::StatusOr<Value> Index(const std::vector<Value>& args,
                            const TemplateData&) {
  Value item = args[0];
  if (item.kind == Kind::kInvalid ||
      (item.kind == Kind::kNil && item.type == "<nil>")) {
    return Error("index of untyped nil");
  }
  for (size_t k = 1; k < args.size(); ++k) {
    const Value& index = args[k];
    if (item.kind == Kind::kNil) return Error("index of nil pointer");
    switch (item.kind) {
      case Kind::kString: {
        auto x = IndexArg(index, item.s.size());
        if (!x.ok()) return x.status();
        if (static_cast<size_t>(*x) >= item.s.size()) {
          return Error("reflect: string index out of range");
        }
        item = Value::Int(static_cast<unsigned char>(item.s[*x]), "uint8");
        break;
      }
      case Kind::kList: {
        const auto& entries = item.Entries();
        auto x = IndexArg(index, entries.size());
        if (!x.ok()) return x.status();
        if (static_cast<size_t>(*x) >= entries.size()) {
          return Error("reflect: slice index out of range");
        }
        item = entries[*x].second;
        break;
      }
      case Kind::kMap: {
        if (index.kind == Kind::kInvalid || index.kind == Kind::kNil) {
          return Error("value is nil; should be of type string");
        }
        if (index.kind != Kind::kString || index.type != "string") {
          return Error(
              Cat("value has type ", index.type, "; should be string"));
        }
        Value found =
            item.type == kLabelsMapType ? Value::String("") : Value::Nil();
        for (const auto& [key, value] : item.Entries()) {
          if (key == index.s) {
            found = value;
            break;
          }
        }
        item = found;
        break;
      }
      default: {
        std::string_view type = item.type;
        if (item.kind == Kind::kStruct && item.IsPointer())
          type.remove_prefix(1);
        return Error(Cat("can't index item of type ", type));
      }
    }
  }
  return item;
}

absl::StatusOr<Value> Slice(const std::vector<Value>& args,
                            const TemplateData&) {
  const Value& item = args[0];
  if (item.kind == Kind::kInvalid || item.kind == Kind::kNil) {
    return Error("slice of untyped nil");
  }
  size_t nidx = args.size() - 1;
  if (nidx > 3)
    return Error(absl::StrFormat("too many slice indexes: %d", nidx));
  size_t len;
  if (item.kind == Kind::kString) {
    if (nidx == 3) return Error("cannot 3-index slice a string");
    len = item.s.size();
  } else if (item.kind == Kind::kList) {
    len = item.Entries().size();
  } else {
    return Error(Cat("can't slice item of type ", item.type));
  }
  int64_t idx[3] = {0, static_cast<int64_t>(len), static_cast<int64_t>(len)};
  for (size_t k = 0; k < nidx; ++k) {
    auto x = IndexArg(args[k + 1], len);
    if (!x.ok()) return x.status();
    idx[k] = *x;
  }
  if (idx[0] > idx[1]) {
    return Error(
        absl::StrFormat("invalid slice index: %d > %d", idx[0], idx[1]));
  }
  if (nidx == 3 && idx[1] > idx[2]) {
    return Error(
        absl::StrFormat("invalid slice index: %d > %d", idx[1], idx[2]));
  }
  if (item.kind == Kind::kString) {
    return Value::String(item.s.substr(idx[0], idx[1] - idx[0]), item.type);
  }
  std::vector<Value> items;
  for (int64_t k = idx[0]; k < idx[1]; ++k)
    items.push_back(item.Entries()[k].second);
  return Value::List(std::move(items), item.type);
}

// Go's evalArgs: a lone string as it is, else fmt.Sprint of the arguments.
std::string EvalArgs(const std::vector<Value>& args) {
  if (args.size() == 1 && args[0].kind == Kind::kString &&
      args[0].type == "string") {
    return args[0].s;
  }
  std::vector<Value> printable = args;
  for (Value& v : printable) {
    if (v.kind == Kind::kStruct && v.IsPointer()) v.type = v.type.substr(1);
  }
  return GoSprint(printable);
}

absl::StatusOr<Value> Print(const std::vector<Value>& args,
                            const TemplateData&) {
  return Value::String(GoSprint(args));
}
absl::StatusOr<Value> Println(const std::vector<Value>& args,
                              const TemplateData&) {
  return Value::String(GoSprintln(args));
}
absl::StatusOr<Value> Printf(const std::vector<Value>& args,
                             const TemplateData&) {
  std::vector<Value> rest(args.begin() + 1, args.end());
  return Value::String(GoSprintf(args[0].s, rest));
}

absl::StatusOr<Value> Html(const std::vector<Value>& args,
                           const TemplateData&) {
  std::string out;
  for (char c : EvalArgs(args)) {
    switch (c) {
      case '"':
        out += "&#34;";
        break;
      case '\'':
        out += "&#39;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '\0':
        out += "\xEF\xBF\xBD";
        break;
      default:
        out.push_back(c);
    }
  }
  return Value::String(out);
}

absl::StatusOr<Value> Js(const std::vector<Value>& args, const TemplateData&) {
  std::string out;
  for (char c : EvalArgs(args)) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\'':
        out += "\\'";
        break;
      case '"':
        out += "\\\"";
        break;
      case '<':
        out += "\\u003C";
        break;
      case '>':
        out += "\\u003E";
        break;
      case '&':
        out += "\\u0026";
        break;
      case '=':
        out += "\\u003D";
        break;
      default:
        if (static_cast<unsigned char>(c) < ' ') {
          out += absl::StrFormat("\\u%04X", static_cast<unsigned char>(c));
        } else {
          out.push_back(c);
        }
    }
  }
  return Value::String(out);
}

absl::StatusOr<Value> UrlQuery(const std::vector<Value>& args,
                               const TemplateData&) {
  std::string out;
  for (char c : EvalArgs(args)) {
    auto u = static_cast<unsigned char>(c);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
        (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
        c == '~') {
      out.push_back(c);
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      out += absl::StrFormat("%%%02X", u);
    }
  }
  return Value::String(out);
}

// ----------------------------------------------------------- comparisons

enum class BasicKind { kInvalid, kBool, kInt, kFloat, kString };

BasicKind BasicKindOf(const Value& v) {
  switch (v.kind) {
    case Kind::kBool:
      return BasicKind::kBool;
    case Kind::kInt:
      return BasicKind::kInt;
    case Kind::kFloat:
      return BasicKind::kFloat;
    case Kind::kString:
      return BasicKind::kString;
    default:
      return BasicKind::kInvalid;
  }
}

constexpr std::string_view kBadComparisonType = "invalid type for comparison";
constexpr std::string_view kBadComparison = "incompatible types for comparison";

bool IsValid(const Value& v) { return v.kind != Kind::kInvalid; }

absl::StatusOr<bool> Equal(const Value& a, const std::vector<Value>& others) {
  if (others.empty()) return Error("missing argument for comparison");
  BasicKind k1 = BasicKindOf(a);
  for (const Value& b : others) {
    BasicKind k2 = BasicKindOf(b);
    bool truth = false;
    if (k1 != k2) {
      if (IsValid(a) && IsValid(b)) return Error(std::string(kBadComparison));
    } else {
      switch (k1) {
        case BasicKind::kBool:
          truth = a.b == b.b;
          break;
        case BasicKind::kInt:
          truth = a.i == b.i;
          break;
        case BasicKind::kFloat:
          truth = a.f == b.f;
          break;
        case BasicKind::kString:
          truth = a.s == b.s;
          break;
        case BasicKind::kInvalid:
          if (a.type != b.type && IsValid(a) && IsValid(b)) {
            return Error(Cat("non-comparable types ", GoPrint(a), ": ", a.type,
                             ", ", b.type, ": ", GoPrint(b)));
          }
          if (a.kind == Kind::kNil || b.kind == Kind::kNil || !IsValid(a) ||
              !IsValid(b)) {
            truth = (a.kind == Kind::kNil || !IsValid(a)) ==
                    (b.kind == Kind::kNil || !IsValid(b));
          } else if (a.kind == Kind::kTime) {
            truth = false;  // distinct pointers
          } else {
            return Error(Cat("non-comparable type ", GoPrint(b), ": ", b.type));
          }
          break;
      }
    }
    if (truth) return true;
  }
  return false;
}

absl::StatusOr<bool> Less(const Value& a, const Value& b) {
  BasicKind k1 = BasicKindOf(a);
  if (k1 == BasicKind::kInvalid) return Error(std::string(kBadComparisonType));
  BasicKind k2 = BasicKindOf(b);
  if (k2 == BasicKind::kInvalid) return Error(std::string(kBadComparisonType));
  if (k1 != k2) return Error(std::string(kBadComparison));
  switch (k1) {
    case BasicKind::kInt:
      return a.i < b.i;
    case BasicKind::kFloat:
      return a.f < b.f;
    case BasicKind::kString:
      return a.s < b.s;
    default:
      return Error(std::string(kBadComparisonType));
  }
}

absl::StatusOr<Value> Eq(const std::vector<Value>& args, const TemplateData&) {
  auto r = Equal(args[0], std::vector<Value>(args.begin() + 1, args.end()));
  if (!r.ok()) return r.status();
  return Value::Bool(*r);
}
absl::StatusOr<Value> Ne(const std::vector<Value>& args, const TemplateData&) {
  auto r = Equal(args[0], {args[1]});
  if (!r.ok()) return r.status();
  return Value::Bool(!*r);
}
absl::StatusOr<Value> Lt(const std::vector<Value>& args, const TemplateData&) {
  auto r = Less(args[0], args[1]);
  if (!r.ok()) return r.status();
  return Value::Bool(*r);
}
absl::StatusOr<bool> LessOrEqual(const Value& a, const Value& b) {
  auto lt = Less(a, b);
  if (!lt.ok() || *lt) return lt;
  return Equal(a, {b});
}
absl::StatusOr<Value> Le(const std::vector<Value>& args, const TemplateData&) {
  auto r = LessOrEqual(args[0], args[1]);
  if (!r.ok()) return r.status();
  return Value::Bool(*r);
}
absl::StatusOr<Value> Gt(const std::vector<Value>& args, const TemplateData&) {
  auto r = LessOrEqual(args[0], args[1]);
  if (!r.ok()) return r.status();
  return Value::Bool(!*r);
}
absl::StatusOr<Value> Ge(const std::vector<Value>& args, const TemplateData&) {
  auto r = Less(args[0], args[1]);
  if (!r.ok()) return r.status();
  return Value::Bool(!*r);
}

}  // namespace

const std::vector<FuncDef>& BuiltinFunctions() {
  using P = ParamType;
  static const auto* const kFuncs = new std::vector<FuncDef>{
      {"and", {P::kAny, P::kAny}, true, true, nullptr},
      {"or", {P::kAny, P::kAny}, true, true, nullptr},
      {"not", {P::kAny}, false, true, Not},
      {"len", {P::kAny}, false, true, Len},
      {"index", {P::kAny, P::kAny}, true, true, Index},
      {"slice", {P::kAny, P::kAny}, true, true, Slice},
      {"print", {P::kAny}, true, false, Print},
      {"printf", {P::kString, P::kAny}, true, false, Printf},
      {"println", {P::kAny}, true, false, Println},
      {"html", {P::kAny}, true, false, Html},
      {"js", {P::kAny}, true, false, Js},
      {"urlquery", {P::kAny}, true, false, UrlQuery},
      {"eq", {P::kAny, P::kAny}, true, true, Eq},
      {"ne", {P::kAny, P::kAny}, false, true, Ne},
      {"lt", {P::kAny, P::kAny}, false, true, Lt},
      {"le", {P::kAny, P::kAny}, false, true, Le},
      {"gt", {P::kAny, P::kAny}, false, true, Gt},
      {"ge", {P::kAny, P::kAny}, false, true, Ge},
  };
  return *kFuncs;
}

std::string_view ParamTypeName(ParamType t, bool builtin) {
  switch (t) {
    case ParamType::kAny:
      return builtin ? "reflect.Value" : "interface {}";
    case ParamType::kString:
      return "string";
    case ParamType::kSample:
      return kSampleType;
    case ParamType::kQueryResult:
      return kQueryResultType;
  }
  return "";
}

const FuncDef* FindFunction(std::string_view name) {
  for (const auto* table : {&PrometheusFunctions(), &BuiltinFunctions()}) {
    for (const FuncDef& f : *table) {
      if (f.name == name) return &f;
    }
  }
  return nullptr;
}

}  // namespace query::rules::internal
