#include "pattern/value.h"

#include <fmt/format.h>
#include <simdjson.h>

namespace ncert::pattern {
namespace {

Value FromElement(const simdjson::dom::element& e) {
  switch (e.type()) {
    case simdjson::dom::element_type::ARRAY: {
      std::vector<Value> items;
      simdjson::dom::array arr = e.get_array().value_unsafe();
      for (simdjson::dom::element child : arr) {
        items.push_back(FromElement(child));
      }
      return Value::Array(std::move(items));
    }
    case simdjson::dom::element_type::OBJECT: {
      std::vector<Value::Member> members;
      simdjson::dom::object obj = e.get_object().value_unsafe();
      for (auto field : obj) {
        members.emplace_back(std::string(field.key), FromElement(field.value));
      }
      return Value::Object(std::move(members));
    }
    case simdjson::dom::element_type::INT64:
      return Value::Int(e.get_int64().value_unsafe());
    case simdjson::dom::element_type::UINT64:
      return Value::Double(static_cast<double>(e.get_uint64().value_unsafe()));
    case simdjson::dom::element_type::DOUBLE:
      return Value::Double(e.get_double().value_unsafe());
    case simdjson::dom::element_type::STRING:
      return Value::String(std::string(e.get_string().value_unsafe()));
    case simdjson::dom::element_type::BOOL:
      return Value::Bool(e.get_bool().value_unsafe());
    case simdjson::dom::element_type::NULL_VALUE:
      return Value();
  }
  return Value();
}

}  // namespace

Value Value::Bool(bool b) {
  Value v;
  v.kind_ = Kind::kBool;
  v.b_ = b;
  return v;
}
Value Value::Int(int64_t i) {
  Value v;
  v.kind_ = Kind::kInt;
  v.i_ = i;
  return v;
}
Value Value::Double(double d) {
  Value v;
  v.kind_ = Kind::kDouble;
  v.d_ = d;
  return v;
}
Value Value::String(std::string s) {
  Value v;
  v.kind_ = Kind::kString;
  v.s_ = std::move(s);
  return v;
}
Value Value::Array(std::vector<Value> items) {
  Value v;
  v.kind_ = Kind::kArray;
  v.items_ = std::move(items);
  return v;
}
Value Value::Object(std::vector<Member> members) {
  Value v;
  v.kind_ = Kind::kObject;
  v.members_ = std::move(members);
  return v;
}

Result<Value> Value::Parse(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::element root;
  auto error = parser.parse(padded).get(root);
  if (error) {
    return Status::InvalidArgument(
        fmt::format("not JSON: {}", simdjson::error_message(error)));
  }
  return FromElement(root);
}

const Value* Value::Find(std::string_view key) const {
  if (kind_ != Kind::kObject) return nullptr;
  for (const Member& m : members_) {
    if (m.first == key) return &m.second;
  }
  return nullptr;
}

std::string_view Value::StringMember(std::string_view key) const {
  const Value* v = Find(key);
  if (v == nullptr || v->kind_ != Kind::kString) return {};
  return v->s_;
}

}  // namespace ncert::pattern
