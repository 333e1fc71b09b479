// Prometheus's number formatting functions (template/template.go):
// humanize, humanize1024, humanizeDuration, humanizePercentage,
// humanizeTimestamp, toTime, and the conversions they share.
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "query/go_float.h"
#include "query/rules/template_internal.h"
#include "tsdb/quote.h"

namespace query::rules::internal {
namespace {

// fmt.Sprintf("%.4g", v).
std::string G4(double v) { return GoFormatFloat(v, 'g', 4); }

// Go's int64(v) on amd64: out-of-range values become math.MinInt64.
int64_t GoInt64(double v) {
  if (std::isnan(v) || v >= 9.223372036854775808e18 ||
      v < -9.223372036854775808e18) {
    return INT64_MIN;
  }
  return static_cast<int64_t>(v);
}

absl::StatusOr<Value> Humanize(const std::vector<Value>& args,
                               const TemplateData&) {
  auto f = ConvertToFloat(args[0]);
  if (!f.ok()) return f.status();
  double v = *f;
  if (v == 0 || std::isnan(v) || std::isinf(v)) return Value::String(G4(v));
  static constexpr const char* kBig[] = {"k", "M", "G", "T",
                                         "P", "E", "Z", "Y"};
  static constexpr const char* kSmall[] = {"m", "u", "n", "p",
                                           "f", "a", "z", "y"};
  std::string prefix;
  if (std::fabs(v) >= 1) {
    for (const char* p : kBig) {
      if (std::fabs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
  } else {
    for (const char* p : kSmall) {
      if (std::fabs(v) >= 1) break;
      prefix = p;
      v *= 1000;
    }
  }
  return Value::String(G4(v) + prefix);
}

absl::StatusOr<Value> Humanize1024(const std::vector<Value>& args,
                                   const TemplateData&) {
  auto f = ConvertToFloat(args[0]);
  if (!f.ok()) return f.status();
  double v = *f;
  if (std::fabs(v) <= 1 || std::isnan(v) || std::isinf(v)) {
    return Value::String(G4(v));
  }
  static constexpr const char* kPrefixes[] = {"ki", "Mi", "Gi", "Ti",
                                              "Pi", "Ei", "Zi", "Yi"};
  std::string prefix;
  for (const char* p : kPrefixes) {
    if (std::fabs(v) < 1024) break;
    prefix = p;
    v /= 1024;
  }
  return Value::String(G4(v) + prefix);
}

absl::StatusOr<Value> HumanizeDuration(const std::vector<Value>& args,
                                       const TemplateData&) {
  auto f = ConvertToFloat(args[0]);
  if (!f.ok()) return f.status();
  double v = *f;
  if (std::isnan(v) || std::isinf(v)) return Value::String(G4(v));
  if (v == 0) return Value::String(G4(v) + "s");
  if (std::fabs(v) >= 1) {
    std::string sign;
    if (v < 0) {
      sign = "-";
      v = -v;
    }
    int64_t duration = GoInt64(v);
    int64_t seconds = duration % 60;
    int64_t minutes = (duration / 60) % 60;
    int64_t hours = (duration / 60 / 60) % 24;
    int64_t days = duration / 60 / 60 / 24;
    if (days != 0) {
      return Value::String(absl::StrFormat("%s%dd %dh %dm %ds", sign, days,
                                           hours, minutes, seconds));
    }
    if (hours != 0) {
      return Value::String(
          absl::StrFormat("%s%dh %dm %ds", sign, hours, minutes, seconds));
    }
    if (minutes != 0) {
      return Value::String(
          absl::StrFormat("%s%dm %ds", sign, minutes, seconds));
    }
    return Value::String(sign + G4(v) + "s");
  }
  static constexpr const char* kSmall[] = {"m", "u", "n", "p",
                                           "f", "a", "z", "y"};
  std::string prefix;
  for (const char* p : kSmall) {
    if (std::fabs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return Value::String(G4(v) + prefix + "s");
}

absl::StatusOr<Value> HumanizePercentage(const std::vector<Value>& args,
                                         const TemplateData&) {
  auto f = ConvertToFloat(args[0]);
  if (!f.ok()) return f.status();
  return Value::String(G4(*f * 100) + "%");
}

// Prometheus's floatToTime: seconds to a time, truncated to milliseconds
// (model.TimeFromUnixNano). Sets *nan_or_inf instead for NaN and ±Inf.
absl::StatusOr<int64_t> FloatToTimeNs(double v, bool* nan_or_inf) {
  *nan_or_inf = std::isnan(v) || std::isinf(v);
  if (*nan_or_inf) return 0;
  double ts = v * 1e9;
  if (ts > 9.223372036854775807e18 || ts < -9.223372036854775808e18) {
    return absl::InvalidArgumentError(
        Cat(GoFormatFloat(v, 'g', -1),
            " cannot be represented as a nanoseconds timestamp since it "
            "overflows int64"));
  }
  int64_t ns = GoInt64(ts);
  return ns / 1000000 * 1000000;
}

absl::StatusOr<Value> HumanizeTimestamp(const std::vector<Value>& args,
                                        const TemplateData&) {
  auto f = ConvertToFloat(args[0]);
  if (!f.ok()) return f.status();
  bool nan_or_inf = false;
  auto ns = FloatToTimeNs(*f, &nan_or_inf);
  if (nan_or_inf) return Value::String(G4(*f));
  if (!ns.ok()) return ns.status();
  return Value::String(GoTimeString(*ns));
}

absl::StatusOr<Value> ToTime(const std::vector<Value>& args,
                             const TemplateData&) {
  auto f = ConvertToFloat(args[0]);
  if (!f.ok()) return f.status();
  bool nan_or_inf = false;
  auto ns = FloatToTimeNs(*f, &nan_or_inf);
  if (nan_or_inf) {
    return absl::InvalidArgumentError("value is NaN or Inf");
  }
  if (!ns.ok()) return ns.status();
  return Value::Time(*ns);
}

// Days since 1970-01-01 to a civil date (proleptic Gregorian).
void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t year = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = year + (*m <= 2);
}

}  // namespace

std::string ParseFloatError(std::string_view s) {
  return Cat("strconv.ParseFloat: parsing ", tsdb::QuoteGo(s),
             ": invalid syntax");
}

absl::StatusOr<double> ConvertToFloat(const Value& v) {
  switch (v.kind) {
    case Kind::kFloat:
      return v.f;
    case Kind::kInt:
      return static_cast<double>(v.i);
    case Kind::kString:
      if (v.type == "string") {
        auto f = ParseGoFloat(v.s);
        if (f) return *f;
        // Go reports a well-formed number too large as out of range.
        std::string plain;
        for (char c : v.s) {
          if (c != '_') plain.push_back(c);
        }
        errno = 0;
        char* end = nullptr;
        double d = std::strtod(plain.c_str(), &end);
        if (!plain.empty() && end == plain.c_str() + plain.size() &&
            errno == ERANGE && std::isinf(d)) {
          return absl::InvalidArgumentError(Cat("strconv.ParseFloat: parsing ",
                                                tsdb::QuoteGo(v.s),
                                                ": value out of range"));
        }
        return absl::InvalidArgumentError(ParseFloatError(v.s));
      }
      break;
    default:
      break;
  }
  std::string_view type = v.kind == Kind::kInvalid ? "<nil>" : v.type;
  return absl::InvalidArgumentError(Cat("can't convert ", type, " to float"));
}

std::string GoTimeString(int64_t unix_ns) {
  int64_t secs = unix_ns / 1000000000;
  int64_t nanos = unix_ns % 1000000000;
  if (nanos < 0) {
    nanos += 1000000000;
    --secs;
  }
  int64_t days = secs / 86400;
  int64_t rem = secs % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  int64_t year;
  unsigned month, day;
  CivilFromDays(days, &year, &month, &day);
  std::string out =
      absl::StrFormat("%04d-%02d-%02d %02d:%02d:%02d", year, month, day,
                      rem / 3600, rem / 60 % 60, rem % 60);
  if (nanos != 0) {
    std::string frac = absl::StrFormat("%09d", nanos);
    while (!frac.empty() && frac.back() == '0') frac.pop_back();
    out += "." + frac;
  }
  out += " +0000 UTC";
  return out;
}

// Registered with the other Prometheus functions in template_funcs.cc.
std::vector<FuncDef> HumanizeFunctions() {
  using P = ParamType;
  return {
      {"humanize", {P::kAny}, false, false, Humanize},
      {"humanize1024", {P::kAny}, false, false, Humanize1024},
      {"humanizeDuration", {P::kAny}, false, false, HumanizeDuration},
      {"humanizePercentage", {P::kAny}, false, false, HumanizePercentage},
      {"humanizeTimestamp", {P::kAny}, false, false, HumanizeTimestamp},
      {"toTime", {P::kAny}, false, false, ToTime},
  };
}

}  // namespace query::rules::internal
