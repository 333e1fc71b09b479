// Runs the tsdbd binary as a user does: flags, --help, --version, bad flags,
// the seed configuration, readiness, lifecycle endpoints, SIGTERM shutdown
// with exit 0, data written over remote write surviving a restart, and
// scraping: the embedded default configuration, a server scraping itself,
// reloads that change the scrape jobs or are refused.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <snappy.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testutil/run_command.h"
#include "tests/testutil/temp_dir.h"

extern char** environ;

namespace {

using ::testing::HasSubstr;
using tsdb::testing::CommandResult;
using tsdb::testing::RunCommand;

int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

struct HttpReply {
  int status = 0;  // 0: no connection
  std::string body;
};

// One request on a fresh connection ("Connection: close"; the body is what
// follows the headers).
HttpReply Http(int port, const std::string& method, const std::string& target,
               const std::string& body = "",
               const std::string& extra_headers = "") {
  HttpReply reply;
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return reply;
  }
  const std::string request =
      absl::StrCat(method, " ", target, " HTTP/1.1\r\nHost: t\r\n",
                   "Connection: close\r\nContent-Length: ", body.size(), "\r\n",
                   extra_headers, "\r\n", body);
  if (write(fd, request.data(), request.size()) !=
      static_cast<ssize_t>(request.size())) {
    close(fd);
    return reply;
  }
  std::string raw;
  char buf[8192];
  ssize_t n;
  while ((n = read(fd, buf, sizeof(buf))) > 0) raw.append(buf, n);
  close(fd);
  const size_t end = raw.find("\r\n\r\n");
  if (raw.size() < 12 || end == std::string::npos) return reply;
  reply.status = std::atoi(raw.c_str() + 9);
  reply.body = raw.substr(end + 4);
  return reply;
}

// A running tsdbd with its output in a log file.
class Tsdbd {
 public:
  Tsdbd(const std::string& log_path, std::vector<std::string> args)
      : log_path_(log_path) {
    std::vector<char*> argv;
    static std::string path = TSDBD_PATH;
    argv.push_back(path.data());
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(),
                                     O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    if (posix_spawn(&pid_, TSDBD_PATH, &actions, nullptr, argv.data(),
                    environ) != 0) {
      pid_ = -1;
    }
    posix_spawn_file_actions_destroy(&actions);
  }
  ~Tsdbd() {
    if (pid_ > 0 && !exited_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }

  // Polls /-/ready until 200 or the process exits.
  bool WaitReady(int port) {
    for (int i = 0; i < 3000; ++i) {
      if (Http(port, "GET", "/-/ready").status == 200) return true;
      int status;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        exited_ = true;
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  void Signal(int sig) { kill(pid_, sig); }

  // Waits for the process; its exit code, or -1 if killed by a signal.
  int Wait() {
    int status = 0;
    waitpid(pid_, &status, 0);
    exited_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  std::string Log() const {
    std::ifstream in(log_path_);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

 private:
  std::string log_path_;
  pid_t pid_ = -1;
  bool exited_ = false;
};

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos;
       at = text.find(what, at + what.size())) {
    ++n;
  }
  return n;
}

CommandResult RunTsdbd(const std::string& args) {
  return RunCommand(std::string(TSDBD_PATH) + " " + args);
}

void AppendVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

void AppendBytesField(std::string* out, int field, const std::string& bytes) {
  AppendVarint(out, static_cast<uint64_t>(field) << 3 | 2);
  AppendVarint(out, bytes.size());
  out->append(bytes);
}

// A snappy-compressed remote write 1.0 WriteRequest with one series and one
// sample.
std::string WriteRequest(
    const std::vector<std::pair<std::string, std::string>>& labels,
    double value, int64_t t_ms) {
  std::string series;
  for (const auto& [name, val] : labels) {
    std::string label;
    AppendBytesField(&label, 1, name);
    AppendBytesField(&label, 2, val);
    AppendBytesField(&series, 1, label);
  }
  std::string sample;
  sample.push_back(static_cast<char>(1 << 3 | 1));  // double, fixed64
  char bits[8];
  std::memcpy(bits, &value, 8);
  sample.append(bits, 8);
  AppendVarint(&sample, 2 << 3 | 0);
  AppendVarint(&sample, static_cast<uint64_t>(t_ms));
  AppendBytesField(&series, 2, sample);
  std::string request;
  AppendBytesField(&request, 1, series);
  std::string compressed;
  snappy::Compress(request.data(), request.size(), &compressed);
  return compressed;
}

TEST(TsdbdTest, VersionAndHelp) {
  const CommandResult version = RunTsdbd("--version");
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_THAT(version.out, HasSubstr("tsdbd, version "));
  const CommandResult help = RunTsdbd("--help");
  EXPECT_EQ(help.exit_code, 0);
  for (const char* flag :
       {"--config.file", "--storage.tsdb.path", "--storage.tsdb.retention.time",
        "--storage.tsdb.retention.size", "--web.listen-address",
        "--web.enable-lifecycle", "--query.lookback-delta", "--query.timeout",
        "--query.max-samples", "--query.max-concurrency", "--log.level",
        "--remote-write.max-body-bytes"}) {
    EXPECT_THAT(help.out, HasSubstr(flag));
  }
}

TEST(TsdbdTest, BadFlagsExitOneNamingTheFlag) {
  tsdb::testing::TempDir dir;
  std::ofstream(dir.Join("bad.yml")) << "global:\n  scrape_interval: 15s\n"
                                        "foo: 1\n";
  std::ofstream(dir.Join("timeout.yml")) << "global:\n"
                                            "  scrape_interval: 15s\n"
                                            "scrape_configs:\n"
                                            "  - job_name: a\n"
                                            "    scrape_interval: 5s\n"
                                            "    scrape_timeout: 10s\n";
  std::ofstream(dir.Join("field.yml")) << "scrape_configs:\n"
                                          "  - job_name: a\n"
                                          "  - job_name: b\n"
                                          "    bogus: 1\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"--foo", "tsdbd: error: unknown long flag '--foo', try --help"},
      {"--storage.tsdb.retention.time=abc",
       "invalid value \"abc\" for flag '--storage.tsdb.retention.time': not "
       "a valid duration string: \"abc\""},
      {"--query.max-samples x",
       "invalid value \"x\" for flag '--query.max-samples'"},
      {"--web.listen-address",
       "expected argument for flag '--web.listen-address'"},
      {"--log.level=loud", "unrecognized log level \"loud\""},
      {"--storage.tsdb.retention.size=12XB", "units: unknown unit XB in 12XB"},
      {"positional", "unexpected positional"},
      {"--config.file=" + dir.Join("bad.yml") +
           " --storage.tsdb.path=" + dir.Join("data"),
       "line 3: field foo not found in type config.plain"},
      {"--config.file=" + dir.Join("missing.yml"),
       "open " + dir.Join("missing.yml") + ": no such file or directory"},
      {"--config.file=" + dir.Join("timeout.yml"),
       "couldn't load configuration (--config.file=\\\"" +
           dir.Join("timeout.yml") + "\\\"): " + dir.Join("timeout.yml") +
           ":4: scrape timeout greater than scrape interval for scrape "
           "config with job name \\\"a\\\""},
      {"--config.file=" + dir.Join("field.yml"),
       dir.Join("field.yml") +
           ":4: field bogus not found in type config.ScrapeConfig"},
  };
  for (const auto& [args, message] : cases) {
    const CommandResult r = RunTsdbd(args);
    EXPECT_EQ(r.exit_code, 1) << args;
    EXPECT_THAT(r.out, HasSubstr(message)) << args;
  }
}

TEST(TsdbdTest, SeedConfigServesAndSigtermExitsCleanly) {
  tsdb::testing::TempDir dir;
  const int port = FreePort();
  Tsdbd tsdbd(
      dir.Join("log"),
      {"--config.file=" + std::string(FIXTURES_DIR) + "/seed/prometheus.yml",
       "--storage.tsdb.path", dir.Join("data"),
       "--web.listen-address=127.0.0.1:" + std::to_string(port)});
  ASSERT_TRUE(tsdbd.WaitReady(port)) << tsdbd.Log();
  const HttpReply healthy = Http(port, "GET", "/-/healthy");
  EXPECT_EQ(healthy.status, 200);
  EXPECT_EQ(healthy.body, "Prometheus Server is Healthy.\n");
  const HttpReply config = Http(port, "GET", "/api/v1/status/config");
  EXPECT_EQ(config.status, 200);
  EXPECT_THAT(config.body, HasSubstr("mall-go-prod"));
  EXPECT_EQ(Http(port, "POST", "/-/reload").status, 403);
  const HttpReply metrics = Http(port, "GET", "/metrics");
  EXPECT_THAT(metrics.body, HasSubstr("tsdbd_http_requests_total{handler=\"/"
                                      "-/healthy\",code=\"200\"} 1"));
  EXPECT_THAT(metrics.body, HasSubstr("process_resident_memory_bytes "));
  EXPECT_THAT(metrics.body, HasSubstr("tsdbd_tsdb_head_series "));

  tsdbd.Signal(SIGTERM);
  EXPECT_EQ(tsdbd.Wait(), 0);
  const std::string log = tsdbd.Log();
  // One warning per Kubernetes job, naming the file and line.
  const std::string seed = std::string(FIXTURES_DIR) + "/seed/prometheus.yml";
  for (const auto& [line, job] :
       std::vector<std::pair<int, std::string>>{{63, "kubernetes-apiservers"},
                                                {76, "kubernetes-nodes"},
                                                {94, "kubernetes-pods"}}) {
    EXPECT_EQ(Count(log, absl::StrCat("msg=\"", seed, ":", line,
                                      ": scrape job \\\"", job,
                                      "\\\" skipped: kubernetes_sd_configs "
                                      "is not supported\"")),
              1)
        << job << "\n"
        << log;
  }
  EXPECT_EQ(Count(log, "skipped: kubernetes_sd_configs"), 3);
  EXPECT_THAT(log, HasSubstr("msg=\"Server is ready to receive web "
                             "requests.\""));
  EXPECT_THAT(log, HasSubstr("msg=\"Received SIGTERM, exiting gracefully"));
  EXPECT_THAT(log, HasSubstr("msg=\"See you next time!\""));
  EXPECT_THAT(log, ::testing::MatchesRegex(
                       "ts=[0-9-]+T[0-9:.]+Z caller=[a-z_]+\\.cc:[0-9]+ "
                       "level=info msg=\"Starting tsdbd\"(.|\n)*"));
}

TEST(TsdbdTest, RemoteWrittenDataSurvivesRestart) {
  tsdb::testing::TempDir dir;
  const int port = FreePort();
  const std::vector<std::string> args = {
      "--storage.tsdb.path=" + dir.Join("data"),
      "--web.listen-address=127.0.0.1:" + std::to_string(port)};
  const int64_t now_ms =
      static_cast<int64_t>(time(nullptr)) * 1000;  // within the lookback
  {
    Tsdbd tsdbd(dir.Join("log1"), args);
    ASSERT_TRUE(tsdbd.WaitReady(port)) << tsdbd.Log();
    const HttpReply written = Http(
        port, "POST", "/api/v1/write",
        WriteRequest({{"__name__", "restart_test"}, {"job", "t"}}, 42, now_ms),
        "Content-Type: application/x-protobuf\r\nContent-Encoding: snappy\r\n"
        "X-Prometheus-Remote-Write-Version: 0.1.0\r\n");
    ASSERT_EQ(written.status, 204) << written.body;
    tsdbd.Signal(SIGINT);
    ASSERT_EQ(tsdbd.Wait(), 0) << tsdbd.Log();
  }
  Tsdbd again(dir.Join("log2"), args);
  ASSERT_TRUE(again.WaitReady(port)) << again.Log();
  const HttpReply query = Http(
      port, "GET",
      absl::StrCat("/api/v1/query?query=restart_test&time=", now_ms / 1000));
  EXPECT_EQ(query.status, 200);
  EXPECT_THAT(query.body, HasSubstr("\"__name__\":\"restart_test\""));
  EXPECT_THAT(query.body, HasSubstr(",\"42\"]"));
  again.Signal(SIGTERM);
  EXPECT_EQ(again.Wait(), 0);
  EXPECT_THAT(again.Log(), HasSubstr("msg=\"TSDB started\""));
}

TEST(TsdbdTest, LifecycleReloadAndQuit) {
  tsdb::testing::TempDir dir;
  const std::string config = dir.Join("tsdbd.yml");
  std::ofstream(config) << "global:\n  scrape_interval: 15s\n";
  const int port = FreePort();
  Tsdbd tsdbd(dir.Join("log"),
              {"--config.file", config, "--web.enable-lifecycle",
               "--storage.tsdb.path=" + dir.Join("data"),
               "--web.listen-address=127.0.0.1:" + std::to_string(port)});
  ASSERT_TRUE(tsdbd.WaitReady(port)) << tsdbd.Log();
  EXPECT_EQ(Http(port, "POST", "/-/reload").status, 200);
  std::ofstream(config) << "global:\n  scrape_interval: 15s\nbogus: 1\n";
  const HttpReply failed = Http(port, "POST", "/-/reload");
  EXPECT_EQ(failed.status, 500);
  EXPECT_THAT(failed.body,
              HasSubstr("failed to reload config: couldn't load configuration "
                        "(--config.file=\"" +
                        config + "\"): parsing YAML file"));
  EXPECT_THAT(Http(port, "GET", "/api/v1/status/runtimeinfo").body,
              HasSubstr("\"reloadConfigSuccess\":false"));
  // The previous configuration is kept.
  EXPECT_THAT(Http(port, "GET", "/api/v1/status/config").body,
              ::testing::Not(HasSubstr("bogus")));
  const HttpReply quit = Http(port, "PUT", "/-/quit");
  EXPECT_EQ(quit.body, "Requesting termination... Goodbye!");
  EXPECT_EQ(tsdbd.Wait(), 0);
  EXPECT_THAT(tsdbd.Log(), HasSubstr("msg=\"Error reloading config\""));
}

// Polls `target` until its body contains `what` (true) or about ten seconds
// passed (false); the last body in *body.
bool WaitForBody(int port, const std::string& target, const std::string& what,
                 std::string* body) {
  for (int i = 0; i < 500; ++i) {
    *body = Http(port, "GET", target).body;
    if (body->find(what) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

// A configuration scraping tsdbd on `port` every second as job "tsdbd",
// followed by `more` (further jobs).
std::string SelfScrapeConfig(int port, const std::string& more = "") {
  return absl::StrCat(
      "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
      "scrape_configs:\n"
      "  - job_name: tsdbd\n"
      "    static_configs:\n"
      "      - targets: ['127.0.0.1:",
      port, "']\n", more);
}

constexpr char kUpQuery[] = "/api/v1/query?query=up%7Bjob%3D%22tsdbd%22%7D";

TEST(TsdbdTest, ScrapesItselfAndListsTheTarget) {
  tsdb::testing::TempDir dir;
  const int port = FreePort();
  const std::string config = dir.Join("tsdbd.yml");
  std::ofstream(config) << SelfScrapeConfig(port);
  Tsdbd tsdbd(
      dir.Join("log"),
      {"--config.file=" + config, "--storage.tsdb.path", dir.Join("data"),
       "--web.listen-address=127.0.0.1:" + std::to_string(port)});
  ASSERT_TRUE(tsdbd.WaitReady(port)) << tsdbd.Log();
  std::string body;
  EXPECT_TRUE(WaitForBody(port, kUpQuery, ",\"1\"]", &body)) << body;
  EXPECT_THAT(body, HasSubstr("\"instance\":\"127.0.0.1:" +
                              std::to_string(port) + "\",\"job\":\"tsdbd\""));
  const std::string targets = Http(port, "GET", "/api/v1/targets").body;
  EXPECT_THAT(targets, HasSubstr(absl::StrCat(
                           "\"labels\":{\"instance\":\"127.0.0.1:", port,
                           "\",\"job\":\"tsdbd\"},\"scrapePool\":\"tsdbd\","
                           "\"scrapeUrl\":\"http://127.0.0.1:",
                           port, "/metrics\"")));
  EXPECT_THAT(targets, HasSubstr("\"health\":\"up\",\"scrapeInterval\":\"1s\","
                                 "\"scrapeTimeout\":\"1s\"}"));
  EXPECT_THAT(targets, HasSubstr("\"droppedTargets\":[]"));
  // Metadata from the HELP and TYPE lines of tsdbd's own /metrics.
  EXPECT_THAT(Http(port, "GET",
                   "/api/v1/metadata?metric=process_start_time_"
                   "seconds")
                  .body,
              HasSubstr("{\"status\":\"success\",\"data\":{\"process_start_"
                        "time_seconds\":[{\"type\":\"gauge\","));
  tsdbd.Signal(SIGTERM);
  EXPECT_EQ(tsdbd.Wait(), 0);
  EXPECT_THAT(tsdbd.Log(), HasSubstr("msg=\"Scrape manager stopped; closing "
                                     "the TSDB\""));
}

TEST(TsdbdTest, ReloadChangesScrapeJobsOrKeepsThemWhenInvalid) {
  tsdb::testing::TempDir dir;
  const int port = FreePort();
  const std::string config = dir.Join("tsdbd.yml");
  std::ofstream(config) << SelfScrapeConfig(port);
  Tsdbd tsdbd(dir.Join("log"),
              {"--config.file=" + config, "--web.enable-lifecycle",
               "--storage.tsdb.path", dir.Join("data"),
               "--web.listen-address=127.0.0.1:" + std::to_string(port)});
  ASSERT_TRUE(tsdbd.WaitReady(port)) << tsdbd.Log();
  std::string body;
  ASSERT_TRUE(WaitForBody(port, kUpQuery, ",\"1\"]", &body)) << body;

  // An invalid scrape job: refused, the running jobs untouched.
  std::ofstream(config) << SelfScrapeConfig(port,
                                            "  - job_name: extra\n"
                                            "    scrape_interval: 1s\n"
                                            "    scrape_timeout: 2s\n");
  const HttpReply refused = Http(port, "POST", "/-/reload");
  EXPECT_EQ(refused.status, 500);
  EXPECT_THAT(refused.body,
              HasSubstr(config + ":8: scrape timeout greater than scrape "
                                 "interval for scrape config with job name "
                                 "\"extra\""));
  body = Http(port, "GET", "/api/v1/targets").body;
  EXPECT_THAT(body, HasSubstr("\"scrapePool\":\"tsdbd\""));
  EXPECT_THAT(body, ::testing::Not(HasSubstr("\"scrapePool\":\"extra\"")));
  EXPECT_THAT(Http(port, "GET", "/api/v1/status/runtimeinfo").body,
              HasSubstr("\"reloadConfigSuccess\":false"));

  // A new job, by SIGHUP: it is added and the first one keeps running.
  std::ofstream(config) << SelfScrapeConfig(
      port,
      "  - job_name: extra\n"
      "    static_configs:\n"
      "      - targets: ['127.0.0.1:" +
          std::to_string(port) + "']\n        labels: {copy: 'yes'}\n");
  tsdbd.Signal(SIGHUP);
  EXPECT_TRUE(
      WaitForBody(port, "/api/v1/targets", "\"scrapePool\":\"extra\"", &body))
      << body;
  EXPECT_THAT(body, HasSubstr("\"scrapePool\":\"tsdbd\""));
  EXPECT_THAT(body, HasSubstr("\"labels\":{\"copy\":\"yes\",\"instance\":"));
  EXPECT_TRUE(WaitForBody(port, "/api/v1/query?query=up%7Bjob%3D%22extra%22%7D",
                          ",\"1\"]", &body))
      << body;

  tsdbd.Signal(SIGTERM);
  EXPECT_EQ(tsdbd.Wait(), 0);
  const std::string log = tsdbd.Log();
  EXPECT_EQ(Count(log, "msg=\"Error reloading config\""), 1) << log;
  EXPECT_EQ(Count(log, "msg=\"Completed loading of configuration file\""), 1)
      << log;
}

// Without --config.file: tools/tsdbd.yml as compiled in, scraping tsdbd at
// its listen address (localhost when it listens on every interface) and a
// node exporter on localhost:9100.
TEST(TsdbdTest, EmbeddedDefaultScrapesItselfAndNodeExporter) {
  tsdb::testing::TempDir dir;
  const int port = FreePort();
  Tsdbd tsdbd(dir.Join("log"),
              {"--storage.tsdb.path", dir.Join("data"),
               "--web.listen-address=:" + std::to_string(port)});
  ASSERT_TRUE(tsdbd.WaitReady(port)) << tsdbd.Log();
  const std::string targets = Http(port, "GET", "/api/v1/targets").body;
  EXPECT_THAT(targets, HasSubstr(absl::StrCat(
                           "\"labels\":{\"instance\":\"localhost:", port,
                           "\",\"job\":\"tsdbd\"},\"scrapePool\":\"tsdbd\","
                           "\"scrapeUrl\":\"http://localhost:",
                           port, "/metrics\"")));
  EXPECT_THAT(targets,
              HasSubstr("\"labels\":{\"instance\":\"localhost:9100\",\"job\":"
                        "\"node\"},\"scrapePool\":\"node\",\"scrapeUrl\":"
                        "\"http://localhost:9100/metrics\""));
  EXPECT_THAT(targets, HasSubstr("\"scrapeInterval\":\"15s\","
                                 "\"scrapeTimeout\":\"10s\""));
  const std::string config = Http(port, "GET", "/api/v1/status/config").body;
  EXPECT_THAT(config, HasSubstr(absl::StrCat("localhost:", port)));
  EXPECT_THAT(config, ::testing::Not(HasSubstr("{{self}}")));
  tsdbd.Signal(SIGTERM);
  EXPECT_EQ(tsdbd.Wait(), 0);
  EXPECT_THAT(tsdbd.Log(), HasSubstr("filename=\"(embedded default)\""));
}

}  // namespace

// Rule files from rule_files (relative to the configuration file) are
// evaluated at the evaluation interval; a reload with a broken rule file
// keeps the running rules; a broken rule file at start-up is fatal.
TEST(TsdbdTest, EvaluatesRuleFilesAndKeepsThemWhenAReloadBreaksOne) {
  tsdb::testing::TempDir dir;
  const int port = FreePort();
  const std::string config = dir.Join("tsdbd.yml");
  std::ofstream(config) << "global:\n  evaluation_interval: 1s\n"
                           "rule_files: ['rules/*.yml']\n";
  std::filesystem::create_directories(dir.Join("rules"));
  std::ofstream(dir.Join("rules/r.yml"))
      << "groups:\n  - name: g\n    rules:\n"
         "      - record: seven\n        expr: vector(7)\n"
         "      - alert: Always\n        expr: vector(1) > 0\n"
         "        annotations: {summary: 'value {{ $value }}'}\n";
  Tsdbd tsdbd(dir.Join("log"),
              {"--config.file=" + config, "--web.enable-lifecycle",
               "--storage.tsdb.path", dir.Join("data"),
               "--web.listen-address=127.0.0.1:" + std::to_string(port)});
  ASSERT_TRUE(tsdbd.WaitReady(port)) << tsdbd.Log();
  std::string body;
  EXPECT_TRUE(WaitForBody(port, "/api/v1/query?query=seven", ",\"7\"]", &body))
      << body;
  EXPECT_TRUE(WaitForBody(port, "/api/v1/alerts",
                          "\"annotations\":{\"summary\":\"value 1\"},"
                          "\"state\":\"firing\"",
                          &body))
      << body;
  body = Http(port, "GET", "/api/v1/rules").body;
  EXPECT_THAT(body, HasSubstr("\"name\":\"g\",\"file\":\"" +
                              dir.Join("rules/r.yml") + "\""));

  std::ofstream(dir.Join("rules/r.yml"))
      << "groups:\n  - name: g\n    rules:\n"
         "      - record: seven\n        expr: vector(7\n";
  const HttpReply refused = Http(port, "POST", "/-/reload");
  EXPECT_EQ(refused.status, 500);
  EXPECT_THAT(refused.body,
              HasSubstr("error loading rules, previous rule set restored"));
  EXPECT_THAT(Http(port, "GET", "/api/v1/rules").body,
              HasSubstr("\"name\":\"Always\""));
  tsdbd.Signal(SIGTERM);
  EXPECT_EQ(tsdbd.Wait(), 0);

  const CommandResult broken = RunTsdbd(
      "--config.file=" + config + " --storage.tsdb.path " + dir.Join("data2") +
      " --web.listen-address=127.0.0.1:" + std::to_string(FreePort()));
  EXPECT_EQ(broken.exit_code, 1);
  EXPECT_THAT(broken.out, HasSubstr("error loading rules"));
}
