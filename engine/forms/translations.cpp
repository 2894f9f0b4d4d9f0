// Translations of process content (translations.hpp).
#include "forms/translations.hpp"

#include <algorithm>
#include <cctype>

#include "common/iso8601.hpp"
#include "common/templates.hpp"
#include "elva/json_limits.hpp"
#include "expr/feel.hpp"

namespace elva::forms {
namespace {

using nlohmann::json;

// Translation files are text, small: a municipality's whole library fits in far less.
constexpr JsonLimits kTranslationLimits{4u << 20, 16, 64u << 10, 200'000, false};

bool is_tag(std::string_view s) {
  // "sv", "nb", "se", "smj", "en-GB": letters, optionally a region.
  const auto dash = s.find('-');
  const auto lang = s.substr(0, dash);
  if (lang.size() < 2 || lang.size() > 3) return false;
  if (!std::all_of(lang.begin(), lang.end(), [](unsigned char c) { return std::islower(c); }))
    return false;
  if (dash == std::string_view::npos) return true;
  const auto region = s.substr(dash + 1);
  return region.size() >= 2 && region.size() <= 4 &&
         std::all_of(region.begin(), region.end(), [](unsigned char c) { return std::isalnum(c); });
}

Error wrong(const std::string& where, const std::string& what) {
  return Error{Errc::InvalidArgument, where + " " + what, {}};
}

// Every value of `obj` (at `where`) is a string, or for the keys in `nested` an object whose
// values are strings.
Result<void> strings_only(const json& obj, const std::string& where,
                          std::initializer_list<const char*> allowed,
                          const char* nested = nullptr) {
  if (!obj.is_object()) return fail(wrong(where, "must be an object"));
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    const std::string at = where + "." + it.key();
    const bool known =
        std::any_of(allowed.begin(), allowed.end(), [&](const char* k) { return it.key() == k; });
    if (!known) {
      std::string list;
      for (const char* k : allowed) list += (list.empty() ? "" : ", ") + std::string(k);
      return fail(wrong(at, "is not something Elva translates here (" + list + ")"));
    }
    if (nested && it.key() == nested) {
      if (!it->is_object()) return fail(wrong(at, "must be an object of texts"));
      for (auto v = it->begin(); v != it->end(); ++v)
        if (!v->is_string()) return fail(wrong(at + "." + v.key(), "must be a text"));
    } else if (!it->is_string()) {
      return fail(wrong(at, "must be a text"));
    }
  }
  return {};
}

const json* find(const json& j, std::initializer_list<std::string_view> path) {
  const json* at = &j;
  for (auto key : path) {
    if (!at->is_object()) return nullptr;
    auto it = at->find(std::string(key));
    if (it == at->end()) return nullptr;
    at = &*it;
  }
  return at;
}

std::string text_or(const json* j, const std::string& fallback) {
  return j && j->is_string() && !j->get<std::string>().empty() ? j->get<std::string>() : fallback;
}

void translate_components(const json& tr, json& components) {
  if (!components.is_array()) return;
  for (auto& c : components) {
    if (!c.is_object()) continue;
    if (auto nested = c.find("components"); nested != c.end()) translate_components(tr, *nested);
    auto id = c.find("id");
    if (id == c.end() || !id->is_string()) continue;
    const json* t = find(tr, {id->get<std::string>()});
    if (!t || !t->is_object()) continue;
    for (const char* field : {"label", "description", "text", "dateLabel", "timeLabel"}) {
      if (auto v = t->find(field); v != t->end() && v->is_string() && c.contains(field))
        c[field] = *v;
    }
    auto values = c.find("values");
    auto names = t->find("values");
    if (values == c.end() || !values->is_array() || names == t->end()) continue;
    for (auto& option : *values) {
      if (!option.is_object() || !option.contains("value")) continue;
      const json& v = option["value"];
      const std::string key = v.is_string() ? v.get<std::string>() : v.dump();
      if (auto name = names->find(key); name != names->end() && name->is_string())
        option["label"] = *name;
    }
  }
}

}  // namespace

std::string translation_language(std::string_view path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string_view::npos) return "";
  const auto file = path.substr(slash + 1);
  const auto dir_end = slash;
  const auto dir_start = path.find_last_of('/', dir_end - 1);
  const auto dir = path.substr(dir_start == std::string_view::npos ? 0 : dir_start + 1,
                               dir_end - (dir_start == std::string_view::npos ? 0 : dir_start + 1));
  if (dir != "i18n" || file.size() <= 5 || file.substr(file.size() - 5) != ".json") return "";
  const auto tag = file.substr(0, file.size() - 5);
  return is_tag(tag) ? std::string(tag) : "";
}

Result<json> read_translations(std::string_view text) {
  auto doc = parse_json(text, kTranslationLimits);
  if (!doc) return fail(doc.error());
  if (!doc->is_object()) return fail(wrong("the file", "must be a JSON object"));
  for (auto it = doc->begin(); it != doc->end(); ++it) {
    if (it.key() != "processes" && it.key() != "forms")
      return fail(wrong(it.key(), "is not known (a translation file has processes and forms)"));
    if (!it->is_object()) return fail(wrong(it.key(), "must be an object"));
  }
  if (auto p = doc->find("processes"); p != doc->end()) {
    for (auto proc = p->begin(); proc != p->end(); ++proc) {
      const std::string at = "processes." + proc.key();
      if (!proc->is_object()) return fail(wrong(at, "must be an object"));
      for (auto f = proc->begin(); f != proc->end(); ++f) {
        const std::string fat = at + "." + f.key();
        if (f.key() == "name" || f.key() == "documentation") {
          if (!f->is_string()) return fail(wrong(fat, "must be a text"));
        } else if (f.key() == "summary") {
          if (auto r = strings_only(json{{"summary", *f}}, at, {"summary"}, "summary"); !r)
            return fail(r.error());
        } else if (f.key() == "elements") {
          if (!f->is_object()) return fail(wrong(fat, "must be an object"));
          for (auto e = f->begin(); e != f->end(); ++e) {
            if (auto r = strings_only(*e, fat + "." + e.key(), {"name", "documentation"}); !r)
              return fail(r.error());
          }
        } else {
          return fail(wrong(fat, "is not known (name, documentation, elements, summary)"));
        }
      }
    }
  }
  if (auto forms = doc->find("forms"); forms != doc->end()) {
    for (auto form = forms->begin(); form != forms->end(); ++form) {
      const std::string at = "forms." + form.key();
      if (!form->is_object()) return fail(wrong(at, "must be an object"));
      for (auto c = form->begin(); c != form->end(); ++c) {
        if (auto r = strings_only(
                *c, at + "." + c.key(),
                {"label", "description", "text", "dateLabel", "timeLabel", "values"}, "values");
            !r)
          return fail(r.error());
      }
    }
  }
  return std::move(*doc);
}

std::string language_of(std::string_view locale) {
  std::string lang;
  for (char c : locale) {
    if (!std::isalpha(static_cast<unsigned char>(c))) break;
    lang += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (lang == "no" || lang == "nn") return "nb";
  return lang.size() >= 2 && lang.size() <= 3 ? lang : "";
}

std::string translated_process(const json& tr, const std::string& process, const char* field,
                               const std::string& fallback) {
  return text_or(find(tr, {"processes", process, field}), fallback);
}

std::string translated_element(const json& tr, const std::string& process,
                               const std::string& element, const char* field,
                               const std::string& fallback) {
  return text_or(find(tr, {"processes", process, "elements", element, field}), fallback);
}

std::optional<std::string> fill_translation(const std::string& text, const json& variables) {
  if (!variables.is_object()) return std::nullopt;
  const expr::Value vars = expr::Value::from_json(variables);
  expr::ContextScope scope(vars);
  expr::EvalOptions options;
  const std::int64_t now = iso8601::now_millis();
  options.now_millis = [now] { return now; };
  return templates::fill(text, [&](std::string_view expression) -> std::optional<std::string> {
    auto compiled = expr::Expression::compile(expression);
    if (!compiled) return std::nullopt;
    auto value = compiled->evaluate_checked(scope, options);
    if (!value) return std::nullopt;
    const json v = value->to_json();
    if (v.is_null()) return std::nullopt;
    return v.is_string() ? v.get<std::string>() : v.dump();
  });
}

std::string translated_summary_label(const json& tr, const std::string& process,
                                     const std::string& label) {
  return text_or(find(tr, {"processes", process, "summary", label}), label);
}

json translated_form(const json& tr, const std::string& form_id, json schema) {
  const json* t = find(tr, {"forms", form_id});
  if (!t || !schema.is_object()) return schema;
  if (auto c = schema.find("components"); c != schema.end()) translate_components(*t, *c);
  return schema;
}

}  // namespace elva::forms
