// The server over TLS on 127.0.0.1 with the self-signed fixture certificate:
// a TLS 1.2+ client is served; TLS 1.1 and plain HTTP on the TLS port are not.

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "server/server.h"
#include "server/test_client.h"

namespace ncert::server {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Router router;
    router.Add("GET", "/hello", [](const Request& req) {
      Response r;
      r.body = "hello over tls " + req.remote.substr(0, 9);
      return r;
    });
    ServerOptions o;
    o.listen = "127.0.0.1:0";
    o.tls_cert = "tests/fixtures/server/cert.pem";
    o.tls_key = "tests/fixtures/server/key.pem";
    o.header_timeout_ms = 2000;
    ServerDeps deps;
    deps.clock = &clock_;
    deps.metrics = &metrics_;
    auto s = Server::Create(o, deps, std::move(router));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    server_ = std::move(*s);
    ASSERT_TRUE(server_->Start().ok());
  }

  // Returns the status and body, or status 0 if the handshake failed.
  std::pair<int, std::string> Get(bool tls12_or_later) {
    net::io_context ioc;
    ssl::context ctx(ssl::context::tls_client);
    ctx.load_verify_file("tests/fixtures/server/cert.pem");
    ctx.set_verify_mode(ssl::verify_peer);
    if (!tls12_or_later) {
      SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_1_VERSION);
      SSL_CTX_set_max_proto_version(ctx.native_handle(), TLS1_1_VERSION);
      SSL_CTX_set_security_level(ctx.native_handle(), 0);
    }
    beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
    beast::error_code ec;
    beast::get_lowest_layer(stream).connect(
        net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"),
                               server_->port()),
        ec);
    if (ec) return {0, ec.message()};
    stream.handshake(ssl::stream_base::client, ec);
    if (ec) return {0, ec.message()};
    http::request<http::empty_body> req(http::verb::get, "/hello", 11);
    req.set(http::field::host, "127.0.0.1");
    http::write(stream, req, ec);
    if (ec) return {0, ec.message()};
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(stream, buffer, res, ec);
    if (ec) return {0, ec.message()};
    return {static_cast<int>(res.result_int()), res.body()};
  }

  FakeClock clock_{Timestamp{0}};
  Metrics metrics_;
  std::unique_ptr<Server> server_;
};

TEST_F(TlsTest, ServesTls12OrLater) {
  auto [status, body] = Get(true);
  EXPECT_EQ(status, 200) << body;
  EXPECT_EQ(body, "hello over tls 127.0.0.1");
}

TEST_F(TlsTest, RefusesTls11) {
  auto [status, body] = Get(false);
  EXPECT_EQ(status, 0) << body;
}

TEST_F(TlsTest, PlainHttpOnTheTlsPortIsDropped) {
  testing::TestConnection c(server_->port());
  ASSERT_TRUE(c.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_EQ(c.Read(5000).status, 0);
  EXPECT_TRUE(c.WaitClosed(5000));
  // The server still serves TLS afterwards.
  EXPECT_EQ(Get(true).first, 200);
}

}  // namespace
}  // namespace ncert::server
