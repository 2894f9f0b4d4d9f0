// {{...}} templates (templates.hpp).
#include "common/templates.hpp"

namespace elva::templates {

std::optional<std::string> fill(
    const std::string& text,
    const std::function<std::optional<std::string>(std::string_view expression)>& value) {
  std::string out;
  std::size_t from = 0;
  for (std::size_t open; (open = text.find("{{", from)) != std::string::npos;) {
    const std::size_t close = text.find("}}", open + 2);
    if (close == std::string::npos) break;
    out.append(text, from, open - from);
    auto v = value(std::string_view(text).substr(open + 2, close - open - 2));
    if (!v) return std::nullopt;
    out += *v;
    from = close + 2;
  }
  out.append(text, from, std::string::npos);
  return out;
}

}  // namespace elva::templates
