// elva::Diagnostic: one finding about a process file, pointing at the file, line, column and
// element it is about. Printed as `file:line:col: element 'id' (type): message`.
#pragma once

#include <cstdint>
#include <string>

namespace elva {

enum class Severity { Error, Warning };

struct SourcePos {
  std::uint32_t line = 0;  // 1-based; 0 when unknown
  std::uint32_t col = 0;   // 1-based, in characters
};

struct Diagnostic {
  Severity severity = Severity::Error;
  std::string file;
  SourcePos pos;
  std::string element_id;    // empty when the finding is about the file, not an element
  std::string element_type;  // BPMN local name, e.g. "userTask"
  std::string message;

  // The one-line form developers and editors expect: "f.bpmn:12:5: element 'a' (userTask): msg".
  std::string to_string() const;
};

}  // namespace elva
