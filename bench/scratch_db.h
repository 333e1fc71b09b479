// A benchmark's Db: opened in a fresh directory under /tmp with background
// maintenance off (a benchmark drives flushes itself, if at all), closed and
// removed with its directory on destruction; and the loop that fills it.
// Failures abort: a benchmark cannot run without its data.
#ifndef BENCH_SCRATCH_DB_H_
#define BENCH_SCRATCH_DB_H_

#include <stdlib.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "tsdb/db.h"

namespace tsdb::bench {

class ScratchDb {
 public:
  // The directory is /tmp/<prefix>-XXXXXX.
  explicit ScratchDb(const std::string& prefix) {
    std::string pattern = "/tmp/" + prefix + "-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) abort();
    dir_ = std::move(pattern);
    Options options;
    options.background_maintenance = false;
    absl::StatusOr<std::unique_ptr<Db>> db = Db::Open(dir_, options);
    if (!db.ok()) abort();
    db_ = *std::move(db);
  }
  // REQUIRES: what was created from db() is gone.
  ~ScratchDb() {
    (void)db_->Close();
    db_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  ScratchDb(const ScratchDb&) = delete;
  ScratchDb& operator=(const ScratchDb&) = delete;

  Db* db() const { return db_.get(); }

 private:
  std::string dir_;
  std::unique_ptr<Db> db_;
};

// Appends rounds 0..rounds-1 of `series`, round k at t0 + k * interval_ms
// with value(i, k) for series i, one commit per round; values are asked
// for round by round, series by series within a round. After the first
// round, series are appended by reference.
inline void AppendRounds(Db& db, std::span<const Labels> series, int rounds,
                         int64_t t0, int64_t interval_ms,
                         absl::FunctionRef<double(size_t, int)> value) {
  std::vector<SeriesRef> refs(series.size());
  for (int k = 0; k < rounds; ++k) {
    std::unique_ptr<Appender> app = db.NewAppender();
    const int64_t t = t0 + k * interval_ms;
    for (size_t i = 0; i < series.size(); ++i) {
      if (k == 0) {
        absl::StatusOr<SeriesRef> ref = app->Append(series[i], t, value(i, k));
        if (!ref.ok()) abort();
        refs[i] = *ref;
      } else if (!app->Append(refs[i], t, value(i, k)).ok()) {
        abort();
      }
    }
    if (!app->Commit().ok()) abort();
  }
}

}  // namespace tsdb::bench

#endif  // BENCH_SCRATCH_DB_H_
