// The template lexer: Go's text/template/parse/lex.go as a pull iterator.
#include <cstdio>
#include <string>
#include <string_view>

#include "absl/strings/str_format.h"
#include "query/rules/template_internal.h"
#include "tsdb/quote.h"

namespace query::rules::internal {
namespace {

constexpr std::string_view kLeftDelim = "{{";
constexpr std::string_view kRightDelim = "}}";
constexpr std::string_view kLeftComment = "/*";
constexpr std::string_view kRightComment = "*/";

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Letters, digits and '_' (non-ASCII bytes count as letters: Go accepts
// Unicode letters in identifiers).
bool IsAlphaNumeric(char c) {
  auto u = static_cast<unsigned char>(c);
  return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || u >= 0x80;
}

bool HasLeftTrimMarker(std::string_view s) {
  return s.size() >= 2 && s[0] == '-' && IsSpace(s[1]);
}
bool HasRightTrimMarker(std::string_view s) {
  return s.size() >= 2 && s[0] == ' ' && s[1] == '-';
}

// Go's %#U of the rune at the start of s: U+0040 '@'.
std::string RuneDescription(std::string_view s) {
  int width = 1;
  int32_t r = s.empty() ? -1 : tsdb::DecodeUtf8Rune(s, &width);
  if (r < 0) r = 0xFFFD;
  std::string out = absl::StrFormat("U+%04X", r);
  if (r >= 0x20 && r != 0x7F) {
    out += " '";
    out += r < 0x80 ? std::string(1, static_cast<char>(r))
                    : std::string(s.substr(0, width));
    out += "'";
  }
  return out;
}

ItemType Keyword(std::string_view word, bool* found) {
  *found = true;
  if (word == "block") return ItemType::kBlock;
  if (word == "break") return ItemType::kBreak;
  if (word == "continue") return ItemType::kContinue;
  if (word == "define") return ItemType::kDefine;
  if (word == "else") return ItemType::kElse;
  if (word == "end") return ItemType::kEnd;
  if (word == "if") return ItemType::kIf;
  if (word == "range") return ItemType::kRange;
  if (word == "nil") return ItemType::kNil;
  if (word == "template") return ItemType::kTemplate;
  if (word == "with") return ItemType::kWith;
  *found = false;
  return ItemType::kIdentifier;
}

}  // namespace

std::string ItemString(const Item& item) {
  switch (item.type) {
    case ItemType::kEOF:
      return "EOF";
    case ItemType::kError:
      return item.val;
    case ItemType::kBlock:
    case ItemType::kBreak:
    case ItemType::kContinue:
    case ItemType::kDot:
    case ItemType::kDefine:
    case ItemType::kElse:
    case ItemType::kEnd:
    case ItemType::kIf:
    case ItemType::kNil:
    case ItemType::kRange:
    case ItemType::kTemplate:
    case ItemType::kWith:
      return "<" + item.val + ">";
    default:
      break;
  }
  if (item.val.size() > 10) {
    // Go's %.10q: the first ten runes, quoted, then "...".
    std::string_view v = item.val;
    size_t n = 0;
    for (int runes = 0; runes < 10 && n < v.size(); ++runes) {
      int width = 1;
      tsdb::DecodeUtf8Rune(v.substr(n), &width);
      n += width;
    }
    return tsdb::QuoteGo(v.substr(0, n)) + "...";
  }
  return tsdb::QuoteGo(item.val);
}

Item Lexer::Emit(ItemType type, size_t start) {
  Item item;
  item.type = type;
  item.pos = start;
  item.val = std::string(input_.substr(start, pos_ - start));
  item.line = line_;
  for (char c : item.val) {
    if (c == '\n') ++line_;
  }
  return item;
}

Item Lexer::Error(std::string message) {
  Item item;
  item.type = ItemType::kError;
  item.pos = pos_;
  item.val = std::move(message);
  item.line = line_;
  done_ = true;
  return item;
}

Item Lexer::Next() {
  if (done_) {
    Item eof;
    eof.pos = input_.size();
    eof.line = line_;
    return eof;
  }
  return in_action_ ? LexInsideAction() : LexText();
}

Item Lexer::LexText() {
  if (trim_text_start_) {
    trim_text_start_ = false;
    while (pos_ < input_.size() && IsSpace(input_[pos_])) {
      if (input_[pos_] == '\n') ++line_;
      ++pos_;
    }
  }
  size_t start = pos_;
  size_t delim = input_.find(kLeftDelim, pos_);
  if (delim == std::string_view::npos) {
    pos_ = input_.size();
    if (pos_ > start) return Emit(ItemType::kText, start);
    done_ = true;
    Item eof;
    eof.pos = pos_;
    eof.line = line_;
    return eof;
  }
  // Trailing spaces before "{{- " are dropped.
  size_t text_end = delim;
  std::string_view after = input_.substr(delim + kLeftDelim.size());
  if (HasLeftTrimMarker(after)) {
    while (text_end > start && IsSpace(input_[text_end - 1])) --text_end;
  }
  if (text_end > start) {
    pos_ = text_end;
    Item text = Emit(ItemType::kText, start);
    // Count the newlines of the trimmed spaces too.
    for (size_t i = text_end; i < delim; ++i) {
      if (input_[i] == '\n') ++line_;
    }
    pos_ = delim;
    return text;
  }
  for (size_t i = text_end; i < delim; ++i) {
    if (input_[i] == '\n') ++line_;
  }
  pos_ = delim;
  // The left delimiter, with its trim marker, and maybe a comment.
  size_t delim_start = pos_;
  pos_ += kLeftDelim.size();
  bool trim = HasLeftTrimMarker(input_.substr(pos_));
  size_t after_marker = pos_ + (trim ? 2 : 0);
  if (input_.substr(after_marker).substr(0, kLeftComment.size()) ==
      kLeftComment) {
    pos_ = after_marker;
    return LexComment();
  }
  Item item = Emit(ItemType::kLeftDelim, delim_start);
  pos_ = after_marker;
  in_action_ = true;
  paren_depth_ = 0;
  return item;
}

Item Lexer::LexComment() {
  pos_ += kLeftComment.size();
  size_t end = input_.find(kRightComment, pos_);
  if (end == std::string_view::npos) return Error("unclosed comment");
  for (size_t i = pos_; i < end; ++i) {
    if (input_[i] == '\n') ++line_;
  }
  pos_ = end + kRightComment.size();
  bool trim = false;
  if (!AtRightDelim(&trim)) {
    return Error("comment ends before closing delimiter");
  }
  pos_ += (trim ? 2 : 0) + kRightDelim.size();
  trim_text_start_ = trim;
  return LexText();
}

bool Lexer::AtRightDelim(bool* trim) const {
  std::string_view rest = input_.substr(pos_);
  if (HasRightTrimMarker(rest) && rest.substr(2).substr(0, 2) == kRightDelim) {
    *trim = true;
    return true;
  }
  *trim = false;
  return rest.substr(0, 2) == kRightDelim;
}

Item Lexer::LexInsideAction() {
  bool trim = false;
  if (AtRightDelim(&trim)) {
    if (paren_depth_ > 0) return Error("unclosed left paren");
    size_t start = pos_;
    if (trim) start += 2;
    pos_ = start + kRightDelim.size();
    Item item = Emit(ItemType::kRightDelim, start);
    in_action_ = false;
    trim_text_start_ = trim;
    return item;
  }
  if (pos_ >= input_.size()) return Error("unclosed action");
  size_t start = pos_;
  char c = input_[pos_++];
  if (IsSpace(c)) {
    pos_ = start;
    return LexSpace();
  }
  switch (c) {
    case '=':
      return Emit(ItemType::kAssign, start);
    case ':':
      if (pos_ >= input_.size() || input_[pos_] != '=') {
        return Error("expected :=");
      }
      ++pos_;
      return Emit(ItemType::kDeclare, start);
    case '|':
      return Emit(ItemType::kPipe, start);
    case '"':
    case '`':
      return LexQuote(c);
    case '$':
      return LexFieldOrVariable(ItemType::kVariable);
    case '\'':
      return LexChar();
    case '(':
      ++paren_depth_;
      return Emit(ItemType::kLeftParen, start);
    case ')': {
      --paren_depth_;
      return Emit(ItemType::kRightParen, start);
    }
    default:
      break;
  }
  if (c == '.') {
    if (pos_ < input_.size() && (input_[pos_] < '0' || input_[pos_] > '9')) {
      return LexFieldOrVariable(ItemType::kField);
    }
  }
  if (c == '.' || c == '+' || c == '-' || (c >= '0' && c <= '9')) {
    pos_ = start;
    return LexNumber();
  }
  if (IsAlphaNumeric(c)) {
    pos_ = start;
    return LexIdentifier();
  }
  if (static_cast<unsigned char>(c) < 0x80 && c >= 0x20 && c != 0x7F) {
    return Emit(ItemType::kChar, start);
  }
  pos_ = start;
  return Error("unrecognized character in action: " +
               RuneDescription(input_.substr(start)));
}

Item Lexer::LexSpace() {
  size_t start = pos_;
  int spaces = 0;
  while (pos_ < input_.size() && IsSpace(input_[pos_])) {
    ++pos_;
    ++spaces;
  }
  // " -}}": the last space belongs to the trim marker.
  std::string_view from_last = input_.substr(pos_ - 1);
  if (HasRightTrimMarker(from_last) &&
      from_last.substr(2).substr(0, 2) == kRightDelim) {
    --pos_;
    if (spaces == 1) return LexInsideAction();
  }
  return Emit(ItemType::kSpace, start);
}

Item Lexer::LexQuote(char quote) {
  size_t start = pos_ - 1;
  while (true) {
    if (pos_ >= input_.size()) {
      return Error(quote == '"' ? "unterminated quoted string"
                                : "unterminated raw quoted string");
    }
    char c = input_[pos_++];
    if (quote == '"') {
      if (c == '\\') {
        if (pos_ < input_.size() && input_[pos_] != '\n') {
          ++pos_;
          continue;
        }
        return Error("unterminated quoted string");
      }
      if (c == '\n') return Error("unterminated quoted string");
    }
    if (c == quote) break;
  }
  return Emit(quote == '"' ? ItemType::kString : ItemType::kRawString, start);
}

Item Lexer::LexChar() {
  size_t start = pos_ - 1;
  while (true) {
    if (pos_ >= input_.size() || input_[pos_] == '\n') {
      return Error("unterminated character constant");
    }
    char c = input_[pos_++];
    if (c == '\\') {
      if (pos_ < input_.size() && input_[pos_] != '\n') {
        ++pos_;
        continue;
      }
      return Error("unterminated character constant");
    }
    if (c == '\'') break;
  }
  return Emit(ItemType::kCharConstant, start);
}

Item Lexer::LexNumber() {
  size_t start = pos_;
  auto accept = [&](std::string_view valid) {
    if (pos_ < input_.size() && valid.find(input_[pos_]) != valid.npos) {
      ++pos_;
      return true;
    }
    return false;
  };
  auto accept_run = [&](std::string_view valid) {
    while (pos_ < input_.size() && valid.find(input_[pos_]) != valid.npos) {
      ++pos_;
    }
  };
  accept("+-");
  std::string_view digits = "0123456789_";
  if (accept("0")) {
    if (accept("xX")) {
      digits = "0123456789abcdefABCDEF_";
    } else if (accept("oO")) {
      digits = "01234567_";
    } else if (accept("bB")) {
      digits = "01_";
    }
  }
  accept_run(digits);
  if (accept(".")) accept_run(digits);
  if (digits.size() == 11 && accept("eE")) {
    accept("+-");
    accept_run("0123456789_");
  }
  if (digits.size() == 23 && accept("pP")) {
    accept("+-");
    accept_run("0123456789_");
  }
  accept("i");
  if (pos_ < input_.size() && IsAlphaNumeric(input_[pos_])) {
    ++pos_;
    return Error(
        absl::StrFormat("bad number syntax: %s",
                        tsdb::QuoteGo(input_.substr(start, pos_ - start))));
  }
  return Emit(ItemType::kNumber, start);
}

bool Lexer::AtTerminator() const {
  if (pos_ >= input_.size()) return true;
  char c = input_[pos_];
  if (IsSpace(c)) return true;
  switch (c) {
    case '.':
    case ',':
    case '|':
    case ':':
    case ')':
    case '(':
      return true;
    default:
      break;
  }
  return input_.substr(pos_, 2) == kRightDelim;
}

Item Lexer::LexIdentifier() {
  size_t start = pos_;
  while (pos_ < input_.size() && IsAlphaNumeric(input_[pos_])) ++pos_;
  if (!AtTerminator()) {
    return Error("bad character " + RuneDescription(input_.substr(pos_)));
  }
  std::string_view word = input_.substr(start, pos_ - start);
  bool keyword = false;
  ItemType type = Keyword(word, &keyword);
  if (keyword) return Emit(type, start);
  if (word == "true" || word == "false") return Emit(ItemType::kBool, start);
  return Emit(ItemType::kIdentifier, start);
}

Item Lexer::LexFieldOrVariable(ItemType type) {
  size_t start = pos_ - 1;
  if (AtTerminator()) {
    return Emit(
        type == ItemType::kVariable ? ItemType::kVariable : ItemType::kDot,
        start);
  }
  while (pos_ < input_.size() && IsAlphaNumeric(input_[pos_])) ++pos_;
  if (!AtTerminator()) {
    return Error("bad character " + RuneDescription(input_.substr(pos_)));
  }
  return Emit(type, start);
}

}  // namespace query::rules::internal
