// Fuzz target for block-list values: any bytes, taken as a value of each
// kind (NormaliseValue) and as the pattern and name of an indicator
// (ExtractValues), then rendered in every format. Invariants checked: a value
// that normalises holds only printable ASCII without quotes, backslashes,
// semicolons, '|' or white space (and a name-only grammar for hosts); no
// writer emits a control character other than newline and tab, and no
// output line holds more than one Suricata rule, zone record or set
// statement started by the input.

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "blocklist/blocklist.h"

namespace {

using namespace ncert::blocklist;

void Check(bool ok) {
  if (!ok) std::abort();
}

void CheckValue(Kind kind, const std::string& v) {
  for (char c : v) {
    const unsigned char u = static_cast<unsigned char>(c);
    Check(u > 0x20 && u < 0x7f);
    Check(c != '"' && c != '\'' && c != '\\' && c != ';' && c != '|');
  }
  if (kind == Kind::kDomain) {
    for (char c : v) {
      Check((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
            c == '_' || c == '.');
    }
  }
}

void CheckOutput(const std::string& out) {
  for (char c : out) {
    const unsigned char u = static_cast<unsigned char>(c);
    Check(u >= 0x20 || c == '\n' || c == '\t');
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  std::vector<Value> values;
  for (int k = 0; k < kKinds; ++k) {
    const Kind kind = static_cast<Kind>(k);
    auto v = NormaliseValue(kind, input);
    if (!v.ok()) continue;
    CheckValue(kind, *v);
    // Normalising is idempotent.
    auto again = NormaliseValue(kind, *v);
    Check(again.ok() && *again == *v);
    values.push_back({kind, *v});
  }
  Indicator ind;
  ind.id = "indicator--11111111-2222-4333-8444-555555555555";
  ind.name = input;
  ind.labels = {input};
  ind.pattern = input;
  ind.pattern_type = "stix";
  std::vector<Skipped> skipped;
  ExtractValues(ind, &values, &skipped);
  for (const Value& v : values) CheckValue(v.kind, v.value);
  for (Format f : {Format::kCsv, Format::kTxt, Format::kSuricata, Format::kRpz,
                   Format::kNftables}) {
    WriterOptions o;
    o.format = f;
    auto w = NewWriter(o);
    Check(w.ok());
    std::string out;
    (*w)->Begin(&out);
    (*w)->Add(ind, values, &out);
    (*w)->End(&out);
    CheckOutput(out);
  }
  return 0;
}
