#include "http/api.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "http/api_internal.h"
#include "tsdb/absl_compat.h"

namespace http {
namespace api_internal {

void BeginSuccess(JsonWriter& w) {
  w.BeginObject();
  w.Key("status");
  w.String("success");
  w.Key("data");
}

void EndSuccess(JsonWriter& w, const std::vector<std::string>& warnings) {
  if (!warnings.empty()) {
    w.Key("warnings");
    w.BeginArray();
    for (const std::string& warning : warnings) w.String(warning);
    w.EndArray();
  }
  w.EndObject();
}

void SetJson(Response* response, std::string body) {
  response->status = 200;
  response->content_type = "application/json";
  response->body = std::move(body);
}

void SetError(Response* response, const ApiError& error) {
  std::string body;
  body.reserve(64 + error.message.size());
  JsonWriter w(&body);
  w.BeginObject();
  w.Key("status");
  w.String("error");
  w.Key("errorType");
  w.String(ApiErrorTypeName(error.type));
  w.Key("error");
  w.String(error.message);
  w.EndObject();
  response->status = ApiErrorHttpCode(error.type);
  response->content_type = "application/json";
  response->body = std::move(body);
}

void SetBadData(Response* response, std::string message) {
  SetError(response, {ApiErrorType::kBadData, std::move(message)});
}

void SetInvalidParam(Response* response, std::string_view name,
                     const absl::Status& status) {
  SetBadData(response,
             absl::StrCat("invalid parameter \"", tsdb::AbslView(name),
                          "\": ", status.message()));
}

}  // namespace api_internal

void RegisterApi(Router& router, const ApiContext& context) {
  auto state = std::make_shared<api_internal::ApiState>(context);
  api_internal::RegisterQueryHandlers(router, state);
  api_internal::RegisterSeriesHandlers(router, state);
  api_internal::RegisterStatusHandlers(router, state);
  api_internal::RegisterTargetHandlers(router, state);
  api_internal::RegisterRuleHandlers(router, state);
}

}  // namespace http
