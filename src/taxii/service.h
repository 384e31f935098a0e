// The TAXII 2.1 server as plain handlers of a server::Request: discovery,
// API roots, collections, objects (GET, POST), one object (GET, DELETE),
// its versions, the manifest and status resources. server/ routes requests
// here (RegisterTaxiiRoutes); tests call the handlers directly.
//
// Every read passes the access policy: the store is read as the request's
// principal (store::Reader::As) or as the public when the request is
// anonymous, so a collection never returns, counts or dates an object the
// caller may not see, and a hidden object answers exactly like an absent
// one. Collections are filtered views of the store (taxii/config.h); a
// DELETE withdraws an object from one collection and erases nothing (the
// store keeps every version forever). docs/taxii.md has the details.
//
// Reading at speed (ncert serve; docs/taxii.md "Serving at speed"): pages
// are read through a server::StorePool (one SQLite connection per worker,
// so reads run side by side), finished objects/ and manifest/ pages may be
// kept in a PageCache checked against a store::ChangeWatcher, and read
// audits go to a server::AuditSink that commits them in batches. Each is
// optional; without them the service reads and audits through `store`.
//
// Thread safety: thread-safe; handlers may run on several threads at once
// (the store, pool, cache and sink are thread-safe; the service holds no
// other mutable state).
#ifndef NCERT_TAXII_SERVICE_H_
#define NCERT_TAXII_SERVICE_H_

#include <functional>
#include <string>

#include "core/env.h"
#include "core/time.h"
#include "server/api.h"
#include "server/auth.h"
#include "server/http.h"
#include "store/store.h"
#include "taxii/config.h"
#include "taxii/page_cache.h"
#include "taxii/protocol.h"

namespace ncert::taxii {

// Everything pointed to must outlive the service.
struct TaxiiReadPath {
  server::StorePool* readers = nullptr;     // page reads; null: the store
  store::ChangeWatcher* changes = nullptr;  // required with `cache`
  PageCache* cache = nullptr;               // objects/ and manifest/ pages
  server::AuditSink* audit = nullptr;       // read audits; null: at once
};

class TaxiiService {
 public:
  // `store` (writes, and reads without a pool), `env` (for the validator; it
  // reads no files) and `clock` must outlive the service.
  TaxiiService(store::Store& store, Env& env, Clock& clock, TaxiiConfig config,
               TaxiiReadPath read_path = {});

  const TaxiiConfig& config() const { return config_; }

  // GET /taxii2/
  server::Response Discovery(const server::Request& r) const;
  // GET /taxii2/{api_root}/
  server::Response ApiRoot(const server::Request& r) const;
  // GET /taxii2/{api_root}/collections/
  server::Response Collections(const server::Request& r) const;
  // GET /taxii2/{api_root}/collections/{id}/
  server::Response Collection(const server::Request& r) const;
  // GET /taxii2/{api_root}/collections/{id}/objects/
  server::Response GetObjects(const server::Request& r) const;
  // POST /taxii2/{api_root}/collections/{id}/objects/
  server::Response AddObjects(const server::Request& r) const;
  // GET /taxii2/{api_root}/collections/{id}/objects/{object_id}/
  server::Response GetObject(const server::Request& r) const;
  // DELETE /taxii2/{api_root}/collections/{id}/objects/{object_id}/
  server::Response DeleteObject(const server::Request& r) const;
  // GET /taxii2/{api_root}/collections/{id}/objects/{object_id}/versions/
  server::Response Versions(const server::Request& r) const;
  // GET /taxii2/{api_root}/collections/{id}/manifest/
  server::Response Manifest(const server::Request& r) const;
  // GET /taxii2/{api_root}/status/{status_id}/
  server::Response GetStatus(const server::Request& r) const;

 private:
  class Call;  // one request's work (service.cc)
  // GetObject (versions=false: the objects) and Versions (true: their
  // version timestamps): one object's versions in a collection, one page.
  server::Response OneObject(const server::Request& r, bool versions) const;
  // GetObjects (manifest=false) and Manifest (true): one page of a
  // collection, as objects or as manifest records.
  server::Response ListObjects(const server::Request& r, bool manifest) const;
  // The page cache's key for a list request (service.cc).
  std::string PageKey(const Call& call, const server::Request& r,
                      const ObjectQuery& q, bool manifest) const;
  // The read audit of one list page (when audit_reads is on).
  void AuditList(const Call& call, bool manifest, int64_t records) const;
  store::Store& store_;
  Env& env_;
  Clock& clock_;
  TaxiiConfig config_;
  TaxiiReadPath read_path_;
};

// Adds every TAXII route: `add(method, pattern, handler)` with patterns such
// as "/taxii2/{api_root}/collections/{id}/objects/"; the router puts the
// captured segments into Request::params under those names (api_root, id,
// object_id, status_id). `svc` must outlive the routes.
void RegisterTaxiiRoutes(
    const std::function<void(std::string method, std::string path_pattern,
                             server::Handler)>& add,
    TaxiiService& svc);

}  // namespace ncert::taxii

#endif  // NCERT_TAXII_SERVICE_H_
