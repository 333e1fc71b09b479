#include "tsdb/quote.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace tsdb {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

// Non-ASCII code point ranges that Go's unicode.IsPrint rejects and that we
// can name without Unicode tables (see quote.h). Sorted, disjoint.
struct RuneRange {
  uint32_t lo;
  uint32_t hi;
};
constexpr RuneRange kNotPrintable[] = {
    {0x0080, 0x00A0},     // C1 controls, no-break space
    {0x00AD, 0x00AD},     // soft hyphen
    {0x0600, 0x0605},     // Arabic number signs (Cf)
    {0x061C, 0x061C},     // Arabic letter mark
    {0x06DD, 0x06DD},     // Arabic end of ayah
    {0x070F, 0x070F},     // Syriac abbreviation mark
    {0x0890, 0x0891},     // Arabic pound/piastre mark above (Cf)
    {0x08E2, 0x08E2},     // Arabic disputed end of ayah
    {0x1680, 0x1680},     // Ogham space mark
    {0x180E, 0x180E},     // Mongolian vowel separator
    {0x2000, 0x200F},     // spaces, zero-width and direction marks
    {0x2028, 0x202F},     // line/paragraph separators, bidi, narrow nbsp
    {0x205F, 0x206F},     // medium math space, invisible operators, bidi
    {0x3000, 0x3000},     // ideographic space
    {0xD800, 0xF8FF},     // surrogates, private use
    {0xFDD0, 0xFDEF},     // non-characters
    {0xFEFF, 0xFEFF},     // zero-width no-break space (BOM)
    {0xFFF9, 0xFFFB},     // interlinear annotation controls
    {0x110BD, 0x110BD},   // Kaithi number sign
    {0x110CD, 0x110CD},   // Kaithi number sign above
    {0x13430, 0x1343F},   // Egyptian hieroglyph format controls
    {0x1BCA0, 0x1BCA3},   // shorthand format controls
    {0x1D173, 0x1D17A},   // musical symbol format controls
    {0xE0000, 0xE007F},   // language tags
    {0xF0000, 0x10FFFF},  // supplementary private use areas
};

bool IsPrintableNonAscii(uint32_t r) {
  if ((r & 0xFFFE) == 0xFFFE) return false;  // U+xxFFFE, U+xxFFFF
  const auto* it = std::upper_bound(
      std::begin(kNotPrintable), std::end(kNotPrintable), r,
      [](uint32_t v, const RuneRange& range) { return v < range.lo; });
  if (it == std::begin(kNotPrintable)) return true;
  return r > (it - 1)->hi;
}

void AppendHex(std::string* dst, const char* prefix, uint32_t v, int digits) {
  dst->append(prefix);
  for (int shift = 4 * (digits - 1); shift >= 0; shift -= 4) {
    dst->push_back(kHexDigits[(v >> shift) & 0xF]);
  }
}

// True for ASCII bytes that strconv.Quote copies unchanged.
bool IsPlainAscii(unsigned char c) {
  return c >= 0x20 && c < 0x7F && c != '"' && c != '\\';
}

void AppendEscapedAscii(std::string* dst, unsigned char c) {
  switch (c) {
    case '"':
      dst->append("\\\"");
      return;
    case '\\':
      dst->append("\\\\");
      return;
    case '\a':
      dst->append("\\a");
      return;
    case '\b':
      dst->append("\\b");
      return;
    case '\f':
      dst->append("\\f");
      return;
    case '\n':
      dst->append("\\n");
      return;
    case '\r':
      dst->append("\\r");
      return;
    case '\t':
      dst->append("\\t");
      return;
    case '\v':
      dst->append("\\v");
      return;
    default:
      AppendHex(dst, "\\x", c, 2);
  }
}

// Appends the rune at the start of `s` (its first byte is >= 0x80) and
// returns how many bytes it consumed.
int AppendNonAscii(std::string* dst, std::string_view s) {
  int width;
  const int32_t r = DecodeUtf8Rune(s, &width);
  if (r < 0) {
    AppendHex(dst, "\\x", static_cast<unsigned char>(s[0]), 2);
  } else if (IsPrintableNonAscii(static_cast<uint32_t>(r))) {
    dst->append(s.data(), width);
  } else if (r < 0x10000) {
    AppendHex(dst, "\\u", static_cast<uint32_t>(r), 4);
  } else {
    AppendHex(dst, "\\U", static_cast<uint32_t>(r), 8);
  }
  return width;
}

}  // namespace

int32_t DecodeUtf8Rune(std::string_view s, int* width) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const unsigned char b0 = p[0];
  *width = 1;
  if (b0 < 0x80) return b0;
  int len;
  uint32_t cp;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b0 < 0xC2) {
    return -1;  // continuation byte or overlong 2-byte lead
  } else if (b0 < 0xE0) {
    len = 2;
    cp = b0 & 0x1F;
  } else if (b0 < 0xF0) {
    len = 3;
    cp = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;  // overlong
    if (b0 == 0xED) hi = 0x9F;  // surrogates
  } else if (b0 < 0xF5) {
    len = 4;
    cp = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;  // overlong
    if (b0 == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return -1;
  }
  if (s.size() < static_cast<size_t>(len)) return -1;
  if (p[1] < lo || p[1] > hi) return -1;
  cp = (cp << 6) | (p[1] & 0x3F);
  for (int i = 2; i < len; ++i) {
    if ((p[i] & 0xC0) != 0x80) return -1;
    cp = (cp << 6) | (p[i] & 0x3F);
  }
  *width = len;
  return static_cast<int32_t>(cp);
}

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    // Skip ASCII eight bytes at a time.
    if (s.size() - i >= 8) {
      uint64_t word;
      std::memcpy(&word, s.data() + i, 8);
      if ((word & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    int width;
    if (DecodeUtf8Rune(s.substr(i), &width) < 0) return false;
    i += width;
  }
  return true;
}

void AppendQuotedGo(std::string* dst, std::string_view s) {
  dst->reserve(dst->size() + s.size() + 2);
  dst->push_back('"');
  size_t i = 0;
  while (i < s.size()) {
    // Copy a run of plain ASCII in one append.
    size_t run = i;
    while (run < s.size() && IsPlainAscii(static_cast<unsigned char>(s[run]))) {
      ++run;
    }
    dst->append(s.data() + i, run - i);
    i = run;
    if (i == s.size()) break;
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      AppendEscapedAscii(dst, c);
      ++i;
    } else {
      i += AppendNonAscii(dst, s.substr(i));
    }
  }
  dst->push_back('"');
}

std::string QuoteGo(std::string_view s) {
  std::string out;
  AppendQuotedGo(&out, s);
  return out;
}

void AppendUtf8Rune(uint32_t r, std::string* out) {
  if (r < 0x80) {
    out->push_back(static_cast<char>(r));
    return;
  }
  if (r < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (r >> 6)));
  } else if (r < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (r >> 12)));
    out->push_back(static_cast<char>(0x80 | ((r >> 6) & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (r >> 18)));
    out->push_back(static_cast<char>(0x80 | ((r >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((r >> 6) & 0x3F)));
  }
  out->push_back(static_cast<char>(0x80 | (r & 0x3F)));
}

void AppendQueryEscaped(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (const char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
        (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
        c == '~') {
      out->push_back(ch);
    } else if (c == ' ') {
      out->push_back('+');
    } else {
      out->push_back('%');
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 15]);
    }
  }
}

}  // namespace tsdb
