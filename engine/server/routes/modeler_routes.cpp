// Camunda Modeler deploys to Elva (docs/api.md#camunda-modeler): the part of the Camunda 7 REST API
// it calls when a process developer presses Deploy: the version, a connection check, and
// POST /engine-rest/deployment/create with the files as multipart/form-data.
#include <regex>

#include "common/iso8601.hpp"
#include "server/multipart.hpp"
#include "server/routes/route.hpp"

namespace elva::server {
namespace {

using nlohmann::json;

// The Camunda 7 REST API level whose deployment calls Elva answers.
constexpr const char* kCamundaRestLevel = "7.20.0";

// A refused deployment as Camunda 7 answers it (the modeler shows "message", and lists
// details[file].errors with their line and column): built from Elva's findings
// "file:line:col: element 'id' (type): what".
Response parse_exception(const Error& e) {
  json details = json::object();
  static const std::regex finding(R"(^(.+?):(\d+):(\d+): (?:element '([^']*)'[^:]*: )?(.*)$)");
  std::size_t from = 0;
  const std::string& text = e.message;
  while (from <= text.size()) {
    const auto eol = text.find('\n', from);
    const std::string line = text.substr(from, eol == std::string::npos ? eol : eol - from);
    std::smatch m;
    if (line.size() < 4096 && std::regex_match(line, m, finding)) {
      auto& file = details[m[1].str()];
      if (!file.contains("errors")) file = {{"errors", json::array()}, {"warnings", json::array()}};
      file["errors"].push_back(
          {{"message", m[5].str()},
           {"line", std::stoi(m[2].str())},
           {"column", std::stoi(m[3].str())},
           {"mainElementId", m[4].matched ? json(m[4].str()) : json()},
           {"elementIds", m[4].matched ? json::array({m[4].str()}) : json::array()}});
    }
    if (eol == std::string::npos) break;
    from = eol + 1;
  }
  Response r;
  r.status = 400;
  r.body = json{{"type", "ParseException"}, {"message", text}, {"details", details}}.dump();
  return r;
}

}  // namespace

void add_modeler_routes(Routes& routes) {
  routes.add("GET", "/engine-rest/version", "developer", [](Call&) -> Result<Response> {
    return ok({{"version", kCamundaRestLevel}});
  });
  // The modeler's connection check (maxResults=0). Elva keeps no deployment list of Camunda's
  // kind: the answer is always empty; GET /api/definitions has what is deployed.
  routes.add("GET", "/engine-rest/deployment", "developer",
             [](Call&) -> Result<Response> { return ok(json::array()); });
  routes.add(
      "POST", "/engine-rest/deployment/create", "developer", [](Call& c) -> Result<Response> {
        auto parts = parse_multipart(c.req.header("content-type"), c.req.body);
        if (!parts) {
          if (c.req.header("content-type").rfind("multipart/form-data", 0) != 0)
            return fail(Error{Errc::InvalidArgument,
                              "send the deployment as multipart/form-data, as Camunda Modeler does",
                              {{"status", "415"}}});
          return fail(parts.error());
        }
        std::string name, source;
        bool changed_only = false;
        std::vector<std::pair<std::string, std::string>> files;
        for (auto& p : *parts) {
          if (p.filename.empty()) {
            if (p.name == "deployment-name") name = p.body;
            if (p.name == "deployment-source") source = p.body;
            if (p.name == "deploy-changed-only") changed_only = p.body == "true";
            continue;  // tenant-id, enable-duplicate-filtering: Elva never deploys a file twice
          }
          // The file's own name (a path in it is not kept).
          const auto slash = p.filename.find_last_of("/\\");
          files.emplace_back(slash == std::string::npos ? p.filename : p.filename.substr(slash + 1),
                             std::move(p.body));
        }
        if (files.empty())
          return fail(Errc::InvalidArgument, "the deployment has no files (parts with a filename)");
        auto deployed = c.engine.deploy_files(files);
        if (!deployed) {
          if (deployed.error().code == Errc::ValidationError ||
              deployed.error().code == Errc::InvalidArgument ||
              deployed.error().code == Errc::ParseError)
            return parse_exception(deployed.error());
          return fail(deployed.error());
        }
        const std::string at = iso8601::format_utc(iso8601::now_millis());
        const std::string id = "elva-" + std::to_string(iso8601::now_millis());
        json definitions = json::object();
        for (const auto& p : (*deployed)["processes"]) {
          if (changed_only && p.value("unchanged", false)) continue;
          const std::string key = p.value("process", "");
          const int version = p.value("version", 0);
          const std::string def_id = key + ":" + std::to_string(version);
          definitions[def_id] = {{"id", def_id},
                                 {"key", key},
                                 {"name", p.value("name", key)},
                                 {"version", version},
                                 {"resource", p.value("file", "")},
                                 {"deploymentId", id},
                                 {"tenantId", nullptr},
                                 {"suspended", false},
                                 {"versionTag", nullptr},
                                 {"category", nullptr},
                                 {"description", nullptr},
                                 {"diagram", nullptr},
                                 {"historyTimeToLive", nullptr},
                                 {"startableInTasklist", true}};
        }
        return ok({{"id", id},
                   {"name", name.empty() ? json() : json(name)},
                   {"source", source.empty() ? json() : json(source)},
                   {"deploymentTime", at},
                   {"tenantId", nullptr},
                   {"links", json::array()},
                   {"deployedProcessDefinitions", definitions.empty() ? json() : definitions},
                   {"deployedCaseDefinitions", nullptr},
                   {"deployedDecisionDefinitions", nullptr},
                   {"deployedDecisionRequirementsDefinitions", nullptr},
                   {"elva", *deployed}});
      });
}

}  // namespace elva::server
