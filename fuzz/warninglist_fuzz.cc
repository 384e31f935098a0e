// Fuzz target for MISP warninglists: any bytes as one list.json, read by
// WarninglistSet::FromJson, then every value class checked against what was
// built. Invariants: a list that breaks the schema is counted, never
// crashes; at most one list is reported (loaded or bad); Check() gives a
// verdict only when the list was loaded, and down-ranks (never suppresses)
// when the list is configured to down-rank.

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "match/warninglist.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using ncert::match::ValueClass;
  using ncert::match::WarninglistAction;
  std::string json(reinterpret_cast<const char*>(data), size);
  std::vector<std::pair<std::string, std::string>> lists = {{"fuzz", json}};
  ncert::match::WarninglistOptions options;
  if (size % 2 == 1) options.downrank.insert("fuzz");
  ncert::match::WarninglistLoadReport report;
  auto set = ncert::match::WarninglistSet::FromJson(lists, options, &report);
  if (report.lists + report.bad_lists > 1) std::abort();
  if (set == nullptr) return 0;
  ncert::match::MatchScratch scratch;
  const std::string_view values[] = {"8.8.8.8",
                                     "2001:4860:4860::8888",
                                     "www.example.com",
                                     "http://a.b/c?d",
                                     "alice@example.org",
                                     "d41d8cd98f00b204e9800998ecf8427e",
                                     "",
                                     std::string_view(json).substr(0, 64)};
  const ValueClass classes[] = {ValueClass::kIp,   ValueClass::kDomain,
                                ValueClass::kUrl,  ValueClass::kEmail,
                                ValueClass::kHash, ValueClass::kFingerprint,
                                ValueClass::kOther};
  for (std::string_view v : values) {
    for (ValueClass c : classes) {
      auto verdict = set->Check(v, c, &scratch);
      if (verdict.action == WarninglistAction::kNone) continue;
      if (report.lists != 1) std::abort();
      bool downrank = size % 2 == 1;
      if ((verdict.action == WarninglistAction::kDownrank) != downrank) {
        std::abort();
      }
    }
  }
  return 0;
}
