// Built only by the test meta.module_boundaries_hold: a connector-like file that reaches for a
// runtime header. It must not compile, because only engine/include travels to what links the
// engine (docs/architecture.md#modules).
#include "elva/connector.hpp"
#include "runtime/step.hpp"

int main() { return 0; }
