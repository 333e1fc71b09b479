#include "ingest/target_builder.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "ingest/relabel.h"
#include "tsdb/absl_compat.h"
#include "tsdb/prom_duration.h"
#include "tsdb/quote.h"

namespace tsdb {
namespace {

constexpr std::string_view kAddressLabel = "__address__";
constexpr std::string_view kSchemeLabel = "__scheme__";
constexpr std::string_view kMetricsPathLabel = "__metrics_path__";
constexpr std::string_view kScrapeIntervalLabel = "__scrape_interval__";
constexpr std::string_view kScrapeTimeoutLabel = "__scrape_timeout__";
constexpr std::string_view kParamPrefix = "__param_";
constexpr std::string_view kMetaPrefix = "__meta_";

// Go's net.SplitHostPort failing with "missing port in address": no colon
// outside brackets ("host", "[::1]"). "a:b:c" is "too many colons", which
// does not get a default port either.
bool MissingPort(std::string_view addr) {
  if (!addr.empty() && addr.front() == '[') {
    const size_t close = addr.find(']');
    return close != std::string_view::npos && close + 1 == addr.size();
  }
  return addr.find(':') == std::string_view::npos;
}

// Go's url.URL path escaping (shouldEscape with encodePath).
void AppendPathEscaped(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  static constexpr std::string_view kKept = "-_.~$&+,/:;=@";
  for (unsigned char c : s) {
    if (std::isalnum(c) || kKept.find(static_cast<char>(c)) != kKept.npos) {
      out->push_back(static_cast<char>(c));
    } else {
      out->push_back('%');
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 15]);
    }
  }
}

// "/metrics?a=1&b=2": the job's params, with each __param_<name> label
// replacing the first value of <name>, encoded as url.Values.Encode does
// (sorted by name, values in order).
std::string PathAndQuery(const ScrapeConfig& job, const LabelsBuilder& b) {
  std::vector<std::pair<std::string, std::vector<std::string>>> params =
      job.params;
  for (size_t i = 0; i < b.size(); ++i) {
    const Label l = b.at(i);
    if (!absl::StartsWith(AbslView(l.name), AbslView(kParamPrefix))) continue;
    const std::string_view name = l.name.substr(kParamPrefix.size());
    auto it = std::find_if(params.begin(), params.end(),
                           [&](const auto& p) { return p.first == name; });
    if (it == params.end()) {
      params.emplace_back(std::string(name),
                          std::vector<std::string>{std::string(l.value)});
    } else if (it->second.empty()) {
      it->second.emplace_back(l.value);
    } else {
      it->second[0] = std::string(l.value);
    }
  }
  std::stable_sort(
      params.begin(), params.end(),
      [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string out;
  AppendPathEscaped(b.Get(kMetricsPathLabel), &out);
  char sep = '?';
  for (const auto& [name, values] : params) {
    for (const std::string& value : values) {
      out.push_back(sep);
      sep = '&';
      AppendQueryEscaped(name, &out);
      out.push_back('=');
      AppendQueryEscaped(value, &out);
    }
  }
  return out;
}

// FNV-1a, 64 bits: stable across processes (unlike absl::Hash), so a
// target keeps its offset within the interval across restarts.
uint64_t Fnv1a(uint64_t h, std::string_view s) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

// Prometheus's PopulateLabels for one target of `job`. On success either
// *target is filled (kept) or *dropped is set (relabeling dropped it).
absl::Status PopulateTarget(const ScrapeConfig& job, LabelsBuilder& b,
                            RelabelScratch* scratch, Target* target,
                            bool* dropped) {
  const std::string interval = FormatPromDuration(job.scrape_interval_ms);
  const std::string timeout = FormatPromDuration(job.scrape_timeout_ms);
  const std::pair<std::string_view, std::string_view> defaults[] = {
      {"job", job.job_name},
      {kScrapeIntervalLabel, interval},
      {kScrapeTimeoutLabel, timeout},
      {kMetricsPathLabel, job.metrics_path},
      {kSchemeLabel, job.scheme}};
  for (const auto& [name, value] : defaults) {
    if (b.Get(name).empty()) b.Set(name, value);
  }
  for (const auto& [name, values] : job.params) {
    if (!values.empty())
      b.Set(absl::StrCat(AbslView(kParamPrefix), name), values[0]);
  }
  target->discovered_labels = b.Build();
  if (!RelabelInPlace(job.relabel_configs, &b, scratch)) {
    *dropped = true;
    return absl::OkStatus();
  }
  std::string addr(b.Get(kAddressLabel));
  if (addr.empty()) return absl::InvalidArgumentError("no address");
  if (MissingPort(addr)) {
    const std::string_view scheme = b.Get(kSchemeLabel);
    if (scheme == "http" || scheme.empty()) {
      addr += ":80";
    } else if (scheme == "https") {
      addr += ":443";
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid scheme: \"", AbslView(scheme), "\""));
    }
    b.Set(kAddressLabel, addr);
  }
  if (absl::StrContains(addr, "/")) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", addr, "\" is not a valid hostname"));
  }
  const std::string interval_text(b.Get(kScrapeIntervalLabel));
  absl::StatusOr<int64_t> interval_ms = ParsePromDurationMs(interval_text);
  if (!interval_ms.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "error parsing scrape interval: ", interval_ms.status().message()));
  }
  if (*interval_ms == 0) {
    return absl::InvalidArgumentError("scrape interval cannot be 0");
  }
  const std::string timeout_text(b.Get(kScrapeTimeoutLabel));
  absl::StatusOr<int64_t> timeout_ms = ParsePromDurationMs(timeout_text);
  if (!timeout_ms.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "error parsing scrape timeout: ", timeout_ms.status().message()));
  }
  if (*timeout_ms == 0) {
    return absl::InvalidArgumentError("scrape timeout cannot be 0");
  }
  if (*timeout_ms > *interval_ms) {
    return absl::InvalidArgumentError(absl::StrCat(
        "scrape timeout cannot be greater than scrape interval (\"",
        timeout_text, "\" > \"", interval_text, "\")"));
  }
  for (size_t i = b.size(); i-- > 0;) {
    const std::string name(b.at(i).name);
    if (absl::StartsWith(name, AbslView(kMetaPrefix))) b.Del(name);
  }
  if (b.Get("instance").empty()) b.Set("instance", addr);
  for (size_t i = 0; i < b.size(); ++i) {
    const Label l = b.at(i);
    if (!IsValidUtf8(l.value)) {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid label value for \"", AbslView(l.name), "\": \"",
                       AbslView(l.value), "\""));
    }
  }
  target->scheme = std::string(b.Get(kSchemeLabel));
  target->address = addr;
  target->path_and_query = PathAndQuery(job, b);
  target->scrape_interval_ms = *interval_ms;
  target->scrape_timeout_ms = *timeout_ms;
  target->labels = b.Build();
  return absl::OkStatus();
}

}  // namespace

std::string Target::Url() const {
  return absl::StrCat(scheme, "://", address, path_and_query);
}

uint64_t Target::Hash() const {
  uint64_t h = 14695981039346656037ULL;
  for (const Label l : labels) {
    h = Fnv1a(h, l.name);
    h = Fnv1a(h, std::string_view("\xff", 1));
    h = Fnv1a(h, l.value);
    h = Fnv1a(h, std::string_view("\xff", 1));
  }
  return Fnv1a(h, Url());
}

JobTargets BuildTargets(const ScrapeConfig& job,
                        const std::vector<TargetGroup>& groups) {
  JobTargets out;
  absl::flat_hash_set<std::string> seen;  // encoded labels of kept targets
  LabelsBuilder b;
  RelabelScratch scratch;
  for (const TargetGroup& group : groups) {
    for (size_t i = 0; i < group.targets.size(); ++i) {
      b.Reset(group.labels);
      b.Set(kAddressLabel, group.targets[i]);
      Target target;
      bool dropped = false;
      if (absl::Status s = PopulateTarget(job, b, &scratch, &target, &dropped);
          !s.ok()) {
        out.errors.push_back(absl::StrCat("instance ", i, " in group ",
                                          group.source, ": ", s.message()));
        continue;
      }
      if (dropped) {
        out.dropped.push_back(std::move(target.discovered_labels));
        continue;
      }
      if (!seen.insert(
                   absl::StrCat(target.labels.ToString(), " ", target.Url()))
               .second) {
        continue;
      }
      out.active.push_back(std::move(target));
    }
  }
  return out;
}

}  // namespace tsdb
