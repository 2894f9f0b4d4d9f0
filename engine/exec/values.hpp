// The one check of values entering the command pipeline from outside (the API, the CLI, workers,
// connectors): texts and JSON that the store could not keep or that would be read as something
// else. Today: no NUL character anywhere (PostgreSQL cannot store one in text or JSONB, and
// libpq would cut a parameter short at it). Errors: InvalidArgument with a "field.<name>"
// context entry naming where (never the value).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "elva/result.hpp"
#include "runtime/commands.hpp"

namespace elva::exec {

Result<void> check_text(const std::string& field, const std::string& text);
Result<void> check_json(const std::string& field, const nlohmann::json& value);
// Every text and JSON value a command carries (but messages, see scrubbed).
Result<void> check_values(const runtime::Command& command);
// A failure's message is text for people: a NUL in it becomes '?' rather than a refusal (a
// connector's error must never be lost for the way it is written).
runtime::Command scrubbed(runtime::Command command);

}  // namespace elva::exec
