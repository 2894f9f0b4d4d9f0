// Deployments and process definitions.
#include "server/routes/route.hpp"

namespace elva::server {
namespace {

using nlohmann::json;

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
  auto definition = [](Call& c, bool xml) -> Result<Response> {
    int version = 0;
    if (auto v = c.req.query.find("version"); v != c.req.query.end()) {
      try {
        version = std::stoi(v->second);
      } catch (...) {
        return fail(Errc::InvalidArgument, "version must be a number");
      }
    }
    auto r = c.engine.definition(c.params["process"], version);
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
}

}  // namespace elva::server
