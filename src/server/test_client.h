// A tiny blocking HTTP/1.1 client over raw sockets on loopback, for the
// server's tests: it sends exactly the bytes a test gives (malformed ones
// included) and reads one response.
//
// Thread safety: one TestConnection per thread.
#ifndef NCERT_SERVER_TEST_CLIENT_H_
#define NCERT_SERVER_TEST_CLIENT_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace ncert::server::testing {

struct RawResponse {
  int status = 0;  // 0: the connection closed before a response
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

class TestConnection {
 public:
  explicit TestConnection(uint16_t port);  // connects to 127.0.0.1:port
  ~TestConnection();
  TestConnection(const TestConnection&) = delete;
  TestConnection& operator=(const TestConnection&) = delete;

  bool connected() const { return fd_ >= 0; }
  // False if the peer closed or reset the connection.
  bool Send(std::string_view bytes);
  // Reads one response (Content-Length bodies); status 0 if the connection
  // closed first or nothing came within `timeout_ms`.
  RawResponse Read(int timeout_ms = 10000);
  // True once the peer has closed (read returns 0 or an error) within
  // `timeout_ms`; unread response bytes are skipped.
  bool WaitClosed(int timeout_ms);
  // A complete request with Host and Content-Length; `extra` are header
  // lines ("Authorization: Bearer x\r\n").
  RawResponse Request(std::string_view method, std::string_view target,
                      std::string_view extra = "", std::string_view body = "");

 private:
  int fd_ = -1;
  std::string buffered_;
};

}  // namespace ncert::server::testing

#endif  // NCERT_SERVER_TEST_CLIENT_H_
