// Deployments and process definitions.
#include "server/routes/route.hpp"

namespace elva::server {
namespace {

using nlohmann::json;

// ?version=N (absent: 0, the latest).
Result<int> version_of(const Call& c) {
  auto v = c.req.query.find("version");
  if (v == c.req.query.end()) return 0;
  try {
    std::size_t used = 0;
    const int n = std::stoi(v->second, &used);
    if (used == v->second.size() && n >= 0) return n;
  } catch (...) {
  }
  return fail(Errc::InvalidArgument, "version must be a number");
}

}  // namespace

void add_definition_routes(Routes& routes) {
  routes.add("POST", "/api/deployments", "developer", [](Call& c) -> Result<Response> {
    auto b = c.body({"files"});
    if (!b) return fail(b.error());
    if (!b->contains("files") || !(*b)["files"].is_array() || (*b)["files"].empty()) {
      return fail(Errc::InvalidArgument,
                  "files must be a non-empty list of {\"name\", \"content\"}");
    }
    std::vector<std::pair<std::string, std::string>> files;
    for (const auto& f : (*b)["files"]) {
      if (!f.is_object() || !f.contains("name") || !f["name"].is_string() ||
          !f.contains("content") || !f["content"].is_string()) {
        return fail(Errc::InvalidArgument, "each file needs a name and a content (both texts)");
      }
      files.emplace_back(f["name"].get<std::string>(), f["content"].get<std::string>());
    }
    auto r = c.engine.deploy_files(files);
    if (!r) return fail(r.error());
    return ok(*r, 201);
  });
  routes.add("GET", "/api/definitions", "developer", [](Call& c) -> Result<Response> {
    auto r = c.engine.definitions();
    if (!r) return fail(r.error());
    return ok(*r);
  });
  routes.add("GET", "/api/processes", "developer", [](Call& c) -> Result<Response> {
    auto r = c.engine.processes();
    if (!r) return fail(r.error());
    return ok(*r);
  });
  auto definition = [](Call& c, bool xml) -> Result<Response> {
    auto version = version_of(c);
    if (!version) return fail(version.error());
    auto r = c.engine.definition(c.params["process"], *version);
    if (!r) return fail(r.error());
    if (!xml) {
      r->erase("source");
      return ok(*r);
    }
    Response res;
    res.content_type = "application/xml";
    res.body = (*r)["source"].get<std::string>();
    return res;
  };
  routes.add("GET", "/api/definitions/{process}", "developer",
             [definition](Call& c) -> Result<Response> { return definition(c, false); });
  routes.add("GET", "/api/definitions/{process}/xml", "developer",
             [definition](Call& c) -> Result<Response> { return definition(c, true); });
  routes.add("GET", "/api/definitions/{process}/elements", "developer",
             [](Call& c) -> Result<Response> {
               auto version = version_of(c);
               if (!version) return fail(version.error());
               auto r = c.engine.element_counts(c.params["process"], *version);
               if (!r) return fail(r.error());
               return ok(*r);
             });
}

}  // namespace elva::server
