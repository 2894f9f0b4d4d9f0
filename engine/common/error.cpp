// Error descriptions and the invariant-failure path behind ELVA_ASSERT.
#include "elva/error.hpp"

#include <string>

namespace elva {

std::string_view to_string(Errc code) noexcept {
  switch (code) {
    case Errc::InvalidArgument:
      return "invalid-argument";
    case Errc::ParseError:
      return "parse-error";
    case Errc::ValidationError:
      return "validation-error";
    case Errc::ExpressionError:
      return "expression-error";
    case Errc::NotFound:
      return "not-found";
    case Errc::Conflict:
      return "conflict";
    case Errc::StoreUnavailable:
      return "store-unavailable";
    case Errc::ConnectorFailed:
      return "connector-failed";
    case Errc::Timeout:
      return "timeout";
    case Errc::Internal:
      return "internal";
    case Errc::Unauthenticated:
      return "unauthenticated";
    case Errc::PermissionDenied:
      return "permission_denied";
  }
  return "internal";
}

std::string Error::describe() const {
  std::string out = message;
  if (context.empty()) return out;
  out += " (";
  for (std::size_t i = 0; i < context.size(); ++i) {
    if (i) out += ", ";
    out += context[i].first + "=" + context[i].second;
  }
  out += ")";
  return out;
}

void assertion_failed(const char* expr, const char* why, const char* file, int line) {
  throw AssertionFailure(std::string("internal error: ") + why + " [" + expr + " at " + file + ":" +
                         std::to_string(line) + "]");
}

}  // namespace elva
