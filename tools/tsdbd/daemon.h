// The tsdbd server process: wires the storage, the query engine, the HTTP
// API, remote write/read, /metrics and the lifecycle endpoints, and runs
// until asked to stop.
//
// Start-up order (as Prometheus): the HTTP server listens first (/-/healthy
// answers, /-/ready is 503), then the database opens (WAL replay), then the
// scrape manager starts on the configuration's scrape jobs, the rule manager
// on its rule files (alerts go through the notifier to the Alertmanagers),
// the API routes are added and /-/ready turns 200. A rule file that does not
// load stops the start (exit 1), as in Prometheus. Shutdown (SIGTERM, SIGINT
// or POST /-/quit): stop accepting, finish in-flight requests, stop rule
// evaluation, send the queued alerts, stop scraping, close the database; a
// second signal exits at once with status 1. SIGHUP and POST
// /-/reload re-read the configuration file and hand the new rule files,
// Alertmanagers and scrape jobs to their managers; an invalid file (or rule
// file) is logged and the previous configuration kept.
#ifndef TOOLS_TSDBD_DAEMON_H_
#define TOOLS_TSDBD_DAEMON_H_

#include <atomic>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "http/api.h"
#include "http/notifier.h"
#include "http/remote_api.h"
#include "http/self_metrics.h"
#include "http/server.h"
#include "ingest/scrape_manager.h"
#include "query/engine.h"
#include "query/rules/rule_manager.h"
#include "query/storage.h"
#include "tools/tsdbd/config.h"
#include "tools/tsdbd/flags.h"
#include "tsdb/db.h"
#include "tsdb/mutex.h"

namespace tsdbd {

class Daemon {
 public:
  Daemon(Flags flags, Config config);
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Serves until shutdown; returns the process exit code.
  // REQUIRES: SIGTERM, SIGINT and SIGHUP blocked in every thread (BlockSignals
  // before any thread starts), so that Run's signal thread receives them.
  int Run();

  // Blocks the signals Run handles in the calling thread (and the threads it
  // starts later).
  static void BlockSignals();

 private:
  absl::Status OpenStorage();
  void StartScraping();
  void CreateEngine();
  // Starts the notifier and the rule manager on config_'s rule files and
  // alerting section. Errors: rule files that do not load.
  absl::Status StartRules();
  // Hands `config`'s rule files, global settings and Alertmanagers to the
  // rule manager and the notifier. On a rule file error nothing changes.
  absl::Status ApplyRulesAndAlerting(const Config& config);
  // --web.external-url, or http://<hostname>:<port>.
  std::string ExternalUrl() const;
  void RegisterRoutes();
  void StartSignalThread();
  void RequestShutdown(const char* why);
  absl::Status Reload();
  http::RuntimeInfo CurrentRuntimeInfo() const;
  std::string StorageRetention() const;

  const Flags flags_;
  const absl::Time start_time_;
  mutable tsdb::Mutex config_mu_;
  Config config_ ABSL_GUARDED_BY(config_mu_);
  bool reload_success_ ABSL_GUARDED_BY(config_mu_) = true;
  absl::Time last_config_time_ ABSL_GUARDED_BY(config_mu_);

  http::Registry registry_;
  http::HttpMetrics http_metrics_{&registry_};
  http::RemoteApiCounters remote_counters_;
  std::atomic<bool> ready_{false};
  std::unique_ptr<tsdb::Db> db_;
  // Set once, under config_mu_, after the database opened; destroyed before
  // it.
  std::unique_ptr<tsdb::ScrapeManager> scrape_manager_;
  std::unique_ptr<query::Engine> engine_;
  std::unique_ptr<query::Storage> storage_;  // the engine's view of db_
  std::unique_ptr<http::Notifier> notifier_;
  // Set once, under config_mu_, after the engine exists; stopped first.
  std::unique_ptr<query::rules::RuleManager> rule_manager_;
  http::ApiContext api_context_;
  std::unique_ptr<http::Server> server_;

  tsdb::Notification shutdown_;
  std::atomic<const char*> shutdown_reason_{nullptr};
};

}  // namespace tsdbd

#endif  // TOOLS_TSDBD_DAEMON_H_
