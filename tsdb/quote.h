// Go-compatible string quoting, URL query escaping and UTF-8 validation.
//
// Prometheus prints label values, matcher values and error arguments with Go's
// strconv.Quote (fmt's %q). QuoteGo reproduces that output byte for byte, so
// our Labels::ToString, Matcher::ToString and error texts read exactly like
// Prometheus's:
//   - the result is wrapped in double quotes;
//   - `"` and `\` are backslash-escaped;
//   - \a \b \f \n \r \t \v use their short escapes, other ASCII controls
//     (and DEL) become \xNN;
//   - every byte that does not start a valid UTF-8 sequence becomes \xNN
//     (lowercase hex), one escape per byte, as Go's decoder reports each
//     such byte as a separate width-1 error;
//   - printable runes are copied as they are; other runes become \uNNNN
//     (below U+10000) or \UNNNNNNNN.
//
// "Printable" approximates Go's unicode.IsPrint without Unicode tables: all
// valid non-ASCII runes are printable except the C1 controls, the space
// separators other than U+0020 (U+00A0, U+1680, U+2000..U+200A, U+202F,
// U+205F, U+3000), the line/paragraph separators, the format characters
// (soft hyphen, bidi controls, U+FEFF, ...), private use areas and
// non-characters. Go also escapes unassigned code points; we do not know
// which those are and print them as they are.
//
// Thread-safe: all functions are pure.
#ifndef TSDB_QUOTE_H_
#define TSDB_QUOTE_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace tsdb {

// Returns `s` quoted exactly as Go's strconv.Quote(s) would.
std::string QuoteGo(std::string_view s);

// Appends QuoteGo(s) to *dst.
void AppendQuotedGo(std::string* dst, std::string_view s);

// True iff `s` is well-formed UTF-8: no overlong encodings, no surrogates
// (U+D800..U+DFFF), nothing above U+10FFFF, no truncated sequences.
bool IsValidUtf8(std::string_view s);

// Decodes the UTF-8 sequence at the start of `s`. Returns its code point and
// sets *width to its length in bytes; for an invalid or truncated sequence
// returns -1 and sets *width to 1 (Go's utf8.DecodeRuneInString reports
// RuneError with width 1). REQUIRES: !s.empty().
int32_t DecodeUtf8Rune(std::string_view s, int* width);

// Appends the UTF-8 encoding of code point r (1 to 4 bytes).
// REQUIRES: r <= 0x10FFFF.
void AppendUtf8Rune(uint32_t r, std::string* out);

// Appends `s` escaped as Go's url.QueryEscape does: ASCII letters, digits
// and "-_.~" as they are, ' ' as '+', every other byte as %XX (upper case).
void AppendQueryEscaped(std::string_view s, std::string* out);

}  // namespace tsdb

#endif  // TSDB_QUOTE_H_
