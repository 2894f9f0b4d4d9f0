// The runtime's ScriptService (runtime/env.hpp) for every unit: JavaScript in elva::script's
// sandbox, with its default limits (1,000 ms, 32 MiB per script; docs/security.md#limits).
#pragma once

#include "runtime/env.hpp"

namespace elva::exec {

const runtime::ScriptService& script_service();

}  // namespace elva::exec
