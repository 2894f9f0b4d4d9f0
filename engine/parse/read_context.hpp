// ReadContext: what the reader's pieces (reader.cpp, extensions.cpp) share while walking a file.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "elva/diagnostic.hpp"
#include "parse/xml_document.hpp"

namespace elva::parse {

// Collects diagnostics for one file.
class DiagnosticSink {
 public:
  explicit DiagnosticSink(std::string file) : file_(std::move(file)) {}
  void report(Severity severity, SourcePos pos, std::string_view element_id,
              std::string_view element_type, std::string message);
  void error(SourcePos pos, std::string_view id, std::string_view type, std::string message) {
    report(Severity::Error, pos, id, type, std::move(message));
  }
  void warning(SourcePos pos, std::string_view id, std::string_view type, std::string message) {
    report(Severity::Warning, pos, id, type, std::move(message));
  }
  const std::string& file() const { return file_; }
  std::vector<Diagnostic>& diagnostics() { return out_; }

 private:
  std::string file_;
  std::vector<Diagnostic> out_;
};

// What a namespace no dialect of Elva's covers carried in executable processes (a vendor's or a
// municipality's own extensions): reported once per namespace, with what was ignored.
struct VendorUse {
  SourcePos first;
  std::string element_id, element_type;
  std::vector<std::string> carried;  // "kommun:sla on 'route'"
};

// True for namespaces that only carry modelling data (diagrams, colours, schema types).
bool is_modelling_namespace(std::string_view uri);

struct ReadContext {
  const XmlDocument& xml;
  NsContext ns;
  DiagnosticSink& sink;
  bool executable = false;  // inside an executable process: unsupported things are errors
  std::map<std::string, VendorUse> vendor{};  // by namespace URI
  std::vector<Diagnostic> conversions{};      // model::Definitions::conversions

  void converted(SourcePos at, std::string_view id, std::string_view type, std::string msg) {
    conversions.push_back(Diagnostic{Severity::Warning, sink.file(), at, std::string(id),
                                     std::string(type), std::move(msg)});
  }

  SourcePos pos(pugi::xml_node node) const { return xml.pos(node); }
  // Something Elva cannot run: an error in an executable process, a warning elsewhere.
  void unsupported(SourcePos pos, std::string_view id, std::string_view type, std::string msg) {
    sink.report(executable ? Severity::Error : Severity::Warning, pos, id, type, std::move(msg));
  }
};

// Text content of a node (all PCDATA/CDATA children), trimmed.
std::string text_of(pugi::xml_node node);

}  // namespace elva::parse
