#include "access/label.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace ncert::access {
namespace {

constexpr std::pair<stix::Tlp, std::string_view> kTlps[] = {
    {stix::Tlp::kClear, "clear"}, {stix::Tlp::kGreen, "green"},
    {stix::Tlp::kAmber, "amber"}, {stix::Tlp::kAmberStrict, "amber+strict"},
    {stix::Tlp::kRed, "red"},
};

void AppendIds(std::string* out, std::string_view key,
               const std::vector<int64_t>& ids) {
  if (ids.empty()) return;
  if (!out->empty()) *out += ';';
  *out += key;
  *out += '=';
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i) *out += ',';
    *out += std::to_string(ids[i]);
  }
}

Status Bad(std::string_view field, std::string_view text) {
  return Status::Corruption(
      fmt::format("access label field '{}' is malformed in '{}'", field, text));
}

Result<int64_t> ParseId(std::string_view s, std::string_view field,
                        std::string_view text) {
  int64_t v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size() || v < 0) {
    return Bad(field, text);
  }
  return v;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  while (true) {
    size_t p = s.find(sep);
    out.push_back(s.substr(0, p));
    if (p == std::string_view::npos) break;
    s.remove_prefix(p + 1);
  }
  return out;
}

}  // namespace

std::string EncodeLabel(const AccessLabel& l) {
  std::string out;
  auto add = [&](std::string_view part) {
    if (!out.empty()) out += ';';
    out += part;
  };
  if (l.tlp) {
    for (const auto& [t, name] : kTlps) {
      if (t == *l.tlp) add(fmt::format("tlp={}", name));
    }
  }
  if (l.owner_org != 0) add(fmt::format("owner={}", l.owner_org));
  if (l.clearance != 0) add(fmt::format("cl={}", l.clearance));
  AppendIds(&out, "orgs", l.distribution.orgs);
  if (!l.distribution.sectors.empty()) {
    std::string s = "sectors=";
    for (size_t i = 0; i < l.distribution.sectors.size(); ++i) {
      if (i) s += ',';
      s += l.distribution.sectors[i];
    }
    add(s);
  }
  AppendIds(&out, "groups", l.distribution.groups);
  AppendIds(&out, "users", l.distribution.users);
  if (l.distribution.all_members) add("all");
  if (l.distribution.everyone) add("public");
  if (!l.markings.empty()) {
    std::string s = "marks=";
    for (size_t i = 0; i < l.markings.size(); ++i) {
      if (i) s += ',';
      s += l.markings[i];
    }
    add(s);
  }
  return out;
}

Result<AccessLabel> DecodeLabel(std::string_view text) {
  AccessLabel l;
  if (text.empty()) return l;
  for (std::string_view part : Split(text, ';')) {
    size_t eq = part.find('=');
    std::string_view key = part.substr(0, eq);
    std::string_view value =
        eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1);
    if (key == "tlp") {
      for (const auto& [t, name] : kTlps) {
        if (name == value) l.tlp = t;
      }
      if (!l.tlp) return Bad(key, text);
    } else if (key == "owner") {
      ASSIGN_OR_RETURN(l.owner_org, ParseId(value, key, text));
    } else if (key == "cl") {
      ASSIGN_OR_RETURN(int64_t c, ParseId(value, key, text));
      if (c > kMaxClearance) return Bad(key, text);
      l.clearance = static_cast<Clearance>(c);
    } else if (key == "orgs" || key == "groups" || key == "users") {
      std::vector<int64_t>& ids = key == "orgs"     ? l.distribution.orgs
                                  : key == "groups" ? l.distribution.groups
                                                    : l.distribution.users;
      for (std::string_view id : Split(value, ',')) {
        ASSIGN_OR_RETURN(int64_t v, ParseId(id, key, text));
        ids.push_back(v);
      }
    } else if (key == "sectors") {
      for (std::string_view s : Split(value, ',')) {
        if (!IsValidSectorSlug(s)) return Bad(key, text);
        l.distribution.sectors.emplace_back(s);
      }
    } else if (key == "all" && eq == std::string_view::npos) {
      l.distribution.all_members = true;
    } else if (key == "public" && eq == std::string_view::npos) {
      l.distribution.everyone = true;
    } else if (key == "marks") {
      for (std::string_view m : Split(value, ',')) {
        if (m.empty()) return Bad(key, text);
        l.markings.emplace_back(m);
      }
    } else {
      return Bad(key, text);
    }
  }
  return l;
}

}  // namespace ncert::access
