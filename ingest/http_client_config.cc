#include "ingest/http_client_config.h"

#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "tsdb/status_macros.h"

namespace tsdb {
namespace {

absl::StatusOr<std::string> ReadSecretFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::UnavailableError(absl::StrCat("unable to read file ", path));
  }
  std::ostringstream content;
  content << in.rdbuf();
  return std::string(absl::StripAsciiWhitespace(content.str()));
}

}  // namespace

absl::StatusOr<std::string> AuthorizationHeader(
    const HttpClientConfig& config) {
  if (config.basic_auth.has_value()) {
    const BasicAuth& auth = *config.basic_auth;
    std::string password = auth.password;
    if (!auth.password_file.empty()) {
      ASSIGN_OR_RETURN(password, ReadSecretFile(auth.password_file));
    }
    return absl::StrCat("Basic ", absl::Base64Escape(absl::StrCat(
                                      auth.username, ":", password)));
  }
  if (config.authorization.has_value()) {
    const Authorization& auth = *config.authorization;
    std::string credentials = auth.credentials;
    if (!auth.credentials_file.empty()) {
      ASSIGN_OR_RETURN(credentials, ReadSecretFile(auth.credentials_file));
    }
    return absl::StrCat(auth.type, " ", credentials);
  }
  return std::string();
}

namespace yaml_internal {
namespace {

absl::Status DecodeTls(const YamlSource& src, const YAML::Node& node,
                       TlsConfig* tls) {
  RETURN_IF_ERROR(DecodeFields(
      src, node, "config.plain",
      {StringField("ca_file", src, &tls->ca_file),
       StringField("cert_file", src, &tls->cert_file),
       StringField("key_file", src, &tls->key_file),
       StringField("server_name", src, &tls->server_name),
       BoolField("insecure_skip_verify", src, &tls->insecure_skip_verify),
       StringField("min_version", src, &tls->min_version)}));
  const std::string& v = tls->min_version;
  if (!v.empty() && v != "TLS10" && v != "TLS11" && v != "TLS12" &&
      v != "TLS13") {
    return NodeError(src, node, absl::StrCat("unknown TLS version: ", v));
  }
  if (!tls->cert_file.empty() && tls->key_file.empty()) {
    return NodeError(src, node,
                     absl::StrCat("client cert file \"", tls->cert_file,
                                  "\" specified without client key file"));
  }
  if (!tls->key_file.empty() && tls->cert_file.empty()) {
    return NodeError(src, node,
                     absl::StrCat("client key file \"", tls->key_file,
                                  "\" specified without client cert file"));
  }
  return absl::OkStatus();
}

// The authorization part of HTTPClientConfig.Validate; trims the type and
// defaults it to "Bearer".
absl::Status ValidateAuthorization(bool bearer, bool other_auth,
                                   Authorization* auth) {
  if (bearer) {
    return absl::InvalidArgumentError(
        "authorization is not compatible with bearer_token & "
        "bearer_token_file");
  }
  if (!auth->credentials.empty() && !auth->credentials_file.empty()) {
    return absl::InvalidArgumentError(
        "at most one of authorization credentials & credentials_file must "
        "be configured");
  }
  auth->type = std::string(absl::StripAsciiWhitespace(auth->type));
  if (auth->type.empty()) auth->type = "Bearer";
  if (absl::AsciiStrToLower(auth->type) == "basic") {
    return absl::InvalidArgumentError(
        "authorization type cannot be set to \"basic\", use \"basic_auth\" "
        "instead");
  }
  if (other_auth) {
    return absl::InvalidArgumentError(
        "at most one of basic_auth, oauth2 & authorization must be "
        "configured");
  }
  return absl::OkStatus();
}

}  // namespace

void HttpClientConfigDecoder::Note(std::string_view what) {
  if (unsupported_->empty()) *unsupported_ = std::string(what);
}

void HttpClientConfigDecoder::AddFields(std::vector<Field>* fields) {
  const YamlSource& src = src_;
  HttpClientConfig* out = out_;
  fields->push_back(
      {"basic_auth", [&src, out](const YAML::Node& n) {
         if (n.IsNull()) return absl::OkStatus();
         BasicAuth& auth = out->basic_auth.emplace();
         return DecodeFields(
             src, n, "config.BasicAuth",
             {StringField("username", src, &auth.username),
              StringField("password", src, &auth.password),
              StringField("password_file", src, &auth.password_file)});
       }});
  fields->push_back(
      {"authorization", [&src, out](const YAML::Node& n) {
         if (n.IsNull()) return absl::OkStatus();
         Authorization& auth = out->authorization.emplace();
         auth.type.clear();
         return DecodeFields(
             src, n, "config.Authorization",
             {StringField("type", src, &auth.type),
              StringField("credentials", src, &auth.credentials),
              StringField("credentials_file", src, &auth.credentials_file)});
       }});
  fields->push_back(StringField("bearer_token", src, &bearer_token_));
  fields->push_back(StringField("bearer_token_file", src, &bearer_token_file_));
  fields->push_back({"tls_config", [&src, out](const YAML::Node& n) {
                       return DecodeTls(src, n, &out->tls_config);
                     }});
  fields->push_back(BoolField("follow_redirects", src, &out->follow_redirects));
  fields->push_back(BoolField("enable_http2", src, &out->enable_http2));
  fields->push_back({"oauth2", [this](const YAML::Node& n) {
                       has_oauth2_ = !n.IsNull();
                       if (has_oauth2_) Note("oauth2");
                       return absl::OkStatus();
                     }});
  fields->push_back({"proxy_url", [this](const YAML::Node& n) {
                       RETURN_IF_ERROR(DecodeString(src_, n, &proxy_url_));
                       if (!proxy_url_.empty()) Note("proxy_url");
                       return absl::OkStatus();
                     }});
  fields->push_back({"proxy_connect_header", [this](const YAML::Node& n) {
                       has_proxy_connect_header_ = !n.IsNull();
                       return absl::OkStatus();
                     }});
}

absl::Status HttpClientConfigDecoder::Validate() {
  const bool bearer = !bearer_token_.empty() || !bearer_token_file_.empty();
  const bool basic_or_oauth2 = out_->basic_auth.has_value() || has_oauth2_;
  if (!bearer_token_.empty() && !bearer_token_file_.empty()) {
    return absl::InvalidArgumentError(
        "at most one of bearer_token & bearer_token_file must be configured");
  }
  if (basic_or_oauth2 && bearer) {
    return absl::InvalidArgumentError(
        "at most one of basic_auth, oauth2, bearer_token & bearer_token_file "
        "must be configured");
  }
  const std::optional<BasicAuth>& basic = out_->basic_auth;
  if (basic && !basic->password.empty() && !basic->password_file.empty()) {
    return absl::InvalidArgumentError(
        "at most one of basic_auth password & password_file must be "
        "configured");
  }
  if (out_->authorization) {
    RETURN_IF_ERROR(
        ValidateAuthorization(bearer, basic_or_oauth2, &*out_->authorization));
  } else if (bearer) {
    Authorization& auth = out_->authorization.emplace();
    auth.credentials = std::move(bearer_token_);
    auth.credentials_file = std::move(bearer_token_file_);
  }
  if (has_proxy_connect_header_ && proxy_url_.empty()) {
    return absl::InvalidArgumentError(
        "if proxy_connect_header is configured proxy_url must also be "
        "configured");
  }
  return absl::OkStatus();
}

}  // namespace yaml_internal
}  // namespace tsdb
