// Shared by the API handler files (api_query.cc, api_series.cc,
// api_status.cc): the state every handler reads and the response envelope.
// Not part of the public interface; see api.h.
#ifndef HTTP_API_INTERNAL_H_
#define HTTP_API_INTERNAL_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "http/api.h"
#include "http/json_writer.h"
#include "http/query_gate.h"
#include "http/router.h"
#include "http/status_to_http.h"
#include "query/storage.h"

namespace http::api_internal {

// Lives as long as the handlers registered with it (they share ownership).
struct ApiState {
  explicit ApiState(const ApiContext& c)
      : context(c),
        storage(query::StorageFromDb(c.db)),
        gate(c.max_concurrent_queries) {}

  ApiContext context;
  std::unique_ptr<query::Storage> storage;
  QueryGate gate;
};
using StatePtr = std::shared_ptr<ApiState>;

// Writes the start of a success envelope, up to and including "data":; the
// caller then writes the data value and calls EndSuccess.
void BeginSuccess(JsonWriter& w);
// Closes the envelope, adding "warnings" when there are any.
void EndSuccess(JsonWriter& w, const std::vector<std::string>& warnings = {});
// Sets a 200 application/json response with `body`.
void SetJson(Response* response, std::string body);
// The error envelope, with the error type's HTTP code.
void SetError(Response* response, const ApiError& error);
void SetBadData(Response* response, std::string message);
// bad_data `invalid parameter "<name>": <status message>`.
void SetInvalidParam(Response* response, std::string_view name,
                     const absl::Status& status);

// Go's time.Time JSON encoding (RFC 3339 in UTC, the fraction's trailing
// zeros dropped); 0 is Go's zero time "0001-01-01T00:00:00Z".
std::string FormatGoJsonTime(int64_t ms);
// A float64 as Go's encoding/json writes it: 'f' notation, or 'e' for
// magnitudes below 1e-6 or from 1e21, with a one-digit negative exponent
// unpadded ("1e-7"). REQUIRES: v is finite.
void AppendGoJsonFloat(std::string* out, double v);

// The registrations of each handler file.
void RegisterQueryHandlers(Router& router, const StatePtr& state);
void RegisterSeriesHandlers(Router& router, const StatePtr& state);
void RegisterStatusHandlers(Router& router, const StatePtr& state);
// /api/v1/targets and /api/v1/metadata.
void RegisterTargetHandlers(Router& router, const StatePtr& state);
// /api/v1/rules and /api/v1/alerts (api_rules.cc).
void RegisterRuleHandlers(Router& router, const StatePtr& state);

}  // namespace http::api_internal

#endif  // HTTP_API_INTERNAL_H_
