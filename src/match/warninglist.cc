#include "match/warninglist.h"

#include <fmt/format.h>
#include <hs/hs.h>
#include <simdjson.h>

#include <algorithm>

#include "match/normalize.h"
#include "match/structures_internal.h"

namespace ncert::match {

using internal::Posting;

std::string_view WarninglistActionName(WarninglistAction action) {
  switch (action) {
    case WarninglistAction::kNone:
      return "none";
    case WarninglistAction::kDownrank:
      return "downrank";
    case WarninglistAction::kSuppress:
      return "suppress";
  }
  return "?";
}

namespace {

constexpr int kClasses = 7;

uint32_t ClassBit(ValueClass c) { return 1u << static_cast<unsigned>(c); }

// MISP attribute types (matching_attributes) to the value classes they
// stand for; an unknown type counts as kOther.
uint32_t ClassesOfMispType(std::string_view t) {
  auto in = [&](std::initializer_list<std::string_view> set) {
    return std::find(set.begin(), set.end(), t) != set.end();
  };
  uint32_t c = 0;
  if (in({"ip-src", "ip-dst", "ip-src|port", "ip-dst|port", "domain|ip",
          "ip"})) {
    c |= ClassBit(ValueClass::kIp);
  }
  if (in({"domain", "hostname", "hostname|port", "domain|ip"})) {
    c |= ClassBit(ValueClass::kDomain);
  }
  if (in({"url", "uri", "link"})) c |= ClassBit(ValueClass::kUrl);
  if (in({"email", "email-src", "email-dst", "target-email",
          "whois-registrant-email", "dns-soa-email", "email-reply-to"})) {
    c |= ClassBit(ValueClass::kEmail);
  }
  if (in({"md5", "sha1", "sha224", "sha256", "sha384", "sha512", "ssdeep",
          "imphash", "tlsh", "filename|md5", "filename|sha1", "filename|sha224",
          "filename|sha256", "filename|sha512", "filename|ssdeep",
          "x509-fingerprint-md5", "x509-fingerprint-sha1",
          "x509-fingerprint-sha256"})) {
    c |= ClassBit(ValueClass::kHash);
  }
  if (in({"ja3-fingerprint-md5", "hassh-md5", "hasshserver-md5"})) {
    c |= ClassBit(ValueClass::kFingerprint);
  }
  if (c == 0) c = ClassBit(ValueClass::kOther);
  return c;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

struct WarninglistSet::Impl {
  struct List {
    std::string folder, name, type;
    WarninglistAction action = WarninglistAction::kSuppress;
    uint32_t classes = 0;
  };
  std::vector<List> lists;
  internal::CidrTrie v4{32}, v6{128};
  internal::ValueTable strings;    // lower-cased value
  internal::ValueTable hostnames;  // normalised host name
  internal::RegexSet regexes;      // substrings and regexes
};

WarninglistSet::WarninglistSet() : impl_(new Impl) {}
WarninglistSet::~WarninglistSet() = default;
size_t WarninglistSet::size() const { return impl_->lists.size(); }

std::unique_ptr<WarninglistSet> WarninglistSet::FromJson(
    const std::vector<std::pair<std::string, std::string>>& input,
    const WarninglistOptions& options, WarninglistLoadReport* report) {
  std::unique_ptr<WarninglistSet> set(new WarninglistSet());
  Impl& x = *set->impl_;
  auto problem = [&](std::string_view where, std::string_view rule,
                     std::string_view msg) {
    if (report->problems.size() < 200) {
      report->problems.push_back(fmt::format("{}: {}: {}", where, rule, msg));
    }
  };
  std::vector<std::pair<std::string, std::string>> sorted = input;
  std::sort(sorted.begin(), sorted.end());
  internal::ValueTable::Builder strings, hostnames;
  std::vector<internal::RegexSet::Entry> regexes;
  simdjson::dom::parser parser;
  for (const auto& [folder, json] : sorted) {
    std::string where = folder + "/list.json";
    simdjson::dom::element doc;
    if (parser.parse(json).get(doc) != simdjson::SUCCESS) {
      ++report->bad_lists;
      problem(where, "json", "not valid JSON");
      continue;
    }
    simdjson::dom::object obj;
    if (doc.get(obj) != simdjson::SUCCESS) {
      ++report->bad_lists;
      problem(where + ":", "schema", "not an object");
      continue;
    }
    Impl::List list;
    list.folder = folder;
    std::string_view name, type, description;
    int64_t version = 0;
    simdjson::dom::array entries;
    bool ok = true;
    for (auto field : obj) {
      std::string_view k = field.key;
      if (k == "name") {
        ok &= field.value.get(name) == simdjson::SUCCESS;
      } else if (k == "type") {
        ok &= field.value.get(type) == simdjson::SUCCESS;
      } else if (k == "description") {
        ok &= field.value.get(description) == simdjson::SUCCESS;
      } else if (k == "version") {
        ok &= field.value.get(version) == simdjson::SUCCESS;
      } else if (k == "list") {
        ok &= field.value.get(entries) == simdjson::SUCCESS;
      } else if (k == "matching_attributes") {
        simdjson::dom::array attrs;
        ok &= field.value.get(attrs) == simdjson::SUCCESS;
        if (ok) {
          for (auto a : attrs) {
            std::string_view t;
            if (a.get(t) == simdjson::SUCCESS) {
              list.classes |= ClassesOfMispType(t);
            } else {
              ok = false;
            }
          }
        }
      } else {
        ok = false;
        problem(where + ":/" + std::string(k), "schema",
                "additional property not allowed");
      }
    }
    if (!ok) {
      ++report->bad_lists;
      problem(where + ":", "schema", "a property has the wrong type");
      continue;
    }
    if (obj["list"].error() || obj["name"].error() || obj["type"].error() ||
        obj["version"].error() || obj["description"].error()) {
      ++report->bad_lists;
      problem(where + ":", "schema",
              "required: name, type, version, description, list");
      continue;
    }
    if (type != "string" && type != "substring" && type != "hostname" &&
        type != "cidr" && type != "regex") {
      ++report->bad_lists;
      problem(where + ":/type", "schema",
              fmt::format("type \"{}\" is not one of string, substring, "
                          "hostname, cidr, regex",
                          type));
      continue;
    }
    if (list.classes == 0) list.classes = (1u << kClasses) - 1;
    list.name = std::string(name);
    list.type = std::string(type);
    if (options.downrank.count(folder) != 0) {
      list.action = WarninglistAction::kDownrank;
    }
    auto id = static_cast<uint32_t>(x.lists.size());
    Posting p{id, 1};
    size_t i = 0;
    for (auto e : entries) {
      std::string pointer = fmt::format("{}:/list/{}", where, i++);
      std::string_view v;
      if (e.get(v) != simdjson::SUCCESS) {
        ++report->bad_entries;
        problem(pointer, "schema", "entry is not a string");
        continue;
      }
      ++report->entries;
      if (type == "cidr") {
        std::optional<IpPrefix> pre = ParseIpPrefix(v);
        if (!pre) {
          ++report->bad_entries;
          problem(pointer, "cidr",
                  fmt::format("\"{}\" is no address or block", v));
          continue;
        }
        (pre->addr.family == 4 ? x.v4 : x.v6)
            .Add(pre->addr.bytes.data(), pre->prefix, p);
      } else if (type == "hostname") {
        std::string_view h = v;
        while (!h.empty() && h.front() == '.') h.remove_prefix(1);
        std::optional<std::string> d = NormalizeDomain(h);
        if (!d) {
          ++report->bad_entries;
          problem(pointer, "hostname",
                  fmt::format("\"{}\" is no host name", v));
          continue;
        }
        hostnames.Add(*d, p);
      } else if (type == "string") {
        strings.Add(Lower(v), p);
      } else if (type == "substring") {
        internal::RegexSet::Entry re;
        re.expression = internal::EscapeRegex(v);
        re.caseless = true;
        re.posting = p;
        regexes.push_back(std::move(re));
      } else {  // regex: "/expr/flags" (PCRE, as MISP writes them) or bare
        internal::RegexSet::Entry re;
        std::string_view body = v;
        if (body.size() >= 2 && body.front() == '/') {
          size_t close = body.rfind('/');
          if (close > 0) {
            std::string_view flags = body.substr(close + 1);
            re.caseless = flags.find('i') != std::string_view::npos;
            re.dotall = flags.find('s') != std::string_view::npos;
            body = body.substr(1, close - 1);
          }
        }
        re.expression = std::string(body);
        re.posting = p;
        regexes.push_back(std::move(re));
      }
    }
    x.lists.push_back(std::move(list));
    ++report->lists;
  }
  x.strings = strings.Build();
  x.hostnames = hostnames.Build();
  x.v4.Finish();
  x.v6.Finish();
  internal::RegexSet::BuildStats rs;
  x.regexes = internal::RegexSet::Build(std::move(regexes), &rs);
  for (const std::string& e : rs.errors) problem("regex", "hyperscan", e);
  report->bad_entries += rs.rejected;
  return set;
}

Result<std::unique_ptr<WarninglistSet>> WarninglistSet::Load(
    Env& env, const std::string& dir, const WarninglistOptions& options,
    WarninglistLoadReport* report) {
  Result<std::vector<std::string>> names = env.ListDir(dir);
  if (!names.ok()) {
    return Status::NotFound(fmt::format(
        "cannot read the warninglist folder {}: {} (give the lists/ folder of "
        "a misp-warninglists checkout)",
        dir, names.status().ToString()));
  }
  for (const std::string& want : options.only) {
    if (std::find(names->begin(), names->end(), want) == names->end()) {
      return Status::NotFound(
          fmt::format("no warninglist named {} in {}", want, dir));
    }
  }
  std::vector<std::pair<std::string, std::string>> lists;
  for (const std::string& name : *names) {
    if (!options.only.empty() && options.only.count(name) == 0) continue;
    std::string path = dir + "/" + name + "/list.json";
    Result<FileInfo> info = env.Stat(path);
    if (!info.ok()) continue;  // not a list folder
    Result<std::string> text = env.ReadFile(path, uint64_t{64} << 20);
    if (!text.ok()) {
      ++report->bad_lists;
      report->problems.push_back(path + ": read: " + text.status().ToString());
      continue;
    }
    lists.emplace_back(name, std::move(*text));
  }
  return FromJson(lists, options, report);
}

WarninglistVerdict WarninglistSet::Check(std::string_view value, ValueClass cls,
                                         MatchScratch* scratch) const {
  const Impl& x = *impl_;
  const uint32_t bit = ClassBit(cls);
  int best = -1;
  auto consider = [&](std::span<const Posting> postings) {
    for (const Posting& p : postings) {
      const Impl::List& l = x.lists[p.target];
      if ((l.classes & bit) == 0) continue;
      if (best < 0) {
        best = static_cast<int>(p.target);
        continue;
      }
      const Impl::List& b = x.lists[static_cast<size_t>(best)];
      if (l.action > b.action ||
          (l.action == b.action && p.target < static_cast<uint32_t>(best))) {
        best = static_cast<int>(p.target);
      }
    }
  };
  auto host = [&](std::string_view name) {
    consider(x.hostnames.Find(name));
    for (size_t dot = name.find('.'); dot != std::string_view::npos;
         dot = name.find('.', dot + 1)) {
      consider(x.hostnames.Find(name.substr(dot + 1)));
    }
  };
  if (cls == ValueClass::kIp) {
    if (std::optional<telemetry::IpAddr> ip = ParseIp(value)) {
      (ip->family == 4 ? x.v4 : x.v6)
          .ForEachMatch(ip->bytes.data(),
                        [&](int, std::span<const Posting> p) { consider(p); });
    }
  }
  consider(x.strings.Find(Lower(value)));
  if (cls == ValueClass::kDomain) host(value);
  if (cls == ValueClass::kUrl) host(UrlHost(value));
  if (cls == ValueClass::kEmail) {
    size_t at = value.rfind('@');
    if (at != std::string_view::npos) host(value.substr(at + 1));
  }
  if (!x.regexes.empty()) {
    hs_scratch* hs = nullptr;
    for (size_t i = 0; i < x.regexes.database_count(); ++i) {
      hs = scratch->Prepare(x.regexes.database(i));
    }
    x.regexes.Scan(value, hs, [&](const Posting& p) {
      consider(std::span<const Posting>(&p, 1));
    });
  }
  WarninglistVerdict v;
  if (best >= 0) {
    v.action = x.lists[static_cast<size_t>(best)].action;
    v.list = x.lists[static_cast<size_t>(best)].name;
  }
  return v;
}

}  // namespace ncert::match
