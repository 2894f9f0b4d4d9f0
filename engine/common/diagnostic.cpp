// The one-line text form of a diagnostic.
#include "elva/diagnostic.hpp"

namespace elva {

std::string Diagnostic::to_string() const {
  std::string out = file;
  if (pos.line > 0) {
    out += ":" + std::to_string(pos.line) + ":" + std::to_string(pos.col);
  }
  out += ": ";
  if (severity == Severity::Warning) out += "warning: ";
  if (!element_id.empty()) {
    out += "element '" + element_id + "'";
    if (!element_type.empty()) out += " (" + element_type + ")";
    out += ": ";
  }
  out += message;
  return out;
}

}  // namespace elva
