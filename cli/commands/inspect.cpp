// `elva inspect FILE`: what a BPMN file contains, as Elva reads it (text or JSON).
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "commands/commands.hpp"
#include "elva/bpmn.hpp"
#include "output.hpp"

namespace elva::cli {
namespace {

struct InspectArgs {
  std::string file;
  std::string format = "text";
  std::size_t max_size = ReadOptions{}.max_file_bytes;
};

std::string str(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

void print_element(const nlohmann::json& e, int depth) {
  std::ostringstream line;
  line << std::string(static_cast<std::size_t>(depth) * 2, ' ') << std::left << std::setw(24)
       << str(e, "type") << " " << e["id"].get<std::string>();
  if (auto name = str(e, "name"); !name.empty()) line << "  \"" << name << "\"";
  std::string extra;
  for (const auto& d : e["eventDefinitions"]) extra += " " + d["type"].get<std::string>();
  if (auto attached = str(e, "attachedTo"); !attached.empty()) extra += " on " + attached;
  if (e.contains("properties")) {
    const auto& p = e["properties"];
    if (p.contains("job")) extra += " job=" + p["job"]["type"].get<std::string>();
    if (p.contains("assignee")) extra += " assignee=" + p["assignee"].get<std::string>();
    if (p.contains("candidateGroups"))
      extra += " groups=" + p["candidateGroups"].get<std::string>();
    if (p.contains("calledElement")) extra += " calls=" + p["calledElement"].get<std::string>();
  }
  if (e.contains("loop")) extra += " [" + e["loop"]["type"].get<std::string>() + "]";
  std::cout << line.str() << (extra.empty() ? "" : "  [" + extra.substr(1) + "]") << "\n";
}

void print_scope(const nlohmann::json& process, const std::string& scope, int depth) {
  for (const auto& e : process["elements"]) {
    if (e["scope"] != scope) continue;
    print_element(e, depth);
    if (str(e, "type") == "subProcess" || str(e, "type") == "transaction" ||
        str(e, "type") == "adHocSubProcess") {
      print_scope(process, e["id"].get<std::string>(), depth + 1);
    }
  }
}

// A DMN file: each decision, its hit policy, inputs, outputs and rules, one line each.
void print_dmn(const nlohmann::json& j) {
  std::cout << j["file"].get<std::string>() << " (DMN)\n";
  for (const auto& d : j["decisions"]) {
    std::cout << "  decision " << d["id"].get<std::string>() << " \""
              << d["name"].get<std::string>() << "\"";
    if (!d["required"].empty()) std::cout << " requires " << d["required"].dump();
    if (d["kind"] == "literalExpression") {
      std::cout << ": " << d["expression"].get<std::string>() << "\n";
      continue;
    }
    std::cout << ": " << d["hitPolicy"].get<std::string>()
              << (d.contains("aggregation") ? " " + d["aggregation"].get<std::string>() : "")
              << "\n";
    std::string in, out;
    for (const auto& i : d["inputs"])
      in += (in.empty() ? "" : " | ") + i["expression"].get<std::string>();
    for (const auto& o : d["outputs"])
      out += (out.empty() ? "" : " | ") + o["name"].get<std::string>();
    std::cout << "    " << in << "  =>  " << out << "\n";
    for (const auto& r : d["rules"]) {
      std::string ins, outs;
      for (const auto& e : r["inputEntries"])
        ins += (ins.empty() ? "" : " | ") +
               (e.get<std::string>().empty() ? "-" : e.get<std::string>());
      for (const auto& e : r["outputEntries"])
        outs += (outs.empty() ? "" : " | ") + e.get<std::string>();
      std::cout << "    " << r["id"].get<std::string>() << ": " << ins << "  =>  " << outs << "\n";
    }
  }
  for (const auto& e : j["diagnostics"]["errors"]) std::cout << e.get<std::string>() << "\n";
}

void print_text(const nlohmann::json& j) {
  if (j.contains("decisions")) return print_dmn(j);
  std::cout << bold(j["file"].get<std::string>());
  if (auto exporter = str(j, "exporter"); !exporter.empty()) {
    std::cout << "  (made with " << exporter << " " << str(j, "exporterVersion") << ")";
  }
  std::cout << "\n";
  for (const auto& p : j["processes"]) {
    std::cout << "\nprocess " << bold(p["id"].get<std::string>());
    if (auto name = str(p, "name"); !name.empty()) std::cout << " \"" << name << "\"";
    std::cout << (p["isExecutable"].get<bool>() ? "  (executable)" : "  (not executable)") << "\n";
    print_scope(p, p["id"].get<std::string>(), 1);
    std::cout << "  " << p["sequenceFlows"].size() << " sequence flows, " << p["lanes"].size()
              << " lanes, " << p["dataElements"].size() << " data elements\n";
    if (auto ttl = str(p, "historyTimeToLive"); !ttl.empty())
      std::cout << "  retention " << ttl << " after the case ends\n";
    if (p.contains("dataClasses")) {
      std::cout << "  data classes:\n";
      for (const auto& d : p["dataClasses"]) {
        std::cout << "    " << d["variable"].get<std::string>() << ": " << str(d, "class");
        if (auto r = str(d, "retention"); !r.empty()) std::cout << ", retention " << r;
        if (d.value("subject", false)) std::cout << ", identifies the data subject";
        std::cout << "\n";
      }
    }
  }
  auto list = [&](const char* key, const char* label) {
    if (j[key].empty()) return;
    std::cout << "\n" << label << ":";
    for (const auto& m : j[key]) {
      std::cout << " " << m["id"].get<std::string>();
      if (auto name = str(m, "name"); !name.empty()) std::cout << " (" << name << ")";
    }
    std::cout << "\n";
  };
  list("messages", "messages");
  list("signals", "signals");
  list("errors", "errors");
  list("escalations", "escalations");
  std::cout << "\n"
            << j["diagnostics"]["errors"].size() << " errors, "
            << j["diagnostics"]["warnings"].size()
            << " warnings (run 'elva validate' to see them)\n";
}

int run(const InspectArgs& args) {
  auto j = inspect_file(args.file, ReadOptions{args.max_size});
  if (!j) {
    std::cerr << "elva inspect: " << j.error().message << "\n";
    return j.error().code == Errc::ParseError ? kExitFindings : kExitUsage;
  }
  if (args.format == "json") {
    std::cout << j->dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else {
    print_text(*j);
  }
  return kExitOk;
}

}  // namespace

void add_inspect(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<InspectArgs>();
  auto* cmd = app.add_subcommand(
      "inspect",
      "Show what a BPMN file contains as Elva reads it: processes, elements (with scope,\n"
      "flows, boundary attachments, event definitions and execution properties), messages,\n"
      "signals, errors. Exit codes: 0 read, 1 not a readable BPMN file, 2 usage or I/O error.");
  cmd->add_option("file", args->file, "A BPMN file")->required();
  cmd->add_option("--format", args->format, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  cmd->add_option("--max-size", args->max_size, "Largest file to read, in bytes")
      ->capture_default_str();
  cmd->callback([args, &exit_code] { exit_code = run(*args); });
}

}  // namespace elva::cli
