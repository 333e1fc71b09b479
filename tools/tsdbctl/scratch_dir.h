// A private scratch directory for the stores that `tsdbctl test promql` and
// `tsdbctl test rules` open, fill, and throw away.
#ifndef TOOLS_TSDBCTL_SCRATCH_DIR_H_
#define TOOLS_TSDBCTL_SCRATCH_DIR_H_

#include <string>
#include <string_view>

namespace tsdb::tsdbctl {

// Created under $TMPDIR if set, else in memory under /dev/shm when it is
// writable (the scratch stores are opened, fsync'ed and closed many times),
// else under /tmp, named "<prefix>-XXXXXX"; removed with everything in it
// on destruction. path() is "" if it could not be created.
class ScratchDir {
 public:
  explicit ScratchDir(std::string_view prefix);
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace tsdb::tsdbctl

#endif  // TOOLS_TSDBCTL_SCRATCH_DIR_H_
