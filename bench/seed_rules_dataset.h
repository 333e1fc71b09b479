// The metrics the seed's alert rules (tests/fixtures/seed/alert-rules.yml)
// select, for N instances, shaped so that every rule's selectors match real
// series and about one instance in ten makes its rules fire.
//
// Instance i is a host running node-exporter (job "node-exporter", instance
// "10.<i/250>.<i%250>.1:9100"), kube-state-metrics' view of its node and pod
// (job "kube-state-metrics"), and, unless it is down, one mall-go process
// (job "mall-go", instance "...:8080") of service kServices[(i/10) % 10]
// using database kDatabases[i % 3]. Per instance, 95 series when the
// process is up, 42 when it is down, plus 9 elasticsearch series in all
// (8,979 series for 100 instances):
//   node-exporter  up; node_cpu_seconds_total{cpu 0-1, 8 modes};
//                  node_memory_{MemTotal,MemAvailable,MemFree,Cached,
//                  Buffers}_bytes; node_filesystem_{size,avail,free}_bytes
//                  for /, /boot and /data
//   mall-go        up; mall_go_http_requests_total{method, status_code}
//                  (12); mall_go_http_request_duration_seconds_{bucket (12
//                  le),sum,count}; go_goroutines; go_gc_duration_seconds_
//                  {sum,count}; mall_go_database_connections{state};
//                  mall_go_database_query_duration_seconds_{bucket,sum,
//                  count}; mall_go_database_{errors,queries}_total;
//                  mall_go_business_{orders_created,payment_processed}_total
//                  {status}; ..._user_registrations_total;
//                  ..._product_views_total
//   kube-state     kube_pod_container_status_restarts_total;
//                  kube_node_status_condition{3 conditions x 3 statuses}
// What fires (the rest stays quiet):
//   i % 10 == 0    its process is down (ServiceDown), its host is busy
//                  (HighCPUUsage), short of memory (HighMemoryUsage) and of
//                  space on /data (DiskSpaceLow), its pod restarts
//                  (PodRestartingTooMuch), its node is not ready
//                  (KubernetesNodeNotReady)
//   i % 10 == 1    HighGoroutineCount, HighGCDuration,
//                  HighDatabaseConnections
//   service 0      HighHTTPErrorRate, HighHTTPLatency
//   database 0     SlowDatabaseQueries, HighDatabaseErrorRate
//   everywhere     HighOrderFailureRate, LowUserRegistrations,
//                  ElasticsearchClusterUnhealthy (cluster "logs")
// HighPaymentFailureRate and LowProductViews do not fire (with 30 instances
// or more: the business rules sum over all of them).
//
// Every series is linear in the scrape round k (15 s apart): value = start
// + k * step; a gauge has step 0. bench/rules_compare generates the same
// series in Python: change both together.
#ifndef BENCH_SEED_RULES_DATASET_H_
#define BENCH_SEED_RULES_DATASET_H_

#include <cstdint>
#include <vector>

#include "tsdb/labels.h"

namespace tsdb::bench {

inline constexpr int64_t kSeedIntervalMs = 15'000;

struct SeedSeries {
  Labels labels;
  double start = 0;  // the value at round 0
  double step = 0;   // the increase per round
};

// The series of instances 0..instances-1, plus the elasticsearch ones.
std::vector<SeedSeries> SeedRulesDataset(int instances);

}  // namespace tsdb::bench

#endif  // BENCH_SEED_RULES_DATASET_H_
