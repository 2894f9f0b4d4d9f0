// Instance migration (docs/operations.md#migration, docs/api.md): plan, dry run, run; admin only.
// Refusals are problem+json through problem_of (route.cpp) like every route's.
#include "server/routes/route.hpp"

namespace elva::server {
namespace {

using nlohmann::json;

// {"plan": {...}, "instances": "all"}: the plan object and the instance query.
Result<std::pair<json, std::string>> plan_and_query(const json& body) {
  auto plan = object_field(body, "plan");
  if (!plan) return fail(plan.error());
  if (plan->empty())
    return fail(field_error("plan", "is required: a plan from POST /api/migrations/plan"));
  auto instances = text_field(body, "instances", false, "all");
  if (!instances) return fail(instances.error());
  return std::pair{*plan, *instances};
}

}  // namespace

void add_migration_routes(Routes& routes) {
  routes.add("POST", "/api/migrations/plan", "admin", [](Call& c) -> Result<Response> {
    auto b = c.body({"process", "from", "to", "map", "timers", "timerRules"});
    if (!b) return fail(b.error());
    auto r = c.engine.migration_plan(*b);
    if (!r) return fail(r.error());
    return ok(*r);
  });
  routes.add("POST", "/api/migrations/dry-run", "admin", [](Call& c) -> Result<Response> {
    auto b = c.body({"plan", "instances"});
    if (!b) return fail(b.error());
    auto pq = plan_and_query(*b);
    if (!pq) return fail(pq.error());
    auto r = c.engine.migration_dry_run(pq->first, pq->second);
    if (!r) return fail(r.error());
    return ok(*r);
  });
  routes.add("POST", "/api/migrations", "admin", [](Call& c) -> Result<Response> {
    auto b = c.body({"plan", "instances", "reason"});
    if (!b) return fail(b.error());
    auto pq = plan_and_query(*b);
    if (!pq) return fail(pq.error());
    auto reason = text_field(*b, "reason", true);
    if (!reason) return fail(reason.error());
    auto r = c.engine.migration_run(pq->first, pq->second, *reason, 100, {});
    if (!r) return fail(r.error());
    return ok(*r);
  });
}

}  // namespace elva::server
