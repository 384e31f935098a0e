// Principals and the audit log: org, group, user, token, audit.

#include <fmt/format.h>

#include "access/token.h"
#include "cli/commands.h"
#include "core/json.h"
#include "store/directory.h"

namespace ncert::cli {
namespace {

// Opens the store, resolves the caller and checks they may administer.
// `org_scope`: member-admins may manage their own organisation's users.
struct AdminSession {
  std::unique_ptr<store::Store> store;
  access::Principal caller;
};

Result<AdminSession> OpenAdmin(Context& ctx, std::string_view what,
                               std::optional<int64_t> org_scope = {}) {
  AdminSession s;
  ASSIGN_OR_RETURN(s.store, ctx.OpenStore());
  ASSIGN_OR_RETURN(s.caller, ctx.Caller(s.store->directory()));
  bool admin = s.caller.user.role == access::Role::kAdmin;
  bool member_admin = s.caller.user.role == access::Role::kMemberAdmin &&
                      org_scope && *org_scope == s.caller.org.id;
  if (!admin && !member_admin) {
    ctx.Audit(s.store->directory(), s.caller, "admin", what,
              "denied: not an administrator");
    return Status::PermissionDenied(fmt::format(
        "{} may not {}: that needs the admin role{}", s.caller.user.name, what,
        org_scope ? " (or member-admin of that organisation)" : ""));
  }
  return s;
}

std::string SectorsText(const std::vector<std::string>& sectors) {
  std::string out;
  for (const auto& s : sectors) {
    if (!out.empty()) out += ',';
    out += s;
  }
  return out;
}

using access::OrgJson;

std::string UserJson(const access::User& u, const access::Clearances& c) {
  std::string out = fmt::format("{{\"id\":{},\"name\":", u.id);
  AppendJsonString(u.name, &out);
  return out + fmt::format(",\"org\":{},\"role\":\"{}\",\"clearance\":\"{}\"}}",
                           u.org_id, access::RoleName(u.role),
                           c.Name(u.clearance));
}

// ---- org ------------------------------------------------------------------

void AddOrgCommands(CLI::App& app, Context& ctx, int* exit_code) {
  CLI::App* org =
      app.add_subcommand("org", "Organisations that share with ncert");
  org->require_subcommand(1);

  struct AddOpts {
    std::string name, type = "company", identity;
    std::vector<std::string> sectors;
  };
  auto add = std::make_shared<AddOpts>();
  CLI::App* a = org->add_subcommand("add", "Register an organisation");
  a->add_option("name", add->name, "its name (unique)")->required();
  a->add_option("--type", add->type,
                "national-cert, government, critical-infrastructure, isp, "
                "company, sensor-operator, partner-cert or research")
      ->capture_default_str();
  a->add_option("--sector", add->sectors,
                "a sector slug, repeatable (electric-power, finance, …)");
  a->add_option("--identity", add->identity, "its STIX identity id");
  a->callback([&ctx, add, exit_code] {
    auto type = access::ParseOrgType(add->type);
    if (!type) {
      *exit_code = ctx.Fail(Status::InvalidArgument(
          fmt::format("unknown organisation type '{}'", add->type)));
      return;
    }
    auto s = OpenAdmin(ctx, "add an organisation");
    if (!s.ok()) {
      *exit_code = ctx.Fail(s.status());
      return;
    }
    access::Org o;
    o.name = add->name;
    o.type = *type;
    o.sectors = add->sectors;
    o.identity_ref = add->identity;
    auto added = s->store->directory().AddOrg(o);
    ctx.Audit(s->store->directory(), s->caller, "admin", "org add " + add->name,
              added.ok() ? "ok" : "error: " + added.status().message());
    if (!added.ok()) {
      *exit_code = ctx.Fail(added.status());
      return;
    }
    if (ctx.json) {
      fmt::print(ctx.out, "{}\n", OrgJson(*added));
    } else {
      fmt::print(ctx.out, "organisation {} added: {} ({}{}{})\n", added->id,
                 added->name, access::OrgTypeName(added->type),
                 added->sectors.empty() ? "" : "; ",
                 SectorsText(added->sectors));
    }
  });

  CLI::App* l = org->add_subcommand("list", "List organisations");
  l->callback([&ctx, exit_code] {
    auto store = ctx.OpenStore();
    if (!store.ok()) {
      *exit_code = ctx.Fail(store.status());
      return;
    }
    auto orgs = (*store)->directory().ListOrgs();
    if (!orgs.ok()) {
      *exit_code = ctx.Fail(orgs.status());
      return;
    }
    if (ctx.json) {
      std::string out = "[";
      for (size_t i = 0; i < orgs->size(); ++i) {
        if (i) out += ',';
        out += OrgJson((*orgs)[i]);
      }
      fmt::print(ctx.out, "{}]\n", out);
      return;
    }
    for (const auto& o : *orgs) {
      fmt::print(ctx.out, "{:>4}  {:<32} {:<24} {}\n", o.id, o.name,
                 access::OrgTypeName(o.type), SectorsText(o.sectors));
    }
  });
}

// ---- group ----------------------------------------------------------------

void AddGroupCommands(CLI::App& app, Context& ctx, int* exit_code) {
  CLI::App* group =
      app.add_subcommand("group", "Sharing groups of organisations");
  group->require_subcommand(1);
  struct AddOpts {
    std::string name;
    std::vector<std::string> orgs;
  };
  auto add = std::make_shared<AddOpts>();
  CLI::App* a = group->add_subcommand("add", "Create a sharing group");
  a->add_option("name", add->name, "its name (unique)")->required();
  a->add_option("--org", add->orgs, "a member organisation (name or id)")
      ->required();
  a->callback([&ctx, add, exit_code] {
    auto s = OpenAdmin(ctx, "create a sharing group");
    if (!s.ok()) {
      *exit_code = ctx.Fail(s.status());
      return;
    }
    std::vector<int64_t> ids;
    for (const auto& key : add->orgs) {
      auto org = s->store->directory().FindOrg(key);
      if (!org.ok() || !*org) {
        *exit_code = ctx.Fail(org.ok() ? Status::NotFound(fmt::format(
                                             "no organisation '{}'", key))
                                       : org.status());
        return;
      }
      ids.push_back((*org)->id);
    }
    auto g = s->store->directory().AddGroup(add->name, ids);
    ctx.Audit(s->store->directory(), s->caller, "admin",
              "group add " + add->name,
              g.ok() ? "ok" : "error: " + g.status().message());
    if (!g.ok()) {
      *exit_code = ctx.Fail(g.status());
      return;
    }
    fmt::print(ctx.out,
               fmt::runtime(ctx.json ? "{{\"id\":{},\"members\":{}}}\n"
                                     : "sharing group {} added with {} "
                                       "members\n"),
               g->id, g->org_ids.size());
  });
  CLI::App* l = group->add_subcommand("list", "List sharing groups");
  l->callback([&ctx, exit_code] {
    auto store = ctx.OpenStore();
    if (!store.ok()) {
      *exit_code = ctx.Fail(store.status());
      return;
    }
    auto groups = (*store)->directory().ListGroups();
    if (!groups.ok()) {
      *exit_code = ctx.Fail(groups.status());
      return;
    }
    for (const auto& g : *groups) {
      std::string members;
      for (int64_t id : g.org_ids) {
        if (!members.empty()) members += ',';
        members += std::to_string(id);
      }
      fmt::print(ctx.out, "{:>4}  {:<32} orgs {}\n", g.id, g.name, members);
    }
  });
}

// ---- user -----------------------------------------------------------------

void AddUserCommands(CLI::App& app, Context& ctx, int* exit_code) {
  CLI::App* user = app.add_subcommand("user", "People and service accounts");
  user->require_subcommand(1);
  struct AddOpts {
    std::string name, org, role = "member", clearance = "none";
  };
  auto add = std::make_shared<AddOpts>();
  CLI::App* a = user->add_subcommand("add", "Add a user to an organisation");
  a->add_option("name", add->name, "login name (unique)")->required();
  a->add_option("--org", add->org, "organisation (name or id)")->required();
  a->add_option("--role", add->role,
                "admin, analyst, member-admin, member, sensor, partner or "
                "policy-reader")
      ->capture_default_str();
  a->add_option("--clearance", add->clearance,
                "none, confidential, secret or top-secret")
      ->capture_default_str();
  a->callback([&ctx, add, exit_code] {
    auto role = access::ParseRole(add->role);
    auto clearance = access::Clearances().Parse(add->clearance);
    if (!role || !clearance) {
      *exit_code = ctx.Fail(Status::InvalidArgument(
          !role ? fmt::format("unknown role '{}'", add->role)
                : fmt::format("unknown clearance '{}'", add->clearance)));
      return;
    }
    auto store = ctx.OpenStore();
    if (!store.ok()) {
      *exit_code = ctx.Fail(store.status());
      return;
    }
    auto org = (*store)->directory().FindOrg(add->org);
    if (!org.ok() || !*org) {
      *exit_code = ctx.Fail(
          org.ok()
              ? Status::NotFound(fmt::format(
                    "no organisation '{}' (see `ncert org list`)", add->org))
              : org.status());
      return;
    }
    auto s = OpenAdmin(ctx, "add a user", (*org)->id);
    if (!s.ok()) {
      *exit_code = ctx.Fail(s.status());
      return;
    }
    access::User u;
    u.name = add->name;
    u.org_id = (*org)->id;
    u.role = *role;
    u.clearance = *clearance;
    auto added = s->store->directory().AddUser(u);
    ctx.Audit(s->store->directory(), s->caller, "admin",
              "user add " + add->name,
              added.ok() ? "ok" : "error: " + added.status().message());
    if (!added.ok()) {
      *exit_code = ctx.Fail(added.status());
      return;
    }
    if (ctx.json) {
      fmt::print(ctx.out, "{}\n", UserJson(*added, access::Clearances()));
    } else {
      fmt::print(ctx.out, "user {} added: {} ({} of {}, clearance {})\n",
                 added->id, added->name, access::RoleName(added->role),
                 (*org)->name, add->clearance);
    }
  });
  CLI::App* l = user->add_subcommand("list", "List users");
  l->callback([&ctx, exit_code] {
    auto store = ctx.OpenStore();
    if (!store.ok()) {
      *exit_code = ctx.Fail(store.status());
      return;
    }
    auto users = (*store)->directory().ListUsers();
    if (!users.ok()) {
      *exit_code = ctx.Fail(users.status());
      return;
    }
    access::Clearances names;
    if (ctx.json) {
      std::string out = "[";
      for (size_t i = 0; i < users->size(); ++i) {
        if (i) out += ',';
        out += UserJson((*users)[i], names);
      }
      fmt::print(ctx.out, "{}]\n", out);
      return;
    }
    for (const auto& u : *users) {
      fmt::print(ctx.out, "{:>4}  {:<32} org {:<4} {:<14} {}\n", u.id, u.name,
                 u.org_id, access::RoleName(u.role), names.Name(u.clearance));
    }
  });
}

// ---- token ----------------------------------------------------------------

void AddTokenCommands(CLI::App& app, Context& ctx, int* exit_code) {
  CLI::App* token = app.add_subcommand("token", "API tokens");
  token->require_subcommand(1);
  struct CreateOpts {
    std::string user, note;
    int64_t days = 90;
  };
  auto create = std::make_shared<CreateOpts>();
  CLI::App* c = token->add_subcommand(
      "create", "Create a token for a user; it is shown once, keep it safe");
  c->add_option("--user", create->user, "the user (name or id)")->required();
  c->add_option("--days", create->days,
                "valid for this many days (0: no expiry)")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{0}, int64_t{3650}));
  c->add_option("--note", create->note, "what it is for");
  c->callback([&ctx, create, exit_code] {
    auto store = ctx.OpenStore();
    if (!store.ok()) {
      *exit_code = ctx.Fail(store.status());
      return;
    }
    auto who = (*store)->directory().FindPrincipal(create->user);
    if (!who.ok() || !*who) {
      *exit_code = ctx.Fail(
          who.ok() ? Status::NotFound(fmt::format("no user '{}'", create->user))
                   : who.status());
      return;
    }
    auto s = OpenAdmin(ctx, "create a token", (*who)->org.id);
    if (!s.ok()) {
      *exit_code = ctx.Fail(s.status());
      return;
    }
    auto t = access::NewToken();
    if (!t.ok()) {
      *exit_code = ctx.Fail(t.status());
      return;
    }
    store::TokenRecord r;
    r.key_id = t->key_id;
    r.hash = t->hash;
    r.user_id = (*who)->user.id;
    r.created = ctx.clock->Now();
    if (create->days > 0) {
      r.expires = Timestamp{r.created.micros + create->days * 86400000000};
    }
    r.note = create->note;
    Status st = s->store->directory().AddToken(r);
    ctx.Audit(
        s->store->directory(), s->caller, "admin",
        fmt::format("token create {} for {}", r.key_id, (*who)->user.name),
        st.ok() ? "ok" : "error: " + st.message());
    if (!st.ok()) {
      *exit_code = ctx.Fail(st);
      return;
    }
    if (ctx.json) {
      fmt::print(
          ctx.out, "{{\"token\":\"{}\",\"id\":\"{}\",\"expires\":{}}}\n",
          t->token, r.key_id,
          r.expires ? "\"" + FormatTimestamp(*r.expires) + "\"" : "null");
    } else {
      fmt::print(ctx.out, "{}\n", t->token);
      fmt::print(ctx.err,
                 "token {} for {}{}; it is shown only now and cannot be "
                 "recovered\n",
                 r.key_id, (*who)->user.name,
                 r.expires ? ", expires " + FormatTimestamp(*r.expires) : "");
    }
  });
  auto revoke_id = std::make_shared<std::string>();
  CLI::App* r = token->add_subcommand("revoke", "Revoke a token by its id");
  r->add_option("id", *revoke_id, "the token id (as `token list` shows it)")
      ->required();
  r->callback([&ctx, revoke_id, exit_code] {
    auto s = OpenAdmin(ctx, "revoke a token");
    if (!s.ok()) {
      *exit_code = ctx.Fail(s.status());
      return;
    }
    Status st = s->store->directory().RevokeToken(*revoke_id);
    ctx.Audit(s->store->directory(), s->caller, "admin",
              "token revoke " + *revoke_id,
              st.ok() ? "ok" : "error: " + st.message());
    if (!st.ok()) {
      *exit_code = ctx.Fail(st);
      return;
    }
    fmt::print(ctx.out, "token {} revoked\n", *revoke_id);
  });
  CLI::App* l =
      token->add_subcommand("list", "List tokens (never their secrets)");
  l->callback([&ctx, exit_code] {
    auto s = OpenAdmin(ctx, "list tokens");
    if (!s.ok()) {
      *exit_code = ctx.Fail(s.status());
      return;
    }
    auto tokens = s->store->directory().ListTokens();
    if (!tokens.ok()) {
      *exit_code = ctx.Fail(tokens.status());
      return;
    }
    for (const auto& t : *tokens) {
      fmt::print(ctx.out, "{}  {:<28} created {}  {}{}\n", t.key_id,
                 t.user_name, FormatTimestamp(t.created, 0),
                 t.revoked   ? "revoked"
                 : t.expires ? "expires " + FormatTimestamp(*t.expires, 0)
                             : "no expiry",
                 t.note.empty() ? "" : "  " + t.note);
    }
  });
}

// ---- audit ----------------------------------------------------------------

void AddAuditCommands(CLI::App& app, Context& ctx, int* exit_code) {
  CLI::App* audit = app.add_subcommand("audit", "The tamper-evident audit log");
  audit->require_subcommand(1);
  struct ShowOpts {
    std::string user, since;
    int64_t limit = 100;
  };
  auto show = std::make_shared<ShowOpts>();
  CLI::App* s = audit->add_subcommand("show", "List audit entries");
  s->add_option("--user", show->user, "only this actor");
  s->add_option("--since", show->since, "only entries at or after this time");
  s->add_option("--limit", show->limit, "at most this many (-1: all)")
      ->capture_default_str();
  s->callback([&ctx, show, exit_code] {
    store::AuditFilter f;
    if (!show->user.empty()) f.actor = show->user;
    if (!show->since.empty()) {
      auto t = ParseTimestamp(show->since);
      if (!t.ok()) {
        *exit_code = ctx.Fail(t.status());
        return;
      }
      f.since = *t;
    }
    f.limit = show->limit;
    auto admin = OpenAdmin(ctx, "read the audit log");
    if (!admin.ok()) {
      *exit_code = ctx.Fail(admin.status());
      return;
    }
    bool first = true;
    if (ctx.json) fmt::print(ctx.out, "[");
    Status st = admin->store->directory().ScanAudit(
        f, [&](const access::AuditEntry& e) {
          if (ctx.json) {
            std::string line = fmt::format(
                "{}{{\"seq\":{},\"at\":\"{}\",\"actor\":", first ? "" : ",",
                e.seq, FormatTimestamp(e.at));
            AppendJsonString(e.actor, &line);
            line += ",\"action\":";
            AppendJsonString(e.action, &line);
            line += ",\"target\":";
            AppendJsonString(e.target, &line);
            line += ",\"result\":";
            AppendJsonString(e.result, &line);
            fmt::print(ctx.out, "{},\"hash\":\"{}\"}}\n", line, e.hash);
          } else {
            fmt::print(ctx.out, "{:>6}  {}  {:<20} {:<7} {}  -> {}\n", e.seq,
                       FormatTimestamp(e.at), e.actor, e.action, e.target,
                       e.result);
          }
          first = false;
          return true;
        });
    if (ctx.json) fmt::print(ctx.out, "]\n");
    if (!st.ok()) *exit_code = ctx.Fail(st);
  });
  CLI::App* v = audit->add_subcommand(
      "verify",
      "Check the hash chain; names the first edited, removed or "
      "reordered entry");
  v->callback([&ctx, exit_code] {
    auto store = ctx.OpenStore();
    if (!store.ok()) {
      *exit_code = ctx.Fail(store.status());
      return;
    }
    access::AuditVerifier verifier;
    Status st =
        (*store)->directory().ScanAudit({}, [&](const access::AuditEntry& e) {
          verifier.Add(e);
          return verifier.verdict().ok;
        });
    if (!st.ok()) {
      *exit_code = ctx.Fail(st);
      return;
    }
    const access::AuditVerdict& r = verifier.verdict();
    if (ctx.json) {
      std::string why;
      AppendJsonString(r.why, &why);
      fmt::print(ctx.out,
                 "{{\"ok\":{},\"entries\":{},\"first_bad_seq\":{},"
                 "\"position\":{},\"why\":{},\"head\":\"{}\"}}\n",
                 r.ok ? "true" : "false", r.entries, r.first_bad_seq,
                 r.position, why, r.head_hash);
    } else if (r.ok) {
      fmt::print(ctx.out,
                 "audit log intact: {} entries, head {} (keep this hash "
                 "somewhere else to detect truncation)\n",
                 r.entries, r.head_hash.empty() ? "(empty)" : r.head_hash);
    } else {
      fmt::print(ctx.out, "audit log BROKEN at entry {} (position {}): {}\n",
                 r.first_bad_seq, r.position, r.why);
    }
    *exit_code = r.ok ? kExitOk : kExitError;
  });
}

}  // namespace

void AddAdminCommands(CLI::App& app, Context& ctx, int* exit_code) {
  AddOrgCommands(app, ctx, exit_code);
  AddGroupCommands(app, ctx, exit_code);
  AddUserCommands(app, ctx, exit_code);
  AddTokenCommands(app, ctx, exit_code);
  AddAuditCommands(app, ctx, exit_code);
}

}  // namespace ncert::cli
