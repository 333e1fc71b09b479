// The template executor: Go's text/template/exec.go over our parse tree.
// The first error stops execution; it carries Go's location and context:
//   template: NAME:LINE:COL: executing "NAME" at <NODE>: message
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "query/rules/template_internal.h"
#include "tsdb/quote.h"

namespace query::rules::internal {
namespace {

// Bounds {{template}} recursion (Go allows 100000 frames; our stack is
// smaller).
constexpr int kMaxExecDepth = 1000;

enum class Flow { kNormal, kBreak, kContinue, kError };

class Executor {
 public:
  Executor(const TemplateTree& tree, const TemplateData& data)
      : tree_(tree), data_(data), template_name_(tree.name) {}

  absl::StatusOr<std::string> Run(const Value& dot) {
    auto it = tree_.templates.find(tree_.name);
    if (it == tree_.templates.end() || it->second->children.empty()) {
      return absl::InvalidArgumentError(
          absl::StrFormat("template: %s: %s is an incomplete or empty template",
                          tree_.name, tsdb::QuoteGo(tree_.name)));
    }
    vars_.emplace_back("$", dot);
    Walk(dot, *it->second);
    if (!error_.empty()) return absl::InvalidArgumentError(error_);
    return std::move(out_);
  }

 private:
  bool failed() const { return !error_.empty(); }
  void At(const Node& node) { node_ = &node; }

  // Records the first error with Go's location and context.
  Value Fail(std::string_view message) {
    if (!error_.empty()) return Value::Invalid();
    if (node_ == nullptr) {
      error_ = Cat("template: ", tree_.name, ": ", message);
      return Value::Invalid();
    }
    std::string_view text(tree_.text);
    size_t pos = std::min(node_->pos, text.size());
    std::string_view before = text.substr(0, pos);
    size_t last_newline = before.rfind('\n');
    size_t col =
        last_newline == std::string_view::npos ? pos : pos - last_newline - 1;
    int line = 1;
    for (char c : before) {
      if (c == '\n') ++line;
    }
    error_ = absl::StrFormat(
        "template: %s:%d:%d: executing %s at <%s>: %s", tree_.name, line, col,
        tsdb::QuoteGo(template_name_), node_->String(), message);
    return Value::Invalid();
  }

  // ------------------------------------------------------------ walking

  Flow Walk(const Value& dot, const Node& node) {
    if (failed()) return Flow::kError;
    At(node);
    switch (node.type) {
      case NodeType::kList:
        return WalkList(dot, node.children);
      case NodeType::kText:
        out_ += node.text;
        return Flow::kNormal;
      case NodeType::kAction: {
        Value v = EvalPipeline(dot, *node.pipe);
        if (failed()) return Flow::kError;
        if (node.pipe->decl.empty()) PrintValue(node, v);
        return failed() ? Flow::kError : Flow::kNormal;
      }
      case NodeType::kIf:
      case NodeType::kWith:
        return WalkIfOrWith(dot, node);
      case NodeType::kRange:
        return WalkRange(dot, node);
      case NodeType::kTemplate:
        return WalkTemplate(dot, node);
      case NodeType::kBreak:
        return Flow::kBreak;
      case NodeType::kContinue:
        return Flow::kContinue;
      default:
        Fail("unknown node: " + node.String());
        return Flow::kError;
    }
  }

  Flow WalkList(const Value& dot,
                const std::vector<std::unique_ptr<Node>>& nodes) {
    for (const auto& n : nodes) {
      Flow f = Walk(dot, *n);
      if (f != Flow::kNormal) return f;
    }
    return Flow::kNormal;
  }

  void PrintValue(const Node& node, Value v) {
    At(node);
    if (v.kind == Kind::kInvalid) {
      out_ += "<no value>";
      return;
    }
    // Go prints what a pointer points to.
    if (v.kind == Kind::kStruct && v.IsPointer()) v.type = v.type.substr(1);
    out_ += GoPrint(v);
  }

  Flow WalkIfOrWith(const Value& dot, const Node& node) {
    size_t mark = vars_.size();
    Value v = EvalPipeline(dot, *node.pipe);
    Flow flow = Flow::kNormal;
    if (!failed()) {
      if (IsTrue(v)) {
        flow = WalkList(node.type == NodeType::kWith ? v : dot, node.children);
      } else if (node.has_else) {
        flow = WalkList(dot, node.else_children);
      }
    }
    vars_.resize(mark);
    return failed() ? Flow::kError : flow;
  }

  Flow WalkRange(const Value& dot, const Node& node) {
    At(node);
    size_t outer_mark = vars_.size();
    Value v = EvalPipeline(dot, *node.pipe);
    if (failed()) return Flow::kError;
    size_t mark = vars_.size();
    size_t decls = node.pipe->decl.size();
    bool iterated = false;
    auto one = [&](const Value& index, const Value& elem) {
      if (decls > 0) vars_[vars_.size() - 1].second = elem;
      if (decls > 1) vars_[vars_.size() - 2].second = index;
      Flow f = WalkList(elem, node.children);
      vars_.resize(mark);
      return f;
    };
    switch (v.kind) {
      case Kind::kList:
      case Kind::kMap: {
        const auto& entries = v.Entries();
        for (size_t i = 0; i < entries.size(); ++i) {
          iterated = true;
          Value index = v.kind == Kind::kList
                            ? Value::Int(static_cast<int64_t>(i))
                            : Value::String(entries[i].first);
          Flow f = one(index, entries[i].second);
          if (f == Flow::kError) return f;
          if (f == Flow::kBreak) break;
        }
        break;
      }
      case Kind::kInvalid:
      case Kind::kNil:
        break;
      default:
        Fail(Cat("range can't iterate over ", GoPrint(v)));
        return Flow::kError;
    }
    Flow flow = Flow::kNormal;
    if (!iterated && node.has_else) flow = WalkList(dot, node.else_children);
    vars_.resize(outer_mark);
    return flow == Flow::kError ? flow : Flow::kNormal;
  }

  Flow WalkTemplate(const Value& dot, const Node& node) {
    At(node);
    auto it = tree_.templates.find(node.text);
    if (it == tree_.templates.end()) {
      Fail(
          absl::StrFormat("template %s not defined", tsdb::QuoteGo(node.text)));
      return Flow::kError;
    }
    if (depth_ >= kMaxExecDepth) {
      Fail(absl::StrFormat("exceeded maximum template depth (%d)",
                           kMaxExecDepth));
      return Flow::kError;
    }
    Value new_dot = node.pipe ? EvalPipeline(dot, *node.pipe) : Value();
    if (failed()) return Flow::kError;
    std::vector<std::pair<std::string, Value>> saved_vars = std::move(vars_);
    vars_.clear();
    vars_.emplace_back("$", new_dot);
    std::string saved_name = std::move(template_name_);
    template_name_ = node.text;
    ++depth_;
    Walk(new_dot, *it->second);
    --depth_;
    template_name_ = std::move(saved_name);
    vars_ = std::move(saved_vars);
    return failed() ? Flow::kError : Flow::kNormal;
  }

  // --------------------------------------------------------- evaluating

  Value EvalPipeline(const Value& dot, const Node& pipe) {
    At(pipe);
    Value value;
    bool has_final = false;
    for (const auto& cmd : pipe.children) {
      value = EvalCommand(dot, *cmd, has_final ? &value : nullptr);
      if (failed()) return Value::Invalid();
      // A nil interface is no value.
      if (value.kind == Kind::kNil && value.type == "<nil>") {
        value = Value::Invalid();
      }
      has_final = true;
    }
    for (const auto& v : pipe.decl) {
      const std::string& name = v->idents[0];
      if (pipe.is_assign) {
        SetVar(name, value);
      } else {
        vars_.emplace_back(name, value);
      }
    }
    return value;
  }

  void SetVar(const std::string& name, const Value& value) {
    for (size_t i = vars_.size(); i-- > 0;) {
      if (vars_[i].first == name) {
        vars_[i].second = value;
        return;
      }
    }
    Fail("undefined variable: " + name);
  }

  Value VarValue(const std::string& name) {
    for (size_t i = vars_.size(); i-- > 0;) {
      if (vars_[i].first == name) return vars_[i].second;
    }
    return Fail("undefined variable: " + name);
  }

  // `final` is the previous command's value in a pipeline, or null.
  Value EvalCommand(const Value& dot, const Node& cmd, const Value* final) {
    const Node& first = *cmd.children[0];
    switch (first.type) {
      case NodeType::kField:
        At(first);
        return EvalFieldChain(dot, dot, first, first.idents, &cmd, final);
      case NodeType::kChain:
        return EvalChain(dot, first, &cmd, final);
      case NodeType::kIdentifier:
        return EvalFunction(dot, first, cmd, &cmd, final);
      case NodeType::kPipe:
        if (!NotAFunction(cmd, final)) return Value::Invalid();
        return EvalPipeline(dot, first);
      case NodeType::kVariable:
        return EvalVariable(dot, first, &cmd, final);
      default:
        break;
    }
    At(first);
    if (!NotAFunction(cmd, final)) return Value::Invalid();
    switch (first.type) {
      case NodeType::kBool:
        return Value::Bool(first.b);
      case NodeType::kDot:
        return dot;
      case NodeType::kNil:
        return Fail("nil is not a command");
      case NodeType::kNumber:
        return IdealConstant(first);
      case NodeType::kString:
        return Value::String(first.text);
      default:
        return Fail("can't evaluate command " + tsdb::QuoteGo(first.String()));
    }
  }

  bool NotAFunction(const Node& cmd, const Value* final) {
    if (cmd.children.size() > 1 || final != nullptr) {
      Fail("can't give argument to non-function " + cmd.children[0]->String());
      return false;
    }
    return true;
  }

  Value IdealConstant(const Node& n) {
    At(n);
    const NumberLit& num = n.number;
    const std::string& t = n.text;
    bool hex_int = t.size() > 2 && t[0] == '0' && (t[1] | 0x20) == 'x' &&
                   t.find_first_of("pP") == std::string::npos;
    if (num.is_float && !hex_int && !num.is_char &&
        t.find_first_of(".eEpP") != std::string::npos) {
      return Value::Float(num.float_val);
    }
    if (num.is_int) return Value::Int(num.int_val);
    if (num.is_uint) return Fail(t + " overflows int");
    return Value::Invalid();
  }

  Value EvalChain(const Value& dot, const Node& chain, const Node* cmd,
                  const Value* final) {
    At(chain);
    if (chain.pipe->type == NodeType::kNil) {
      return Fail("indirection through explicit nil in " + chain.String());
    }
    Value receiver = EvalArg(dot, nullptr, *chain.pipe);
    if (failed()) return receiver;
    return EvalFieldChain(dot, receiver, chain, chain.idents, cmd, final);
  }

  Value EvalVariable(const Value& dot, const Node& var, const Node* cmd,
                     const Value* final) {
    At(var);
    Value value = VarValue(var.idents[0]);
    if (failed()) return value;
    if (var.idents.size() == 1) {
      if (cmd != nullptr && !NotAFunction(*cmd, final)) return Value::Invalid();
      return value;
    }
    std::vector<std::string> fields(var.idents.begin() + 1, var.idents.end());
    return EvalFieldChain(dot, value, var, fields, cmd, final);
  }

  // Walks the fields; the last may take the command's arguments (a method).
  Value EvalFieldChain(const Value& dot, Value receiver, const Node& node,
                       const std::vector<std::string>& fields, const Node* cmd,
                       const Value* final) {
    for (size_t i = 0; i < fields.size(); ++i) {
      bool last = i + 1 == fields.size();
      receiver = EvalField(dot, fields[i], node, last ? cmd : nullptr,
                           last ? final : nullptr, receiver);
      if (failed()) return Value::Invalid();
    }
    return receiver;
  }

  Value EvalField(const Value& dot, const std::string& name, const Node& node,
                  const Node* cmd, const Value* final, const Value& receiver) {
    if (receiver.kind == Kind::kInvalid) return Value::Invalid();
    bool has_args =
        (cmd != nullptr && cmd->children.size() > 1) || final != nullptr;
    switch (receiver.kind) {
      case Kind::kTime:
        if (name == "Unix" || name == "UnixMilli" || name == "UnixNano") {
          return TimeMethod(dot, name, node, cmd, final, receiver);
        }
        break;
      case Kind::kStruct:
        for (const auto& [field, value] : receiver.Entries()) {
          if (field != name) continue;
          if (has_args) {
            return Fail(name +
                        " has arguments but cannot be invoked as function");
          }
          return value;
        }
        break;
      case Kind::kMap: {
        if (has_args) return Fail(name + " is not a method but has arguments");
        for (const auto& [key, value] : receiver.Entries()) {
          if (key == name) return value;
        }
        // missingkey=zero: the element type's zero value.
        if (receiver.type == kLabelsMapType) return Value::String("");
        return Value::Invalid();
      }
      case Kind::kNil:
        if (receiver.type == kSampleType &&
            (name == "Labels" || name == "Value")) {
          return Fail(Cat("nil pointer evaluating ", receiver.type, ".", name));
        }
        break;
      default:
        break;
    }
    return Fail(Cat("can't evaluate field ", name, " in type ", receiver.type));
  }

  Value TimeMethod(const Value& dot, const std::string& name, const Node& node,
                   const Node* cmd, const Value* final, const Value& t) {
    (void)dot;
    (void)node;
    size_t args = (cmd != nullptr ? cmd->children.size() - 1 : 0) +
                  (final != nullptr ? 1 : 0);
    if (args != 0) {
      return Fail(absl::StrFormat("wrong number of args for %s: want 0 got %d",
                                  name, args));
    }
    int64_t ns = t.i;
    if (name == "Unix") {
      return Value::Int(
          ns >= 0 ? ns / 1000000000 : -((-ns + 999999999) / 1000000000),
          "int64");
    }
    if (name == "UnixMilli") {
      return Value::Int(ns >= 0 ? ns / 1000000 : -((-ns + 999999) / 1000000),
                        "int64");
    }
    return Value::Int(ns, "int64");
  }

  Value EvalFunction(const Value& dot, const Node& ident, const Node& cmd,
                     const Node* args_cmd, const Value* final) {
    At(ident);
    const FuncDef* fn = FindFunction(ident.text);
    if (fn == nullptr) {
      return Fail(tsdb::QuoteGo(ident.text) + " is not a defined function");
    }
    return EvalCall(dot, *fn, cmd, args_cmd, final);
  }

  // Calls fn with the operands of args_cmd after the first (none when
  // args_cmd is null) and `final`.
  Value EvalCall(const Value& dot, const FuncDef& fn, const Node& node,
                 const Node* args_cmd, const Value* final) {
    std::vector<const Node*> args;
    if (args_cmd != nullptr) {
      for (size_t i = 1; i < args_cmd->children.size(); ++i) {
        args.push_back(args_cmd->children[i].get());
      }
    }
    size_t num_in = args.size() + (final != nullptr ? 1 : 0);
    size_t num_params = fn.params.size();
    size_t num_fixed = args.size();
    if (fn.variadic) {
      num_fixed = num_params - 1;
      if (num_in < num_fixed) {
        return Fail(absl::StrFormat(
            "wrong number of args for %s: want at least %d got %d", fn.name,
            num_fixed, args.size()));
      }
    } else if (num_in != num_params) {
      return Fail(absl::StrFormat("wrong number of args for %s: want %d got %d",
                                  fn.name, num_params, num_in));
    }
    auto param_at = [&](size_t i) {
      return fn.variadic && i >= num_params - 1 ? fn.params.back()
                                                : fn.params[i];
    };
    if (fn.impl == nullptr) {  // and, or: short-circuit
      bool is_or = fn.name == "or";
      Value v;
      for (const Node* arg : args) {
        v = EvalArg(dot, &fn, *arg, ParamType::kAny);
        if (failed()) return Value::Invalid();
        if (IsTrue(v) == is_or) return v;
      }
      if (final != nullptr) v = ValidateType(*final, fn, ParamType::kAny);
      return v;
    }
    std::vector<Value> argv;
    argv.reserve(num_in);
    for (size_t i = 0; i < args.size(); ++i) {
      argv.push_back(EvalArg(dot, &fn, *args[i], param_at(i)));
      if (failed()) return Value::Invalid();
    }
    if (final != nullptr) {
      argv.push_back(ValidateType(*final, fn, param_at(args.size())));
      if (failed()) return Value::Invalid();
    }
    absl::StatusOr<Value> result = fn.impl(argv, data_);
    if (!result.ok()) {
      At(node);
      return Fail(
          Cat("error calling ", fn.name, ": ", result.status().message()));
    }
    return *std::move(result);
  }

  // Go's validateType: the value as the parameter takes it.
  Value ValidateType(const Value& v, const FuncDef& fn, ParamType t) {
    std::string_view type_name = ParamTypeName(t, fn.builtin);
    if (v.kind == Kind::kInvalid) {
      switch (t) {
        case ParamType::kAny:
          return fn.builtin ? Value::Invalid() : Value::Nil();
        case ParamType::kString:
          return Fail(Cat("invalid value; expected ", type_name));
        case ParamType::kSample:
          return Value::Nil(kSampleType);
        case ParamType::kQueryResult:
          return Value::List({}, kQueryResultType);
      }
    }
    bool ok = false;
    switch (t) {
      case ParamType::kAny:
        ok = true;
        break;
      case ParamType::kString:
        ok = v.kind == Kind::kString && v.type == "string";
        break;
      case ParamType::kSample:
        ok = v.type == kSampleType;
        break;
      case ParamType::kQueryResult:
        ok = v.type == kQueryResultType;
        break;
    }
    if (!ok) {
      return Fail(
          Cat("wrong type for value; expected ", type_name, "; got ", v.type));
    }
    return v;
  }

  // Go's evalArg. fn null: no conversion (a chain's receiver).
  Value EvalArg(const Value& dot, const FuncDef* fn, const Node& n,
                ParamType t = ParamType::kAny) {
    At(n);
    Value v;
    switch (n.type) {
      case NodeType::kDot:
        v = dot;
        break;
      case NodeType::kNil:
        if (fn == nullptr) return Value::Invalid();
        if (t == ParamType::kAny && fn->builtin) return Value::Invalid();
        if (t == ParamType::kString) {
          return Fail(
              Cat("cannot assign nil to ", ParamTypeName(t, fn->builtin)));
        }
        if (t == ParamType::kSample) return Value::Nil(kSampleType);
        if (t == ParamType::kQueryResult) return Value::Nil(kQueryResultType);
        return Value::Nil();
      case NodeType::kField:
        v = EvalFieldChain(dot, dot, n, n.idents, nullptr, nullptr);
        break;
      case NodeType::kVariable:
        v = EvalVariable(dot, n, nullptr, nullptr);
        break;
      case NodeType::kPipe:
        v = EvalPipeline(dot, n);
        break;
      case NodeType::kIdentifier:
        v = EvalFunction(dot, n, n, nullptr, nullptr);
        break;
      case NodeType::kChain:
        v = EvalChain(dot, n, nullptr, nullptr);
        break;
      default:
        return EvalLiteralArg(n, fn, t);
    }
    if (failed()) return Value::Invalid();
    if (fn == nullptr) return v;
    return ValidateType(v, *fn, t);
  }

  Value EvalLiteralArg(const Node& n, const FuncDef* fn, ParamType t) {
    if (fn == nullptr || t == ParamType::kAny) {
      switch (n.type) {
        case NodeType::kBool:
          return Value::Bool(n.b);
        case NodeType::kNumber:
          return IdealConstant(n);
        case NodeType::kString:
          return Value::String(n.text);
        default:
          return Value::Invalid();
      }
    }
    if (t == ParamType::kString) {
      if (n.type == NodeType::kString) return Value::String(n.text);
      return Fail("expected string; found " + n.String());
    }
    return Fail(Cat("can't handle ", n.String(), " for arg of type ",
                    ParamTypeName(t, fn->builtin)));
  }

  const TemplateTree& tree_;
  const TemplateData& data_;
  std::string template_name_;
  std::string out_;
  std::vector<std::pair<std::string, Value>> vars_;
  const Node* node_ = nullptr;
  std::string error_;
  int depth_ = 0;
};

}  // namespace

absl::StatusOr<std::string> ExecuteTree(const TemplateTree& tree,
                                        const TemplateData& data,
                                        const Value& dot) {
  Executor executor(tree, data);
  return executor.Run(dot);
}

}  // namespace query::rules::internal
