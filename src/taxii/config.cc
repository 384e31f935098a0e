#include "taxii/config.h"

#include <fmt/format.h>

#include <cctype>
#include <set>
// Header-only, without exceptions: errors come back as parse_result.
#define TOML_HEADER_ONLY 1
#define TOML_EXCEPTIONS 0
#include <toml++/toml.h>

#include "core/id.h"

namespace ncert::taxii {
namespace {

// "amber+strict" -> Tlp::kAmberStrict (TLP 2.0 names in lower case).
std::optional<stix::Tlp> TlpLevel(std::string_view name) {
  std::string upper = "TLP:";
  for (char ch : name) upper += static_cast<char>(std::toupper(ch));
  return stix::ParseTlpName(upper);
}

class Parser {
 public:
  explicit Parser(std::string_view source) : source_(source) {}

  Status At(const toml::node& n, std::string_view what) const {
    const auto& src = n.source();
    return Status::InvalidArgument(fmt::format(
        "{}:{}:{}: {}", source_, src.begin.line, src.begin.column, what));
  }

  Status CheckKeys(const toml::table& t, std::string_view where,
                   const std::set<std::string_view>& allowed) const {
    for (const auto& [k, v] : t) {
      if (!allowed.count(k.str())) {
        return At(v, fmt::format("unknown configuration key '{}.{}'", where,
                                 k.str()));
      }
    }
    return Status::Ok();
  }

  Status String(const toml::table& t, std::string_view key, std::string* out,
                bool required = false) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) {
      if (required) {
        return At(t, fmt::format("'{}' is required here", key));
      }
      return Status::Ok();
    }
    auto v = n->value<std::string>();
    if (!v) return At(*n, fmt::format("'{}' must be a string", key));
    *out = *v;
    return Status::Ok();
  }

  Status Bool(const toml::table& t, std::string_view key, bool* out) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) return Status::Ok();
    auto v = n->value<bool>();
    if (!v) return At(*n, fmt::format("'{}' must be true or false", key));
    *out = *v;
    return Status::Ok();
  }

  Status Int(const toml::table& t, std::string_view key, int64_t lo, int64_t hi,
             int64_t* out) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) return Status::Ok();
    auto v = n->value<int64_t>();
    if (!v || *v < lo || *v > hi) {
      return At(*n, fmt::format("'{}' must be an integer from {} to {}", key,
                                lo, hi));
    }
    *out = *v;
    return Status::Ok();
  }

  Status Strings(const toml::table& t, std::string_view key,
                 std::vector<std::string>* out) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) return Status::Ok();
    const toml::array* a = n->as_array();
    if (a == nullptr) {
      return At(*n, fmt::format("'{}' must be an array of strings", key));
    }
    for (const toml::node& e : *a) {
      auto v = e.value<std::string>();
      if (!v) return At(e, fmt::format("'{}' must hold strings", key));
      out->push_back(*v);
    }
    return Status::Ok();
  }

  Status Roles(const toml::table& t, std::string_view key,
               std::vector<access::Role>* out) const {
    std::vector<std::string> names;
    RETURN_IF_ERROR(Strings(t, key, &names));
    for (const auto& name : names) {
      auto r = access::ParseRole(name);
      if (!r) {
        return At(*t.get(key),
                  fmt::format("'{}' is not a role (admin, analyst, "
                              "member-admin, member, sensor, partner, "
                              "policy-reader)",
                              name));
      }
      out->push_back(*r);
    }
    return Status::Ok();
  }

  Status Collection(const toml::table& t, CollectionConfig* c) const {
    RETURN_IF_ERROR(
        CheckKeys(t, "taxii.api_roots.collections",
                  {"id", "title", "description", "alias", "types", "tlp",
                   "sectors", "created_by", "labels", "read_roles", "public",
                   "write_roles", "inbox_tlp"}));
    RETURN_IF_ERROR(String(t, "id", &c->id, true));
    if (!IsValidUuid(c->id)) {
      return At(*t.get("id"),
                fmt::format("collection id '{}' is not a UUID", c->id));
    }
    RETURN_IF_ERROR(String(t, "title", &c->title, true));
    RETURN_IF_ERROR(String(t, "description", &c->description));
    RETURN_IF_ERROR(String(t, "alias", &c->alias));
    RETURN_IF_ERROR(Strings(t, "types", &c->types));
    RETURN_IF_ERROR(Strings(t, "tlp", &c->tlp));
    for (const auto& name : c->tlp) {
      if (name != "none" && !TlpLevel(name)) {
        return At(*t.get("tlp"),
                  fmt::format("'{}' is not a TLP level (clear, green, amber, "
                              "amber+strict, red, none)",
                              name));
      }
    }
    RETURN_IF_ERROR(Strings(t, "sectors", &c->sectors));
    RETURN_IF_ERROR(Strings(t, "created_by", &c->created_by));
    RETURN_IF_ERROR(Strings(t, "labels", &c->labels));
    RETURN_IF_ERROR(Roles(t, "read_roles", &c->read_roles));
    RETURN_IF_ERROR(Bool(t, "public", &c->public_read));
    RETURN_IF_ERROR(Roles(t, "write_roles", &c->write_roles));
    std::string inbox_tlp;
    RETURN_IF_ERROR(String(t, "inbox_tlp", &inbox_tlp));
    if (!inbox_tlp.empty()) {
      c->inbox_tlp = TlpLevel(inbox_tlp);
      if (!c->inbox_tlp && inbox_tlp != "none") {
        return At(*t.get("inbox_tlp"), "'inbox_tlp' is not a TLP level");
      }
    }
    return Status::Ok();
  }

 private:
  std::string_view source_;
};

}  // namespace

Result<TaxiiConfig> ParseTaxiiConfig(std::string_view text,
                                     std::string_view source) {
  toml::parse_result parsed = toml::parse(text, source);
  if (!parsed) {
    const auto& err = parsed.error();
    return Status::InvalidArgument(
        fmt::format("{}:{}:{}: {}", source, err.source().begin.line,
                    err.source().begin.column, err.description()));
  }
  TaxiiConfig c;
  const toml::node* section = parsed.table().get("taxii");
  if (section == nullptr) return c;
  Parser p(source);
  const toml::table* t = section->as_table();
  if (t == nullptr) return p.At(*section, "[taxii] must be a table");
  RETURN_IF_ERROR(p.CheckKeys(*t, "taxii",
                              {"title", "description", "contact",
                               "default_api_root", "max_objects_per_envelope",
                               "audit_reads", "page_cache_mb", "api_roots"}));
  RETURN_IF_ERROR(p.String(*t, "title", &c.title));
  RETURN_IF_ERROR(p.String(*t, "description", &c.description));
  RETURN_IF_ERROR(p.String(*t, "contact", &c.contact));
  RETURN_IF_ERROR(p.String(*t, "default_api_root", &c.default_api_root));
  int64_t max_objects = static_cast<int64_t>(c.max_objects_per_envelope);
  RETURN_IF_ERROR(
      p.Int(*t, "max_objects_per_envelope", 1, 100000, &max_objects));
  c.max_objects_per_envelope = static_cast<size_t>(max_objects);
  RETURN_IF_ERROR(p.Bool(*t, "audit_reads", &c.audit_reads));
  RETURN_IF_ERROR(p.Int(*t, "page_cache_mb", 0, 1 << 20, &c.page_cache_mb));
  std::set<std::string> root_names;
  if (const toml::node* n = t->get("api_roots")) {
    const toml::array* roots = n->as_array();
    if (roots == nullptr)
      return p.At(*n, "'api_roots' must be [[taxii.api_roots]] tables");
    for (const toml::node& rn : *roots) {
      const toml::table* rt = rn.as_table();
      if (rt == nullptr) return p.At(rn, "an API root must be a table");
      RETURN_IF_ERROR(p.CheckKeys(*rt, "taxii.api_roots",
                                  {"name", "title", "description",
                                   "max_content_length", "collections"}));
      ApiRootConfig root;
      RETURN_IF_ERROR(p.String(*rt, "name", &root.name, true));
      bool slug = !root.name.empty() && root.name.size() <= 64;
      for (char ch : root.name) {
        slug = slug && ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
                        ch == '-' || ch == '_');
      }
      if (!slug) {
        return p.At(*rt->get("name"),
                    "an API root name is 1-64 of a-z, 0-9, '-' and '_'");
      }
      if (!root_names.insert(root.name).second) {
        return p.At(rn,
                    fmt::format("API root '{}' is defined twice", root.name));
      }
      RETURN_IF_ERROR(p.String(*rt, "title", &root.title, true));
      RETURN_IF_ERROR(p.String(*rt, "description", &root.description));
      RETURN_IF_ERROR(p.Int(*rt, "max_content_length", 1024, int64_t{1} << 32,
                            &root.max_content_length));
      std::set<std::string> ids;
      if (const toml::node* cn = rt->get("collections")) {
        const toml::array* cols = cn->as_array();
        if (cols == nullptr) return p.At(*cn, "'collections' must be tables");
        for (const toml::node& col : *cols) {
          const toml::table* ct = col.as_table();
          if (ct == nullptr) return p.At(col, "a collection must be a table");
          CollectionConfig cc;
          RETURN_IF_ERROR(p.Collection(*ct, &cc));
          if (!ids.insert(cc.id).second) {
            return p.At(col, fmt::format("collection '{}' is defined twice in "
                                         "API root '{}'",
                                         cc.id, root.name));
          }
          root.collections.push_back(std::move(cc));
        }
      }
      c.api_roots.push_back(std::move(root));
    }
  }
  if (!c.default_api_root.empty() && !root_names.count(c.default_api_root)) {
    return p.At(*t->get("default_api_root"),
                fmt::format("default_api_root '{}' is not an API root",
                            c.default_api_root));
  }
  return c;
}

}  // namespace ncert::taxii
