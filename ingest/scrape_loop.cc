#include "ingest/scrape_loop.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <utility>

#include "absl/strings/str_cat.h"

namespace tsdb {
namespace {

// Prometheus's ScrapeTimestampTolerance.
constexpr int64_t kTimestampToleranceMs = 2;

int64_t WallNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t WallMillis() { return WallNanos() / 1'000'000; }

// Prometheus's Target.offset: when, from now, the first scrape happens.
std::chrono::nanoseconds FirstScrapeDelay(std::chrono::nanoseconds interval,
                                          uint64_t target_hash,
                                          uint64_t jitter_seed) {
  const int64_t iv = interval.count();
  if (iv <= 0) return std::chrono::nanoseconds(0);
  const int64_t now = WallNanos();
  const int64_t base = iv - now % iv;
  const int64_t offset = static_cast<int64_t>((target_hash ^ jitter_seed) %
                                              static_cast<uint64_t>(iv));
  int64_t next = base + offset;
  if (next > iv) next -= iv;
  return std::chrono::nanoseconds(next);
}

ScrapeClientOptions ClientOptions(const ScrapeConfig& job,
                                  const Target& target) {
  ScrapeClientOptions o;
  o.timeout_ms = target.scrape_timeout_ms > 0 ? target.scrape_timeout_ms
                                              : job.scrape_timeout_ms;
  o.body_size_limit_bytes = job.body_size_limit_bytes;
  o.http_client = job.http_client;
  return o;
}

Labels WithoutReservedLabels(const Labels& labels) {
  std::vector<Label> kept;
  for (const Label& l : labels) {
    if (l.name.substr(0, 2) != "__") kept.push_back(l);
  }
  return Labels::FromSortedUnchecked(kept);
}

}  // namespace

std::string GlobalScrapeUrl(const Target& target) {
  std::string host = target.address;
  std::string port;
  if (!host.empty() && host.front() == '[') {
    const size_t close = host.find(']');
    if (close != std::string::npos) {
      port = host.substr(close + 1);
      host = host.substr(1, close - 1);
    }
  } else if (const size_t colon = host.rfind(':'); colon != std::string::npos) {
    port = host.substr(colon);
    host = host.substr(0, colon);
  }
  if (host != "localhost" && host != "127.0.0.1" && host != "::1") {
    return target.Url();
  }
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0 || name[0] == '\0') {
    return target.Url();
  }
  return absl::StrCat(target.scheme, "://", name, port, target.path_and_query);
}

ScrapeLoop::ScrapeLoop(const ScrapeConfig& job, Target target,
                       ScrapeLoopEnv env,
                       std::unique_ptr<TargetScraper> scraper)
    : job_name_(job.job_name),
      target_(std::move(target)),
      env_(std::move(env)),
      interval_(std::chrono::milliseconds(target_.scrape_interval_ms > 0
                                              ? target_.scrape_interval_ms
                                              : job.scrape_interval_ms)),
      timeout_ms_(ClientOptions(job, target_).timeout_ms),
      client_(target_.scheme, target_.address, target_.path_and_query,
              ClientOptions(job, target_)),
      scraper_(std::move(scraper)) {
  if (scraper_ == nullptr) {
    scraper_ = std::make_unique<TargetScraper>(
        target_.labels, ScrapeTargetOptions::FromConfig(job));
  }
  std::lock_guard<std::mutex> lock(mu_);
  metadata_ = scraper_->metadata();
  metadata_version_ = scraper_->metadata_version();
}

ScrapeLoop::~ScrapeLoop() {
  Abort();
  Join();
}

void ScrapeLoop::Start() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    started_ = true;
  }
  thread_ = std::thread([this] { Run(); });
}

void ScrapeLoop::RequestStop(bool end_of_run_staleness) {
  std::lock_guard<std::mutex> lock(mu_);
  if (stop_requested_) return;
  stop_requested_ = true;
  end_of_run_ = end_of_run_staleness;
  if (!started_) phase_ = Phase::kDone;
  cv_.notify_all();
}

void ScrapeLoop::WaitScrapingStopped() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return phase_ != Phase::kScraping; });
}

bool ScrapeLoop::CancelStaleness() {
  std::lock_guard<std::mutex> lock(mu_);
  if (phase_ == Phase::kWritingStale) return false;
  if (phase_ == Phase::kDone && end_of_run_ && !cancelled_ && !aborted_) {
    // Finished: the markers were written (or there was nothing to mark).
    return false;
  }
  cancelled_ = true;
  cv_.notify_all();
  return true;
}

void ScrapeLoop::Abort() {
  std::lock_guard<std::mutex> lock(mu_);
  aborted_ = true;
  stop_requested_ = true;
  if (!started_) phase_ = Phase::kDone;
  cv_.notify_all();
}

bool ScrapeLoop::Done() const {
  std::lock_guard<std::mutex> lock(mu_);
  return phase_ == Phase::kDone;
}

void ScrapeLoop::Join() {
  if (thread_.joinable()) thread_.join();
}

std::unique_ptr<TargetScraper> ScrapeLoop::ReleaseScraper() {
  std::lock_guard<std::mutex> lock(mu_);
  return std::move(scraper_);
}

ActiveTargetStatus ScrapeLoop::Status() const {
  ActiveTargetStatus s;
  s.scrape_pool = job_name_;
  s.discovered_labels = target_.discovered_labels;
  s.labels = WithoutReservedLabels(target_.labels);
  s.scrape_url = target_.Url();
  s.global_url = GlobalScrapeUrl(target_);
  s.scrape_interval_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(interval_).count();
  s.scrape_timeout_ms = timeout_ms_;
  std::lock_guard<std::mutex> lock(mu_);
  s.health = health_;
  s.last_error = last_error_;
  s.last_scrape_ms = last_scrape_ms_;
  s.last_scrape_duration_s = last_duration_s_;
  return s;
}

void ScrapeLoop::AppendMetadata(std::vector<MetricMetadata>* out) const {
  std::lock_guard<std::mutex> lock(mu_);
  out->insert(out->end(), metadata_.begin(), metadata_.end());
}

void ScrapeLoop::Log(const std::string& message) const {
  if (env_.log) env_.log(message);
}

bool ScrapeLoop::WaitUntil(Clock::time_point deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  if (phase_ == Phase::kScraping) {
    return !cv_.wait_until(lock, deadline, [this] { return stop_requested_; });
  }
  return !cv_.wait_until(lock, deadline,
                         [this] { return aborted_ || cancelled_; });
}

int64_t ScrapeLoop::ScrapeTimestamp(int64_t last_ms) const {
  const int64_t now = WallMillis();
  const int64_t interval_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(interval_).count();
  if (last_ms == 0 || interval_ms <= 100 * kTimestampToleranceMs) return now;
  const int64_t expected = last_ms + interval_ms;
  return std::abs(now - expected) <= kTimestampToleranceMs ? expected : now;
}

void ScrapeLoop::ScrapeOnce(int64_t* last_ms) {
  const Clock::time_point started = Clock::now();
  const int64_t t = ScrapeTimestamp(*last_ms);
  *last_ms = t;
  absl::StatusOr<ScrapeResponse> fetched = client_.Fetch();
  absl::StatusOr<ScrapeReport> report =
      scraper_->Store(fetched, t, started, env_.db);
  const double duration =
      std::chrono::duration<double>(Clock::now() - started).count();
  if (!report.ok()) {
    Log(absl::StrCat(
        "scrape of ", client_.url(), " (job \"", job_name_,
        "\"): storing the samples failed: ", report.status().ToString()));
  }
  const absl::Status& error = report.ok() ? report->error : report.status();
  const bool metadata_changed =
      scraper_->metadata_version() != metadata_version_;
  metadata_version_ = scraper_->metadata_version();
  std::lock_guard<std::mutex> lock(mu_);
  health_ = error.ok() ? TargetHealth::kUp : TargetHealth::kDown;
  last_error_ = std::string(error.message());
  last_scrape_ms_ = t;
  last_duration_s_ = duration;
  if (metadata_changed) metadata_ = scraper_->metadata();
}

void ScrapeLoop::Run() {
  Clock::time_point next =
      Clock::now() +
      (env_.scrape_immediately
           ? std::chrono::nanoseconds(0)
           : FirstScrapeDelay(interval_, target_.Hash(), env_.jitter_seed));
  int64_t last_ms = 0;
  if (WaitUntil(next)) {
    for (;;) {
      ScrapeOnce(&last_ms);
      const Clock::time_point now = Clock::now();
      next += interval_;
      if (next <= now) {
        // Skip the ticks a long scrape missed.
        next += ((now - next) / interval_ + 1) * interval_;
      }
      if (!WaitUntil(next)) break;
    }
  }
  EndOfRun(next, last_ms);
}

void ScrapeLoop::EndOfRun(Clock::time_point next_tick, int64_t last_ms) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    const bool write = end_of_run_ && !aborted_ && !cancelled_ && last_ms != 0;
    phase_ = write ? Phase::kStaleWait : Phase::kDone;
    cv_.notify_all();
    if (!write) return;
  }
  // The staleness time: when the next scrape would have happened (the wall
  // clock at that tick).
  if (!WaitUntil(next_tick)) return Finish();
  const int64_t stale_ms = WallMillis();
  if (!WaitUntil(next_tick + interval_ + interval_ / 10)) return Finish();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (aborted_ || cancelled_) {
      phase_ = Phase::kDone;
      cv_.notify_all();
      return;
    }
    phase_ = Phase::kWritingStale;
  }
  if (absl::Status s = scraper_->AppendStaleMarkersForAll(stale_ms, env_.db);
      !s.ok()) {
    Log(absl::StrCat("staleness markers for ", client_.url(), " (job \"",
                     job_name_, "\"): ", s.ToString()));
  }
  Finish();
}

void ScrapeLoop::Finish() {
  std::lock_guard<std::mutex> lock(mu_);
  phase_ = Phase::kDone;
  cv_.notify_all();
}

}  // namespace tsdb
