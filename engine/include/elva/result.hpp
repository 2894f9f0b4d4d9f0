// elva::Result<T>: a value or an elva::Error, with the shape of C++23 std::expected so that
// moving to it later is a rename. Expected failures are values; exceptions are for invariants.
#pragma once

#include <type_traits>
#include <utility>
#include <variant>

#include "elva/error.hpp"

namespace elva {

// Wraps an Error so that `return fail(err);` converts into any Result<T>.
struct Failure {
  Error error;
};
inline Failure fail(Error error) { return Failure{std::move(error)}; }
inline Failure fail(Errc code, std::string message) {
  return Failure{Error{code, std::move(message), {}}};
}

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value)
      : data_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Failure f) : data_(std::in_place_index<1>, std::move(f.error)) {}  // NOLINT

  bool has_value() const noexcept { return data_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  // REQUIRES: has_value() (checked).
  T& value() & {
    check();
    return std::get<0>(data_);
  }
  const T& value() const& {
    check();
    return std::get<0>(data_);
  }
  T&& value() && {
    check();
    return std::get<0>(std::move(data_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // REQUIRES: !has_value() (checked).
  const Error& error() const& {
    ELVA_ASSERT(!has_value(), "error() called on a Result that holds a value");
    return std::get<1>(data_);
  }
  Error&& error() && {
    ELVA_ASSERT(!has_value(), "error() called on a Result that holds a value");
    return std::get<1>(std::move(data_));
  }

 private:
  void check() const { ELVA_ASSERT(has_value(), "value() called on a failed Result"); }
  std::variant<T, Error> data_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Failure f) : error_(std::move(f.error)), failed_(true) {}  // NOLINT

  bool has_value() const noexcept { return !failed_; }
  explicit operator bool() const noexcept { return !failed_; }
  void value() const { ELVA_ASSERT(!failed_, "value() called on a failed Result"); }
  const Error& error() const& {
    ELVA_ASSERT(failed_, "error() called on a Result that holds a value");
    return error_;
  }

 private:
  Error error_;
  bool failed_ = false;
};

}  // namespace elva
