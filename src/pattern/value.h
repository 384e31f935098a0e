// A small JSON value tree: what the pattern evaluator walks when it follows an
// object path into a Cyber-observable Object. Observations built from STIX
// observed-data (observation.h) and, later, from telemetry hold their SCOs as
// Values, so the evaluator never depends on how they were read.
//
// Thread safety: a value; a const Value may be read from any thread.
#ifndef NCERT_PATTERN_VALUE_H_
#define NCERT_PATTERN_VALUE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace ncert::pattern {

class Value {
 public:
  enum class Kind : uint8_t {
    kNull,
    kBool,
    kInt,
    kDouble,
    kString,
    kArray,
    kObject
  };
  using Member = std::pair<std::string, Value>;

  Value() = default;  // null
  static Value Bool(bool b);
  static Value Int(int64_t i);
  static Value Double(double d);
  static Value String(std::string s);
  static Value Array(std::vector<Value> items);
  // Members keep their order; a repeated name keeps its first occurrence
  // for Find().
  static Value Object(std::vector<Member> members);

  // Parses JSON text (simdjson). Integers beyond int64 become doubles.
  static Result<Value> Parse(std::string_view json);

  Kind kind() const { return kind_; }
  bool is_object() const { return kind_ == Kind::kObject; }
  bool is_array() const { return kind_ == Kind::kArray; }
  bool is_string() const { return kind_ == Kind::kString; }
  bool bool_value() const { return b_; }
  int64_t int_value() const { return i_; }
  double double_value() const { return d_; }
  const std::string& string_value() const { return s_; }
  const std::vector<Value>& items() const { return items_; }
  const std::vector<Member>& members() const { return members_; }
  std::vector<Value>& mutable_items() { return items_; }
  std::vector<Member>& mutable_members() { return members_; }

  // The member named `key` of an object; nullptr if absent or not an object.
  const Value* Find(std::string_view key) const;
  // The string member `key`, or "" if absent or not a string.
  std::string_view StringMember(std::string_view key) const;

 private:
  Kind kind_ = Kind::kNull;
  bool b_ = false;
  int64_t i_ = 0;
  double d_ = 0;
  std::string s_;
  std::vector<Value> items_;
  std::vector<Member> members_;
};

}  // namespace ncert::pattern

#endif  // NCERT_PATTERN_VALUE_H_
