// Template values and the source form of parse-tree nodes.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "query/rules/template_internal.h"
#include "tsdb/quote.h"

namespace query::rules::internal {

Value Value::Nil(std::string_view type) {
  Value v;
  v.kind = Kind::kNil;
  v.type = type;
  return v;
}

Value Value::Bool(bool b) {
  Value v;
  v.kind = Kind::kBool;
  v.type = "bool";
  v.b = b;
  return v;
}

Value Value::Int(int64_t i, std::string_view type) {
  Value v;
  v.kind = Kind::kInt;
  v.type = type;
  v.i = i;
  return v;
}

Value Value::Float(double f) {
  Value v;
  v.kind = Kind::kFloat;
  v.type = "float64";
  v.f = f;
  return v;
}

Value Value::String(std::string s, std::string_view type) {
  Value v;
  v.kind = Kind::kString;
  v.type = type;
  v.s = std::move(s);
  return v;
}

Value Value::Time(int64_t ns) {
  Value v;
  v.kind = Kind::kTime;
  v.type = "*time.Time";
  v.i = ns;
  return v;
}

Value Value::Map(std::vector<std::pair<std::string, Value>> entries,
                 std::string_view type) {
  Value v;
  v.kind = Kind::kMap;
  v.type = type;
  auto c = std::make_shared<Composite>();
  c->entries = std::move(entries);
  v.composite = std::move(c);
  return v;
}

Value Value::Struct(std::vector<std::pair<std::string, Value>> fields,
                    std::string_view type) {
  Value v = Map(std::move(fields), type);
  v.kind = Kind::kStruct;
  return v;
}

Value Value::List(std::vector<Value> items, std::string_view type) {
  std::vector<std::pair<std::string, Value>> entries;
  entries.reserve(items.size());
  for (auto& item : items) entries.emplace_back("", std::move(item));
  Value v = Map(std::move(entries), type);
  v.kind = Kind::kList;
  return v;
}

const std::vector<std::pair<std::string, Value>>& Value::Entries() const {
  static const auto* const kEmpty =
      new std::vector<std::pair<std::string, Value>>();
  return composite ? composite->entries : *kEmpty;
}

bool IsTrue(const Value& v) {
  switch (v.kind) {
    case Kind::kInvalid:
    case Kind::kNil:
      return false;
    case Kind::kBool:
      return v.b;
    case Kind::kInt:
      return v.i != 0;
    case Kind::kFloat:
      return v.f != 0;
    case Kind::kString:
      return !v.s.empty();
    case Kind::kMap:
    case Kind::kList:
      return !v.Entries().empty();
    case Kind::kStruct:
    case Kind::kTime:
      return true;
  }
  return false;
}

namespace {

void AppendNodes(std::string* out,
                 const std::vector<std::unique_ptr<Node>>& nodes) {
  for (const auto& n : nodes) out->append(n->String());
}

// A control structure: {{if pipe}}list{{else}}list{{end}}.
std::string ControlString(const Node& n, std::string_view keyword) {
  std::string out = "{{";
  out.append(keyword);
  out += " ";
  out += n.pipe->String();
  out += "}}";
  AppendNodes(&out, n.children);
  if (n.has_else) {
    out += "{{else}}";
    AppendNodes(&out, n.else_children);
  }
  out += "{{end}}";
  return out;
}

}  // namespace

std::string Node::String() const {
  switch (type) {
    case NodeType::kList: {
      std::string out;
      AppendNodes(&out, children);
      return out;
    }
    case NodeType::kText:
      return text;
    case NodeType::kAction:
      return absl::StrCat("{{", pipe->String(), "}}");
    case NodeType::kIf:
      return ControlString(*this, "if");
    case NodeType::kRange:
      return ControlString(*this, "range");
    case NodeType::kWith:
      return ControlString(*this, "with");
    case NodeType::kTemplate:
      if (!pipe) return absl::StrCat("{{template ", tsdb::QuoteGo(text), "}}");
      return absl::StrCat("{{template ", tsdb::QuoteGo(text), " ",
                          pipe->String(), "}}");
    case NodeType::kBreak:
      return "{{break}}";
    case NodeType::kContinue:
      return "{{continue}}";
    case NodeType::kPipe: {
      std::string out;
      for (size_t i = 0; i < decl.size(); ++i) {
        if (i > 0) out += ", ";
        out += decl[i]->String();
      }
      if (!decl.empty()) out += is_assign ? " = " : " := ";
      for (size_t i = 0; i < children.size(); ++i) {
        if (i > 0) out += " | ";
        out += children[i]->String();
      }
      return out;
    }
    case NodeType::kCommand: {
      std::string out;
      for (size_t i = 0; i < children.size(); ++i) {
        if (i > 0) out += " ";
        if (children[i]->type == NodeType::kPipe) {
          out += '(';
          out += children[i]->String();
          out += ')';
        } else {
          out += children[i]->String();
        }
      }
      return out;
    }
    case NodeType::kIdentifier:
      return text;
    case NodeType::kVariable:
      return absl::StrJoin(idents, ".");
    case NodeType::kField:
      return absl::StrCat(".", absl::StrJoin(idents, "."));
    case NodeType::kChain: {
      std::string out = pipe->type == NodeType::kPipe
                            ? absl::StrCat("(", pipe->String(), ")")
                            : pipe->String();
      for (const auto& f : idents) absl::StrAppend(&out, ".", f);
      return out;
    }
    case NodeType::kDot:
      return ".";
    case NodeType::kNil:
      return "nil";
    case NodeType::kBool:
      return b ? "true" : "false";
    case NodeType::kNumber:
      return text;
    case NodeType::kString:
      return quoted;
  }
  return "";
}

}  // namespace query::rules::internal
