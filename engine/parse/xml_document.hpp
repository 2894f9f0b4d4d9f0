// XmlDocument: a file read into pugixml with the guards a server needs (size limit, no DOCTYPE,
// bounded nesting, text only), positions as line:col, and namespace resolution by URI.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "elva/diagnostic.hpp"
#include "elva/result.hpp"

namespace elva::parse {

inline constexpr std::size_t kMaxNestingDepth = 512;

// Maps byte offsets to 1-based line and column (columns count UTF-8 characters).
class LineIndex {
 public:
  explicit LineIndex(std::string text);
  SourcePos at(std::size_t offset) const;
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::vector<std::uint32_t> line_starts_;
  // The previous answer of at() (not thread-safe: a document is read by one thread).
  mutable std::size_t last_line_ = 0, last_offset_ = 0;
  mutable std::uint32_t last_col_ = 1;
};

class XmlDocument {
 public:
  // Parses `bytes` as the contents of `file`. Errors (ParseError) carry "line"/"col" context and
  // a message a process developer can act on.
  static Result<XmlDocument> parse(std::string file, std::string bytes, std::size_t max_bytes);

  const pugi::xml_document& doc() const { return *doc_; }
  const std::string& file() const { return file_; }
  SourcePos pos(pugi::xml_node node) const;

 private:
  XmlDocument() = default;
  std::string file_;
  std::unique_ptr<pugi::xml_document> doc_;
  std::unique_ptr<LineIndex> lines_;
};

// A qualified name resolved through the in-scope xmlns declarations.
struct QName {
  std::string_view uri;  // empty: no namespace
  std::string_view local;
};

// The stack of in-scope namespace bindings during a walk. Push a node before looking at its
// name or attributes, pop when leaving it (NsScope does both).
class NsContext {
 public:
  std::size_t push(pugi::xml_node node);
  void pop(std::size_t mark) { bindings_.resize(mark); }
  QName element_name(pugi::xml_node node) const;
  // Unprefixed attributes are in no namespace (XML Namespaces §6.3), never the default one.
  QName attribute_name(pugi::xml_attribute attr) const;
  std::string_view resolve(std::string_view prefix) const;
  // Every URI bound anywhere so far (for reporting vendor namespaces).
  const std::vector<std::string_view>& seen_uris() const { return seen_; }

 private:
  std::vector<std::pair<std::string_view, std::string_view>> bindings_;
  std::vector<std::string_view> seen_;
};

class NsScope {
 public:
  NsScope(NsContext& ctx, pugi::xml_node node) : ctx_(ctx), mark_(ctx.push(node)) {}
  ~NsScope() { ctx_.pop(mark_); }
  NsScope(const NsScope&) = delete;
  NsScope& operator=(const NsScope&) = delete;

 private:
  NsContext& ctx_;
  std::size_t mark_;
};

// "tns:Message_1" -> "Message_1": BPMN QName references are matched by local id.
std::string_view strip_prefix(std::string_view qname);
std::string trim(std::string_view text);

}  // namespace elva::parse
