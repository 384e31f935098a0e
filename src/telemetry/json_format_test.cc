// The JSON walker's key lookup and string scanning (json_format.cc): keys
// compared in place with their closing quote, escaped keys, word-sized
// loads at every length around a word boundary, field paths in messages.
#include "telemetry/json_format.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ncert::telemetry::internal {
namespace {

struct Sink : LineSink {
  std::vector<std::string> issues;  // "rule: message"
  int dropped = 0;
  void Issue(std::string_view rule, std::string message) override {
    issues.push_back(std::string(rule) + ": " + message);
  }
  void DroppedField() override { ++dropped; }
};

struct Parsed {
  bool ok = false;
  Event e;
  Sink sink;
};

// Parses `line` as the readers do: a copy in the batch's arena followed by
// simdjson's padding. The batch must outlive the returned views.
Parsed ParseLine(Format format, std::string_view line, EventBatch* batch) {
  Parsed p;
  std::unique_ptr<JsonFormat> f = NewJsonFormat(format, nullptr, "");
  std::string_view copy = batch->InternPadded(line, 64);
  bool unknown = false;
  p.ok = f->Parse(copy, &p.e, batch, &p.sink, &unknown);
  return p;
}

TEST(JsonFormatTest, EscapedKeysAreUnescapedAndFound) {
  EventBatch b;
  Parsed p = ParseLine(Format::kEve,
                       R"({"\u0065vent_type":"dns","dns":{"rr\u006eame":)"
                       R"("a.example"},"src\u005fip":"192.0.2.1"})",
                       &b);
  ASSERT_TRUE(p.ok) << (p.sink.issues.empty() ? "" : p.sink.issues[0]);
  EXPECT_EQ(p.e.kind, "dns");
  EXPECT_EQ(p.e.domain, "a.example");
  EXPECT_EQ(p.e.src_ip.ToString(), "192.0.2.1");
}

TEST(JsonFormatTest, KeysThatOnlyStartOrEndLikeAMappedKeyAreSkipped) {
  EventBatch b;
  Parsed p = ParseLine(
      Format::kEve,
      R"({"event_type":"dns","src_i":"192.0.2.1","src_ipx":"192.0.2.2",)"
      R"("":"x","s":"192.0.2.3","xsrc_ip":"192.0.2.4","dest_ip":"192.0.2.5"})",
      &b);
  ASSERT_TRUE(p.ok);
  EXPECT_FALSE(p.e.src_ip.present());
  EXPECT_EQ(p.e.dst_ip.ToString(), "192.0.2.5");
  EXPECT_TRUE(p.sink.issues.empty());
}

TEST(JsonFormatTest, KeysOfEveryLengthAroundAWord) {
  // "proto" (5+1), "src_port" (8+1), "event_type" (10+1), "http_user_agent"
  // (15+1 = two words), "ssh.client.software_version" nested and dotted; a
  // mapped key last on the line, right before the padding.
  EventBatch b;
  Parsed p =
      ParseLine(Format::kEve,
                R"({"proto":"TCP","src_port":1234,"event_type":"http","http":)"
                R"({"http_user_agent":"ua/1","hostname":"h.example"},)"
                R"("ssh":{"client":{"software_version":"ignored-after-ua"}},)"
                R"("dest_port":80})",
                &b);
  ASSERT_TRUE(p.ok);
  EXPECT_EQ(p.e.protocol, "tcp");
  EXPECT_EQ(p.e.src_port, 1234);
  EXPECT_EQ(p.e.user_agent, "ua/1");
  EXPECT_EQ(p.e.domain, "h.example");
  EXPECT_EQ(p.e.dst_port, 80);
}

TEST(JsonFormatTest, DottedLiteralKeysAndNestedPathsAreTheSame) {
  EventBatch b;
  Parsed zeek = ParseLine(
      Format::kZeek,
      R"({"_path":"conn","id.orig_h":"192.0.2.7","id":{"resp_h":"::1"}})", &b);
  ASSERT_TRUE(zeek.ok);
  EXPECT_EQ(zeek.e.src_ip.ToString(), "192.0.2.7");
  EXPECT_EQ(zeek.e.dst_ip.ToString(), "::1");
}

TEST(JsonFormatTest, StringsOfEveryLengthEndAtTheirQuote) {
  // Values of 0..20 bytes (the scan reads a word at a time), with a
  // following member whose bytes must not leak into the value.
  for (size_t n = 1; n <= 20; ++n) {
    EventBatch b;
    std::string sensor(n, 's');
    Parsed p = ParseLine(Format::kCowrie,
                         R"({"eventid":"cowrie.log.closed","sensor":")" +
                             sensor + R"(","session":"x\"y"})",
                         &b);
    ASSERT_TRUE(p.ok) << n;
    EXPECT_EQ(p.e.sensor, sensor) << n;
    EXPECT_EQ(p.e.session, "x\"y") << n;
  }
}

TEST(JsonFormatTest, EscapesAnywhereInAStringAreUnescaped) {
  EventBatch b;
  Parsed p = ParseLine(
      Format::kCowrie,
      R"({"eventid":"cowrie.command.input","input":"0123456789\\abc",)"
      R"("username":"\u0072oot","password":"pass\/word\u00e9"})",
      &b);
  ASSERT_TRUE(p.ok);
  EXPECT_EQ(p.e.command_line, "0123456789\\abc");
  EXPECT_EQ(p.e.user, "root");
  EXPECT_EQ(p.e.password, "pass/word\xC3\xA9");
}

TEST(JsonFormatTest, MessagesNameTheNestedPath) {
  EventBatch b;
  Parsed p = ParseLine(
      Format::kEve,
      R"({"event_type":"tls","tls":{"ja3":{"hash":"not-hex"},"sni":true}})",
      &b);
  ASSERT_TRUE(p.ok);
  ASSERT_EQ(p.sink.issues.size(), 2u);
  EXPECT_EQ(p.sink.issues[0],
            "bad-hash: tls.ja3.hash: 'not-hex' is not a 32-digit hex hash");
  EXPECT_EQ(p.sink.issues[1],
            "field-type: tls.sni: expected a string or number, got a boolean");
  EXPECT_EQ(p.sink.dropped, 2);
}

}  // namespace
}  // namespace ncert::telemetry::internal
