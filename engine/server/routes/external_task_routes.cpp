// External workers: the Camunda 7 external-task API subset (/engine-rest/external-task).
#include "common/iso8601.hpp"
#include "server/routes/route.hpp"

namespace elva::server {
namespace {

using nlohmann::json;

}  // namespace

void add_external_task_routes(Routes& routes) {
  routes.add(
      "POST", "/engine-rest/external-task/fetchAndLock", "worker", [](Call& c) -> Result<Response> {
        auto b = c.body(
            {"workerId", "maxTasks", "usePriority", "asyncResponseTimeout", "topics", "sorting"});
        if (!b) return fail(b.error());
        auto wait_ms = int_field(*b, "asyncResponseTimeout", 0, 0, kMaxRequestDurationMs);
        if (!wait_ms) return fail(wait_ms.error());
        if (b->contains("usePriority") && !(*b)["usePriority"].is_boolean() &&
            !(*b)["usePriority"].is_null()) {
          return fail(field_error("usePriority", "must be true or false"));
        }
        auto r = c.engine.fetch_and_lock(*c.who, *b);
        if (!r) return fail(r.error());
        Response res = ok(*r);
        // Long polling: with asyncResponseTimeout, an empty answer waits for work (polled every
        // 200 ms without holding a worker) until the timeout.
        if (r->empty() && *wait_ms > 0) {
          const auto timeout = std::min<std::int64_t>(*wait_ms, 5 * 60'000);
          // The deadline is kept on the request the server calls us with again (the session owns
          // it; a client-sent header of that name is overwritten on the first call).
          auto& req = const_cast<Request&>(c.req);
          auto& deadline = req.headers["x-elva-internal-poll-deadline"];
          if (deadline.empty() || req.headers["x-elva-internal-poll-started"] != "1") {
            deadline = std::to_string(iso8601::now_millis() + timeout);
            req.headers["x-elva-internal-poll-started"] =
                std::string(1, '1');  // (GCC 12 -Wrestrict misfires on = "1")
          }
          res.retry_in_ms = 200;
          res.retry_until_ms = std::stoll(deadline);
        }
        return res;
      });
  // Every action on one external task: its id, the body with `allowed` fields, and the workerId
  // as a text (the lock it names is checked with the caller's account by the engine).
  auto external =
      [](Call& c, const std::set<std::string>& allowed,
         const std::function<Result<void>(std::uint64_t, const json&, const std::string&)>& f)
      -> Result<Response> {
    auto id = c.key("id");
    if (!id) return fail(id.error());
    auto b = c.body(allowed, false);
    if (!b) return fail(b.error());
    auto worker = text_field(*b, "workerId", false);
    if (!worker) return fail(worker.error());
    if (auto r = f(*id, *b, *worker); !r) return fail(r.error());
    return no_content();
  };
  routes.add("POST", "/engine-rest/external-task/{id}/complete", "worker",
             [external](Call& c) -> Result<Response> {
               return external(
                   c, {"workerId", "variables", "localVariables"},
                   [&](std::uint64_t id, const json& b, const std::string& worker) -> Result<void> {
                     auto vars = api_variables(b);
                     if (!vars) return fail(vars.error());
                     return c.engine.complete_external(*c.who, id, worker, *vars);
                   });
             });
  routes.add("POST", "/engine-rest/external-task/{id}/failure", "worker",
             [external](Call& c) -> Result<Response> {
               return external(
                   c,
                   {"workerId", "errorMessage", "errorDetails", "retries", "retryTimeout",
                    "variables", "localVariables"},
                   [&](std::uint64_t id, const json& b, const std::string& worker) -> Result<void> {
                     auto retries = int_field(b, "retries", -1, 0, 1000);
                     if (!retries) return fail(retries.error());
                     auto timeout = int_field(b, "retryTimeout", -1, 0, kMaxRequestDurationMs);
                     if (!timeout) return fail(timeout.error());
                     auto message = text_field(b, "errorMessage", false);
                     if (!message) return fail(message.error());
                     auto details = text_field(b, "errorDetails", false);
                     if (!details) return fail(details.error());
                     if (!details->empty()) message->append(" (").append(*details).append(")");
                     return c.engine.fail_external(*c.who, id, worker, *message,
                                                   static_cast<int>(*retries), *timeout);
                   });
             });
  routes.add("POST", "/engine-rest/external-task/{id}/bpmnError", "worker",
             [external](Call& c) -> Result<Response> {
               return external(
                   c, {"workerId", "errorCode", "errorMessage", "variables"},
                   [&](std::uint64_t id, const json& b, const std::string& worker) -> Result<void> {
                     auto vars = api_variables(b);
                     if (!vars) return fail(vars.error());
                     auto code = text_field(b, "errorCode", true);
                     if (!code) return fail(code.error());
                     auto message = text_field(b, "errorMessage", false);
                     if (!message) return fail(message.error());
                     return c.engine.bpmn_error_external(*c.who, id, worker, *code, *vars);
                   });
             });
  routes.add("POST", "/engine-rest/external-task/{id}/extendLock", "worker",
             [external](Call& c) -> Result<Response> {
               return external(
                   c, {"workerId", "newDuration"},
                   [&](std::uint64_t id, const json& b, const std::string& worker) -> Result<void> {
                     auto d = int_field(b, "newDuration", 0, 1, kMaxRequestDurationMs);
                     if (!d) return fail(d.error());
                     return c.engine.extend_lock(*c.who, id, worker, *d);
                   });
             });
  routes.add("POST", "/engine-rest/external-task/{id}/unlock", "worker",
             [external](Call& c) -> Result<Response> {
               return external(
                   c, {}, [&](std::uint64_t id, const json&, const std::string&) -> Result<void> {
                     return c.engine.unlock_external(*c.who, id);
                   });
             });
}

}  // namespace elva::server
