// /api/v1/targets and /api/v1/metadata, from what the scraper reports
// (ApiContext::active_targets, dropped_targets, metadata), as Prometheus
// 2.42's web/api/v1 answers them.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/time/time.h"
#include "http/api_internal.h"
#include "tsdb/absl_compat.h"
#include "tsdb/prom_duration.h"

namespace http::api_internal {
namespace {

// Orders by job name, keeping the given order within a job (Prometheus
// walks its scrape pools by sorted name).
template <typename T>
void SortByPool(std::vector<T>& targets) {
  std::stable_sort(targets.begin(), targets.end(), [](const T& a, const T& b) {
    return a.scrape_pool < b.scrape_pool;
  });
}

void WriteActiveTarget(JsonWriter& w, const tsdb::ActiveTargetStatus& t) {
  w.BeginObject();
  w.Key("discoveredLabels");
  w.LabelSet(t.discovered_labels);
  w.Key("labels");
  w.LabelSet(t.labels);
  w.Key("scrapePool");
  w.String(t.scrape_pool);
  w.Key("scrapeUrl");
  w.String(t.scrape_url);
  w.Key("globalUrl");
  w.String(t.global_url);
  w.Key("lastError");
  w.String(t.last_error);
  w.Key("lastScrape");
  w.String(FormatGoJsonTime(t.last_scrape_ms));
  w.Key("lastScrapeDuration");
  std::string seconds;
  AppendGoJsonFloat(&seconds, t.last_scrape_duration_s);
  w.Raw(seconds);
  w.Key("health");
  w.String(tsdb::TargetHealthName(t.health));
  w.Key("scrapeInterval");
  w.String(tsdb::FormatPromDuration(t.scrape_interval_ms));
  w.Key("scrapeTimeout");
  w.String(tsdb::FormatPromDuration(t.scrape_timeout_ms));
  w.EndObject();
}

// `state` (any case): "active", "dropped", "any" or absent; any other value
// lists nothing, as in Prometheus.
void HandleTargets(const ApiState& state, const Request& request,
                   Response* response) {
  const std::string which =
      absl::AsciiStrToLower(tsdb::AbslView(request.Param("state")));
  const bool any = which.empty() || which == "any";
  std::vector<tsdb::ActiveTargetStatus> active;
  if ((any || which == "active") && state.context.active_targets) {
    active = state.context.active_targets();
    SortByPool(active);
  }
  std::vector<tsdb::DroppedTargetStatus> dropped;
  if ((any || which == "dropped") && state.context.dropped_targets) {
    dropped = state.context.dropped_targets();
    SortByPool(dropped);
  }
  std::string body;
  body.reserve(64 + active.size() * 512 + dropped.size() * 128);
  JsonWriter w(&body);
  BeginSuccess(w);
  w.BeginObject();
  w.Key("activeTargets");
  w.BeginArray();
  for (const tsdb::ActiveTargetStatus& t : active) WriteActiveTarget(w, t);
  w.EndArray();
  w.Key("droppedTargets");
  w.BeginArray();
  for (const tsdb::DroppedTargetStatus& t : dropped) {
    w.BeginObject();
    w.Key("discoveredLabels");
    w.LabelSet(t.discovered_labels);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  EndSuccess(w);
  SetJson(response, std::move(body));
}

// Go's strconv.Atoi: an optional sign and decimal digits that fit an int64,
// nothing else (no spaces).
bool ParseGoInt(std::string_view s, int64_t* out) {
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty() || s[0] < '0' || s[0] > '9') return false;
  uint64_t magnitude = 0;
  const auto [end, error] =
      std::from_chars(s.data(), s.data() + s.size(), magnitude);
  if (error != std::errc() || end != s.data() + s.size()) return false;
  const uint64_t max = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
  if (magnitude > max) return false;
  *out = negative ? static_cast<int64_t>(0 - magnitude)
                  : static_cast<int64_t>(magnitude);
  return true;
}

// data: an object of metric name → its distinct {type, help, unit}, keys
// sorted (Go's map encoding). `limit` caps the number of metrics (negative:
// no cap); Prometheus keeps an arbitrary subset, we keep the first by name.
// `metric` keeps that metric only.
void HandleMetadata(const ApiState& state, const Request& request,
                    Response* response) {
  int64_t limit = -1;
  if (const std::string_view s = request.Param("limit"); !s.empty()) {
    if (!ParseGoInt(s, &limit)) {
      SetBadData(response, "limit must be a number");
      return;
    }
  }
  const std::string_view metric = request.Param("metric");
  std::vector<tsdb::MetricMetadata> all;
  if (state.context.metadata) all = state.context.metadata();
  if (!metric.empty()) {
    std::erase_if(all, [metric](const tsdb::MetricMetadata& m) {
      return m.metric != metric;
    });
  }
  const auto key = [](const tsdb::MetricMetadata& m) {
    return std::tie(m.metric, m.type, m.help, m.unit);
  };
  std::sort(all.begin(), all.end(),
            [&key](const auto& a, const auto& b) { return key(a) < key(b); });
  all.erase(std::unique(all.begin(), all.end()), all.end());

  std::string body;
  body.reserve(64 + all.size() * 128);
  JsonWriter w(&body);
  BeginSuccess(w);
  w.BeginObject();
  int64_t metrics = 0;
  for (size_t i = 0; i < all.size(); ++i) {
    const bool first_of_metric = i == 0 || all[i].metric != all[i - 1].metric;
    if (first_of_metric) {
      if (limit >= 0 && metrics >= limit) break;
      if (i > 0) w.EndArray();
      ++metrics;
      w.Key(all[i].metric);
      w.BeginArray();
    }
    w.BeginObject();
    w.Key("type");
    w.String(all[i].type);
    w.Key("help");
    w.String(all[i].help);
    w.Key("unit");
    w.String(all[i].unit);
    w.EndObject();
  }
  if (metrics > 0) w.EndArray();
  w.EndObject();
  EndSuccess(w);
  SetJson(response, std::move(body));
}

}  // namespace

void RegisterTargetHandlers(Router& router, const StatePtr& state) {
  router.Handle("GET", "/api/v1/targets",
                [state](const Request& request, Response* response) {
                  HandleTargets(*state, request, response);
                });
  router.Handle("GET", "/api/v1/metadata",
                [state](const Request& request, Response* response) {
                  HandleMetadata(*state, request, response);
                });
}

}  // namespace http::api_internal
