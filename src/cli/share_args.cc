#include "cli/share_args.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "stix/markings.h"

namespace ncert::cli {

void AddShareOptions(CLI::App* cmd, ShareArgs* args, const std::string& what) {
  cmd->add_option("--tlp", args->tlp,
                  fmt::format("TLP for {} that carry no TLP marking: clear, "
                              "green, amber, amber+strict or red (default: "
                              "none, read as AMBER)",
                              what));
  cmd->add_option("--share-with", args->share_with,
                  "who may see it, repeatable: org:NAME, sector:SLUG, "
                  "group:NAME, user:NAME, all, public (the national CERT "
                  "always receives what members share)");
  cmd->add_option("--clearance", args->clearance,
                  "clearance needed to see it: none, confidential, secret, "
                  "top-secret")
      ->capture_default_str();
}

bool MayWriteKnowledge(access::Role r) {
  return r != access::Role::kSensor && r != access::Role::kPolicyReader;
}

Result<access::ShareOptions> BuildShare(const ShareArgs& opt,
                                        const access::Principal& who,
                                        store::Directory& dir) {
  access::ShareOptions share;
  share.owner_org = who.org.id;
  if (!opt.tlp.empty()) {
    std::string name = opt.tlp;
    for (char& c : name) c = static_cast<char>(std::toupper(c));
    if (name.rfind("TLP:", 0) != 0) name = "TLP:" + name;
    share.default_tlp = stix::ParseTlpName(name);
    if (!share.default_tlp) {
      return Status::InvalidArgument(fmt::format(
          "--tlp '{}' is not clear, green, amber, amber+strict or red",
          opt.tlp));
    }
  }
  auto clearance = access::Clearances().Parse(opt.clearance);
  if (!clearance) {
    return Status::InvalidArgument(fmt::format(
        "--clearance '{}' is not none, confidential, secret or top-secret",
        opt.clearance));
  }
  share.clearance = *clearance;
  access::Distribution& d = share.distribution;
  for (const std::string& target : opt.share_with) {
    size_t colon = target.find(':');
    std::string kind = target.substr(0, colon);
    std::string value =
        colon == std::string::npos ? "" : target.substr(colon + 1);
    if (target == "all") {
      d.all_members = true;
    } else if (target == "public") {
      d.everyone = true;
    } else if (kind == "org") {
      ASSIGN_OR_RETURN(auto org, dir.FindOrg(value));
      if (!org) {
        return Status::InvalidArgument(fmt::format(
            "--share-with {}: no such organisation (see `ncert org list`)",
            target));
      }
      d.orgs.push_back(org->id);
    } else if (kind == "sector") {
      if (!access::IsValidSectorSlug(value)) {
        return Status::InvalidArgument(
            fmt::format("--share-with {}: not a sector slug", target));
      }
      d.sectors.push_back(value);
    } else if (kind == "group") {
      ASSIGN_OR_RETURN(auto group, dir.FindGroup(value));
      if (!group) {
        return Status::InvalidArgument(
            fmt::format("--share-with {}: no such sharing group", target));
      }
      d.groups.push_back(group->id);
    } else if (kind == "user") {
      ASSIGN_OR_RETURN(auto user, dir.FindPrincipal(value));
      if (!user) {
        return Status::InvalidArgument(
            fmt::format("--share-with {}: no such user", target));
      }
      d.users.push_back(user->user.id);
    } else {
      return Status::InvalidArgument(fmt::format(
          "--share-with '{}': want org:NAME, sector:SLUG, group:NAME, "
          "user:NAME, all or public",
          target));
    }
  }
  if (who.org.id != 1 &&
      std::find(d.orgs.begin(), d.orgs.end(), 1) == d.orgs.end()) {
    d.orgs.push_back(1);  // the national CERT
  }
  return share;
}

Status CheckMayWriteKnowledge(Context& ctx, store::Directory& dir,
                              const access::Principal& who,
                              std::string_view target,
                              std::string_view detail) {
  if (MayWriteKnowledge(who.user.role)) return Status::Ok();
  ctx.Audit(dir, who, "write", target, "denied: role");
  return Status::PermissionDenied(
      fmt::format("{} ({}) may not add knowledge{}", who.user.name,
                  access::RoleName(who.user.role), detail));
}

}  // namespace ncert::cli
