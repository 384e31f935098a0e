#include "store/migrations.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <string>

#include "store/migrations_taxii.h"

namespace ncert::store {
namespace {

// Schema 1. One row per object version in `objects`. Short repeated strings
// (types, labels, identity and marking references) are interned into lookup
// tables.
//
// The version key (type, uuid, version) -> pk lives in two WITHOUT ROWID
// tables, ids and recent_ids, each with that primary key; a key is in one of
// them. New keys go to recent_ids, which stays small (at most ~64k keys), so
// a Put writes few of its pages; when it fills up, its keys move to ids in
// one sorted pass. A plain index on objects would instead dirty a page of a
// tree the size of the store for nearly every object of every Put, and
// WAL-mode SQLite writes each dirty page whole at every commit.
//
// The other access paths (labels, markings, creator, valid_from, valid_until)
// are inverted lists: one row per (key, Put) holding the pks that Put wrote
// with that key, as a JSON array of offsets from first_pk. A Put writes a few
// dozen such rows instead of several index entries per object, which is what
// keeps ingest near raw-insert speed (docs/storage.md has the measurements).
// `puts` records each Put's pk range and `added` time: pks grow with every
// insert and `added` grows with every Put, so "added after T" is a pk range.
// json_each() reads the lists from the sqlite3 shell; the *_v views do it.
constexpr std::string_view kSchema1 = R"sql(
CREATE TABLE types (
  type_key INTEGER PRIMARY KEY,
  name     TEXT NOT NULL UNIQUE,
  objects  INTEGER NOT NULL DEFAULT 0,  -- distinct ids = rows with latest = 1
  versions INTEGER NOT NULL DEFAULT 0   -- rows
);

CREATE TABLE labels (
  label_key INTEGER PRIMARY KEY,
  name      TEXT NOT NULL UNIQUE
);

-- STIX identifiers that many objects point at: created_by_ref identities and
-- object_marking_refs marking definitions.
CREATE TABLE refs (
  ref_key INTEGER PRIMARY KEY,
  ref     TEXT NOT NULL UNIQUE
);

CREATE TABLE objects (
  pk           INTEGER PRIMARY KEY,  -- grows with every insert, never reused
  type_key     INTEGER NOT NULL REFERENCES types,
  uuid         BLOB NOT NULL CHECK (length(uuid) = 16),
  id_text      TEXT,     -- the id as written if not type--lower-case-uuid
  modified     TEXT,     -- as written; NULL when it is version_us in ms form
  version_us   INTEGER NOT NULL,
  spec_version TEXT NOT NULL,
  created_by   INTEGER REFERENCES refs,
  revoked      INTEGER NOT NULL CHECK (revoked IN (0, 1)),
  valid_from   INTEGER,
  valid_until  INTEGER,
  added_us     INTEGER NOT NULL,
  latest       INTEGER NOT NULL CHECK (latest IN (0, 1)),
  json         TEXT NOT NULL CHECK (json <> ''),
  access       TEXT NOT NULL DEFAULT ''  -- access/label.h EncodeLabel
);

-- The version key (see above): id lookups, Versions(), duplicate detection,
-- and scans of a type in (type, id, version) order. The latest version of
-- an id is its highest version_us (and its row has latest = 1).
CREATE TABLE ids (
  type_key   INTEGER NOT NULL,
  uuid       BLOB NOT NULL,
  version_us INTEGER NOT NULL,
  pk         INTEGER NOT NULL,
  PRIMARY KEY (type_key, uuid, version_us)
) WITHOUT ROWID;

CREATE TABLE recent_ids (
  type_key   INTEGER NOT NULL,
  uuid       BLOB NOT NULL,
  version_us INTEGER NOT NULL,
  pk         INTEGER NOT NULL,
  PRIMARY KEY (type_key, uuid, version_us)
) WITHOUT ROWID;

CREATE INDEX objects_revoked ON objects (type_key) WHERE revoked = 1;

-- One row per Put that stored something: its pks are first_pk..last_pk.
CREATE TABLE puts (
  first_pk INTEGER PRIMARY KEY,
  last_pk  INTEGER NOT NULL,
  added_us INTEGER NOT NULL UNIQUE
);

-- Inverted lists (see above); pks = first_pk + each offset.
CREATE TABLE object_labels (
  label_key INTEGER NOT NULL REFERENCES labels,
  first_pk  INTEGER NOT NULL,
  offsets   TEXT NOT NULL,
  PRIMARY KEY (label_key, first_pk)
) WITHOUT ROWID;

CREATE TABLE object_markings (
  ref_key  INTEGER NOT NULL REFERENCES refs,
  first_pk INTEGER NOT NULL,
  offsets  TEXT NOT NULL,
  PRIMARY KEY (ref_key, first_pk)
) WITHOUT ROWID;

CREATE TABLE objects_by_creator (
  ref_key  INTEGER NOT NULL REFERENCES refs,
  first_pk INTEGER NOT NULL,
  offsets  TEXT NOT NULL,
  PRIMARY KEY (ref_key, first_pk)
) WITHOUT ROWID;

-- valid_from and valid_until by bucket: bucket = micros >> 41 (2^41 us, about
-- 25.5 days). A time range maps to a few buckets; rows are then checked
-- against the exact column.
CREATE TABLE objects_by_valid_from (
  bucket   INTEGER NOT NULL,
  first_pk INTEGER NOT NULL,
  offsets  TEXT NOT NULL,
  PRIMARY KEY (bucket, first_pk)
) WITHOUT ROWID;

CREATE TABLE objects_by_valid_until (
  bucket   INTEGER NOT NULL,
  first_pk INTEGER NOT NULL,
  offsets  TEXT NOT NULL,
  PRIMARY KEY (bucket, first_pk)
) WITHOUT ROWID;

-- For people at the sqlite3 prompt: the rows with id, type and modified
-- spelled out as the API returns them, and the inverted lists unrolled.
CREATE VIEW object_versions AS
SELECT o.pk,
       coalesce(o.id_text,
                t.name || '--' ||
                lower(substr(hex(o.uuid), 1, 8) || '-' ||
                      substr(hex(o.uuid), 9, 4) || '-' ||
                      substr(hex(o.uuid), 13, 4) || '-' ||
                      substr(hex(o.uuid), 17, 4) || '-' ||
                      substr(hex(o.uuid), 21))) AS id,
       t.name AS type,
       coalesce(o.modified,
                strftime('%Y-%m-%dT%H:%M:%S', o.version_us / 1000000,
                         'unixepoch') ||
                printf('.%03dZ', (o.version_us / 1000) % 1000)) AS modified,
       o.version_us, o.spec_version, c.ref AS created_by_ref, o.revoked,
       o.valid_from, o.valid_until, o.added_us, o.latest, o.json
FROM objects o
JOIN types t USING (type_key)
LEFT JOIN refs c ON c.ref_key = o.created_by;

CREATE VIEW object_ids AS
SELECT * FROM ids UNION ALL SELECT * FROM recent_ids;

CREATE VIEW object_labels_v AS
SELECT p.first_pk + j.value AS pk, l.name AS label
FROM object_labels p JOIN labels l USING (label_key), json_each(p.offsets) j;

CREATE VIEW object_markings_v AS
SELECT p.first_pk + j.value AS pk, r.ref AS marking_ref
FROM object_markings p JOIN refs r USING (ref_key), json_each(p.offsets) j;

-- Principals (src/access/principal.h, src/store/directory.h).
CREATE TABLE orgs (
  org_id       INTEGER PRIMARY KEY,
  name         TEXT NOT NULL UNIQUE,
  type         TEXT NOT NULL,
  sectors      TEXT NOT NULL DEFAULT '',  -- sorted slugs, comma-separated
  identity_ref TEXT
);
CREATE TABLE sharing_groups (
  group_id INTEGER PRIMARY KEY,
  name     TEXT NOT NULL UNIQUE
);
CREATE TABLE group_members (
  group_id INTEGER NOT NULL REFERENCES sharing_groups,
  org_id   INTEGER NOT NULL REFERENCES orgs,
  PRIMARY KEY (group_id, org_id)
) WITHOUT ROWID;
CREATE TABLE users (
  user_id   INTEGER PRIMARY KEY,
  name      TEXT NOT NULL UNIQUE,
  org_id    INTEGER NOT NULL REFERENCES orgs,
  role      TEXT NOT NULL,
  clearance INTEGER NOT NULL CHECK (clearance BETWEEN 0 AND 3)
);
-- API tokens: only a hash of each (src/access/token.h).
CREATE TABLE tokens (
  key_id     TEXT PRIMARY KEY,
  hash       TEXT NOT NULL,
  user_id    INTEGER NOT NULL REFERENCES users,
  created_us INTEGER NOT NULL,
  expires_us INTEGER,
  revoked    INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1)),
  note       TEXT NOT NULL DEFAULT ''
);
-- The audit log: append-only (the triggers) and hash-chained
-- (src/access/audit.h), so what the triggers cannot stop, verify finds.
CREATE TABLE audit_log (
  seq       INTEGER PRIMARY KEY,
  at_us     INTEGER NOT NULL,
  actor     TEXT NOT NULL,
  action    TEXT NOT NULL,
  target    TEXT NOT NULL,
  result    TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
-- The national CERT itself, and "local": the operator of this machine's
-- command line, an administrator of the CERT with every clearance.
INSERT INTO orgs (org_id, name, type, sectors)
  VALUES (1, 'National CERT', 'national-cert', 'government');
INSERT INTO users (user_id, name, org_id, role, clearance)
  VALUES (1, 'local', 1, 'admin', 3);
)sql";

// Schema 2: telemetry tables of the sightings aggregator
// (src/sightings/telemetry_tables.h, docs/matching.md "Sightings"). They hold
// counts, not knowledge: the sightings themselves are STIX objects in
// `objects`.
//
// sighting_sources: what one source (a telemetry file or stream, named by
// the caller) contributed to one sighting. Re-reading a source replaces its
// row, so re-running the same input never counts an event twice.
// values: a JSON array of up to N [type, value] pairs (the smallest ones),
// distinct: how many distinct values the source saw for the sighting.
//
// match_rollups: matches per indicator per minute (minute_us = start of the
// minute, in microseconds since the epoch) per source, replaced the same way.
constexpr std::string_view kSchema2 = R"sql(
CREATE TABLE sighting_sources (
  sighting_id TEXT NOT NULL,
  source      TEXT NOT NULL,
  count       INTEGER NOT NULL CHECK (count >= 0),
  first_us    INTEGER NOT NULL,
  last_us     INTEGER NOT NULL,
  distinct_values INTEGER NOT NULL DEFAULT 0,
  "values"    TEXT NOT NULL DEFAULT '[]',
  PRIMARY KEY (sighting_id, source)
) WITHOUT ROWID;

CREATE TABLE match_rollups (
  indicator_id TEXT NOT NULL,
  minute_us    INTEGER NOT NULL,
  source       TEXT NOT NULL,
  count        INTEGER NOT NULL CHECK (count >= 0),
  PRIMARY KEY (indicator_id, minute_us, source)
) WITHOUT ROWID;
)sql";

// Schema 4. Sensor time series (telemetry, not knowledge; src/sensors/
// series_store.h, docs/sensors.md "Series storage"): a dictionary of series
// names and one row per (series, resolution, bucket). Buckets are integers
// (bucket start / resolution seconds since the epoch) and values are stored
// as SQLite integers when they are whole numbers; WITHOUT ROWID keeps each
// point in the primary-key b-tree only.
constexpr std::string_view kSchema4Sensors = R"sql(
CREATE TABLE series (
  series_id INTEGER PRIMARY KEY,
  sensor    TEXT NOT NULL,
  metric    TEXT NOT NULL,
  dimension TEXT NOT NULL,
  UNIQUE (sensor, metric, dimension)
);
CREATE TABLE series_points (
  series_id  INTEGER NOT NULL,
  resolution INTEGER NOT NULL,  -- 0: 5 minutes, 1: 1 hour, 2: 1 day
  bucket     INTEGER NOT NULL,  -- bucket start / resolution (UTC)
  value      NOT NULL,          -- no affinity: integer or real as written
  PRIMARY KEY (series_id, resolution, bucket)
) WITHOUT ROWID;
CREATE VIEW series_points_v AS
SELECT s.sensor, s.metric, s.dimension,
       CASE p.resolution WHEN 0 THEN '5m' WHEN 1 THEN '1h' ELSE '1d' END
         AS resolution,
       strftime('%Y-%m-%dT%H:%M:%SZ',
                p.bucket * CASE p.resolution WHEN 0 THEN 300
                                             WHEN 1 THEN 3600
                                             ELSE 86400 END,
                'unixepoch') AS bucket,
       p.value
FROM series_points p JOIN series s USING (series_id);
)sql";

constexpr Migration kMigrations[] = {
    {1, kSchema1},
    {2, kSchema2},
    {3, kSchema3Taxii},  // store/migrations_taxii.h
    {4, kSchema4Sensors},
};

Result<int64_t> PragmaInt(sqlite3* db, std::string_view name,
                          const char* pragma) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db, pragma, -1, &stmt, nullptr);
  if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
  if (rc != SQLITE_ROW) {
    Status s = SqliteStatus(db, rc, fmt::format("cannot read {}", name));
    sqlite3_finalize(stmt);
    return s;
  }
  int64_t v = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  return v;
}

Status Exec(sqlite3* db, std::string_view name, const std::string& sql) {
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) {
    return SqliteStatus(db, rc, fmt::format("cannot migrate {}", name));
  }
  return Status::Ok();
}

// Whether `db` may be (or already is) an ncert store, and at which version.
// Returns the version, or a FailedPrecondition saying what to do.
Result<int> CheckOwnership(sqlite3* db, std::string_view name) {
  ASSIGN_OR_RETURN(int64_t version, PragmaInt(db, name, "PRAGMA user_version"));
  ASSIGN_OR_RETURN(int64_t app_id,
                   PragmaInt(db, name, "PRAGMA application_id"));
  ASSIGN_OR_RETURN(int64_t tables,
                   PragmaInt(db, name, "SELECT count(*) FROM sqlite_schema"));
  if (app_id != kApplicationId && (app_id != 0 || version != 0 || tables)) {
    return Status::FailedPrecondition(fmt::format(
        "{} is a SQLite database of another program (application_id {:#x}, "
        "user_version {}, {} schema entries), not an ncert store; point ncert "
        "at another file",
        name, app_id, version, tables));
  }
  if (version > LatestSchemaVersion()) {
    return Status::FailedPrecondition(fmt::format(
        "{} was written by a newer ncert (schema version {}; this ncert "
        "knows up to {}): open it with that newer ncert, or use another "
        "database file",
        name, version, LatestSchemaVersion()));
  }
  return static_cast<int>(version);
}

}  // namespace

std::span<const Migration> Migrations() { return kMigrations; }

int LatestSchemaVersion() { return Migrations().back().version; }

Result<int> SchemaVersion(sqlite3* db, std::string_view name) {
  ASSIGN_OR_RETURN(int64_t v, PragmaInt(db, name, "PRAGMA user_version"));
  return static_cast<int>(v);
}

Status Migrate(sqlite3* db, std::string_view name) {
  // Read-only check first, so opening an up-to-date store takes no write
  // lock (readers can open while an ingest is writing).
  ASSIGN_OR_RETURN(int version, CheckOwnership(db, name));
  if (version == LatestSchemaVersion()) return Status::Ok();

  RETURN_IF_ERROR(Exec(db, name, "BEGIN IMMEDIATE"));
  Status s = [&]() -> Status {
    // Another process may have migrated between the check and the lock.
    ASSIGN_OR_RETURN(int locked_version, CheckOwnership(db, name));
    for (const Migration& m : Migrations()) {
      if (m.version <= locked_version) continue;
      RETURN_IF_ERROR(Exec(db, name, std::string(m.sql)));
      RETURN_IF_ERROR(
          Exec(db, name, fmt::format("PRAGMA user_version = {}", m.version)));
    }
    RETURN_IF_ERROR(Exec(
        db, name, fmt::format("PRAGMA application_id = {}", kApplicationId)));
    return Exec(db, name, "COMMIT");
  }();
  if (!s.ok() && !sqlite3_get_autocommit(db)) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  return s;
}

Status SqliteStatus(sqlite3* db, int rc, std::string_view what) {
  const char* text =
      db != nullptr && (sqlite3_errcode(db) & 0xff) == (rc & 0xff)
          ? sqlite3_errmsg(db)
          : sqlite3_errstr(rc);
  StatusCode code = StatusCode::kInternal;
  std::string_view hint;
  switch (rc & 0xff) {
    case SQLITE_CANTOPEN:
      code = StatusCode::kIoError;
      hint = "is the directory there and writable?";
      break;
    case SQLITE_IOERR:
      code = StatusCode::kIoError;
      hint = "the operating system failed a read or write; check the disk";
      break;
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      code = StatusCode::kCorruption;
      hint =
          "the file is damaged or not an ncert database; restore it from "
          "a backup or use another file";
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      code = StatusCode::kUnavailable;
      hint = "another process holds the database lock; retry when it is done";
      break;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      code = StatusCode::kPermissionDenied;
      hint = "the file or its directory is not writable by this user";
      break;
    case SQLITE_FULL:
      code = StatusCode::kResourceExhausted;
      hint = "the disk is full; free space and retry";
      break;
    case SQLITE_NOMEM:
    case SQLITE_TOOBIG:
      code = StatusCode::kResourceExhausted;
      hint = "out of memory or over SQLite's size limit";
      break;
    default:
      hint = "this is a bug in ncert; please report it";
      break;
  }
  return Status(code, fmt::format("{}: {} ({})", what, text, hint));
}

}  // namespace ncert::store
