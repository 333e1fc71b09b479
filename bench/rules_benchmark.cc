// Rule evaluation benchmarks on the seed's alert rules
// (tests/fixtures/seed/alert-rules.yml: 18 alerting rules in 5 groups).
//
//   build/bin/rules_benchmark [--rules=FILE] [--benchmark_filter=...]
//
// BM_GroupEvalSeed/<group>/<instances>: one Group::Eval of a seed group over
//   a Db holding seed_rules_dataset.h's series for 100 or 1,000 instances
//   (8,979 or 89,709 series), one hour of 15 s samples (241 rounds), all in
//   the head (background maintenance off). Built once per size in a temp
//   directory under /tmp, removed at exit. About one instance in ten makes
//   the rules fire, so each evaluation keeps alert state, expands every
//   active alert's annotations and appends its ALERTS and ALERTS_FOR_STATE
//   samples. Before the clock starts the group is evaluated once a minute
//   over the last 6 minutes of data, so that the alerts of rules with
//   `for` <= 5m fire (and are handed to the notify callback); timed
//   evaluations then run 1 ms apart after the last sample (firing alerts
//   are not due for a resend there, as in 3 evaluations out of 4 with a
//   15 s interval and the default 1 m resend delay).
//   Reported: time per group evaluation; items_per_second = rule
//   evaluations / s; series = series the group's selectors return per
//   evaluation (counted through a wrapping Storage), series_per_second;
//   alerts / firing = the group's active / firing alerts; notified =
//   alerts handed to the notify callback so far (while warming up).
// BM_TemplateExpand/<case>: one Template::Execute of an annotation template
//   (pre-parsed, as an alerting rule holds them) for one alert with 8
//   labels: three of the seed's, one with humanize, one with printf.
// BM_AlertsToJson: the Alertmanager v2 body (http::AlertsToJsonV2) of one
//   notifier batch: 64 alerts of the seed's rules, annotations expanded.
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "benchmark/benchmark.h"
#include "http/notifier.h"
#include "query/engine.h"
#include "query/rules/alerting_rule.h"
#include "query/rules/group.h"
#include "query/rules/rule_file.h"
#include "query/rules/template.h"
#include "query/storage.h"
#include "scratch_db.h"
#include "seed_rules_dataset.h"
#include "tsdb/db.h"

namespace {

using query::rules::AlertState;
using query::rules::AlertToSend;
using query::rules::RuleConfig;
using query::rules::RuleGroupConfig;
using tsdb::bench::kSeedIntervalMs;

constexpr int kRounds = 241;                     // 1 h, both ends included
constexpr int64_t kStartMs = 1'700'006'400'000;  // 2023-11-15 00:00 UTC
constexpr int64_t kEndMs = kStartMs + (kRounds - 1) * kSeedIntervalMs;
constexpr char kExternalUrl[] = "http://prometheus.example:9090";

std::string& RulesPath() {
  static auto* path = new std::string(TSDB_SEED_RULES);
  return *path;
}

// The seed's groups, loaded by main().
std::vector<RuleGroupConfig>& SeedGroups() {
  static auto* groups = new std::vector<RuleGroupConfig>();
  return *groups;
}

const query::rules::LabelPairs& ExternalLabels() {
  static const auto* labels = new query::rules::LabelPairs{
      {"cluster", "mall-go-prod"}, {"region", "us-west-2"}};
  return *labels;
}

// Counts the series a selection yields, as they are read.
class CountingSeriesSet final : public tsdb::SeriesSet {
 public:
  CountingSeriesSet(std::unique_ptr<tsdb::SeriesSet> base,
                    std::atomic<int64_t>* count)
      : base_(std::move(base)), count_(count) {}
  bool Next() override {
    if (!base_->Next()) return false;
    count_->fetch_add(1, std::memory_order_relaxed);
    return true;
  }
  const tsdb::Labels& labels() const override { return base_->labels(); }
  tsdb::SeriesRef ref() const override { return base_->ref(); }
  std::unique_ptr<tsdb::SampleIterator> Iterator() const override {
    return base_->Iterator();
  }
  absl::Status status() const override { return base_->status(); }

 private:
  std::unique_ptr<tsdb::SeriesSet> base_;
  std::atomic<int64_t>* count_;
};

// Counts the series the selections of a storage yield, as they are read.
class SeriesCountingStorage final : public query::Storage {
 public:
  explicit SeriesCountingStorage(const query::Storage& base) : base_(base) {}
  absl::StatusOr<std::unique_ptr<tsdb::SeriesSet>> Select(
      const query::SelectHints& hints,
      std::span<const tsdb::Matcher> matchers) const override {
    absl::StatusOr<std::unique_ptr<tsdb::SeriesSet>> set =
        base_.Select(hints, matchers);
    if (!set.ok()) return set;
    return std::make_unique<CountingSeriesSet>(*std::move(set), &series_);
  }
  int64_t series() const { return series_.load(std::memory_order_relaxed); }

 private:
  const query::Storage& base_;
  mutable std::atomic<int64_t> series_{0};
};

// One seed group evaluating over the fixture's Db, from one benchmark run
// to the next (Google Benchmark calls a benchmark several times).
struct GroupRun {
  std::unique_ptr<query::rules::Group> group;
  int64_t next_ts = kEndMs + 1;
  int64_t series_per_eval = 0;
  int64_t notified = 0;   // alerts handed to the notify callback
  std::string first_log;  // the first failure the group logged
};

// A Db holding the seed dataset for `instances` instances.
class Fixture {
 public:
  explicit Fixture(int instances) : instances_(instances) {
    storage_ = query::StorageFromDb(scratch_.db());
    counting_ = std::make_unique<SeriesCountingStorage>(*storage_);
    Load();
  }
  Fixture(const Fixture&) = delete;
  Fixture& operator=(const Fixture&) = delete;

  int instances() const { return instances_; }
  size_t series() const { return series_; }

  // The run of seed group `index`, created and warmed up on first use.
  GroupRun& Run(size_t index) {
    auto it = runs_.find(index);
    if (it == runs_.end()) it = runs_.emplace(index, NewRun(index)).first;
    return *it->second;
  }
  int64_t SeriesSelected() const { return counting_->series(); }

 private:
  void Load() {
    std::vector<tsdb::bench::SeedSeries> data =
        tsdb::bench::SeedRulesDataset(instances_);
    series_ = data.size();
    std::vector<tsdb::Labels> labels;
    labels.reserve(data.size());
    for (tsdb::bench::SeedSeries& s : data) {
      labels.push_back(std::move(s.labels));
    }
    tsdb::bench::AppendRounds(
        *scratch_.db(), labels, kRounds, kStartMs, kSeedIntervalMs,
        [&data](size_t i, int k) { return data[i].start + k * data[i].step; });
  }

  std::unique_ptr<GroupRun> NewRun(size_t index) {
    auto run = std::make_unique<GroupRun>();
    GroupRun* r = run.get();
    query::rules::GroupOptions options;
    options.engine = &engine_;
    options.storage = counting_.get();
    options.db = scratch_.db();
    options.external_labels = ExternalLabels();
    options.external_url = kExternalUrl;
    options.default_interval_ms = kSeedIntervalMs;
    options.notify = [r](std::vector<AlertToSend> alerts) {
      r->notified += static_cast<int64_t>(alerts.size());
    };
    options.log = [r](const std::string& line) {
      if (r->first_log.empty()) r->first_log = line;
    };
    r->group = std::make_unique<query::rules::Group>(SeedGroups()[index],
                                                     std::move(options));
    for (int64_t ts = kEndMs - 6 * 60'000; ts <= kEndMs; ts += 60'000) {
      r->group->Eval(ts);
    }
    const int64_t before = SeriesSelected();
    r->group->Eval(r->next_ts++);
    r->series_per_eval = SeriesSelected() - before;
    return run;
  }

  const int instances_;
  size_t series_ = 0;
  // Destroyed in reverse order: the runs and storages before the Db.
  tsdb::bench::ScratchDb scratch_{"rules-bench"};
  std::unique_ptr<query::Storage> storage_;
  std::unique_ptr<SeriesCountingStorage> counting_;
  const query::Engine engine_;
  std::map<size_t, std::unique_ptr<GroupRun>> runs_;
};

// One fixture at a time: benchmarks are registered size by size.
std::unique_ptr<Fixture>& FixtureSlot() {
  static auto* slot = new std::unique_ptr<Fixture>();
  return *slot;
}

Fixture& GetFixture(int instances) {
  std::unique_ptr<Fixture>& slot = FixtureSlot();
  if (slot == nullptr || slot->instances() != instances) {
    slot.reset();
    slot = std::make_unique<Fixture>(instances);
  }
  return *slot;
}

// Fails the benchmark with the first rule error of `run`'s group, if any.
bool GroupHealthy(benchmark::State& state, const GroupRun& run) {
  for (const query::rules::RuleStatus& rule : run.group->Status().rules) {
    if (rule.health == query::rules::RuleHealth::kErr) {
      state.SkipWithError((rule.name + ": " + rule.last_error).c_str());
      return false;
    }
  }
  if (!run.first_log.empty()) {
    state.SkipWithError(run.first_log.c_str());
    return false;
  }
  return true;
}

void BM_GroupEvalSeed(benchmark::State& state, size_t group) {
  Fixture& fixture = GetFixture(static_cast<int>(state.range(0)));
  GroupRun& run = fixture.Run(group);
  if (!GroupHealthy(state, run)) return;
  for (auto _ : state) {
    run.group->Eval(run.next_ts++);
  }
  if (!GroupHealthy(state, run)) return;
  const query::rules::GroupStatus status = run.group->Status();
  int64_t alerts = 0, firing = 0;
  for (const query::rules::RuleStatus& rule : status.rules) {
    alerts += static_cast<int64_t>(rule.alerts.size());
    for (const query::rules::Alert& a : rule.alerts) {
      firing += a.state == AlertState::kFiring ? 1 : 0;
    }
  }
  state.SetItemsProcessed(state.iterations() *
                          static_cast<int64_t>(status.rules.size()));
  const auto series = static_cast<double>(run.series_per_eval);
  state.counters["series"] = series;
  state.counters["series_per_second"] =
      benchmark::Counter(series, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["alerts"] = static_cast<double>(alerts);
  state.counters["firing"] = static_cast<double>(firing);
  state.counters["db_series"] = static_cast<double>(fixture.series());
  state.counters["notified"] = static_cast<double>(run.notified);
}

// The labels of a DiskSpaceLow alert of the dataset, plus job.
tsdb::Labels AlertLabels() {
  return *tsdb::Labels::FromPairs({{"alertname", "DiskSpaceLow"},
                                   {"category", "system"},
                                   {"device", "/dev/sdb1"},
                                   {"fstype", "ext4"},
                                   {"instance", "10.0.10.1:9100"},
                                   {"job", "node-exporter"},
                                   {"mountpoint", "/data"},
                                   {"severity", "critical"}});
}

// The annotation `key` of seed alert `alert`; aborts if there is none.
std::string SeedAnnotation(std::string_view alert, std::string_view key) {
  for (const RuleGroupConfig& g : SeedGroups()) {
    for (const RuleConfig& rule : g.rules) {
      if (rule.alert != alert) continue;
      for (const auto& [name, text] : rule.annotations) {
        if (name == key) return text;
      }
    }
  }
  std::fprintf(stderr, "rules_benchmark: no annotation %s of %s\n",
               std::string(key).c_str(), std::string(alert).c_str());
  std::abort();
}

void BM_TemplateExpand(benchmark::State& state, const std::string& text) {
  absl::StatusOr<query::rules::Template> t =
      query::rules::Template::Parse("__alert_DiskSpaceLow", text);
  if (!t.ok()) {
    state.SkipWithError(std::string(t.status().message()).c_str());
    return;
  }
  const tsdb::Labels labels = AlertLabels();
  query::rules::TemplateData data;
  data.labels = &labels;
  data.value = 96.9921875;
  data.external_labels = &ExternalLabels();
  data.external_url = kExternalUrl;
  data.eval_time_ms = kEndMs;
  int64_t bytes = 0;
  for (auto _ : state) {
    absl::StatusOr<std::string> out = t->Execute(data);
    if (!out.ok()) {
      state.SkipWithError(std::string(out.status().message()).c_str());
      return;
    }
    bytes += static_cast<int64_t>(out->size());
    benchmark::DoNotOptimize(out->data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(bytes);
}

// A notifier batch: alerts of the seed's rules in turn, each for another
// instance, with their annotations expanded.
std::vector<AlertToSend> NotifierBatch(size_t n) {
  std::vector<const RuleConfig*> rules;
  for (const RuleGroupConfig& g : SeedGroups()) {
    for (const RuleConfig& rule : g.rules) rules.push_back(&rule);
  }
  std::vector<AlertToSend> batch;
  for (size_t k = 0; k < n; ++k) {
    const RuleConfig& rule = *rules[k % rules.size()];
    tsdb::LabelsBuilder builder;
    for (const auto& [name, value] : rule.labels) builder.Set(name, value);
    builder.Set("alertname", rule.alert);
    builder.Set("instance", "10.0." + std::to_string(k) + ".1:8080");
    builder.Set("job", "mall-go");
    AlertToSend alert;
    alert.labels = builder.Build();
    query::rules::TemplateData data;
    data.labels = &alert.labels;
    data.value = 97.5;
    tsdb::LabelsBuilder annotations;
    for (const auto& [name, text] : rule.annotations) {
      annotations.Set(name, query::rules::ExpandTemplate(
                                "__alert_" + rule.alert, text, data));
    }
    alert.annotations = annotations.Build();
    alert.starts_at_ms = kEndMs - 300'000;
    alert.ends_at_ms = kEndMs + 4 * 60'000;
    alert.generator_url = query::rules::GeneratorUrl(kExternalUrl, rule.expr);
    batch.push_back(std::move(alert));
  }
  return batch;
}

void BM_AlertsToJson(benchmark::State& state) {
  const std::vector<AlertToSend> batch =
      NotifierBatch(static_cast<size_t>(state.range(0)));
  int64_t bytes = 0;
  for (auto _ : state) {
    std::string body = http::AlertsToJsonV2(batch);
    bytes += static_cast<int64_t>(body.size());
    benchmark::DoNotOptimize(body.data());
  }
  state.SetItemsProcessed(state.iterations() *
                          static_cast<int64_t>(batch.size()));
  state.SetBytesProcessed(bytes);
}

bool LoadSeedGroups() {
  std::vector<std::string> errors;
  query::rules::RuleFile file =
      query::rules::LoadRuleFile(RulesPath(), &errors);
  for (const std::string& e : errors) {
    std::fprintf(stderr, "rules_benchmark: %s\n", e.c_str());
  }
  if (!errors.empty() || file.groups.empty()) return false;
  SeedGroups() = std::move(file.groups);
  return true;
}

void RegisterBenchmarks() {
  for (int instances : {100, 1000}) {
    for (size_t g = 0; g < SeedGroups().size(); ++g) {
      benchmark::RegisterBenchmark(
          ("BM_GroupEvalSeed/" + SeedGroups()[g].name).c_str(),
          [g](benchmark::State& state) { BM_GroupEvalSeed(state, g); })
          ->Arg(instances)
          ->Unit(benchmark::kMillisecond)
          ->UseRealTime()
          ->MinTime(2);
    }
  }
  const std::vector<std::pair<std::string, std::string>> templates = {
      {"seed_summary", SeedAnnotation("ServiceDown", "summary")},
      {"seed_description", SeedAnnotation("ServiceDown", "description")},
      {"seed_disk", SeedAnnotation("DiskSpaceLow", "description")},
      {"humanize",
       "Disk usage on {{ $labels.instance }} {{ $labels.mountpoint }} is "
       "{{ $value | humanize }}% ({{ $externalLabels.cluster }})."},
      {"printf",
       "{{ printf \"%.2f\" $value }}% of {{ $labels.mountpoint }} used on "
       "{{ $labels.instance }}, see {{ $externalURL }}/alerts."},
  };
  for (const auto& [name, text] : templates) {
    benchmark::RegisterBenchmark(
        ("BM_TemplateExpand/" + name).c_str(),
        [text](benchmark::State& state) { BM_TemplateExpand(state, text); });
  }
  benchmark::RegisterBenchmark("BM_AlertsToJson", BM_AlertsToJson)->Arg(64);
}

}  // namespace

int main(int argc, char** argv) {
  int out = 1;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg(argv[i]);
    if (arg.starts_with("--rules=")) {
      RulesPath() = std::string(arg.substr(8));
    } else {
      argv[out++] = argv[i];
    }
  }
  argc = out;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  if (!LoadSeedGroups()) return 1;
  RegisterBenchmarks();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  FixtureSlot().reset();  // closes the Db and removes its directory
  return 0;
}
