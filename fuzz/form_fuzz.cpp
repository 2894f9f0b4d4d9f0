// libFuzzer entry: any bytes as a form-js file through read_form_text; a form that reads is
// checked against submissions made from its own fields (each field given a text, a long text,
// a number, a boolean, a list and null), as deploy and task completion would.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "forms/forms.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto form = elva::forms::read_form_text(text);
  if (!form) {
    (void)form.error().message.size();
    return 0;
  }
  static const nlohmann::json samples[] = {"x",          std::string(2000, 'a') + "@b.c",
                                           "2024-02-29", "23:59",
                                           42,           -1e300,
                                           true,         nlohmann::json::array({"a", 1}),
                                           nullptr,      nlohmann::json::object()};
  for (const auto& sample : samples) {
    nlohmann::json submission = nlohmann::json::object();
    for (const auto& f : form->fields) submission[f.key] = sample;
    nlohmann::json variables;
    auto errors = elva::forms::check_submission(*form, submission, variables);
    for (const auto& e : errors)
      (void)nlohmann::json{{"field", e.key}, {"message", e.message}}.dump();
    (void)variables.dump();
  }
  (void)form->schema.dump();
  return 0;
}
