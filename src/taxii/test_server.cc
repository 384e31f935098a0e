#include "taxii/test_server.h"

#include <sodium.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace ncert::taxii {
namespace {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

std::vector<std::string> Segments(std::string_view path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (j > i) out.emplace_back(path.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

std::string Decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() &&
        std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(
          std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else if (s[i] == '+') {
      out += ' ';
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

struct TestServer::Impl {
  net::io_context ioc;
  tcp::acceptor acceptor{ioc};
};

TestServer::TestServer() : impl_(std::make_unique<Impl>()) {}
TestServer::~TestServer() { Stop(); }

void TestServer::Add(std::string method, std::string pattern,
                     server::Handler h) {
  routes_.push_back({std::move(method), Segments(pattern), std::move(h)});
}

void TestServer::AddUser(std::string user, std::string password,
                         access::Principal p) {
  users_[std::move(user)] = {std::move(password), std::move(p)};
}

server::Response TestServer::Dispatch(server::Request& r) const {
  std::vector<std::string> segs = Segments(r.path);
  for (const Route& route : routes_) {
    if (route.method != r.method || route.segments.size() != segs.size()) {
      continue;
    }
    std::map<std::string, std::string> params;
    bool match = true;
    for (size_t i = 0; i < segs.size() && match; ++i) {
      const std::string& p = route.segments[i];
      if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
        params[p.substr(1, p.size() - 2)] = segs[i];
      } else {
        match = p == segs[i];
      }
    }
    if (!match) continue;
    r.params = std::move(params);
    return route.handler(r);
  }
  server::Response nf;
  nf.status = 404;
  return nf;
}

int TestServer::Start() {
  tcp::endpoint ep(net::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(ep.protocol());
  impl_->acceptor.set_option(net::socket_base::reuse_address(true));
  impl_->acceptor.bind(ep);
  impl_->acceptor.listen();
  int port = impl_->acceptor.local_endpoint().port();
  thread_ = std::thread([this] {
    while (!stop_) {
      beast::error_code ec;
      tcp::socket sock(impl_->ioc);
      impl_->acceptor.accept(sock, ec);
      if (ec || stop_) continue;
      beast::flat_buffer buf;
      http::request_parser<http::string_body> parser;
      parser.body_limit(64u << 20);
      http::read(sock, buf, parser, ec);
      if (ec) continue;
      auto& req = parser.get();
      server::Request r;
      r.method = std::string(req.method_string());
      r.target = std::string(req.target());
      std::string_view t = r.target;
      size_t q = t.find('?');
      r.path = Decode(t.substr(0, q));
      if (q != std::string_view::npos) {
        std::string_view qs = t.substr(q + 1);
        size_t i = 0;
        while (i <= qs.size()) {
          size_t amp = qs.find('&', i);
          if (amp == std::string_view::npos) amp = qs.size();
          std::string_view kv = qs.substr(i, amp - i);
          size_t eq = kv.find('=');
          if (!kv.empty()) {
            r.query.emplace_back(
                Decode(kv.substr(0, eq)),
                eq == std::string_view::npos ? "" : Decode(kv.substr(eq + 1)));
          }
          i = amp + 1;
        }
      }
      for (const auto& f : req) {
        std::string name(f.name_string());
        for (char& c : name) c = static_cast<char>(std::tolower(c));
        r.headers[name] = std::string(f.value());
      }
      r.body = std::move(req.body());
      std::string auth = r.headers["authorization"];
      bool denied = false;
      if (auth.rfind("Basic ", 0) == 0) {
        std::string raw(auth.size(), '\0');
        size_t len = 0;
        denied = true;
        if (sodium_base642bin(reinterpret_cast<unsigned char*>(raw.data()),
                              raw.size(), auth.data() + 6, auth.size() - 6,
                              nullptr, &len, nullptr,
                              sodium_base64_VARIANT_ORIGINAL) == 0) {
          raw.resize(len);
          size_t colon = raw.find(':');
          auto it = users_.find(raw.substr(0, colon));
          if (colon != std::string::npos && it != users_.end() &&
              it->second.first == raw.substr(colon + 1)) {
            r.principal = &it->second.second;
            denied = false;
          }
        }
      }
      server::Response resp;
      if (denied) {
        resp.status = 401;
      } else {
        resp = Dispatch(r);
      }
      http::response<http::string_body> res{
          static_cast<http::status>(resp.status), 11};
      for (const auto& [k, v] : resp.headers) res.set(k, v);
      res.body() = std::move(resp.body);
      res.prepare_payload();
      http::write(sock, res, ec);
      sock.shutdown(tcp::socket::shutdown_both, ec);
    }
  });
  return port;
}

void TestServer::Stop() {
  if (!thread_.joinable()) return;
  stop_ = true;
  // Wake the blocking accept with one connection.
  beast::error_code ec;
  net::io_context ioc;
  tcp::socket s(ioc);
  s.connect(impl_->acceptor.local_endpoint(), ec);
  thread_.join();
  impl_->acceptor.close(ec);
}

}  // namespace ncert::taxii
