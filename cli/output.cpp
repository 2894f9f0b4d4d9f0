// ANSI colouring, only for terminals (https://no-color.org).
#include "output.hpp"

#include <unistd.h>

#include <cstdlib>

namespace elva::cli {
namespace {
std::string wrap(const char* code, const std::string& text) {
  return use_color() ? std::string("\033[") + code + "m" + text + "\033[0m" : text;
}
}  // namespace

bool use_color() {
  static const bool color = isatty(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr;
  return color;
}
std::string bold(const std::string& text) { return wrap("1", text); }
std::string red(const std::string& text) { return wrap("31", text); }
std::string yellow(const std::string& text) { return wrap("33", text); }
std::string green(const std::string& text) { return wrap("32", text); }

}  // namespace elva::cli
