#include "taxii/client.h"

#include <fmt/format.h>
#include <simdjson.h>
#include <sodium.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <thread>

#include "core/json.h"
#include "stix/reader.h"
#include "store/taxii_state.h"
#include "taxii/protocol.h"

namespace ncert::taxii {
namespace {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;

struct Url {
  bool tls = false;
  std::string host, port, target;
};

Result<Url> ParseUrl(const std::string& url) {
  Url u;
  std::string_view rest = url;
  if (rest.starts_with("https://")) {
    u.tls = true;
    rest.remove_prefix(8);
  } else if (rest.starts_with("http://")) {
    rest.remove_prefix(7);
  } else {
    return Status::InvalidArgument(
        fmt::format("'{}' is not an http:// or https:// URL", url));
  }
  size_t slash = rest.find('/');
  std::string_view hostport = rest.substr(0, slash);
  u.target =
      slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (hostport.starts_with("[")) {  // [::1]:8080
    size_t close = hostport.find(']');
    if (close == std::string_view::npos) {
      return Status::InvalidArgument(fmt::format("bad host in '{}'", url));
    }
    u.host = hostport.substr(1, close - 1);
    hostport.remove_prefix(close + 1);
    if (hostport.starts_with(":")) u.port = hostport.substr(1);
  } else {
    size_t colon = hostport.rfind(':');
    u.host = hostport.substr(0, colon);
    if (colon != std::string_view::npos) u.port = hostport.substr(colon + 1);
  }
  if (u.host.empty()) {
    return Status::InvalidArgument(fmt::format("no host in '{}'", url));
  }
  if (u.port.empty()) u.port = u.tls ? "443" : "80";
  return u;
}

std::string Base64(std::string_view s) {
  std::string out(
      sodium_base64_ENCODED_LEN(s.size(), sodium_base64_VARIANT_ORIGINAL),
      '\0');
  sodium_bin2base64(out.data(), out.size(),
                    reinterpret_cast<const unsigned char*>(s.data()), s.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.find('\0'));
  return out;
}

std::string UrlEncode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

std::string WithSlash(std::string s) {
  if (s.empty() || s.back() != '/') s += '/';
  return s;
}

// The TAXII error's description, for messages.
std::string Describe(const HttpResult& r) {
  std::string d = r.body.substr(0, 300);
  return fmt::format("HTTP {}: {}", r.status, d);
}

}  // namespace

Result<HttpResult> TaxiiClient::Send(std::string_view method,
                                     const std::string& url,
                                     const std::string& body,
                                     std::string_view content_type) {
  ASSIGN_OR_RETURN(Url u, ParseUrl(url));
  http::request<http::string_body> req;
  req.method(http::string_to_verb(std::string(method)));
  req.target(u.target);
  req.version(11);
  req.set(http::field::host, u.host);
  req.set(http::field::user_agent, "ncert-taxii/0.1");
  req.set(http::field::accept, std::string(kTaxiiMediaType));
  if (!options_.user.empty()) {
    req.set(http::field::authorization,
            "Basic " + Base64(options_.user + ":" + options_.password));
  } else if (!options_.token.empty()) {
    req.set(http::field::authorization, "Bearer " + options_.token);
  }
  if (!content_type.empty())
    req.set(http::field::content_type, std::string(content_type));
  req.body() = body;
  req.prepare_payload();

  HttpResult out;
  beast::error_code ec;
  net::io_context ioc;
  tcp::resolver resolver(ioc);
  auto endpoints = resolver.resolve(u.host, u.port, ec);
  auto fail = [&](std::string_view what) {
    return Status::Unavailable(fmt::format("{} {}:{}: {} (is the server up?)",
                                           what, u.host, u.port, ec.message()));
  };
  if (ec) return fail("cannot resolve");
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(1ull << 30);
  const auto timeout = std::chrono::seconds(options_.timeout_seconds);
  if (u.tls) {
    ssl::context ctx(ssl::context::tls_client);
    ctx.set_default_verify_paths();
    ctx.set_verify_mode(ssl::verify_peer);
    beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
    SSL_set_tlsext_host_name(stream.native_handle(), u.host.c_str());
    stream.set_verify_callback(ssl::host_name_verification(u.host));
    beast::get_lowest_layer(stream).expires_after(timeout);
    beast::get_lowest_layer(stream).connect(endpoints, ec);
    if (ec) return fail("cannot connect to");
    stream.handshake(ssl::stream_base::client, ec);
    if (ec) return fail("TLS handshake failed with");
    http::write(stream, req, ec);
    if (ec) return fail("cannot send to");
    http::read(stream, buffer, parser, ec);
    if (ec) return fail("cannot read from");
    stream.shutdown(ec);
  } else {
    beast::tcp_stream stream(ioc);
    stream.expires_after(timeout);
    stream.connect(endpoints, ec);
    if (ec) return fail("cannot connect to");
    http::write(stream, req, ec);
    if (ec) return fail("cannot send to");
    http::read(stream, buffer, parser, ec);
    if (ec) return fail("cannot read from");
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  }
  auto& res = parser.get();
  out.status = static_cast<int>(res.result_int());
  for (const auto& f : res) {
    std::string name(f.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(c));
    out.headers[name] = std::string(f.value());
  }
  out.body = std::move(res.body());
  return out;
}

Result<PullResult> Pull(TaxiiClient& client, store::Store& store, Clock& clock,
                        const PullOptions& options,
                        const ingest::IngestCallbacks& callbacks) {
  PullResult result;
  const std::string root = WithSlash(options.api_root_url);
  const std::string objects_url =
      root + "collections/" + UrlEncode(options.collection) + "/objects/";
  store::TaxiiState& state = store.taxii();
  std::optional<Timestamp> added_after = options.since;
  if (!added_after) {
    ASSIGN_OR_RETURN(auto cursor, state.GetCursor(root, options.collection));
    if (cursor) added_after = cursor->last_added;
  }
  result.resumed_from = added_after;
  std::unique_ptr<Env> pages = NewMemEnv();  // each page as a file to ingest
  ingest::Ingester ingester(*pages, store, options.ingest);
  std::string next;
  while (true) {
    std::string url = fmt::format("{}?limit={}", objects_url,
                                  std::min(options.page_size, kMaxPageSize));
    if (added_after) {
      url += "&added_after=" + UrlEncode(FormatTimestamp(*added_after, 6));
    }
    if (!next.empty()) url += "&next=" + UrlEncode(next);
    ASSIGN_OR_RETURN(HttpResult r, client.Send("GET", url));
    if (r.status != 200) {
      return Status::Unavailable(
          fmt::format("{} answered {}", objects_url, Describe(r)));
    }
    ASSIGN_OR_RETURN(ReceivedEnvelope env, ParseReceivedEnvelope(r.body));
    ++result.pages;
    result.received += static_cast<int64_t>(env.objects.size());
    if (!env.objects.empty()) {
      std::string bundle =
          R"({"type":"bundle","id":"bundle--00000000-0000-4000-8000-000000000000","objects":[)";
      for (size_t i = 0; i < env.objects.size(); ++i) {
        if (i) bundle += ',';
        bundle += env.objects[i];
      }
      bundle += "]}";
      // One in-memory file, rewritten per page (reports name the URL).
      const std::string& name = objects_url;
      RETURN_IF_ERROR(pages->WriteFile(name, bundle));
      ASSIGN_OR_RETURN(ingest::IngestCounts c,
                       ingester.Ingest({name}, callbacks));
      result.counts.objects += c.objects;
      result.counts.new_objects += c.new_objects;
      result.counts.new_versions += c.new_versions;
      result.counts.unchanged += c.unchanged;
      result.counts.history += c.history;
      result.counts.rejected += c.rejected;
      result.counts.warnings += c.warnings;
      result.counts.bytes += c.bytes;
    }
    // The page is stored: move the cursor to its last date_added.
    std::optional<Timestamp> last;
    if (auto it = r.headers.find("x-taxii-date-added-last");
        it != r.headers.end()) {
      auto t = ParseTimestamp(it->second);
      if (t.ok()) last = *t;
    }
    if (last && (!result.last_added || *last > *result.last_added)) {
      result.last_added = last;
      RETURN_IF_ERROR(
          state.SetCursor({root, options.collection, *last, clock.Now()}));
    }
    if (!env.more || env.objects.empty()) break;
    if (!env.next.empty()) {
      next = env.next;
    } else if (last) {
      // A server without `next`: page on by date_added.
      next.clear();
      added_after = last;
    } else {
      return Status::Unavailable(fmt::format(
          "{} said more but gave neither next nor X-TAXII-Date-Added-Last",
          objects_url));
    }
  }
  return result;
}

Result<PushResult> Push(
    TaxiiClient& client, Env& env, const std::string& file,
    const PushOptions& options,
    const std::function<void(const stix::ReadUnit&)>& on_invalid) {
  PushResult result;
  const std::string root = WithSlash(options.api_root_url);
  const std::string objects_url =
      root + "collections/" + UrlEncode(options.collection) + "/objects/";
  std::vector<std::string> batch;
  Status failed;
  auto flush = [&]() -> Status {
    if (batch.empty()) return Status::Ok();
    std::string body = "{\"objects\":[";
    for (size_t i = 0; i < batch.size(); ++i) {
      if (i) body += ',';
      body += batch[i];
    }
    body += "]}";
    result.sent += static_cast<int64_t>(batch.size());
    batch.clear();
    ++result.envelopes;
    ASSIGN_OR_RETURN(HttpResult r,
                     client.Send("POST", objects_url, body, kTaxiiMediaType));
    if (r.status != 202 && r.status != 200) {
      return Status::Unavailable(
          fmt::format("{} answered {}", objects_url, Describe(r)));
    }
    // Poll the status resource until nothing is pending.
    std::string status_body = r.body;
    for (int poll = 0;; ++poll) {
      simdjson::dom::parser parser;
      simdjson::dom::element st;
      if (parser.parse(status_body).get(st) != simdjson::SUCCESS) {
        return Status::Unavailable("the server's status resource is not JSON");
      }
      std::string_view state, id;
      if (st["status"].get_string().get(state) != simdjson::SUCCESS ||
          st["id"].get_string().get(id) != simdjson::SUCCESS) {
        return Status::Unavailable(
            "the server's status resource has no "
            "status or id");
      }
      if (state == "complete") {
        int64_t ok = 0;
        if (st["success_count"].get_int64().get(ok) == simdjson::SUCCESS) {
          result.succeeded += ok;
        }
        simdjson::dom::array failures;
        if (st["failures"].get_array().get(failures) == simdjson::SUCCESS) {
          for (simdjson::dom::element f : failures) {
            ++result.failed;
            std::string_view fid, msg;
            if (f["id"].get_string().get(fid) != simdjson::SUCCESS) fid = "?";
            if (f["message"].get_string().get(msg) != simdjson::SUCCESS) {
              msg = "";
            }
            result.failures.push_back(fmt::format("{}: {}", fid, msg));
          }
        }
        return Status::Ok();
      }
      if (poll >= options.max_status_polls) {
        return Status::Unavailable(fmt::format(
            "status {} still '{}' after {} polls", id, state, poll));
      }
      std::this_thread::sleep_for(std::chrono::seconds(1));
      ASSIGN_OR_RETURN(
          HttpResult s,
          client.Send("GET", root + "status/" + std::string(id) + "/"));
      if (s.status != 200) {
        return Status::Unavailable(
            fmt::format("status {}: {}", id, Describe(s)));
      }
      status_body = std::move(s.body);
    }
  };
  stix::StixReader reader(env, stix::ReaderOptions{});
  RETURN_IF_ERROR(reader.ReadFile(file, [&](stix::ReadUnit&& u) {
    if (!failed.ok()) return;
    if (!u.object) {
      ++result.invalid;
      if (on_invalid) on_invalid(u);
      return;
    }
    batch.push_back(std::move(u.object->json));
    if (batch.size() >= options.objects_per_envelope) failed = flush();
  }));
  RETURN_IF_ERROR(failed);
  RETURN_IF_ERROR(flush());
  return result;
}

}  // namespace ncert::taxii
