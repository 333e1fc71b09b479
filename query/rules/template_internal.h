// Internal parts of the template engine (template.h), shared by its files:
// the values templates compute with, the parse tree, the lexer, the parser,
// the function table and Go's fmt. Not part of the query API.
//
// The engine follows Go's text/template (lex.go, parse.go, node.go,
// exec.go, funcs.go) closely enough that error texts, positions and outputs
// match Prometheus's, which runs text/template with missingkey=zero.
#ifndef QUERY_RULES_TEMPLATE_INTERNAL_H_
#define QUERY_RULES_TEMPLATE_INTERNAL_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "query/rules/template.h"

namespace query::rules::internal {

// Concatenates strings of any of the string types (std::string_view and
// Abseil's own string_view alike).
inline std::string_view ToStdView(std::string_view s) { return s; }
inline std::string_view ToStdView(const char* s) { return s; }
inline std::string_view ToStdView(const std::string& s) { return s; }
inline std::string_view ToStdView(absl::string_view s) {
  return {s.data(), s.size()};
}
template <typename... Args>
std::string Cat(const Args&... args) {
  std::string out;
  (out.append(ToStdView(args)), ...);
  return out;
}

// ---------------------------------------------------------------- values

// The Go kinds a template value can have.
enum class Kind {
  kInvalid,  // Go's invalid reflect.Value: prints "<no value>"
  kNil,      // a nil interface or pointer: prints "<nil>"
  kBool,
  kInt,  // int, uint8 (see Value::type)
  kFloat,
  kString,  // string, template.HTML
  kMap,     // sorted by key
  kList,    // template.queryResult
  kStruct,  // the data, *template.sample
  kTime,    // *time.Time (nanoseconds since the epoch, UTC)
};

struct Value;
// The entries of a map (sorted by key), a struct (fields in order) or a
// list (names empty).
struct Composite {
  std::vector<std::pair<std::string, Value>> entries;
};

// A template value: a Go value with its dynamic type. Cheap to copy
// (composites are shared).
struct Value {
  Kind kind = Kind::kInvalid;
  // Go's name of the dynamic type, for messages and %T: "float64",
  // "map[string]string", "*template.sample". A leading '*' marks a pointer.
  std::string_view type;
  bool b = false;
  int64_t i = 0;  // kInt; kTime: nanoseconds
  double f = 0;
  std::string s;
  std::shared_ptr<const Composite> composite;

  static Value Invalid() { return Value(); }
  static Value Nil(std::string_view type = "<nil>");
  static Value Bool(bool b);
  static Value Int(int64_t i, std::string_view type = "int");
  static Value Float(double f);
  static Value String(std::string s, std::string_view type = "string");
  static Value Time(int64_t ns);
  // REQUIRES: entries sorted by key, keys unique.
  static Value Map(std::vector<std::pair<std::string, Value>> entries,
                   std::string_view type);
  static Value Struct(std::vector<std::pair<std::string, Value>> fields,
                      std::string_view type);
  static Value List(std::vector<Value> items, std::string_view type);

  bool IsPointer() const { return !type.empty() && type[0] == '*'; }
  // The map/struct/list entries (empty for other kinds).
  const std::vector<std::pair<std::string, Value>>& Entries() const;
};

inline constexpr std::string_view kLabelsMapType = "map[string]string";
inline constexpr std::string_view kArgsMapType = "map[string]interface {}";
inline constexpr std::string_view kSampleType = "*template.sample";
inline constexpr std::string_view kQueryResultType = "template.queryResult";
inline constexpr std::string_view kHtmlType = "template.HTML";
inline constexpr std::string_view kDataType =
    "struct { Labels map[string]string; ExternalLabels map[string]string; "
    "ExternalURL string; Value float64 }";

// Go's truth of a value (text/template's isTrue): false, 0, "", empty
// map/list, nil and invalid are false.
bool IsTrue(const Value& v);

// ------------------------------------------------------------------- fmt

// Go's fmt.Sprint, fmt.Sprintln and fmt.Sprintf over template values.
std::string GoSprint(const std::vector<Value>& args);
std::string GoSprintln(const std::vector<Value>& args);
std::string GoSprintf(std::string_view format, const std::vector<Value>& args);
// fmt.Sprint(v) for one value.
std::string GoPrint(const Value& v);

// Go's strconv.FormatFloat(v, fmt, prec, 64) for fmt in "eEfFgG"; prec < 0
// is the shortest representation that reads back as v.
std::string GoFormatFloat(double v, char fmt, int prec);

// Go's time.Time.String() of a UTC time: "2009-02-13 23:31:30.122 +0000 UTC".
std::string GoTimeString(int64_t unix_ns);

// --------------------------------------------------------------- lexing

enum class ItemType {
  kError,  // val holds the message
  kBool,
  kChar,  // a printable ASCII character inside an action: ',' '@' ...
  kCharConstant,
  kAssign,   // =
  kDeclare,  // :=
  kEOF,
  kField,  // .Name
  kIdentifier,
  kLeftDelim,
  kLeftParen,
  kNumber,
  kPipe,
  kRawString,
  kRightDelim,
  kRightParen,
  kSpace,
  kString,
  kText,
  kVariable,  // $ or $name
  // Keywords.
  kBlock,
  kBreak,
  kContinue,
  kDot,
  kDefine,
  kElse,
  kEnd,
  kIf,
  kNil,
  kRange,
  kTemplate,
  kWith,
};

struct Item {
  ItemType type = ItemType::kEOF;
  size_t pos = 0;  // byte offset in the input
  std::string val;
  int line = 1;
};

// How Go prints an item in "unexpected ..." messages: "EOF", "<if>",
// "\"}\"", a quoted prefix for long values.
std::string ItemString(const Item& item);

// Go's text/template lexer with "{{" "}}" delimiters, as a pull iterator.
// Comments are dropped; trim markers are applied to the text items.
class Lexer {
 public:
  explicit Lexer(std::string_view input) : input_(input) {}
  // The next item; after kEOF or kError, kEOF again.
  Item Next();

 private:
  Item LexText();
  Item LexInsideAction();
  Item LexComment();
  Item LexSpace();
  Item LexQuote(char quote);
  Item LexChar();
  Item LexNumber();
  Item LexIdentifier();
  Item LexFieldOrVariable(ItemType type);
  bool AtTerminator() const;
  bool AtRightDelim(bool* trim) const;
  Item Emit(ItemType type, size_t start);
  Item Error(std::string message);

  std::string_view input_;
  size_t pos_ = 0;
  int line_ = 1;
  bool in_action_ = false;
  bool done_ = false;
  bool trim_text_start_ = false;  // after "-}}": skip leading spaces
  int paren_depth_ = 0;
};

// -------------------------------------------------------------- parsing

enum class NodeType {
  kList,
  kText,
  kAction,
  kIf,
  kRange,
  kWith,
  kTemplate,
  kBreak,
  kContinue,
  kPipe,
  kCommand,
  kIdentifier,
  kVariable,
  kField,
  kChain,
  kDot,
  kNil,
  kBool,
  kNumber,
  kString,
};

// A parsed number literal (Go's NumberNode).
struct NumberLit {
  bool is_int = false;
  bool is_uint = false;
  bool is_float = false;
  bool is_char = false;
  int64_t int_val = 0;
  uint64_t uint_val = 0;
  double float_val = 0;
};

// One node of the parse tree. Which members are used depends on `type`:
//   kList        children
//   kText        text
//   kAction      pipe
//   kIf/kRange/kWith  pipe, children (the body), else_children (may be
//                empty; has_else says whether {{else}} was there)
//   kTemplate    text (the name), pipe (may be null)
//   kPipe        decl (kVariable nodes), is_assign, children (kCommand)
//   kCommand     children (the operands)
//   kIdentifier  text (the function name)
//   kVariable    idents ("$x", then fields)
//   kField       idents (without dots)
//   kChain       pipe (the term: a kPipe or other operand), idents
//   kBool        b
//   kNumber      text (as written), number
//   kString      text (unquoted), quoted (as written)
struct Node {
  NodeType type;
  size_t pos = 0;
  int line = 0;
  std::string text;
  std::string quoted;
  std::vector<std::string> idents;
  bool b = false;
  bool is_assign = false;
  bool has_else = false;
  NumberLit number;
  std::unique_ptr<Node> pipe;
  std::vector<std::unique_ptr<Node>> decl;
  std::vector<std::unique_ptr<Node>> children;
  std::vector<std::unique_ptr<Node>> else_children;

  // Go's Node.String(): the source form, e.g. `humanize "x"`, `$labels.job`,
  // `{{template "x" .}}`.
  std::string String() const;
};

// A parsed template and the templates it defines.
struct TemplateTree {
  std::string name;
  std::string text;  // the whole parsed text (prelude included)
  std::map<std::string, std::unique_ptr<Node>, std::less<>> templates;
};

// Go's strconv.Unquote of a "..." or `...` literal; nullopt on bad syntax.
std::optional<std::string> GoUnquote(std::string_view quoted);

// Classifies a number or character literal as Go's parse.NumberNode does;
// errors are Go's ("integer overflow: \"99999999999999999999\"").
absl::StatusOr<NumberLit> ParseNumberLiteral(std::string_view text,
                                             bool is_char);

// Parses `text` as template `name`. Errors read
// "template: NAME:LINE: message".
absl::StatusOr<std::shared_ptr<TemplateTree>> ParseTree(std::string_view name,
                                                        std::string_view text);

// Runs the template tree.name of `tree` with `dot` as its data. Errors read
// "template: NAME:LINE:COL: executing \"NAME\" at <NODE>: message".
absl::StatusOr<std::string> ExecuteTree(const TemplateTree& tree,
                                        const TemplateData& data,
                                        const Value& dot);

// ------------------------------------------------------------ functions

// How a function parameter takes its argument.
enum class ParamType {
  kAny,          // interface{} (or reflect.Value for Go's builtins)
  kString,       // string
  kSample,       // *template.sample
  kQueryResult,  // template.queryResult
};

// A function's implementation: the evaluated arguments in, a value or an
// error (the text after "error calling NAME: ") out.
using FuncImpl = absl::StatusOr<Value> (*)(const std::vector<Value>& args,
                                           const TemplateData& data);

struct FuncDef {
  std::string_view name;
  std::vector<ParamType> params;  // for variadic, the last is repeated
  bool variadic = false;
  bool builtin = false;  // Go's builtins take reflect.Values
  FuncImpl impl = nullptr;
};

// The function named `name`, or null. and/or (which short-circuit) are in
// the table with a null impl: the executor handles them.
const FuncDef* FindFunction(std::string_view name);

// Go's type name of a parameter ("string", "*template.sample", ...).
std::string_view ParamTypeName(ParamType t, bool builtin);

// Prometheus's function implementations, by name (template_funcs.cc,
// template_humanize.cc); Go's builtins (template_builtins.cc).
const std::vector<FuncDef>& PrometheusFunctions();
const std::vector<FuncDef>& BuiltinFunctions();
std::vector<FuncDef> HumanizeFunctions();

// Prometheus's convertToFloat: float64, int kinds and numeric strings;
// otherwise "can't convert T to float" or strconv.ParseFloat's error.
absl::StatusOr<double> ConvertToFloat(const Value& v);

// Go's strconv.ParseFloat error text for `s`.
std::string ParseFloatError(std::string_view s);

}  // namespace query::rules::internal

#endif  // QUERY_RULES_TEMPLATE_INTERNAL_H_
