#include "server/api.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <set>

#include "access/labeler.h"
#include "access/token.h"
#include "core/id.h"
#include "core/json.h"
#include "stix/decode.h"
#include "store/directory.h"

namespace ncert::server {

// ---- StorePool --------------------------------------------------------------

Result<std::unique_ptr<StorePool>> StorePool::Open(int size,
                                                   const Opener& open) {
  auto pool = std::make_unique<StorePool>();
  for (int i = 0; i < std::max(1, size); ++i) {
    ASSIGN_OR_RETURN(auto s, open());
    pool->free_.push_back(s.get());
    pool->stores_.push_back(std::move(s));
  }
  return pool;
}

StorePool::Lease StorePool::Acquire() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return !free_.empty(); });
  store::Store* s = free_.back();
  free_.pop_back();
  return Lease(this, s);
}

void StorePool::Release(store::Store* s) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    free_.push_back(s);
  }
  cv_.notify_one();
}

namespace {

Response Json(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.SetHeader("Content-Type", "application/json");
  return r;
}

Response FromStatus(const Status& s) {
  switch (s.code()) {
    case StatusCode::kInvalidArgument:
      return ErrorResponse(400, "bad-request", s.message());
    case StatusCode::kNotFound:
      return ErrorResponse(404, "not-found", s.message());
    case StatusCode::kAlreadyExists:
      return ErrorResponse(409, "conflict", s.message());
    case StatusCode::kPermissionDenied:
      return ErrorResponse(403, "forbidden", s.message());
    default:
      return ErrorResponse(500, "internal", s.message());
  }
}

// 400 naming the first query key not in `allowed`.
std::optional<Response> CheckKeys(
    const Request& req, std::initializer_list<std::string_view> allowed) {
  for (const auto& [k, v] : req.query) {
    if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
      std::string list;
      for (auto a : allowed) {
        if (!list.empty()) list += ", ";
        list += a;
      }
      return ErrorResponse(
          400, "unknown-parameter",
          fmt::format("unknown query parameter '{}' (allowed: {})",
                      k.substr(0, 64), list.empty() ? "none" : list));
    }
  }
  return std::nullopt;
}

std::optional<std::string_view> One(const Request& req, std::string_view key) {
  auto all = req.QueryAll(key);
  if (all.empty()) return std::nullopt;
  return all.back();
}

Result<bool> ParseBool(std::string_view key, std::string_view v) {
  if (v == "true" || v == "1" || v.empty()) return true;
  if (v == "false" || v == "0") return false;
  return Status::InvalidArgument(fmt::format(
      "'{}' must be true or false, not '{}'", key, v.substr(0, 32)));
}

store::Reader ReaderFor(const Request& req) {
  return req.principal ? store::Reader::As(*req.principal)
                       : store::Reader::Public();
}

bool JsonMediaType(std::string_view ct) {
  std::string_view base = ct.substr(0, ct.find(';'));
  while (!base.empty() && base.back() == ' ') base.remove_suffix(1);
  std::string lower(base);
  for (char& c : lower) c = static_cast<char>(std::tolower(c));
  return lower == "application/json" || lower == "application/stix+json" ||
         lower == "application/taxii+json";
}

// {"<member>":[to_json(item),...]}
template <typename T, typename ToJson>
std::string JsonListBody(std::string_view member, const std::vector<T>& items,
                         ToJson to_json) {
  std::string body = fmt::format("{{\"{}\":[", member);
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) body += ',';
    body += to_json(items[i]);
  }
  return body + "]}";
}

std::string UserJson(const access::User& u) {
  std::string out = fmt::format("{{\"id\":{},\"name\":", u.id);
  AppendJsonString(u.name, &out);
  out += fmt::format(",\"org_id\":{},\"role\":\"{}\",\"clearance\":{}}}",
                     u.org_id, access::RoleName(u.role), u.clearance);
  return out;
}

class Api {
 public:
  explicit Api(ApiDeps deps) : deps_(deps) {
    Metrics& m = *deps_.metrics;
    for (auto [outcome, i] : {std::pair{"new", 0},
                              {"new-version", 1},
                              {"unchanged", 2},
                              {"history", 3},
                              {"conflict", 4}}) {
      outcomes_[i] = &m.AddCounter("ncert_ingest_objects_total",
                                   "Objects submitted, by outcome",
                                   {{"source", "api"}, {"outcome", outcome}});
    }
    rejected_ =
        &m.AddCounter("ncert_ingest_rejected_total",
                      "Objects rejected by validation", {{"source", "api"}});
  }

  Response Objects(const Request& req);
  Response Object(const Request& req);
  Response Sightings(const Request& req);
  Response Export(const Request& req);
  Response ListOrgs(const Request& req);
  Response AddOrg(const Request& req);
  Response ListUsers(const Request& req);
  Response AddUser(const Request& req);
  Response ListTokens(const Request& req);
  Response AddToken(const Request& req);
  Response RevokeToken(const Request& req);

 private:
  // Runs `fn` with a store for reading.
  template <typename Fn>
  auto WithReader(Fn&& fn) {
    if (deps_.readers) {
      auto lease = deps_.readers->Acquire();
      return fn(*lease);
    }
    return fn(*deps_.store);
  }
  Result<store::Query> BuildQuery(const Request& req, int64_t default_limit);
  // 401/403 unless an administrator asks.
  std::optional<Response> RequireAdmin(const Request& req);
  Result<simdjson::dom::element> ParseBody(const Request& req,
                                           simdjson::dom::parser& parser,
                                           Response* error);
  // An administrator's POST of a named record: the admin check, no query
  // keys, the JSON body and its required non-empty "name". nullopt with
  // *el and *name set, or the error response.
  std::optional<Response> AdminBodyWithName(const Request& req,
                                            simdjson::dom::parser& parser,
                                            simdjson::dom::element* el,
                                            std::string* name);

  ApiDeps deps_;
  Counter* outcomes_[5] = {};
  Counter* rejected_ = nullptr;
};

Result<store::Query> Api::BuildQuery(const Request& req,
                                     int64_t default_limit) {
  store::Query q;
  q.limit = default_limit;
  for (std::string_view t : req.QueryAll("type")) {
    size_t start = 0;
    while (start <= t.size()) {
      size_t comma = t.find(',', start);
      std::string_view one = t.substr(start, comma == std::string_view::npos
                                                 ? std::string_view::npos
                                                 : comma - start);
      if (!one.empty()) q.types.emplace_back(one);
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
  }
  if (auto v = One(req, "label")) q.label = std::string(*v);
  if (auto v = One(req, "modified_since")) {
    auto t = ParseTimestamp(*v);
    if (!t.ok()) {
      return Status::InvalidArgument("modified_since: " + t.status().message());
    }
    q.modified_since = *t;
  }
  if (auto v = One(req, "added_after")) {
    auto t = ParseTimestamp(*v);
    if (!t.ok()) {
      return Status::InvalidArgument("added_after: " + t.status().message());
    }
    q.added_after = *t;
  }
  if (auto v = One(req, "limit")) {
    int64_t n = 0;
    auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
    if (ec != std::errc() || p != v->data() + v->size() || n < 1 ||
        n > deps_.max_limit) {
      return Status::InvalidArgument(
          fmt::format("limit must be an integer from 1 to {}, not '{}'",
                      deps_.max_limit, v->substr(0, 32)));
    }
    q.limit = n;
  }
  if (auto v = One(req, "versions")) {
    ASSIGN_OR_RETURN(bool all, ParseBool("versions", *v));
    q.latest_only = !all;
  }
  return q;
}

Response Api::Objects(const Request& req) {
  if (auto e = CheckKeys(req, {"type", "label", "modified_since", "added_after",
                               "limit", "versions"})) {
    return *e;
  }
  auto q = BuildQuery(req, 100);
  if (!q.ok()) return FromStatus(q.status());
  std::string body = "{\"objects\":[";
  int64_t n = 0;
  Status s = WithReader([&](store::Store& st) {
    return st.Scan(ReaderFor(req), *q, [&](const store::StoredObject& o) {
      if (n++) body += ',';
      body += o.json;
      return true;
    });
  });
  if (!s.ok()) return FromStatus(s);
  body += fmt::format("],\"count\":{}}}", n);
  return Json(200, std::move(body));
}

Response Api::Object(const Request& req) {
  if (auto e = CheckKeys(req, {"versions"})) return *e;
  const std::string& id = req.params.at("id");
  if (!ParseStixId(id).ok()) {
    return ErrorResponse(400, "bad-id",
                         "the id is not a STIX identifier (type--uuid)");
  }
  bool versions = false;
  if (auto v = One(req, "versions")) {
    auto b = ParseBool("versions", *v);
    if (!b.ok()) return FromStatus(b.status());
    versions = *b;
  }
  auto found = WithReader(
      [&](store::Store& st) -> Result<std::vector<store::StoredObject>> {
        if (versions) return st.Versions(ReaderFor(req), id);
        ASSIGN_OR_RETURN(auto one, st.Get(ReaderFor(req), id));
        std::vector<store::StoredObject> out;
        if (one) out.push_back(std::move(*one));
        return out;
      });
  if (!found.ok()) return FromStatus(found.status());
  if (found->empty()) {
    // The same answer for hidden and absent (store.h: Get).
    return ErrorResponse(404, "not-found", "no such object: " + id);
  }
  if (!versions) return Json(200, std::move((*found)[0].json));
  std::string body = "{\"id\":";
  AppendJsonString(id, &body);
  body += ",\"versions\":[";
  for (size_t i = 0; i < found->size(); ++i) {
    const auto& o = (*found)[i];
    if (i) body += ',';
    body += "{\"modified\":";
    AppendJsonString(o.modified, &body);
    body += ",\"added\":";
    AppendJsonString(FormatTimestamp(o.added), &body);
    body += fmt::format(",\"latest\":{},\"object\":{}}}",
                        o.latest ? "true" : "false", o.json);
  }
  body += "]}";
  return Json(200, std::move(body));
}

Result<simdjson::dom::element> Api::ParseBody(const Request& req,
                                              simdjson::dom::parser& parser,
                                              Response* error) {
  if (!JsonMediaType(req.Header("content-type"))) {
    *error = ErrorResponse(
        415, "unsupported-media-type",
        fmt::format("Content-Type must be application/json, not '{}'",
                    req.Header("content-type").substr(0, 64)));
    return Status::InvalidArgument("media type");
  }
  simdjson::dom::element el;
  auto err = parser.parse(req.body).get(el);
  if (err) {
    *error = ErrorResponse(
        400, "bad-json",
        fmt::format("the body is not JSON: {}", simdjson::error_message(err)));
    return Status::InvalidArgument("json");
  }
  if (!el.is_object()) {
    *error = ErrorResponse(400, "bad-json", "the body must be a JSON object");
    return Status::InvalidArgument("json");
  }
  return el;
}

// Builds a STIX sighting from {indicator_id, count, first_seen, last_seen,
// where_sighted}; the validator judges the result.
Result<std::string> SimpleSighting(simdjson::dom::object obj,
                                   const access::Principal& who, Clock& clock) {
  static constexpr std::string_view kKeys[] = {
      "indicator_id", "count", "first_seen", "last_seen", "where_sighted"};
  for (auto field : obj) {
    if (std::find(std::begin(kKeys), std::end(kKeys), field.key) ==
        std::end(kKeys)) {
      return Status::InvalidArgument(fmt::format(
          "/{}: unknown member (want indicator_id, count, first_seen, "
          "last_seen, where_sighted, or a STIX sighting)",
          std::string(field.key).substr(0, 64)));
    }
  }
  std::string_view indicator;
  if (obj["indicator_id"].get_string().get(indicator)) {
    return Status::InvalidArgument("/indicator_id: required, a string");
  }
  std::string now = FormatTimestamp(clock.Now());
  std::string out = "{\"type\":\"sighting\",\"spec_version\":\"2.1\",\"id\":";
  AppendJsonString(NewStixId("sighting"), &out);
  out += ",\"created\":";
  AppendJsonString(now, &out);
  out += ",\"modified\":";
  AppendJsonString(now, &out);
  out += ",\"sighting_of_ref\":";
  AppendJsonString(indicator, &out);
  if (!who.org.identity_ref.empty()) {
    out += ",\"created_by_ref\":";
    AppendJsonString(who.org.identity_ref, &out);
  }
  simdjson::dom::element v;
  if (!obj["count"].get(v)) {
    int64_t n = 0;
    if (v.get_int64().get(n)) {
      return Status::InvalidArgument("/count: must be an integer");
    }
    out += fmt::format(",\"count\":{}", n);
  }
  for (std::string_view key : {"first_seen", "last_seen"}) {
    if (!obj[key].get(v)) {
      std::string_view s;
      if (v.get_string().get(s)) {
        return Status::InvalidArgument(
            fmt::format("/{}: must be an RFC 3339 timestamp string", key));
      }
      out += fmt::format(",\"{}\":", key);
      AppendJsonString(s, &out);
    }
  }
  if (!obj["where_sighted"].get(v)) {
    simdjson::dom::array arr;
    if (v.get_array().get(arr)) {
      return Status::InvalidArgument(
          "/where_sighted: must be an array of identity ids");
    }
    out += ",\"where_sighted_refs\":[";
    bool first = true;
    for (auto e : arr) {
      std::string_view s;
      if (e.get_string().get(s)) {
        return Status::InvalidArgument(
            "/where_sighted: must be an array of identity ids");
      }
      if (!first) out += ',';
      first = false;
      AppendJsonString(s, &out);
    }
    out += "]";
  }
  out += "}";
  return out;
}

Response Api::Sightings(const Request& req) {
  if (auto e = CheckKeys(req, {})) return *e;
  if (req.principal == nullptr) {
    return ErrorResponse(401, "unauthorized",
                         "submitting a sighting needs a token");
  }
  const access::Principal& who = *req.principal;
  access::Role r = who.user.role;
  if (r != access::Role::kMember && r != access::Role::kMemberAdmin &&
      r != access::Role::kSensor && r != access::Role::kAnalyst &&
      r != access::Role::kAdmin) {
    return ErrorResponse(
        403, "forbidden",
        fmt::format("the {} role may not submit sightings", RoleName(r)));
  }
  simdjson::dom::parser parser;
  Response error;
  auto el = ParseBody(req, parser, &error);
  if (!el.ok()) return error;
  simdjson::dom::object obj = el->get_object().value_unsafe();
  std::string stix_text;
  simdjson::dom::element to_validate = *el;
  simdjson::dom::parser parser2;
  std::string_view type;
  if (!obj["type"].get_string().get(type)) {
    if (type != "sighting") {
      rejected_->Add();
      return ErrorResponse(
          400, "invalid-object",
          fmt::format("/type: '{}' is not a sighting", type.substr(0, 64)));
    }
  } else {
    auto built = SimpleSighting(obj, who, *deps_.clock);
    if (!built.ok()) {
      rejected_->Add();
      return ErrorResponse(400, "invalid-object", built.status().message());
    }
    stix_text = std::move(*built);
    if (parser2.parse(stix_text).get(to_validate)) {
      return ErrorResponse(500, "internal", "built sighting does not parse");
    }
  }
  std::vector<stix::Issue> issues;
  auto object = stix::ValidateAndDecode(to_validate, &issues);
  if (!object) {
    rejected_->Add();
    std::string body = "{\"error\":\"invalid-object\",\"message\":";
    std::string first;
    for (const auto& i : issues) {
      if (i.severity == stix::Severity::kError) {
        first = i.pointer + ": " + i.rule + ": " + i.message;
        break;
      }
    }
    AppendJsonString("the sighting is not valid STIX 2.1: " + first, &body);
    body += ",\"issues\":[";
    for (size_t i = 0; i < issues.size(); ++i) {
      if (i) body += ',';
      body += "{\"pointer\":";
      AppendJsonString(issues[i].pointer, &body);
      body += ",\"rule\":";
      AppendJsonString(issues[i].rule, &body);
      body += ",\"message\":";
      AppendJsonString(issues[i].message, &body);
      body += "}";
    }
    body += "]}";
    return Json(400, std::move(body));
  }
  access::ShareOptions share;
  share.owner_org = who.org.id;
  share.default_tlp = stix::Tlp::kAmber;
  if (who.org.id != 1) share.distribution.orgs.push_back(1);
  access::Labeler labeler(share);
  access::AccessLabel label = labeler.Label(*object);
  auto outcomes =
      deps_.store->Put(std::span<const stix::Object>(&*object, 1),
                       std::span<const access::AccessLabel>(&label, 1));
  if (!outcomes.ok()) return FromStatus(outcomes.status());
  store::PutOutcome o = (*outcomes)[0];
  static constexpr const char* kNames[] = {"new", "new-version", "unchanged",
                                           "history", "conflict"};
  outcomes_[static_cast<int>(o)]->Add();
  if (o == store::PutOutcome::kConflict) {
    return ErrorResponse(409, "conflict",
                         "a different object with this id and modified time "
                         "is already stored");
  }
  std::string body = "{\"id\":";
  AppendJsonString(object->id, &body);
  body += fmt::format(",\"outcome\":\"{}\"}}", kNames[static_cast<int>(o)]);
  return Json(o == store::PutOutcome::kNew ? 201 : 200, std::move(body));
}

Response Api::Export(const Request& req) {
  if (auto e = CheckKeys(
          req, {"format", "label", "modified_since", "added_after"})) {
    return *e;
  }
  std::string format(One(req, "format").value_or("stix"));
  if (format != "stix") {
    // TODO(lead, merge with branch `sightings`): serve the block-list formats
    // of src/blocklist/ here (plain, csv, suricata, ...).
    return ErrorResponse(
        501, "not-implemented",
        fmt::format("export format '{}' is not available yet; format=stix "
                    "is",
                    format.substr(0, 32)));
  }
  Request copy = req;
  copy.query.erase(
      std::remove_if(copy.query.begin(), copy.query.end(),
                     [](const auto& kv) { return kv.first == "format"; }),
      copy.query.end());
  auto q = BuildQuery(copy, -1);
  if (!q.ok()) return FromStatus(q.status());
  q->types = {"indicator"};
  std::string body = "{\"id\":";
  AppendJsonString(NewStixId("bundle"), &body);
  body += ",\"objects\":[";
  int64_t n = 0;
  Status s = WithReader([&](store::Store& st) {
    return st.Scan(ReaderFor(req), *q, [&](const store::StoredObject& o) {
      if (n++) body += ',';
      body += o.json;
      return true;
    });
  });
  if (!s.ok()) return FromStatus(s);
  body += "],\"type\":\"bundle\"}";
  Response r = Json(200, std::move(body));
  r.SetHeader("Content-Type", "application/stix+json;version=2.1");
  return r;
}

std::optional<Response> Api::RequireAdmin(const Request& req) {
  if (req.principal == nullptr) {
    return ErrorResponse(401, "unauthorized", "administration needs a token");
  }
  if (req.principal->user.role != access::Role::kAdmin) {
    return ErrorResponse(403, "forbidden",
                         fmt::format("{} may not administer the directory: "
                                     "that needs the admin role",
                                     req.principal->user.name));
  }
  return std::nullopt;
}

Response Api::ListOrgs(const Request& req) {
  if (auto e = RequireAdmin(req)) return *e;
  if (auto e = CheckKeys(req, {})) return *e;
  auto orgs = deps_.store->directory().ListOrgs();
  if (!orgs.ok()) return FromStatus(orgs.status());
  return Json(200, JsonListBody("orgs", *orgs, access::OrgJson));
}

std::optional<Response> Api::AdminBodyWithName(const Request& req,
                                               simdjson::dom::parser& parser,
                                               simdjson::dom::element* el,
                                               std::string* name) {
  if (auto e = RequireAdmin(req)) return e;
  if (auto e = CheckKeys(req, {})) return e;
  Response error;
  auto body = ParseBody(req, parser, &error);
  if (!body.ok()) return error;
  std::string_view s;
  if ((*body)["name"].get_string().get(s) || s.empty()) {
    return ErrorResponse(400, "bad-request", "/name: required, a string");
  }
  *el = *body;
  *name = std::string(s);
  return std::nullopt;
}

Response Api::AddOrg(const Request& req) {
  simdjson::dom::parser parser;
  simdjson::dom::element body;
  access::Org org;
  if (auto e = AdminBodyWithName(req, parser, &body, &org.name)) return *e;
  std::string_view s;
  if (!body["type"].get_string().get(s)) {
    auto t = access::ParseOrgType(s);
    if (!t) {
      return ErrorResponse(400, "bad-request",
                           fmt::format("/type: unknown organisation type '{}'",
                                       s.substr(0, 64)));
    }
    org.type = *t;
  }
  simdjson::dom::array arr;
  if (!body["sectors"].get_array().get(arr)) {
    for (auto e : arr) {
      if (e.get_string().get(s) || !access::IsValidSectorSlug(s)) {
        return ErrorResponse(400, "bad-request",
                             "/sectors: an array of sector slugs");
      }
      org.sectors.emplace_back(s);
    }
    std::sort(org.sectors.begin(), org.sectors.end());
  }
  auto added = deps_.store->directory().AddOrg(std::move(org));
  if (!added.ok()) return FromStatus(added.status());
  return Json(201, access::OrgJson(*added));
}

Response Api::ListUsers(const Request& req) {
  if (auto e = RequireAdmin(req)) return *e;
  if (auto e = CheckKeys(req, {})) return *e;
  auto users = deps_.store->directory().ListUsers();
  if (!users.ok()) return FromStatus(users.status());
  return Json(200, JsonListBody("users", *users, UserJson));
}

Response Api::AddUser(const Request& req) {
  simdjson::dom::parser parser;
  simdjson::dom::element body;
  access::User u;
  if (auto e = AdminBodyWithName(req, parser, &body, &u.name)) return *e;
  std::string_view s;
  if (body["org"].get_string().get(s)) {
    return ErrorResponse(400, "bad-request",
                         "/org: required, an organisation name or id");
  }
  auto org = deps_.store->directory().FindOrg(s);
  if (!org.ok()) return FromStatus(org.status());
  if (!*org)
    return ErrorResponse(400, "bad-request", "/org: no such organisation");
  u.org_id = (*org)->id;
  if (!body["role"].get_string().get(s)) {
    auto role = access::ParseRole(s);
    if (!role) return ErrorResponse(400, "bad-request", "/role: unknown role");
    u.role = *role;
  }
  if (!body["clearance"].get_string().get(s)) {
    auto c = access::Clearances().Parse(s);
    if (!c)
      return ErrorResponse(400, "bad-request", "/clearance: unknown level");
    u.clearance = *c;
  }
  auto added = deps_.store->directory().AddUser(std::move(u));
  if (!added.ok()) return FromStatus(added.status());
  return Json(201, UserJson(*added));
}

Response Api::ListTokens(const Request& req) {
  if (auto e = RequireAdmin(req)) return *e;
  if (auto e = CheckKeys(req, {})) return *e;
  auto tokens = deps_.store->directory().ListTokens();
  if (!tokens.ok()) return FromStatus(tokens.status());
  std::string body = "{\"tokens\":[";
  for (size_t i = 0; i < tokens->size(); ++i) {
    const auto& t = (*tokens)[i];
    if (i) body += ',';
    body += "{\"id\":";
    AppendJsonString(t.key_id, &body);
    body += ",\"user\":";
    AppendJsonString(t.user_name, &body);
    body += ",\"created\":";
    AppendJsonString(FormatTimestamp(t.created), &body);
    body += ",\"expires\":";
    if (t.expires) {
      AppendJsonString(FormatTimestamp(*t.expires), &body);
    } else {
      body += "null";
    }
    body += fmt::format(",\"revoked\":{},\"note\":", t.revoked);
    AppendJsonString(t.note, &body);
    body += "}";
  }
  return Json(200, body + "]}");
}

Response Api::AddToken(const Request& req) {
  if (auto e = RequireAdmin(req)) return *e;
  if (auto e = CheckKeys(req, {})) return *e;
  simdjson::dom::parser parser;
  Response error;
  auto el = ParseBody(req, parser, &error);
  if (!el.ok()) return error;
  std::string_view s;
  if ((*el)["user"].get_string().get(s)) {
    return ErrorResponse(400, "bad-request",
                         "/user: required, a user name or id");
  }
  auto who = deps_.store->directory().FindPrincipal(s);
  if (!who.ok()) return FromStatus(who.status());
  if (!*who) return ErrorResponse(400, "bad-request", "/user: no such user");
  int64_t days = 0;
  simdjson::dom::element v;
  if (!(*el)["days"].get(v) &&
      (v.get_int64().get(days) || days < 0 || days > 3650)) {
    return ErrorResponse(400, "bad-request",
                         "/days: an integer from 0 to 3650");
  }
  auto t = access::NewToken();
  if (!t.ok()) return FromStatus(t.status());
  store::TokenRecord r;
  r.key_id = t->key_id;
  r.hash = t->hash;
  r.user_id = (*who)->user.id;
  r.created = deps_.clock->Now();
  if (days > 0) r.expires = Timestamp{r.created.micros + days * 86400000000};
  if (!(*el)["note"].get_string().get(s)) r.note = std::string(s);
  Status st = deps_.store->directory().AddToken(r);
  if (!st.ok()) return FromStatus(st);
  std::string body = "{\"token\":";
  AppendJsonString(t->token, &body);
  body += ",\"id\":";
  AppendJsonString(r.key_id, &body);
  body += ",\"expires\":";
  if (r.expires) {
    AppendJsonString(FormatTimestamp(*r.expires), &body);
  } else {
    body += "null";
  }
  return Json(201, body + "}");
}

Response Api::RevokeToken(const Request& req) {
  if (auto e = RequireAdmin(req)) return *e;
  if (auto e = CheckKeys(req, {})) return *e;
  Status st = deps_.store->directory().RevokeToken(req.params.at("key_id"));
  if (!st.ok()) return FromStatus(st);
  Response r;
  r.status = 204;
  return r;
}

}  // namespace

void AddApiRoutes(Router& router, ApiDeps deps) {
  auto api = std::make_shared<Api>(deps);
  auto bind = [api](Response (Api::*fn)(const Request&)) {
    return [api, fn](const Request& req) { return ((*api).*fn)(req); };
  };
  router.Add("GET", "/api/v1/objects", bind(&Api::Objects));
  router.Add("GET", "/api/v1/objects/{id}", bind(&Api::Object));
  router.Add("POST", "/api/v1/sightings", bind(&Api::Sightings));
  router.Add("GET", "/api/v1/indicators/export", bind(&Api::Export));
  router.Add("GET", "/api/v1/orgs", bind(&Api::ListOrgs));
  router.Add("POST", "/api/v1/orgs", bind(&Api::AddOrg));
  router.Add("GET", "/api/v1/users", bind(&Api::ListUsers));
  router.Add("POST", "/api/v1/users", bind(&Api::AddUser));
  router.Add("GET", "/api/v1/tokens", bind(&Api::ListTokens));
  router.Add("POST", "/api/v1/tokens", bind(&Api::AddToken));
  router.Add("DELETE", "/api/v1/tokens/{key_id}", bind(&Api::RevokeToken));
  router.Add("GET", "/api/v1/openapi.json", [](const Request&) {
    return Json(200, std::string(kOpenApiJson));
  });
}

}  // namespace ncert::server
