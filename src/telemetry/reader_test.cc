// Bad input, limits, compression and detection.
#include "telemetry/reader.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <zlib.h>
#include <zstd.h>

#include <cstring>

#include "telemetry/event_json.h"

namespace ncert::telemetry {
namespace {

struct Out {
  std::vector<std::string> kinds;
  std::vector<Event> events;
  std::vector<std::unique_ptr<EventBatch>> batches;
  ReadStats stats;
  std::vector<ReadIssue> issues;
  Status status;
};

Out ReadWith(Env& env, std::vector<std::string> files, ReaderOptions opt = {}) {
  Out o;
  auto r = OpenReader(env, files, opt);
  if (!r.ok()) {
    o.status = r.status();
    return o;
  }
  while (true) {
    auto b = std::make_unique<EventBatch>();
    auto more = (*r)->Next(b.get());
    if (!more.ok()) {
      o.status = more.status();
      break;
    }
    if (!*more) break;
    EXPECT_LE(b->events.size(), opt.batch_size);
    for (const Event& e : b->events) {
      o.kinds.emplace_back(e.kind);
      o.events.push_back(e);
    }
    o.batches.push_back(std::move(b));
  }
  o.stats = (*r)->stats();
  o.issues = (*r)->issues();
  return o;
}

Out ReadText(std::string_view text, ReaderOptions opt = {},
             std::string name = "in.json") {
  auto env = NewMemEnv();
  EXPECT_TRUE(env->WriteFile(name, text).ok());
  return ReadWith(*env, {name}, opt);
}

uint64_t Rule(const Out& o, std::string_view rule) {
  auto it = o.stats.by_rule.find(rule);
  return it == o.stats.by_rule.end() ? 0 : it->second;
}

const char kEve[] =
    "{\"timestamp\":\"2024-03-01T12:00:00Z\",\"event_type\":\"dns\","
    "\"src_ip\":\"10.0.0.1\",\"src_port\":53,\"dns\":{\"rrname\":\"a.example\"}"
    "}";

std::string Lines(int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += std::string(kEve) + "\n";
  return s;
}

// Runs of adjacent lines are parsed with one simdjson stage-1 pass, lines
// that pass cannot vouch for alone: the result must be that of every line
// parsed alone (batches of one line are), for hostile runs too.
TEST(ReaderTest, RunsParseAsTheirLinesAlone) {
  auto good = [](int i) {
    return "{\"timestamp\":\"2024-03-01T12:00:00Z\",\"event_type\":\"dns\","
           "\"src_ip\":\"10.0.0." +
           std::to_string(i % 250) +
           "\",\"src_port\":53,\"dns\":{\"rrname\":\"a" + std::to_string(i) +
           ".example\"}}";
  };
  const std::vector<std::string> tricky = {
      // Two objects on one line.
      "{\"event_type\":\"dns\",\"src_ip\":\"1.2.3.4\"}{\"event_type\":\"x\"}",
      // An object left open that the next line closes: in the run's pass one
      // valid document over two lines, alone two invalid lines.
      "{\"event_type\":\"dns\",\"src_ip\":\"1.2.3.5\",\"a\":{\"b\":1}\n}",
      // Spaces around, escapes, a bad address, nesting, an empty object.
      "   {\"event_type\":\"dns\",\"src_ip\":\"10.1.1.1\"}   ",
      "{\"event_type\":\"d\\u006es\",\"dns\":{\"rrname\":\"e\\u0078.org\"}}",
      "{\"event_type\":\"alert\",\"src_ip\":\"999.1.1.1\",\"alert\":{\"a\":"
      "{\"b\":{\"c\":[1,{\"d\":2}]}}}}",
      "{}",
      "[1,2,3]",
      "{\"event_type\":\"dns\",\"src_port\":\"x\"",
      "{\"event_type\":\"dns\",\"src_port\":70000}",
  };
  std::string text;
  for (int i = 0; i < 400; ++i) {
    text += good(i);
    text += i % 3 == 0 ? "\r\n" : "\n";
    if (i % 23 == 5) text += tricky[(i / 23) % tricky.size()] + "\n";
    if (i == 200) text += "\n  \n";
  }
  text += "{\"event_type\":\"dns\",\"src_ip\":\"10.9.9.9\"";  // cut, last
  // A string left open; a later line closes it (in between: swallowed by
  // the run's string, but each line alone is its own).
  std::string open_string;
  for (int i = 0; i < 100; ++i) {
    open_string += good(i) + "\n";
    if (i == 10)
      open_string += "{\"event_type\":\"http\",\"http\":{\"url\":\"/abc\n";
    if (i == 20) open_string += "\",\"event_type\":\"dns\"}}\n";
  }
  std::string clean;  // the stream vouches for every line but the cut one
  for (int i = 0; i < 300; ++i) clean += good(i) + "\n";
  for (const std::string& variant :
       {text, open_string, clean, clean + good(300),
        clean + "{\"event_type\":\"dns\",\"src_ip\":\"10.9.9.9\""}) {
    auto render = [&](size_t batch_size) {
      ReaderOptions opt;
      opt.batch_size = batch_size;
      opt.format = Format::kEve;
      Out o = ReadText(variant, opt);
      std::string out;
      for (const Event& e : o.events) {
        AppendEventJson(e, "in.json", &out);
        out += '\n';
      }
      for (const ReadIssue& i : o.issues) out += i.ToString() + "\n";
      out += std::to_string(o.stats.events) + " " +
             std::to_string(o.stats.skipped_lines) + " " +
             std::to_string(o.stats.dropped_fields);
      return out;
    };
    std::string alone = render(1);  // runs of one line: parsed alone
    EXPECT_NE(alone.find("a99.example"), std::string::npos);
    if (variant.find("999.1.1.1") != std::string::npos) {
      EXPECT_NE(alone.find("json-invalid"), std::string::npos);
      EXPECT_NE(alone.find("bad-ip"), std::string::npos);
    }
    for (size_t batch : {64, 1024}) {
      EXPECT_EQ(render(batch), alone) << "batch of " << batch;
    }
  }
}

TEST(ReaderTest, BatchesAndLineNumbers) {
  ReaderOptions opt;
  opt.batch_size = 7;
  Out o = ReadText(Lines(50), opt);
  ASSERT_TRUE(o.status.ok()) << o.status.ToString();
  EXPECT_EQ(o.events.size(), 50u);
  EXPECT_EQ(o.batches.size(), 8u);
  EXPECT_EQ(o.events[49].raw.line, 50u);
  EXPECT_EQ(o.events[1].raw.offset, std::strlen(kEve) + 1);
  EXPECT_EQ(o.events[0].domain, "a.example");
  EXPECT_EQ(o.stats.lines, 50u);
  // Strings point into the batch's own arena, not the reader's buffer.
  const EventBatch& b = *o.batches[0];
  EXPECT_EQ(b.events[0].domain, "a.example");
}

TEST(ReaderTest, BinaryGarbage) {
  std::string g = std::string(kEve) + "\n";
  for (int i = 0; i < 2000; ++i) g += static_cast<char>((i * 131 + 7) % 256);
  g += "\n" + std::string(kEve) + "\n\x00\x01\x02{\n";
  Out o = ReadText(g);
  ASSERT_TRUE(o.status.ok());
  EXPECT_EQ(o.events.size(), 2u);
  EXPECT_GE(o.stats.skipped_lines, 2u);
  EXPECT_GE(Rule(o, "json-invalid"), 2u);
  for (const ReadIssue& i : o.issues) EXPECT_EQ(i.file, "in.json");
}

TEST(ReaderTest, GarbageFileIsUnknownFormat) {
  Out o = ReadText(std::string("\x7f"
                               "ELF\x02\x01\x01\x00\x00",
                               9) +
                   std::string(5000, '\x90'));
  ASSERT_TRUE(o.status.ok());
  EXPECT_TRUE(o.events.empty());
  EXPECT_EQ(Rule(o, "unknown-format"), 1u);
  EXPECT_EQ(o.issues[0].ToString(),
            "in.json:1: unknown-format: cannot tell the format from the first "
            "lines; use --format");
}

// A file of one 100 MB line, made on the fly so the test proves the reader
// never holds it whole.
class HugeLineEnv : public Env {
 public:
  class File : public SequentialFile {
   public:
    Result<size_t> Read(char* buf, size_t n) override {
      const std::string head = std::string(kEve) + "\n{\"x\":\"";
      const uint64_t total = head.size() + kHuge + 2 + sizeof(kEve);
      if (pos_ >= total) return size_t{0};
      size_t k = 0;
      while (k < n && pos_ < total) {
        char c;
        if (pos_ < head.size()) {
          c = head[pos_];
        } else if (pos_ < head.size() + kHuge) {
          c = 'a';
        } else if (pos_ < head.size() + kHuge + 2) {
          c = pos_ == head.size() + kHuge ? '"' : '\n';
        } else {
          size_t j = pos_ - head.size() - kHuge - 2;
          c = j < sizeof(kEve) - 1 ? kEve[j] : '\n';
        }
        buf[k++] = c;
        ++pos_;
      }
      served += k;
      return k;
    }
    uint64_t pos_ = 0;
    uint64_t served = 0;
  };
  static constexpr uint64_t kHuge = 100ull << 20;
  Result<std::unique_ptr<SequentialFile>> OpenSequential(
      const std::string&) override {
    return std::unique_ptr<SequentialFile>(new File());
  }
  Status WriteFile(const std::string&, std::string_view) override {
    return Status::Ok();
  }
  Result<FileInfo> Stat(const std::string&) override { return FileInfo{}; }
  Result<std::vector<std::string>> ListDir(const std::string&) override {
    return std::vector<std::string>{};
  }
};

TEST(ReaderTest, HundredMegabyteLineIsSkipped) {
  HugeLineEnv env;
  ReaderOptions opt;
  opt.format = Format::kEve;
  Out o = ReadWith(env, {"huge.json"}, opt);
  ASSERT_TRUE(o.status.ok()) << o.status.ToString();
  ASSERT_EQ(o.events.size(), 2u);
  EXPECT_EQ(o.events[1].raw.line, 3u);  // the line after the long one
  EXPECT_EQ(Rule(o, "line-too-long"), 1u);
  EXPECT_EQ(o.issues[0].line, 2u);
  EXPECT_GT(o.stats.bytes, HugeLineEnv::kHuge);
  // Memory: no batch arena grew anywhere near the line.
  for (const auto& b : o.batches) EXPECT_LT(b->arena_bytes(), 4u << 20);
}

TEST(ReaderTest, MaxLineBytesIsConfigurable) {
  ReaderOptions opt;
  opt.max_line_bytes = 150;  // kEve is shorter
  std::string long_line =
      "{\"event_type\":\"dns\",\"pad\":\"" + std::string(200, 'p') + "\"}\n";
  Out o = ReadText(Lines(1) + long_line + Lines(1), opt);
  EXPECT_EQ(o.events.size(), 2u);
  EXPECT_EQ(Rule(o, "line-too-long"), 1u);
  EXPECT_EQ(o.issues[0].line, 2u);
  EXPECT_EQ(o.events[1].raw.line, 3u);
}

TEST(ReaderTest, UnexpectedTypes) {
  std::string in =
      "{\"eventid\":\"cowrie.session.connect\",\"src_ip\":\"1.2.3.4\","
      "\"src_port\":\"abc\",\"dst_port\":70000,\"session\":[\"s1\"],"
      "\"sensor\":{\"n\":1},\"username\":true,\"protocol\":null}\n";
  Out o = ReadText(in);
  ASSERT_EQ(o.events.size(), 1u);
  const Event& e = o.events[0];
  EXPECT_EQ(e.src_ip.ToString(), "1.2.3.4");
  EXPECT_EQ(e.src_port, 0);
  EXPECT_EQ(e.dst_port, 0);
  EXPECT_TRUE(e.session.empty());
  EXPECT_TRUE(e.sensor.empty());
  EXPECT_TRUE(e.user.empty());
  EXPECT_EQ(Rule(o, "bad-port"), 2u);
  EXPECT_EQ(Rule(o, "field-type"), 3u);
  EXPECT_EQ(o.stats.dropped_fields, 5u);
  bool named = false;
  for (const ReadIssue& i : o.issues) {
    if (i.ToString() ==
        "in.json:1: field-type: session: expected a string or number, got an "
        "array") {
      named = true;
    }
  }
  EXPECT_TRUE(named);
}

TEST(ReaderTest, BadStructureInsideObjects) {
  // Missing commas and keys inside objects (found by fuzzing: an exception
  // escaped simdjson before the member was checked).
  Out o = ReadText(
      "{\"event_type\":\"dns\" \"src_ip\":\"1.2.3.4\"}\n"
      "{\"event_type\":\"dns\",,\"a\":1}\n"
      "{\"event_type\":\"dns\",\"dns\":{\"rrname\":\"a\" \"x\":2}}\n"
      "{\"event_type\":\"dns\",\"src_ip\":\"1.2.3.4\"}\n");
  ASSERT_TRUE(o.status.ok());
  ASSERT_EQ(o.events.size(), 1u);
  EXPECT_EQ(o.events[0].raw.line, 4u);
  EXPECT_EQ(Rule(o, "json-invalid"), 3u);
}

TEST(ReaderTest, NotAnObjectAndTrailingContent) {
  Out o = ReadText(Lines(1) + "[1,2]\n\"str\"\n" + kEve + " " + kEve + "\n");
  EXPECT_EQ(o.events.size(), 1u);
  EXPECT_EQ(o.stats.skipped_lines, 3u);
}

TEST(ReaderTest, BadAndMappedIps) {
  std::string in =
      "{\"event_type\":\"flow\",\"src_ip\":\"999.1.1.1\",\"dest_ip\":"
      "\"::ffff:1.2.3.4\"}\n"
      "{\"event_type\":\"flow\",\"src_ip\":\"fe80::1%eth0\",\"dest_ip\":12}\n";
  Out o = ReadText(in);
  ASSERT_EQ(o.events.size(), 2u);
  EXPECT_FALSE(o.events[0].src_ip.present());
  EXPECT_EQ(o.events[0].dst_ip.family, 4);
  EXPECT_EQ(o.events[0].dst_ip.ToString(), "1.2.3.4");
  EXPECT_EQ(Rule(o, "bad-ip"), 2u);
  EXPECT_EQ(Rule(o, "field-type"), 1u);
  EXPECT_EQ(o.stats.dropped_fields, 3u);
}

TEST(ReaderTest, SuspiciousTimeIsKeptAndFlagged) {
  FakeClock clock(Timestamp::FromMillis(1709290800000));  // 2024-03-01T11:00Z
  ReaderOptions opt;
  opt.clock = &clock;
  std::string in =
      "{\"event_type\":\"dns\",\"timestamp\":\"2024-03-01T10:00:00Z\"}\n"
      "{\"event_type\":\"dns\",\"timestamp\":\"2030-01-01T00:00:00Z\"}\n"
      "{\"event_type\":\"dns\",\"timestamp\":\"1970-01-01T00:00:00Z\"}\n"
      "{\"event_type\":\"dns\",\"timestamp\":\"2024-02-30T00:00:00Z\"}\n";
  Out o = ReadText(in, opt);
  ASSERT_EQ(o.events.size(), 4u);
  EXPECT_EQ(Rule(o, "suspicious-time"), 2u);
  EXPECT_EQ(Rule(o, "bad-time"), 1u);
  EXPECT_FALSE(o.events[3].time);
  EXPECT_EQ(o.issues[0].line, 2u);
  // A wider window accepts 1970.
  opt.max_past_micros = 60LL * 366 * 86400 * 1000000;
  o = ReadText(in, opt);
  EXPECT_EQ(Rule(o, "suspicious-time"), 1u);
}

TEST(ReaderTest, CrlfAndBom) {
  std::string in =
      "\xEF\xBB\xBF" + std::string(kEve) + "\r\n" + kEve + "\r\n\r\n";
  Out o = ReadText(in);
  ASSERT_EQ(o.events.size(), 2u);
  EXPECT_TRUE(o.issues.empty());
  EXPECT_EQ(o.events[0].domain, "a.example");
  EXPECT_EQ(o.stats.formats.at("eve"), 1u);
}

TEST(ReaderTest, LastLineWithoutNewline) {
  Out o = ReadText(std::string(kEve) + "\n" + kEve);
  EXPECT_EQ(o.events.size(), 2u);
}

TEST(ReaderTest, EscapedStringsAreInterned) {
  Out o = ReadText(
      "{\"event_type\":\"http\",\"http\":{\"hostname\":\"a\\u002eexample\","
      "\"url\":\"/x\\\"y\"}}\n");
  ASSERT_EQ(o.events.size(), 1u);
  EXPECT_EQ(o.events[0].domain, "a.example");
  EXPECT_EQ(o.events[0].url, "http://a.example/x\"y");
}

std::string Gzip(std::string_view s) {
  z_stream z{};
  deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, s.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(s.data()));
  z.avail_in = static_cast<uInt>(s.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string Zstd(std::string_view s) {
  std::string out(ZSTD_compressBound(s.size()), '\0');
  size_t n = ZSTD_compress(out.data(), out.size(), s.data(), s.size(), 3);
  EXPECT_FALSE(ZSTD_isError(n));
  out.resize(n);
  return out;
}

TEST(ReaderTest, GzipAndZstdByMagic) {
  std::string plain = Lines(3000);
  Out g = ReadText(Gzip(plain), {}, "a.json.gz");
  EXPECT_EQ(g.events.size(), 3000u);
  EXPECT_TRUE(g.issues.empty());
  EXPECT_EQ(g.stats.bytes, plain.size());
  // Concatenated gzip members (as logrotate + cat make).
  Out gg = ReadText(Gzip(Lines(2)) + Gzip(Lines(3)), {}, "b.gz");
  EXPECT_EQ(gg.events.size(), 5u);
  EXPECT_TRUE(gg.issues.empty());
  Out z = ReadText(Zstd(plain), {}, "a.json.zst");
  EXPECT_EQ(z.events.size(), 3000u);
  EXPECT_TRUE(z.issues.empty());
}

TEST(ReaderTest, TruncatedCompressedStreams) {
  std::string plain = Lines(3000);
  std::string gz = Gzip(plain);
  Out g = ReadText(gz.substr(0, gz.size() / 2), {}, "cut.gz");
  EXPECT_GT(g.events.size(), 0u);
  EXPECT_LT(g.events.size(), 3000u);
  EXPECT_EQ(Rule(g, "truncated-input"), 1u);
  std::string zs = Zstd(plain);
  Out z = ReadText(zs.substr(0, zs.size() / 2), {}, "cut.zst");
  EXPECT_LT(z.events.size(), 3000u);
  EXPECT_EQ(Rule(z, "truncated-input"), 1u);
  // Corrupt data in the middle of a gzip stream.
  std::string bad = gz;
  for (size_t i = 40; i < 80 && i < bad.size(); ++i) bad[i] = '\xAA';
  Out c = ReadText(bad, {}, "bad.gz");
  EXPECT_EQ(Rule(c, "corrupt-input") + Rule(c, "truncated-input"), 1u);
}

// gzip is inflated by ISA-L: member boundaries anywhere in the reader's
// input chunks, empty members, the trailer's CRC and size, bytes after the
// last member.
TEST(ReaderTest, GzipMembersChecksAndTrailingBytes) {
  std::string many;
  size_t lines = 0;
  for (int m = 0; m < 60; ++m) {
    int n = m % 7 == 0 ? 0 : 1 + (m * 37) % 900;  // some members empty
    many += Gzip(Lines(n));
    lines += static_cast<size_t>(n);
  }
  many += Gzip(Lines(20000));  // larger than one input chunk
  lines += 20000;
  Out o = ReadText(many, {}, "many.gz");
  EXPECT_EQ(o.events.size(), lines);
  EXPECT_TRUE(o.issues.empty()) << o.issues[0].ToString();

  std::string one = Gzip(Lines(500));
  std::string bad_crc = one;
  bad_crc[bad_crc.size() - 8] ^= 0x01;  // the trailer: CRC32, then size
  Out c = ReadText(bad_crc, {}, "crc.gz");
  EXPECT_EQ(Rule(c, "corrupt-input"), 1u);
  ASSERT_FALSE(c.issues.empty());
  EXPECT_NE(c.issues.back().message.find("CRC"), std::string::npos)
      << c.issues.back().message;

  Out t = ReadText(one + "trailing junk\n", {}, "junk.gz");
  EXPECT_EQ(t.events.size(), 500u);
  EXPECT_EQ(Rule(t, "corrupt-input"), 1u);
}

TEST(ReaderTest, DetectionRules) {
  EXPECT_EQ(DetectFormat("{\"eventid\":\"cowrie.login.failed\"}\n", ""),
            Format::kCowrie);
  EXPECT_EQ(DetectFormat("\n\n{\"event_type\":\"alert\"}\n", ""), Format::kEve);
  EXPECT_EQ(DetectFormat("{\"ts\":1.5,\"uid\":\"C1\"}\n", ""), Format::kZeek);
  EXPECT_EQ(DetectFormat("{\"_path\":\"dns\"}\n", ""), Format::kZeek);
  EXPECT_EQ(DetectFormat("{\"connection\":{}}\n", ""), Format::kDionaea);
  EXPECT_EQ(DetectFormat("{\"@timestamp\":\"x\"}\n", ""), Format::kEcs);
  EXPECT_EQ(DetectFormat("{\"EventID\":1}\n", ""), Format::kEcs);
  EXPECT_EQ(DetectFormat("type=EOE msg=audit(1.0:1): \n", ""), Format::kAuditd);
  EXPECT_EQ(DetectFormat("garbage\n{\"event_type\":\"dns\"}\n", ""),
            Format::kEve);
  EXPECT_EQ(DetectFormat("a,b,c\n1,2,3\n", ""), std::nullopt);
  EXPECT_EQ(DetectFormat("{\"foo\":1}\n", ""), std::nullopt);
  EXPECT_EQ(ParseFormat("eve"), Format::kEve);
  EXPECT_EQ(ParseFormat("nope"), std::nullopt);
  EXPECT_EQ(FormatName(Format::kAuditd), "auditd");
}

// ---- Zeek TSV ------------------------------------------------------------

// A Zeek TSV header (the ASCII writer's defaults) for `fields` and `types`,
// given space-separated.
std::string ZeekHeader(std::string_view path, std::string_view fields,
                       std::string_view types) {
  auto tabs = [](std::string_view s) {
    std::string t(s);
    for (char& c : t) {
      if (c == ' ') c = '\t';
    }
    return t;
  };
  return "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n"
         "#unset_field\t-\n#path\t" +
         std::string(path) + "\n#open\t2024-03-01-12-00-00\n#fields\t" +
         tabs(fields) + "\n#types\t" + tabs(types) + "\n";
}

const char kDnsFields[] =
    "ts uid id.orig_h id.orig_p id.resp_h id.resp_p "
    "proto query answers";
const char kDnsTypes[] =
    "time string addr port addr port enum string "
    "vector[string]";

std::string DnsRow(std::string_view ts, std::string_view orig,
                   std::string_view port, std::string_view query) {
  return fmt::format("{}\tC1\t{}\t{}\t192.0.2.53\t53\tudp\t{}\t-\n", ts, orig,
                     port, query);
}

TEST(ReaderTest, ZeekTsvHostileLines) {
  std::string in = DnsRow("1709294400.5", "10.0.0.1", "1", "early.example") +
                   ZeekHeader("dns", kDnsFields, kDnsTypes) +
                   DnsRow("1709294400.5", "10.0.0.1", "5353", "a.example") +
                   "1709294400.5\tC2\t10.0.0.2\n" +  // too few columns
                   DnsRow("1709294400.5", "999.0.0.1", "70000", "b.example") +
                   DnsRow("yesterday", "10.0.0.3", "1", "c\\x2eexample") +
                   DnsRow("1709294400.5", "10.0.0.4", "2", "bad\\q.example") +
                   DnsRow("1709294400.5", "10.0.0.5", "3", "cut\\x2") +
                   "#close\t2024-03-01-13-00-00\n" +
                   DnsRow("1709294400.5", "10.0.0.6", "4", "after.example");
  Out o = ReadText(in, {}, "dns.log");
  ASSERT_TRUE(o.status.ok()) << o.status.ToString();
  EXPECT_EQ(o.stats.formats.at("zeek"), 1u);
  ASSERT_EQ(o.events.size(), 5u);
  EXPECT_EQ(o.events[0].domain, "a.example");
  EXPECT_EQ(o.events[0].src_port, 5353);
  EXPECT_EQ(o.events[0].kind, "dns");
  EXPECT_EQ(o.events[0].raw.line, 10u);
  // Bad values are dropped, the event kept.
  EXPECT_FALSE(o.events[1].src_ip.present());
  EXPECT_EQ(o.events[1].src_port, 0);
  EXPECT_EQ(o.events[1].domain, "b.example");
  EXPECT_FALSE(o.events[2].time.has_value());
  EXPECT_EQ(o.events[2].domain, "c.example");  // \x2e unescaped
  EXPECT_TRUE(o.events[3].domain.empty());     // \q: not Zeek's escape
  EXPECT_TRUE(o.events[4].domain.empty());     // \x2: cut short
  EXPECT_EQ(Rule(o, "zeek-header"), 2u);  // before the header, after #close
  EXPECT_EQ(Rule(o, "zeek-columns"), 1u);
  EXPECT_EQ(Rule(o, "bad-ip"), 1u);
  EXPECT_EQ(Rule(o, "bad-port"), 1u);
  EXPECT_EQ(Rule(o, "bad-time"), 1u);
  EXPECT_EQ(Rule(o, "zeek-escape"), 2u);
  EXPECT_EQ(o.stats.skipped_lines, 3u);
  EXPECT_EQ(o.stats.dropped_fields, 5u);
  ASSERT_EQ(o.issues.size(), 8u);
  EXPECT_EQ(o.issues[0].ToString(),
            "dns.log:1: zeek-header: a data line before #fields (the header "
            "is missing or cut)");
  EXPECT_EQ(o.issues[1].ToString(),
            "dns.log:11: zeek-columns: 3 columns, expected 9");
  EXPECT_EQ(o.issues.back().line, 17u);
  EXPECT_EQ(o.issues.back().rule, "zeek-header");
}

TEST(ReaderTest, ZeekTsvHeaderDirectives) {
  // Another separator, set separator and unset/empty markers (all given as
  // escapes where Zeek escapes them); a log not named by #path is named by
  // the file; unknown logs are kept and counted.
  std::string in =
      "#separator \\x7c\n#set_separator|;\n#empty_field|EMPTY\n"
      "#unset_field|NONE\n#open|2024-03-01-12-00-00\n"
      "#fields|ts|fuid|tx_hosts|rx_hosts|filename|md5\n"
      "#types|time|string|set[addr]|set[addr]|string|string\n"
      "1709294400.000001|F1|EMPTY|;192.0.2.9;192.0.2.10|a\\x7cb.exe|NONE\n"
      "#separator \\x09\n#path\tja3er\n#fields\tts\tuid\tquery\n"
      "#types\ttime\tstring\tset[string]\n"
      "1709294400\tC9\tx.example,y.example\n";
  Out o = ReadText(in, {}, "files.2024-03-01.log");
  ASSERT_EQ(o.events.size(), 2u);
  const Event& f = o.events[0];
  EXPECT_EQ(f.kind, "files");  // from the file name
  EXPECT_EQ(f.source, "zeek.files");
  EXPECT_FALSE(f.src_ip.present());             // the empty set
  EXPECT_EQ(f.dst_ip.ToString(), "192.0.2.9");  // first non-empty
  EXPECT_EQ(f.file_name, "a|b.exe");            // escaped separator
  EXPECT_TRUE(f.md5.empty());                   // NONE: unset
  EXPECT_EQ(FormatTimestamp(*f.time, 6), "2024-03-01T12:00:00.000001Z");
  // The second header block starts over: tab, and ja3er's columns.
  const Event& j = o.events[1];
  EXPECT_EQ(j.kind, "ja3er");
  EXPECT_EQ(j.source, "zeek.ja3er");
  EXPECT_EQ(j.session, "C9");
  EXPECT_TRUE(j.domain.empty());  // a set where one name is expected
  EXPECT_EQ(Rule(o, "field-type"), 1u);
  EXPECT_EQ(o.stats.unknown_kinds.at("ja3er"), 1u);
}

TEST(ReaderTest, ZeekTsvBadHeaders) {
  std::string in =
      "#separator \\xZZ\n"  // a tab is assumed
      "#set_separator\t\n"  // empty: ',' kept
      "#path\tdns\n#fields\tts\tquery\n"
      "#types\ttime\n"  // fewer than #fields: ignored
      "1709294400\ta.example\n"
      "#fields\n"  // no columns: the data after it has none
      "1709294400\tb.example\n";
  Out o = ReadText(in, {}, "x.log");
  ASSERT_EQ(o.events.size(), 1u);
  EXPECT_EQ(o.events[0].domain, "a.example");
  EXPECT_EQ(Rule(o, "zeek-header"), 5u);
  EXPECT_EQ(o.stats.skipped_lines, 1u);
}

TEST(ReaderTest, ZeekTsvGzipCrlfAndBatches) {
  std::string plain = ZeekHeader("dns", kDnsFields, kDnsTypes);
  for (int i = 0; i < 500; ++i) {
    plain +=
        DnsRow("1709294400.25", fmt::format("10.0.{}.{}", i / 200, i % 200),
               std::to_string(1000 + i), fmt::format("q{}.example", i));
  }
  Out g = ReadText(Gzip(plain), {}, "dns.log.gz");
  ASSERT_EQ(g.events.size(), 500u);
  EXPECT_TRUE(g.issues.empty());
  EXPECT_EQ(g.stats.bytes, plain.size());
  EXPECT_EQ(g.events[499].domain, "q499.example");
  EXPECT_EQ(g.events[499].src_port, 1499);
  // CRLF endings, and batches of one line (headers in their own batches).
  std::string crlf;
  // The header and the first three rows.
  for (char c : plain.substr(0, plain.rfind('\n', plain.find("q3.")) + 1)) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  ReaderOptions one;
  one.batch_size = 1;
  Out c = ReadText(crlf, one, "dns.log");
  ASSERT_EQ(c.events.size(), 3u);
  EXPECT_TRUE(c.issues.empty());
  EXPECT_EQ(c.events[2].domain, "q2.example");
  EXPECT_EQ(c.events[2].raw.line, 11u);
}

TEST(ReaderTest, ZeekFormatTakesBothForms) {
  ReaderOptions opt;
  opt.format = Format::kZeek;
  std::string tsv = ZeekHeader("dns", kDnsFields, kDnsTypes) +
                    DnsRow("1709294400", "10.0.0.1", "1", "a.example");
  Out t = ReadText(tsv, opt, "a.log");
  ASSERT_EQ(t.events.size(), 1u);
  EXPECT_EQ(t.events[0].source, "zeek.dns");
  Out j = ReadText(
      "{\"_path\":\"dns\",\"ts\":1709294400,\"query\":\"a.example\"}\n", opt,
      "b.log");
  ASSERT_EQ(j.events.size(), 1u);
  EXPECT_EQ(j.events[0].domain, "a.example");
  // Forced on a headerless file: every data line says why.
  Out h =
      ReadText("1709294400\ta.example\n1709294401\tb.example\n", opt, "c.log");
  EXPECT_TRUE(h.events.empty());
  EXPECT_EQ(Rule(h, "zeek-header"), 2u);
  // Auto-detection by the first line.
  EXPECT_EQ(DetectFormat("#separator \\x09\n#set_separator\t,\n", ""),
            Format::kZeek);
  EXPECT_EQ(DetectFormat("#separator\n", ""), std::nullopt);
}

TEST(ReaderTest, FormatOverride) {
  ReaderOptions opt;
  opt.format = Format::kCowrie;
  Out o = ReadText(Lines(2), opt);  // EVE lines read as Cowrie: no eventid
  EXPECT_TRUE(o.events.empty());
  EXPECT_EQ(Rule(o, "missing-field"), 2u);
}

TEST(ReaderTest, OperationalErrors) {
  auto env = NewMemEnv();
  Out o = ReadWith(*env, {"missing.json"});
  EXPECT_EQ(o.status.code(), StatusCode::kNotFound);
  ReaderOptions opt;
  opt.format = Format::kCsv;
  EXPECT_EQ(OpenReader(*env, {"x"}, opt).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(ReaderTest, IssuesAreCappedButCounted) {
  ReaderOptions opt;
  opt.max_issues = 3;
  std::string in;
  for (int i = 0; i < 20; ++i)
    in += "{\"event_type\":\"dns\",\"src_ip\":\"x\"}\n";
  Out o = ReadText(in, opt);
  EXPECT_EQ(o.issues.size(), 3u);
  EXPECT_EQ(Rule(o, "bad-ip"), 20u);
}

TEST(ReaderTest, AuditdSplitAcrossBatchesAndFiles) {
  std::string a =
      "type=SYSCALL msg=audit(1700000000.000:1): exe=\"/bin/a\"\n"
      "type=EXECVE msg=audit(1700000000.000:1): argc=1 a0=\"a\"\n"
      "type=SYSCALL msg=audit(1700000001.000:2): exe=\"/bin/b\"\n"
      "type=EXECVE msg=audit(1700000001.000:2): argc=2 a0=\"b\" a1[0]=6869 "
      "a1[1]=\"there\"\n";
  ReaderOptions opt;
  opt.batch_size = 1;
  Out o = ReadText(a, opt, "audit.log");
  ASSERT_EQ(o.events.size(), 2u);
  EXPECT_EQ(o.events[0].command_line, "a");
  EXPECT_EQ(o.events[1].command_line, "b hithere");
  EXPECT_EQ(o.events[1].raw.line, 3u);
}

}  // namespace
}  // namespace ncert::telemetry
