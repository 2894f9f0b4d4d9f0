// External workers: the Camunda 7 external-task API subset (/engine-rest/external-task).
#include "common/iso8601.hpp"
#include "server/routes/route.hpp"

namespace elva::server {
namespace {

using nlohmann::json;

}  // namespace

void add_external_task_routes(Routes& routes) {
  routes.add("POST", "/engine-rest/external-task/fetchAndLock", "worker", [](Call& c) -> Result<Response> {
    auto b = c.body({"workerId", "maxTasks", "usePriority", "asyncResponseTimeout", "topics", "sorting"});
    if (!b) return fail(b.error());
    auto r = c.engine.fetch_and_lock(*c.who, *b);
    if (!r) return fail(r.error());
    Response res = ok(*r);
    // Long polling: with asyncResponseTimeout, an empty answer waits for work (polled every
    // 200 ms without holding a worker) until the timeout.
    if (r->empty() && b->contains("asyncResponseTimeout") && (*b)["asyncResponseTimeout"].is_number_integer()) {
      const auto timeout = std::min<std::int64_t>((*b)["asyncResponseTimeout"].get<std::int64_t>(), 5 * 60'000);
      // The deadline is kept on the request the server calls us with again (the session owns it;
      // a client-sent header of that name is overwritten on the first call).
      auto& req = const_cast<Request&>(c.req);
      auto& deadline = req.headers["x-elva-internal-poll-deadline"];
      if (deadline.empty() || req.headers["x-elva-internal-poll-started"] != "1") {
        deadline = std::to_string(iso8601::now_millis() + timeout);
        req.headers["x-elva-internal-poll-started"] = "1";
      }
      res.retry_in_ms = 200;
      res.retry_until_ms = std::stoll(deadline);
    }
    return res;
  });
  auto external = [](Call& c, const std::set<std::string>& allowed, const std::function<Result<void>(std::uint64_t, const json&)>& f) -> Result<Response> {
    auto id = c.key("id");
    if (!id) return fail(id.error());
    auto b = c.body(allowed, false);
    if (!b) return fail(b.error());
    if (auto r = f(*id, *b); !r) return fail(r.error());
    return no_content();
  };
  routes.add("POST", "/engine-rest/external-task/{id}/complete", "worker", [external](Call& c) -> Result<Response> {
    return external(c, {"workerId", "variables", "localVariables"}, [&](std::uint64_t id, const json& b) -> Result<void> {
      auto vars = api_variables(b);
      if (!vars) return fail(vars.error());
      return c.engine.complete_external(id, text_or(b, "workerId"), *vars);
    });
  });
  routes.add("POST", "/engine-rest/external-task/{id}/failure", "worker", [external](Call& c) -> Result<Response> {
    return external(c, {"workerId", "errorMessage", "errorDetails", "retries", "retryTimeout", "variables", "localVariables"},
                    [&](std::uint64_t id, const json& b) -> Result<void> {
                      auto retries = int_field(b, "retries", -1);
                      if (!retries) return fail(retries.error());
                      auto timeout = int_field(b, "retryTimeout", -1);
                      if (!timeout) return fail(timeout.error());
                      std::string message = b.value("errorMessage", json()).is_string() ? b["errorMessage"].get<std::string>() : "";
                      if (b.contains("errorDetails") && b["errorDetails"].is_string()) message += " (" + b["errorDetails"].get<std::string>() + ")";
                      return c.engine.fail_external(id, text_or(b, "workerId"), message, static_cast<int>(*retries), *timeout);
                    });
  });
  routes.add("POST", "/engine-rest/external-task/{id}/bpmnError", "worker", [external](Call& c) -> Result<Response> {
    return external(c, {"workerId", "errorCode", "errorMessage", "variables"}, [&](std::uint64_t id, const json& b) -> Result<void> {
      auto vars = api_variables(b);
      if (!vars) return fail(vars.error());
      auto code = text_field(b, "errorCode", true);
      if (!code) return fail(code.error());
      return c.engine.bpmn_error_external(id, text_or(b, "workerId"), *code, *vars);
    });
  });
  routes.add("POST", "/engine-rest/external-task/{id}/extendLock", "worker", [external](Call& c) -> Result<Response> {
    return external(c, {"workerId", "newDuration"}, [&](std::uint64_t id, const json& b) -> Result<void> {
      auto d = int_field(b, "newDuration", 0);
      if (!d) return fail(d.error());
      return c.engine.extend_lock(id, text_or(b, "workerId"), *d);
    });
  });
  routes.add("POST", "/engine-rest/external-task/{id}/unlock", "worker", [external](Call& c) -> Result<Response> {
    return external(c, {}, [&](std::uint64_t id, const json&) -> Result<void> { return c.engine.unlock_external(id); });
  });
}

}  // namespace elva::server
