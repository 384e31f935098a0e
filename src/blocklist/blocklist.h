// Block lists from indicators ("active defense" exports for ISPs and
// operators): the values of simple STIX patterns (addresses, CIDRs, domains,
// URLs, file hashes) written as a STIX bundle, CSV, plain text, Suricata 7
// rules, a DNS RPZ zone or an nftables script. docs/blocklists.md documents
// each format, the escaping rules, and what is skipped and why.
//
//   blocklist::Indicator ind = *blocklist::ParseIndicator(stored.json);
//   std::vector<blocklist::Value> values;
//   blocklist::ExtractValues(ind, &values, &skipped);
//   auto writer = blocklist::NewWriter(options);
//   writer->Begin(&out); writer->Add(ind, values, &out); writer->End(&out);
//
// Every value is validated against a strict grammar for its type before any
// writer sees it (no quotes, white space, control characters, semicolons or
// non-ASCII can reach a rule, zone or script); writers escape again where
// their format has special characters. A value that fails is skipped and
// reported, never written.
//
// Thread safety: free functions are thread-safe; a Writer is used by one
// thread.
#ifndef NCERT_BLOCKLIST_BLOCKLIST_H_
#define NCERT_BLOCKLIST_BLOCKLIST_H_

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "stix/markings.h"

namespace ncert::blocklist {

enum class Format { kStix, kCsv, kTxt, kSuricata, kRpz, kNftables };
std::optional<Format> ParseFormat(std::string_view name);  // "suricata"
std::string_view FormatName(Format f);

// What a block-list value is.
enum class Kind { kIpv4, kIpv6, kDomain, kUrl, kMd5, kSha1, kSha256 };
inline constexpr int kKinds = 7;
// "ipv4-addr", "ipv6-addr", "domain-name", "url", "file:md5", "file:sha1",
// "file:sha256".
std::string_view KindName(Kind k);
// The --type names: a STIX SCO type ("ipv4-addr", "ipv6-addr",
// "domain-name", "url", "file") and the kinds it covers.
std::optional<std::vector<Kind>> ParseTypeFilter(std::string_view name);

// The properties of an indicator a block list uses.
struct Indicator {
  std::string id;
  std::string name;  // "" if none
  std::string modified;
  Timestamp version;  // modified, parsed
  std::string pattern;
  std::string pattern_type;
  std::optional<Timestamp> valid_from;
  std::optional<Timestamp> valid_until;
  std::optional<int64_t> confidence;
  std::vector<std::string> labels;
  bool revoked = false;
  std::optional<stix::Tlp> tlp;  // from the store's access label
  std::string json;              // the whole object (for the STIX bundle)
};

// Reads a stored indicator. InvalidArgument when it is not an indicator.
Result<Indicator> ParseIndicator(std::string_view json);

// Whether the indicator is current at `now`: valid_from <= now < valid_until
// (no valid_until: open-ended) and not revoked.
bool IsCurrent(const Indicator& ind, Timestamp now);

struct Value {
  Kind kind;
  std::string value;  // normalised: lower-case host names and hex digests,
                      // addresses in canonical form, /32 and /128 dropped
};

struct Skipped {
  std::string indicator_id;
  std::string value;  // as found (may be hostile: print it escaped)
  std::string reason;
};

// The values of a simple pattern: one whose every match is a single
// observation holding one of the values (OR of equality tests on
// ipv4-addr:value, ipv6-addr:value, domain-name:value, url:value,
// file:hashes.MD5 / SHA-1 / SHA-256). Decided with the pattern engine
// (Compile, GetPrefilter, and Match of each value alone). A pattern that is
// not simple, and each value that fails its type's grammar, is added to
// `skipped` with the reason.
void ExtractValues(const Indicator& ind, std::vector<Value>* values,
                   std::vector<Skipped>* skipped);

// Validates and normalises one value of `kind`; the reason if it fails.
Result<std::string> NormaliseValue(Kind kind, std::string_view value);

struct WriterOptions {
  Format format = Format::kTxt;
  Timestamp now;                 // zone serial, comments
  std::string bundle_id;         // stix: "bundle--…"
  int64_t sid_base = 1'000'000;  // suricata: sids in [base, base + span)
  int64_t sid_span = 1'000'000;
  int max_addresses_per_rule = 200;        // suricata: IP list chunk size
  std::string hash_list_prefix = "ncert";  // suricata: <prefix>-md5.txt, …
  std::string rpz_zone = "rpz.ncert.invalid";
  std::string rpz_policy =
      "nxdomain";            // nxdomain|nodata|drop|passthru|redirect
  std::string rpz_redirect;  // redirect: the target host name
  int64_t rpz_ttl = 300;
  std::string nft_table = "ncert_blocklist";
};

// A companion file a format needs beside its main output (Suricata's
// filemd5/filesha1/filesha256 lists).
struct Companion {
  std::string name;
  std::string content;
};

class Writer {
 public:
  virtual ~Writer() = default;
  // Each appends to `out`; the caller writes and clears it as it likes.
  virtual void Begin(std::string* out) = 0;
  virtual void Add(const Indicator& ind, const std::vector<Value>& values,
                   std::string* out) = 0;
  virtual void End(std::string* out) = 0;
  // After End().
  virtual std::vector<Companion> Companions() { return {}; }
  // Values written (after de-duplication, where the format de-duplicates).
  const std::array<int64_t, kKinds>& written() const { return written_; }

 protected:
  std::array<int64_t, kKinds> written_{};
};

// InvalidArgument for options that would make invalid output (an RPZ zone
// name or nft table name that is not one, an unknown RPZ policy, a sid range
// out of 1..2^32-1).
Result<std::unique_ptr<Writer>> NewWriter(const WriterOptions& options);

}  // namespace ncert::blocklist

#endif  // NCERT_BLOCKLIST_BLOCKLIST_H_
