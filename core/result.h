// Per-document failures are values, never exceptions through the batch.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace assay {

// What went wrong with one document: which stage, and a message meant for a person.
struct Error {
  std::string stage;    // stage id, or "ingest" / "worker" for failures outside a stage
  std::string message;  // e.g. "encrypted: a password is required"
};

// Either a value or an Error. Call sites read `if (!r.ok()) return r.error();`.
template <typename T>
class Result {
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
class Status {
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
