// Feeds arbitrary bytes to the rule file parser as a rule file: it must
// either accept the file or name its problems, never crash (yaml-cpp's
// exceptions, bad durations, expressions and templates are all errors).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "query/rules/rule_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> errors;
  (void)query::rules::ParseRuleFile(text, "fuzz.yml", &errors);
  return 0;
}
