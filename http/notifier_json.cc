// The JSON bodies the notifier posts to Alertmanager (see notifier.h).
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "http/json_writer.h"
#include "http/notifier.h"

namespace http {
namespace {

using query::rules::AlertToSend;

// Go's zero time.Time: 0001-01-01T00:00:00Z.
absl::Time GoZeroTime() {
  return absl::FromCivil(absl::CivilSecond(1, 1, 1, 0, 0, 0),
                         absl::UTCTimeZone());
}

absl::Time AlertTime(int64_t ms) {
  return ms == 0 ? GoZeroTime() : absl::FromUnixMillis(ms);
}

}  // namespace

std::string FormatAlertTimeV2(int64_t ms) {
  return absl::FormatTime("%E4Y-%m-%dT%H:%M:%E3SZ", AlertTime(ms),
                          absl::UTCTimeZone());
}

std::string FormatAlertTimeV1(int64_t ms) {
  return absl::FormatTime("%E4Y-%m-%dT%H:%M:%E*SZ", AlertTime(ms),
                          absl::UTCTimeZone());
}

std::string AlertsToJsonV2(const std::vector<AlertToSend>& alerts) {
  std::string out;
  JsonWriter w(&out);
  w.BeginArray();
  for (const AlertToSend& a : alerts) {
    w.BeginObject();
    if (!a.annotations.empty()) {
      w.Key("annotations");
      w.LabelSet(a.annotations);
    }
    w.Key("endsAt");
    w.String(FormatAlertTimeV2(a.ends_at_ms));
    w.Key("startsAt");
    w.String(FormatAlertTimeV2(a.starts_at_ms));
    if (!a.generator_url.empty()) {
      w.Key("generatorURL");
      w.String(a.generator_url);
    }
    w.Key("labels");
    w.LabelSet(a.labels);
    w.EndObject();
  }
  w.EndArray();
  return out;
}

std::string AlertsToJsonV1(const std::vector<AlertToSend>& alerts) {
  std::string out;
  JsonWriter w(&out);
  w.BeginArray();
  for (const AlertToSend& a : alerts) {
    w.BeginObject();
    w.Key("labels");
    w.LabelSet(a.labels);
    w.Key("annotations");
    w.LabelSet(a.annotations);
    w.Key("startsAt");
    w.String(FormatAlertTimeV1(a.starts_at_ms));
    w.Key("endsAt");
    w.String(FormatAlertTimeV1(a.ends_at_ms));
    if (!a.generator_url.empty()) {
      w.Key("generatorURL");
      w.String(a.generator_url);
    }
    w.EndObject();
  }
  w.EndArray();
  return out;
}

}  // namespace http
