#include "taxii/protocol.h"

#include <fmt/format.h>
#include <simdjson.h>
#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "core/id.h"
#include "core/json.h"

namespace ncert::taxii {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  while (true) {
    size_t p = s.find(sep);
    out.push_back(s.substr(0, p));
    if (p == std::string_view::npos) break;
    s.remove_prefix(p + 1);
  }
  return out;
}

// One media range: type/subtype and its parameters (names lower-cased).
struct MediaRange {
  std::string type;
  std::vector<std::pair<std::string, std::string>> params;
  const std::string* Param(std::string_view name) const {
    for (const auto& [k, v] : params) {
      if (k == name) return &v;
    }
    return nullptr;
  }
};

MediaRange ParseMediaRange(std::string_view text) {
  MediaRange m;
  std::vector<std::string_view> parts = Split(text, ';');
  m.type = Lower(Trim(parts[0]));
  for (size_t i = 1; i < parts.size(); ++i) {
    std::string_view p = Trim(parts[i]);
    size_t eq = p.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view v = Trim(p.substr(eq + 1));
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') {
      v = v.substr(1, v.size() - 2);
    }
    m.params.emplace_back(Lower(Trim(p.substr(0, eq))), std::string(v));
  }
  return m;
}

bool IsTaxii21(const MediaRange& m) {
  if (m.type != "application/taxii+json") return false;
  const std::string* v = m.Param("version");
  return v == nullptr || *v == "2.1";
}

bool ParseInt64(std::string_view s, int64_t* out) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

bool IsTypeName(std::string_view t) {
  if (t.size() < 3 || t.size() > 250) return false;
  for (char c : t) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
      return false;
    }
  }
  return true;
}

Status Bad(std::string_view param, std::string_view why) {
  return Status::InvalidArgument(fmt::format("{}: {}", param, why));
}

}  // namespace

bool AcceptsTaxii(std::string_view accept) {
  if (Trim(accept).empty()) return true;
  for (std::string_view range : Split(accept, ',')) {
    MediaRange m = ParseMediaRange(range);
    if (const std::string* q = m.Param("q"); q != nullptr) {
      std::string_view qv = Trim(*q);
      if (qv == "0" || qv == "0.0" || qv == "0.00" || qv == "0.000") continue;
    }
    if (m.type == "*/*" || m.type == "application/*" || IsTaxii21(m)) {
      return true;
    }
  }
  return false;
}

bool IsTaxiiContentType(std::string_view content_type) {
  return IsTaxii21(ParseMediaRange(content_type));
}

std::string EncodeCursor(const Cursor& c) {
  std::string raw =
      fmt::format("1|{}|{}|{}|{}", c.seq, c.added.micros, c.id, c.version);
  std::string out(sodium_base64_ENCODED_LEN(
                      raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
  sodium_bin2base64(out.data(), out.size(),
                    reinterpret_cast<const unsigned char*>(raw.data()),
                    raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.find('\0'));
  return out;
}

Result<Cursor> DecodeCursor(std::string_view token) {
  Status bad = Bad("next", "not a cursor this server issued");
  if (token.empty() || token.size() > 1024) return bad;
  std::string raw(token.size(), '\0');
  size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(raw.data()),
                        raw.size(), token.data(), token.size(), nullptr, &len,
                        nullptr,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
    return bad;
  }
  raw.resize(len);
  std::vector<std::string_view> f = Split(raw, '|');
  Cursor c;
  if (f.size() != 5 || f[0] != "1" || !ParseInt64(f[1], &c.seq) ||
      !ParseInt64(f[2], &c.added.micros) || c.seq < 0) {
    return bad;
  }
  c.id = f[3];
  c.version = f[4];
  if (!c.id.empty() && !IsStixIdShape(c.id)) return bad;
  return c;
}

bool IsStixIdShape(std::string_view id) {
  size_t p = id.find("--");
  if (p == std::string_view::npos) return false;
  return IsTypeName(id.substr(0, p)) && IsValidUuid(id.substr(p + 2));
}

Result<ObjectQuery> ParseObjectQuery(
    const std::vector<std::pair<std::string, std::string>>& query,
    Endpoint endpoint) {
  ObjectQuery q;
  bool version_given = false;
  const bool listing =
      endpoint == Endpoint::kObjects || endpoint == Endpoint::kManifest;
  for (const auto& [name, value] : query) {
    if (name == "added_after") {
      auto t = ParseTimestamp(value);
      if (!t.ok()) return Bad(name, t.status().message());
      q.added_after = *t;
    } else if (name == "limit") {
      int64_t n = 0;
      std::string_view v = value;
      bool digits = !v.empty() && v.size() <= 64 &&
                    std::all_of(v.begin(), v.end(),
                                [](char c) { return c >= '0' && c <= '9'; });
      if (digits && !ParseInt64(v, &n)) n = kMaxPageSize;  // past int64
      if (!digits || n < 1) {
        return Bad(name, fmt::format("'{}' is not a positive integer",
                                     v.substr(0, 32)));
      }
      q.limit = std::min(n, kMaxPageSize);
    } else if (name == "next") {
      ASSIGN_OR_RETURN(Cursor c, DecodeCursor(value));
      q.next = std::move(c);
    } else if (name.starts_with("match[")) {
      std::string_view field = std::string_view(name).substr(6);
      if (!field.ends_with("]")) return Bad(name, "malformed match parameter");
      field.remove_suffix(1);
      bool allowed = field == "spec_version" ||
                     (field == "version" && endpoint != Endpoint::kVersions) ||
                     ((field == "id" || field == "type") && listing);
      if (!allowed) {
        return Bad(name, fmt::format("this server does not filter on '{}' "
                                     "at this endpoint",
                                     field.substr(0, 64)));
      }
      for (std::string_view raw : Split(value, ',')) {
        std::string_view v = Trim(raw);
        if (field == "id") {
          if (!IsStixIdShape(v)) return Bad(name, "not a STIX id");
          q.ids.emplace_back(v);
        } else if (field == "type") {
          if (!IsTypeName(v)) return Bad(name, "not a STIX type name");
          q.types.emplace_back(v);
        } else if (field == "version") {
          version_given = true;
          if (v == "first") {
            q.versions.first = true;
          } else if (v == "last") {
            q.versions.last = true;
          } else if (v == "all") {
            q.versions.all = true;
          } else {
            auto t = ParseTimestamp(v);
            if (!t.ok()) {
              return Bad(name, "want first, last, all or a timestamp: " +
                                   t.status().message());
            }
            q.versions.at.push_back(*t);
          }
        } else {  // spec_version
          if (v.empty() || v.size() > 8) return Bad(name, "not a version");
        }
      }
      if (field == "spec_version") {
        // Only versions other than 2.1 asked for: nothing matches.
        bool any21 = false;
        for (std::string_view raw : Split(value, ',')) {
          if (Trim(raw) == "2.1") any21 = true;
        }
        q.spec_21 = any21;
      }
    }
    // Other parameters are ignored (docs/taxii.md).
  }
  if (!version_given) {
    // The object's versions endpoint lists every version; elsewhere the
    // default is the latest one.
    if (endpoint == Endpoint::kVersions) {
      q.versions.all = true;
    } else {
      q.versions.last = true;
    }
  }
  return q;
}

std::string ErrorJson(int http_status, std::string_view title,
                      std::string_view description) {
  std::string out = "{\"description\":";
  AppendJsonString(description, &out);
  out += fmt::format(",\"http_status\":\"{}\",\"title\":", http_status);
  AppendJsonString(title, &out);
  out += '}';
  return out;
}

Result<std::vector<EnvelopeObject>> ParseEnvelope(std::string_view body,
                                                  size_t max_objects) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (auto err = parser.parse(body.data(), body.size()).get(root); err) {
    return Status::InvalidArgument(
        fmt::format("the body is not JSON ({})", simdjson::error_message(err)));
  }
  simdjson::dom::object envelope;
  if (root.get_object().get(envelope) != simdjson::SUCCESS) {
    return Status::InvalidArgument(
        "the body is not a TAXII envelope (a JSON "
        "object with an \"objects\" array)");
  }
  simdjson::dom::array objects;
  if (envelope["objects"].get_array().get(objects) != simdjson::SUCCESS) {
    return Status::InvalidArgument(
        "/objects: the envelope has no \"objects\" array");
  }
  if (objects.size() > max_objects) {
    return Status::ResourceExhausted(fmt::format(
        "/objects: {} objects in one envelope; this server takes at most {} "
        "(send several envelopes)",
        objects.size(), max_objects));
  }
  std::vector<EnvelopeObject> out;
  out.reserve(objects.size());
  size_t i = 0;
  for (simdjson::dom::element el : objects) {
    EnvelopeObject o;
    o.pointer = fmt::format("/objects/{}", i++);
    if (el.is_object()) {
      o.json = simdjson::minify(el);
      std::string_view s;
      if (el["id"].get_string().get(s) == simdjson::SUCCESS) o.id = s;
      if (el["modified"].get_string().get(s) == simdjson::SUCCESS ||
          el["created"].get_string().get(s) == simdjson::SUCCESS) {
        o.version = s;
      }
    }
    out.push_back(std::move(o));
  }
  return out;
}

Result<ReceivedEnvelope> ParseReceivedEnvelope(std::string_view body) {
  ReceivedEnvelope env;
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (auto err = parser.parse(body.data(), body.size()).get(root); err) {
    return Status::InvalidArgument(
        fmt::format("the server's envelope is not JSON ({})",
                    simdjson::error_message(err)));
  }
  simdjson::dom::object o;
  if (root.get_object().get(o) != simdjson::SUCCESS) {
    return Status::InvalidArgument("the server's envelope is not an object");
  }
  bool more = false;
  if (o["more"].get_bool().get(more) == simdjson::SUCCESS) env.more = more;
  std::string_view next;
  if (o["next"].get_string().get(next) == simdjson::SUCCESS) env.next = next;
  simdjson::dom::array objects;
  if (o["objects"].get_array().get(objects) == simdjson::SUCCESS) {
    for (simdjson::dom::element el : objects) {
      env.objects.push_back(simdjson::minify(el));
    }
  }
  return env;
}

}  // namespace ncert::taxii
