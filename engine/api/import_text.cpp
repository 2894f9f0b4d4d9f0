// The import report for people (import_report_text, elva/import.hpp).
#include <map>
#include <set>
#include <sstream>

#include "elva/import.hpp"

namespace elva {
namespace {

using nlohmann::json;

std::string names_with_places(const json& list) {
  std::map<std::string, std::vector<std::string>> by_name;
  for (const auto& item : list) {
    const std::string file = item["file"];
    by_name[item["name"]].push_back(file.substr(file.find_last_of('/') + 1) + ":" +
                                    std::to_string(item["line"].get<int>()) + " '" +
                                    item["element"].get<std::string>() + "'");
  }
  std::string out;
  for (const auto& [name, places] : by_name) {
    out += "\n    " + name + " (";
    for (std::size_t i = 0; i < places.size() && i < 3; ++i) out += (i ? ", " : "") + places[i];
    if (places.size() > 3) out += ", ...";
    out += ")";
  }
  return out;
}

}  // namespace

std::string import_report_text(const json& report) {
  std::ostringstream out;
  out << "Import report: " << report["files"].size() << " files"
      << (report["binding"].get<std::string>().empty()
              ? std::string(", no binding file")
              : ", binding " + report["binding"].get<std::string>())
      << "\n";
  for (const auto& f : report["files"]) {
    const std::string file = f["file"];
    out << "\n"
        << file << " (" << f["dialect"].get<std::string>()
        << "): " << f["verdict"].get<std::string>() << "\n";
    for (const auto& e : f["fileErrors"])
      out << "  " << file << ": " << e.get<std::string>() << "\n";
    int plain = 0;
    for (const auto& e : f["elements"]) {
      const std::string cls = e["class"];
      if (cls == "runs" && e["notes"].empty()) {
        ++plain;
        continue;
      }
      std::string head = "  " + file + ":" + std::to_string(e["line"].get<int>()) + ": element '" +
                         e["id"].get<std::string>() + "' (" + e["type"].get<std::string>() +
                         "): " + cls;
      if (e["notes"].empty()) {
        out << head << "\n";
        continue;
      }
      bool first = true;
      for (const auto& n : e["notes"]) {
        out << (first ? head + ": " : std::string(head.size() + 2, ' ')) << n.get<std::string>()
            << "\n";
        first = false;
      }
    }
    if (plain > 0) out << "  " << plain << " more elements run as they are\n";
  }
  const json& c = report["configure"];
  std::ostringstream need;
  auto section = [&](const char* key, const char* title) {
    if (c[key].empty()) return;
    need << "  " << title << ":" << names_with_places(c[key]) << "\n";
  };
  section("workerTopics", "external-worker topics (a worker must take each)");
  section("connectors", "connector operations (configured in elva.toml)");
  section("calledProcesses", "called processes that are not in the files (deploy them first)");
  section("messagesWithoutKeys",
          "messages without a correlation key (senders must name the business key)");
  section("groups", "groups named in the files (create them, or change the names)");
  section("users", "users named in the files");
  json unbound = json::array();
  for (const auto& b : c["bindings"])
    if (!b["bound"].get<bool>()) unbound.push_back(b);
  if (!unbound.empty()) {
    need << "  code to bind in elva-binding.toml (Java classes, beans, connector ids, job "
            "types):"
         << names_with_places(unbound) << "\n";
  }
  if (!need.str().empty()) out << "\nTo configure:\n" << need.str();
  const json& s = report["summary"];
  out << "\n"
      << s["executable"].get<int>() << " executable files: " << s["runs"].get<int>()
      << " run as they are, " << s["afterConfiguration"].get<int>() << " after configuration, "
      << s["degraded"].get<int>() << " degraded, " << s["notAtAll"].get<int>() << " not at all";
  if (s["descriptive"].get<int>() > 0)
    out << " (" << s["descriptive"].get<int>() << " descriptive files not counted)";
  out << "\n";
  const json& el = s["elements"];
  out << "Elements: " << el["runs"].get<int>() << " run, " << el["afterConfiguration"].get<int>()
      << " after configuration, " << el["degraded"].get<int>() << " degraded, "
      << el["doesNotRun"].get<int>() << " do not run, " << el["dropped"].get<int>() << " dropped\n";
  out << (report["deployable"].get<bool>()
              ? "The files can be deployed (elva import --deploy).\n"
              : "Nothing can be deployed until the errors are fixed.\n");
  return out.str();
}

}  // namespace elva
