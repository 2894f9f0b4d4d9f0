// Helpers for reader/validator tests: wrap process XML in <definitions>, read it, and look up
// diagnostics by message fragment.
#pragma once

#include <string>
#include <vector>

#include "parse/reader.hpp"
#include "parse/validate.hpp"

namespace elva::test {

// A <definitions> document in the default BPMN namespace with Elva, Camunda and Zeebe bound.
inline std::string bpmn(const std::string& body) {
  return R"(<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:elva="urn:elva:bpmn:1.0" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
  xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs" targetNamespace="test">
)" + body +
         "\n</definitions>\n";
}

struct Read {
  parse::ReadResult result;
  std::vector<Diagnostic> all;  // reader + validator diagnostics

  const model::Definitions& defs() const { return *result.definitions; }
  const model::ProcessDefinition& process(std::size_t i = 0) const {
    return defs().processes.at(i);
  }
  bool has(Severity severity, const std::string& fragment, const std::string& element = "") const {
    for (const auto& d : all) {
      if (d.severity == severity && d.message.find(fragment) != std::string::npos &&
          (element.empty() || d.element_id == element)) {
        return true;
      }
    }
    return false;
  }
  bool has_error(const std::string& fragment, const std::string& element = "") const {
    return has(Severity::Error, fragment, element);
  }
  bool has_warning(const std::string& fragment, const std::string& element = "") const {
    return has(Severity::Warning, fragment, element);
  }
  std::size_t errors() const {
    std::size_t n = 0;
    for (const auto& d : all) n += d.severity == Severity::Error;
    return n;
  }
  std::string dump() const {
    std::string out;
    for (const auto& d : all) out += d.to_string() + "\n";
    return out;
  }
};

inline Read read_xml(const std::string& xml, std::size_t max_bytes = 16u << 20) {
  Read r;
  r.result = parse::read_bpmn("test.bpmn", xml, max_bytes);
  r.all = r.result.diagnostics;
  if (r.result.definitions) {
    auto more = parse::validate(*r.result.definitions);
    r.all.insert(r.all.end(), more.begin(), more.end());
  }
  return r;
}

// An executable process with the given flow elements.
inline Read read_process(const std::string& elements) {
  return read_xml(bpmn("<process id=\"p\" isExecutable=\"true\">\n" + elements + "\n</process>"));
}

}  // namespace elva::test
