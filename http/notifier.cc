#include "http/notifier.h"

#include <httplib.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "ingest/relabel.h"
#include "tsdb/absl_compat.h"
#include "tsdb/quote.h"

namespace http {
namespace {

using query::rules::AlertToSend;
using tsdb::AbslView;
using Clock = std::chrono::steady_clock;

// client_golang's default histogram buckets.
const std::vector<double> kLatencyBuckets = {.005, .01, .025, .05, .1, .25,
                                             .5,   1,   2.5,  5,   10};

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::UnavailableError(
        absl::StrCat("open ", path, ": ", std::strerror(errno)));
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Fails as prometheus/common does when a TLS file cannot be read.
absl::Status CheckTlsFiles(const tsdb::TlsConfig& tls) {
  if (!tls.ca_file.empty()) {
    absl::StatusOr<std::string> ca = ReadFile(tls.ca_file);
    if (!ca.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("unable to load specified CA cert ", tls.ca_file, ": ",
                       ca.status().message()));
    }
  }
  for (const std::string* file : {&tls.cert_file, &tls.key_file}) {
    if (file->empty()) continue;
    absl::StatusOr<std::string> content = ReadFile(*file);
    if (!content.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "unable to read specified client cert (", tls.cert_file, ") & key (",
          tls.key_file, "): ", content.status().message()));
    }
  }
  return absl::OkStatus();
}

std::string TransportErrorText(httplib::Error error) {
  switch (error) {
    case httplib::Error::Connection:
      return "connection refused";
    case httplib::Error::SSLConnection:
      return "TLS handshake failed";
    case httplib::Error::SSLServerVerification:
      return "x509: certificate verification failed";
    case httplib::Error::SSLLoadingCerts:
      return "loading the TLS certificates failed";
    default:
      return httplib::to_string(error);
  }
}

}  // namespace

// One Alertmanager and its HTTP client. The client is used by one thread at
// a time (mu).
struct Notifier::Target {
  std::string url;
  std::string scheme;
  std::string address;
  std::string path;
  const AlertmanagerConfig* config = nullptr;  // owned by Config
  Counter* sent = nullptr;
  Counter* errors = nullptr;
  Histogram* latency = nullptr;
  std::mutex mu;
  std::unique_ptr<httplib::Client> client;  // null: scheme not supported
};

// What ApplyConfig installs; immutable once installed.
struct Notifier::Config {
  std::vector<AlertmanagerConfig> alertmanagers;
  std::vector<tsdb::RelabelRule> alert_relabel_configs;
  tsdb::Labels external_labels;
  std::vector<std::unique_ptr<Target>> targets;
  std::vector<std::string> dropped_urls;
};

struct Notifier::Metrics {
  std::unique_ptr<Registry> own_registry;  // when none is given
  CounterFamily* sent;
  CounterFamily* errors;
  HistogramFamily* latency;
  Counter* dropped;
  Gauge* queue_length;
  Gauge* discovered;

  explicit Metrics(Registry* registry, size_t capacity) {
    if (registry == nullptr) {
      own_registry = std::make_unique<Registry>();
      registry = own_registry.get();
    }
    sent =
        registry->AddCounter("tsdbd_notifications_sent_total",
                             "Total number of alerts sent.", {"alertmanager"});
    errors = registry->AddCounter(
        "tsdbd_notifications_errors_total",
        "Total number of errors sending alert notifications.",
        {"alertmanager"});
    latency = registry->AddHistogram("tsdbd_notifications_latency_seconds",
                                     "Latency of sending alert notifications.",
                                     {"alertmanager"}, kLatencyBuckets);
    dropped = registry
                  ->AddCounter("tsdbd_notifications_dropped_total",
                               "Total number of alerts dropped due to errors "
                               "when sending to Alertmanager.")
                  ->WithLabels({});
    queue_length = registry
                       ->AddGauge("tsdbd_notifications_queue_length",
                                  "The number of alert notifications in the "
                                  "queue.")
                       ->WithLabels({});
    registry
        ->AddGauge("tsdbd_notifications_queue_capacity",
                   "The capacity of the alert notifications queue.")
        ->WithLabels({})
        ->Set(static_cast<double>(capacity));
    discovered = registry
                     ->AddGauge("tsdbd_notifications_alertmanagers_discovered",
                                "The number of alertmanagers discovered and "
                                "active.")
                     ->WithLabels({});
  }
};

Notifier::Notifier(NotifierOptions options)
    : options_(std::move(options)),
      metrics_(std::make_unique<Metrics>(options_.registry,
                                         options_.queue_capacity)),
      config_(std::make_shared<Config>()) {
  sender_ = std::thread([this] { Run(); });
}

Notifier::~Notifier() { Stop(); }

void Notifier::Log(const std::string& line) const {
  if (options_.log) options_.log(line);
}

std::shared_ptr<const Notifier::Config> Notifier::CurrentConfig() const {
  tsdb::ReaderMutexLock lock(&config_mu_);
  return config_;
}

absl::Status Notifier::ApplyConfig(const AlertingConfig& config,
                                   const tsdb::Labels& external_labels) {
  for (const AlertmanagerConfig& am : config.alertmanagers) {
    absl::Status tls = CheckTlsFiles(am.http_client.tls_config);
    if (!tls.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(am.source, ": ", tls.message()));
    }
  }
  auto next = std::make_shared<Config>();
  next->alertmanagers = config.alertmanagers;
  next->alert_relabel_configs = config.alert_relabel_configs;
  next->external_labels = external_labels;
  for (const AlertmanagerConfig& am : next->alertmanagers) {
    ResolvedAlertmanagers resolved = ResolveAlertmanagers(am);
    for (const std::string& error : resolved.errors) Log(error);
    for (const AlertmanagerTarget& dropped : resolved.dropped) {
      next->dropped_urls.push_back(dropped.url);
    }
    for (const AlertmanagerTarget& active : resolved.active) {
      auto target = std::make_unique<Target>();
      target->url = active.url;
      target->scheme = std::string(active.labels.Get("__scheme__"));
      target->address = std::string(active.labels.Get("__address__"));
      target->path = std::string(active.labels.Get("__alerts_path__"));
      if (target->path.empty() || target->path.front() != '/') {
        target->path.insert(0, "/");
      }
      target->config = &am;
      target->sent = metrics_->sent->WithLabels({target->url});
      target->errors = metrics_->errors->WithLabels({target->url});
      target->latency = metrics_->latency->WithLabels({target->url});
      if (target->scheme == "http" || target->scheme == "https") {
        const tsdb::TlsConfig& tls = am.http_client.tls_config;
        target->client = std::make_unique<httplib::Client>(
            absl::StrCat(target->scheme, "://", target->address), tls.cert_file,
            tls.key_file);
        httplib::Client& c = *target->client;
        const int64_t t = std::max<int64_t>(am.timeout_ms, 1);
        c.set_connection_timeout(t / 1000, (t % 1000) * 1000);
        c.set_read_timeout(t / 1000, (t % 1000) * 1000);
        c.set_write_timeout(t / 1000, (t % 1000) * 1000);
        c.set_keep_alive(true);
        c.set_follow_location(am.http_client.follow_redirects);
        if (target->scheme == "https") {
          if (!tls.ca_file.empty()) c.set_ca_cert_path(tls.ca_file);
          c.enable_server_certificate_verification(!tls.insecure_skip_verify);
        }
      }
      next->targets.push_back(std::move(target));
    }
  }
  metrics_->discovered->Set(static_cast<double>(next->targets.size()));
  tsdb::MutexLock lock(&config_mu_);
  config_ = std::move(next);
  return absl::OkStatus();
}

void Notifier::Send(std::vector<AlertToSend> alerts) {
  const std::shared_ptr<const Config> config = CurrentConfig();
  std::vector<AlertToSend> kept;
  kept.reserve(alerts.size());
  tsdb::RelabelScratch scratch;
  tsdb::LabelsBuilder builder;
  for (AlertToSend& alert : alerts) {
    builder.Reset(alert.labels);
    for (const tsdb::Label& label : config->external_labels) {
      if (alert.labels.Get(label.name).empty()) {
        builder.Set(label.name, label.value);
      }
    }
    tsdb::Labels labels = builder.Build();
    if (!tsdb::Relabel(config->alert_relabel_configs, labels, &scratch,
                       &labels) ||
        labels.empty()) {
      continue;
    }
    alert.labels = std::move(labels);
    kept.push_back(std::move(alert));
  }
  if (kept.empty()) return;

  std::vector<std::string> lines;
  {
    std::lock_guard<std::mutex> lock(queue_mu_);
    if (stopping_) {
      metrics_->dropped->Inc(static_cast<double>(kept.size()));
      lines.push_back(absl::StrCat(
          "Notifier stopped, dropping alerts num_dropped=", kept.size()));
    } else {
      const size_t capacity = options_.queue_capacity;
      auto first = kept.begin();
      if (kept.size() > capacity) {
        const size_t d = kept.size() - capacity;
        first += static_cast<std::ptrdiff_t>(d);
        metrics_->dropped->Inc(static_cast<double>(d));
        lines.push_back(absl::StrCat(
            "Alert batch larger than queue capacity, dropping alerts "
            "num_dropped=",
            d));
      }
      const size_t incoming = static_cast<size_t>(kept.end() - first);
      if (queue_.size() + incoming > capacity) {
        const size_t d = queue_.size() + incoming - capacity;
        queue_.erase(queue_.begin(),
                     queue_.begin() + static_cast<std::ptrdiff_t>(d));
        metrics_->dropped->Inc(static_cast<double>(d));
        lines.push_back(absl::StrCat(
            "Alert notification queue full, dropping alerts num_dropped=", d));
      }
      queue_.insert(queue_.end(), std::make_move_iterator(first),
                    std::make_move_iterator(kept.end()));
      metrics_->queue_length->Set(static_cast<double>(queue_.size()));
      queue_cv_.notify_one();
    }
  }
  for (const std::string& line : lines) Log(line);
}

void Notifier::Run() {
  Clock::time_point drain_deadline;
  for (;;) {
    Alerts batch;
    {
      std::unique_lock<std::mutex> lock(queue_mu_);
      queue_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, nothing left
      if (stopping_) {
        if (drain_deadline == Clock::time_point()) {
          drain_deadline =
              Clock::now() + absl::ToChronoNanoseconds(options_.drain_timeout);
        }
        if (Clock::now() >= drain_deadline) {
          const size_t n = queue_.size();
          queue_.clear();
          metrics_->queue_length->Set(0);
          metrics_->dropped->Inc(static_cast<double>(n));
          lock.unlock();
          Log(absl::StrCat(
              "Draining notifications on shutdown timed out, dropping alerts "
              "num_dropped=",
              n));
          return;
        }
      }
      const size_t n = std::min(queue_.size(), options_.max_batch_size);
      const auto end = queue_.begin() + static_cast<std::ptrdiff_t>(n);
      batch.assign(std::make_move_iterator(queue_.begin()),
                   std::make_move_iterator(end));
      queue_.erase(queue_.begin(), end);
      metrics_->queue_length->Set(static_cast<double>(queue_.size()));
    }
    if (!SendAll(batch)) {
      metrics_->dropped->Inc(static_cast<double>(batch.size()));
    }
  }
}

bool Notifier::SendAll(const Alerts& batch) {
  if (batch.empty()) return true;
  const std::shared_ptr<const Config> config = CurrentConfig();
  const size_t n = config->targets.size();
  if (n == 0) return false;
  std::string v1, v2;
  for (const auto& target : config->targets) {
    if (target->config->api_version == AlertmanagerApiVersion::kV1) {
      if (v1.empty()) v1 = AlertsToJsonV1(batch);
    } else if (v2.empty()) {
      v2 = AlertsToJsonV2(batch);
    }
  }
  std::unique_ptr<bool[]> ok(new bool[n]());
  auto send = [&](size_t i) {
    Target& target = *config->targets[i];
    const bool is_v1 =
        target.config->api_version == AlertmanagerApiVersion::kV1;
    SendOne(target, is_v1 ? v1 : v2, batch.size(), &ok[i]);
  };
  if (n == 1) {
    send(0);
  } else {
    std::vector<std::thread> threads;
    threads.reserve(n);
    for (size_t i = 0; i < n; ++i) threads.emplace_back(send, i);
    for (std::thread& t : threads) t.join();
  }
  return std::any_of(ok.get(), ok.get() + n, [](bool b) { return b; });
}

void Notifier::SendOne(Target& target, const std::string& body, size_t count,
                       bool* ok) {
  std::lock_guard<std::mutex> lock(target.mu);
  const Clock::time_point start = Clock::now();
  std::string error;
  if (target.client == nullptr) {
    error = absl::StrCat("Post ", AbslView(tsdb::QuoteGo(target.url)),
                         ": unsupported protocol scheme ",
                         AbslView(tsdb::QuoteGo(target.scheme)));
  } else {
    absl::StatusOr<std::string> auth =
        tsdb::AuthorizationHeader(target.config->http_client);
    if (!auth.ok()) {
      error = std::string(auth.status().message());
    } else {
      httplib::Headers headers = {{"User-Agent", options_.user_agent}};
      if (!auth->empty()) headers.emplace("Authorization", *auth);
      httplib::Result res =
          target.client->Post(target.path, headers, body, "application/json");
      const bool late = Clock::now() - start >=
                        std::chrono::milliseconds(target.config->timeout_ms);
      if (!res) {
        const httplib::Error e = res.error();
        const bool timed_out = late || e == httplib::Error::ConnectionTimeout;
        error = absl::StrCat(
            "Post ", AbslView(tsdb::QuoteGo(target.url)), ": ",
            timed_out ? "context deadline exceeded" : TransportErrorText(e));
      } else if (res->status / 100 != 2) {
        error =
            absl::StrCat("bad response status ", res->status, " ", res->reason);
      }
    }
  }
  const double seconds =
      std::chrono::duration<double>(Clock::now() - start).count();
  target.latency->Observe(seconds);
  if (error.empty()) {
    target.sent->Inc(static_cast<double>(count));
    *ok = true;
    return;
  }
  target.errors->Inc();
  Log(absl::StrCat("Error sending alert alertmanager=", target.url,
                   " count=", count, " err=", AbslView(tsdb::QuoteGo(error))));
}

void Notifier::Stop() {
  std::lock_guard<std::mutex> stop_lock(stop_mu_);
  {
    std::lock_guard<std::mutex> lock(queue_mu_);
    stopping_ = true;
    queue_cv_.notify_all();
  }
  if (sender_.joinable()) sender_.join();
}

std::vector<std::string> Notifier::ActiveAlertmanagers() const {
  const std::shared_ptr<const Config> config = CurrentConfig();
  std::vector<std::string> urls;
  urls.reserve(config->targets.size());
  for (const auto& target : config->targets) urls.push_back(target->url);
  return urls;
}

std::vector<std::string> Notifier::DroppedAlertmanagers() const {
  return CurrentConfig()->dropped_urls;
}

size_t Notifier::QueueLength() const {
  std::lock_guard<std::mutex> lock(queue_mu_);
  return queue_.size();
}

}  // namespace http
