// Sends alerts to Alertmanagers, as Prometheus 2.42's notifier does
// (notifier/notifier.go).
//
//   NotifierOptions options;
//   options.registry = &registry;
//   options.log = [](const std::string& line) { ... };
//   Notifier notifier(std::move(options));          // starts its thread
//   RETURN_IF_ERROR(notifier.ApplyConfig(alerting, external_labels));
//   notifier.Send(alerts);                          // never blocks
//   ...
//   notifier.Stop();                                // drains, then joins
//
// Send adds the external labels an alert does not already have, applies
// alert_relabel_configs (an alert they drop, or leave without labels, is
// not sent) and appends the alerts to a bounded queue. When the queue would
// overflow, the oldest alerts are dropped, counted in
// tsdbd_notifications_dropped_total and logged ("Alert notification queue
// full, dropping alerts num_dropped=N"; "Alert batch larger than queue
// capacity, dropping alerts" when one call alone overflows it).
//
// One sender thread takes up to max_batch_size alerts at a time and POSTs
// them, as JSON, to every active Alertmanager concurrently (each with its
// set's timeout). A batch is delivered when at least one Alertmanager
// answered 2xx; otherwise its alerts are counted as dropped. Nothing is
// retried: rule evaluation resends firing alerts (the resend delay).
//
// Metrics, registered in options.registry when given:
//   tsdbd_notifications_sent_total{alertmanager}   alerts accepted (2xx)
//   tsdbd_notifications_errors_total{alertmanager} failed requests
//   tsdbd_notifications_latency_seconds{alertmanager} histogram of requests
//   tsdbd_notifications_dropped_total
//   tsdbd_notifications_queue_length, tsdbd_notifications_queue_capacity
//   tsdbd_notifications_alertmanagers_discovered
// Differences from Prometheus 2.42: its sent_total also counts alerts of
// failed requests, and its latency is a summary.
//
// Thread safety: every method is thread-safe.
#ifndef HTTP_NOTIFIER_H_
#define HTTP_NOTIFIER_H_

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "http/alerting_config.h"
#include "http/self_metrics.h"
#include "query/rules/alert.h"
#include "tsdb/labels.h"
#include "tsdb/mutex.h"

namespace http {

struct NotifierOptions {
  // Alerts waiting to be sent (--alertmanager.notification-queue-capacity).
  // > 0.
  size_t queue_capacity = 10'000;
  // Alerts per request (Prometheus 2.42's maxBatchSize). > 0.
  size_t max_batch_size = 64;
  // Sent as User-Agent.
  std::string user_agent = "tsdbd/0.1.0";
  // How long Stop may spend sending what is still queued.
  absl::Duration drain_timeout = absl::Seconds(10);
  // Receives warnings and errors, one line each, Prometheus's message first
  // and then key=value fields: `Error sending alert
  // alertmanager=http://h:9093/api/v2/alerts count=3 err="bad response
  // status 500 Internal Server Error"`. Called from any thread; may be
  // empty.
  std::function<void(const std::string&)> log;
  // Where the metrics go; may be null. REQUIRES: outlives the notifier.
  Registry* registry = nullptr;
};

class Notifier {
 public:
  explicit Notifier(NotifierOptions options);
  // Stops (see Stop) if not stopped yet.
  ~Notifier();
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  // Replaces the Alertmanagers, alert_relabel_configs and external labels.
  // Sends in flight finish with the previous configuration. Fails, changing
  // nothing, when a TLS file of an Alertmanager cannot be read (`unable to
  // load specified CA cert x: ...`).
  absl::Status ApplyConfig(const AlertingConfig& config,
                           const tsdb::Labels& external_labels);

  // Queues alerts (see the top of this file). Never blocks on the network.
  // After Stop, alerts are dropped and counted.
  void Send(std::vector<query::rules::AlertToSend> alerts);

  // Sends what is queued (up to options.drain_timeout, then the rest is
  // dropped and counted), stops the sender thread and joins it. Idempotent.
  void Stop();

  // The URLs of the active Alertmanagers, in configuration order, as
  // /api/v1/alertmanagers lists them ("http://h:9093/api/v2/alerts").
  std::vector<std::string> ActiveAlertmanagers() const;
  // The same for the Alertmanagers relabel_configs dropped.
  std::vector<std::string> DroppedAlertmanagers() const;

  // Alerts waiting in the queue.
  size_t QueueLength() const;

 private:
  struct Target;
  struct Config;
  struct Metrics;
  using Alerts = std::vector<query::rules::AlertToSend>;

  void Run();
  // Sends one batch to every Alertmanager; true if one accepted it.
  bool SendAll(const Alerts& batch);
  void SendOne(Target& target, const std::string& body, size_t count, bool* ok);
  void Log(const std::string& line) const;
  std::shared_ptr<const Config> CurrentConfig() const;

  const NotifierOptions options_;
  std::unique_ptr<Metrics> metrics_;

  mutable tsdb::Mutex config_mu_;
  std::shared_ptr<const Config> config_ ABSL_GUARDED_BY(config_mu_);

  mutable std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<query::rules::AlertToSend> queue_;  // guarded by queue_mu_
  bool stopping_ = false;                        // guarded by queue_mu_

  std::mutex stop_mu_;  // serializes Stop
  std::thread sender_;
};

// The request body for Alertmanager's POST /api/v2/alerts, byte for byte as
// Prometheus 2.42 writes it: per alert "annotations" (left out when empty),
// "endsAt", "startsAt" (RFC 3339 with milliseconds, UTC:
// "2026-11-25T04:00:00.000Z"; a 0 time as Go's zero time
// "0001-01-01T00:00:00.000Z"), "generatorURL" (left out when empty) and
// "labels", label sets as objects in name order.
std::string AlertsToJsonV2(
    const std::vector<query::rules::AlertToSend>& alerts);

// The body for POST /api/v1/alerts: "labels", "annotations" (always),
// "startsAt", "endsAt" (RFC 3339 with the fraction's trailing zeros removed:
// "2026-11-25T04:00:00.5Z"), "generatorURL" (left out when empty).
std::string AlertsToJsonV1(
    const std::vector<query::rules::AlertToSend>& alerts);

// ms since the epoch as strfmt.DateTime writes it (v2); 0 is Go's zero time.
std::string FormatAlertTimeV2(int64_t ms);
// ms since the epoch as Go's time.Time MarshalJSON writes it (v1).
std::string FormatAlertTimeV1(int64_t ms);

}  // namespace http

#endif  // HTTP_NOTIFIER_H_
