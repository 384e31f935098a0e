// Fuzz target for STIX patterns: any bytes, compiled as a pattern; when the
// input has several lines, each line (up to a tab, as in patterns.tsv) is
// compiled too. Invariants checked: Compile() never fails without saying
// where (an error with a column inside the pattern); a valid pattern's
// canonical text compiles to the same canonical text; evaluation against a
// small fixed set of observations stays within its step bound and a match
// always comes with a binding; the prefilter can always be computed.

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "pattern/pattern.h"

namespace {

using ncert::pattern::Observation;

const std::vector<Observation>& Observations() {
  static const std::vector<Observation>* obs = [] {
    auto* v = new std::vector<Observation>();
    const char* scos[] = {
        R"({"type":"file","name":"a.exe","size":10,"hashes":{"MD5":"79054025255fb1a26e4bc422aef54eb4"},"parent_directory_ref":"1","magic_number_hex":"ffd8"})",
        R"({"type":"directory","path":"C:\\Windows","contains_refs":["0","1"]})",
        R"({"type":"ipv4-addr","value":"198.51.100.7"})",
        R"({"type":"network-traffic","src_ref":"2","dst_ref":"2","dst_port":443,"protocols":["tcp"]})",
        R"({"type":"process","pid":1,"parent_ref":"4","child_refs":["4","4"]})",
        R"({"type":"artifact","payload_bin":"1MOyoQIABAA="})",
    };
    for (int i = 0; i < 6; ++i) {
      Observation o;
      o.id = "observed-data--" + std::to_string(i);
      o.first_observed.micros = int64_t{1700000000} * 1000000 + i * 1000000;
      o.last_observed.micros = o.first_observed.micros + (i % 2) * 5000000;
      o.number_observed = 1 + i % 3;
      for (int k = 0; k < 6; ++k) {
        if ((i + k) % 2 == 0 || k == 1) {
          ncert::pattern::Sco s;
          s.key = std::to_string(k);
          auto value = ncert::pattern::Value::Parse(scos[k]);
          if (!value.ok()) std::abort();
          s.object = std::move(*value);
          s.type = std::string(s.object.StringMember("type"));
          o.objects.push_back(std::move(s));
        }
      }
      v->push_back(std::move(o));
    }
    return v;
  }();
  return *obs;
}

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

void One(std::string_view text) {
  ncert::pattern::CompileResult r = ncert::pattern::Compile(text);
  if (!r.ok()) {
    const ncert::pattern::Diagnostic* e = r.first_error();
    if (e == nullptr || e->message.empty() || e->column < 1 ||
        static_cast<size_t>(e->column) > CodePoints(text) + 1) {
      std::abort();
    }
    return;
  }
  const std::string& canonical = r.pattern->canonical();
  ncert::pattern::CompileResult again = ncert::pattern::Compile(canonical);
  if (!again.ok() || again.pattern->canonical() != canonical) std::abort();
  (void)r.pattern->GetPrefilter();
  ncert::pattern::MatchOptions options;
  options.max_steps = 20000;
  options.max_bindings = 3;
  ncert::pattern::MatchResult m = r.pattern->Match(Observations(), options);
  if (m.steps > options.max_steps + 1) std::abort();
  if (m.matched() != !m.bindings.empty()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  One(input);
  if (input.find('\n') == std::string_view::npos) return 0;
  size_t start = 0;
  for (int lines = 0; start < input.size() && lines < 1000; ++lines) {
    size_t end = input.find('\n', start);
    if (end == std::string_view::npos) end = input.size();
    std::string_view line = input.substr(start, end - start);
    One(line.substr(0, line.find('\t')));
    start = end + 1;
  }
  return 0;
}
