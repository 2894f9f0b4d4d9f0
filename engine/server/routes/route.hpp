// What every REST route shares: the request in flight (Call) with its body and field checks,
// the route table (Routes: one add_X_routes per resource, in routes/*.cpp), and the one place
// an Error becomes an RFC 9457 problem+json answer (problem_of). Handlers return
// Result<Response>: an error value, never a status code chosen on the spot.
#pragma once

#include <climits>
#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "elva/engine.hpp"
#include "server/api.hpp"
#include "server/http_server.hpp"

namespace elva::server {

// An error with the HTTP status it answers, where the Errc alone does not say it (412, 415, 422).
Error with_status(Errc code, std::string message, int status);

// The one mapper: Errc -> status, the message as detail, "field.<name>" context as errors[],
// "retry-after" context as the Retry-After header. A 5xx answer shows no message (it may hold
// SQL, an exception's text, a database URL): a sentence and a correlation id, which `log` gets
// with the message, its quoted values removed.
Response problem_of(const Error& e, const std::string& instance,
                    const std::function<void(const std::string&)>& log = {});
// A problem answer made by the server itself (405, 404 of an unknown path, 503 ...).
Response problem(int status, const std::string& detail, const std::string& instance);

// Content-Type application/json, optionally with parameters (; charset=utf-8); nothing else.
bool is_json_media_type(const std::string& content_type);

Response ok(const nlohmann::json& body, int status = 200);
// No body and no Content-Type (camunda-external-task-client-js parses any application/json).
Response no_content();
// A weak ETag of a body; If-None-Match with it answers 304.
Response with_etag(const Request& req, Response r, const std::string& tag);
std::string body_etag(const std::string& body);

// One request in flight: what the route handlers see.
struct Call {
  const Request& req;
  Engine& engine;
  std::map<std::string, std::string> params;  // {name} segments of the route
  std::optional<Principal> who;
  std::string prefix;  // "/t/{tenant}" for a tenant, else ""; links in answers start with it

  // The JSON object body, with only `allowed` fields (415 for another Content-Type), under
  // Elva's JSON limits (elva/json_limits.hpp; its size is bounded by --http-body-limit already).
  // `max_text` is the longest text in it.
  Result<nlohmann::json> body(const std::set<std::string>& allowed, bool required = true,
                              std::size_t max_text = 1u << 20) const;
  // A numeric {name} segment.
  Result<std::uint64_t> key(const std::string& name) const;  // parse_key of a path parameter
};

// Field checks with messages that say which field and what it should be. Every refusal is a
// 400 with a "field.<name>" entry (errors[] in the answer), never echoing the value.
Error field_error(const std::string& field, const std::string& message);
Result<std::string> text_field(const nlohmann::json& j, const char* name, bool required,
                               const std::string& fallback = "");
Result<nlohmann::json> object_field(const nlohmann::json& j, const char* name);
// A whole number in [min, max] (a request field that becomes a duration, a count or a time is
// bounded here, so that no sum with it can overflow).
Result<std::int64_t> int_field(const nlohmann::json& j, const char* name, std::int64_t fallback,
                               std::int64_t min = INT32_MIN, std::int64_t max = INT32_MAX);
// The longest lock or wait a request may ask for, in milliseconds (7 days).
inline constexpr std::int64_t kMaxRequestDurationMs = 7LL * 24 * 3600 * 1000;
Result<std::int64_t> duration_ms(const std::string& iso, const char* name);
// Camunda's typed variables ({"name": {"value", "type"}}) in a request body, as plain JSON.
Result<nlohmann::json> api_variables(const nlohmann::json& body);
// j[name] when it is a text, else "" (nlohmann's value() throws on another type).
std::string text_or(const nlohmann::json& j, const char* name);

using RouteFn = std::function<Result<Response>(Call&)>;

struct Route {
  std::string method;
  std::vector<std::string> segments;  // "{name}" matches one segment
  std::string role;  // "": no login needed; "any": any logged-in user; "eservice": per form
  RouteFn handler;
};

// The route table the resource files add to.
class Routes {
 public:
  explicit Routes(const ApiOptions& api_options) : options(api_options) {}
  void add(std::string method, const std::string& path, std::string role, RouteFn handler);
  // A route on a resource with a numeric {id} answering JSON.
  void add_by_id(std::string method, const std::string& path, std::string role,
                 std::function<Result<nlohmann::json>(Call&, std::uint64_t)> handler);
  const std::vector<Route>& all() const { return routes_; }

  const ApiOptions& options;
  LoginGuard* guard = nullptr;  // set by the Api: every password check goes through it
  // Serves a built-in asset (the OpenAPI document): set by the Api.
  std::function<Response(const Request&, const std::string& path)> asset;

 private:
  std::vector<Route> routes_;
};

std::vector<std::string> split_path(const std::string& path);
bool match(const Route& r, const std::vector<std::string>& parts,
           std::map<std::string, std::string>& params);

// One per resource (routes/<resource>_routes.cpp).
void add_session_routes(Routes& routes);
void add_eservice_routes(Routes& routes);
void add_task_routes(Routes& routes);
void add_instance_routes(Routes& routes);
void add_definition_routes(Routes& routes);
void add_admin_routes(Routes& routes);
void add_migration_routes(Routes& routes);
void add_external_task_routes(Routes& routes);
void add_operation_routes(Routes& routes);
void add_request_routes(Routes& routes);
void add_stats_routes(Routes& routes);
void add_modeler_routes(Routes& routes);

// A key (instance, task, incident ...) written in a request: 1 to 19 digits, nothing else ("-5"
// is refused, not wrapped around to a huge number). `name` is for the error message.
Result<std::uint64_t> parse_key(const std::string& name, const std::string& text);

}  // namespace elva::server
