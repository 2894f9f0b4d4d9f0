// Requests: the processes an employee may start, with their start forms, and the requests they
// started: where each stands, and withdrawing one (Engine's requests section; docs/api.md).
#include "server/routes/route.hpp"

namespace elva::server {

void add_request_routes(Routes& routes) {
  routes.add("GET", "/api/startable", "any", [](Call& c) -> Result<Response> {
    auto r = c.engine.startable(*c.who);
    if (!r) return fail(r.error());
    return ok(nlohmann::json{{"items", std::move(*r)}});
  });
  routes.add("GET", "/api/startable/{process}", "any", [](Call& c) -> Result<Response> {
    auto r = c.engine.start_form(*c.who, c.params["process"]);
    if (!r) return fail(r.error());
    return ok(*r);
  });
  routes.add("GET", "/api/requests", "any", [](Call& c) -> Result<Response> {
    std::string state;
    for (const auto& [k, v] : c.req.query) {
      if (k != "state")
        return fail(Errc::InvalidArgument,
                    "unknown query parameter '" + k +
                        "' (requests take state: active, completed or terminated)");
      state = v;
    }
    auto r = c.engine.requests(*c.who, state);
    if (!r) return fail(r.error());
    return ok(*r);
  });
  routes.add_by_id("POST", "/api/requests/{id}/withdraw", "any",
                   [](Call& c, std::uint64_t id) { return c.engine.withdraw(*c.who, id); });
}

}  // namespace elva::server
