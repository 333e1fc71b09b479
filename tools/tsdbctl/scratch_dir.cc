#include "tools/tsdbctl/scratch_dir.h"

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "tsdb/absl_compat.h"

namespace tsdb::tsdbctl {

ScratchDir::ScratchDir(std::string_view prefix) {
  const char* env = getenv("TMPDIR");
  std::string base = "/tmp";
  std::error_code ec;
  if (env != nullptr && *env != '\0') {
    base = env;
  } else if (std::filesystem::is_directory("/dev/shm", ec) &&
             access("/dev/shm", W_OK | X_OK) == 0) {
    base = "/dev/shm";
  }
  std::string pattern = absl::StrCat(base, "/", AbslView(prefix), "-XXXXXX");
  if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  if (!path_.empty()) std::filesystem::remove_all(path_, ec);
}

}  // namespace tsdb::tsdbctl
