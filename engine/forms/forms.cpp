// Forms (forms.hpp): form-js JSON read, and submissions checked against it.
#include "forms/forms.hpp"

#include <cmath>
#include <regex>
#include <set>

#include "common/iso8601.hpp"

namespace elva::forms {
namespace {

using nlohmann::json;

const std::set<std::string>& input_types() {
  static const std::set<std::string> types = {"textfield", "textarea", "number", "datetime", "select",
                                              "radio", "checkbox", "checklist", "taglist", "expression"};
  return types;
}

const std::set<std::string>& display_types() {
  static const std::set<std::string> types = {"text", "html", "spacer", "separator", "image", "button", "iframe", "table", "documentPreview"};
  return types;
}

std::string describe(std::size_t index, const json& c) {
  std::string out = "component " + std::to_string(index + 1);
  const std::string type = c.value("type", "");
  const std::string key = c.value("key", c.value("id", ""));
  if (!type.empty()) out += " (" + type + (key.empty() ? "" : " '" + key + "'") + ")";
  return out;
}

Result<void> read_components(const json& components, Form& form, std::size_t& index);

Result<void> read_component(const json& c, Form& form, std::size_t index) {
  const std::string where = describe(index, c);
  if (!c.is_object()) return fail(Errc::InvalidArgument, where + ": must be an object");
  const std::string type = c.value("type", "");
  if (type == "group" || type == "dynamiclist") {
    if (type == "dynamiclist") return fail(Errc::InvalidArgument, where + ": dynamic lists are not supported by Elva's forms yet");
    return {};
  }
  if (display_types().count(type)) return {};
  if (!input_types().count(type)) {
    return fail(Errc::InvalidArgument, where + ": the component type '" + type + "' is not supported (supported: textfield, textarea, "
                                       "number, datetime, select, radio, checkbox, checklist, taglist, text, group)");
  }
  if (type == "expression") return {};  // computed in the browser; never taken from a submission
  Field f;
  f.type = type;
  f.key = c.value("key", "");
  if (f.key.empty()) return fail(Errc::InvalidArgument, where + ": an input field needs a key (the variable it sets)");
  f.label = c.value("label", f.key);
  if (type == "datetime") {
    f.subtype = c.value("subtype", "date");
    if (f.subtype != "date" && f.subtype != "time" && f.subtype != "datetime") {
      return fail(Errc::InvalidArgument, where + ": subtype must be date, time or datetime");
    }
    if (f.label == f.key) f.label = c.value(f.subtype == "time" ? "timeLabel" : "dateLabel", f.key);
  }
  f.readonly = c.value("readonly", false) == true || c.value("disabled", false) == true;
  if (c.contains("validate")) {
    const json& v = c["validate"];
    if (!v.is_object()) return fail(Errc::InvalidArgument, where + ": validate must be an object");
    if (v.contains("required")) {
      if (!v["required"].is_boolean()) return fail(Errc::InvalidArgument, where + ": validate.required must be true or false");
      f.required = v["required"].get<bool>();
    }
    for (const char* name : {"min", "max"}) {
      if (!v.contains(name) || v[name].is_null()) continue;
      if (!v[name].is_number()) return fail(Errc::InvalidArgument, where + ": validate." + name + " must be a number");
      (std::string(name) == "min" ? f.min : f.max) = v[name].get<double>();
    }
    for (const char* name : {"minLength", "maxLength"}) {
      if (!v.contains(name) || v[name].is_null()) continue;
      if (!v[name].is_number_unsigned()) return fail(Errc::InvalidArgument, where + ": validate." + name + " must be a whole number");
      (std::string(name) == "minLength" ? f.min_length : f.max_length) = v[name].get<std::size_t>();
    }
    if (v.contains("pattern") && !v["pattern"].is_null()) {
      if (!v["pattern"].is_string()) return fail(Errc::InvalidArgument, where + ": validate.pattern must be a text");
      f.pattern = v["pattern"].get<std::string>();
      try {
        std::regex check(f.pattern, std::regex::ECMAScript);
      } catch (const std::regex_error&) {
        return fail(Errc::InvalidArgument, where + ": validate.pattern '" + f.pattern + "' is not a valid regular expression");
      }
    }
    f.validation_type = v.value("validationType", "");
    if (!f.validation_type.empty() && f.validation_type != "email" && f.validation_type != "phone") {
      return fail(Errc::InvalidArgument, where + ": validate.validationType must be email or phone");
    }
  }
  if (type == "select" || type == "radio" || type == "checklist" || type == "taglist") {
    if (c.contains("values") && c["values"].is_array()) {
      for (const auto& o : c["values"]) {
        if (!o.is_object() || !o.contains("value")) return fail(Errc::InvalidArgument, where + ": each of values needs a value");
        f.options.push_back({o.value("label", o["value"].dump()), o["value"]});
      }
    } else if (c.contains("valuesKey") || c.contains("valuesExpression")) {
      f.has_dynamic_options = true;
    } else {
      return fail(Errc::InvalidArgument, where + ": a " + type + " needs values (or valuesKey)");
    }
  }
  form.fields.push_back(std::move(f));
  return {};
}

Result<void> read_components(const json& components, Form& form, std::size_t& index) {
  if (!components.is_array()) return fail(Errc::InvalidArgument, "components must be a list");
  for (const auto& c : components) {
    const std::size_t mine = index++;
    if (auto r = read_component(c, form, mine); !r) return r;
    if (c.is_object() && c.value("type", "") == "group" && c.contains("components")) {
      if (auto r = read_components(c["components"], form, index); !r) return r;
    }
  }
  return {};
}

bool matches_option(const Field& f, const json& value) {
  if (f.has_dynamic_options) return value.is_string() || value.is_number() || value.is_boolean();
  for (const auto& o : f.options) {
    if (o.value == value) return true;
  }
  return false;
}

std::string number_text(double d) {
  if (std::floor(d) == d && std::fabs(d) < 1e15) return std::to_string(static_cast<long long>(d));
  json j = d;
  return j.dump();
}

bool valid_date(const std::string& s) {
  static const std::regex date(R"(\d{4}-\d{2}-\d{2})");
  if (!std::regex_match(s, date)) return false;
  return iso8601::parse_date_time(s + "T00:00:00Z").has_value();
}

bool valid_time(const std::string& s) {
  static const std::regex time(R"(([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?(Z|[+-]\d{2}:\d{2})?)");
  return std::regex_match(s, time);
}

// One value against its field; "" when fine.
std::string check_value(const Field& f, const json& v) {
  const std::string& label = f.label;
  if (f.type == "textfield" || f.type == "textarea") {
    if (!v.is_string()) return label + " must be text";
    const auto& s = v.get_ref<const std::string&>();
    // Lengths count characters (UTF-8 code points), as a person sees them.
    std::size_t chars = 0;
    for (unsigned char ch : s) chars += (ch & 0xC0) != 0x80;
    if (f.min_length && chars < *f.min_length) return label + " must have at least " + std::to_string(*f.min_length) + " characters";
    if (f.max_length && chars > *f.max_length) return label + " must have at most " + std::to_string(*f.max_length) + " characters";
    if (!f.pattern.empty() && !s.empty() && !std::regex_search(s, std::regex(f.pattern, std::regex::ECMAScript))) {
      return label + " does not have the expected format (" + f.pattern + ")";
    }
    if (f.validation_type == "email" && !s.empty() &&
        !std::regex_match(s, std::regex(R"([^\s@]+@[^\s@]+\.[^\s@]+)"))) {
      return label + " must be an e-mail address";
    }
    if (f.validation_type == "phone" && !s.empty() && !std::regex_match(s, std::regex(R"(\+?[0-9 ()-]{5,20})"))) {
      return label + " must be a phone number";
    }
    return "";
  }
  if (f.type == "number") {
    double d = 0;
    if (v.is_number()) {
      d = v.get<double>();
    } else {
      return label + " must be a number";
    }
    if (f.min && d < *f.min) return label + " must be at least " + number_text(*f.min);
    if (f.max && d > *f.max) return label + " must be at most " + number_text(*f.max);
    return "";
  }
  if (f.type == "checkbox") return v.is_boolean() ? "" : label + " must be true or false";
  if (f.type == "datetime") {
    if (!v.is_string()) return label + " must be a " + f.subtype + " as text";
    const auto& s = v.get_ref<const std::string&>();
    if (f.subtype == "date" && !valid_date(s)) return label + " must be a date (YYYY-MM-DD)";
    if (f.subtype == "time" && !valid_time(s)) return label + " must be a time (HH:MM)";
    if (f.subtype == "datetime" && !iso8601::parse_date_time(s)) return label + " must be a date and time (YYYY-MM-DDTHH:MM)";
    return "";
  }
  if (f.type == "select" || f.type == "radio") {
    return matches_option(f, v) ? "" : label + " must be one of the offered choices";
  }
  if (f.type == "checklist" || f.type == "taglist") {
    if (!v.is_array()) return label + " must be a list of choices";
    for (const auto& item : v) {
      if (!matches_option(f, item)) return label + " must hold only offered choices";
    }
    if (f.required && v.empty()) return label + " is required";
    return "";
  }
  return "";
}

bool empty_value(const json& v) {
  return v.is_null() || (v.is_string() && v.get_ref<const std::string&>().empty());
}

}  // namespace

Result<Form> read_form(const json& schema) {
  if (!schema.is_object()) return fail(Errc::InvalidArgument, "a form must be a JSON object (a Camunda Forms / form-js document)");
  if (!schema.contains("components")) return fail(Errc::InvalidArgument, "a form needs components (a Camunda Forms / form-js document)");
  Form form;
  form.id = schema.value("id", "");
  form.schema = schema;
  std::size_t index = 0;
  if (auto r = read_components(schema["components"], form, index); !r) return fail(r.error());
  std::set<std::string> keys;
  for (const auto& f : form.fields) {
    if (!keys.insert(f.key).second) return fail(Errc::InvalidArgument, "two fields set the same key '" + f.key + "'");
  }
  return form;
}

std::vector<FieldError> check_submission(const Form& form, const json& data, json& variables) {
  std::vector<FieldError> errors;
  variables = json::object();
  if (!data.is_object()) {
    errors.push_back({"", "the form data must be a JSON object of field keys and values"});
    return errors;
  }
  std::set<std::string> known;
  for (const auto& f : form.fields) known.insert(f.key);
  for (const auto& [key, value] : data.items()) {
    if (!known.count(key)) errors.push_back({key, "'" + key + "' is not a field of this form"});
  }
  for (const auto& f : form.fields) {
    if (f.readonly) continue;
    auto it = data.find(f.key);
    if (it == data.end() || empty_value(*it)) {
      if (f.required) errors.push_back({f.key, f.label + " is required"});
      else if (it != data.end()) variables[f.key] = nullptr;
      continue;
    }
    if (auto message = check_value(f, *it); !message.empty()) {
      errors.push_back({f.key, message});
      continue;
    }
    variables[f.key] = *it;
  }
  return errors;
}

}  // namespace elva::forms
