// Data classes at validation (data_classes.hpp).
#include "parse/data_classes.hpp"

#include <array>
#include <cctype>
#include <map>
#include <set>
#include <vector>

#include "common/iso8601.hpp"

namespace elva::parse {
namespace {

using namespace model;

// "employeeEmail2" -> {"employee", "email"}; "first_name" -> {"first", "name"}. Non-ASCII bytes
// (ø, ö) stay inside their word.
std::vector<std::string> words_of(std::string_view name) {
  std::vector<std::string> words;
  std::string word;
  auto flush = [&] {
    if (!word.empty()) words.push_back(std::move(word));
    word.clear();
  };
  for (std::size_t i = 0; i < name.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(name[i]);
    if (c >= 0x80) {
      word += static_cast<char>(c);
    } else if (std::isalpha(c)) {
      if (std::isupper(c) && !word.empty() && std::islower(static_cast<unsigned char>(word.back())))
        flush();
      word += static_cast<char>(std::tolower(c));
    } else {
      flush();
    }
  }
  flush();
  return words;
}

constexpr auto kSensitiveJoined = std::to_array<std::string_view>(
    {"personnummer", "personnr", "fodselsnummer", "fødselsnummer", "foedselsnummer",
     "samordningsnummer", "dnummer", "socialsecurity", "nationalid", "personalidentity",
     "identitynumber", "personalid", "healthdata", "diagnosis"});
constexpr auto kSensitiveWords = std::to_array<std::string_view>({"ssn", "pnr", "fnr"});
constexpr auto kPersonalJoined = std::to_array<std::string_view>(
    {"firstname",    "lastname",      "givenname",    "familyname",    "fullname",
     "middlename",   "surname",       "displayname",  "dateofbirth",   "birthdate",
     "birthday",     "emailaddress",  "phonenumber",  "mobilenumber",  "streetaddress",
     "postaddress",  "postaladdress", "homeaddress",  "fornamn",       "förnamn",
     "efternamn",    "fornavn",       "etternavn",    "mellomnavn",    "telefonnummer",
     "mobilnummer",  "gatuadress",    "postadress",   "bostadsadress", "fodelsedatum",
     "födelsedatum", "fødselsdato",   "foedselsdato", "hemadress",     "bostedsadresse",
     "postnummer",   "epostadresse"});
constexpr auto kPersonalWords = std::to_array<std::string_view>(
    {"email", "emails", "epost", "phone", "telefon", "mobile", "mobil", "address", "adress",
     "adresse", "dob", "iban", "surname", "navn", "namn", "name"});

template <std::size_t N>
bool contains_any(const std::string& text, const std::array<std::string_view, N>& list) {
  for (auto w : list)
    if (text.find(w) != std::string::npos) return true;
  return false;
}
template <std::size_t N>
bool is_any(const std::string& word, const std::array<std::string_view, N>& list) {
  for (auto w : list)
    if (word == w) return true;
  return false;
}

// Dotted identifier paths in an expression ("employee.email = x" -> employee.email, x), string
// literals skipped. For a text that is not an expression, only what is inside {{...}}.
std::vector<std::string> paths_in(std::string_view text) {
  std::vector<std::string> out;
  auto scan = [&](std::string_view expr) {
    std::string path;
    bool in_string = false;
    auto flush = [&] {
      if (!path.empty() && path.back() != '.') out.push_back(path);
      path.clear();
    };
    for (std::size_t i = 0; i < expr.size(); ++i) {
      const unsigned char c = static_cast<unsigned char>(expr[i]);
      if (in_string) {
        if (c == '\\')
          ++i;
        else if (c == '"')
          in_string = false;
        continue;
      }
      if (c == '"') {
        flush();
        in_string = true;
      } else if (std::isalpha(c) || c == '_' || c >= 0x80 || (std::isdigit(c) && !path.empty())) {
        path += static_cast<char>(c);
      } else if (c == '.' && !path.empty() && path.back() != '.') {
        path += '.';
      } else {
        // A FEEL context entry's key ({name: applicant.name}) names no variable.
        auto next = expr.find_first_not_of(" \t\r\n", i);
        if (next != std::string_view::npos && expr[next] == ':') path.clear();
        flush();
      }
    }
    flush();
  };
  std::string_view t = text;
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.front()))) t.remove_prefix(1);
  if (!t.empty() && (t.front() == '=' || t.find("${") != std::string_view::npos)) {
    scan(t.front() == '=' ? t.substr(1) : t);
    return out;
  }
  for (std::size_t at = t.find("{{"); at != std::string_view::npos; at = t.find("{{", at)) {
    const auto end = t.find("}}", at + 2);
    if (end == std::string_view::npos) break;
    scan(t.substr(at + 2, end - at - 2));
    at = end + 2;
  }
  return out;
}

struct Use {
  std::string path;  // the field that looks personal, e.g. employee.email
  Looks looks = Looks::Plain;
  SourcePos pos;
  std::string element_id, element_type;
};

class Collector {
 public:
  explicit Collector(const ProcessDefinition& p) {
    for (const auto& d : p.data_declarations) declared_.insert(d.variable);
  }

  // `text` is an expression or a text with {{...}}.
  void text(std::string_view t, SourcePos pos, const std::string& id, std::string_view type) {
    for (const auto& path : paths_in(t)) name(path, pos, id, type);
  }
  // An output mapping: what the source reads (a job's result) lands in the target variable.
  void mapped(const std::string& target, std::string_view source, SourcePos pos,
              const std::string& id, std::string_view type) {
    name(target, pos, id, type);
    const std::string root = target.substr(0, target.find('.'));
    for (const auto& path : paths_in(source)) name(path, pos, id, type, root);
  }
  // A variable name (or path) as written; `as` names the variable it ends up in, when another.
  void name(const std::string& path, SourcePos pos, const std::string& id, std::string_view type,
            const std::string& as = "") {
    if (path.empty()) return;
    const std::string root = as.empty() ? path.substr(0, path.find('.')) : as;
    if (root.empty() || declared_.count(root)) return;
    Looks worst = Looks::Plain;
    std::size_t start = 0;
    while (start <= path.size()) {
      auto end = path.find('.', start);
      if (end == std::string::npos) end = path.size();
      const Looks l = looks_personal(std::string_view(path).substr(start, end - start));
      if (l == Looks::Sensitive || (l == Looks::Personal && worst == Looks::Plain)) worst = l;
      start = end + 1;
    }
    if (worst == Looks::Plain) return;
    auto& use = uses_[root];
    if (use.looks == Looks::Plain || (worst == Looks::Sensitive && use.looks != worst)) {
      const bool first = use.looks == Looks::Plain;
      use.path = path;
      use.looks = worst;
      if (first) {
        use.pos = pos;
        use.element_id = id;
        use.element_type = std::string(type);
      }
    }
  }
  const std::map<std::string, Use>& uses() const { return uses_; }

 private:
  std::set<std::string> declared_;
  std::map<std::string, Use> uses_;
};

void collect(const ProcessDefinition& p, Collector& c) {
  for (const auto& f : p.summary) c.text(f.value, f.pos, p.id, "process");
  for (const auto& flow : p.flows)
    if (!flow.condition.empty()) c.text("=" + flow.condition, flow.pos, flow.id, "sequenceFlow");
  for (const auto& e : p.elements) {
    const auto type = bpmn_name(e.type);
    c.text(e.name, e.pos, e.id, type);
    for (const auto& m : e.inputs) {
      if (!m.source.empty() && m.script_format.empty() &&
          (m.source.front() == '=' || m.source.find("${") != std::string::npos))
        c.text(m.source, m.pos, e.id, type);
    }
    for (const auto& m : e.outputs)
      if (m.script_format.empty()) c.mapped(m.target, m.source, m.pos, e.id, type);
    if (const auto* t = e.as<UserTaskSpec>()) {
      c.text(e.documentation, e.pos, e.id, type);
      for (const auto& f : t->summary) c.text(f.value, f.pos, e.id, type);
      for (const auto& v : t->completion_variables) c.name(v, e.pos, e.id, type);
      for (const auto* x : {&t->assignee, &t->candidate_users, &t->due_date})
        if (!x->empty() && x->front() == '=') c.text(*x, e.pos, e.id, type);
    }
    if (const auto* s = e.as<ScriptSpec>()) c.name(s->result_variable, e.pos, e.id, type);
    if (const auto* d = e.as<DecisionSpec>()) c.name(d->result_variable, e.pos, e.id, type);
    if (const auto* call = e.as<CallActivitySpec>()) {
      for (const auto& m : call->out) c.name(m.target, m.pos, e.id, type);
      for (const auto& m : call->in) c.text("=" + m.source, m.pos, e.id, type);
    }
    if (!e.loop.input_collection.empty()) c.text(e.loop.input_collection, e.loop.pos, e.id, type);
    if (!e.loop.output_collection.empty()) c.name(e.loop.output_collection, e.loop.pos, e.id, type);
  }
}

}  // namespace

std::vector<std::string> variable_paths(std::string_view text) { return paths_in(text); }

Looks looks_personal(std::string_view name) {
  const auto words = words_of(name);
  std::string joined;
  for (const auto& w : words) joined += w;
  if (contains_any(joined, kSensitiveJoined)) return Looks::Sensitive;
  for (const auto& w : words)
    if (is_any(w, kSensitiveWords)) return Looks::Sensitive;
  if (contains_any(joined, kPersonalJoined)) return Looks::Personal;
  // "name" alone is a person's name; as one word of many (fileName, unitName) it is not.
  if (words.size() == 1 && is_any(words[0], kPersonalWords)) return Looks::Personal;
  for (const auto& w : words)
    if (w != "name" && w != "navn" && w != "namn" && is_any(w, kPersonalWords))
      return Looks::Personal;
  return Looks::Plain;
}

std::optional<std::string> retention_interval(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  if (text.empty() || text.size() > 40) return std::nullopt;
  bool digits = true;
  for (char c : text) digits = digits && std::isdigit(static_cast<unsigned char>(c));
  if (digits) return "P" + std::string(text) + "D";
  auto d = iso8601::parse_duration(text);
  if (!d || d->years < 0 || d->months < 0 || d->days < 0 || d->millis < 0) return std::nullopt;
  return std::string(text);
}

void check_data_classes(const ProcessDefinition& p, DiagnosticSink& sink) {
  Collector c(p);
  collect(p, c);
  for (const auto& [root, use] : c.uses()) {
    const bool sensitive = use.looks == Looks::Sensitive;
    const std::string what = use.path == root ? "" : " (" + use.path + ")";
    // use.path may be a job result's field that lands in `root` (an output mapping).
    sink.warning(
        use.pos, use.element_id, use.element_type,
        "variable '" + root + "'" + what + " looks like " +
            (sensitive ? "sensitive personal data (a personal identity number)" : "personal data") +
            " but has no data class: declare it in the process's extensionElements, "
            "e.g. <elva:data name=\"" +
            root + "\" class=\"" + (sensitive ? "sensitive" : "personal") +
            "\" retention=\"P2Y\"/> (docs/privacy.md)");
  }
  if (!p.executable || !p.history_time_to_live.empty()) return;
  for (const auto& d : p.data_declarations) {
    if ((d.data_class == DataClass::Personal || d.data_class == DataClass::Sensitive) &&
        d.retention.empty()) {
      sink.warning(d.pos, p.id, "process",
                   "variable '" + d.variable + "' is " +
                       std::string(data_class_name(d.data_class)) +
                       " data kept for ever: give it a retention (retention=\"P2Y\") or the "
                       "process a historyTimeToLive (docs/privacy.md)");
    }
  }
}

}  // namespace elva::parse
