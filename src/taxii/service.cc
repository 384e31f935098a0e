#include "taxii/service.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <cassert>
#include <optional>
#include <unordered_set>
#include <utility>

#include "access/label.h"
#include "access/labeler.h"
#include "core/id.h"
#include "core/json.h"
#include "stix/reader.h"
#include "store/directory.h"
#include "store/taxii_state.h"
#include "taxii/protocol.h"

namespace ncert::taxii {
namespace {

using server::Request;
using server::Response;

Response Json(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.SetHeader("Content-Type", std::string(kTaxiiMediaType));
  return r;
}

Response Error(int status, std::string_view title, std::string_view detail) {
  return Json(status, ErrorJson(status, title, detail));
}

Response NotFound(std::string_view what) {
  return Error(404, "Not found", what);
}

std::string Param(const Request& r, const char* name) {
  auto it = r.params.find(name);
  return it == r.params.end() ? std::string() : it->second;
}

// date_added as served: microseconds, so that a client's added_after taken
// from X-TAXII-Date-Added-Last is exact.
std::string DateAdded(Timestamp t) { return FormatTimestamp(t, 6); }

std::string TlpConfigName(const std::optional<stix::Tlp>& tlp) {
  if (!tlp) return "none";
  std::string name(stix::TlpName(*tlp).substr(4));  // "TLP:AMBER" -> AMBER
  for (char& c : name) c = static_cast<char>(std::tolower(c));
  return name;
}

bool Contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// One returned record: an object version with where it sits in the
// collection's order.
struct Item {
  store::StoredObject object;
  int64_t seq = 0;  // 0 where it came from Versions (one object's pages)
};

}  // namespace

// One request against one collection: who asks, what they may do, and the
// collection's view of the store.
class TaxiiService::Call {
 public:
  Call(const TaxiiService& svc, const Request& r) : svc_(svc), r_(r) {}

  // Finds the API root; a Response (404) when there is none.
  std::optional<Response> FindRoot() {
    std::string name = Param(r_, "api_root");
    for (const ApiRootConfig& root : svc_.config_.api_roots) {
      if (root.name == name) {
        root_ = &root;
        return std::nullopt;
      }
    }
    return NotFound("no such API root");
  }

  // Finds the API root and the collection, and checks that the caller may
  // `write` (else read) it: 401 anonymous, 404 for a collection the caller
  // may neither read nor write (as if absent), 403 otherwise.
  std::optional<Response> FindCollection(bool write) {
    if (auto resp = FindRoot()) return resp;
    std::string id = Param(r_, "id");
    for (const CollectionConfig& c : root_->collections) {
      if (c.id == id || (!c.alias.empty() && c.alias == id)) coll_ = &c;
    }
    bool visible = coll_ != nullptr && (CanRead(*coll_) || CanWrite(*coll_));
    if (!visible) {
      if (r_.principal == nullptr) {
        return Error(401, "Authentication required",
                     "this collection needs an authenticated caller");
      }
      return NotFound("no such collection");
    }
    if (write ? !CanWrite(*coll_) : !CanRead(*coll_)) {
      if (r_.principal == nullptr) {
        return Error(401, "Authentication required",
                     "this operation needs an authenticated caller");
      }
      return Error(403, "Forbidden",
                   write ? "you may not write to this collection"
                         : "you may not read this collection");
    }
    key_ = root_->name + "/" + coll_->id;
    return std::nullopt;
  }

  bool CanRead(const CollectionConfig& c) const {
    const access::Principal* p = r_.principal;
    if (p == nullptr) return c.public_read;
    if (!access::RoleReadsObjects(p->user.role)) return false;
    if (c.public_read) return true;
    return c.read_roles.empty() ||
           std::find(c.read_roles.begin(), c.read_roles.end(), p->user.role) !=
               c.read_roles.end();
  }
  bool CanWrite(const CollectionConfig& c) const {
    const access::Principal* p = r_.principal;
    return p != nullptr && std::find(c.write_roles.begin(), c.write_roles.end(),
                                     p->user.role) != c.write_roles.end();
  }

  store::Reader reader() const {
    return r_.principal ? store::Reader::As(*r_.principal)
                        : store::Reader::Public();
  }
  std::string actor() const {
    return r_.principal ? r_.principal->user.name : "public";
  }

  void Audit(std::string_view action, std::string target,
             std::string result) const {
    // A failure to audit does not change the answer (as in cli/); it is
    // visible to `ncert audit verify` as a gap in nothing, so log nothing.
    (void)svc_.store_.directory().AppendAudit(
        Entry(action, std::move(target), std::move(result)));
  }
  // A read's audit: through the sink when there is one (committed in a
  // batch within milliseconds, never dropped, flushed on shutdown), else at
  // once like Audit.
  void AuditRead(std::string target, std::string result) const {
    if (svc_.read_path_.audit == nullptr) {
      Audit("read", std::move(target), std::move(result));
      return;
    }
    svc_.read_path_.audit->RecordKept(
        Entry("read", std::move(target), std::move(result)));
  }
  access::AuditEntry Entry(std::string_view action, std::string target,
                           std::string result) const {
    access::AuditEntry e;
    e.actor = actor();
    e.action = action;
    e.target = std::move(target);
    e.result = std::move(result);
    return e;
  }

  // Reads go to `s` (a pooled connection) instead of the service's store.
  void ReadFrom(store::Store& s) { reads_ = &s; }
  store::Store& reads() const { return reads_ ? *reads_ : svc_.store_; }

  // The collection's types intersected with match[type]; nullopt when the
  // intersection is empty (nothing can match).
  std::optional<std::vector<std::string>> Types(const ObjectQuery& q) const {
    if (coll_->types.empty()) return q.types;
    if (q.types.empty()) return coll_->types;
    std::vector<std::string> both;
    for (const auto& t : q.types) {
      if (Contains(coll_->types, t)) both.push_back(t);
    }
    if (both.empty()) return std::nullopt;
    return both;
  }

  Status LoadWithdrawn() {
    ASSIGN_OR_RETURN(std::vector<std::string> ids,
                     reads().taxii().Withdrawn(key_));
    withdrawn_.insert(ids.begin(), ids.end());
    return Status::Ok();
  }

  // Whether `o` is in the collection's view (the filters beyond type).
  bool InView(const store::StoredObject& o) {
    if (!coll_->types.empty() && !Contains(coll_->types, o.type)) return false;
    if (withdrawn_.count(o.id)) return false;
    if (!coll_->tlp.empty() || !coll_->sectors.empty()) {
      auto label = access::DecodeLabel(o.access);
      if (!label.ok()) return false;
      if (!coll_->tlp.empty() &&
          !Contains(coll_->tlp, TlpConfigName(label->tlp))) {
        return false;
      }
      if (!coll_->sectors.empty()) {
        bool any = false;
        for (const auto& s : label->distribution.sectors) {
          any = any || Contains(coll_->sectors, s);
        }
        if (!any) return false;
      }
    }
    if (!coll_->created_by.empty() || !coll_->labels.empty()) {
      simdjson::dom::element el;
      if (parser_.parse(o.json).get(el) != simdjson::SUCCESS) return false;
      if (!coll_->created_by.empty()) {
        std::string_view by;
        if (el["created_by_ref"].get_string().get(by) != simdjson::SUCCESS ||
            !Contains(coll_->created_by, by)) {
          return false;
        }
      }
      if (!coll_->labels.empty()) {
        bool any = false;
        simdjson::dom::array labels;
        if (el["labels"].get_array().get(labels) == simdjson::SUCCESS) {
          for (simdjson::dom::element l : labels) {
            std::string_view s;
            if (l.get_string().get(s) == simdjson::SUCCESS) {
              any = any || Contains(coll_->labels, s);
            }
          }
        }
        if (!any) return false;
      }
    }
    return true;
  }

  // ListPage through a connection leased from `readers` (when there is a
  // pool) for just this read; later reads go to the service's store again.
  Status ListPagePooled(server::StorePool* readers, const ObjectQuery& q,
                        std::vector<Item>* page, bool* more) {
    if (readers == nullptr) return ListPage(q, page, more);
    server::StorePool::Lease lease = readers->Acquire();
    ReadFrom(*lease);
    Status s = ListPage(q, page, more);
    reads_ = nullptr;
    return s;
  }

  // A page of the collection for the objects and manifest endpoints.
  // Sets *more and the cursor of the last item.
  Status ListPage(const ObjectQuery& q, std::vector<Item>* page, bool* more) {
    *more = false;
    if (!q.spec_21) return Status::Ok();
    auto types = Types(q);
    if (!types) return Status::Ok();
    RETURN_IF_ERROR(LoadWithdrawn());
    if (!q.ids.empty()) return IdsPage(q, *types, page, more);
    store::AddedQuery aq;
    aq.after_seq = q.next ? q.next->seq : 0;
    aq.added_after = q.added_after;
    aq.types = *types;
    aq.latest_only = q.versions.LastOnly();
    const size_t want = static_cast<size_t>(q.limit) + 1;
    page->reserve(want);
    while (true) {
      std::vector<Item> cands;
      cands.reserve(want - page->size());
      bool stopped = false;
      int64_t last_seq = aq.after_seq;
      RETURN_IF_ERROR(reads().ScanAdded(
          reader(), aq, [&](store::StoredObject& o, int64_t seq) {
            last_seq = seq;
            if (!InView(o) || !VersionMatches(o, /*first_known=*/false)) {
              return true;
            }
            cands.push_back({std::move(o), seq});
            if (page->size() + cands.size() >= want) {
              stopped = true;
              return false;
            }
            return true;
          }));
      // "first" needs the object's other versions, read outside the scan.
      for (Item& c : cands) {
        if (NeedsFirstCheck(c.object)) {
          ASSIGN_OR_RETURN(bool first, IsFirstVersion(c.object));
          if (!first) continue;
        }
        page->push_back(std::move(c));
      }
      if (!stopped || page->size() >= want) break;
      aq.after_seq = last_seq;  // some candidates were dropped: read on
    }
    if (page->size() >= want) {
      *more = true;
      page->resize(want - 1);
    }
    return Status::Ok();
  }

  // match[id]: the named objects' versions, merged in date_added order.
  Status IdsPage(const ObjectQuery& q, const std::vector<std::string>& types,
                 std::vector<Item>* page, bool* more) {
    std::vector<Item> all;
    for (const std::string& id : q.ids) {
      if (!types.empty() && !Contains(types, id.substr(0, id.find("--")))) {
        continue;
      }
      ASSIGN_OR_RETURN(auto versions, reads().Versions(reader(), id));
      RETURN_IF_ERROR(SelectVersions(q, std::move(versions), &all));
    }
    return Paginate(q, std::move(all), page, more);
  }

  // One object's versions as the collection shows them (for GET object,
  // versions, and match[id]), filtered by added_after and match[version].
  Status SelectVersions(const ObjectQuery& q,
                        std::vector<store::StoredObject> versions,
                        std::vector<Item>* out) {
    if (!q.spec_21 || versions.empty()) return Status::Ok();
    const std::string first = versions.front().modified;  // oldest first
    bool have_latest = false;
    for (const auto& v : versions) have_latest = have_latest || v.latest;
    for (size_t i = 0; i < versions.size(); ++i) {
      store::StoredObject& o = versions[i];
      if (!InView(o)) continue;
      if (q.added_after && o.added <= *q.added_after) continue;
      bool last = have_latest ? o.latest : i + 1 == versions.size();
      bool ok = q.versions.all || (q.versions.last && last) ||
                (q.versions.first && o.modified == first) || AtMatches(o);
      if (ok) out->push_back({std::move(o), 0});
    }
    return Status::Ok();
  }

  // Orders records by (date_added, id, version) and cuts the page after
  // the cursor.
  Status Paginate(const ObjectQuery& q, std::vector<Item> all,
                  std::vector<Item>* page, bool* more) {
    auto key = [](const Item& i) {
      return std::tie(i.object.added, i.object.id, i.object.modified);
    };
    std::sort(all.begin(), all.end(),
              [&](const Item& a, const Item& b) { return key(a) < key(b); });
    size_t start = 0;
    if (q.next) {
      while (start < all.size() &&
             std::tie(all[start].object.added, all[start].object.id,
                      all[start].object.modified) <=
                 std::tie(q.next->added, q.next->id, q.next->version)) {
        ++start;
      }
    }
    size_t end = std::min(all.size(), start + static_cast<size_t>(q.limit));
    *more = end < all.size();
    for (size_t i = start; i < end; ++i) page->push_back(std::move(all[i]));
    return Status::Ok();
  }

  void SetVersionFilter(const VersionFilter& v) { versions_ = v; }

  bool AtMatches(const store::StoredObject& o) const {
    if (versions_.at.empty()) return false;
    auto t = ParseTimestamp(o.modified);
    return t.ok() && std::find(versions_.at.begin(), versions_.at.end(), *t) !=
                         versions_.at.end();
  }
  // During a scan: whether the row passes match[version] on what the row
  // itself tells (first is checked after the scan).
  bool VersionMatches(const store::StoredObject& o, bool) const {
    return versions_.all || (versions_.last && o.latest) || versions_.first ||
           AtMatches(o);
  }
  bool NeedsFirstCheck(const store::StoredObject& o) const {
    return versions_.first && !versions_.all && !(versions_.last && o.latest) &&
           !AtMatches(o);
  }
  Result<bool> IsFirstVersion(const store::StoredObject& o) {
    ASSIGN_OR_RETURN(auto versions, reads().Versions(reader(), o.id));
    return !versions.empty() && versions.front().modified == o.modified;
  }

  const ApiRootConfig* root() const { return root_; }
  const CollectionConfig* coll() const { return coll_; }
  const std::string& key() const { return key_; }

 private:
  const TaxiiService& svc_;
  const Request& r_;
  store::Store* reads_ = nullptr;
  const ApiRootConfig* root_ = nullptr;
  const CollectionConfig* coll_ = nullptr;
  std::string key_;
  std::unordered_set<std::string> withdrawn_;
  VersionFilter versions_;
  simdjson::dom::parser parser_;
};

namespace {

// The checks every GET shares: Accept.
std::optional<Response> CheckAccept(const Request& r) {
  if (!AcceptsTaxii(r.Header("accept"))) {
    return Error(
        406, "Not acceptable",
        fmt::format("this server answers with {} only", kTaxiiMediaType));
  }
  return std::nullopt;
}

// X-TAXII-Date-Added-First and -Last of a page ("" for an empty page).
std::pair<std::string, std::string> DateRange(const std::vector<Item>& page) {
  if (page.empty()) return {};
  Timestamp first = page.front().object.added, last = first;
  for (const Item& i : page) {
    first = std::min(first, i.object.added);
    last = std::max(last, i.object.added);
  }
  return {DateAdded(first), DateAdded(last)};
}

void SetDateHeaders(const std::pair<std::string, std::string>& range,
                    Response* resp) {
  if (range.first.empty()) return;
  resp->SetHeader("X-TAXII-Date-Added-First", range.first);
  resp->SetHeader("X-TAXII-Date-Added-Last", range.second);
}

void SetDateHeaders(const std::vector<Item>& page, Response* resp) {
  SetDateHeaders(DateRange(page), resp);
}

// What a page's objects take as JSON, commas included.
size_t JsonBytes(const std::vector<Item>& page) {
  size_t bytes = 0;
  for (const Item& i : page) bytes += i.object.json.size() + 1;
  return bytes;
}

// A list page from the cache: its body shared, not copied.
Response CachedResponse(std::shared_ptr<const PageCache::Page> page) {
  Response resp = Json(200, "");
  if (!page->date_added_first.empty()) {
    resp.SetHeader("X-TAXII-Date-Added-First", page->date_added_first);
    resp.SetHeader("X-TAXII-Date-Added-Last", page->date_added_last);
  }
  const std::string* body = &page->body;
  resp.shared_body = std::shared_ptr<const std::string>(std::move(page), body);
  return resp;
}

std::string NextToken(const Item& last) {
  Cursor c;
  c.seq = last.seq;
  c.added = last.object.added;
  c.id = last.object.id;
  c.version = last.object.modified;
  return EncodeCursor(c);
}

Response StoreError(const Status& s) {
  return Error(500, "Internal error",
               fmt::format("the store failed: {}", s.message()));
}

// An envelope-style body: {"more":…,"next":…,"<member>":[…]} or {} when the
// page is empty, appended into one buffer of `reserve` bytes (grown only if
// the items need more).
template <typename ItemFn>
std::string Envelope(std::string_view member, const std::vector<Item>& page,
                     bool more, size_t reserve, const ItemFn& item) {
  if (page.empty()) return "{}";
  std::string out;
  out.reserve(reserve + 160);
  out += more ? "{\"more\":true" : "{\"more\":false";
  if (more) {
    out += ",\"next\":";
    AppendJsonString(NextToken(page.back()), &out);
  }
  out += ",\"";
  out += member;
  out += "\":[";
  for (size_t i = 0; i < page.size(); ++i) {
    if (i) out += ',';
    item(page[i], &out);
  }
  out += "]}";
  return out;
}

std::string VersionOf(const store::StoredObject& o) {
  return o.modified.empty() ? DateAdded(o.added) : o.modified;
}

}  // namespace

TaxiiService::TaxiiService(store::Store& store, Env& env, Clock& clock,
                           TaxiiConfig config, TaxiiReadPath read_path)
    : store_(store),
      env_(env),
      clock_(clock),
      config_(std::move(config)),
      read_path_(read_path) {
  assert((read_path_.cache == nullptr || read_path_.changes != nullptr) &&
         "a page cache needs a change watcher");
}

Response TaxiiService::Discovery(const Request& r) const {
  if (auto e = CheckAccept(r)) return *e;
  std::string out = "{\"api_roots\":[";
  for (size_t i = 0; i < config_.api_roots.size(); ++i) {
    if (i) out += ',';
    AppendJsonString("/taxii2/" + config_.api_roots[i].name + "/", &out);
  }
  out += ']';
  if (!config_.contact.empty()) {
    out += ",\"contact\":";
    AppendJsonString(config_.contact, &out);
  }
  if (!config_.default_api_root.empty()) {
    out += ",\"default\":";
    AppendJsonString("/taxii2/" + config_.default_api_root + "/", &out);
  }
  if (!config_.description.empty()) {
    out += ",\"description\":";
    AppendJsonString(config_.description, &out);
  }
  out += ",\"title\":";
  AppendJsonString(config_.title, &out);
  out += '}';
  return Json(200, std::move(out));
}

Response TaxiiService::ApiRoot(const Request& r) const {
  if (auto e = CheckAccept(r)) return *e;
  Call call(*this, r);
  if (auto e = call.FindRoot()) return *e;
  const ApiRootConfig& root = *call.root();
  std::string out;
  if (!root.description.empty()) {
    out += "\"description\":";
    AppendJsonString(root.description, &out);
    out += ',';
  }
  return Json(200, fmt::format(
                       "{{{}\"max_content_length\":{},\"title\":{},"
                       "\"versions\":[\"{}\"]}}",
                       out, root.max_content_length,
                       [&] {
                         std::string t;
                         AppendJsonString(root.title, &t);
                         return t;
                       }(),
                       kTaxiiMediaType));
}

namespace {

void AppendCollection(const CollectionConfig& c, bool can_read, bool can_write,
                      std::string* out) {
  *out += '{';
  if (!c.alias.empty()) {
    *out += "\"alias\":";
    AppendJsonString(c.alias, out);
    *out += ',';
  }
  *out +=
      fmt::format("\"can_read\":{},\"can_write\":{},",
                  can_read ? "true" : "false", can_write ? "true" : "false");
  if (!c.description.empty()) {
    *out += "\"description\":";
    AppendJsonString(c.description, out);
    *out += ',';
  }
  *out += "\"id\":";
  AppendJsonString(c.id, out);
  *out += fmt::format(",\"media_types\":[\"{}\"],\"title\":", kStixMediaType);
  AppendJsonString(c.title, out);
  *out += '}';
}

}  // namespace

Response TaxiiService::Collections(const Request& r) const {
  if (auto e = CheckAccept(r)) return *e;
  Call call(*this, r);
  if (auto e = call.FindRoot()) return *e;
  std::string list;
  for (const CollectionConfig& c : call.root()->collections) {
    bool read = call.CanRead(c), write = call.CanWrite(c);
    if (!read && !write) continue;  // as if absent
    if (!list.empty()) list += ',';
    AppendCollection(c, read, write, &list);
  }
  if (list.empty()) return Json(200, "{}");
  return Json(200, "{\"collections\":[" + list + "]}");
}

Response TaxiiService::Collection(const Request& r) const {
  if (auto e = CheckAccept(r)) return *e;
  Call call(*this, r);
  // Either right shows the collection's description.
  if (auto e = call.FindRoot()) return *e;
  std::string id = Param(r, "id");
  for (const CollectionConfig& c : call.root()->collections) {
    if (c.id != id && (c.alias.empty() || c.alias != id)) continue;
    bool read = call.CanRead(c), write = call.CanWrite(c);
    if (!read && !write) break;
    std::string out;
    AppendCollection(c, read, write, &out);
    return Json(200, std::move(out));
  }
  if (r.principal == nullptr) {
    return Error(401, "Authentication required",
                 "this collection needs an authenticated caller");
  }
  return NotFound("no such collection");
}

Response TaxiiService::GetObjects(const Request& r) const {
  return ListObjects(r, /*manifest=*/false);
}

Response TaxiiService::Manifest(const Request& r) const {
  return ListObjects(r, /*manifest=*/true);
}

namespace {

// Length-prefixed, so that no value (a name from the directory, an id from
// a client's cursor) can pass for a field boundary: two keys are equal only
// if every field is.
void AppendField(std::string_view v, std::string* out) {
  *out += std::to_string(v.size());
  *out += ':';
  *out += v;
}
void AppendField(int64_t v, std::string* out) {
  AppendField(std::to_string(v), out);
}

// The caller's whole access view: every field of the principal the policy
// may look at, so that two callers share a page only if the policy cannot
// tell them apart (and the public shares with the public only).
void AppendView(const access::Principal* p, std::string* out) {
  if (p == nullptr) {
    AppendField("public", out);
    return;
  }
  AppendField("user", out);
  AppendField(p->user.id, out);
  AppendField(p->user.name, out);
  AppendField(access::RoleName(p->user.role), out);
  AppendField(p->user.clearance, out);
  AppendField(p->user.org_id, out);
  AppendField(p->org.id, out);
  AppendField(p->org.name, out);
  AppendField(access::OrgTypeName(p->org.type), out);
  AppendField(p->org.identity_ref, out);
  AppendField(static_cast<int64_t>(p->org.sectors.size()), out);
  for (const auto& sector : p->org.sectors) AppendField(sector, out);
  AppendField(static_cast<int64_t>(p->groups.size()), out);
  for (int64_t g : p->groups) AppendField(g, out);
}

}  // namespace

// What decides a list page's bytes: API root, collection, endpoint, the
// caller's view and the parsed (hence normalised) query.
std::string TaxiiService::PageKey(const Call& call, const Request& r,
                                  const ObjectQuery& q, bool manifest) const {
  std::string key;
  key.reserve(256);
  AppendField(call.root()->name, &key);
  AppendField(call.coll()->id, &key);
  AppendField(manifest ? "manifest" : "objects", &key);
  AppendView(r.principal, &key);
  AppendField(q.added_after ? q.added_after->micros : -1, &key);
  AppendField(q.limit, &key);
  if (q.next) {
    AppendField(q.next->seq, &key);
    AppendField(q.next->added.micros, &key);
    AppendField(q.next->id, &key);
    AppendField(q.next->version, &key);
  } else {
    AppendField("-", &key);
  }
  AppendField(static_cast<int64_t>(q.ids.size()), &key);
  for (const auto& id : q.ids) AppendField(id, &key);
  AppendField(static_cast<int64_t>(q.types.size()), &key);
  for (const auto& t : q.types) AppendField(t, &key);
  AppendField(q.versions.first ? "first" : "", &key);
  AppendField(q.versions.last ? "last" : "", &key);
  AppendField(q.versions.all ? "all" : "", &key);
  AppendField(static_cast<int64_t>(q.versions.at.size()), &key);
  for (const Timestamp& t : q.versions.at) AppendField(t.micros, &key);
  AppendField(q.spec_21 ? "2.1" : "none", &key);
  return key;
}

void TaxiiService::AuditList(const Call& call, bool manifest,
                             int64_t records) const {
  if (!config_.audit_reads) return;
  call.AuditRead(
      fmt::format("taxii {} {}", manifest ? "manifest" : "objects", call.key()),
      fmt::format("ok {} {}", records, manifest ? "records" : "objects"));
}

// objects/ and manifest/ read the same page; only the item written differs:
// the object itself, or its manifest record. With a page cache, a finished
// page is kept under everything that decides its bytes (PageKey) and the
// store's generation; the access checks above it run on every request, and
// the read is audited on every request, cached or not.
Response TaxiiService::ListObjects(const Request& r, bool manifest) const {
  if (auto e = CheckAccept(r)) return *e;
  Call call(*this, r);
  if (auto e = call.FindCollection(false)) return *e;
  auto q = ParseObjectQuery(
      r.query, manifest ? Endpoint::kManifest : Endpoint::kObjects);
  if (!q.ok()) return Error(400, "Bad request", q.status().message());
  call.SetVersionFilter(q->versions);

  std::string cache_key;
  uint64_t generation = 0;
  PageCache* cache = read_path_.cache;
  if (cache != nullptr) {
    auto gen = read_path_.changes->Generation();
    if (!gen.ok()) return StoreError(gen.status());
    generation = *gen;
    cache_key = PageKey(call, r, *q, manifest);
    if (auto page = cache->Find(cache_key, generation)) {
      AuditList(call, manifest, page->records);
      return CachedResponse(std::move(page));
    }
  }

  std::vector<Item> page;
  bool more = false;
  if (Status s = call.ListPagePooled(read_path_.readers, *q, &page, &more);
      !s.ok()) {
    return StoreError(s);
  }
  AuditList(call, manifest, static_cast<int64_t>(page.size()));
  // Manifest records are shorter than their objects: enough either way.
  const size_t bytes = JsonBytes(page);
  std::string body;
  if (manifest) {
    body = Envelope("objects", page, more, bytes,
                    [](const Item& i, std::string* out) {
                      *out += "{\"date_added\":";
                      AppendJsonString(DateAdded(i.object.added), out);
                      *out += ",\"id\":";
                      AppendJsonString(i.object.id, out);
                      *out += ",\"media_type\":\"";
                      *out += kStixMediaType;
                      *out += "\",\"version\":";
                      AppendJsonString(VersionOf(i.object), out);
                      *out += '}';
                    });
  } else {
    body = Envelope("objects", page, more, bytes,
                    [](const Item& i, std::string* out) {
                      // Stored canonical: the bytes as written.
                      *out += i.object.json;
                    });
  }
  auto range = DateRange(page);
  if (cache != nullptr) {
    // The body moves into the cache and the response shares it.
    PageCache::Page p;
    p.body = std::move(body);
    p.records = static_cast<int64_t>(page.size());
    p.date_added_first = std::move(range.first);
    p.date_added_last = std::move(range.second);
    return CachedResponse(
        cache->Insert(std::move(cache_key), generation, std::move(p)));
  }
  Response resp = Json(200, std::move(body));
  SetDateHeaders(range, &resp);
  return resp;
}

namespace {

// The object id of the URL: 400 when it is not an id at all (a traversal
// attempt decodes to "../…", never type--uuid).
std::optional<Response> CheckObjectId(const std::string& id) {
  if (!IsStixIdShape(id)) {
    return Error(400, "Bad request",
                 "the object id in the URL is not a STIX id (type--uuid)");
  }
  return std::nullopt;
}

}  // namespace

Response TaxiiService::GetObject(const Request& r) const {
  return OneObject(r, /*versions=*/false);
}

Response TaxiiService::Versions(const Request& r) const {
  return OneObject(r, /*versions=*/true);
}

Response TaxiiService::OneObject(const Request& r, bool versions) const {
  if (auto e = CheckAccept(r)) return *e;
  Call call(*this, r);
  if (auto e = call.FindCollection(false)) return *e;
  std::string id = Param(r, "object_id");
  if (auto e = CheckObjectId(id)) return *e;
  auto q = ParseObjectQuery(r.query,
                            versions ? Endpoint::kVersions : Endpoint::kObject);
  if (!q.ok()) return Error(400, "Bad request", q.status().message());
  call.SetVersionFilter(q->versions);
  q->ids = {id};
  std::vector<Item> page;
  bool more = false;
  if (Status s = call.ListPagePooled(read_path_.readers, *q, &page, &more);
      !s.ok()) {
    return StoreError(s);
  }
  if (config_.audit_reads) {
    call.AuditRead(
        fmt::format("taxii {} {} {}", versions ? "versions" : "object",
                    call.key(), id),
        fmt::format("ok {} versions", page.size()));
  }
  if (page.empty() && !q->next) {
    return NotFound("no such object in this collection");
  }
  Response resp = Json(
      200, versions ? Envelope("versions", page, more, 40 * page.size(),
                               [](const Item& i, std::string* out) {
                                 AppendJsonString(VersionOf(i.object), out);
                               })
                    : Envelope("objects", page, more, JsonBytes(page),
                               [](const Item& i, std::string* out) {
                                 *out += i.object.json;
                               }));
  SetDateHeaders(page, &resp);
  return resp;
}

Response TaxiiService::DeleteObject(const Request& r) const {
  if (auto e = CheckAccept(r)) return *e;
  Call call(*this, r);
  if (auto e = call.FindCollection(true)) return *e;
  std::string id = Param(r, "object_id");
  if (auto e = CheckObjectId(id)) return *e;
  const access::Role role = r.principal->user.role;
  if (role != access::Role::kAdmin && role != access::Role::kAnalyst) {
    call.Audit("write", "taxii delete " + call.key() + " " + id,
               "denied: not an analyst or admin");
    return Error(403, "Forbidden",
                 "only the national CERT's analysts and administrators "
                 "withdraw objects from a collection");
  }
  // Only what the caller can see in the collection can be withdrawn (a
  // hidden object answers as an absent one).
  ObjectQuery q;
  q.ids = {id};
  q.versions.all = true;
  q.limit = 1;
  call.SetVersionFilter(q.versions);
  std::vector<Item> page;
  bool more = false;
  if (Status s = call.ListPage(q, &page, &more); !s.ok()) return StoreError(s);
  if (page.empty()) return NotFound("no such object in this collection");
  Status s = store_.taxii().Withdraw(
      {call.key(), id, clock_.Now(), r.principal->user.name});
  if (!s.ok()) return StoreError(s);
  call.Audit("write", "taxii delete " + call.key() + " " + id,
             "ok withdrawn from the collection (versions kept)");
  Response resp;
  resp.status = 200;
  return resp;
}

Response TaxiiService::AddObjects(const Request& r) const {
  if (auto e = CheckAccept(r)) return *e;
  Call call(*this, r);
  if (auto e = call.FindCollection(true)) return *e;
  if (!IsTaxiiContentType(r.Header("content-type"))) {
    return Error(415, "Unsupported media type",
                 fmt::format("POST an envelope as {}", kTaxiiMediaType));
  }
  if (static_cast<int64_t>(r.body.size()) > call.root()->max_content_length) {
    return Error(413, "Payload too large",
                 fmt::format("the body is {} bytes; this API root takes at "
                             "most {} (max_content_length)",
                             r.body.size(), call.root()->max_content_length));
  }
  auto envelope = ParseEnvelope(r.body, config_.max_objects_per_envelope);
  if (!envelope.ok()) {
    if (envelope.status().code() == StatusCode::kResourceExhausted) {
      return Error(413, "Too many objects", envelope.status().message());
    }
    return Error(400, "Bad request", envelope.status().message());
  }
  const access::Principal& who = *r.principal;
  access::ShareOptions share;
  share.owner_org = who.org.id;
  share.default_tlp = call.coll()->inbox_tlp;
  share.distribution.orgs = {1};  // the national CERT (store schema 1)
  access::Labeler labeler(share);
  stix::StixReader reader(env_, stix::ReaderOptions{});

  struct Outcome {
    std::string id, version, message;
    bool ok = false;
  };
  std::vector<Outcome> outcomes(envelope->size());
  std::vector<stix::Object> objects;
  std::vector<access::AccessLabel> labels;
  std::vector<size_t> where;  // outcome index of each object to store
  for (size_t i = 0; i < envelope->size(); ++i) {
    const EnvelopeObject& eo = (*envelope)[i];
    Outcome& out = outcomes[i];
    out.id = eo.id;
    out.version = eo.version;
    if (eo.json.empty()) {
      out.message = eo.pointer + ": not a JSON object";
      continue;
    }
    std::optional<stix::Object> object;
    std::string problems;
    Status read =
        reader.ReadBuffer(eo.pointer, eo.json, [&](stix::ReadUnit&& u) {
          for (const stix::Issue& issue : u.issues) {
            if (issue.severity != stix::Severity::kError) continue;
            if (!problems.empty()) problems += "; ";
            problems += fmt::format("{}{}: {}: {}", eo.pointer, issue.pointer,
                                    issue.rule, issue.message);
          }
          if (u.object && !object) object = std::move(u.object);
        });
    if (!read.ok() || !object) {
      out.message = problems.empty() ? eo.pointer + ": not a valid STIX object"
                                     : problems;
      continue;
    }
    if (!call.coll()->types.empty() &&
        !Contains(call.coll()->types, object->type)) {
      out.message = fmt::format(
          "{}: type '{}' does not belong in this "
          "collection",
          eo.pointer, object->type);
      continue;
    }
    out.id = object->id;
    out.version = object->modified;
    labels.push_back(labeler.Label(*object));
    objects.push_back(std::move(*object));
    where.push_back(i);
  }
  if (!objects.empty()) {
    auto put = store_.Put(objects, labels);
    if (!put.ok()) return StoreError(put.status());
    for (size_t k = 0; k < put->size(); ++k) {
      Outcome& out = outcomes[where[k]];
      if ((*put)[k] == store::PutOutcome::kConflict) {
        out.message =
            "another object with this id and modified is already stored";
      } else {
        out.ok = true;
        out.message = fmt::format("added to collection '{}'", call.coll()->id);
      }
    }
  }
  int64_t successes = 0;
  std::string ok_list, failed_list;
  for (const Outcome& o : outcomes) {
    std::string* list = o.ok ? &ok_list : &failed_list;
    if (o.ok) ++successes;
    if (!list->empty()) *list += ',';
    *list += "{\"id\":";
    AppendJsonString(o.id, list);
    *list += ",\"message\":";
    AppendJsonString(o.message, list);
    *list += ",\"version\":";
    AppendJsonString(o.version, list);
    *list += '}';
  }
  const int64_t total = static_cast<int64_t>(outcomes.size());
  const Timestamp now = clock_.Now();
  store::TaxiiStatusRecord rec;
  rec.id = NewUuidV4();
  rec.api_root = call.root()->name;
  rec.owner = who.user.name;
  rec.requested = now;
  rec.json = fmt::format(
      "{{\"failure_count\":{},\"failures\":[{}],\"id\":\"{}\","
      "\"pending_count\":0,\"pendings\":[],\"request_timestamp\":\"{}\","
      "\"status\":\"complete\",\"success_count\":{},\"successes\":[{}],"
      "\"total_count\":{}}}",
      total - successes, failed_list, rec.id, DateAdded(now), successes,
      ok_list, total);
  if (Status s = store_.taxii().PutStatus(rec); !s.ok()) return StoreError(s);
  call.Audit("write", "taxii add " + call.key(),
             fmt::format("ok {} of {} objects stored, status {}", successes,
                         total, rec.id));
  return Json(202, rec.json);
}

Response TaxiiService::GetStatus(const Request& r) const {
  if (auto e = CheckAccept(r)) return *e;
  Call call(*this, r);
  if (auto e = call.FindRoot()) return *e;
  if (r.principal == nullptr) {
    return Error(401, "Authentication required",
                 "status resources belong to who POSTed them");
  }
  auto rec = store_.taxii().GetStatus(call.root()->name, Param(r, "status_id"));
  if (!rec.ok()) return StoreError(rec.status());
  // Only its owner and administrators see a status (others: as if absent).
  if (!*rec || ((*rec)->owner != r.principal->user.name &&
                r.principal->user.role != access::Role::kAdmin)) {
    return NotFound("no such status");
  }
  return Json(200, (*rec)->json);
}

void RegisterTaxiiRoutes(
    const std::function<void(std::string, std::string, server::Handler)>& add,
    TaxiiService& svc) {
  auto bind = [&svc](Response (TaxiiService::*m)(const Request&) const) {
    return [&svc, m](const Request& r) { return (svc.*m)(r); };
  };
  const std::string c = "/taxii2/{api_root}/collections/{id}/";
  add("GET", "/taxii2/", bind(&TaxiiService::Discovery));
  add("GET", "/taxii2/{api_root}/", bind(&TaxiiService::ApiRoot));
  add("GET", "/taxii2/{api_root}/collections/",
      bind(&TaxiiService::Collections));
  add("GET", c, bind(&TaxiiService::Collection));
  add("GET", c + "objects/", bind(&TaxiiService::GetObjects));
  add("POST", c + "objects/", bind(&TaxiiService::AddObjects));
  add("GET", c + "objects/{object_id}/", bind(&TaxiiService::GetObject));
  add("DELETE", c + "objects/{object_id}/", bind(&TaxiiService::DeleteObject));
  add("GET", c + "objects/{object_id}/versions/",
      bind(&TaxiiService::Versions));
  add("GET", c + "manifest/", bind(&TaxiiService::Manifest));
  add("GET", "/taxii2/{api_root}/status/{status_id}/",
      bind(&TaxiiService::GetStatus));
}

}  // namespace ncert::taxii
