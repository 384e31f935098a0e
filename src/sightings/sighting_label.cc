#include "sightings/sighting_label.h"

#include <algorithm>
#include <iterator>

namespace ncert::sightings {
namespace {

using access::AccessLabel;
using access::Distribution;
using stix::Tlp;

// No TLP is read as AMBER (recipients only), as the policy reads it.
Tlp Effective(const std::optional<Tlp>& t) { return t ? *t : Tlp::kAmber; }

std::optional<Tlp> Stricter(const std::optional<Tlp>& a,
                            const std::optional<Tlp>& b) {
  if (!a && !b) return std::nullopt;
  Tlp ea = Effective(a), eb = Effective(b);
  if (ea == eb) return a ? a : b;  // AMBER beats "none" when equal
  // Below AMBER, "none" (= AMBER) is the stricter one.
  Tlp stricter = std::max(ea, eb);
  if (stricter == Tlp::kAmber && (!a || !b) && !(a && *a == Tlp::kAmber) &&
      !(b && *b == Tlp::kAmber)) {
    return std::nullopt;
  }
  return stricter;
}

// Whether every registered organisation is in the label's audience as far
// as TLP and distribution go.
bool ReachesAllMembers(const AccessLabel& l) {
  const Distribution& d = l.distribution;
  if (!l.tlp || *l.tlp == Tlp::kAmber) return d.everyone || d.all_members;
  if (*l.tlp == Tlp::kClear || *l.tlp == Tlp::kGreen) {
    return d.empty() || d.everyone || d.all_members;
  }
  return false;  // AMBER+STRICT and RED name their audience
}

// Whether the label's own lists show that organisation `org` may see it
// (markings aside).
bool Sees(int64_t org, const AccessLabel& l) {
  if (org == l.owner_org || ReachesAllMembers(l)) return true;
  const auto& orgs = l.distribution.orgs;
  return l.tlp != Tlp::kRed &&
         std::find(orgs.begin(), orgs.end(), org) != orgs.end();
}

bool Public(const AccessLabel& l) {
  return l.tlp == Tlp::kClear &&
         (l.distribution.empty() || l.distribution.everyone);
}

template <typename T>
std::vector<T> Common(std::vector<T> a, std::vector<T> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  std::vector<T> out;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(),
                        std::back_inserter(out));
  return out;
}

// The lists that grant anything under the label's TLP: AMBER+STRICT reads
// only the organisations, RED only the users; "everyone" and "all members"
// are handled by ReachesAllMembers.
Distribution Lists(const AccessLabel& l) {
  Distribution out;
  const Distribution& d = l.distribution;
  if (l.tlp != Tlp::kRed) out.orgs = d.orgs;
  if (l.tlp != Tlp::kAmberStrict) out.users = d.users;
  if (l.tlp != Tlp::kRed && l.tlp != Tlp::kAmberStrict) {
    out.sectors = d.sectors;
    out.groups = d.groups;
  }
  return out;
}

}  // namespace

AccessLabel SightingLabel(const AccessLabel& indicator,
                          const AccessLabel& reporter) {
  AccessLabel out;
  out.tlp = Stricter(indicator.tlp, reporter.tlp);
  out.clearance = std::max(indicator.clearance, reporter.clearance);
  out.markings = indicator.markings;
  out.markings.insert(out.markings.end(), reporter.markings.begin(),
                      reporter.markings.end());
  std::sort(out.markings.begin(), out.markings.end());
  out.markings.erase(std::unique(out.markings.begin(), out.markings.end()),
                     out.markings.end());
  out.owner_org =
      indicator.owner_org == reporter.owner_org ? indicator.owner_org : 0;

  const bool all_a = ReachesAllMembers(indicator);
  const bool all_b = ReachesAllMembers(reporter);
  Distribution& d = out.distribution;
  if (all_a && all_b) {
    // Both reach every member; the result's TLP decides the rest.
    if (!(Public(indicator) && Public(reporter))) d.all_members = true;
  } else if (all_a) {
    d = Lists(reporter);
  } else if (all_b) {
    d = Lists(indicator);
  } else {
    const Distribution a = Lists(indicator);
    const Distribution b = Lists(reporter);
    d.orgs = Common(a.orgs, b.orgs);
    d.sectors = Common(a.sectors, b.sectors);
    d.groups = Common(a.groups, b.groups);
    d.users = Common(a.users, b.users);
  }

  // Unless both sides reach every member, an empty distribution must not
  // read as "everyone" (what it means under CLEAR and GREEN): lists that
  // have nothing in common mean nobody.
  if (!(all_a && all_b) && d.empty() &&
      (out.tlp == Tlp::kClear || out.tlp == Tlp::kGreen)) {
    out.tlp = Tlp::kAmber;
  }

  // Each side's owner is added as a recipient when both labels visibly let
  // it see them (it owns one and is named in, or reached by, the other): the
  // reporter sees its sighting of an indicator shared with it, and the
  // indicator's owner sees a sighting reported to it. Markings need no test
  // here: the result carries both sides' markings and has no owner, so an
  // unknown or owner-only marking still hides it from both. Adding a
  // recipient to a distribution that reaches every member would narrow it.
  for (int64_t org : {indicator.owner_org, reporter.owner_org}) {
    if (org == 0 || org == out.owner_org || ReachesAllMembers(out)) continue;
    if (!Sees(org, indicator) || !Sees(org, reporter)) continue;
    if (std::find(d.orgs.begin(), d.orgs.end(), org) == d.orgs.end()) {
      d.orgs.push_back(org);
      std::sort(d.orgs.begin(), d.orgs.end());
    }
  }
  return out;
}

}  // namespace ncert::sightings
