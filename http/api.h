// The Prometheus HTTP API v1 read side: query, query_range, series, labels,
// label values, metadata, targets, status/*, query_exemplars, format_query,
// with Prometheus 2.42's exact JSON, error types and status codes.
#ifndef HTTP_API_H_
#define HTTP_API_H_

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "http/router.h"
#include "ingest/scrape_status.h"
#include "query/engine.h"
#include "query/rules/rule_status.h"
#include "tsdb/db.h"

namespace http {

// What /api/v1/status/buildinfo reports.
struct BuildInfo {
  std::string version;
  std::string revision;
  std::string branch;
  std::string build_user;
  std::string build_date;
  std::string go_version;  // Prometheus's field; we report the compiler
};

// What /api/v1/status/runtimeinfo reports that only the server knows.
struct RuntimeInfo {
  absl::Time start_time;
  std::string cwd;
  bool reload_config_success = true;
  absl::Time last_config_time;
  std::string storage_retention;  // e.g. "15d" or "15d or 10GiB"
};

// Everything the API handlers read. REQUIRES: the pointed-to objects outlive
// the router's server.
struct ApiContext {
  tsdb::Db* db = nullptr;
  const query::Engine* engine = nullptr;
  // --query.max-concurrency: queries beyond it wait for a slot.
  int max_concurrent_queries = 20;
  BuildInfo build;
  // Called per request (config reloads change these).
  std::function<RuntimeInfo()> runtime_info;
  std::function<std::string()> config_yaml;  // /api/v1/status/config
  // Flag name (without "--") → value, for /api/v1/status/flags.
  std::vector<std::pair<std::string, std::string>> flags;
  // What the scraper reports, for /api/v1/targets and /api/v1/metadata;
  // called per request and from concurrent requests. An empty function
  // reports nothing. Any order: the handlers list jobs by name (keeping the
  // given order within a job) and metadata by metric, type, help, unit.
  std::function<std::vector<tsdb::ActiveTargetStatus>()> active_targets;
  std::function<std::vector<tsdb::DroppedTargetStatus>()> dropped_targets;
  std::function<std::vector<tsdb::MetricMetadata>()> metadata;
  // The rule groups, in the order of their files and groups, for
  // /api/v1/rules and /api/v1/alerts; called per request. An empty function
  // reports no groups.
  std::function<std::vector<query::rules::GroupStatus>()> rule_groups;
};

// Registers every API v1 read endpoint on `router`.
void RegisterApi(Router& router, const ApiContext& context);

}  // namespace http

#endif  // HTTP_API_H_
