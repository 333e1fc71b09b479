// Go's fmt (Sprint, Sprintln, Sprintf) and strconv.FormatFloat over
// template values, with Go's verbs, flags, widths and error forms
// ("%!d(string=x)", "%!d(MISSING)", "%!(EXTRA int=2)", "%!(NOVERB)").
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_format.h"
#include "query/rules/template_internal.h"
#include "tsdb/quote.h"

namespace query::rules::internal {
namespace {

// The shortest round-trip digits of |v| (no leading zeros) and the decimal
// exponent of the first digit. REQUIRES: v finite.
void ShortestDigits(double v, std::string* digits, int* exp) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), std::fabs(v),
                           std::chars_format::scientific);
  std::string_view sci(buf, res.ptr - buf);
  size_t e = sci.find('e');
  digits->clear();
  for (char c : sci.substr(0, e)) {
    if (c != '.') digits->push_back(c);
  }
  *exp = std::atoi(std::string(sci.substr(e + 1)).c_str());
}

void AppendExponent(std::string* out, char e, int exp) {
  out->push_back(e);
  out->push_back(exp < 0 ? '-' : '+');
  int a = std::abs(exp);
  if (a < 10) out->push_back('0');
  out->append(std::to_string(a));
}

int RuneCount(std::string_view s) {
  int n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

// Go's utf8.AppendRune: an invalid code point becomes U+FFFD.
void AppendRune(std::string* out, int64_t r) {
  if (r < 0 || r > 0x10FFFF || (r >= 0xD800 && r < 0xE000)) r = 0xFFFD;
  tsdb::AppendUtf8Rune(static_cast<uint32_t>(r), out);
}

// Go's strconv.QuoteRune (fmt's %q of an integer).
std::string QuoteRune(int64_t r) {
  std::string s;
  AppendRune(&s, r);
  if (s == "'") return "'\\''";
  std::string q = tsdb::QuoteGo(s);  // "..." with Go's escapes
  std::string inner = q.substr(1, q.size() - 2);
  if (inner == "\\\"") inner = "\"";
  return "'" + inner + "'";
}

bool IsStringKind(const Value& v) { return v.kind == Kind::kString; }

// One Sprintf/Sprint call's output and the current verb's flags.
class Printer {
 public:
  std::string buf;

  void ClearFlags() { f_ = Flags(); }

  void PrintArg(const Value& v, char32_t verb, int depth = 0) {
    if (v.kind == Kind::kNil || v.kind == Kind::kInvalid) {
      if (verb == 'T' || verb == 'v') {
        PadString("<nil>");
      } else {
        BadVerb(v, verb);
      }
      return;
    }
    if (verb == 'T') {
      PadString(v.type);
      return;
    }
    switch (v.kind) {
      case Kind::kBool:
        if (verb == 't' || verb == 'v') {
          PadString(v.b ? "true" : "false");
        } else {
          BadVerb(v, verb);
        }
        return;
      case Kind::kInt:
        FormatInteger(v, verb);
        return;
      case Kind::kFloat:
        FormatFloatVerb(v, verb);
        return;
      case Kind::kString:
        FormatString(v, v.s, verb);
        return;
      case Kind::kTime:
        if (verb == 'v' || verb == 's' || verb == 'x' || verb == 'X' ||
            verb == 'q') {
          FormatString(v, GoTimeString(v.i), verb);
        } else {
          BadVerb(v, verb);
        }
        return;
      case Kind::kMap:
        if (f_.sharp_v) {
          buf.append(v.type);
          buf.push_back('{');
        } else {
          buf.append("map[");
        }
        PrintEntries(v, verb, depth, /*with_keys=*/true,
                     f_.sharp_v ? ", " : " ");
        buf.push_back(f_.sharp_v ? '}' : ']');
        return;
      case Kind::kStruct:
        if (v.IsPointer()) buf.push_back('&');
        buf.push_back('{');
        PrintEntries(v, verb, depth, /*with_keys=*/f_.plus_v, " ");
        buf.push_back('}');
        return;
      case Kind::kList:
        buf.push_back('[');
        PrintEntries(v, verb, depth, /*with_keys=*/false, " ");
        buf.push_back(']');
        return;
      default:
        return;
    }
  }

  // Go's doPrintf.
  void Printf(std::string_view format, const std::vector<Value>& args) {
    size_t end = format.size();
    size_t arg_num = 0;
    bool reordered = false;
    size_t i = 0;
    while (i < end) {
      good_arg_num_ = true;
      size_t lasti = i;
      while (i < end && format[i] != '%') ++i;
      if (i > lasti) buf.append(format.substr(lasti, i - lasti));
      if (i >= end) break;
      ++i;  // the '%'
      ClearFlags();
      bool done_flags = false;
      while (i < end && !done_flags) {
        switch (format[i]) {
          case '#':
            f_.sharp = true;
            ++i;
            break;
          case '0':
            f_.zero = !f_.minus;
            ++i;
            break;
          case '+':
            f_.plus = true;
            ++i;
            break;
          case '-':
            f_.minus = true;
            f_.zero = false;
            ++i;
            break;
          case ' ':
            f_.space = true;
            ++i;
            break;
          default:
            done_flags = true;
        }
      }
      bool after_index = false;
      ArgNumber(format, &i, args.size(), &arg_num, &after_index, &reordered);
      if (i < end && format[i] == '*') {
        ++i;
        f_.wid_present = IntFromArg(args, &arg_num, &f_.wid);
        if (!f_.wid_present) buf.append("%!(BADWIDTH)");
        if (f_.wid < 0) {
          f_.wid = -f_.wid;
          f_.minus = true;
          f_.zero = false;
        }
        after_index = false;
      } else {
        f_.wid_present = ParseNum(format, &i, &f_.wid);
        if (after_index && f_.wid_present) good_arg_num_ = false;
      }
      if (i + 1 < end && format[i] == '.') {
        ++i;
        if (after_index) good_arg_num_ = false;
        ArgNumber(format, &i, args.size(), &arg_num, &after_index, &reordered);
        if (i < end && format[i] == '*') {
          ++i;
          f_.prec_present = IntFromArg(args, &arg_num, &f_.prec);
          if (f_.prec < 0) {
            f_.prec = 0;
            f_.prec_present = false;
          }
          if (!f_.prec_present) buf.append("%!(BADPREC)");
          after_index = false;
        } else {
          f_.prec_present = ParseNum(format, &i, &f_.prec);
          if (!f_.prec_present) {
            f_.prec = 0;
            f_.prec_present = true;
          }
        }
      }
      if (!after_index) {
        ArgNumber(format, &i, args.size(), &arg_num, &after_index, &reordered);
      }
      if (i >= end) {
        buf.append("%!(NOVERB)");
        break;
      }
      int width = 1;
      char32_t verb = static_cast<unsigned char>(format[i]);
      if (verb >= 0x80) {
        int32_t r = tsdb::DecodeUtf8Rune(format.substr(i), &width);
        verb = r < 0 ? 0xFFFD : static_cast<char32_t>(r);
      }
      i += width;
      if (verb == '%') {
        buf.push_back('%');
      } else if (!good_arg_num_) {
        BadArg(verb, "BADINDEX");
      } else if (arg_num >= args.size()) {
        BadArg(verb, "MISSING");
      } else {
        if (verb == 'v') {
          f_.sharp_v = f_.sharp;
          f_.sharp = false;
          f_.plus_v = f_.plus;
          f_.plus = false;
        }
        PrintArg(args[arg_num], verb);
        ++arg_num;
      }
    }
    if (!reordered && arg_num < args.size()) {
      ClearFlags();
      buf.append("%!(EXTRA ");
      for (size_t k = arg_num; k < args.size(); ++k) {
        if (k > arg_num) buf.append(", ");
        const Value& a = args[k];
        if (a.kind == Kind::kNil || a.kind == Kind::kInvalid) {
          buf.append("<nil>");
        } else {
          buf.append(a.type);
          buf.push_back('=');
          PrintArg(a, 'v');
        }
      }
      buf.push_back(')');
    }
  }

 private:
  struct Flags {
    bool plus = false, minus = false, sharp = false, space = false;
    bool zero = false, plus_v = false, sharp_v = false;
    bool wid_present = false, prec_present = false;
    int wid = 0, prec = 0;
  };

  void BadArg(char32_t verb, std::string_view what) {
    buf.append("%!");
    AppendRune(&buf, verb);
    buf.push_back('(');
    buf.append(what);
    buf.push_back(')');
  }

  static bool ParseNum(std::string_view s, size_t* i, int* num) {
    bool found = false;
    *num = 0;
    while (*i < s.size() && s[*i] >= '0' && s[*i] <= '9') {
      if (*num > 1000000) return false;  // Go: absurdly large
      *num = *num * 10 + (s[*i] - '0');
      found = true;
      ++*i;
    }
    return found;
  }

  // An explicit argument index "[n]".
  void ArgNumber(std::string_view s, size_t* i, size_t num_args,
                 size_t* arg_num, bool* found, bool* reordered) {
    if (*i >= s.size() || s[*i] != '[') return;
    *reordered = true;
    size_t close = s.find(']', *i + 1);
    if (close == std::string_view::npos) {
      good_arg_num_ = false;
      return;
    }
    size_t j = *i + 1;
    int index = 0;
    bool ok = ParseNum(s, &j, &index) && j == close;
    if (!ok || index < 1 || static_cast<size_t>(index) > num_args) {
      good_arg_num_ = false;
      *i = close + 1;
      return;
    }
    *arg_num = static_cast<size_t>(index - 1);
    *i = close + 1;
    *found = true;
  }

  static bool IntFromArg(const std::vector<Value>& args, size_t* arg_num,
                         int* out) {
    if (*arg_num >= args.size()) return false;
    const Value& v = args[*arg_num];
    ++*arg_num;
    if (v.kind != Kind::kInt) return false;
    if (v.i > 1000000 || v.i < -1000000) return false;
    *out = static_cast<int>(v.i);
    return true;
  }

  void BadVerb(const Value& v, char32_t verb) {
    buf.append("%!");
    AppendRune(&buf, verb);
    buf.push_back('(');
    if (v.kind == Kind::kNil || v.kind == Kind::kInvalid) {
      buf.append("<nil>");
    } else {
      buf.append(v.type);
      buf.push_back('=');
      PrintArg(v, 'v');
    }
    buf.push_back(')');
  }

  void PrintEntries(const Value& v, char32_t verb, int depth, bool with_keys,
                    std::string_view sep) {
    bool first = true;
    for (const auto& [key, elem] : v.Entries()) {
      if (!first) buf.append(sep);
      first = false;
      if (with_keys) {
        if (v.kind == Kind::kMap) {
          PrintArg(Value::String(key), verb, depth + 1);
        } else {
          buf.append(key);
        }
        buf.push_back(':');
      }
      PrintArg(elem, verb, depth + 1);
    }
  }

  void WritePadding(int n) {
    if (n <= 0) return;
    buf.append(static_cast<size_t>(n), f_.zero && !f_.minus ? '0' : ' ');
  }

  // Pads s to the width in runes.
  void PadString(std::string_view s) {
    if (!f_.wid_present || f_.wid == 0) {
      buf.append(s);
      return;
    }
    int pad = f_.wid - RuneCount(s);
    if (f_.minus) {
      buf.append(s);
      buf.append(static_cast<size_t>(std::max(pad, 0)), ' ');
    } else {
      WritePadding(pad);
      buf.append(s);
    }
  }

  std::string TruncateString(std::string_view s) const {
    if (!f_.prec_present) return std::string(s);
    size_t n = 0;
    for (int runes = 0; runes < f_.prec && n < s.size(); ++runes) {
      int width = 1;
      tsdb::DecodeUtf8Rune(s.substr(n), &width);
      n += width;
    }
    return std::string(s.substr(0, n));
  }

  void FormatString(const Value& v, std::string_view s, char32_t verb) {
    switch (verb) {
      case 'v':
        if (f_.sharp_v) {
          PadString(tsdb::QuoteGo(s));
          return;
        }
        [[fallthrough]];
      case 's':
        PadString(TruncateString(s));
        return;
      case 'q':
        PadString(tsdb::QuoteGo(TruncateString(s)));
        return;
      case 'x':
      case 'X': {
        std::string t = TruncateString(s);
        const char* digits =
            verb == 'x' ? "0123456789abcdef" : "0123456789ABCDEF";
        std::string out;
        for (size_t k = 0; k < t.size(); ++k) {
          if (f_.space && k > 0) out.push_back(' ');
          if (f_.sharp && (f_.space || k == 0)) {
            out.append(verb == 'x' ? "0x" : "0X");
          }
          auto b = static_cast<unsigned char>(t[k]);
          out.push_back(digits[b >> 4]);
          out.push_back(digits[b & 0xF]);
        }
        PadString(out);
        return;
      }
      default:
        BadVerb(v, verb);
    }
  }

  void FormatInteger(const Value& v, char32_t verb) {
    int64_t i = v.i;
    switch (verb) {
      case 'v':
      case 'd':
        return FmtInteger(i, 10, verb, "0123456789");
      case 'b':
        return FmtInteger(i, 2, verb, "01");
      case 'o':
      case 'O':
        return FmtInteger(i, 8, verb, "01234567");
      case 'x':
        return FmtInteger(i, 16, verb, "0123456789abcdef");
      case 'X':
        return FmtInteger(i, 16, verb, "0123456789ABCDEF");
      case 'c': {
        std::string s;
        AppendRune(&s, i);
        return PadString(s);
      }
      case 'q':
        return PadString(QuoteRune(i));
      case 'U': {
        std::string s = absl::StrFormat("U+%04X", static_cast<uint64_t>(i));
        if (f_.sharp && i >= 0x20 && i <= 0x10FFFF) {
          s += " '";
          AppendRune(&s, i);
          s += "'";
        }
        return PadString(s);
      }
      case 'e':
      case 'E':
      case 'f':
      case 'F':
      case 'g':
      case 'G':
      default:
        BadVerb(v, verb);
    }
  }

  // Go's fmt.fmtInteger.
  void FmtInteger(int64_t v, int base, char32_t verb, const char* digits) {
    bool negative = v < 0;
    uint64_t u = negative ? 0 - static_cast<uint64_t>(v) : v;
    int prec = 0;
    bool prec_set = false;
    if (f_.prec_present) {
      prec = f_.prec;
      prec_set = true;
      if (prec == 0 && v == 0) {
        bool old_zero = f_.zero;
        f_.zero = false;
        WritePadding(f_.wid);
        f_.zero = old_zero;
        return;
      }
    } else if (f_.zero && f_.wid_present) {
      prec = f_.wid;
      prec_set = true;
      if (negative || f_.plus || f_.space) --prec;
    }
    std::string num;
    do {
      num.push_back(digits[u % base]);
      u /= base;
    } while (u > 0);
    while (prec_set && static_cast<int>(num.size()) < prec) num.push_back('0');
    if (f_.sharp) {
      if (base == 2) num.append("b0");
      if (base == 8 && num.back() != '0') num.push_back('0');
      if (base == 16) num.append(verb == 'X' ? "X0" : "x0");
    }
    if (verb == 'O') num.append("o0");
    if (negative) {
      num.push_back('-');
    } else if (f_.plus) {
      num.push_back('+');
    } else if (f_.space) {
      num.push_back(' ');
    }
    std::string out(num.rbegin(), num.rend());
    bool old_zero = f_.zero;
    f_.zero = false;  // the digits already carry the zeros
    PadString(out);
    f_.zero = old_zero;
  }

  void FormatFloatVerb(const Value& v, char32_t verb) {
    switch (verb) {
      case 'v':
        return FmtFloat(v.f, 'g', -1);
      case 'b':
      case 'g':
      case 'G':
      case 'x':
      case 'X':
        return FmtFloat(v.f, static_cast<char>(verb), -1);
      case 'f':
      case 'e':
      case 'E':
      case 'F':
        return FmtFloat(v.f, static_cast<char>(verb), 6);
      default:
        BadVerb(v, verb);
    }
  }

  // Go's fmt.fmtFloat.
  void FmtFloat(double v, char verb, int prec) {
    if (f_.prec_present) prec = f_.prec;
    std::string num = GoFormatFloat(v, verb, prec);
    if (num[0] != '-' && num[0] != '+') num.insert(num.begin(), '+');
    if (f_.space && num[0] == '+' && !f_.plus) num[0] = ' ';
    if (num[1] == 'I' || num[1] == 'N') {
      bool old_zero = f_.zero;
      f_.zero = false;
      if (num[1] == 'N' && !f_.space && !f_.plus) num.erase(0, 1);
      PadString(num);
      f_.zero = old_zero;
      return;
    }
    if (f_.sharp && verb != 'b' && num.find('.') == std::string::npos) {
      size_t e = num.find_first_of("eEpP");
      if (e == std::string::npos) e = num.size();
      num = num.substr(0, e) + '.' + num.substr(e);
    }
    if (f_.plus || num[0] != '+') {
      if (f_.zero && f_.wid_present && f_.wid > static_cast<int>(num.size())) {
        buf.push_back(num[0]);
        buf.append(static_cast<size_t>(f_.wid) - num.size(), '0');
        buf.append(num, 1);
        return;
      }
      PadString(num);
      return;
    }
    PadString(std::string_view(num).substr(1));
  }

  Flags f_;
  bool good_arg_num_ = true;
};

}  // namespace

std::string GoFormatFloat(double v, char fmt, int prec) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  std::string out;
  if (std::signbit(v)) out.push_back('-');
  if (fmt == 'x' || fmt == 'X' || fmt == 'b') {
    char buf[64];
    if (prec < 0) {
      std::snprintf(buf, sizeof(buf), "%a", std::fabs(v));
    } else {
      std::snprintf(buf, sizeof(buf), "%.*a", prec, std::fabs(v));
    }
    std::string s = buf;
    size_t p = s.find('p');
    if (p != std::string::npos && s.size() - p == 3) {
      s = s.substr(0, p + 2) + '0' + s.substr(p + 2);
    }
    if (fmt == 'X') {
      for (char& c : s) c = static_cast<char>(std::toupper(c));
    }
    return out + s;
  }
  if (prec >= 0) {
    char buf[512];
    char spec[8] = {'%', '.', '*', fmt, 0};
    int n = std::snprintf(buf, sizeof(buf), spec, prec, std::fabs(v));
    if (n >= 0 && static_cast<size_t>(n) < sizeof(buf)) return out + buf;
    std::vector<char> big(static_cast<size_t>(n) + 1);
    std::snprintf(big.data(), big.size(), spec, prec, std::fabs(v));
    return out + big.data();
  }
  std::string digits;
  int exp = 0;
  ShortestDigits(v, &digits, &exp);
  int nd = static_cast<int>(digits.size());
  bool use_e = fmt == 'e' || fmt == 'E';
  if (fmt == 'g' || fmt == 'G') use_e = exp < -4 || exp >= 6;
  if (fmt == 'f' || fmt == 'F') use_e = false;
  char e_char = (fmt == 'E' || fmt == 'G') ? 'E' : 'e';
  if (use_e) {
    out.push_back(digits[0]);
    if (nd > 1) {
      out.push_back('.');
      out.append(digits, 1, std::string::npos);
    }
    AppendExponent(&out, e_char, exp);
    return out;
  }
  int dp = exp + 1;  // digits before the point
  if (dp <= 0) {
    out.append("0.");
    out.append(static_cast<size_t>(-dp), '0');
    out.append(digits);
  } else if (dp >= nd) {
    out.append(digits);
    out.append(static_cast<size_t>(dp - nd), '0');
  } else {
    out.append(digits, 0, static_cast<size_t>(dp));
    out.push_back('.');
    out.append(digits, static_cast<size_t>(dp), std::string::npos);
  }
  return out;
}

std::string GoSprint(const std::vector<Value>& args) {
  Printer p;
  bool prev_string = false;
  for (size_t k = 0; k < args.size(); ++k) {
    bool is_string = IsStringKind(args[k]);
    if (k > 0 && !is_string && !prev_string) p.buf.push_back(' ');
    p.ClearFlags();
    p.PrintArg(args[k], 'v');
    prev_string = is_string;
  }
  return p.buf;
}

std::string GoSprintln(const std::vector<Value>& args) {
  Printer p;
  for (size_t k = 0; k < args.size(); ++k) {
    if (k > 0) p.buf.push_back(' ');
    p.ClearFlags();
    p.PrintArg(args[k], 'v');
  }
  p.buf.push_back('\n');
  return p.buf;
}

std::string GoSprintf(std::string_view format, const std::vector<Value>& args) {
  Printer p;
  p.Printf(format, args);
  return p.buf;
}

std::string GoPrint(const Value& v) {
  Printer p;
  p.PrintArg(v, 'v');
  return p.buf;
}

}  // namespace query::rules::internal
