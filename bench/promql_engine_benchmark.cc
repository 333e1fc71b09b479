// PromQL engine benchmarks: range queries over a Db holding service
// metrics as a typical Prometheus server sees them.
//
// The data (built once, in a temp directory under /tmp, removed at exit):
//   http_requests_total{service, instance, status_code, method}
//     10 services x 25 instances x 10 status codes x 4 methods = 10,000
//     counters, increasing by a per-series random step.
//   http_request_duration_seconds_bucket{service, instance, method, le}
//     10 services x 25 instances x 4 methods x 12 buckets = 12,000 series,
//     cumulative bucket counters.
// 22,000 series x 281 samples (70 minutes at a 15 s interval), all in the
// head (background maintenance off), ~6.2M samples.
//
// Each benchmark is one RANGE query over the last hour (241 steps of 15 s).
// Reported: wall time per query; samples_per_second = samples read from
// storage per query (counted once, untimed, through a counting Storage) /
// wall time; series_out = series in the result.
//
//   build/bin/promql_engine_benchmark
//   build/bin/promql_engine_benchmark --keep_heap
//
// Results are tens of MB of points, freed after each query. With glibc's
// default trim threshold the freed heap goes back to the kernel and the
// next query page-faults it in again, which costs more CPU than the
// evaluation. --keep_heap (our flag, removed before Google Benchmark parses
// argv) sets M_TRIM_THRESHOLD to 1 GiB, as a long-running server would (Go
// runtimes such as Prometheus's keep their heap in the same way).
#include <malloc.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "benchmark/benchmark.h"
#include "query/engine.h"
#include "query/storage.h"
#include "scratch_db.h"
#include "tsdb/db.h"

namespace {

constexpr int64_t kInterval = 15'000;
constexpr int kSamples = 281;  // 0 .. 70 min
constexpr int64_t kQueryStart = 10 * 60'000;
constexpr int64_t kQueryEnd = 70 * 60'000;
constexpr int64_t kStep = 15'000;

const char* const kLe[] = {"0.005", "0.01", "0.025", "0.05", "0.1", "0.25",
                           "0.5",   "1",    "2.5",   "5",    "10",  "+Inf"};

const char* const kCodes[] = {"200", "201", "204", "301", "304",
                              "400", "404", "500", "502", "503"};

tsdb::Labels MakeLabels(std::vector<std::pair<std::string, std::string>> l) {
  return *tsdb::Labels::FromPairs(std::move(l));
}

std::vector<tsdb::Labels> AllSeries() {
  std::vector<tsdb::Labels> out;
  const char* methods[] = {"GET", "POST", "PUT", "DELETE"};
  for (int s = 0; s < 10; ++s) {
    for (int i = 0; i < 25; ++i) {
      const std::string service = "svc-" + std::to_string(s);
      const std::string instance =
          "10.0." + std::to_string(s) + "." + std::to_string(i) + ":8080";
      for (const char* m : methods) {
        for (const char* code : kCodes) {
          out.push_back(MakeLabels({{"__name__", "http_requests_total"},
                                    {"service", service},
                                    {"instance", instance},
                                    {"status_code", code},
                                    {"method", m}}));
        }
        for (const char* le : kLe) {
          out.push_back(
              MakeLabels({{"__name__", "http_request_duration_seconds_bucket"},
                          {"service", service},
                          {"instance", instance},
                          {"method", m},
                          {"le", le}}));
        }
      }
    }
  }
  return out;
}

// Counts the samples every selected series yields.
class CountingStorage final : public query::Storage {
 public:
  explicit CountingStorage(const query::Storage& base) : base_(base) {}

  absl::StatusOr<std::unique_ptr<tsdb::SeriesSet>> Select(
      const query::SelectHints& hints,
      std::span<const tsdb::Matcher> matchers) const override {
    auto set = base_.Select(hints, matchers);
    if (!set.ok()) return set;
    // Count by walking a second selection.
    auto again = base_.Select(hints, matchers);
    if (!again.ok()) return again;
    while ((*again)->Next()) {
      auto it = (*again)->Iterator();
      while (it->Next()) ++samples_;
    }
    return set;
  }
  int64_t samples() const { return samples_; }

 private:
  const query::Storage& base_;
  mutable int64_t samples_ = 0;
};

struct Fixture {
  tsdb::bench::ScratchDb scratch{"promql-engine-bench"};
  std::unique_ptr<query::Storage> storage;

  Fixture() {
    storage = query::StorageFromDb(scratch.db());
    Load();
  }

  void Load() {
    const std::vector<tsdb::Labels> series = AllSeries();
    std::vector<double> values(series.size(), 0);
    std::mt19937_64 rng(42);
    tsdb::bench::AppendRounds(*scratch.db(), series, kSamples, 0, kInterval,
                              [&](size_t i, int) {
                                values[i] += static_cast<double>(rng() % 20);
                                return values[i];
                              });
  }
};

std::unique_ptr<Fixture>& FixtureSlot() {
  static auto* slot = new std::unique_ptr<Fixture>();
  return *slot;
}

Fixture& GetFixture() {
  if (FixtureSlot() == nullptr) FixtureSlot() = std::make_unique<Fixture>();
  return *FixtureSlot();
}

void RunRangeQuery(benchmark::State& state, const char* query) {
  Fixture& f = GetFixture();
  const query::Engine engine;
  CountingStorage counting(*f.storage);
  auto warm = engine.RangeQuery(counting, query, kQueryStart, kQueryEnd, kStep);
  if (!warm.ok()) {
    state.SkipWithError(std::string(warm.status().message()).c_str());
    return;
  }
  for (auto _ : state) {
    auto r =
        engine.RangeQuery(*f.storage, query, kQueryStart, kQueryEnd, kStep);
    if (!r.ok()) {
      state.SkipWithError(std::string(r.status().message()).c_str());
      return;
    }
    benchmark::DoNotOptimize(r->matrix.data());
  }
  state.counters["samples_per_second"] =
      benchmark::Counter(static_cast<double>(counting.samples()),
                         benchmark::Counter::kIsIterationInvariantRate);
  state.counters["samples_read"] = static_cast<double>(counting.samples());
  state.counters["series_out"] = static_cast<double>(warm->matrix.size());
}

void BM_Rate(benchmark::State& state) {
  RunRangeQuery(state, "rate(http_requests_total[5m])");
}
void BM_SumByServiceRate(benchmark::State& state) {
  RunRangeQuery(state, "sum by (service) (rate(http_requests_total[5m]))");
}
void BM_HistogramQuantile(benchmark::State& state) {
  RunRangeQuery(state,
                "histogram_quantile(0.95, sum(rate("
                "http_request_duration_seconds_bucket[5m])) by (le, service))");
}
void BM_ErrorRatio(benchmark::State& state) {
  RunRangeQuery(state,
                "(sum(rate(http_requests_total{status_code=~\"5..\"}[5m])) by "
                "(service) / sum(rate(http_requests_total[5m])) by (service)) "
                "* 100 > 5");
}

BENCHMARK(BM_Rate)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(3);
BENCHMARK(BM_SumByServiceRate)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(3);
BENCHMARK(BM_HistogramQuantile)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(3);
BENCHMARK(BM_ErrorRatio)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(3);

}  // namespace

int main(int argc, char** argv) {
  int out = 1;
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--keep_heap") {
      mallopt(M_TRIM_THRESHOLD, 1 << 30);
    } else {
      argv[out++] = argv[i];
    }
  }
  argc = out;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  FixtureSlot().reset();  // closes the Db and removes its directory
  return 0;
}
