// JSON from outside (request bodies, --vars, form files) parsed under limits: size, nesting
// depth, length of each text, number of values. The one way Elva reads JSON it did not write
// itself (docs/security.md#limits-on-hostile-data).
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string_view>

#include "elva/result.hpp"

namespace elva {

struct JsonLimits {
  std::size_t max_bytes = 16u << 20;        // the whole text
  std::size_t max_depth = 64;               // arrays and objects inside each other
  std::size_t max_string_bytes = 1u << 20;  // each text (and each key), as written (escapes count)
  std::size_t max_values = 1'000'000;       // values of any kind, containers included
  bool comments = false;                    // allow // and /* */ comments (files people write)
};

// Parses `text` as one JSON value. Never throws, whatever the text; the nesting is checked while
// parsing (nlohmann's SAX parser is iterative), before any deep value exists.
// Errors (InvalidArgument) start with `what` ("the body", "--vars") and name the limit that was
// hit or the byte where the text stops being JSON; they never quote the text. The context holds
// ("limit", "max_depth" | "max_bytes" | "max_string_bytes" | "max_values") when a limit was hit.
Result<nlohmann::json> parse_json(std::string_view text, const JsonLimits& limits = {},
                                  std::string_view what = "the JSON");

}  // namespace elva
