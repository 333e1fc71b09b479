// Fetches one target's metrics over HTTP, the way Prometheus 2.42's
// targetScraper does (scrape/scrape.go): a GET with Prometheus's Accept
// header, "Accept-Encoding: gzip", the scrape timeout in
// X-Prometheus-Scrape-Timeout-Seconds, and the configured credentials.
//
//   ScrapeClientOptions options;
//   options.timeout_ms = 10'000;
//   ScrapeClient client("http", "127.0.0.1:9100", "/metrics", options);
//   ASSIGN_OR_RETURN(ScrapeResponse r, client.Fetch());
//   TextParser parser(FormatFromContentType(r.content_type));
//
// Errors (Unavailable unless noted, with Prometheus's text where it has one):
//   server returned HTTP status 500 Internal Server Error
//                                   (any status but 200, as Prometheus)
//   body size limit exceeded        (the decompressed body reached the limit)
//   Get "http://host/metrics": context deadline exceeded  (DeadlineExceeded)
//   Get "http://host/metrics": <transport error>
//   gzip: invalid header / gzip: <zlib message>
//
// Schemes "http" and "https" (TLS with the job's ca_file, cert_file/key_file
// and insecure_skip_verify); any other fails with Unimplemented. Redirects
// are followed (up to 20) unless follow_redirects is false; then a 3xx is
// a failed scrape like any status but 200. A certificate that does not verify
// fails the scrape: `Get "https://...": SSL server verification failed`.
// The client keeps one connection to the target open between fetches.
// httplib.h stays inside scrape_client.cc. Not thread-safe: one client per
// scrape loop.
#ifndef INGEST_SCRAPE_CLIENT_H_
#define INGEST_SCRAPE_CLIENT_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "ingest/scrape_config.h"

namespace tsdb {

// Prometheus 2.42's Accept header for scrapes.
inline constexpr std::string_view kScrapeAcceptHeader =
    "application/openmetrics-text;version=1.0.0,"
    "application/openmetrics-text;version=0.0.1;q=0.75,"
    "text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

struct ScrapeClientOptions {
  // The whole request, connect to last body byte. > 0.
  int64_t timeout_ms = 10'000;
  // Refuse bodies (after decompression) of this many bytes or more; <= 0
  // means no limit.
  int64_t body_size_limit_bytes = 0;
  // Credentials, redirects, and TLS (https only; server_name and
  // min_version are not applied); enable_http2 is ignored (HTTP/1.1).
  HttpClientConfig http_client;
  std::string user_agent = "tsdbd/0.1";
};

struct ScrapeResponse {
  std::string body;          // decompressed
  std::string content_type;  // as sent; "" if none
};

class ScrapeClient {
 public:
  // `address` is "host:port" (or "host", port 80); `path_and_query` starts
  // with "/" and carries the URL parameters, already encoded.
  ScrapeClient(std::string scheme, std::string address,
               std::string path_and_query, ScrapeClientOptions options);
  ~ScrapeClient();
  ScrapeClient(const ScrapeClient&) = delete;
  ScrapeClient& operator=(const ScrapeClient&) = delete;

  // One scrape. Reads password_file / credentials_file on every call, as
  // Prometheus does, so rotated secrets are picked up.
  absl::StatusOr<ScrapeResponse> Fetch();

  // "http://host:port/path?query", for messages.
  const std::string& url() const { return url_; }

 private:
  struct Impl;
  std::string scheme_;
  std::string address_;
  std::string path_;
  ScrapeClientOptions options_;
  std::string url_;
  std::unique_ptr<Impl> impl_;
};

// The timeout in seconds as Go's strconv.FormatFloat(s, 'f', -1, 64) prints
// it: 10000 ms -> "10", 1500 ms -> "1.5". Exposed for tests.
std::string FormatTimeoutSeconds(int64_t timeout_ms);

// Inflates a gzip stream, failing with "body size limit exceeded" once the
// output reaches `limit` bytes (<= 0: no limit). Exposed for tests.
absl::StatusOr<std::string> GunzipBody(std::string_view gz, int64_t limit);

}  // namespace tsdb

#endif  // INGEST_SCRAPE_CLIENT_H_
