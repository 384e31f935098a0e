#include "core/json.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <utility>
#include <vector>

namespace ncert {
namespace {

void AppendDouble(double d, std::string* out) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof(buf), d);
  out->append(buf, r.ptr);
}

// Where Append is in the document, as a chain of stack frames: the JSON
// pointer is only spelled out when something is wrong (a duplicate), not
// built and torn down for every member of every object.
struct PathStep {
  const PathStep* parent = nullptr;
  std::string_view key;  // a member name, or empty for an array index
  size_t index = 0;
};

void AppendPointer(const PathStep* step, std::string* pointer) {
  if (step == nullptr) return;
  AppendPointer(step->parent, pointer);
  if (step->key.data() != nullptr) {
    AppendJsonPointerToken(step->key, pointer);
  } else {
    pointer->push_back('/');
    pointer->append(std::to_string(step->index));
  }
}

void AppendInt(int64_t v, std::string* out) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, r.ptr);
}

Status Append(const simdjson::dom::element& v, const PathStep* path,
              std::string* out, std::string* duplicate_pointer) {
  using simdjson::dom::element_type;
  using Member = std::pair<std::string_view, simdjson::dom::element>;
  switch (v.type()) {
    case element_type::OBJECT: {
      simdjson::dom::object obj = v.get_object().value_unsafe();
      // Members sorted by name; on the stack for the usual small object.
      constexpr size_t kInline = 32;
      Member inline_members[kInline];
      std::vector<Member> heap;
      const size_t n = obj.size();
      Member* members = inline_members;
      if (n > kInline) {
        heap.resize(n);
        members = heap.data();
      }
      size_t k = 0;
      for (auto field : obj) members[k++] = {field.key, field.value};
      // By UTF-8 bytes; the first bytes settle most pairs of STIX member
      // names without a call to memcmp.
      std::sort(members, members + k, [](const Member& a, const Member& b) {
        if (!a.first.empty() && !b.first.empty() && a.first[0] != b.first[0]) {
          return static_cast<unsigned char>(a.first[0]) <
                 static_cast<unsigned char>(b.first[0]);
        }
        return a.first < b.first;
      });
      out->push_back('{');
      for (size_t i = 0; i < k; ++i) {
        if (i > 0 && members[i].first == members[i - 1].first) {
          std::string pointer;
          AppendPointer(path, &pointer);
          AppendJsonPointerToken(members[i].first, &pointer);
          if (duplicate_pointer != nullptr) *duplicate_pointer = pointer;
          return Status::InvalidArgument(fmt::format(
              "{}: member name appears twice in one object", pointer));
        }
        if (i > 0) out->push_back(',');
        AppendJsonString(members[i].first, out);
        out->push_back(':');
        PathStep step{path, members[i].first, 0};
        RETURN_IF_ERROR(
            Append(members[i].second, &step, out, duplicate_pointer));
      }
      out->push_back('}');
      return Status::Ok();
    }
    case element_type::ARRAY: {
      out->push_back('[');
      simdjson::dom::array arr = v.get_array().value_unsafe();
      size_t i = 0;
      for (auto item : arr) {
        if (i > 0) out->push_back(',');
        PathStep step{path, {}, i};
        RETURN_IF_ERROR(Append(item, &step, out, duplicate_pointer));
        ++i;
      }
      out->push_back(']');
      return Status::Ok();
    }
    case element_type::STRING:
      AppendJsonString(v.get_string().value_unsafe(), out);
      return Status::Ok();
    case element_type::INT64:
      AppendInt(v.get_int64().value_unsafe(), out);
      return Status::Ok();
    case element_type::UINT64:
      out->append(std::to_string(v.get_uint64().value_unsafe()));
      return Status::Ok();
    case element_type::DOUBLE:
      AppendDouble(v.get_double().value_unsafe(), out);
      return Status::Ok();
    case element_type::BOOL:
      out->append(v.get_bool().value_unsafe() ? "true" : "false");
      return Status::Ok();
    case element_type::NULL_VALUE:
      out->append("null");
      return Status::Ok();
  }
  return Status::Internal("unknown JSON element type");
}

}  // namespace

Status AppendCanonicalJson(const simdjson::dom::element& v, std::string* out,
                           std::string* duplicate_pointer) {
  return Append(v, nullptr, out, duplicate_pointer);
}

Result<std::string> CanonicalizeJson(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::element root;
  auto error = parser.parse(padded).get(root);
  if (error) {
    return Status::InvalidArgument(
        fmt::format("not valid JSON: {}", simdjson::error_message(error)));
  }
  std::string out;
  RETURN_IF_ERROR(AppendCanonicalJson(root, &out));
  return out;
}

void AppendJsonString(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  size_t run = 0;  // start of the current run of bytes needing no escape
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out->append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        out->append("\\u00");
        out->push_back(kHex[c >> 4]);
        out->push_back(kHex[c & 15]);
    }
  }
  out->append(s.data() + run, s.size() - run);
  out->push_back('"');
}

void AppendJsonPointerToken(std::string_view token, std::string* pointer) {
  pointer->push_back('/');
  for (char c : token) {
    if (c == '~') {
      pointer->append("~0");
    } else if (c == '/') {
      pointer->append("~1");
    } else {
      pointer->push_back(c);
    }
  }
}

}  // namespace ncert
