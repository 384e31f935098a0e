// Status and Result<T>: how ncert reports operational errors across module
// boundaries, instead of exceptions (after LevelDB's Status and Abseil's
// StatusOr). Hostile input is not an error of this kind: parsers count and
// report it as data (see stix/issue.h).
//
// Thread safety: values; a const Status or Result may be read from any thread.
#ifndef NCERT_CORE_STATUS_H_
#define NCERT_CORE_STATUS_H_

#include <cassert>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

namespace ncert {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // the caller asked for something malformed
  kNotFound,            // a file, object or key does not exist
  kAlreadyExists,       //
  kFailedPrecondition,  // the system is not in a state to do this
  kPermissionDenied,    // the access policy forbids it
  kResourceExhausted,   // a limit was reached (size, rate, memory)
  kIoError,             // the operating system failed a read or write
  kCorruption,          // stored data is not what ncert wrote
  kUnavailable,         // a service (database, bus) could not be reached
  kInternal,            // a bug: an invariant failed at run time
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message)
      : code_(code), message_(std::move(message)) {
    assert(code != StatusCode::kOk || message_.empty());
  }

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) {
    return {StatusCode::kInvalidArgument, std::move(m)};
  }
  static Status NotFound(std::string m) {
    return {StatusCode::kNotFound, std::move(m)};
  }
  static Status AlreadyExists(std::string m) {
    return {StatusCode::kAlreadyExists, std::move(m)};
  }
  static Status FailedPrecondition(std::string m) {
    return {StatusCode::kFailedPrecondition, std::move(m)};
  }
  static Status PermissionDenied(std::string m) {
    return {StatusCode::kPermissionDenied, std::move(m)};
  }
  static Status ResourceExhausted(std::string m) {
    return {StatusCode::kResourceExhausted, std::move(m)};
  }
  static Status IoError(std::string m) {
    return {StatusCode::kIoError, std::move(m)};
  }
  static Status Corruption(std::string m) {
    return {StatusCode::kCorruption, std::move(m)};
  }
  static Status Unavailable(std::string m) {
    return {StatusCode::kUnavailable, std::move(m)};
  }
  static Status Internal(std::string m) {
    return {StatusCode::kInternal, std::move(m)};
  }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "NotFound: no such file ncert.db"; "OK" for success.
  std::string ToString() const;

  // Returns a copy with `context` prepended to the message: "context: msg".
  Status WithContext(std::string_view context) const;

  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message_ == b.message_;
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// Result<T> holds either a value or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
  static_assert(!std::is_same_v<std::decay_t<T>, Status>,
                "Result<Status> is meaningless");

 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT
    assert(!std::get<Status>(v_).ok() && "Result built from an OK Status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  Status status() const { return ok() ? Status() : std::get<Status>(v_); }

  const T& value() const& {
    assert(ok() && "value() on an error Result");
    return std::get<T>(v_);
  }
  T& value() & {
    assert(ok() && "value() on an error Result");
    return std::get<T>(v_);
  }
  T&& value() && {
    assert(ok() && "value() on an error Result");
    return std::get<T>(std::move(v_));
  }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

 private:
  std::variant<Status, T> v_;
};

}  // namespace ncert

#define NCERT_CONCAT_INNER_(a, b) a##b
#define NCERT_CONCAT_(a, b) NCERT_CONCAT_INNER_(a, b)

// Returns from the enclosing function if `expr` (a Status) is not OK.
#define RETURN_IF_ERROR(expr)                  \
  do {                                         \
    ::ncert::Status ncert_status_ = (expr);    \
    if (!ncert_status_.ok()) return ncert_status_; \
  } while (0)

// ASSIGN_OR_RETURN(auto x, Foo()); assigns the value or returns the Status.
#define ASSIGN_OR_RETURN(lhs, expr) \
  NCERT_ASSIGN_OR_RETURN_IMPL_(NCERT_CONCAT_(ncert_result_, __LINE__), lhs, expr)
#define NCERT_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return tmp.status();                \
  lhs = std::move(tmp).value()

#endif  // NCERT_CORE_STATUS_H_
