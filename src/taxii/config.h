// What the TAXII server serves: API roots and their collections, read from
// the [taxii] section of ncert's TOML configuration (core/config.h accepts
// the section and leaves it to this parser). Every collection is a filtered
// view of the knowledge store, never a copy:
//
//   [taxii]
//   title = "ncert TAXII"                 # discovery
//   description = ""
//   contact = "cert@example.go.jp"
//   default_api_root = "intel"
//   max_objects_per_envelope = 1000       # POST cap (413 above it)
//   audit_reads = true                    # one audit entry per object read
//   page_cache_mb = 64                    # ncert serve's page cache; 0 = off
//   [[taxii.api_roots]]
//   name = "intel"                        # the URL segment: /taxii2/intel/
//   title = "National CERT intelligence"
//   max_content_length = 10485760         # advertised body limit (bytes)
//   [[taxii.api_roots.collections]]
//   id = "2e4c4d5e-…"                     # a UUID
//   title = "Indicators for the finance sector"
//   alias = "finance-indicators"          # optional
//   types = ["indicator"]                 # filters; each optional, any-of
//   tlp = ["clear", "green", "amber"]     # the object's TLP ("none": unmarked)
//   sectors = ["finance"]                 # shared with these sectors
//   created_by = ["identity--…"]          # created_by_ref
//   labels = ["phishing"]                 # STIX labels
//   read_roles = ["member", "partner"]    # default: every role that reads
//   public = false                        # anonymous callers may read
//   write_roles = []                      # roles that may POST (an inbox)
//   inbox_tlp = "amber"                   # TLP of POSTed objects without one
//
// Thread safety: values.
#ifndef NCERT_TAXII_CONFIG_H_
#define NCERT_TAXII_CONFIG_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "access/principal.h"
#include "core/status.h"
#include "stix/markings.h"

namespace ncert::taxii {

struct CollectionConfig {
  std::string id;  // UUID
  std::string title;
  std::string description;
  std::string alias;
  // The view: an object is in the collection when it matches every filter
  // that is set (each filter matches any of its values).
  std::vector<std::string> types;
  std::vector<std::string> tlp;  // "clear", "green", "amber",
                                 // "amber+strict", "red", "none"
  std::vector<std::string> sectors;
  std::vector<std::string> created_by;
  std::vector<std::string> labels;
  // Who may use it. Reading also passes the access policy per object.
  std::vector<access::Role> read_roles;  // empty: every role that reads
  bool public_read = false;
  std::vector<access::Role> write_roles;  // empty: nobody writes
  std::optional<stix::Tlp> inbox_tlp = stix::Tlp::kAmber;
};

struct ApiRootConfig {
  std::string name;  // path segment
  std::string title;
  std::string description;
  int64_t max_content_length = 10 << 20;
  std::vector<CollectionConfig> collections;
};

struct TaxiiConfig {
  std::string title = "ncert TAXII 2.1";
  std::string description;
  std::string contact;
  std::string default_api_root;  // "" = none
  size_t max_objects_per_envelope = 1000;
  bool audit_reads = true;
  // The bound of `ncert serve`'s cache of finished objects/ and manifest/
  // pages (taxii/page_cache.h), in MiB; 0 turns it off.
  int64_t page_cache_mb = 64;
  std::vector<ApiRootConfig> api_roots;
};

// Reads the [taxii] section of a TOML document (other sections are not
// looked at). An unknown key, a bad value, a duplicate API root or
// collection id is InvalidArgument with `source`:line:column.
Result<TaxiiConfig> ParseTaxiiConfig(std::string_view toml_text,
                                     std::string_view source);

}  // namespace ncert::taxii

#endif  // NCERT_TAXII_CONFIG_H_
