// elva::Error: the one error type of Elva's public API. An error says what failed (code),
// what a person should know (message) and where (context: element id, file, line, SQLSTATE...).
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace elva {

// Small and stable: scripts and REST clients switch on these.
enum class Errc {
  InvalidArgument,
  ParseError,
  ValidationError,
  ExpressionError,
  NotFound,
  Conflict,
  StoreUnavailable,
  ConnectorFailed,
  Timeout,
  Internal,
  Unauthenticated,   // no credentials, or expired or unknown ones (HTTP 401)
  PermissionDenied,  // known, but not allowed to do this (HTTP 403)
};

std::string_view to_string(Errc code) noexcept;

struct Error {
  Errc code = Errc::Internal;
  std::string message;
  std::vector<std::pair<std::string, std::string>> context;

  // Adds a "where" entry, e.g. err.with("element", "approve").
  Error& with(std::string key, std::string value) & {
    context.emplace_back(std::move(key), std::move(value));
    return *this;
  }
  Error&& with(std::string key, std::string value) && {
    context.emplace_back(std::move(key), std::move(value));
    return std::move(*this);
  }
  // "message (element=approve, line=12)".
  std::string describe() const;
};

// Thrown only for broken invariants, never for bad input (bad input is a Result error).
class AssertionFailure : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

[[noreturn]] void assertion_failed(const char* expr, const char* why, const char* file, int line);

}  // namespace elva

#define ELVA_ASSERT(cond, why) \
  ((cond) ? static_cast<void>(0) : ::elva::assertion_failed(#cond, why, __FILE__, __LINE__))
