// Errors are values: a failing document never throws through the batch. Every fallible
// function returns a Result<T> (a value or an Error) or a Status (ok or an Error), and every
// call site reads `if (!r.ok()) return r.error();`. Both are [[nodiscard]]: dropping one is a
// compile warning, so a failure cannot be ignored by accident.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace assay {

// What went wrong: where (a stage id, or "ingest", "worker", "usage", "config", "resource" for
// failures outside a stage) and a message meant for a person.
struct Error {
  std::string stage;
  std::string message;
};

// Either a value or an Error.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT
  bool ok() const { return std::holds_alternative<T>(v_); }
  T& value() { return std::get<T>(v_); }
  const T& value() const { return std::get<T>(v_); }
  const Error& error() const { return std::get<Error>(v_); }

 private:
  std::variant<T, Error> v_;
};

// A Result with no value: ok, or an Error.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT
  bool ok() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

}  // namespace assay
