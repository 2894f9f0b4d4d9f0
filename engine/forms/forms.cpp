// Forms (forms.hpp): form-js JSON read, and submissions checked against it. Every JSON access
// checks the type first (nlohmann's value() and get() throw on a mismatch).
#include "forms/forms.hpp"

#include <cmath>
#include <set>

#include "common/iso8601.hpp"

namespace elva::forms {
namespace {

using nlohmann::json;

// Groups inside groups deeper than this are refused (read_components recurses).
constexpr int kMaxGroupDepth = 16;

const std::set<std::string>& input_types() {
  static const std::set<std::string> types = {"textfield", "textarea",  "number",   "datetime",
                                              "select",    "radio",     "checkbox", "checklist",
                                              "taglist",   "expression"};
  return types;
}

const std::set<std::string>& display_types() {
  static const std::set<std::string> types = {"text",      "html",  "spacer",
                                              "separator", "image", "button",
                                              "iframe",    "table", "documentPreview"};
  return types;
}

// c[name] when it is a text, else `fallback` (also when c is not an object).
std::string text_or(const json& c, const char* name, const std::string& fallback) {
  if (!c.is_object()) return fallback;
  auto it = c.find(name);
  return it != c.end() && it->is_string() ? it->get<std::string>() : fallback;
}

bool is_true(const json& c, const char* name) {
  auto it = c.find(name);
  return it != c.end() && it->is_boolean() && it->get<bool>();
}

// A key someone sent, fit for a message: at most 64 bytes (cut at a character boundary).
std::string shown_key(const std::string& key) {
  if (key.size() <= 64) return key;
  std::size_t end = 64;
  while (end > 0 && (static_cast<unsigned char>(key[end]) & 0xC0) == 0x80) --end;
  return key.substr(0, end) + "...";
}

std::string describe(std::size_t index, const json& c) {
  std::string out = "component " + std::to_string(index + 1);
  const std::string type = text_or(c, "type", "");
  const std::string key = shown_key(text_or(c, "key", text_or(c, "id", "")));
  if (!type.empty()) out += " (" + shown_key(type) + (key.empty() ? "" : " '" + key + "'") + ")";
  return out;
}

Result<void> read_components(const json& components, Form& form, std::size_t& index, int depth);

Result<void> read_validate(const json& v, Field& f, const std::string& where) {
  if (!v.is_object()) return fail(Errc::InvalidArgument, where + ": validate must be an object");
  if (v.contains("required")) {
    if (!v["required"].is_boolean())
      return fail(Errc::InvalidArgument, where + ": validate.required must be true or false");
    f.required = v["required"].get<bool>();
  }
  for (const char* name : {"min", "max"}) {
    if (!v.contains(name) || v[name].is_null()) continue;
    if (!v[name].is_number())
      return fail(Errc::InvalidArgument, where + ": validate." + name + " must be a number");
    (std::string(name) == "min" ? f.min : f.max) = v[name].get<double>();
  }
  for (const char* name : {"minLength", "maxLength"}) {
    if (!v.contains(name) || v[name].is_null()) continue;
    if (!v[name].is_number_unsigned())
      return fail(Errc::InvalidArgument, where + ": validate." + name + " must be a whole number");
    (std::string(name) == "minLength" ? f.min_length : f.max_length) = v[name].get<std::size_t>();
  }
  if (v.contains("pattern") && !v["pattern"].is_null()) {
    if (!v["pattern"].is_string())
      return fail(Errc::InvalidArgument, where + ": validate.pattern must be a text");
    f.pattern = v["pattern"].get<std::string>();
    auto re = expr::Regex::compile(f.pattern, "", expr::RegexDialect::ECMAScript);
    if (!re)
      return fail(Errc::InvalidArgument, where + ": validate.pattern: " + re.error().message);
    f.pattern_regex = *re;
  }
  if (v.contains("validationType") && !v["validationType"].is_null() &&
      !v["validationType"].is_string()) {
    return fail(Errc::InvalidArgument, where + ": validate.validationType must be email or phone");
  }
  f.validation_type = text_or(v, "validationType", "");
  if (!f.validation_type.empty() && f.validation_type != "email" && f.validation_type != "phone") {
    return fail(Errc::InvalidArgument, where + ": validate.validationType must be email or phone");
  }
  return {};
}

Result<void> read_component(const json& c, Form& form, std::size_t index) {
  const std::string where = describe(index, c);
  if (!c.is_object()) return fail(Errc::InvalidArgument, where + ": must be an object");
  if (c.contains("type") && !c["type"].is_string())
    return fail(Errc::InvalidArgument, where + ": type must be a text");
  const std::string type = text_or(c, "type", "");
  if (type == "group" || type == "dynamiclist") {
    if (type == "dynamiclist")
      return fail(Errc::InvalidArgument,
                  where + ": dynamic lists are not supported by Elva's forms yet");
    return {};
  }
  if (display_types().count(type)) return {};
  if (!input_types().count(type)) {
    return fail(Errc::InvalidArgument,
                where + ": the component type '" + shown_key(type) +
                    "' is not supported (supported: textfield, textarea, "
                    "number, datetime, select, radio, checkbox, checklist, taglist, text, group)");
  }
  if (type == "expression") return {};  // computed in the browser; never taken from a submission
  Field f;
  f.type = type;
  if (c.contains("key") && !c["key"].is_string())
    return fail(Errc::InvalidArgument, where + ": key must be a text");
  f.key = text_or(c, "key", "");
  if (f.key.empty())
    return fail(Errc::InvalidArgument,
                where + ": an input field needs a key (the variable it sets)");
  f.label = text_or(c, "label", f.key);
  if (type == "datetime") {
    f.subtype = text_or(c, "subtype", "date");
    if (f.subtype != "date" && f.subtype != "time" && f.subtype != "datetime") {
      return fail(Errc::InvalidArgument, where + ": subtype must be date, time or datetime");
    }
    if (f.label == f.key)
      f.label = text_or(c, f.subtype == "time" ? "timeLabel" : "dateLabel", f.key);
  }
  // A FEEL expression ("=...") for readonly or disabled is not evaluated: the field is taken.
  f.readonly = is_true(c, "readonly") || is_true(c, "disabled");
  if (c.contains("validate")) {
    if (auto r = read_validate(c["validate"], f, where); !r) return r;
  }
  if (type == "select" || type == "radio" || type == "checklist" || type == "taglist") {
    if (c.contains("values") && c["values"].is_array()) {
      for (const auto& o : c["values"]) {
        if (!o.is_object() || !o.contains("value"))
          return fail(Errc::InvalidArgument, where + ": each of values needs a value");
        const json& value = o["value"];
        f.options.push_back(
            {text_or(o, "label", value.is_string() ? value.get<std::string>() : value.dump()),
             value});
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

Result<void> read_components(const json& components, Form& form, std::size_t& index, int depth) {
  if (!components.is_array()) return fail(Errc::InvalidArgument, "components must be a list");
  if (depth > kMaxGroupDepth)
    return fail(Errc::InvalidArgument,
                "groups nest deeper than " + std::to_string(kMaxGroupDepth) + " levels");
  for (const auto& c : components) {
    const std::size_t mine = index++;
    if (auto r = read_component(c, form, mine); !r) return r;
    if (c.is_object() && text_or(c, "type", "") == "group" && c.contains("components")) {
      if (auto r = read_components(c["components"], form, index, depth + 1); !r) return r;
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

bool digits(const std::string& s, std::size_t at, std::size_t n) {
  if (at + n > s.size()) return false;
  for (std::size_t i = at; i < at + n; ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

bool valid_date(const std::string& s) {  // YYYY-MM-DD, a real day (no February 30th)
  if (s.size() != 10 || !digits(s, 0, 4) || s[4] != '-' || !digits(s, 5, 2) || s[7] != '-' ||
      !digits(s, 8, 2))
    return false;
  auto number = [&](std::size_t at, std::size_t n) {
    unsigned v = 0;
    for (std::size_t i = at; i < at + n; ++i) v = v * 10 + static_cast<unsigned>(s[i] - '0');
    return v;
  };
  const std::int64_t y = number(0, 4);
  const unsigned m = number(5, 2), d = number(8, 2);
  if (m < 1 || m > 12 || d < 1 || d > 31) return false;
  std::int64_t cy;
  unsigned cm, cd;
  iso8601::civil_from_days(iso8601::days_from_civil(y, m, d), cy, cm, cd);
  return cy == y && cm == m && cd == d;
}

bool valid_time(const std::string& s) {  // HH:MM[:SS][Z|+hh:mm]
  if (s.size() < 5 || !digits(s, 0, 2) || s[2] != ':' || !digits(s, 3, 2)) return false;
  if ((s[0] - '0') * 10 + (s[1] - '0') > 23 || s[3] > '5') return false;
  std::size_t i = 5;
  if (i < s.size() && s[i] == ':') {
    if (!digits(s, i + 1, 2) || s[i + 1] > '5') return false;
    i += 3;
  }
  if (i == s.size()) return true;
  if (s[i] == 'Z') return i + 1 == s.size();
  return (s[i] == '+' || s[i] == '-') && s.size() == i + 6 && digits(s, i + 1, 2) &&
         s[i + 3] == ':' && digits(s, i + 4, 2);
}

bool valid_email(const std::string& s) {
  static const auto re =
      expr::Regex::compile(R"(^[^\s@]+@[^\s@]+\.[^\s@]+$)", "", expr::RegexDialect::ECMAScript);
  return re && (*re)->search(s);
}

bool valid_phone(const std::string& s) {
  static const auto re =
      expr::Regex::compile(R"(^\+?[0-9 ()-]{5,20}$)", "", expr::RegexDialect::ECMAScript);
  return re && (*re)->search(s);
}

// One value against its field; an empty message when fine.
FieldError check_value(const Field& f, const json& v) {
  const std::string& label = f.label;
  const auto error = [&](std::string message, const char* code, std::string limit = "") {
    return FieldError{f.key, std::move(message), code, std::move(limit)};
  };
  if (f.type == "textfield" || f.type == "textarea") {
    if (!v.is_string()) return error(label + " must be text", "text");
    const auto& s = v.get_ref<const std::string&>();
    // Lengths count characters (UTF-8 code points), as a person sees them.
    std::size_t chars = 0;
    for (unsigned char ch : s) chars += (ch & 0xC0) != 0x80;
    if (f.min_length && chars < *f.min_length)
      return error(label + " must have at least " + std::to_string(*f.min_length) + " characters",
                   "minLength", std::to_string(*f.min_length));
    if (f.max_length && chars > *f.max_length)
      return error(label + " must have at most " + std::to_string(*f.max_length) + " characters",
                   "maxLength", std::to_string(*f.max_length));
    if (f.pattern_regex && !s.empty() && !f.pattern_regex->search(s)) {
      return error(label + " does not have the expected format (" + f.pattern + ")", "pattern");
    }
    if (f.validation_type == "email" && !s.empty() && !valid_email(s))
      return error(label + " must be an e-mail address", "email");
    if (f.validation_type == "phone" && !s.empty() && !valid_phone(s))
      return error(label + " must be a phone number", "phone");
    return {};
  }
  if (f.type == "number") {
    if (!v.is_number()) return error(label + " must be a number", "number");
    const double d = v.get<double>();
    if (f.min && d < *f.min)
      return error(label + " must be at least " + number_text(*f.min), "min", number_text(*f.min));
    if (f.max && d > *f.max)
      return error(label + " must be at most " + number_text(*f.max), "max", number_text(*f.max));
    return {};
  }
  if (f.type == "checkbox")
    return v.is_boolean() ? FieldError{} : error(label + " must be true or false", "boolean");
  if (f.type == "datetime") {
    if (!v.is_string()) return error(label + " must be a " + f.subtype + " as text", "datetime");
    const auto& s = v.get_ref<const std::string&>();
    if (f.subtype == "date" && !valid_date(s))
      return error(label + " must be a date (YYYY-MM-DD)", "date");
    if (f.subtype == "time" && !valid_time(s))
      return error(label + " must be a time (HH:MM)", "time");
    if (f.subtype == "datetime" && !iso8601::parse_date_time(s))
      return error(label + " must be a date and time (YYYY-MM-DDTHH:MM)", "datetime");
    return {};
  }
  if (f.type == "select" || f.type == "radio") {
    return matches_option(f, v) ? FieldError{}
                                : error(label + " must be one of the offered choices", "choice");
  }
  if (f.type == "checklist" || f.type == "taglist") {
    if (!v.is_array()) return error(label + " must be a list of choices", "list");
    for (const auto& item : v) {
      if (!matches_option(f, item))
        return error(label + " must hold only offered choices", "choice");
    }
    if (f.required && v.empty()) return error(label + " is required", "required");
    return {};
  }
  return {};
}

bool empty_value(const json& v) {
  return v.is_null() || (v.is_string() && v.get_ref<const std::string&>().empty());
}

}  // namespace

Result<Form> read_form(const json& schema) {
  if (!schema.is_object())
    return fail(Errc::InvalidArgument,
                "a form must be a JSON object (a Camunda Forms / form-js document)");
  if (!schema.contains("components"))
    return fail(Errc::InvalidArgument,
                "a form needs components (a Camunda Forms / form-js document)");
  Form form;
  form.id = text_or(schema, "id", "");
  form.schema = schema;
  std::size_t index = 0;
  if (auto r = read_components(schema["components"], form, index, 0); !r) return fail(r.error());
  std::set<std::string> keys;
  for (const auto& f : form.fields) {
    if (!keys.insert(f.key).second)
      return fail(Errc::InvalidArgument, "two fields set the same key '" + shown_key(f.key) + "'");
  }
  return form;
}

Result<Form> read_form_text(std::string_view text) {
  auto doc = parse_json(text, kFormJsonLimits, "the form");
  if (!doc) return fail(doc.error());
  return read_form(*doc);
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
    if (errors.size() >= 100) break;  // enough to show; a flood of unknown keys is not listed whole
    if (!known.count(key))
      errors.push_back(
          {shown_key(key), "'" + shown_key(key) + "' is not a field of this form", "unknown"});
  }
  for (const auto& f : form.fields) {
    if (f.readonly) continue;
    auto it = data.find(f.key);
    if (it == data.end() || empty_value(*it)) {
      if (f.required)
        errors.push_back({f.key, f.label + " is required", "required"});
      else if (it != data.end())
        variables[f.key] = nullptr;
      continue;
    }
    if (auto error = check_value(f, *it); !error.message.empty()) {
      errors.push_back(std::move(error));
      continue;
    }
    variables[f.key] = *it;
  }
  return errors;
}

}  // namespace elva::forms
