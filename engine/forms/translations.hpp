// Translations of process content (docs/forms.md#translations): one JSON file per language
// next to the processes (processes/i18n/sv.json), deployed with them, by process and element id
// and by form and form component id:
//   {"processes": {"deviation": {"name": "...", "documentation": "...",
//                                "elements": {"investigate": {"name": "...", "documentation":
//                                "..."}}, "summary": {"What happened": "..."}}},
//    "forms": {"report-deviation": {"f_category": {"label": "...", "description": "...",
//                                                   "text": "...", "values": {"quality": "..."}}}}}
// Whatever a file does not translate stays as the process or form says it.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "elva/result.hpp"

namespace elva::forms {

// Deployed translation files live among the forms under this id prefix ("elva-i18n:sv").
inline constexpr std::string_view kTranslationPrefix = "elva-i18n:";

// The language of a translation file's path ("processes/i18n/sv.json" -> "sv",
// ".../i18n/nb.json" -> "nb"; a tag such as "se" or "en-GB" too), else "".
std::string translation_language(std::string_view path);

// Reads and checks a translation file: an object with "processes" and/or "forms" of the shape
// above, strings only. Errors (InvalidArgument) name the key path that is wrong.
Result<nlohmann::json> read_translations(std::string_view text);

// The language a user reads in: the first two letters of a locale or Accept-Language value
// ("sv-SE" -> "sv"; Norwegian "no", "nn" and "nb" -> "nb"); "" for none.
std::string language_of(std::string_view locale);

// Lookups in a read translation document (null or empty: nothing is translated). Each returns
// `fallback` when the document has no text for it.
std::string translated_process(const nlohmann::json& tr, const std::string& process,
                               const char* field, const std::string& fallback);
std::string translated_element(const nlohmann::json& tr, const std::string& process,
                               const std::string& element, const char* field,
                               const std::string& fallback);
// A translated text's {{...}} (FEEL) filled from an instance's variables, as the engine fills
// the original when it makes a task; nullopt when one of them has no value there.
std::optional<std::string> fill_translation(const std::string& text,
                                            const nlohmann::json& variables);
std::string translated_summary_label(const nlohmann::json& tr, const std::string& process,
                                     const std::string& label);
// A form-js schema with its components' label, description, text and options translated.
nlohmann::json translated_form(const nlohmann::json& tr, const std::string& form_id,
                               nlohmann::json schema);

}  // namespace elva::forms
