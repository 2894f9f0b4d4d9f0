// elva/bpmn.hpp: file I/O around the reader and validator.
#include "elva/bpmn.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "api/diff_json.hpp"
#include "api/inspect_json.hpp"
#include "api/privacy_files.hpp"
#include "dmn/dmn.hpp"
#include "exec/deployer.hpp"
#include "expr/feel.hpp"
#include "forms/forms.hpp"
#include "forms/translations.hpp"
#include "parse/reader.hpp"
#include "parse/validate.hpp"

namespace elva {

// decide.cpp: the structure of a DMN file, for `elva inspect FILE.dmn`.
nlohmann::json inspect_dmn(const std::string& file, std::string bytes, std::size_t max_bytes);

namespace {

namespace fs = std::filesystem;

// Reads at most max_bytes + 1 bytes, so a huge file is refused without loading it whole.
Result<std::string> read_file(const std::string& path, std::size_t max_bytes) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return fail(Errc::InvalidArgument, path + ": is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (!fs::exists(path, ec)) return fail(Errc::NotFound, path + ": no such file");
    return fail(Errc::InvalidArgument, path + ": cannot be read (permission denied?)");
  }
  std::string bytes(max_bytes + 1, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  bytes.resize(static_cast<std::size_t>(in.gcount()));
  if (in.bad()) return fail(Errc::InvalidArgument, path + ": read error");
  return bytes;
}

void split(std::vector<Diagnostic>&& diagnostics, FileReport& report) {
  for (auto& d : diagnostics) {
    (d.severity == Severity::Error ? report.errors : report.warnings).push_back(std::move(d));
  }
}

// The 1-based line where the key path `keys` ("processes", "p", "elements", "e") is written:
// each key looked for after the one before it (0 when it is not found).
std::uint32_t line_of(const std::string& text, const std::vector<std::string>& keys) {
  std::size_t at = 0;
  for (const auto& k : keys) {
    const auto found = text.find(nlohmann::json(k).dump(), at);
    if (found == std::string::npos) return 0;
    at = found;
  }
  return static_cast<std::uint32_t>(std::count(text.begin(), text.begin() + at, '\n') + 1);
}

// Component ids of a form (groups walked), with whether each has a text a person reads.
void form_components(const nlohmann::json& list, std::map<std::string, bool>& out) {
  if (!list.is_array()) return;
  for (const auto& c : list) {
    if (!c.is_object()) continue;
    if (c.contains("id") && c["id"].is_string())
      out[c["id"].get<std::string>()] = c.contains("label") || c.contains("text");
    if (c.contains("components")) form_components(c["components"], out);
  }
}

// A translation file against the processes and forms given with it: ids that are not there
// (a typo, or an element renamed since), and the user tasks and form texts it leaves in the
// original language, for the processes and forms it translates.
void check_translation(const std::string& text, const nlohmann::json& tr,
                       const std::vector<const model::Definitions*>& definitions,
                       const std::map<std::string, std::map<std::string, bool>>& forms_given,
                       FileReport& report) {
  const auto warn = [&](std::uint32_t line, std::string message) {
    report.warnings.push_back(
        Diagnostic{Severity::Warning, report.file, {line, 1}, "", "", std::move(message)});
  };
  std::map<std::string, const model::ProcessDefinition*> processes;
  for (const auto* d : definitions)
    for (const auto& p : d->processes) processes[p.id] = &p;
  const auto list = [](const std::vector<std::string>& ids) {
    std::string out;
    for (std::size_t i = 0; i < ids.size() && i < 10; ++i) out += (i ? ", " : "") + ids[i];
    return ids.size() > 10 ? out + " ..." : out;
  };
  if (auto ps = tr.find("processes"); ps != tr.end() && !processes.empty()) {
    for (auto p = ps->begin(); p != ps->end(); ++p) {
      auto known = processes.find(p.key());
      if (known == processes.end()) {
        warn(line_of(text, {"processes", p.key()}),
             "processes." + p.key() + ": no process '" + p.key() + "' in the files given");
        continue;
      }
      std::set<std::string> translated;
      if (auto es = p->find("elements"); es != p->end()) {
        for (auto e = es->begin(); e != es->end(); ++e) {
          const bool there =
              std::any_of(known->second->elements.begin(), known->second->elements.end(),
                          [&](const model::Element& el) { return el.id == e.key(); });
          if (!there)
            warn(line_of(text, {"processes", p.key(), "elements", e.key()}),
                 "processes." + p.key() + ".elements." + e.key() + ": no element '" + e.key() +
                     "' in process " + p.key());
          else if (e->contains("name"))
            translated.insert(e.key());
        }
      }
      std::vector<std::string> missing;
      for (const auto& el : known->second->elements)
        if (el.type == model::ElementType::UserTask && !el.name.empty() && !translated.count(el.id))
          missing.push_back(el.id);
      if (!missing.empty())
        warn(line_of(text, {"processes", p.key()}),
             "processes." + p.key() + ": " + std::to_string(missing.size()) +
                 " user task names are not translated (" + list(missing) +
                 "); employees read them in the original language");
    }
  }
  if (auto fs_ = tr.find("forms"); fs_ != tr.end() && !forms_given.empty()) {
    for (auto f = fs_->begin(); f != fs_->end(); ++f) {
      auto known = forms_given.find(f.key());
      if (known == forms_given.end()) {
        warn(line_of(text, {"forms", f.key()}),
             "forms." + f.key() + ": no form '" + f.key() + "' in the files given");
        continue;
      }
      std::vector<std::string> missing;
      for (auto c = f->begin(); c != f->end(); ++c)
        if (!known->second.count(c.key()))
          warn(line_of(text, {"forms", f.key(), c.key()}), "forms." + f.key() + "." + c.key() +
                                                               ": no component '" + c.key() +
                                                               "' in form " + f.key());
      for (const auto& [id, readable] : known->second)
        if (readable && !f->contains(id)) missing.push_back(id);
      if (!missing.empty())
        warn(line_of(text, {"forms", f.key()}),
             "forms." + f.key() + ": " + std::to_string(missing.size()) +
                 " components with a label or text are not translated (" + list(missing) + ")");
    }
  }
}

}  // namespace

Result<std::vector<std::string>> expand_bpmn_paths(const std::vector<std::string>& paths,
                                                   bool with_forms) {
  std::vector<std::string> out;
  for (const auto& path : paths) {
    std::error_code ec;
    if (!fs::exists(path, ec)) return fail(Errc::NotFound, path + ": no such file or directory");
    if (!fs::is_directory(path, ec)) {
      out.push_back(path);
      continue;
    }
    std::vector<std::string> found;
    for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::end(it);
         it.increment(ec)) {
      const std::string name = it->path().filename().string();
      const bool form = with_forms && (exec::is_form_file(name) ||
                                       !forms::translation_language(it->path().string()).empty());
      if (it->is_regular_file() && (exec::is_bpmn_file(name) || exec::is_dmn_file(name) || form)) {
        found.push_back(it->path().string());
      }
    }
    std::sort(found.begin(), found.end());
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

std::vector<FileReport> validate_files(const std::vector<std::string>& files,
                                       const ReadOptions& options) {
  std::vector<FileReport> reports(files.size());
  std::vector<parse::ReadResult> reads(files.size());
  std::vector<const model::Definitions*> readable;
  std::set<std::string> decision_ids;
  bool any_dmn = false;
  // Form files and translation files (given with a directory: elva validate reads what elva
  // deploy would deploy), checked against the processes and forms around them.
  std::map<std::string, std::map<std::string, bool>> forms_given;
  std::vector<std::pair<std::size_t, std::pair<std::string, nlohmann::json>>> translations;
  const auto json_error = [&](std::size_t i, const std::string& message) {
    reports[i].errors.push_back(Diagnostic{Severity::Error, files[i], {}, "", "", message});
  };
  for (std::size_t i = 0; i < files.size(); ++i) {
    reports[i].file = files[i];
    auto bytes = read_file(files[i], options.max_file_bytes);
    if (!bytes) {
      reports[i].io_error = bytes.error().message;
      continue;
    }
    const std::string name = fs::path(files[i]).filename().string();
    if (exec::is_form_file(name)) {
      auto form = forms::read_form_text(*bytes);
      if (!form) {
        json_error(i, form.error().message);
      } else {
        auto& components = forms_given[form->id];
        form_components(form->schema.value("components", nlohmann::json()), components);
      }
      continue;
    }
    if (!forms::translation_language(files[i]).empty()) {
      auto tr = forms::read_translations(*bytes);
      if (!tr)
        json_error(i, tr.error().message);
      else
        translations.push_back({i, {std::move(*bytes), std::move(*tr)}});
      continue;
    }
    if (exec::is_dmn_file(fs::path(files[i]).filename().string())) {
      auto dmn_read = dmn::read_dmn(files[i], std::move(*bytes), options.max_file_bytes);
      split(std::move(dmn_read.diagnostics), reports[i]);
      if (dmn_read.model) {
        split(dmn::validate(*dmn_read.model), reports[i]);
        for (const auto& d : dmn_read.model->decisions) decision_ids.insert(d.id);
        any_dmn = true;
      }
      continue;
    }
    reads[i] = parse::read_bpmn(files[i], std::move(*bytes), options.max_file_bytes);
    split(std::move(reads[i].diagnostics), reports[i]);
    if (reads[i].definitions) {
      split(parse::validate(*reads[i].definitions), reports[i]);
      std::vector<Diagnostic> cycles;
      exec::check_timer_cycles(files[i], *reads[i].definitions, options.min_timer_cycle_ms, cycles);
      split(std::move(cycles), reports[i]);
      api::check_form_data_classes(*reads[i].definitions, reports[i]);
      readable.push_back(reads[i].definitions.get());
    }
  }
  for (auto& d : parse::validate_across(readable)) {
    for (auto& report : reports) {
      if (report.file == d.file) {
        (d.severity == Severity::Error ? report.errors : report.warnings).push_back(d);
      }
    }
  }
  for (const auto& [i, t] : translations)
    check_translation(t.first, t.second, readable, forms_given, reports[i]);
  // Business rule tasks against the decisions of the DMN files given with them.
  for (std::size_t i = 0; any_dmn && i < files.size(); ++i) {
    if (!reads[i].definitions) continue;
    for (const auto& p : reads[i].definitions->processes) {
      for (const auto& e : p.elements) {
        const auto* d = e.as<model::DecisionSpec>();
        if (!d || d->decision_ref.empty() || expr::looks_like_expression(d->decision_ref) ||
            decision_ids.count(d->decision_ref))
          continue;
        reports[i].errors.push_back(Diagnostic{
            Severity::Error, files[i], e.pos, e.id, std::string(model::bpmn_name(e.type)),
            "decision '" + d->decision_ref + "' is in none of the DMN files given"});
      }
    }
  }
  for (auto& report : reports) {
    auto by_pos = [](const Diagnostic& a, const Diagnostic& b) {
      return std::tie(a.pos.line, a.pos.col) < std::tie(b.pos.line, b.pos.col);
    };
    std::stable_sort(report.errors.begin(), report.errors.end(), by_pos);
    std::stable_sort(report.warnings.begin(), report.warnings.end(), by_pos);
    report.valid = report.io_error.empty() && report.errors.empty();
  }
  return reports;
}

Result<nlohmann::json> inspect_file(const std::string& file, const ReadOptions& options) {
  auto bytes = read_file(file, options.max_file_bytes);
  if (!bytes) return fail(bytes.error());
  if (exec::is_dmn_file(fs::path(file).filename().string()))
    return inspect_dmn(file, std::move(*bytes), options.max_file_bytes);
  auto read = parse::read_bpmn(file, std::move(*bytes), options.max_file_bytes);
  if (!read.definitions) {
    const Diagnostic& d = read.diagnostics.front();
    return fail(Error{Errc::ParseError, d.to_string(), {}});
  }
  auto diagnostics = std::move(read.diagnostics);
  auto more = parse::validate(*read.definitions);
  diagnostics.insert(diagnostics.end(), more.begin(), more.end());
  nlohmann::json j = api::to_json(*read.definitions);
  nlohmann::json errors = nlohmann::json::array(), warnings = nlohmann::json::array();
  for (const auto& d : diagnostics) {
    nlohmann::json jd{{"line", d.pos.line},
                      {"col", d.pos.col},
                      {"element", d.element_id},
                      {"type", d.element_type},
                      {"message", d.message}};
    (d.severity == Severity::Error ? errors : warnings).push_back(std::move(jd));
  }
  // "errors" at top level are the file's BPMN <error> definitions; findings go here.
  j["diagnostics"] = {{"errors", std::move(errors)}, {"warnings", std::move(warnings)}};
  return j;
}

namespace {

// The process of `file` to compare: the one named, else the only executable one, else the only
// one. Keeps the definitions alive in `keep`.
Result<const model::ProcessDefinition*> process_of(
    const std::string& file, const std::string& id, const ReadOptions& options,
    std::shared_ptr<const model::Definitions>& keep) {
  auto bytes = read_file(file, options.max_file_bytes);
  if (!bytes) return fail(bytes.error());
  auto read = parse::read_bpmn(file, std::move(*bytes), options.max_file_bytes);
  if (!read.definitions) {
    const Diagnostic& d = read.diagnostics.front();
    return fail(Error{Errc::ParseError, d.to_string(), {}});
  }
  keep = read.definitions;
  const auto& all = keep->processes;
  if (!id.empty()) {
    if (const auto* p = keep->find_process(id)) return p;
    return fail(Errc::NotFound, file + ": there is no process '" + id + "'");
  }
  std::vector<const model::ProcessDefinition*> executable;
  for (const auto& p : all)
    if (p.executable) executable.push_back(&p);
  if (executable.size() == 1) return executable.front();
  if (executable.empty() && all.size() == 1) return &all.front();
  return fail(Errc::InvalidArgument,
              file + ": " +
                  (all.empty() ? std::string("has no process")
                               : "has several processes: name one (--process)"));
}

}  // namespace

Result<nlohmann::json> diff_files(const std::string& from, const std::string& to,
                                  const std::string& process_id, const ReadOptions& options) {
  std::shared_ptr<const model::Definitions> a, b;
  auto old_process = process_of(from, process_id, options, a);
  if (!old_process) return fail(old_process.error());
  auto new_process =
      process_of(to, process_id.empty() ? (*old_process)->id : process_id, options, b);
  if (!new_process) return fail(new_process.error());
  nlohmann::json out = api::diff_json(model::diff(**old_process, **new_process));
  out["from"] = {
      {"file", from}, {"process", (*old_process)->id}, {"versionTag", (*old_process)->version_tag}};
  out["to"] = {
      {"file", to}, {"process", (*new_process)->id}, {"versionTag", (*new_process)->version_tag}};
  return out;
}

}  // namespace elva
