#include "server/server.h"

#include <fmt/format.h>

#include <array>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/json.h"
#include "server/auth.h"
#include "server/target.h"

namespace ncert::server {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

// A Beast body that sends a shared, immutable string in place: a response
// built from Response::shared_body costs no copy of it (Response::body is
// moved in as a new shared string).
struct SharedStringBody {
  using value_type = std::shared_ptr<const std::string>;

  static std::uint64_t size(const value_type& body) {
    return body ? body->size() : 0;
  }

  class writer {
   public:
    using const_buffers_type = net::const_buffer;

    template <bool isRequest, class Fields>
    writer(const http::header<isRequest, Fields>&, const value_type& body)
        : body_(body) {}

    void init(beast::error_code& ec) { ec = {}; }

    boost::optional<std::pair<const_buffers_type, bool>> get(
        beast::error_code& ec) {
      ec = {};
      if (done_ || !body_ || body_->empty()) return boost::none;
      done_ = true;
      return {{net::const_buffer(body_->data(), body_->size()), false}};
    }

   private:
    const value_type& body_;
    bool done_ = false;
  };
};

Result<tcp::endpoint> ParseListen(const std::string& listen) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon + 1 >= listen.size()) {
    return Status::InvalidArgument(fmt::format(
        "listen address '{}' is not host:port (e.g. 127.0.0.1:8443)", listen));
  }
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  int port = 0;
  for (char c : listen.substr(colon + 1)) {
    if (c < '0' || c > '9' || port > 65535) {
      return Status::InvalidArgument(
          fmt::format("listen address '{}': bad port", listen));
    }
    port = port * 10 + (c - '0');
  }
  if (port > 65535) {
    return Status::InvalidArgument(
        fmt::format("listen address '{}': port above 65535", listen));
  }
  boost::system::error_code ec;
  auto addr = net::ip::make_address(host, ec);
  if (ec) {
    return Status::InvalidArgument(fmt::format(
        "listen address '{}': '{}' is not an IP address", listen, host));
  }
  return tcp::endpoint(addr, static_cast<uint16_t>(port));
}

std::string EndpointText(const tcp::endpoint& ep) {
  if (ep.address().is_v6()) {
    return fmt::format("[{}]:{}", ep.address().to_string(), ep.port());
  }
  return fmt::format("{}:{}", ep.address().to_string(), ep.port());
}

// A request Beast could not parse (answered 400), as opposed to the peer
// going away or a timeout (the connection is just closed).
bool IsParseError(const boost::system::error_code& ec) {
  return ec.category() ==
             http::make_error_code(http::error::bad_method).category() &&
         ec != http::error::end_of_stream &&
         ec != http::error::partial_message && ec != http::error::need_more;
}

class ServerImpl;

// What the server keeps of a connection for shutdown.
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  // Posts to the session's strand: close now if idle, else after the
  // request in flight.
  virtual void Stop() = 0;
};

struct RouteStats {
  std::string name;
  Histogram* latency = nullptr;
  std::array<std::atomic<Counter*>, 600> by_status{};
};

class ServerImpl final : public Server {
 public:
  ServerImpl(ServerOptions options, ServerDeps deps, Router router)
      : options_(std::move(options)), deps_(deps), router_(std::move(router)) {}
  ~ServerImpl() override { Shutdown(); }

  Status Init();
  Status Start() override;
  std::string address() const override { return address_; }
  uint16_t port() const override { return port_; }
  void Shutdown() override;

  // For sessions.
  const ServerOptions& options() const { return options_; }
  const Router& router() const { return router_; }
  Authenticator* auth() { return auth_.get(); }
  RateLimiter& limiter() { return *limiter_; }
  bool draining() const { return draining_.load(); }
  void Unregister(SessionBase* s);
  void ConnectionOpened() {
    connections_.fetch_add(1);
    connections_gauge_->Add(1);
  }
  void ConnectionClosed() {
    connections_.fetch_sub(1);
    connections_gauge_->Add(-1);
  }
  Counter& timeouts() { return *timeouts_; }
  Counter& auth_failures() { return *auth_failures_; }
  Counter& rate_limited() { return *rate_limited_; }
  // Metrics, access log and audit of one finished request.
  void Finished(int route, const std::string& method, const std::string& target,
                const std::string& path, int status, size_t bytes,
                SteadyClock::duration took, const std::string& remote,
                const access::Principal* who);

 private:
  void Accept();
  Counter& StatusCounter(RouteStats& rs, int status);

  ServerOptions options_;
  ServerDeps deps_;
  Router router_;
  std::string address_;
  uint16_t port_ = 0;
  tcp::endpoint endpoint_;
  bool started_ = false;
  std::atomic<bool> draining_{false};
  bool shut_ = false;
  std::atomic<int> connections_{0};

  Gauge* connections_gauge_ = nullptr;
  Counter* rejected_ = nullptr;
  Counter* timeouts_ = nullptr;
  Counter* auth_failures_ = nullptr;
  Counter* rate_limited_ = nullptr;
  Counter* response_bytes_ = nullptr;
  std::vector<std::unique_ptr<RouteStats>> route_stats_;  // last: unmatched

  std::unique_ptr<AuditSink> own_audit_;  // when deps_.audit is null
  AuditSink* audit_ = nullptr;
  std::unique_ptr<Authenticator> auth_;
  std::unique_ptr<RateLimiter> limiter_;

  std::mutex sessions_mu_;
  std::unordered_map<SessionBase*, std::weak_ptr<SessionBase>>
      sessions_;  // guarded by sessions_mu_

  std::optional<ssl::context> ssl_ctx_;
  // Destroyed before everything above (reverse order): pending handlers
  // release their sessions, which unregister themselves.
  net::io_context ioc_;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work_;
  std::optional<tcp::acceptor> acceptor_;
  std::vector<std::thread> threads_;

 public:
  void Register(const std::shared_ptr<SessionBase>& s) {
    std::lock_guard<std::mutex> lock(sessions_mu_);
    sessions_[s.get()] = s;
  }
};

// One connection: reads requests one after another and answers each.
// Runs on its own strand, so its members need no lock.
template <class Stream>
class Session final : public SessionBase,
                      public std::enable_shared_from_this<Session<Stream>> {
 public:
  template <class... Args>
  Session(ServerImpl& srv, std::string remote, Args&&... args)
      : srv_(srv),
        stream_(std::forward<Args>(args)...),
        remote_(std::move(remote)) {
    srv_.ConnectionOpened();
  }
  ~Session() override {
    srv_.Unregister(this);
    srv_.ConnectionClosed();
  }

  void Run() {
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      DoRead();
    } else {
      Lowest().expires_after(
          std::chrono::milliseconds(srv_.options().header_timeout_ms));
      stream_.async_handshake(
          ssl::stream_base::server,
          [self = this->shared_from_this()](beast::error_code ec) {
            if (ec) return self->Close();
            self->DoRead();
          });
    }
  }

  void Stop() override {
    net::post(stream_.get_executor(), [self = this->shared_from_this()] {
      self->stopping_ = true;
      if (!self->busy_) self->Close();
    });
  }

 private:
  beast::tcp_stream& Lowest() { return beast::get_lowest_layer(stream_); }

  void Close() {
    if (closed_) return;
    closed_ = true;
    beast::error_code ec;
    Lowest().socket().shutdown(tcp::socket::shutdown_both, ec);
    Lowest().socket().close(ec);
  }

  void DoRead() {
    busy_ = false;
    if (stopping_ || srv_.draining()) return Close();
    parser_.emplace();
    parser_->header_limit(srv_.options().max_header_bytes);
    parser_->body_limit(srv_.options().max_body_bytes);
    Lowest().expires_after(
        std::chrono::milliseconds(first_ ? srv_.options().header_timeout_ms
                                         : srv_.options().idle_timeout_ms));
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code ec, size_t) {
          self->OnHeader(ec);
        });
  }

  void OnHeader(beast::error_code ec) {
    start_ = SteadyClock::now();
    busy_ = true;
    principal_.reset();
    route_ = -1;
    if (ec) {
      if (ec == beast::error::timeout) srv_.timeouts().Add();
      if (ec == http::error::body_limit) {  // Content-Length too large
        return Fail(413, "body-too-large",
                    fmt::format("request body exceeds the limit of {} bytes",
                                srv_.options().max_body_bytes));
      }
      if (ec == http::error::header_limit) {
        return Fail(431, "header-too-large",
                    fmt::format("request headers exceed {} bytes",
                                srv_.options().max_header_bytes));
      }
      if (IsParseError(ec)) {
        method_ = "-";
        target_ = "-";
        return Fail(400, "bad-request",
                    "malformed HTTP request: " + ec.message());
      }
      return Close();
    }
    auto& req = parser_->get();
    method_ = std::string(req.method_string());
    target_ = std::string(req.target());
    if (req.version() != 11 && req.version() != 10) {
      return Fail(505, "http-version", "only HTTP/1.0 and 1.1 are served");
    }
    if (auto cl = parser_->content_length();
        cl && *cl > srv_.options().max_body_bytes) {
      return Fail(413, "body-too-large",
                  fmt::format("request body of {} bytes exceeds the limit of "
                              "{} bytes",
                              *cl, srv_.options().max_body_bytes));
    }
    if (Authenticator* auth = srv_.auth()) {
      auto it = req.find(http::field::authorization);
      std::string_view value =
          it == req.end()
              ? std::string_view()
              : std::string_view(it->value().data(), it->value().size());
      AuthResult a = auth->Authenticate(value, remote_);
      if (!a.ok) {
        srv_.auth_failures().Add();
        Response r = ErrorResponse(401, "unauthorized", "invalid token");
        r.SetHeader("WWW-Authenticate",
                    "Bearer realm=\"ncert\", Basic realm=\"ncert\"");
        return Send(std::move(r), false);
      }
      principal_ = std::move(a.principal);
    } else if (req.find(http::field::authorization) != req.end()) {
      srv_.auth_failures().Add();
      return Fail(401, "unauthorized", "this server has no token directory");
    }
    if (srv_.limiter().enabled()) {
      std::string key = principal_
                            ? "u:" + principal_->user.name
                            : "ip:" + remote_.substr(0, remote_.rfind(':'));
      int retry = 1;
      if (!srv_.limiter().Allow(key, &retry)) {
        srv_.rate_limited().Add();
        Response r = ErrorResponse(
            429, "rate-limited",
            fmt::format("too many requests; retry after {} s", retry));
        r.SetHeader("Retry-After", std::to_string(retry));
        return Send(std::move(r), parser_->is_done() && req.keep_alive());
      }
    }
    if (parser_->is_done()) return Handle();
    if (beast::iequals(req[http::field::expect], "100-continue")) {
      // The client waits for this before it sends the body (RFC 9110 10.1.1).
      auto interim = std::make_shared<http::response<http::empty_body>>(
          http::status::continue_, 11);
      Lowest().expires_after(
          std::chrono::milliseconds(srv_.options().write_timeout_ms));
      http::async_write(stream_, *interim,
                        [self = this->shared_from_this(), interim](
                            beast::error_code e, size_t) {
                          if (e) return self->Close();
                          self->ReadBody();
                        });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    Lowest().expires_after(
        std::chrono::milliseconds(srv_.options().body_timeout_ms));
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](
                         beast::error_code e, size_t) { self->OnBody(e); });
  }

  void OnBody(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      return Fail(413, "body-too-large",
                  fmt::format("request body exceeds the limit of {} bytes",
                              srv_.options().max_body_bytes));
    }
    if (ec == beast::error::timeout) {
      srv_.timeouts().Add();
      return Close();
    }
    if (ec) {
      if (IsParseError(ec)) {
        return Fail(400, "bad-request",
                    "malformed request body: " + ec.message());
      }
      return Close();
    }
    Handle();
  }

  void Handle() {
    auto& msg = parser_->get();
    Request req;
    req.method = method_;
    req.target = target_;
    auto t = ParseTarget(target_);
    if (!t.ok()) return Fail(400, "bad-request", t.status().message());
    req.path = std::move(t->path);
    req.query = std::move(t->query);
    for (const auto& f : msg) {
      std::string name(f.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(c));
      auto [it, inserted] =
          req.headers.try_emplace(name, std::string(f.value()));
      if (!inserted) {  // RFC 9110: repeated fields join with ", "
        it->second += ", ";
        it->second += std::string_view(f.value().data(), f.value().size());
      }
    }
    req.body = std::move(msg.body());
    req.remote = remote_;
    req.principal = principal_.get();
    path_ = req.path;
    bool keep_alive = msg.keep_alive();
    Response res;
    try {
      res = srv_.router().Handle(req, &route_);
    } catch (const std::exception& e) {
      res = ErrorResponse(500, "internal", "internal error");
    }
    Send(std::move(res), keep_alive);
  }

  void Fail(int status, std::string_view error, std::string_view message) {
    if (method_.empty()) method_ = "-";
    Send(ErrorResponse(status, error, message), false);
  }

  void Send(Response r, bool keep_alive) {
    keep_alive = keep_alive && !stopping_ && !srv_.draining();
    res_ = {};
    res_.version(11);
    res_.result(static_cast<unsigned>(r.status));
    res_.set(http::field::server, "ncert");
    for (auto& [k, v] : r.headers) res_.set(k, v);
    res_.body() = r.shared_body
                      ? std::move(r.shared_body)
                      : std::make_shared<const std::string>(std::move(r.body));
    res_.keep_alive(keep_alive);
    res_.prepare_payload();
    if (method_ == "HEAD") res_.body() = nullptr;
    status_ = r.status;
    bytes_ = SharedStringBody::size(res_.body());
    Lowest().expires_after(
        std::chrono::milliseconds(srv_.options().write_timeout_ms));
    http::async_write(stream_, res_,
                      [self = this->shared_from_this()](
                          beast::error_code ec, size_t) { self->OnWrite(ec); });
  }

  void OnWrite(beast::error_code ec) {
    srv_.Finished(route_, method_, target_, path_, status_, bytes_,
                  SteadyClock::now() - start_, remote_, principal_.get());
    bool keep = res_.keep_alive();
    method_.clear();
    target_.clear();
    path_.clear();
    if (ec || !keep) return Close();
    first_ = false;
    DoRead();
  }

  ServerImpl& srv_;
  Stream stream_;
  std::string remote_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<SharedStringBody> res_;
  bool busy_ = false, stopping_ = false, first_ = true, closed_ = false;
  SteadyClock::time_point start_;
  std::shared_ptr<const access::Principal> principal_;
  int route_ = -1;
  int status_ = 0;
  size_t bytes_ = 0;
  std::string method_, target_, path_;
};

Status ServerImpl::Init() {
  if (deps_.clock == nullptr || deps_.metrics == nullptr) {
    return Status::InvalidArgument(
        "server needs a clock and a metrics registry");
  }
  if (options_.threads < 1 || options_.threads > 256) {
    return Status::InvalidArgument(
        fmt::format("threads must be 1..256, not {}", options_.threads));
  }
  ASSIGN_OR_RETURN(endpoint_, ParseListen(options_.listen));
  if (options_.tls_cert.empty() != options_.tls_key.empty()) {
    return Status::InvalidArgument(
        "TLS needs both a certificate and a key (--tls-cert and --tls-key)");
  }
  if (!options_.tls_cert.empty()) {
    ssl_ctx_.emplace(ssl::context::tls_server);
    boost::system::error_code ec;
    ssl_ctx_->set_options(
        ssl::context::default_workarounds | ssl::context::no_sslv2 |
            ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
            ssl::context::no_tlsv1_1 | ssl::context::single_dh_use,
        ec);
    ssl_ctx_->use_certificate_chain_file(options_.tls_cert, ec);
    if (ec) {
      return Status::InvalidArgument(fmt::format(
          "TLS certificate {}: {}", options_.tls_cert, ec.message()));
    }
    ssl_ctx_->use_private_key_file(options_.tls_key, ssl::context::pem, ec);
    if (ec) {
      return Status::InvalidArgument(
          fmt::format("TLS key {}: {}", options_.tls_key, ec.message()));
    }
  }
  Metrics& m = *deps_.metrics;
  connections_gauge_ =
      &m.AddGauge("ncert_http_connections", "Open HTTP connections");
  rejected_ = &m.AddCounter("ncert_http_connections_rejected_total",
                            "Connections closed at once: connection limit");
  timeouts_ =
      &m.AddCounter("ncert_http_timeouts_total",
                    "Connections dropped by a header, body or idle timeout");
  auth_failures_ =
      &m.AddCounter("ncert_http_auth_failures_total", "Requests answered 401");
  rate_limited_ =
      &m.AddCounter("ncert_http_rate_limited_total", "Requests answered 429");
  response_bytes_ = &m.AddCounter("ncert_http_response_bytes_total",
                                  "Response body bytes sent");
  for (size_t i = 0; i <= router_.size(); ++i) {
    auto rs = std::make_unique<RouteStats>();
    rs->name = i < router_.size() ? router_.RouteName(static_cast<int>(i))
                                  : std::string("(unmatched)");
    rs->latency = &m.AddHistogram("ncert_http_request_duration_seconds",
                                  "Time from the end of the headers to the "
                                  "response written, by route",
                                  {{"route", rs->name}}, LatencyBuckets());
    route_stats_.push_back(std::move(rs));
  }
  if (deps_.directory != nullptr) {
    audit_ = deps_.audit;
    if (audit_ == nullptr) {
      own_audit_ = std::make_unique<AuditSink>(*deps_.directory, deps_.log,
                                               deps_.metrics);
      audit_ = own_audit_.get();
    }
    auth_ = std::make_unique<Authenticator>(
        *deps_.directory, *deps_.clock, audit_, options_.auth_cache_ms * 1000);
  }
  double burst = options_.rate_burst > 0 ? options_.rate_burst
                                         : 2 * options_.rate_per_second;
  limiter_ = std::make_unique<RateLimiter>(*deps_.clock,
                                           options_.rate_per_second, burst);
  return Status::Ok();
}

Counter& ServerImpl::StatusCounter(RouteStats& rs, int status) {
  if (status < 100 || status > 599) status = 599;
  Counter* c = rs.by_status[status].load(std::memory_order_acquire);
  if (c == nullptr) {
    c = &deps_.metrics->AddCounter(
        "ncert_http_requests_total",
        "HTTP requests answered, by route and status",
        {{"route", rs.name}, {"status", std::to_string(status)}});
    rs.by_status[status].store(c, std::memory_order_release);
  }
  return *c;
}

void ServerImpl::Finished(int route, const std::string& method,
                          const std::string& target, const std::string& path,
                          int status, size_t bytes, SteadyClock::duration took,
                          const std::string& remote,
                          const access::Principal* who) {
  RouteStats& rs = *route_stats_[route >= 0 ? static_cast<size_t>(route)
                                            : route_stats_.size() - 1];
  int64_t micros =
      std::chrono::duration_cast<std::chrono::microseconds>(took).count();
  StatusCounter(rs, status).Add();
  rs.latency->Observe(static_cast<double>(micros) / 1e6);
  response_bytes_->Add(bytes);
  if (options_.access_log != nullptr) {
    std::string line = "{\"time\":";
    AppendJsonString(FormatTimestamp(deps_.clock->Now(), 6), &line);
    line += ",\"remote\":";
    AppendJsonString(remote, &line);
    line += ",\"principal\":";
    if (who) {
      AppendJsonString(who->user.name, &line);
    } else {
      line += "null";
    }
    line += ",\"method\":";
    AppendJsonString(method, &line);
    line += ",\"path\":";
    AppendJsonString(path.empty() ? target.substr(0, target.find('?')) : path,
                     &line);
    line += fmt::format(",\"status\":{},\"bytes\":{},\"duration_us\":{}}}\n",
                        status, bytes, micros);
    std::fwrite(line.data(), 1, line.size(), options_.access_log);
  }
  if (who != nullptr && audit_ && options_.audit_requests) {
    access::AuditEntry e;
    e.actor = who->user.name;
    e.action = (method == "GET" || method == "HEAD") ? "read" : "write";
    e.target = "http " + method + " " + target.substr(0, 512);
    e.result = fmt::format("status {}", status);
    audit_->Record(std::move(e));
  }
}

void ServerImpl::Unregister(SessionBase* s) {
  std::lock_guard<std::mutex> lock(sessions_mu_);
  sessions_.erase(s);
}

Status ServerImpl::Start() {
  if (started_) return Status::FailedPrecondition("server already started");
  boost::system::error_code ec;
  acceptor_.emplace(net::make_strand(ioc_));
  acceptor_->open(endpoint_.protocol(), ec);
  if (!ec) acceptor_->set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_->bind(endpoint_, ec);
  if (!ec) acceptor_->listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status::IoError(
        fmt::format("cannot listen on {}: {}", options_.listen, ec.message()));
  }
  auto local = acceptor_->local_endpoint(ec);
  port_ = local.port();
  address_ = EndpointText(local);
  started_ = true;
  work_.emplace(ioc_.get_executor());
  Accept();
  for (int i = 0; i < options_.threads; ++i) {
    threads_.emplace_back([this] {
      while (true) {
        try {
          ioc_.run();
          return;
        } catch (const std::exception& e) {
          if (deps_.log) deps_.log->Error("server thread: {}", e.what());
        }
      }
    });
  }
  return Status::Ok();
}

void ServerImpl::Accept() {
  acceptor_->async_accept(net::make_strand(ioc_), [this](beast::error_code ec,
                                                         tcp::socket socket) {
    if (ec == net::error::operation_aborted || draining_) return;
    if (!ec) {
      if (connections_.load() >= options_.max_connections) {
        rejected_->Add();
        beast::error_code ignored;
        socket.close(ignored);
      } else {
        beast::error_code rec;
        auto ep = socket.remote_endpoint(rec);
        std::string remote = rec ? "?" : EndpointText(ep);
        socket.set_option(tcp::no_delay(true), rec);
        if (ssl_ctx_) {
          auto s =
              std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(
                  *this, std::move(remote), std::move(socket), *ssl_ctx_);
          Register(s);
          s->Run();
        } else {
          auto s = std::make_shared<Session<beast::tcp_stream>>(
              *this, std::move(remote), std::move(socket));
          Register(s);
          s->Run();
        }
      }
    } else if (deps_.log) {
      deps_.log->Warning("accept: {}", ec.message());
    }
    Accept();
  });
}

void ServerImpl::Shutdown() {
  if (shut_ || !started_) return;
  shut_ = true;
  draining_ = true;
  net::post(acceptor_->get_executor(), [this] {
    beast::error_code ec;
    acceptor_->close(ec);
  });
  std::vector<std::shared_ptr<SessionBase>> live;
  {
    std::lock_guard<std::mutex> lock(sessions_mu_);
    for (auto& [ptr, weak] : sessions_) {
      if (auto s = weak.lock()) live.push_back(std::move(s));
    }
  }
  for (auto& s : live) s->Stop();
  live.clear();
  auto deadline = SteadyClock::now() +
                  std::chrono::milliseconds(options_.shutdown_grace_ms);
  while (connections_.load() > 0 && SteadyClock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  work_.reset();
  ioc_.stop();
  for (auto& t : threads_) t.join();
  threads_.clear();
  if (audit_) audit_->Flush();
}

}  // namespace

Result<std::unique_ptr<Server>> Server::Create(ServerOptions options,
                                               ServerDeps deps, Router router) {
  Metrics* metrics = deps.metrics;
  router.Add("GET", "/healthz", [](const Request&) {
    Response r;
    r.body = "{\"status\":\"ok\"}";
    r.SetHeader("Content-Type", "application/json");
    return r;
  });
  router.Add("GET", "/metrics", [metrics](const Request&) {
    Response r;
    r.body = metrics ? metrics->Render() : "";
    r.SetHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    return r;
  });
  auto s =
      std::make_unique<ServerImpl>(std::move(options), deps, std::move(router));
  RETURN_IF_ERROR(s->Init());
  return std::unique_ptr<Server>(std::move(s));
}

}  // namespace ncert::server
