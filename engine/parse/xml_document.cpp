// XmlDocument: guarded parsing and source positions; NsContext: xmlns resolution.
#include "parse/xml_document.hpp"

#include <algorithm>
#include <cctype>
#include <memory>

namespace elva::parse {

LineIndex::LineIndex(std::string text) : text_(std::move(text)) {
  line_starts_.push_back(0);
  for (std::size_t i = 0; i < text_.size(); ++i) {
    if (text_[i] == '\n') line_starts_.push_back(static_cast<std::uint32_t>(i + 1));
  }
}

SourcePos LineIndex::at(std::size_t offset) const {
  offset = std::min(offset, text_.size());
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  const std::size_t line = static_cast<std::size_t>(it - line_starts_.begin());
  const std::size_t start = line_starts_[line - 1];
  // Readers ask in document order: on the same line, count on from the previous answer, so that a
  // file written on one line is not read in quadratic time.
  std::size_t from = start;
  std::uint32_t col = 1;
  if (last_line_ == line && last_offset_ >= start && last_offset_ <= offset) {
    from = last_offset_;
    col = last_col_;
  }
  for (std::size_t i = from; i < offset; ++i) {
    // Count characters, not bytes: skip UTF-8 continuation bytes.
    if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) ++col;
  }
  last_line_ = line;
  last_offset_ = offset;
  last_col_ = col;
  return SourcePos{static_cast<std::uint32_t>(line), col};
}

namespace {

Failure parse_failure(const std::string& file, SourcePos pos, std::string message) {
  Error err{Errc::ParseError, std::move(message), {}};
  err.with("file", file);
  if (pos.line > 0) {
    err.with("line", std::to_string(pos.line)).with("col", std::to_string(pos.col));
  }
  return fail(std::move(err));
}

bool looks_binary(std::string_view bytes) {
  // UTF-16/32 files have NULs too; say so rather than "binary".
  return bytes.find('\0') != std::string_view::npos;
}

// Depth of the element tree, computed without recursion so that a hostile file cannot
// overflow the stack before we get to refuse it.
std::pair<std::size_t, pugi::xml_node> max_depth(const pugi::xml_document& doc) {
  std::size_t depth = 0, deepest = 0;
  pugi::xml_node deepest_node;
  pugi::xml_node node = doc.first_child();
  while (node) {
    if (node.type() == pugi::node_element && depth + 1 > deepest) {
      deepest = depth + 1;
      deepest_node = node;
    }
    if (node.first_child()) {
      node = node.first_child();
      ++depth;
      continue;
    }
    while (node && !node.next_sibling()) {
      node = node.parent();
      if (node == doc) return {deepest, deepest_node};
      --depth;
    }
    if (node) node = node.next_sibling();
  }
  return {deepest, deepest_node};
}

// Offset of the first byte that is not part of a well-formed UTF-8 sequence, or npos.
std::size_t invalid_utf8_at(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80           ? 1
                      : (c >> 5) == 0x6  ? 2
                      : (c >> 4) == 0xE  ? 3
                      : (c >> 3) == 0x1E ? 4
                                         : 0;
    if (len == 0 || (len == 2 && c < 0xC2) || i + len > s.size()) return i;
    for (std::size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return i;
    }
    const auto c1 = static_cast<unsigned char>(s[i + 1 < s.size() ? i + 1 : i]);
    if ((len == 3 && c == 0xE0 && c1 < 0xA0) || (len == 3 && c == 0xED && c1 >= 0xA0) ||
        (len == 4 && c == 0xF0 && c1 < 0x90) || (len == 4 && c == 0xF4 && c1 >= 0x90) ||
        (len == 4 && c > 0xF4)) {
      return i;  // overlong, surrogate or beyond U+10FFFF
    }
    i += len;
  }
  return std::string_view::npos;
}

// True when the XML declaration names a Latin-1 family encoding (old tools still write it).
bool declares_latin1(std::string_view s) {
  if (s.substr(0, 5) != "<?xml") return false;
  std::string decl(s.substr(0, s.find("?>")));
  for (auto& ch : decl) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return decl.find("iso-8859-1") != std::string::npos || decl.find("latin1") != std::string::npos ||
         decl.find("windows-1252") != std::string::npos;
}

std::string latin1_to_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x80) {
      out += ch;
    } else {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

}  // namespace

Result<XmlDocument> XmlDocument::parse(std::string file, std::string bytes, std::size_t max_bytes) {
  if (bytes.size() > max_bytes) {
    return parse_failure(file, {},
                         "file is " + std::to_string(bytes.size()) + " bytes, over the limit of " +
                             std::to_string(max_bytes) + " bytes for a process file");
  }
  if (bytes.find_first_not_of(" \t\r\n") == std::string::npos) {
    return parse_failure(file, {}, "file is empty: expected a BPMN 2.0 XML document");
  }
  const bool utf16 = bytes.size() >= 2 && ((bytes[0] == '\xFF' && bytes[1] == '\xFE') ||
                                           (bytes[0] == '\xFE' && bytes[1] == '\xFF'));
  if (utf16) {
    return parse_failure(file, {}, "file is UTF-16 encoded; save it as UTF-8");
  }
  if (looks_binary(bytes)) {
    return parse_failure(file, {}, "file contains NUL bytes: it is binary, not a BPMN XML file");
  }

  if (auto bad = invalid_utf8_at(bytes); bad != std::string::npos) {
    if (!declares_latin1(bytes)) {
      return parse_failure(file, LineIndex(bytes).at(bad),
                           "file is not valid UTF-8 here, and its XML declaration names no other "
                           "encoding; save it as UTF-8");
    }
    bytes = latin1_to_utf8(bytes);  // lines stay the same; pugixml then reads UTF-8
  }

  XmlDocument out;
  out.file_ = std::move(file);
  out.lines_ = std::make_unique<LineIndex>(std::move(bytes));
  out.doc_ = std::make_unique<pugi::xml_document>();
  const std::string& text = out.lines_->text();
  // parse_doctype keeps the DOCTYPE as a node so that we can refuse it. pugixml never expands
  // custom entities, but a BPMN file has no business declaring any.
  const unsigned flags = pugi::parse_default | pugi::parse_doctype;
  auto res = out.doc_->load_buffer(text.data(), text.size(), flags, pugi::encoding_utf8);
  if (res.status == pugi::status_no_document_element) {
    return parse_failure(out.file_, {}, "not an XML document: no root element found");
  }
  if (!res) {
    return parse_failure(out.file_, out.lines_->at(static_cast<std::size_t>(res.offset)),
                         std::string("malformed XML: ") + res.description());
  }
  for (auto node : out.doc_->children()) {
    if (node.type() == pugi::node_doctype) {
      return parse_failure(out.file_, out.pos(node),
                           "DOCTYPE declarations are not allowed in BPMN files (they can declare "
                           "entities that expand without bound); remove the <!DOCTYPE ...> line");
    }
  }
  auto [depth, deepest] = max_depth(*out.doc_);
  if (depth > kMaxNestingDepth) {
    return parse_failure(out.file_, out.pos(deepest),
                         "XML elements are nested " + std::to_string(depth) +
                             " levels deep; Elva reads at most " +
                             std::to_string(kMaxNestingDepth));
  }
  if (!out.doc_->document_element()) {
    return parse_failure(out.file_, {}, "no root element: expected <definitions>");
  }
  return out;
}

SourcePos XmlDocument::pos(pugi::xml_node node) const {
  const std::ptrdiff_t offset = node.offset_debug();
  if (offset < 0) return {};
  // offset_debug points at the name; report the '<' before it, where editors put the element.
  return lines_->at(offset > 0 ? static_cast<std::size_t>(offset - 1) : 0);
}

std::size_t NsContext::push(pugi::xml_node node) {
  const std::size_t mark = bindings_.size();
  for (auto attr : node.attributes()) {
    std::string_view name = attr.name();
    if (name == "xmlns") {
      bindings_.emplace_back(std::string_view{}, attr.value());
    } else if (name.substr(0, 6) == "xmlns:") {
      bindings_.emplace_back(name.substr(6), attr.value());
    } else {
      continue;
    }
    std::string_view uri = bindings_.back().second;
    if (std::find(seen_.begin(), seen_.end(), uri) == seen_.end()) seen_.push_back(uri);
  }
  return mark;
}

std::string_view NsContext::resolve(std::string_view prefix) const {
  if (prefix == "xml") return "http://www.w3.org/XML/1998/namespace";
  for (auto it = bindings_.rbegin(); it != bindings_.rend(); ++it) {
    if (it->first == prefix) return it->second;
  }
  return {};
}

QName NsContext::element_name(pugi::xml_node node) const {
  std::string_view name = node.name();
  auto colon = name.find(':');
  if (colon == std::string_view::npos) return {resolve({}), name};
  return {resolve(name.substr(0, colon)), name.substr(colon + 1)};
}

QName NsContext::attribute_name(pugi::xml_attribute attr) const {
  std::string_view name = attr.name();
  auto colon = name.find(':');
  if (colon == std::string_view::npos) return {{}, name};
  return {resolve(name.substr(0, colon)), name.substr(colon + 1)};
}

std::string_view strip_prefix(std::string_view qname) {
  auto colon = qname.find(':');
  return colon == std::string_view::npos ? qname : qname.substr(colon + 1);
}

std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

}  // namespace elva::parse
