// Settings helpers (settings.hpp).
#include "support/settings.hpp"

#include <cctype>

namespace elva::connectors {

std::string Settings::text(const std::string& key, const std::string& fallback) const {
  auto it = values.find(key);
  if (it == values.end() || it->is_null()) return fallback;
  return it->is_string() ? it->get<std::string>() : it->dump();
}

std::int64_t Settings::integer(const std::string& key, std::int64_t fallback) const {
  auto it = values.find(key);
  return it != values.end() && it->is_number_integer() ? it->get<std::int64_t>() : fallback;
}

bool Settings::flag(const std::string& key, bool fallback) const {
  auto it = values.find(key);
  return it != values.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

Error Settings::error(const std::string& message) const {
  return Error{Errc::InvalidArgument, where + ": " + message, {}};
}

Result<int> max_in_flight(const Settings& settings) {
  auto it = settings.values.find("max_in_flight");
  if (it == settings.values.end()) return static_cast<int>(kMaxInFlight);
  if (!it->is_number_integer() || it->get<std::int64_t>() < 1 || it->get<std::int64_t>() > 10000)
    return fail(settings.error("max_in_flight must be a whole number from 1 to 10000"));
  return static_cast<int>(it->get<std::int64_t>());
}

Result<std::chrono::milliseconds> Settings::duration(const std::string& key,
                                                     std::chrono::milliseconds fallback) const {
  auto it = values.find(key);
  if (it == values.end()) return fallback;
  if (it->is_number())
    return std::chrono::milliseconds(static_cast<std::int64_t>(it->get<double>() * 1000));
  if (!it->is_string())
    return fail(error(key + " must be a duration such as \"10s\" or \"500ms\""));
  std::string s = it->get<std::string>();
  double factor = 1000;
  if (s.rfind("PT", 0) == 0 && s.size() > 3) {  // PT10S, PT2M
    const char unit = static_cast<char>(std::toupper(static_cast<unsigned char>(s.back())));
    factor = unit == 'S' ? 1000 : unit == 'M' ? 60'000 : unit == 'H' ? 3'600'000 : 0;
    s = s.substr(2, s.size() - 3);
  } else if (s.size() > 2 && s.compare(s.size() - 2, 2, "ms") == 0) {
    factor = 1;
    s.resize(s.size() - 2);
  } else if (!s.empty() && std::isalpha(static_cast<unsigned char>(s.back()))) {
    const char unit = s.back();
    factor = unit == 's' ? 1000 : unit == 'm' ? 60'000 : unit == 'h' ? 3'600'000 : 0;
    s.pop_back();
  }
  char* end = nullptr;
  const double n = std::strtod(s.c_str(), &end);
  if (factor == 0 || s.empty() || *end != '\0' || n < 0) {
    return fail(error(key + " = \"" + it->get<std::string>() +
                      "\" is not a duration; write \"10s\", \"500ms\", \"2m\" or \"PT10S\""));
  }
  return std::chrono::milliseconds(static_cast<std::int64_t>(n * factor));
}

std::string excerpt(const std::string& text, std::size_t max) {
  std::string out;
  for (char c : text) {
    if (out.size() >= max) return out + "...";
    out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  }
  return out;
}

}  // namespace elva::connectors
