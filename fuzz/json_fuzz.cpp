// libFuzzer entry: any bytes as a JSON body through parse_json (small limits), then into FEEL
// values and back. Bytes with a NUL are a form (before it) and a submission (after it) through
// read_form_text and check_submission, as POST /api/tasks/{id}/complete runs them.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>

#include "elva/json_limits.hpp"
#include "expr/value.hpp"
#include "forms/forms.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  elva::JsonLimits limits;
  limits.max_bytes = 1u << 20;
  limits.max_string_bytes = 4096;
  limits.max_values = 20'000;
  const auto nul = text.find('\0');
  if (nul == std::string_view::npos) {
    auto j = elva::parse_json(text, limits, "the body");
    if (!j) {
      (void)j.error().message.size();
      return 0;
    }
    (void)j->dump();
    const auto v = elva::expr::Value::from_json(*j);
    (void)v.to_json().dump();
    return 0;
  }
  auto form = elva::forms::read_form_text(text.substr(0, nul));
  auto submitted = elva::parse_json(text.substr(nul + 1), limits, "the body");
  if (!form || !submitted) return 0;
  nlohmann::json variables;
  auto errors = elva::forms::check_submission(*form, *submitted, variables);
  for (const auto& e : errors)
    (void)nlohmann::json{{"field", e.key}, {"message", e.message}}.dump();
  (void)variables.dump();
  return 0;
}
