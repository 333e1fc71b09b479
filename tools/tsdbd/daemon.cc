#include "tools/tsdbd/daemon.h"

#include <signal.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "http/lifecycle.h"
#include "query/rules/rule_file.h"
#include "tools/tsdbd/log.h"
#include "tsdb/absl_compat.h"
#include "tsdb/prom_duration.h"

namespace tsdbd {
namespace {

constexpr int64_t kDefaultRetentionMs = int64_t{15} * 24 * 3600 * 1000;

std::string Seconds(double s) { return absl::StrCat(s, "s"); }

std::string WorkingDirectory() {
  char buf[4096];
  return getcwd(buf, sizeof(buf)) != nullptr ? std::string(buf) : "";
}

// Mixed into the scrape offsets so that two servers scraping the same
// targets spread them differently (Prometheus hashes its hostname and
// external labels the same way): FNV-1a over both.
uint64_t JitterSeed(const GlobalConfig& global) {
  char host[256] = {};
  gethostname(host, sizeof(host) - 1);
  uint64_t h = 14695981039346656037ull;
  const auto mix = [&h](std::string_view s) {
    for (const char c : s) {
      h ^= static_cast<unsigned char>(c);
      h *= 1099511628211ull;
    }
  };
  mix(host);
  for (const auto& [name, value] : global.external_labels) {
    mix(name);
    mix("=");
    mix(value);
    mix(",");
  }
  return h;
}

sigset_t HandledSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  return set;
}

}  // namespace

Daemon::Daemon(Flags flags, Config config)
    : flags_(std::move(flags)),
      start_time_(absl::Now()),
      config_(std::move(config)),
      last_config_time_(absl::Now()) {}

void Daemon::BlockSignals() {
  const sigset_t set = HandledSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

void Daemon::StartSignalThread() {
  std::thread([this] {
    const sigset_t set = HandledSignals();
    bool terminating = false;
    while (true) {
      int sig = 0;
      if (sigwait(&set, &sig) != 0) continue;
      if (sig == SIGHUP) {
        if (!Reload().ok()) continue;  // logged by Reload
        continue;
      }
      if (terminating) {
        Log(LogLevel::kWarn,
            "Received a second termination signal, exiting now",
            {{"signal", sig == SIGTERM ? "terminated" : "interrupt"}});
        std::_Exit(1);
      }
      terminating = true;
      RequestShutdown(sig == SIGTERM
                          ? "Received SIGTERM, exiting gracefully..."
                          : "Received SIGINT, exiting gracefully...");
    }
  }).detach();
}

void Daemon::RequestShutdown(const char* why) {
  const char* expected = nullptr;
  if (shutdown_reason_.compare_exchange_strong(expected, why)) {
    shutdown_.Notify();
  }
}

std::string Daemon::StorageRetention() const {
  const int64_t ms = flags_.retention_ms;
  const uint64_t bytes = flags_.retention_bytes;
  if (ms == 0 && bytes == 0)
    return tsdb::FormatPromDuration(kDefaultRetentionMs);
  if (bytes == 0) return tsdb::FormatPromDuration(ms);
  if (ms == 0) return FormatBytes(bytes);
  return tsdb::FormatPromDuration(ms) + " or " + FormatBytes(bytes);
}

http::RuntimeInfo Daemon::CurrentRuntimeInfo() const {
  http::RuntimeInfo info;
  info.start_time = start_time_;
  info.cwd = WorkingDirectory();
  info.storage_retention = StorageRetention();
  tsdb::ReaderMutexLock lock(&config_mu_);
  info.reload_config_success = reload_success_;
  info.last_config_time = last_config_time_;
  return info;
}

absl::Status Daemon::Reload() {
  if (flags_.config_file.empty()) {
    Log(LogLevel::kInfo,
        "No configuration file to reload; keeping the "
        "embedded default");
    tsdb::MutexLock lock(&config_mu_);
    reload_success_ = true;
    last_config_time_ = absl::Now();
    return absl::OkStatus();
  }
  Log(LogLevel::kInfo, "Loading configuration file",
      {{"filename", flags_.config_file}});
  absl::StatusOr<Config> config = LoadConfigFile(flags_.config_file);
  tsdb::MutexLock lock(&config_mu_);
  if (!config.ok()) {
    Log(LogLevel::kError, "Error reloading config",
        {{"err", std::string(config.status().message())}});
    reload_success_ = false;
    return config.status();
  }
  for (const std::string& warning : config->warnings) {
    Log(LogLevel::kWarn, warning);
  }
  if (absl::Status s = ApplyRulesAndAlerting(*config); !s.ok()) {
    Log(LogLevel::kError, "Error reloading config",
        {{"err", std::string(s.message())}});
    reload_success_ = false;
    return s;
  }
  if (scrape_manager_ != nullptr) {
    if (absl::Status s = scrape_manager_->ApplyConfig(config->scrape_configs);
        !s.ok()) {
      Log(LogLevel::kError, "Error applying the scrape configuration",
          {{"err", std::string(s.message())}});
    }
  }
  config_ = *std::move(config);
  reload_success_ = true;
  last_config_time_ = absl::Now();
  Log(LogLevel::kInfo, "Completed loading of configuration file",
      {{"filename", flags_.config_file}});
  return absl::OkStatus();
}

absl::Status Daemon::OpenStorage() {
  tsdb::Options options;
  options.retention_time =
      absl::Milliseconds(flags_.retention_ms == 0 && flags_.retention_bytes == 0
                             ? kDefaultRetentionMs
                             : flags_.retention_ms);
  options.retention_bytes = flags_.retention_bytes;
  options.log = [](std::string_view message) {
    Log(LogLevel::kWarn, message, {{"component", "tsdb"}});
  };
  Log(LogLevel::kInfo, "Starting TSDB ...", {{"path", flags_.storage_path}});
  absl::StatusOr<std::unique_ptr<tsdb::Db>> db =
      tsdb::Db::Open(flags_.storage_path, options);
  if (!db.ok()) return db.status();
  db_ = *std::move(db);
  const tsdb::OpenInfo& info = db_->open_info();
  Log(LogLevel::kInfo, "TSDB started",
      {{"path", flags_.storage_path},
       {"series", absl::StrCat(info.series)},
       {"head_series", absl::StrCat(info.head_series)},
       {"wal_records_replayed", absl::StrCat(info.wal_records)},
       {"wal_samples_replayed", absl::StrCat(info.wal_samples)},
       {"wal_truncated_bytes", absl::StrCat(info.wal_truncated_bytes)},
       {"duration", Seconds(info.seconds)}});
  for (const std::string& dropped : info.wal_dropped) {
    Log(LogLevel::kWarn, "WAL repair dropped data", {{"what", dropped}});
  }
  return absl::OkStatus();
}

void Daemon::StartScraping() {
  tsdb::MutexLock lock(&config_mu_);
  tsdb::ScrapeManagerOptions options;
  options.jitter_seed = JitterSeed(config_.global);
  options.log = [](const std::string& message) {
    Log(LogLevel::kWarn, message, {{"component", "scrape manager"}});
  };
  scrape_manager_ = std::make_unique<tsdb::ScrapeManager>(db_.get(), options);
  if (absl::Status s = scrape_manager_->ApplyConfig(config_.scrape_configs);
      !s.ok()) {
    Log(LogLevel::kError, "Error applying the scrape configuration",
        {{"err", std::string(s.message())}});
  }
  Log(LogLevel::kInfo, "Scrape manager started",
      {{"jobs", absl::StrCat(config_.scrape_configs.size())}});
}

void Daemon::CreateEngine() {
  query::EngineOptions engine_options;
  engine_options.lookback_delta_ms = flags_.lookback_delta_ms;
  engine_options.max_samples = flags_.query_max_samples;
  engine_options.timeout = flags_.query_timeout;
  {
    tsdb::ReaderMutexLock lock(&config_mu_);
    engine_options.default_subquery_step_ms =
        config_.global.evaluation_interval_ms;
  }
  engine_ = std::make_unique<query::Engine>(engine_options);
  storage_ = query::StorageFromDb(db_.get());
}

std::string Daemon::ExternalUrl() const {
  if (!flags_.external_url.empty()) return flags_.external_url;
  char host[256] = {};
  gethostname(host, sizeof(host) - 1);
  std::string_view port = "9090";
  if (const size_t colon = flags_.listen_address.rfind(':');
      colon != std::string::npos) {
    port = std::string_view(flags_.listen_address).substr(colon + 1);
  }
  return absl::StrCat("http://", host, ":", tsdb::AbslView(port));
}

absl::Status Daemon::ApplyRulesAndAlerting(const Config& config) {
  if (rule_manager_ == nullptr) return absl::OkStatus();
  std::string base_dir = ".";
  if (const size_t slash = config.filename.rfind('/');
      slash != std::string::npos) {
    base_dir = config.filename.substr(0, slash);
  }
  std::vector<std::string> errors;
  const std::vector<std::string> files = query::rules::ExpandRuleFileGlobs(
      config.rule_file_patterns, base_dir, &errors);
  if (!errors.empty()) {
    return absl::InvalidArgumentError(absl::StrJoin(errors, "; "));
  }
  if (absl::Status s =
          rule_manager_->Update(config.global.evaluation_interval_ms, files,
                                config.global.external_labels, ExternalUrl());
      !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "error loading rules, previous rule set restored: ", s.message()));
  }
  tsdb::LabelsBuilder external;
  for (const auto& [name, value] : config.global.external_labels) {
    external.Set(name, value);
  }
  if (absl::Status s =
          notifier_->ApplyConfig(config.alerting_config, external.Build());
      !s.ok()) {
    Log(LogLevel::kError, "Error applying the alerting configuration",
        {{"err", std::string(s.message())}});
  }
  Log(LogLevel::kInfo, "Rule manager updated",
      {{"rule_files", absl::StrCat(files.size())},
       {"alertmanagers",
        absl::StrCat(notifier_->ActiveAlertmanagers().size())}});
  return absl::OkStatus();
}

absl::Status Daemon::StartRules() {
  http::NotifierOptions notifier_options;
  notifier_options.queue_capacity = flags_.notification_queue_capacity;
  notifier_options.user_agent = absl::StrCat("tsdbd/", kVersion);
  notifier_options.registry = &registry_;
  notifier_options.log = [](const std::string& message) {
    Log(LogLevel::kWarn, message, {{"component", "notifier"}});
  };
  notifier_ = std::make_unique<http::Notifier>(notifier_options);

  query::rules::GroupOptions options;
  options.engine = engine_.get();
  options.storage = storage_.get();
  options.db = db_.get();
  options.for_outage_tolerance_ms = flags_.for_outage_tolerance_ms;
  options.for_grace_period_ms = flags_.for_grace_period_ms;
  options.resend_delay_ms = flags_.resend_delay_ms;
  http::Notifier* notifier = notifier_.get();
  options.notify = [notifier](std::vector<query::rules::AlertToSend> alerts) {
    notifier->Send(std::move(alerts));
  };
  options.log = [](const std::string& message) {
    Log(LogLevel::kWarn, message, {{"component", "rule manager"}});
  };
  tsdb::MutexLock lock(&config_mu_);
  rule_manager_ = std::make_unique<query::rules::RuleManager>(options);
  return ApplyRulesAndAlerting(config_);
}

void Daemon::RegisterRoutes() {
  api_context_.db = db_.get();
  api_context_.engine = engine_.get();
  api_context_.max_concurrent_queries = flags_.query_max_concurrency;
  api_context_.build = {kVersion,  "unknown", "main",
                        "unknown", __DATE__,  "gcc " __VERSION__};
  api_context_.runtime_info = [this] { return CurrentRuntimeInfo(); };
  api_context_.config_yaml = [this] {
    tsdb::ReaderMutexLock lock(&config_mu_);
    return config_.text;
  };
  api_context_.flags = flags_.values;
  tsdb::ScrapeManager* scraper = scrape_manager_.get();
  api_context_.active_targets = [scraper] { return scraper->ActiveTargets(); };
  api_context_.dropped_targets = [scraper] {
    return scraper->DroppedTargets();
  };
  api_context_.metadata = [scraper] { return scraper->Metadata(); };
  query::rules::RuleManager* rules = rule_manager_.get();
  api_context_.rule_groups = [rules] { return rules->Status(); };
  http::RegisterApi(*server_, api_context_);
  http::RegisterRemoteApi(*server_, db_.get(), flags_.remote,
                          &remote_counters_);
  http::AddDbCollector(registry_, db_.get());
  http::AddRemoteApiCollector(registry_, &remote_counters_);
}

int Daemon::Run() {
  StartSignalThread();
  Log(LogLevel::kInfo, "Starting tsdbd",
      {{"version", absl::StrCat("(version=", kVersion, ")")}});
  {
    tsdb::ReaderMutexLock lock(&config_mu_);
    Log(LogLevel::kInfo, "Loaded configuration",
        {{"filename",
          config_.filename.empty() ? "(embedded default)" : config_.filename}});
    for (const std::string& warning : config_.warnings) {
      Log(LogLevel::kWarn, warning);
    }
  }
  http::ServerOptions server_options;
  server_options.ready = [this] { return ready_.load(); };
  server_ = std::make_unique<http::Server>(server_options, &http_metrics_);
  http::LifecycleOptions lifecycle;
  lifecycle.enable_lifecycle = flags_.enable_lifecycle;
  lifecycle.reload = [this] { return Reload(); };
  lifecycle.quit = [this] {
    RequestShutdown(
        "Received termination request via web service, exiting "
        "gracefully...");
  };
  http::RegisterLifecycle(*server_, lifecycle, &ready_);
  http::RegisterMetricsHandler(*server_, &registry_);
  http::AddProcessCollector(registry_);

  if (absl::Status s = server_->Start(flags_.listen_address); !s.ok()) {
    Log(LogLevel::kError, "Error starting web server",
        {{"err", std::string(s.message())}});
    return 1;
  }
  Log(LogLevel::kInfo, "Start listening for connections",
      {{"address", flags_.listen_address},
       {"port", absl::StrCat(server_->port())}});
  if (absl::Status s = OpenStorage(); !s.ok()) {
    Log(LogLevel::kError, "Opening storage failed",
        {{"err", std::string(s.message())}});
    server_->Stop();
    return 1;
  }
  StartScraping();
  CreateEngine();
  if (absl::Status s = StartRules(); !s.ok()) {
    Log(LogLevel::kError, "Error loading config",
        {{"err", std::string(s.message())}});
    server_->Stop();
    rule_manager_->Stop();
    notifier_->Stop();
    scrape_manager_->Stop();
    (void)db_->Close();
    return 1;
  }
  RegisterRoutes();
  ready_ = true;
  Log(LogLevel::kInfo, "Server is ready to receive web requests.");

  while (!shutdown_.WaitForNotificationWithTimeout(absl::Hours(1))) {
  }
  Log(LogLevel::kWarn, shutdown_reason_.load());
  ready_ = false;
  server_->Stop();
  Log(LogLevel::kInfo, "Web server stopped; stopping rule evaluation");
  rule_manager_->Stop();
  Log(LogLevel::kInfo, "Rule manager stopped; sending queued alerts");
  notifier_->Stop();
  Log(LogLevel::kInfo, "Notifier stopped; stopping scrapes");
  scrape_manager_->Stop();
  Log(LogLevel::kInfo, "Scrape manager stopped; closing the TSDB");
  int code = 0;
  if (absl::Status s = db_->Close(); !s.ok()) {
    Log(LogLevel::kError, "Closing the TSDB failed",
        {{"err", std::string(s.message())}});
    code = 1;
  }
  Log(LogLevel::kInfo, "See you next time!");
  return code;
}

}  // namespace tsdbd
