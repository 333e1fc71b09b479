// How a client connects: prometheus/common's HTTPClientConfig (v0.39, as
// Prometheus 2.42 vendors it), the part of a scrape job and of an
// `alerting.alertmanagers` entry that holds credentials, TLS and redirects.
//
// HttpClientConfigDecoder decodes its fields inline, next to the enclosing
// struct's own (as Go's `yaml:",inline"`), then validates them:
//
//   std::string unsupported;  // "oauth2", "proxy_url": what is not applied
//   HttpClientConfigDecoder http(src, &job.http_client, &unsupported);
//   std::vector<Field> fields = JobFields(src, &job);
//   http.AddFields(&fields);
//   RETURN_IF_ERROR(DecodeFields(src, node, "config.ScrapeConfig", fields));
//   RETURN_IF_ERROR(http.Validate());  // a message without position
#ifndef INGEST_HTTP_CLIENT_CONFIG_H_
#define INGEST_HTTP_CLIENT_CONFIG_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "ingest/yaml_util.h"

namespace tsdb {

struct BasicAuth {
  std::string username;
  std::string password;  // at most one of password, password_file
  std::string password_file;
  bool operator==(const BasicAuth&) const = default;
};

// The Authorization header: "<type> <credentials>".
struct Authorization {
  std::string type = "Bearer";  // never "Basic" (that is basic_auth)
  std::string credentials;      // at most one of credentials, credentials_file
  std::string credentials_file;
  bool operator==(const Authorization&) const = default;
};

struct TlsConfig {
  std::string ca_file;
  std::string cert_file;  // set together with key_file, or neither
  std::string key_file;
  std::string server_name;
  bool insecure_skip_verify = false;
  std::string min_version;  // "", "TLS10", "TLS11", "TLS12" or "TLS13"
  bool operator==(const TlsConfig&) const = default;
};

struct HttpClientConfig {
  // At most one of basic_auth and authorization. bearer_token /
  // bearer_token_file are folded into `authorization` (type "Bearer"), as
  // Prometheus does.
  std::optional<BasicAuth> basic_auth;
  std::optional<Authorization> authorization;
  TlsConfig tls_config;
  bool follow_redirects = true;
  bool enable_http2 = true;
  bool operator==(const HttpClientConfig&) const = default;
};

// The Authorization header's value for `config`'s credentials: "Basic
// <base64 of user:password>" or "<type> <credentials>"; "" when it has
// none. password_file and credentials_file are read on every call, so that
// rotated secrets are picked up, and trimmed of surrounding white space, as
// Prometheus reads them. Fails with Unavailable "unable to read file <path>".
absl::StatusOr<std::string> AuthorizationHeader(const HttpClientConfig& config);

namespace yaml_internal {

// Decodes the fields of HTTPClientConfig into `out`. The first field used
// that this server does not apply (oauth2, proxy_url) is named in
// *unsupported, unless it already names something: a user of such a config
// skips it with a warning rather than connecting without it. `src`, `out`
// and `unsupported` must outlive the decoder and the fields it adds.
class HttpClientConfigDecoder {
 public:
  HttpClientConfigDecoder(const YamlSource& src, HttpClientConfig* out,
                          std::string* unsupported)
      : src_(src), out_(out), unsupported_(unsupported) {}
  HttpClientConfigDecoder(const HttpClientConfigDecoder&) = delete;
  HttpClientConfigDecoder& operator=(const HttpClientConfigDecoder&) = delete;

  // Appends decoders for basic_auth, authorization, bearer_token,
  // bearer_token_file, tls_config, follow_redirects, enable_http2, oauth2,
  // proxy_url and proxy_connect_header. TLS files named without their pair
  // (cert_file without key_file, and the reverse) and an unknown
  // min_version fail here, at load time (Prometheus fails when it builds
  // the client).
  void AddFields(std::vector<Field>* fields);

  // After the fields are decoded: HTTPClientConfig.Validate's checks in its
  // order, with its messages (no position), e.g. "at most one of
  // bearer_token & bearer_token_file must be configured"; then folds the
  // bearer token into `authorization` and defaults its type to "Bearer".
  absl::Status Validate();

 private:
  void Note(std::string_view what);

  const YamlSource& src_;
  HttpClientConfig* out_;
  std::string bearer_token_;
  std::string bearer_token_file_;
  bool has_oauth2_ = false;
  bool has_proxy_connect_header_ = false;
  std::string proxy_url_;
  std::string* unsupported_;
};

}  // namespace yaml_internal
}  // namespace tsdb

#endif  // INGEST_HTTP_CLIENT_CONFIG_H_
