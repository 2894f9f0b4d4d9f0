// Settings: one connector's section of elva.toml as JSON, secrets already read from their
// environment variable or file (connectors.cpp), plus helpers that read typed values with errors
// that name the setting.
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "elva/base64.hpp"  // Basic credentials, AUTH PLAIN, mail bodies
#include "elva/result.hpp"

namespace elva::connectors {

struct Settings {
  std::string name;       // the connector instance: [connectors.<name>]
  nlohmann::json values;  // secrets resolved
  nlohmann::json shown;   // secrets replaced by where they come from ("env:ELVA_HR_TOKEN")
  std::string where;      // "elva.toml [connectors.hr]", for messages

  std::string text(const std::string& key, const std::string& fallback = "") const;
  std::int64_t integer(const std::string& key, std::int64_t fallback) const;
  bool flag(const std::string& key, bool fallback) const;
  // "10s", "500ms", "2m", "PT10S" or a number of seconds. Errors: InvalidArgument.
  Result<std::chrono::milliseconds> duration(const std::string& key,
                                             std::chrono::milliseconds fallback) const;
  Error error(const std::string& message) const;  // InvalidArgument: "<where>: <message>"
};

// Calls in flight at once for a non-blocking connector: `max_in_flight`, 1..10000, default 128
// (a peer answering in 1 s still serves more than 100 calls a second).
inline constexpr std::int64_t kMaxInFlight = 128;
Result<int> max_in_flight(const Settings& settings);

// The text of a JSON value for messages: strings unquoted, the rest dumped, cut at `max` chars.
std::string excerpt(const std::string& text, std::size_t max = 200);

}  // namespace elva::connectors
