// Forms: the subset of the Camunda Forms (form-js) JSON schema that task forms use, so that
// forms drawn in Camunda Modeler work unchanged: textfield, textarea, number, datetime, select,
// radio, checkbox, checklist, taglist (input fields), text/html/spacer/separator (display only),
// group (nested fields); validation required, minLength/maxLength, min/max, pattern,
// validationType email/phone. Pure functions over JSON: the server checks what a person
// submitted before anything is applied. docs/forms.md describes the subset.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "elva/json_limits.hpp"
#include "elva/result.hpp"
#include "expr/regex.hpp"

namespace elva::forms {

struct Option {
  std::string label;
  nlohmann::json value;
};

struct Field {
  std::string type;  // form-js component type
  std::string key;   // the variable it sets
  std::string label;
  bool required = false;
  bool readonly = false;  // shown, never taken from a submission
  std::optional<double> min, max;
  std::optional<std::size_t> min_length, max_length;
  std::string pattern;  // ECMAScript regular expression; the value must contain a match
  std::shared_ptr<const expr::Regex>
      pattern_regex;                 // `pattern` compiled (RE2: linear in the value)
  std::string validation_type;       // "email", "phone", or ""
  std::string subtype;               // datetime: "date", "time", "datetime"
  std::vector<Option> options;       // select, radio, checklist, taglist with static values
  bool has_dynamic_options = false;  // valuesKey / valuesExpression: values checked by type only
};

struct Form {
  std::string id;
  std::vector<Field> fields;  // input fields, groups flattened
  nlohmann::json schema;      // as deployed, for the task list to render
};

// Reads a form-js document. Errors (InvalidArgument) name the component: "component 3
// (number 'amount'): validate.min must be a number". Never throws, whatever the JSON holds.
Result<Form> read_form(const nlohmann::json& schema);

// Form files (.form, .form.json, embedded forms) as text: parsed with parse_json under
// kFormJsonLimits, then read_form.
inline constexpr JsonLimits kFormJsonLimits{1u << 20, 64, 64u << 10, 100'000, false};
Result<Form> read_form_text(std::string_view text);

struct FieldError {
  std::string key;
  std::string message;  // for the person who filled the form: "Amount must be at most 100"
  // Which rule, for a page that says it in the user's language (docs/forms.md): required, text,
  // minLength, maxLength, pattern, email, phone, number, min, max, boolean, date, time,
  // datetime, choice, list, unknown; `limit` the rule's bound ("" none).
  std::string code = "", limit = "";
};

// Checks a submission: every key must be a field of the form (unknown fields are refused, so a
// typo never becomes a variable), values must have the field's type and pass its validation.
// Returns the errors (empty: fine). `variables` gets the values to complete the task with.
// Linear in the data (patterns and e-mail checks run in RE2); messages name fields by their
// label and never repeat a submitted value.
std::vector<FieldError> check_submission(const Form& form, const nlohmann::json& data,
                                         nlohmann::json& variables);

}  // namespace elva::forms
