// Literals in templates: Go's strconv.Unquote, UnquoteChar, ParseInt and
// text/template's number classification.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "query/go_float.h"
#include "query/rules/template_internal.h"
#include "tsdb/quote.h"

namespace query::rules::internal {
namespace {

// Go's strconv.ParseInt/ParseUint(text, 0, 64): base prefixes 0x 0o 0b and
// a leading 0 for octal, '_' between digits.
bool ParseGoInt(std::string_view text, bool is_unsigned, int64_t* i,
                uint64_t* u) {
  bool negative = false;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    if (is_unsigned) return false;
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  int base = 10;
  bool prefixed = false;
  if (text.size() >= 2 && text[0] == '0') {
    char p = static_cast<char>(text[1] | 0x20);
    if (p == 'x') base = 16;
    if (p == 'o') base = 8;
    if (p == 'b') base = 2;
    if (base != 10) {
      text.remove_prefix(2);
      prefixed = true;
    } else {
      base = 8;
      prefixed = true;
      text.remove_prefix(1);
      if (text.empty()) return false;
    }
  }
  if (text.empty()) return false;
  // '_' may only follow a digit or the base prefix, and precede a digit.
  unsigned __int128 acc = 0;
  bool after_digit_or_prefix = prefixed;
  char last = 0;
  for (char c : text) {
    if (c == '_') {
      if (!after_digit_or_prefix) return false;
      after_digit_or_prefix = false;
      last = c;
      continue;
    }
    int d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') {
      d = (c | 0x20) - 'a' + 10;
    } else {
      return false;
    }
    if (d >= base) return false;
    acc = acc * base + d;
    if (acc > (static_cast<unsigned __int128>(1) << 64)) return false;
    after_digit_or_prefix = true;
    last = c;
  }
  if (last == '_') return false;
  if (is_unsigned) {
    if (acc > UINT64_MAX) return false;
    *u = static_cast<uint64_t>(acc);
    return true;
  }
  if (negative) {
    if (acc > static_cast<unsigned __int128>(INT64_MAX) + 1) return false;
    *i = static_cast<int64_t>(-static_cast<__int128>(acc));
  } else {
    if (acc > INT64_MAX) return false;
    *i = static_cast<int64_t>(acc);
  }
  return true;
}

// Go's strconv.UnquoteChar for one rune at the start of s (after the
// opening quote); returns the code point and advances s, or nullopt.
std::optional<int32_t> UnquoteChar(std::string_view* s, char quote) {
  if (s->empty()) return std::nullopt;
  unsigned char c = static_cast<unsigned char>((*s)[0]);
  if (c == static_cast<unsigned char>(quote) &&
      (quote == '\'' || quote == '"')) {
    return std::nullopt;
  }
  if (c >= 0x80) {
    int width = 1;
    int32_t r = tsdb::DecodeUtf8Rune(*s, &width);
    s->remove_prefix(width);
    return r < 0 ? 0xFFFD : r;
  }
  if (c != '\\') {
    s->remove_prefix(1);
    return c;
  }
  if (s->size() <= 1) return std::nullopt;
  char e = (*s)[1];
  s->remove_prefix(2);
  switch (e) {
    case 'a':
      return 7;
    case 'b':
      return 8;
    case 'f':
      return 12;
    case 'n':
      return 10;
    case 'r':
      return 13;
    case 't':
      return 9;
    case 'v':
      return 11;
    case '\\':
      return '\\';
    case '\'':
    case '"':
      if (e != quote) return std::nullopt;
      return e;
    case 'x':
    case 'u':
    case 'U': {
      size_t n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
      if (s->size() < n) return std::nullopt;
      int32_t v = 0;
      for (size_t k = 0; k < n; ++k) {
        char h = (*s)[k];
        int d;
        if (h >= '0' && h <= '9') {
          d = h - '0';
        } else if ((h | 0x20) >= 'a' && (h | 0x20) <= 'f') {
          d = (h | 0x20) - 'a' + 10;
        } else {
          return std::nullopt;
        }
        v = v * 16 + d;
      }
      s->remove_prefix(n);
      if (e != 'x' && (v > 0x10FFFF || (v >= 0xD800 && v < 0xE000))) {
        return std::nullopt;
      }
      // \xNN is a byte, returned as a negative marker for strings.
      return e == 'x' ? -(v + 1) : v;
    }
    default:
      if (e >= '0' && e <= '7') {
        if (s->size() < 2) return std::nullopt;
        int v = e - '0';
        for (int k = 0; k < 2; ++k) {
          char o = (*s)[k];
          if (o < '0' || o > '7') return std::nullopt;
          v = v * 8 + (o - '0');
        }
        if (v > 255) return std::nullopt;
        s->remove_prefix(2);
        return -(v + 1);
      }
      return std::nullopt;
  }
}

// Appends a rune of UnquoteChar: a code point, or a raw byte from \x or
// octal.
void AppendRune(std::string* out, int32_t r) {
  if (r < 0) {
    out->push_back(static_cast<char>(-r - 1));
    return;
  }
  tsdb::AppendUtf8Rune(static_cast<uint32_t>(r), out);
}

}  // namespace

std::optional<std::string> GoUnquote(std::string_view quoted) {
  if (quoted.size() < 2) return std::nullopt;
  char q = quoted[0];
  if (quoted.back() != q) return std::nullopt;
  std::string_view body = quoted.substr(1, quoted.size() - 2);
  if (q == '`') {
    if (body.find('`') != body.npos) return std::nullopt;
    std::string out;
    for (char c : body) {
      if (c != '\r') out.push_back(c);
    }
    return out;
  }
  if (q != '"') return std::nullopt;
  std::string out;
  while (!body.empty()) {
    if (body[0] == '\n') return std::nullopt;
    auto r = UnquoteChar(&body, '"');
    if (!r) return std::nullopt;
    AppendRune(&out, *r);
  }
  return out;
}

absl::StatusOr<NumberLit> ParseNumberLiteral(std::string_view text,
                                             bool is_char) {
  NumberLit num;
  if (is_char) {
    std::string_view body = text.substr(1);
    auto r = UnquoteChar(&body, '\'');
    if (!r) return absl::InvalidArgumentError("invalid syntax");
    if (body != "'") {
      return absl::InvalidArgumentError(
          Cat("malformed character constant: ", text));
    }
    int32_t rune = *r < 0 ? -*r - 1 : *r;
    num.is_char = num.is_int = num.is_uint = num.is_float = true;
    num.int_val = rune;
    num.uint_val = static_cast<uint64_t>(rune);
    num.float_val = rune;
    return num;
  }
  if (!text.empty() && text.back() == 'i') {
    return absl::InvalidArgumentError(absl::StrFormat(
        "complex numbers are not supported: %s", tsdb::QuoteGo(text)));
  }
  int64_t i = 0;
  uint64_t u = 0;
  if (ParseGoInt(text, true, &i, &u)) {
    num.is_uint = true;
    num.uint_val = u;
  }
  if (ParseGoInt(text, false, &i, &u)) {
    num.is_int = true;
    num.int_val = i;
    if (i == 0) {
      num.is_uint = true;
      num.uint_val = 0;
    }
  }
  if (num.is_int) {
    num.is_float = true;
    num.float_val = static_cast<double>(num.int_val);
  } else if (num.is_uint) {
    num.is_float = true;
    num.float_val = static_cast<double>(num.uint_val);
  } else if (auto f = ParseGoFloat(text)) {
    // A float without '.', exponent or 'p' is an integer too large.
    if (text.find_first_of(".eEpP") == std::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrFormat("integer overflow: %s", tsdb::QuoteGo(text)));
    }
    num.is_float = true;
    num.float_val = *f;
    if (*f >= -9.223372036854775808e18 && *f < 9.223372036854775808e18 &&
        static_cast<double>(static_cast<int64_t>(*f)) == *f) {
      num.is_int = true;
      num.int_val = static_cast<int64_t>(*f);
    }
    if (*f >= 0 && *f < 1.8446744073709551616e19 &&
        static_cast<double>(static_cast<uint64_t>(*f)) == *f) {
      num.is_uint = true;
      num.uint_val = static_cast<uint64_t>(*f);
    }
  }
  if (!num.is_int && !num.is_uint && !num.is_float) {
    return absl::InvalidArgumentError(
        absl::StrFormat("illegal number syntax: %s", tsdb::QuoteGo(text)));
  }
  return num;
}

}  // namespace query::rules::internal
