// The child side of the JavaScript sandbox (javascript.cpp forks, this interprets). Internal to
// elva::script.
//
// The answer written to the pipe is one letter and its data:
//   V {"value": ..., "set": {...}}            the script ran ("value" absent: undefined)
//   E {"name", "message", "line", "internal"}  the script failed (internal: Duktape's own error,
//                                              whose message may quote values)
//   X reason                                   the completion value cannot be stored
//   M                                          the memory limit was reached
//   I text                                     the interpreter could not run at all
#pragma once

#include <cstddef>
#include <string>

namespace elva::script::detail {

// Runs in the forked child only: interprets `source` over `input` (JSON text: {"variables":
// {...}, "execution": {...}}) within `memory_bytes`, writes the answer to `out_fd`, and
// _exit()s; never returns, never runs destructors or atexit handlers.
[[noreturn]] void interpret_and_exit(int out_fd, const std::string& source,
                                     const std::string& input, std::size_t memory_bytes);

}  // namespace elva::script::detail
