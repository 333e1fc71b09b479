// Feeds arbitrary bytes to the alert template parser as a template's text,
// and runs what parses with an alert's data: parsing and running must never
// crash or run away (nesting and recursion are bounded; errors are values).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "query/rules/template.h"
#include "tsdb/labels.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<query::rules::Template> parsed =
      query::rules::Template::Parse("__alert_Fuzz", text);
  if (!parsed.ok()) return 0;
  static const tsdb::Labels* const labels = [] {
    absl::StatusOr<tsdb::Labels> l = tsdb::Labels::FromPairs(
        {{"__name__", "up"}, {"instance", "10.0.0.1:9100"}, {"job", "node"}});
    return new tsdb::Labels(*std::move(l));
  }();
  static const std::vector<std::pair<std::string, std::string>> external = {
      {"cluster", "prod"}};
  query::rules::TemplateData alert;
  alert.labels = labels;
  alert.value = 97.25;
  alert.external_labels = &external;
  alert.external_url = "http://prometheus.example:9090";
  alert.eval_time_ms = 1'700'000'000'000;
  (void)parsed->Execute(alert);
  return 0;
}
