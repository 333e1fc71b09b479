#include "seed_rules_dataset.h"

#include <array>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"

namespace tsdb::bench {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

constexpr double kRound = kSeedIntervalMs / 1000.0;  // seconds per round
constexpr double kGiB = 1024.0 * 1024 * 1024;

constexpr std::array<std::string_view, 10> kServices = {
    "payment", "order",  "user",   "product", "cart",
    "search",  "coupon", "review", "gateway", "inventory"};
constexpr std::array<std::string_view, 3> kDatabases = {
    "mall_order", "mall_user", "mall_product"};
constexpr std::array<std::string_view, 12> kLe = {
    "0.005", "0.01", "0.025", "0.05", "0.1", "0.25",
    "0.5",   "1",    "2.5",   "5",    "10",  "+Inf"};
// Fractions of requests at or below each kLe: p95 about 0.4 s when fast,
// about 7 s when slow.
constexpr std::array<double, 12> kFastCdf = {
    0.05, 0.15, 0.35, 0.6, 0.8, 0.92, 0.97, 0.99, 0.995, 0.998, 1, 1};
constexpr std::array<double, 12> kSlowCdf = {0.01, 0.02, 0.05, 0.1, 0.2,  0.35,
                                             0.5,  0.65, 0.8,  0.9, 0.97, 1};

// Adds a series; `per_second` is its rate (0 for a gauge).
void Add(std::vector<SeedSeries>& out, Pairs labels, double start,
         double per_second) {
  absl::StatusOr<Labels> set = Labels::FromPairs(std::move(labels));
  if (!set.ok()) std::abort();  // the labels below are all valid
  out.push_back({*std::move(set), start, per_second * kRound});
}

// Adds `name`_bucket, _sum and _count for `per_second` observations, slow
// or fast (see the CDFs), each series with `base` labels.
void AddHistogram(std::vector<SeedSeries>& out, const std::string& name,
                  const Pairs& base, double per_second, bool slow) {
  const std::array<double, 12>& cdf = slow ? kSlowCdf : kFastCdf;
  for (size_t b = 0; b < kLe.size(); ++b) {
    Pairs labels = base;
    labels.emplace_back("__name__", name + "_bucket");
    labels.emplace_back("le", std::string(kLe[b]));
    Add(out, std::move(labels), 0, per_second * cdf[b]);
  }
  Pairs sum = base, count = base;
  sum.emplace_back("__name__", name + "_sum");
  count.emplace_back("__name__", name + "_count");
  Add(out, std::move(sum), 0, per_second * (slow ? 2.5 : 0.08));
  Add(out, std::move(count), 0, per_second);
}

Pairs With(Pairs base, std::string name,
           std::initializer_list<std::pair<std::string, std::string>> more) {
  base.emplace_back("__name__", std::move(name));
  for (const auto& kv : more) base.push_back(kv);
  return base;
}

std::string Host(int i) {
  return absl::StrCat("10.", i / 250, ".", i % 250, ".1");
}

void AddNodeExporter(std::vector<SeedSeries>& out, int i) {
  const bool bad = i % 10 == 0;
  const Pairs base = {{"job", "node-exporter"},
                      {"instance", Host(i) + ":9100"}};
  Add(out, With(base, "up", {}), 1, 0);
  const double busy = bad ? 0.95 : 0.2;  // of each CPU
  const std::array<std::pair<std::string_view, double>, 8> modes = {{
      {"idle", 1 - busy},
      {"user", busy * 0.7},
      {"system", busy * 0.2},
      {"iowait", busy * 0.05},
      {"irq", busy * 0.01},
      {"softirq", busy * 0.03},
      {"steal", busy * 0.01},
      {"nice", 0},
  }};
  for (int cpu = 0; cpu < 2; ++cpu) {
    for (const auto& [mode, share] : modes) {
      Add(out,
          With(base, "node_cpu_seconds_total",
               {{"cpu", absl::StrCat(cpu)}, {"mode", std::string(mode)}}),
          1e6 * share, share);
    }
  }
  const double total = 16 * kGiB, available = (bad ? 1 : 8) * kGiB;
  Add(out, With(base, "node_memory_MemTotal_bytes", {}), total, 0);
  Add(out, With(base, "node_memory_MemAvailable_bytes", {}), available, 0);
  Add(out, With(base, "node_memory_MemFree_bytes", {}), available / 2, 0);
  Add(out, With(base, "node_memory_Cached_bytes", {}), available / 3, 0);
  Add(out, With(base, "node_memory_Buffers_bytes", {}), 0.2 * kGiB, 0);
  const std::array<std::pair<std::string_view, double>, 3> mounts = {
      {{"/", 50 * kGiB}, {"/boot", 1 * kGiB}, {"/data", 500 * kGiB}}};
  for (const auto& [mount, size] : mounts) {
    const double free_share = bad && mount == "/data" ? 0.03 : 0.6;
    const Pairs fs = {{"device", mount == "/data" ? "/dev/sdb1" : "/dev/sda1"},
                      {"fstype", "ext4"},
                      {"mountpoint", std::string(mount)}};
    Pairs labels = base;
    labels.insert(labels.end(), fs.begin(), fs.end());
    Add(out, With(labels, "node_filesystem_size_bytes", {}), size, 0);
    Add(out, With(labels, "node_filesystem_avail_bytes", {}), size * free_share,
        0);
    Add(out, With(labels, "node_filesystem_free_bytes", {}),
        size * (free_share + 0.05), 0);
  }
}

void AddHttp(std::vector<SeedSeries>& out, const Pairs& base, int service) {
  const bool failing = service == 0;
  const std::array<std::pair<std::string_view, double>, 6> codes = {
      {{"200", 20},
       {"201", 2},
       {"400", 0.2},
       {"404", 0.1},
       {"500", failing ? 3 : 0.02},
       {"503", failing ? 2 : 0.01}}};
  Pairs labels = base;
  labels.emplace_back("service", std::string(kServices[service]));
  for (std::string_view method : {"GET", "POST"}) {
    for (const auto& [code, rate] : codes) {
      Add(out,
          With(labels, "mall_go_http_requests_total",
               {{"method", std::string(method)},
                {"status_code", std::string(code)}}),
          0, method == "GET" ? rate : rate / 4);
    }
  }
  AddHistogram(out, "mall_go_http_request_duration_seconds", labels, 28,
               failing);
}

void AddDatabase(std::vector<SeedSeries>& out, const Pairs& base, int i) {
  const int db = i % 3;
  Pairs labels = base;
  labels.emplace_back("database", std::string(kDatabases[db]));
  Add(out, With(labels, "mall_go_database_connections", {{"state", "active"}}),
      i % 10 == 1 ? 95 : 20, 0);
  Add(out, With(labels, "mall_go_database_connections", {{"state", "idle"}}),
      10, 0);
  AddHistogram(out, "mall_go_database_query_duration_seconds", labels, 10,
               db == 0);
  Add(out, With(labels, "mall_go_database_errors_total", {}), 0,
      db == 0 ? 1 : 0.01);
  Add(out, With(labels, "mall_go_database_queries_total", {}), 0, 10);
}

void AddMallGo(std::vector<SeedSeries>& out, int i) {
  const Pairs base = {{"job", "mall-go"}, {"instance", Host(i) + ":8080"}};
  if (i % 10 == 0) {
    Add(out, With(base, "up", {}), 0, 0);
    return;
  }
  Add(out, With(base, "up", {}), 1, 0);
  AddHttp(out, base, (i / 10) % 10);
  const bool bad = i % 10 == 1;
  Add(out, With(base, "go_goroutines", {}), bad ? 1500 : 120, 0);
  Add(out, With(base, "go_gc_duration_seconds_sum", {}), 0, bad ? 0.1 : 0.001);
  Add(out, With(base, "go_gc_duration_seconds_count", {}), 0, 0.5);
  AddDatabase(out, base, i);
  const std::string business = "mall_go_business_";
  Add(out,
      With(base, business + "orders_created_total", {{"status", "success"}}), 0,
      1);
  Add(out,
      With(base, business + "orders_created_total", {{"status", "failed"}}), 0,
      0.1);
  Add(out,
      With(base, business + "payment_processed_total", {{"status", "success"}}),
      0, 1);
  Add(out,
      With(base, business + "payment_processed_total", {{"status", "failed"}}),
      0, 0.01);
  Add(out, With(base, business + "user_registrations_total", {}), 0, 0.005);
  Add(out, With(base, business + "product_views_total", {}), 0, 5);
}

void AddKubeStateMetrics(std::vector<SeedSeries>& out, int i) {
  const bool bad = i % 10 == 0;
  const Pairs base = {{"job", "kube-state-metrics"},
                      {"instance", "kube-state-metrics:8080"}};
  Add(out,
      With(base, "kube_pod_container_status_restarts_total",
           {{"namespace", "mall"},
            {"pod", absl::StrCat("mall-go-", i)},
            {"container", "mall-go"}}),
      3, bad ? 1.0 / 300 : 0);  // one restart every 5 minutes
  const std::string node = absl::StrCat("node-", i);
  for (std::string_view condition :
       {"Ready", "MemoryPressure", "DiskPressure"}) {
    // Ready is true but on bad nodes; the pressures are false.
    const std::string_view now =
        condition == "Ready" && !bad ? "true" : "false";
    for (std::string_view status : {"true", "false", "unknown"}) {
      Add(out,
          With(base, "kube_node_status_condition",
               {{"node", node},
                {"condition", std::string(condition)},
                {"status", std::string(status)}}),
          status == now ? 1 : 0, 0);
    }
  }
}

void AddElasticsearch(std::vector<SeedSeries>& out) {
  const Pairs base = {{"job", "elasticsearch"},
                      {"instance", "elasticsearch-exporter:9114"}};
  for (std::string_view cluster : {"logs", "search", "orders"}) {
    const std::string_view color = cluster == "logs" ? "red" : "green";
    for (std::string_view c : {"green", "yellow", "red"}) {
      Add(out,
          With(base, "elasticsearch_cluster_health_status",
               {{"cluster", std::string(cluster)}, {"color", std::string(c)}}),
          c == color ? 1 : 0, 0);
    }
  }
}

}  // namespace

std::vector<SeedSeries> SeedRulesDataset(int instances) {
  std::vector<SeedSeries> out;
  out.reserve(static_cast<size_t>(instances) * 95 + 9);
  for (int i = 0; i < instances; ++i) {
    AddNodeExporter(out, i);
    AddMallGo(out, i);
    AddKubeStateMetrics(out, i);
  }
  AddElasticsearch(out);
  return out;
}

}  // namespace tsdb::bench
