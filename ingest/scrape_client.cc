#include "ingest/scrape_client.h"

#include <httplib.h>
#include <zlib.h>

#include <chrono>
#include <cstdio>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "tsdb/absl_compat.h"

namespace tsdb {
namespace {

using Clock = std::chrono::steady_clock;

absl::Status BodySizeLimitExceeded() {
  return absl::UnavailableError("body size limit exceeded");
}

// What the callbacks of one request observed.
struct Exchange {
  Clock::time_point deadline;
  int64_t limit = 0;
  int status = 0;
  std::string reason;
  std::string content_type;
  bool gzip = false;
  bool bad_status = false;
  bool timed_out = false;
  bool too_large = false;
  std::string body;
};

// What went wrong in words: httplib's names are terse ("Connection").
std::string TransportErrorText(httplib::Error error) {
  switch (error) {
    case httplib::Error::Connection:
      return "connection failed";
    case httplib::Error::SSLConnection:
      return "TLS handshake failed";
    case httplib::Error::SSLServerVerification:
      return "x509: certificate verification failed";
    case httplib::Error::SSLLoadingCerts:
      return "loading the TLS certificates failed";
    default:
      return httplib::to_string(error);
  }
}

bool ReceiveChunk(Exchange* x, const char* data, size_t n) {
  if (Clock::now() >= x->deadline) {
    x->timed_out = true;
    return false;
  }
  x->body.append(data, n);
  // The limit is on the decompressed body (GunzipBody checks it). The raw
  // bytes are capped too, to bound memory: a gzip stream exceeds what it
  // inflates to by at most its header and trailer and 5 bytes per stored
  // block of up to 64 KiB.
  const int64_t cap = x->gzip ? x->limit + x->limit / 8192 + 64 : x->limit;
  if (x->limit > 0 && static_cast<int64_t>(x->body.size()) >= cap) {
    x->too_large = true;
    return false;
  }
  return true;
}

}  // namespace

std::string FormatTimeoutSeconds(int64_t timeout_ms) {
  std::string out = absl::StrCat(timeout_ms / 1000);
  int64_t frac = timeout_ms % 1000;
  if (frac == 0) return out;
  char digits[8];
  std::snprintf(digits, sizeof(digits), "%03d", static_cast<int>(frac));
  std::string f(digits);
  while (!f.empty() && f.back() == '0') f.pop_back();
  return absl::StrCat(out, ".", f);
}

absl::StatusOr<std::string> GunzipBody(std::string_view gz, int64_t limit) {
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
    return absl::InternalError("gzip: inflateInit2 failed");
  }
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  zs.avail_in = static_cast<uInt>(gz.size());
  std::string out;
  char buf[64 * 1024];
  absl::Status status;
  for (;;) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof(buf);
    const int rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buf, sizeof(buf) - zs.avail_out);
    if (limit > 0 && static_cast<int64_t>(out.size()) >= limit) {
      status = BodySizeLimitExceeded();
      break;
    }
    if (rc == Z_STREAM_END) {
      if (zs.avail_in == 0) break;
      inflateReset(&zs);  // a multi-member stream, as Go's reader accepts
      continue;
    }
    if (rc != Z_OK) {
      status = absl::UnavailableError(absl::StrCat(
          "gzip: ", zs.msg != nullptr ? zs.msg : "unexpected end of stream"));
      break;
    }
    if (zs.avail_in == 0 && zs.avail_out != 0) {
      status = absl::UnavailableError("gzip: unexpected EOF");
      break;
    }
  }
  inflateEnd(&zs);
  if (!status.ok()) return status;
  return out;
}

struct ScrapeClient::Impl {
  // `scheme_host_port` is "http://host:port" or "https://[v6]:port"; a
  // missing port is the scheme's default.
  Impl(const std::string& scheme_host_port, const TlsConfig& tls)
      : client(scheme_host_port, tls.cert_file, tls.key_file) {}
  httplib::Client client;
};

ScrapeClient::ScrapeClient(std::string scheme, std::string address,
                           std::string path_and_query,
                           ScrapeClientOptions options)
    : scheme_(std::move(scheme)),
      address_(std::move(address)),
      path_(std::move(path_and_query)),
      options_(std::move(options)) {
  url_ = absl::StrCat(scheme_, "://", address_, path_);
  if (scheme_ != "http" && scheme_ != "https") return;
  const TlsConfig& tls = options_.http_client.tls_config;
  impl_ = std::make_unique<Impl>(absl::StrCat(scheme_, "://", address_), tls);
  impl_->client.set_decompress(false);  // gzip is undone here, with a limit
  impl_->client.set_keep_alive(true);
  impl_->client.set_follow_location(options_.http_client.follow_redirects);
  const int64_t t = options_.timeout_ms;
  impl_->client.set_connection_timeout(t / 1000, (t % 1000) * 1000);
  impl_->client.set_read_timeout(t / 1000, (t % 1000) * 1000);
  impl_->client.set_write_timeout(t / 1000, (t % 1000) * 1000);
  if (scheme_ == "https") {
    if (!tls.ca_file.empty()) impl_->client.set_ca_cert_path(tls.ca_file);
    impl_->client.enable_server_certificate_verification(
        !tls.insecure_skip_verify);
  }
}

ScrapeClient::~ScrapeClient() = default;

absl::StatusOr<ScrapeResponse> ScrapeClient::Fetch() {
  if (impl_ == nullptr) {
    return absl::UnimplementedError(
        absl::StrCat("scheme \"", scheme_, "\" is not supported"));
  }
  absl::StatusOr<std::string> auth = AuthorizationHeader(options_.http_client);
  if (!auth.ok()) return auth.status();
  httplib::Headers headers = {
      {"Accept", std::string(kScrapeAcceptHeader)},
      {"Accept-Encoding", "gzip"},
      {"User-Agent", options_.user_agent},
      {"X-Prometheus-Scrape-Timeout-Seconds",
       FormatTimeoutSeconds(options_.timeout_ms)},
  };
  if (!auth->empty()) headers.emplace("Authorization", *auth);

  Exchange x;
  x.deadline = Clock::now() + std::chrono::milliseconds(options_.timeout_ms);
  x.limit = options_.body_size_limit_bytes;
  httplib::Result res = impl_->client.Get(
      path_, headers,
      [&x](const httplib::Response& r) {
        x.status = r.status;
        x.reason = r.reason;
        x.content_type = r.get_header_value("Content-Type");
        x.gzip = r.get_header_value("Content-Encoding") == "gzip";
        x.bad_status = r.status != 200;
        return !x.bad_status;
      },
      [&x](const char* data, size_t n) { return ReceiveChunk(&x, data, n); });
  if (x.bad_status) {
    return absl::UnavailableError(
        absl::StrCat("server returned HTTP status ", x.status, " ", x.reason));
  }
  if (x.too_large) return BodySizeLimitExceeded();
  if (x.timed_out ||
      (!res && (res.error() == httplib::Error::ConnectionTimeout ||
                Clock::now() >= x.deadline))) {
    return absl::DeadlineExceededError(
        absl::StrCat("Get \"", url_, "\": context deadline exceeded"));
  }
  if (!res) {
    return absl::UnavailableError(
        absl::StrCat("Get \"", url_, "\": ", TransportErrorText(res.error())));
  }
  ScrapeResponse out;
  out.content_type = std::move(x.content_type);
  if (x.gzip) {
    auto body = GunzipBody(x.body, x.limit);
    if (!body.ok()) return body.status();
    out.body = *std::move(body);
  } else {
    out.body = std::move(x.body);
  }
  return out;
}

}  // namespace tsdb
