// Go's encodings of times and floats in API fields outside query results.
#include <charconv>
#include <cmath>

#include "absl/time/time.h"
#include "http/api_internal.h"
#include "http/json_writer.h"

namespace http::api_internal {

std::string FormatGoJsonTime(int64_t ms) {
  if (ms == 0) return "0001-01-01T00:00:00Z";
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ", absl::FromUnixMillis(ms),
                          absl::UTCTimeZone());
}

void AppendGoJsonFloat(std::string* out, double v) {
  char buf[kFloatBufferSize];
  const double abs = std::fabs(v);
  if (abs != 0 && (abs < 1e-6 || abs >= 1e21) && std::isfinite(v)) {
    char* end =
        std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific)
            .ptr;
    if (end - buf >= 4 && end[-4] == 'e' && end[-3] == '-' && end[-2] == '0') {
      end[-2] = end[-1];
      --end;
    }
    out->append(buf, end - buf);
    return;
  }
  out->append(buf, FormatGoFloatF(v, buf) - buf);
}

}  // namespace http::api_internal
