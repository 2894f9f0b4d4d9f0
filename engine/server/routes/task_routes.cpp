// User tasks as employees see them: list, read, claim, hand back, delegate, complete; forms.
#include "server/routes/route.hpp"

namespace elva::server {
namespace {

using nlohmann::json;

}  // namespace

void add_task_routes(Routes& routes) {
  routes.add("GET", "/api/tasks", "any", [](Call& c) -> Result<Response> {
    json q = json::object();
    for (const auto& [k, v] : c.req.query) {
      static const std::set<std::string> texts = {"assignee", "candidateGroup", "processId",
                                                  "state",    "dueBefore",      "sort"};
      static const std::set<std::string> numbers = {"instance", "limit", "offset"};
      if (texts.count(k)) {
        q[k] = v;
      } else if (numbers.count(k)) {
        if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos) {
          return fail(Errc::InvalidArgument, k + " must be a whole number, not '" + v + "'");
        }
        q[k] = std::stoll(v);
      } else if (k == "overdue") {
        if (v != "true" && v != "false")
          return fail(Errc::InvalidArgument, "overdue must be true or false");
        q[k] = v == "true";
      } else {
        return fail(Errc::InvalidArgument,
                    "unknown query parameter '" + k +
                        "' (tasks take assignee, candidateGroup, processId, instance, state, "
                        "overdue, dueBefore, sort, limit, offset)");
      }
    }
    auto r = c.engine.tasks(*c.who, q);
    if (!r) return fail(r.error());
    return ok(*r);
  });
  routes.add("GET", "/api/tasks/{id}", "any", [](Call& c) -> Result<Response> {
    auto id = c.key("id");
    if (!id) return fail(id.error());
    auto r = c.engine.task(*c.who, *id);
    if (!r) return fail(r.error());
    const std::string tag =
        "\"t" + std::to_string(*id) + "-" + std::to_string((*r)["revision"].get<int>()) + "\"";
    return with_etag(c.req, ok(*r), tag);
  });
  // If-Match: "t<id>-<revision>" makes claim and complete conditional (412 when it moved on).
  auto expected_revision = [](const Call& c, std::uint64_t id) -> Result<int> {
    const std::string m = c.req.header("if-match");
    if (m.empty() || m == "*") return 0;
    const std::string prefix = "\"t" + std::to_string(id) + "-";
    if (m.rfind(prefix, 0) != 0 || m.back() != '"')
      return fail(Error{Errc::InvalidArgument, "If-Match must be this task's ETag", {}});
    try {
      return std::stoi(m.substr(prefix.size(), m.size() - prefix.size() - 1));
    } catch (...) {
      return fail(Errc::InvalidArgument, "If-Match must be this task's ETag");
    }
  };
  routes.add_by_id("POST", "/api/tasks/{id}/claim", "any",
                   [expected_revision](Call& c, std::uint64_t id) -> Result<json> {
                     auto rev = expected_revision(c, id);
                     if (!rev) return fail(rev.error());
                     return c.engine.claim(*c.who, id, *rev);
                   });
  routes.add_by_id("POST", "/api/tasks/{id}/unclaim", "any",
                   [](Call& c, std::uint64_t id) { return c.engine.unclaim(*c.who, id); });
  routes.add("POST", "/api/tasks/{id}/delegate", "any", [](Call& c) -> Result<Response> {
    auto id = c.key("id");
    if (!id) return fail(id.error());
    auto b = c.body({"user"});
    if (!b) return fail(b.error());
    auto to = text_field(*b, "user", true);
    if (!to) return fail(to.error());
    auto r = c.engine.delegate(*c.who, *id, *to);
    if (!r) return fail(r.error());
    return ok(*r);
  });
  routes.add("POST", "/api/tasks/{id}/complete", "any",
             [expected_revision](Call& c) -> Result<Response> {
               auto id = c.key("id");
               if (!id) return fail(id.error());
               auto b = c.body({"variables"}, false);
               if (!b) return fail(b.error());
               auto vars = object_field(*b, "variables");
               if (!vars) return fail(vars.error());
               auto rev = expected_revision(c, *id);
               if (!rev) return fail(rev.error());
               auto r = c.engine.complete_task(*c.who, *id, *vars, *rev);
               if (!r) return fail(r.error());
               return ok(*r);
             });
  routes.add("GET", "/api/forms/{key}", "any", [](Call& c) -> Result<Response> {
    auto r = c.engine.form(c.params["key"]);
    if (!r) return fail(r.error());
    return ok(*r);
  });
}

}  // namespace elva::server
