#include "query/rules/rule_manager.h"

#include <xxhash.h>

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"

namespace query::rules {
namespace {

constexpr int64_t kNanosPerMilli = 1'000'000;

int64_t NowNs() { return absl::GetCurrentTimeNanos(); }
int64_t NowMs() { return NowNs() / kNanosPerMilli; }

// Floor modulo for possibly negative times.
int64_t FloorMod(int64_t a, int64_t b) {
  const int64_t m = a % b;
  return m < 0 ? m + b : m;
}

}  // namespace

struct RuleManager::Running {
  std::unique_ptr<Group> group;
  bool should_restore = false;
  tsdb::Notification stop;
  std::thread thread;
};

RuleManager::RuleManager(GroupOptions defaults)
    : defaults_(std::move(defaults)) {}

RuleManager::~RuleManager() { Stop(); }

int64_t RuleManager::EvalOffsetNs(const std::string& file,
                                  const std::string& name,
                                  int64_t interval_ns) {
  if (interval_ns <= 0) return 0;
  // labels.Labels{file, name}.Hash(): name, 0xff, value, 0xff per label,
  // in label-name order.
  const std::string key =
      absl::StrCat("file\xff", file, "\xff", "name\xff", name, "\xff");
  const uint64_t hash = XXH64(key.data(), key.size(), 0);
  return static_cast<int64_t>(hash % static_cast<uint64_t>(interval_ns));
}

absl::Status RuleManager::Update(int64_t default_interval_ms,
                                 const std::vector<std::string>& files,
                                 LabelPairs external_labels,
                                 std::string external_url) {
  std::vector<std::string> errors;
  std::vector<RuleGroupConfig> configs;
  for (const std::string& file : files) {
    std::vector<std::string> file_errors;
    RuleFile parsed = LoadRuleFile(file, &file_errors);
    if (!file_errors.empty()) {
      errors.insert(errors.end(), file_errors.begin(), file_errors.end());
      continue;
    }
    for (RuleGroupConfig& group : parsed.groups) {
      configs.push_back(std::move(group));
    }
  }
  if (!errors.empty()) {
    return absl::InvalidArgumentError(absl::StrJoin(errors, "\n"));
  }

  tsdb::MutexLock lock(&mu_);
  GroupOptions options = defaults_;
  options.default_interval_ms = default_interval_ms;
  std::sort(external_labels.begin(), external_labels.end());
  options.external_labels = std::move(external_labels);
  options.external_url = std::move(external_url);
  options.restored = restored_;

  std::vector<std::unique_ptr<Running>> old = std::move(groups_);
  groups_.clear();
  std::vector<bool> kept(old.size(), false);
  for (RuleGroupConfig& config : configs) {
    auto running = std::make_unique<Running>();
    running->group = std::make_unique<Group>(std::move(config), options);
    running->should_restore = !restored_;
    for (size_t j = 0; j < old.size(); ++j) {
      if (kept[j] || old[j]->group->file() != running->group->file() ||
          old[j]->group->name() != running->group->name()) {
        continue;
      }
      kept[j] = true;
      StopRunning(old[j].get());
      running->group->CopyState(*old[j]->group);
      break;
    }
    groups_.push_back(std::move(running));
  }
  for (size_t j = 0; j < old.size(); ++j) {
    if (kept[j]) continue;
    StopRunning(old[j].get());
    old[j]->group->MarkStale(NowMs());
  }
  for (std::unique_ptr<Running>& running : groups_) {
    Running* r = running.get();
    r->thread = std::thread([this, r] { RunGroup(r); });
  }
  restored_ = true;
  return absl::OkStatus();
}

void RuleManager::StopRunning(Running* running) {
  if (!running->stop.HasBeenNotified()) running->stop.Notify();
  if (running->thread.joinable()) running->thread.join();
}

void RuleManager::Stop() {
  tsdb::MutexLock lock(&mu_);
  for (std::unique_ptr<Running>& running : groups_) StopRunning(running.get());
}

void RuleManager::RunGroup(Running* running) {
  Group& group = *running->group;
  // Evaluation times in ns, as Prometheus's EvalTimestamp slots them; a
  // rule is evaluated at the millisecond that time falls in.
  const int64_t interval =
      std::max<int64_t>(group.interval_ms(), 1) * kNanosPerMilli;
  const int64_t offset = EvalOffsetNs(group.file(), group.name(), interval);
  // The first slot after now.
  const int64_t now = NowNs();
  int64_t next = now - FloorMod(now - offset, interval) + interval;
  auto wait_until = [running](int64_t t) {
    const int64_t delay = t - NowNs();
    if (delay <= 0) return !running->stop.HasBeenNotified();
    return !running->stop.WaitForNotificationWithTimeout(
        absl::Nanoseconds(delay));
  };
  auto eval = [&group](int64_t t) {
    group.Eval(t / kNanosPerMilli);  // t > 0: truncation is floor
  };
  if (!wait_until(next)) return;
  eval(next);
  if (running->should_restore) {
    // Restore after a second evaluation, once scrapes and recording rules
    // have had a chance to produce fresh data.
    next += interval;
    if (!wait_until(next)) return;
    eval(next);
    group.RestoreForState(NowMs());
    running->should_restore = false;
  }
  while (true) {
    next += interval;
    const int64_t now_ns = NowNs();
    if (now_ns - next >= interval) {
      // Evaluations were missed (the previous one overran): skip to the
      // latest slot.
      next += (now_ns - next) / interval * interval;
    }
    if (!wait_until(next)) return;
    eval(next);
  }
}

std::vector<GroupStatus> RuleManager::Status() const {
  std::vector<GroupStatus> out;
  {
    tsdb::ReaderMutexLock lock(&mu_);
    out.reserve(groups_.size());
    for (const std::unique_ptr<Running>& running : groups_) {
      out.push_back(running->group->Status());
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const GroupStatus& a, const GroupStatus& b) {
                     if (a.file != b.file) return a.file < b.file;
                     return a.name < b.name;
                   });
  return out;
}

}  // namespace query::rules
