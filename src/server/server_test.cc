// The server over real sockets on 127.0.0.1 (ephemeral ports): keep-alive,
// bad input (malformed requests, oversized bodies, slow clients, thousands
// of idle connections), authentication, rate limits, metrics, the access
// log and graceful shutdown.

#include "server/server.h"

#include <gtest/gtest.h>
#include <simdjson.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <thread>

#include "access/token.h"
#include "server/test_client.h"
#include "store/directory.h"
#include "store/sqlite_store.h"

namespace ncert::server {
namespace {

using testing::RawResponse;
using testing::TestConnection;

Response Text(std::string body) {
  Response r;
  r.body = std::move(body);
  r.SetHeader("Content-Type", "text/plain");
  return r;
}

Router TestRouter(std::atomic<int>* in_handler = nullptr,
                  std::atomic<bool>* release = nullptr) {
  Router r;
  r.Add("GET", "/hello", [](const Request&) { return Text("hello"); });
  r.Add("GET", "/whoami", [](const Request& req) {
    return Text(req.principal ? req.principal->user.name : "(public)");
  });
  r.Add("POST", "/echo", [](const Request& req) {
    return Text(std::to_string(req.body.size()) + ":" + req.body);
  });
  r.Add("GET", "/slow", [in_handler, release](const Request&) {
    if (in_handler) in_handler->fetch_add(1);
    while (release && !release->load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return Text("done");
  });
  return r;
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("ncert_server_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store::SqliteOptions o;
    o.path = (dir_ / "ncert.db").string();
    o.clock = &clock_;
    auto s = store::OpenSqliteStore(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    auto& d = store_->directory();
    access::Org org;
    org.name = "Kanto Electric";
    org.type = access::OrgType::kCriticalInfrastructure;
    auto added = d.AddOrg(org);
    ASSERT_TRUE(added.ok()) << added.status().ToString();
    access::User u;
    u.name = "sato";
    u.org_id = added->id;
    u.role = access::Role::kMember;
    auto user = d.AddUser(u);
    ASSERT_TRUE(user.ok());
    auto t = access::NewToken();
    ASSERT_TRUE(t.ok());
    store::TokenRecord rec;
    rec.key_id = t->key_id;
    rec.hash = t->hash;
    rec.user_id = user->id;
    rec.created = clock_.Now();
    ASSERT_TRUE(d.AddToken(rec).ok());
    token_ = t->token;
    options_.listen = "127.0.0.1:0";
    options_.threads = 2;
  }
  void TearDown() override {
    if (server_) server_->Shutdown();
    server_.reset();
    store_.reset();
    if (log_) std::fclose(log_);
    std::filesystem::remove_all(dir_);
  }

  void Start(Router router = TestRouter(), bool with_directory = true) {
    ServerDeps deps;
    deps.directory = with_directory ? &store_->directory() : nullptr;
    deps.clock = &clock_;
    deps.metrics = &metrics_;
    auto s = Server::Create(options_, deps, std::move(router));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    server_ = std::move(*s);
    ASSERT_TRUE(server_->Start().ok());
    ASSERT_NE(server_->port(), 0);
  }

  std::string Metric(const std::string& prefix) {
    std::string text = "\n" + metrics_.Render();
    size_t at = text.find("\n" + prefix + " ");
    if (at == std::string::npos) return "";
    at += 1;
    size_t end = text.find('\n', at);
    return text.substr(at + prefix.size() + 1, end - at - prefix.size() - 1);
  }

  std::filesystem::path dir_;
  FakeClock clock_{Timestamp{1700000000000000}};
  std::unique_ptr<store::Store> store_;
  std::string token_;
  Metrics metrics_;
  ServerOptions options_;
  std::unique_ptr<Server> server_;
  std::FILE* log_ = nullptr;
};

TEST_F(ServerTest, AnswersSeveralRequestsOnOneConnection) {
  Start();
  TestConnection c(server_->port());
  ASSERT_TRUE(c.connected());
  for (int i = 0; i < 3; ++i) {
    RawResponse r = c.Request("GET", "/hello");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "hello");
    EXPECT_NE(r.Header("connection"), "close");
  }
  RawResponse h = c.Request("GET", "/healthz");
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(h.body, "{\"status\":\"ok\"}");
  RawResponse body = c.Request("POST", "/echo", "", "abc");
  EXPECT_EQ(body.body, "3:abc");
  // Expect: 100-continue gets the interim answer before the body is sent.
  ASSERT_TRUE(
      c.Send("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
             "Content-Length: 2\r\n\r\n"));
  RawResponse interim = c.Read();
  EXPECT_EQ(interim.status, 100);
  ASSERT_TRUE(c.Send("hi"));
  EXPECT_EQ(c.Read().body, "2:hi");
  RawResponse missing = c.Request("GET", "/nope");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.Header("content-type"), "application/json");
}

TEST_F(ServerTest, MalformedRequestsGet400AndAClose) {
  Start();
  for (std::string_view bad :
       {std::string_view("GARBAGE\r\n\r\n"), std::string_view("GET /\r\n\r\n"),
        std::string_view("GET / HTTP/1.1\r\nHost\r\n\r\n"),
        std::string_view("GET /a b HTTP/1.1\r\nHost: x\r\n\r\n"),
        std::string_view("GET / HTTP/9.9\r\nHost: x\r\n\r\n"),
        std::string_view("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n",
                         15),
        std::string_view("POST /echo HTTP/1.1\r\nContent-Length: x\r\n\r\n"),
        std::string_view("POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n"
                         "\r\nzz\r\n")}) {
    TestConnection c(server_->port());
    ASSERT_TRUE(c.Send(bad));
    RawResponse r = c.Read();
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_EQ(r.Header("connection"), "close") << bad;
    EXPECT_NE(r.body.find("\"error\":\"bad-request\""), std::string::npos);
    EXPECT_TRUE(c.WaitClosed(10000)) << bad;
  }
  // Targets Beast accepts but ncert does not: absolute form, dot segments,
  // a percent-encoded NUL.
  for (std::string_view target :
       {"http://127.0.0.1/hello", "/a/../hello", "/hello%00", "*"}) {
    TestConnection c(server_->port());
    EXPECT_EQ(c.Request("GET", target).status, 400) << target;
  }
  // The server is still fine.
  TestConnection c(server_->port());
  EXPECT_EQ(c.Request("GET", "/hello").status, 200);
}

TEST_F(ServerTest, OversizedBodyIs413BeforeItIsRead) {
  options_.max_body_bytes = 1024;
  Start();
  {
    // Announces 100 MB and sends 10 bytes: the answer comes at once.
    TestConnection c(server_->port());
    ASSERT_TRUE(
        c.Send("POST /echo HTTP/1.1\r\nHost: x\r\n"
               "Content-Length: 100000000\r\n\r\n0123456789"));
    RawResponse r = c.Read();
    EXPECT_EQ(r.status, 413);
    EXPECT_NE(r.body.find("body-too-large"), std::string::npos);
    EXPECT_TRUE(c.WaitClosed(10000));
  }
  {
    // Chunked: no length up front; stopped once past the limit.
    TestConnection c(server_->port());
    ASSERT_TRUE(
        c.Send("POST /echo HTTP/1.1\r\nHost: x\r\n"
               "Transfer-Encoding: chunked\r\n\r\n"));
    std::string chunk = "200\r\n" + std::string(0x200, 'a') + "\r\n";
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(c.Send(chunk));
    RawResponse r = c.Read();
    EXPECT_EQ(r.status, 413);
  }
  {
    TestConnection c(server_->port());
    RawResponse r = c.Request("POST", "/echo", "", std::string(1024, 'b'));
    EXPECT_EQ(r.status, 200);  // exactly the limit is fine
    EXPECT_EQ(r.body.substr(0, 5), "1024:");
  }
  {
    TestConnection c(server_->port());
    ASSERT_TRUE(c.Send("GET /hello HTTP/1.1\r\nX: " +
                       std::string(options_.max_header_bytes, 'h') +
                       "\r\n\r\n"));
    EXPECT_EQ(c.Read().status, 431);
  }
}

TEST_F(ServerTest, SlowLorisIsDroppedAfterTheHeaderTimeout) {
  options_.header_timeout_ms = 300;
  Start();
  TestConnection c(server_->port());
  ASSERT_TRUE(c.Send("GET /hello HTTP/1.1\r\n"));
  // One byte every 50 ms of a header that never ends: the server must hang
  // up long before 400 bytes (20 s) have gone.
  bool dropped = false;
  for (int i = 0; i < 400 && !dropped; ++i) {
    if (!c.Send("X")) {
      dropped = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    dropped = c.WaitClosed(0);
  }
  EXPECT_TRUE(dropped);
  EXPECT_EQ(Metric("ncert_http_timeouts_total"), "1");
  // Others are still served.
  TestConnection ok(server_->port());
  EXPECT_EQ(ok.Request("GET", "/hello").status, 200);
}

TEST_F(ServerTest, TwoThousandIdleConnectionsDoNotStarveAnother) {
  rlimit lim{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &lim), 0);
  if (lim.rlim_cur < 4500) {
    lim.rlim_cur = std::min<rlim_t>(lim.rlim_max, 4500);
    setrlimit(RLIMIT_NOFILE, &lim);
    getrlimit(RLIMIT_NOFILE, &lim);
  }
  if (lim.rlim_cur < 4200) GTEST_SKIP() << "open-file limit too low";
  options_.header_timeout_ms = 60000;
  Start();
  std::vector<std::unique_ptr<TestConnection>> idle;
  for (int i = 0; i < 2000; ++i) {
    idle.push_back(std::make_unique<TestConnection>(server_->port()));
    ASSERT_TRUE(idle.back()->connected()) << i;
  }
  // Half of them have sent part of a request.
  for (int i = 0; i < 2000; i += 2) ASSERT_TRUE(idle[i]->Send("GET /hel"));
  TestConnection c(server_->port());
  for (int i = 0; i < 20; ++i) {
    RawResponse r = c.Request("GET", "/hello");
    ASSERT_EQ(r.status, 200);
  }
  TestConnection fresh(server_->port());
  EXPECT_EQ(fresh.Request("GET", "/healthz").status, 200);
}

TEST_F(ServerTest, ConnectionLimitClosesTheExtraOnes) {
  options_.max_connections = 3;
  Start();
  std::vector<std::unique_ptr<TestConnection>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(std::make_unique<TestConnection>(server_->port()));
    ASSERT_EQ(held.back()->Request("GET", "/hello").status, 200);
  }
  TestConnection extra(server_->port());
  EXPECT_TRUE(extra.WaitClosed(10000));
  EXPECT_EQ(Metric("ncert_http_connections_rejected_total"), "1");
  held.clear();
  // Once they are gone there is room again.
  bool served = false;
  for (int i = 0; i < 200 && !served; ++i) {
    TestConnection again(server_->port());
    served = again.Request("GET", "/hello").status == 200;
    if (!served) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(served);
}

std::string Base64(std::string_view in) {
  static const char* k =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v =
        (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += k[(v >> s) & 63];
  }
  if (i + 1 == in.size()) {
    uint32_t v = uint8_t(in[i]) << 16;
    out += k[(v >> 18) & 63];
    out += k[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += k[(v >> 18) & 63];
    out += k[(v >> 12) & 63];
    out += k[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

TEST_F(ServerTest, AuthenticatesBearerAndBasicAndAuditsFailures) {
  Start();
  TestConnection c(server_->port());
  EXPECT_EQ(c.Request("GET", "/whoami").body, "(public)");
  EXPECT_EQ(
      c.Request("GET", "/whoami", "Authorization: Bearer " + token_ + "\r\n")
          .body,
      "sato");
  EXPECT_EQ(
      c.Request("GET", "/whoami",
                "Authorization: Basic " + Base64("sato:" + token_) + "\r\n")
          .body,
      "sato");
  EXPECT_EQ(c.Request("GET", "/whoami",
                      "Authorization: Basic " + Base64(":" + token_) + "\r\n")
                .body,
            "sato");
  for (const std::string& bad : std::vector<std::string>{
           "Bearer ncert_nope_nope", "Bearer " + token_ + "x", "Token abc",
           "Basic !!!", "Basic " + Base64("tanaka:" + token_), "Bearer"}) {
    TestConnection b(server_->port());
    RawResponse r =
        b.Request("GET", "/whoami", "Authorization: " + bad + "\r\n");
    EXPECT_EQ(r.status, 401) << bad;
    EXPECT_EQ(r.body,
              "{\"error\":\"unauthorized\",\"message\":\"invalid token\"}");
    EXPECT_NE(r.Header("www-authenticate").find("Bearer"), std::string::npos);
  }
  server_->Shutdown();  // flushes the audit log
  int failures = 0, reads = 0;
  ASSERT_TRUE(
      store_->directory()
          .ScanAudit(
              {},
              [&](const access::AuditEntry& e) {
                if (e.action == "auth" && e.result.rfind("denied", 0) == 0) {
                  // Equal failures queued together are one
                  // entry with a count (" x2").
                  size_t x = e.result.rfind(" x");
                  bool counted = x != std::string::npos &&
                                 e.result.find_first_not_of(
                                     "0123456789", x + 2) == std::string::npos;
                  failures += counted ? std::stoi(e.result.substr(x + 2)) : 1;
                }
                if (e.actor == "sato" && e.action == "read") {
                  ++reads;
                  EXPECT_EQ(e.target, "http GET /whoami");
                }
                return true;
              })
          .ok());
  EXPECT_EQ(failures, 6);  // every one, none merged away
  EXPECT_GE(reads, 1);
  EXPECT_EQ(Metric("ncert_http_auth_failures_total"), "6");
}

TEST_F(ServerTest, RateLimitAnswers429WithRetryAfter) {
  options_.rate_per_second = 1;
  options_.rate_burst = 2;
  Start();
  TestConnection c(server_->port());
  std::string auth = "Authorization: Bearer " + token_ + "\r\n";
  EXPECT_EQ(c.Request("GET", "/hello", auth).status, 200);
  EXPECT_EQ(c.Request("GET", "/hello", auth).status, 200);
  RawResponse r = c.Request("GET", "/hello", auth);
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.Header("retry-after"), "1");
  EXPECT_NE(r.body.find("rate-limited"), std::string::npos);
  // Another principal (here: the public, by address) has its own bucket.
  EXPECT_EQ(c.Request("GET", "/hello").status, 200);
  clock_.Advance(1000000);  // one second: one more token
  EXPECT_EQ(c.Request("GET", "/hello", auth).status, 200);
  EXPECT_EQ(c.Request("GET", "/hello", auth).status, 429);
  EXPECT_EQ(Metric("ncert_http_rate_limited_total"), "2");
}

TEST_F(ServerTest, MetricsCountRequestsByRouteAndStatus) {
  Start();
  TestConnection c(server_->port());
  for (int i = 0; i < 3; ++i) c.Request("GET", "/hello");
  c.Request("GET", "/missing");
  RawResponse m = c.Request("GET", "/metrics");
  EXPECT_EQ(m.status, 200);
  EXPECT_EQ(m.Header("content-type"),
            "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(
      m.body.find(
          "ncert_http_requests_total{route=\"GET /hello\",status=\"200\"} 3"),
      std::string::npos)
      << m.body;
  EXPECT_NE(m.body.find("ncert_http_requests_total{route=\"(unmatched)\","
                        "status=\"404\"} 1"),
            std::string::npos);
  EXPECT_NE(m.body.find("ncert_http_request_duration_seconds_count{route=\"GET "
                        "/hello\"} 3"),
            std::string::npos);
  EXPECT_NE(m.body.find("# TYPE ncert_http_request_duration_seconds histogram"),
            std::string::npos);
  EXPECT_NE(m.body.find("ncert_http_connections 1"), std::string::npos);
}

TEST_F(ServerTest, AccessLogWritesOneJsonLinePerRequest) {
  log_ = std::tmpfile();
  options_.access_log = log_;
  Start();
  {
    TestConnection c(server_->port());
    c.Request("GET", "/hello?x=1");
    c.Request("GET", "/whoami", "Authorization: Bearer " + token_ + "\r\n");
    c.Request("GET", "/nope");
  }
  server_->Shutdown();
  std::fflush(log_);
  std::rewind(log_);
  char line[4096];
  std::vector<std::string> lines;
  while (std::fgets(line, sizeof line, log_)) lines.emplace_back(line);
  ASSERT_EQ(lines.size(), 3u);
  simdjson::dom::parser parser;
  std::vector<std::string> principals;
  for (const std::string& l : lines) {
    simdjson::dom::element el;
    ASSERT_EQ(parser.parse(l).get(el), simdjson::SUCCESS) << l;
    for (const char* key : {"time", "remote", "principal", "method", "path",
                            "status", "bytes", "duration_us"}) {
      EXPECT_FALSE(el[key].error()) << key << " in " << l;
    }
    std::string_view p;
    principals.emplace_back(
        el["principal"].get_string().get(p) ? "null" : std::string(p));
  }
  EXPECT_NE(lines[0].find("\"path\":\"/hello\""), std::string::npos);
  EXPECT_NE(lines[0].find("\"status\":200,\"bytes\":5,"), std::string::npos);
  EXPECT_EQ(principals, (std::vector<std::string>{"null", "sato", "null"}));
  EXPECT_NE(lines[2].find("\"status\":404"), std::string::npos);
}

TEST_F(ServerTest, ShutdownFinishesTheRequestInFlight) {
  std::atomic<int> in_handler{0};
  std::atomic<bool> release{false};
  options_.shutdown_grace_ms = 20000;
  Start(TestRouter(&in_handler, &release));
  TestConnection busy(server_->port());
  TestConnection idle(server_->port());
  ASSERT_EQ(idle.Request("GET", "/hello").status, 200);
  ASSERT_TRUE(busy.Send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"));
  while (in_handler.load() == 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  std::thread stopper([&] { server_->Shutdown(); });
  // The idle keep-alive connection is closed; the busy one is not yet.
  EXPECT_TRUE(idle.WaitClosed(10000));
  // New connections are refused once the acceptor is closed.
  bool refused = false;
  for (int i = 0; i < 500 && !refused; ++i) {
    TestConnection late(server_->port());
    refused = !late.connected() || late.WaitClosed(20);
  }
  EXPECT_TRUE(refused);
  release = true;
  RawResponse r = busy.Read();
  stopper.join();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "done");
  EXPECT_EQ(r.Header("connection"), "close");
}

TEST_F(ServerTest, WithoutADirectoryEveryoneIsPublic) {
  Start(TestRouter(), false);
  TestConnection c(server_->port());
  EXPECT_EQ(c.Request("GET", "/whoami").body, "(public)");
  EXPECT_EQ(c.Request("GET", "/whoami", "Authorization: Bearer x\r\n").status,
            401);
}

TEST(ServerCreateTest, RejectsBadOptions) {
  FakeClock clock{Timestamp{0}};
  Metrics metrics;
  ServerDeps deps;
  deps.clock = &clock;
  deps.metrics = &metrics;
  for (std::string listen : {"nohost", "127.0.0.1:", "localhost:80",
                             "127.0.0.1:99999", "127.0.0.1:8x"}) {
    ServerOptions o;
    o.listen = listen;
    EXPECT_FALSE(Server::Create(o, deps, Router()).ok()) << listen;
  }
  ServerOptions o;
  o.listen = "127.0.0.1:0";
  o.tls_cert = "/nonexistent/cert.pem";
  EXPECT_FALSE(Server::Create(o, deps, Router()).ok());
  o.tls_key = "/nonexistent/key.pem";
  auto s = Server::Create(o, deps, Router());
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("/nonexistent/cert.pem"),
            std::string::npos);
}

}  // namespace
}  // namespace ncert::server
