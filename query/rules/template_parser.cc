// The template parser: Go's text/template/parse/parse.go, a recursive
// descent over the lexer's items with three items of look-ahead.
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "query/rules/template_internal.h"
#include "tsdb/absl_compat.h"
#include "tsdb/quote.h"

namespace query::rules::internal {
namespace {

// Bounds the nesting of parenthesised pipelines and control structures, and
// so the parser's recursion: Go allows 10,000; 500 keeps it within a
// thread's 8 MiB of stack even under AddressSanitizer (about 8 KiB a
// level there), far beyond what a rule file nests.
constexpr int kMaxDepth = 500;

class Parser {
 public:
  Parser(std::string_view name, std::string_view text, TemplateTree* tree)
      : name_(name), lexer_(text), tree_(tree) {}

  // Parses the whole input into tree_->templates; returns the first error
  // ("template: NAME:LINE: message") or "".
  std::string Parse() {
    vars_ = {"$"};
    auto root = NewNode(NodeType::kList, Peek().pos);
    while (!failed() && Peek().type != ItemType::kEOF) {
      if (Peek().type == ItemType::kLeftDelim) {
        Item delim = Next();
        if (NextNonSpace().type == ItemType::kDefine) {
          ParseDefinition();
          continue;
        }
        Backup2(delim);
      }
      Parsed n = TextOrAction();
      if (failed()) break;
      if (n.end_or_else) {
        Errorf("unexpected " + n.end_or_else_text);
        break;
      }
      root->children.push_back(std::move(n.node));
    }
    if (!failed()) AddTemplate(name_, std::move(root));
    return error_;
  }

 private:
  // The result of TextOrAction: a node, or an {{end}} / {{else}} marker.
  struct Parsed {
    std::unique_ptr<Node> node;
    bool end_or_else = false;
    bool is_else = false;
    std::string end_or_else_text;  // "{{end}}" or "{{else}}"
  };

  // Records the first error; every step returns early once there is one.
  void Errorf(std::string message) {
    if (error_.empty()) {
      error_ = absl::StrFormat("template: %s:%d: %s", name_, token_[0].line,
                               message);
    }
  }
  void Unexpected(const Item& item, std::string_view context) {
    if (item.type == ItemType::kError) return Errorf(item.val);
    Errorf(Cat("unexpected ", ItemString(item), " in ", context));
  }
  bool failed() const { return !error_.empty(); }

  // Items, with Go's three-token look-ahead.
  Item Next() {
    if (peek_count_ > 0) {
      --peek_count_;
    } else {
      token_[0] = lexer_.Next();
    }
    return token_[peek_count_];
  }
  void Backup() { ++peek_count_; }
  void Backup2(const Item& t1) {
    token_[1] = t1;
    peek_count_ = 2;
  }
  void Backup3(const Item& t2, const Item& t1) {
    token_[1] = t1;
    token_[2] = t2;
    peek_count_ = 3;
  }
  Item Peek() {
    if (peek_count_ > 0) return token_[peek_count_ - 1];
    peek_count_ = 1;
    token_[0] = lexer_.Next();
    return token_[0];
  }
  Item NextNonSpace() {
    Item t;
    do {
      t = Next();
    } while (t.type == ItemType::kSpace);
    return t;
  }
  Item PeekNonSpace() {
    Item t = NextNonSpace();
    Backup();
    return t;
  }
  // The next non-space item; an error unless it has type `expected`.
  Item Expect(ItemType expected, std::string_view context) {
    Item t = NextNonSpace();
    if (t.type != expected) Unexpected(t, context);
    return t;
  }

  static std::unique_ptr<Node> NewNode(NodeType type, size_t pos,
                                       int line = 0) {
    auto n = std::make_unique<Node>();
    n->type = type;
    n->pos = pos;
    n->line = line;
    return n;
  }

  void AddTemplate(const std::string& name, std::unique_ptr<Node> root) {
    auto it = tree_->templates.find(name);
    if (it != tree_->templates.end() && !it->second->children.empty() &&
        !root->children.empty()) {
      return Errorf(absl::StrFormat(
          "template: multiple definition of template %s", tsdb::QuoteGo(name)));
    }
    if (it == tree_->templates.end() || !root->children.empty()) {
      tree_->templates[name] = std::move(root);
    }
  }

  std::string UnquoteOrFail(std::string_view quoted) {
    auto s = GoUnquote(quoted);
    if (!s) {
      Errorf("invalid syntax");
      return "";
    }
    return *s;
  }

  // The body of a {{define}} or {{block}}: a list up to {{end}}, parsed with
  // a fresh variable scope.
  std::unique_ptr<Node> DefinitionBody(std::string_view context) {
    std::vector<std::string> saved_vars = std::move(vars_);
    vars_ = {"$"};
    Parsed end;
    auto root = ItemList(&end);
    vars_ = std::move(saved_vars);
    if (failed()) return nullptr;
    if (end.is_else) {
      Errorf(Cat("unexpected {{else}} in ", context));
      return nullptr;
    }
    return root;
  }

  // {{define "name"}} ... {{end}}, after the "define" keyword.
  void ParseDefinition() {
    const std::string_view context = "define clause";
    Item name_item = NextNonSpace();
    std::string name = TemplateName(name_item, context);
    if (failed()) return;
    Expect(ItemType::kRightDelim, context);
    if (failed()) return;
    auto root = DefinitionBody(context);
    if (failed()) return;
    AddTemplate(name, std::move(root));
  }

  // A list of nodes up to {{end}} or {{else}}, which *end describes.
  std::unique_ptr<Node> ItemList(Parsed* end) {
    auto list = NewNode(NodeType::kList, Peek().pos);
    while (PeekNonSpace().type != ItemType::kEOF) {
      Parsed n = TextOrAction();
      if (failed()) return nullptr;
      if (n.end_or_else) {
        *end = std::move(n);
        return list;
      }
      list->children.push_back(std::move(n.node));
    }
    Errorf("unexpected EOF");
    return nullptr;
  }

  Parsed TextOrAction() {
    Item token = NextNonSpace();
    Parsed out;
    switch (token.type) {
      case ItemType::kText:
        out.node = NewNode(NodeType::kText, token.pos, token.line);
        out.node->text = token.val;
        return out;
      case ItemType::kLeftDelim:
        return Action();
      default:
        Unexpected(token, "input");
        return out;
    }
  }

  Parsed Action() {
    Item token = NextNonSpace();
    Parsed out;
    switch (token.type) {
      case ItemType::kBlock:
        out.node = BlockControl();
        return out;
      case ItemType::kBreak:
      case ItemType::kContinue:
        out.node = BreakControl(token);
        return out;
      case ItemType::kElse: {
        out.end_or_else = true;
        out.is_else = true;
        out.end_or_else_text = "{{else}}";
        // "{{else if ...": the "if" is left for the enclosing Control.
        if (PeekNonSpace().type != ItemType::kIf) {
          Expect(ItemType::kRightDelim, "else");
        }
        return out;
      }
      case ItemType::kEnd:
        out.end_or_else = true;
        out.end_or_else_text = "{{end}}";
        Expect(ItemType::kRightDelim, "end");
        return out;
      case ItemType::kIf:
        out.node = Control(NodeType::kIf, "if");
        return out;
      case ItemType::kRange:
        out.node = Control(NodeType::kRange, "range");
        return out;
      case ItemType::kTemplate:
        out.node = TemplateControl();
        return out;
      case ItemType::kWith:
        out.node = Control(NodeType::kWith, "with");
        return out;
      default:
        break;
    }
    Backup();
    Item first = Peek();
    out.node = NewNode(NodeType::kAction, first.pos, first.line);
    out.node->pipe = Pipeline("command", ItemType::kRightDelim);
    return out;
  }

  std::unique_ptr<Node> BreakControl(const Item& keyword) {
    bool is_break = keyword.type == ItemType::kBreak;
    Item token = NextNonSpace();
    if (token.type != ItemType::kRightDelim) {
      Unexpected(token, is_break ? "{{break}}" : "{{continue}}");
      return nullptr;
    }
    if (range_depth_ == 0) {
      Errorf(is_break ? "{{break}} outside {{range}}"
                      : "{{continue}} outside {{range}}");
      return nullptr;
    }
    return NewNode(is_break ? NodeType::kBreak : NodeType::kContinue,
                   keyword.pos, keyword.line);
  }

  // if / range / with, after the keyword. Variables declared in the pipeline
  // or the bodies go out of scope at {{end}}.
  std::unique_ptr<Node> Control(NodeType type, std::string_view context) {
    if (++depth_ > kMaxDepth) {
      Errorf("max expression depth exceeded");
      return nullptr;
    }
    size_t vars_mark = vars_.size();
    auto node = ControlBody(type, context);
    vars_.resize(vars_mark);
    --depth_;
    return failed() ? nullptr : std::move(node);
  }

  std::unique_ptr<Node> ControlBody(NodeType type, std::string_view context) {
    auto pipe = Pipeline(context, ItemType::kRightDelim);
    if (failed()) return nullptr;
    auto node = NewNode(type, pipe->pos, pipe->line);
    node->pipe = std::move(pipe);
    if (type == NodeType::kRange) ++range_depth_;
    Parsed next;
    auto list = ItemList(&next);
    if (type == NodeType::kRange) --range_depth_;
    if (failed()) return nullptr;
    node->children = std::move(list->children);
    if (!next.is_else) return node;
    node->has_else = true;
    if (type == NodeType::kIf && Peek().type == ItemType::kIf) {
      // {{else if b}} is {{else}}{{if b}}...{{end}}{{end}} with one {{end}}.
      Next();
      auto nested = Control(NodeType::kIf, "if");
      if (failed()) return nullptr;
      node->else_children.push_back(std::move(nested));
      return node;
    }
    Parsed end;
    auto else_list = ItemList(&end);
    if (failed()) return nullptr;
    if (end.is_else) {
      Errorf("expected end; found {{else}}");
      return nullptr;
    }
    node->else_children = std::move(else_list->children);
    return node;
  }

  std::unique_ptr<Node> TemplateControl() {
    const std::string_view context = "template clause";
    Item token = NextNonSpace();
    std::string name = TemplateName(token, context);
    if (failed()) return nullptr;
    auto node = NewNode(NodeType::kTemplate, token.pos, token.line);
    node->text = std::move(name);
    if (NextNonSpace().type != ItemType::kRightDelim) {
      Backup();
      node->pipe = Pipeline(context, ItemType::kRightDelim);
      if (failed()) return nullptr;
    }
    return node;
  }

  std::unique_ptr<Node> BlockControl() {
    const std::string_view context = "block clause";
    Item token = NextNonSpace();
    std::string name = TemplateName(token, context);
    if (failed()) return nullptr;
    auto pipe = Pipeline(context, ItemType::kRightDelim);
    if (failed()) return nullptr;
    auto root = DefinitionBody(context);
    if (failed()) return nullptr;
    AddTemplate(name, std::move(root));
    auto node = NewNode(NodeType::kTemplate, token.pos, token.line);
    node->text = std::move(name);
    node->pipe = std::move(pipe);
    return node;
  }

  std::string TemplateName(const Item& token, std::string_view context) {
    if (token.type != ItemType::kString && token.type != ItemType::kRawString) {
      Unexpected(token, context);
      return "";
    }
    return UnquoteOrFail(token.val);
  }

  // Declarations ("$x :=", "$x =", "$i, $v :=") at the start of a pipeline.
  void Declarations(Node* pipe, std::string_view context) {
    while (true) {
      Item v = PeekNonSpace();
      if (v.type != ItemType::kVariable) return;
      Next();
      Item after_variable = Peek();
      Item next = PeekNonSpace();
      if (next.type == ItemType::kAssign || next.type == ItemType::kDeclare) {
        pipe->is_assign = next.type == ItemType::kAssign;
        NextNonSpace();
        pipe->decl.push_back(NewVariable(v));
        vars_.push_back(v.val);
        return;
      }
      if (next.type == ItemType::kChar && next.val == ",") {
        NextNonSpace();
        pipe->decl.push_back(NewVariable(v));
        vars_.push_back(v.val);
        if (context == "range" && pipe->decl.size() < 2) {
          ItemType t = PeekNonSpace().type;
          if (t == ItemType::kVariable || t == ItemType::kRightDelim ||
              t == ItemType::kRightParen) {
            continue;  // the second variable of a range
          }
          return Errorf("range can only initialize variables");
        }
        return Errorf(Cat("too many declarations in ", context));
      }
      if (after_variable.type == ItemType::kSpace) {
        Backup3(v, after_variable);
      } else {
        Backup2(v);
      }
      return;
    }
  }

  std::unique_ptr<Node> Pipeline(std::string_view context, ItemType end) {
    Item first = PeekNonSpace();
    auto pipe = NewNode(NodeType::kPipe, first.pos, first.line);
    Declarations(pipe.get(), context);
    if (failed()) return nullptr;
    while (true) {
      Item token = NextNonSpace();
      if (token.type == end) {
        CheckPipeline(*pipe, context);
        return failed() ? nullptr : std::move(pipe);
      }
      switch (token.type) {
        case ItemType::kBool:
        case ItemType::kCharConstant:
        case ItemType::kDot:
        case ItemType::kField:
        case ItemType::kIdentifier:
        case ItemType::kNumber:
        case ItemType::kNil:
        case ItemType::kRawString:
        case ItemType::kString:
        case ItemType::kVariable:
        case ItemType::kLeftParen: {
          Backup();
          auto cmd = Command();
          if (failed()) return nullptr;
          pipe->children.push_back(std::move(cmd));
          break;
        }
        default:
          Unexpected(token, context);
          return nullptr;
      }
    }
  }

  // Go's checkPipeline: not empty; only the first command may start with a
  // literal or dot.
  void CheckPipeline(const Node& pipe, std::string_view context) {
    if (pipe.children.empty()) {
      return Errorf(Cat("missing value for ", context));
    }
    for (size_t i = 1; i < pipe.children.size(); ++i) {
      switch (pipe.children[i]->children[0]->type) {
        case NodeType::kBool:
        case NodeType::kDot:
        case NodeType::kNil:
        case NodeType::kNumber:
        case NodeType::kString:
          return Errorf(absl::StrFormat(
              "non executable command in pipeline stage %d", i + 1));
        default:
          break;
      }
    }
  }

  std::unique_ptr<Node> Command() {
    auto cmd = NewNode(NodeType::kCommand, PeekNonSpace().pos);
    while (true) {
      PeekNonSpace();
      auto operand = Operand();
      if (failed()) return nullptr;
      if (operand) cmd->children.push_back(std::move(operand));
      Item token = Next();
      if (token.type == ItemType::kSpace) continue;
      if (token.type == ItemType::kRightDelim ||
          token.type == ItemType::kRightParen) {
        Backup();
      } else if (token.type != ItemType::kPipe) {
        Unexpected(token, "operand");
        return nullptr;
      }
      break;
    }
    if (cmd->children.empty()) {
      Errorf("empty command");
      return nullptr;
    }
    return cmd;
  }

  // A term and the fields that follow it: .a.b, $x.a, (pipe).a.
  std::unique_ptr<Node> Operand() {
    auto node = Term();
    if (!node) return nullptr;
    if (Peek().type != ItemType::kField) return node;
    size_t chain_pos = Peek().pos;
    std::vector<std::string> fields;
    while (Peek().type == ItemType::kField) {
      fields.push_back(Next().val.substr(1));
    }
    switch (node->type) {
      case NodeType::kField:
      case NodeType::kVariable:
        node->pos = chain_pos;
        for (auto& f : fields) node->idents.push_back(std::move(f));
        return node;
      case NodeType::kBool:
      case NodeType::kString:
      case NodeType::kNumber:
      case NodeType::kNil:
      case NodeType::kDot:
        Errorf(absl::StrFormat("unexpected . after term %s",
                               tsdb::QuoteGo(node->String())));
        return nullptr;
      default: {
        auto chain = NewNode(NodeType::kChain, chain_pos);
        chain->pipe = std::move(node);
        chain->idents = std::move(fields);
        return chain;
      }
    }
  }

  std::unique_ptr<Node> NewVariable(const Item& item) {
    auto v = NewNode(NodeType::kVariable, item.pos, item.line);
    for (auto part : absl::StrSplit(tsdb::AbslView(item.val), '.')) {
      v->idents.emplace_back(part.data(), part.size());
    }
    return v;
  }

  // One operand without its trailing fields; null (without an error) when
  // the next item starts none.
  std::unique_ptr<Node> Term() {
    Item token = NextNonSpace();
    switch (token.type) {
      case ItemType::kIdentifier: {
        if (FindFunction(token.val) == nullptr) {
          Errorf(absl::StrFormat("function %s not defined",
                                 tsdb::QuoteGo(token.val)));
          return nullptr;
        }
        auto n = NewNode(NodeType::kIdentifier, token.pos, token.line);
        n->text = token.val;
        return n;
      }
      case ItemType::kDot:
        return NewNode(NodeType::kDot, token.pos, token.line);
      case ItemType::kNil:
        return NewNode(NodeType::kNil, token.pos, token.line);
      case ItemType::kVariable: {
        auto v = NewVariable(token);
        for (const auto& name : vars_) {
          if (name == v->idents[0]) return v;
        }
        Errorf(absl::StrFormat("undefined variable %s",
                               tsdb::QuoteGo(v->idents[0])));
        return nullptr;
      }
      case ItemType::kField: {
        auto f = NewNode(NodeType::kField, token.pos, token.line);
        for (auto part :
             absl::StrSplit(tsdb::AbslView(token.val).substr(1), '.')) {
          f->idents.emplace_back(part.data(), part.size());
        }
        return f;
      }
      case ItemType::kBool: {
        auto b = NewNode(NodeType::kBool, token.pos, token.line);
        b->b = token.val == "true";
        return b;
      }
      case ItemType::kCharConstant:
      case ItemType::kNumber:
        return NewNumber(token);
      case ItemType::kLeftParen: {
        if (++depth_ > kMaxDepth) {
          Errorf("max expression depth exceeded");
          return nullptr;
        }
        auto p = Pipeline("parenthesized pipeline", ItemType::kRightParen);
        --depth_;
        return p;
      }
      case ItemType::kString:
      case ItemType::kRawString: {
        auto s = NewNode(NodeType::kString, token.pos, token.line);
        s->text = UnquoteOrFail(token.val);
        s->quoted = token.val;
        return failed() ? nullptr : std::move(s);
      }
      default:
        break;
    }
    Backup();
    return nullptr;
  }

  std::unique_ptr<Node> NewNumber(const Item& token) {
    auto n = NewNode(NodeType::kNumber, token.pos, token.line);
    n->text = token.val;
    auto number =
        ParseNumberLiteral(token.val, token.type == ItemType::kCharConstant);
    if (!number.ok()) {
      Errorf(std::string(number.status().message()));
      return nullptr;
    }
    n->number = *number;
    return n;
  }

  std::string error_;
  std::string name_;
  Lexer lexer_;
  TemplateTree* tree_;
  Item token_[3];
  int peek_count_ = 0;
  std::vector<std::string> vars_;
  int range_depth_ = 0;
  int depth_ = 0;
};

}  // namespace

absl::StatusOr<std::shared_ptr<TemplateTree>> ParseTree(std::string_view name,
                                                        std::string_view text) {
  auto tree = std::make_shared<TemplateTree>();
  tree->name = std::string(name);
  tree->text = std::string(text);
  Parser parser(name, tree->text, tree.get());
  std::string error = parser.Parse();
  if (!error.empty()) return absl::InvalidArgumentError(error);
  return tree;
}

}  // namespace query::rules::internal
