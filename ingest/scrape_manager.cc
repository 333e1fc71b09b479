#include "ingest/scrape_manager.h"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "ingest/file_sd.h"
#include "ingest/scrape_loop.h"
#include "ingest/target_builder.h"

namespace tsdb {
namespace {

using Clock = std::chrono::steady_clock;

bool SameRelabelRules(const std::vector<RelabelRule>& a,
                      const std::vector<RelabelRule>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const RelabelConfig& x = a[i].config();
    const RelabelConfig& y = b[i].config();
    if (std::tie(x.source_labels, x.separator, x.target_label, x.regex,
                 x.modulus, x.replacement, x.action) !=
        std::tie(y.source_labels, y.separator, y.target_label, y.regex,
                 y.modulus, y.replacement, y.action)) {
      return false;
    }
  }
  return true;
}

// The settings a TargetScraper (and its series cache) depends on.
bool SameScraperSettings(const ScrapeConfig& a, const ScrapeConfig& b) {
  return std::tie(a.honor_labels, a.honor_timestamps, a.sample_limit,
                  a.label_limit, a.label_name_length_limit,
                  a.label_value_length_limit) ==
             std::tie(b.honor_labels, b.honor_timestamps, b.sample_limit,
                      b.label_limit, b.label_name_length_limit,
                      b.label_value_length_limit) &&
         SameRelabelRules(a.metric_relabel_configs, b.metric_relabel_configs);
}

// Everything a running loop depends on besides its target: when this
// differs, the job's loops restart.
bool SameLoopSettings(const ScrapeConfig& a, const ScrapeConfig& b) {
  return SameScraperSettings(a, b) &&
         std::tie(a.scrape_interval_ms, a.scrape_timeout_ms, a.metrics_path,
                  a.scheme, a.params, a.body_size_limit_bytes, a.http_client) ==
             std::tie(b.scrape_interval_ms, b.scrape_timeout_ms, b.metrics_path,
                      b.scheme, b.params, b.body_size_limit_bytes,
                      b.http_client);
}

bool MetadataLess(const MetricMetadata& a, const MetricMetadata& b) {
  return std::tie(a.metric, a.type, a.help, a.unit) <
         std::tie(b.metric, b.type, b.help, b.unit);
}

}  // namespace

struct ScrapeManager::Impl {
  // The groups last read from one file_sd file.
  struct FileState {
    int64_t mtime_ns = -1;
    int64_t size = -1;
    Clock::time_point read_at;
    std::vector<TargetGroup> groups;
  };
  struct JobState {
    std::shared_ptr<const ScrapeConfig> config;
    // Every file the job's file_sd patterns matched, by path; file_order
    // lists them in the order their groups are used.
    std::map<std::string, FileState> files;
    std::vector<std::string> file_order;
    std::map<uint64_t, std::unique_ptr<ScrapeLoop>> loops;  // by Target::Hash
    std::vector<Labels> dropped;
  };
  // A loop whose target went away, until its end-of-run markers are written.
  struct Retiring {
    std::string job;
    uint64_t hash;
    std::shared_ptr<const ScrapeConfig> config;
    std::unique_ptr<ScrapeLoop> loop;
  };

  Impl(Db* db, ScrapeManagerOptions options)
      : db(db), options(std::move(options)) {
    watcher = std::thread([this] { WatchFiles(); });
  }

  void Log(const std::string& message) const {
    if (options.log) options.log(message);
  }

  ScrapeLoopEnv Env() const {
    return {db, options.jitter_seed, options.scrape_immediately, options.log};
  }

  // Re-reads the job's file_sd files that changed (by mtime and size), are
  // new, or are due for their refresh_interval (all of them if `force`).
  // Returns whether the job's groups may have changed.
  bool RefreshFiles(JobState& js, bool force);
  // Rebuilds the job's targets and brings its loops in line: gone targets
  // retire, new ones start; with `restart`, kept targets get new loops
  // (keeping their TargetScraper if `reuse_scrapers`).
  void SyncTargets(JobState& js, bool restart, bool reuse_scrapers);
  // Takes back the scraper of a retiring loop for (job, hash) whose
  // markers are not written yet; null if there is none.
  std::unique_ptr<TargetScraper> Revive(const std::string& job, uint64_t hash,
                                        const ScrapeConfig& config);
  void RetireJob(const std::string& name);
  // Joins retiring loops that are done.
  void Reap();
  void WatchFiles();
  void Stop();

  Db* const db;
  const ScrapeManagerOptions options;

  // Held by whoever changes jobs / retiring (ApplyConfig, the file watcher,
  // Stop), for the whole change; `mu` is also taken for the moments the
  // maps change, so readers need only `mu`.
  std::mutex sync_mu;
  mutable std::mutex mu;
  bool stopped = false;  // guarded by both
  std::map<std::string, JobState> jobs;
  std::vector<Retiring> retiring;

  std::mutex watch_mu;
  std::condition_variable watch_cv;
  bool watch_stop = false;
  std::thread watcher;
};

bool ScrapeManager::Impl::RefreshFiles(JobState& js, bool force) {
  const ScrapeConfig& config = *js.config;
  std::map<std::string, FileState> next;
  std::vector<std::string> order;
  bool changed = false;
  const Clock::time_point now = Clock::now();
  for (const FileSdConfig& sd : config.file_sd_configs) {
    absl::StatusOr<std::vector<std::string>> paths =
        ExpandFileSdPatterns(sd.files);
    if (!paths.ok()) {
      Log(absl::StrCat(
          "file_sd (job \"", config.job_name,
          "\"): keeping the previous targets: ", paths.status().message()));
      return false;
    }
    for (const std::string& path : *paths) {
      if (next.contains(path)) continue;
      struct stat st;
      if (stat(path.c_str(), &st) != 0) continue;  // gone since the glob
      const int64_t mtime_ns =
          int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec;
      const int64_t size = st.st_size;
      order.push_back(path);
      auto old = js.files.find(path);
      const bool due = force || old == js.files.end() ||
                       old->second.mtime_ns != mtime_ns ||
                       old->second.size != size ||
                       now - old->second.read_at >=
                           std::chrono::milliseconds(sd.refresh_interval_ms);
      if (!due) {
        next[path] = std::move(old->second);
        continue;
      }
      FileState state;
      state.mtime_ns = mtime_ns;
      state.size = size;
      state.read_at = now;
      absl::StatusOr<std::vector<TargetGroup>> groups =
          ReadTargetGroupsFile(path);
      if (groups.ok()) {
        state.groups = *std::move(groups);
        changed = true;
      } else {
        // The message starts with "<path>:<line>: ".
        Log(absl::StrCat("file_sd (job \"", config.job_name,
                         "\"): ", groups.status().message(),
                         " (keeping the file's previous targets)"));
        if (old != js.files.end()) state.groups = std::move(old->second.groups);
      }
      next[path] = std::move(state);
    }
  }
  for (const auto& [path, state] : js.files) {
    if (!next.contains(path)) changed = true;
  }
  js.files = std::move(next);
  js.file_order = std::move(order);
  return changed;
}

std::unique_ptr<TargetScraper> ScrapeManager::Impl::Revive(
    const std::string& job, uint64_t hash, const ScrapeConfig& config) {
  for (auto it = retiring.begin(); it != retiring.end(); ++it) {
    if (it->job != job || it->hash != hash) continue;
    if (!it->loop->CancelStaleness()) return nullptr;
    it->loop->WaitScrapingStopped();
    std::unique_ptr<TargetScraper> old = it->loop->ReleaseScraper();
    const bool reuse = SameScraperSettings(*it->config, config);
    it->loop->Join();
    {
      std::lock_guard<std::mutex> lock(mu);
      retiring.erase(it);
    }
    if (old == nullptr || reuse) return old;
    auto fresh = std::make_unique<TargetScraper>(
        old->target_labels(), ScrapeTargetOptions::FromConfig(config));
    fresh->TakeStaleCandidatesFrom(old.get());
    return fresh;
  }
  return nullptr;
}

void ScrapeManager::Impl::SyncTargets(JobState& js, bool restart,
                                      bool reuse_scrapers) {
  const ScrapeConfig& config = *js.config;
  std::vector<TargetGroup> groups = config.static_configs;
  for (const std::string& path : js.file_order) {
    const std::vector<TargetGroup>& g = js.files[path].groups;
    groups.insert(groups.end(), g.begin(), g.end());
  }
  JobTargets built = BuildTargets(config, groups);
  for (const std::string& error : built.errors) {
    Log(absl::StrCat("job \"", config.job_name, "\": ", error));
  }
  std::map<uint64_t, Target> desired;
  for (Target& t : built.active) desired.emplace(t.Hash(), std::move(t));

  // Targets gone: stop, then write their end-of-run staleness markers.
  std::vector<Retiring> gone;
  std::vector<uint64_t> kept;
  for (auto& [hash, loop] : js.loops) {
    if (desired.contains(hash)) {
      kept.push_back(hash);
      continue;
    }
    loop->RequestStop(/*end_of_run_staleness=*/true);
  }
  // Kept targets of a changed job: new loops, after the old ones stopped.
  std::map<uint64_t, std::unique_ptr<ScrapeLoop>> replaced;
  if (restart) {
    for (uint64_t hash : kept) js.loops[hash]->RequestStop(false);
    for (uint64_t hash : kept) {
      ScrapeLoop* old_loop = js.loops[hash].get();
      old_loop->WaitScrapingStopped();
      std::unique_ptr<TargetScraper> old = old_loop->ReleaseScraper();
      old_loop->Join();
      std::unique_ptr<TargetScraper> scraper;
      if (reuse_scrapers) {
        scraper = std::move(old);
      } else {
        scraper = std::make_unique<TargetScraper>(
            desired[hash].labels, ScrapeTargetOptions::FromConfig(config));
        if (old != nullptr) scraper->TakeStaleCandidatesFrom(old.get());
      }
      replaced[hash] = std::make_unique<ScrapeLoop>(config, desired[hash],
                                                    Env(), std::move(scraper));
    }
  }
  std::map<uint64_t, std::unique_ptr<ScrapeLoop>> added;
  for (auto& [hash, target] : desired) {
    if (js.loops.contains(hash)) continue;
    std::unique_ptr<TargetScraper> scraper =
        Revive(config.job_name, hash, config);
    added[hash] =
        std::make_unique<ScrapeLoop>(config, target, Env(), std::move(scraper));
  }

  std::vector<std::unique_ptr<ScrapeLoop>> finished;
  {
    std::lock_guard<std::mutex> lock(mu);
    for (auto it = js.loops.begin(); it != js.loops.end();) {
      if (desired.contains(it->first)) {
        ++it;
        continue;
      }
      retiring.push_back(
          {config.job_name, it->first, js.config, std::move(it->second)});
      it = js.loops.erase(it);
    }
    for (auto& [hash, loop] : replaced) {
      finished.push_back(std::move(js.loops[hash]));
      js.loops[hash] = std::move(loop);
      js.loops[hash]->Start();
    }
    for (auto& [hash, loop] : added) {
      loop->Start();
      js.loops[hash] = std::move(loop);
    }
    js.dropped = std::move(built.dropped);
  }
  // `finished` loops are joined already; destroyed here, outside `mu`.
}

void ScrapeManager::Impl::RetireJob(const std::string& name) {
  auto it = jobs.find(name);
  if (it == jobs.end()) return;
  // As Prometheus cancels a removed job's pool: no end-of-run markers.
  for (auto& [hash, loop] : it->second.loops) loop->RequestStop(false);
  std::lock_guard<std::mutex> lock(mu);
  for (auto& [hash, loop] : it->second.loops) {
    retiring.push_back({name, hash, it->second.config, std::move(loop)});
  }
  jobs.erase(it);
}

void ScrapeManager::Impl::Reap() {
  std::vector<std::unique_ptr<ScrapeLoop>> done;
  {
    std::lock_guard<std::mutex> lock(mu);
    for (auto it = retiring.begin(); it != retiring.end();) {
      if (it->loop->Done()) {
        done.push_back(std::move(it->loop));
        it = retiring.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& loop : done) loop->Join();
}

void ScrapeManager::Impl::WatchFiles() {
  std::unique_lock<std::mutex> lock(watch_mu);
  const auto poll =
      std::chrono::milliseconds(std::max<int64_t>(options.file_sd_poll_ms, 1));
  while (!watch_stop) {
    if (watch_cv.wait_for(lock, poll, [this] { return watch_stop; })) break;
    lock.unlock();
    {
      std::lock_guard<std::mutex> sync(sync_mu);
      if (!stopped) {
        for (auto& [name, js] : jobs) {
          if (js.config->file_sd_configs.empty()) continue;
          if (RefreshFiles(js, /*force=*/false)) SyncTargets(js, false, false);
        }
        Reap();
      }
    }
    lock.lock();
  }
}

void ScrapeManager::Impl::Stop() {
  {
    std::lock_guard<std::mutex> lock(watch_mu);
    watch_stop = true;
    watch_cv.notify_all();
  }
  if (watcher.joinable()) watcher.join();
  std::lock_guard<std::mutex> sync(sync_mu);
  std::map<std::string, JobState> old_jobs;
  std::vector<Retiring> old_retiring;
  {
    std::lock_guard<std::mutex> lock(mu);
    if (stopped) return;
    stopped = true;
    old_jobs.swap(jobs);
    old_retiring.swap(retiring);
  }
  // Interrupt everything first, so that the loops wind down together.
  for (auto& [name, js] : old_jobs) {
    for (auto& [hash, loop] : js.loops) loop->Abort();
  }
  for (Retiring& r : old_retiring) r.loop->Abort();
  for (auto& [name, js] : old_jobs) {
    for (auto& [hash, loop] : js.loops) loop->Join();
  }
  for (Retiring& r : old_retiring) r.loop->Join();
}

ScrapeManager::ScrapeManager(Db* db, ScrapeManagerOptions options)
    : impl_(std::make_unique<Impl>(db, std::move(options))) {}

ScrapeManager::~ScrapeManager() { Stop(); }

void ScrapeManager::Stop() { impl_->Stop(); }

absl::Status ScrapeManager::ApplyConfig(std::vector<ScrapeConfig> jobs) {
  Impl& m = *impl_;
  std::lock_guard<std::mutex> sync(m.sync_mu);
  if (m.stopped) {
    return absl::FailedPreconditionError(
        "scrape manager is stopped: configuration not applied");
  }
  std::vector<std::string> removed;
  for (const auto& entry : m.jobs) {
    const std::string& name = entry.first;
    const bool kept = std::any_of(
        jobs.begin(), jobs.end(),
        [&name](const ScrapeConfig& j) { return j.job_name == name; });
    if (!kept) removed.push_back(name);
  }
  for (const std::string& name : removed) m.RetireJob(name);
  for (ScrapeConfig& job : jobs) {
    auto config = std::make_shared<const ScrapeConfig>(std::move(job));
    auto it = m.jobs.find(config->job_name);
    if (it == m.jobs.end()) {
      std::lock_guard<std::mutex> lock(m.mu);
      it = m.jobs.emplace(config->job_name, Impl::JobState{}).first;
    }
    Impl::JobState& js = it->second;
    bool restart = false;
    bool reuse = true;
    if (js.config != nullptr) {
      restart = !SameLoopSettings(*js.config, *config);
      reuse = SameScraperSettings(*js.config, *config);
    }
    {
      std::lock_guard<std::mutex> lock(m.mu);
      js.config = std::move(config);
    }
    m.RefreshFiles(js, /*force=*/true);
    m.SyncTargets(js, restart, reuse);
  }
  m.Reap();
  return absl::OkStatus();
}

std::vector<ActiveTargetStatus> ScrapeManager::ActiveTargets() const {
  std::vector<ActiveTargetStatus> out;
  std::lock_guard<std::mutex> lock(impl_->mu);
  for (const auto& [name, js] : impl_->jobs) {
    const size_t first = out.size();
    for (const auto& [hash, loop] : js.loops) out.push_back(loop->Status());
    std::sort(out.begin() + first, out.end(),
              [](const ActiveTargetStatus& a, const ActiveTargetStatus& b) {
                return a.labels < b.labels;
              });
  }
  return out;
}

std::vector<DroppedTargetStatus> ScrapeManager::DroppedTargets() const {
  std::vector<DroppedTargetStatus> out;
  std::lock_guard<std::mutex> lock(impl_->mu);
  for (const auto& [name, js] : impl_->jobs) {
    for (const Labels& labels : js.dropped) out.push_back({name, labels});
  }
  return out;
}

std::vector<MetricMetadata> ScrapeManager::Metadata() const {
  std::vector<MetricMetadata> out;
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    for (const auto& [name, js] : impl_->jobs) {
      for (const auto& [hash, loop] : js.loops) loop->AppendMetadata(&out);
    }
  }
  std::sort(out.begin(), out.end(), MetadataLess);
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace tsdb
