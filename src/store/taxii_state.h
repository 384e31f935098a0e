// TAXII's records in the knowledge store's database (schema 3,
// store/migrations_taxii.cc): the status resources of POSTed envelopes, the
// per-collection withdrawals of objects (TAXII DELETE: the store keeps every
// version forever, so a DELETE hides an object from one collection and
// erases nothing), and the client's pull cursors per (server URL,
// collection).
//
// Thread safety: thread-safe (the store's connection and mutex). Never call
// it from inside a Store::Scan / ScanAdded callback (the mutex is held).
#ifndef NCERT_STORE_TAXII_STATE_H_
#define NCERT_STORE_TAXII_STATE_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/time.h"

namespace ncert::store {

struct TaxiiStatusRecord {
  std::string id;        // the status id (a UUID)
  std::string api_root;  // which API root it belongs to
  std::string owner;     // user name of who POSTed ("" = anonymous)
  Timestamp requested;
  std::string json;  // the TAXII status resource, as served
};

struct TaxiiWithdrawal {
  std::string collection;  // "<api_root>/<collection id>"
  std::string object_id;
  Timestamp at;
  std::string by;  // user name
};

struct TaxiiCursor {
  std::string url;         // the API root URL pulled from
  std::string collection;  // collection id
  Timestamp last_added;    // the highest date_added stored so far
  Timestamp updated;
};

class TaxiiState {
 public:
  virtual ~TaxiiState() = default;

  // Inserts or replaces the status resource `record.id`.
  virtual Status PutStatus(const TaxiiStatusRecord& record) = 0;
  virtual Result<std::optional<TaxiiStatusRecord>> GetStatus(
      std::string_view api_root, std::string_view id) = 0;

  // Records that `object_id` no longer appears in `collection` (idempotent:
  // a second withdrawal keeps the first record).
  virtual Status Withdraw(const TaxiiWithdrawal& w) = 0;
  // The ids withdrawn from `collection`.
  virtual Result<std::vector<std::string>> Withdrawn(
      std::string_view collection) = 0;

  virtual Result<std::optional<TaxiiCursor>> GetCursor(
      std::string_view url, std::string_view collection) = 0;
  virtual Status SetCursor(const TaxiiCursor& cursor) = 0;
};

}  // namespace ncert::store

#endif  // NCERT_STORE_TAXII_STATE_H_
