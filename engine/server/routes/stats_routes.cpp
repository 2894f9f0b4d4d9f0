// Stats: the performance figures of a process (docs/operations.md#stats), as `elva stats` shows.
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
}

}  // namespace elva::server
