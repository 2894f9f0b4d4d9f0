// Stats: the performance figures of a process (docs/operations.md#stats), as `elva stats` shows,
// and the organisation as a network (#network), as `elva network` shows.
#include "server/routes/route.hpp"

namespace elva::server {
namespace {

using nlohmann::json;

}  // namespace

void add_stats_routes(Routes& routes) {
  routes.add("GET", "/api/stats/{process}", "developer", [](Call& c) -> Result<Response> {
    json query = json::object();
    for (const auto& [k, v] : c.req.query) {
      if (k != "from" && k != "to" && k != "by")
        return fail(field_error(k, "is not a stats parameter (from, to, by)"));
      query[k] = v;
    }
    if (query.contains("by") && query["by"] != "unit" && query["by"] != "")
      return fail(field_error("by", "must be unit"));
    auto r = c.engine.stats(c.params["process"], query);
    if (!r) return fail(r.error());
    return ok(*r);
  });
  // The organisation as a network (docs/operations.md#network); persons for administrators only.
  routes.add("GET", "/api/network", "developer", [](Call& c) -> Result<Response> {
    json query = json::object();
    std::string process;
    for (const auto& [k, v] : c.req.query) {
      if (k == "process") {
        process = v;
      } else if (k == "from" || k == "to") {
        query[k] = v;
      } else if (k == "people") {
        if (v != "true" && v != "false") return fail(field_error(k, "must be true or false"));
        query[k] = v == "true";
      } else {
        return fail(field_error(k, "is not a network parameter (process, from, to, people)"));
      }
    }
    if (query.value("people", false) && !c.who->is("admin")) {
      return fail(Errc::PermissionDenied,
                  "hand-offs between persons are for administrators; ask for units");
    }
    auto r = c.engine.network(process, query);
    if (!r) return fail(r.error());
    return ok(*r);
  });
}

}  // namespace elva::server
