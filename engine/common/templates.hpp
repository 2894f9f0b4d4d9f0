// {{...}} templates in texts (task names, form texts, mail bodies, translations): one scanner for
// everyone who fills them, each with its own way of finding a value.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace elva::templates {

// `text` with each {{expression}} replaced by value(expression); nullopt as soon as one has no
// value. An unclosed "{{" and what follows stay as written.
std::optional<std::string> fill(
    const std::string& text,
    const std::function<std::optional<std::string>(std::string_view expression)>& value);

}  // namespace elva::templates
