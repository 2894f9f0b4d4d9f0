// Terminal output helpers shared by the verbs.
#pragma once

#include <string>

namespace elva::cli {

// True when stdout is a terminal and NO_COLOR is unset.
bool use_color();
std::string bold(const std::string& text);
std::string red(const std::string& text);
std::string yellow(const std::string& text);
std::string green(const std::string& text);

}  // namespace elva::cli
