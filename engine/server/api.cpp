// Api (api.hpp): routes, authentication, JSON checks, problem+json answers.
#include "server/api.hpp"

#include <cctype>
#include <functional>
#include <mutex>
#include <set>
#include <string_view>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "common/iso8601.hpp"

namespace elva::server {
namespace {

using nlohmann::json;

int status_of(Errc code) {
  switch (code) {
    case Errc::InvalidArgument:
    case Errc::ParseError:
    case Errc::ExpressionError: return 400;
    case Errc::ValidationError: return 422;
    case Errc::NotFound: return 404;
    case Errc::Conflict: return 409;
    case Errc::StoreUnavailable: return 503;
    case Errc::ConnectorFailed: return 502;
    case Errc::Timeout: return 504;
    case Errc::Unauthenticated: return 401;
    case Errc::PermissionDenied: return 403;
    case Errc::Internal: return 500;
  }
  return 500;
}

const char* title_of(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 412: return "Precondition Failed";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return status >= 500 ? "Internal Server Error" : "Error";
  }
}

Response problem(int status, const std::string& detail, const std::string& instance, json extra = json::object()) {
  json body = {{"type", "about:blank"}, {"title", title_of(status)}, {"status", status}, {"detail", detail}, {"instance", instance}};
  for (auto& [k, v] : extra.items()) body[k] = v;
  Response r;
  r.status = status;
  r.content_type = "application/problem+json";
  r.body = body.dump();
  if (status == 401) r.headers["WWW-Authenticate"] = "Bearer realm=\"elva\"";
  return r;
}

Response problem_of(const Error& e, const std::string& instance) {
  json extra = json::object();
  extra["code"] = std::string(to_string(e.code));
  json errors = json::array();
  for (const auto& [k, v] : e.context) {
    if (k.rfind("field.", 0) == 0) errors.push_back({{"field", k.substr(6)}, {"message", v}});
  }
  if (!errors.empty()) extra["errors"] = std::move(errors);
  int status = status_of(e.code);
  for (const auto& [k, v] : e.context) if (k == "status") status = std::stoi(v);
  return problem(status, e.message, instance, std::move(extra));
}

Response ok(const json& body, int status = 200) {
  Response r;
  r.status = status;
  r.body = body.dump();
  return r;
}

// No body and no Content-Type (camunda-external-task-client-js parses any application/json).
Response no_content() {
  Response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

// A weak ETag of a body; If-None-Match with it answers 304.
Response with_etag(const Request& req, Response r, const std::string& tag) {
  r.headers["ETag"] = tag;
  if (req.header("if-none-match") == tag) {
    r.status = 304;
    r.body.clear();
  }
  return r;
}

std::string body_etag(const std::string& body) { return "W/\"" + std::to_string(std::hash<std::string>{}(body)) + "\""; }

struct Route;

// One request in flight: what the route handlers see.
struct Call {
  const Request& req;
  Engine& engine;
  std::map<std::string, std::string> params;  // {name} segments of the route
  std::optional<Principal> who;
  std::string prefix;  // "/t/{tenant}" for a tenant, else ""; links in answers start with it

  Result<json> body(const std::set<std::string>& allowed, bool required = true) const {
    if (req.body.empty()) {
      if (required) return fail(Errc::InvalidArgument, "the request needs a JSON body");
      return json::object();
    }
    const std::string type = req.header("content-type");
    if (type.rfind("application/json", 0) != 0) {
      return fail(Error{Errc::InvalidArgument, "send the body as JSON (Content-Type: application/json), not '" + type + "'", {{"status", "415"}}});
    }
    auto j = json::parse(req.body, nullptr, false);
    if (j.is_discarded()) return fail(Errc::InvalidArgument, "the body is not valid JSON");
    if (!j.is_object()) return fail(Errc::InvalidArgument, "the body must be a JSON object");
    for (const auto& [k, v] : j.items()) {
      if (!allowed.count(k)) {
        std::string list;
        for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
        return fail(Errc::InvalidArgument, "unknown field '" + k + "' (this request takes: " + list + ")");
      }
    }
    return j;
  }

  Result<std::uint64_t> key(const std::string& name) const {
    const std::string& text = params.at(name);
    if (text.empty() || text.size() > 19 || text.find_first_not_of("0123456789") != std::string::npos) {
      return fail(Errc::InvalidArgument, name + " must be a number, not '" + text + "'");
    }
    return std::stoull(text);
  }
};

// Field type checks with messages that say which field and what it should be.
Result<std::string> text_field(const json& j, const char* name, bool required, const std::string& fallback = "") {
  if (!j.contains(name) || j[name].is_null()) {
    if (required) return fail(Errc::InvalidArgument, std::string(name) + " is required");
    return fallback;
  }
  if (!j[name].is_string()) return fail(Errc::InvalidArgument, std::string(name) + " must be a text, not " + j[name].type_name());
  return j[name].get<std::string>();
}

Result<json> object_field(const json& j, const char* name) {
  if (!j.contains(name) || j[name].is_null()) return json::object();
  if (!j[name].is_object()) return fail(Errc::InvalidArgument, std::string(name) + " must be a JSON object, not " + j[name].type_name());
  return j[name];
}

Result<std::int64_t> int_field(const json& j, const char* name, std::int64_t fallback) {
  if (!j.contains(name) || j[name].is_null()) return fallback;
  if (!j[name].is_number_integer()) return fail(Errc::InvalidArgument, std::string(name) + " must be a whole number");
  return j[name].get<std::int64_t>();
}

Result<std::int64_t> duration_ms(const std::string& iso, const char* name) {
  auto d = iso8601::parse_duration(iso);
  if (!d) return fail(Errc::InvalidArgument, std::string(name) + " '" + iso + "' is not an ISO 8601 duration such as PT1H");
  return iso8601::add(0, *d);
}

// Camunda's typed variables ({"name": {"value", "type"}}) in a request body, as plain JSON.
Result<json> api_variables(const json& body) {
  json out = json::object();
  for (const char* field : {"variables", "localVariables"}) {
    if (!body.contains(field) || body[field].is_null()) continue;
    const json& typed = body[field];
    if (!typed.is_object()) return fail(Errc::InvalidArgument, std::string(field) + " must be an object of {\"value\", \"type\"} entries");
    for (const auto& [name, v] : typed.items()) {
      if (!v.is_object()) return fail(Errc::InvalidArgument, "variable '" + name + "' must be an object with a value (and a type)");
      std::string type = v.value("type", "");
      for (auto& ch : type) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      const json value = v.value("value", json());
      if ((type == "json" || type == "object") && value.is_string()) {
        auto parsed = json::parse(value.get<std::string>(), nullptr, false);
        if (parsed.is_discarded()) return fail(Errc::InvalidArgument, "variable '" + name + "' has type " + v.value("type", "") + " but its value is not JSON");
        out[name] = std::move(parsed);
      } else if (type == "file" || type == "bytes") {
        return fail(Errc::InvalidArgument, "variable '" + name + "' is a " + type + "; Elva's external-task API takes JSON values only");
      } else {
        out[name] = value;
      }
    }
  }
  return out;
}

using RouteFn = std::function<Response(Call&)>;

// A route on a resource with a numeric {id}: parses it, calls `f`, answers its JSON or problem.
RouteFn by_id(std::function<Result<json>(Call&, std::uint64_t)> f) {
  return [f = std::move(f)](Call& c) {
    auto id = c.key("id");
    if (!id) return problem_of(id.error(), c.req.path);
    auto r = f(c, *id);
    if (!r) return problem_of(r.error(), c.req.path);
    return ok(*r);
  };
}

struct Route {
  std::string method;
  std::vector<std::string> segments;  // "{name}" matches one segment
  std::string role;                   // "" : no login needed; "any": any logged-in user
  RouteFn handler;
};

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> out;
  std::size_t start = 1;
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    out.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  if (!out.empty() && out.back().empty()) out.pop_back();
  return out;
}

bool match(const Route& r, const std::vector<std::string>& parts, std::map<std::string, std::string>& params) {
  if (r.segments.size() != parts.size()) return false;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const auto& s = r.segments[i];
    if (s.size() > 2 && s.front() == '{' && s.back() == '}') {
      params[s.substr(1, s.size() - 2)] = parts[i];
    } else if (s != parts[i]) {
      return false;
    }
  }
  return true;
}

// Basic and Bearer credentials.
std::string base64_decode(const std::string& in) {
  static const std::string chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int val = 0, bits = -8;
  for (char c : in) {
    auto pos = chars.find(c);
    if (pos == std::string::npos) break;
    val = (val << 6) + static_cast<int>(pos);
    bits += 6;
    if (bits >= 0) {
      out += static_cast<char>((val >> bits) & 0xFF);
      bits -= 8;
    }
  }
  return out;
}

}  // namespace

struct Api::Impl {
  std::map<std::string, std::vector<std::unique_ptr<Engine>>> tenants;  // "" is the default database
  ApiOptions options;
  std::vector<Route> routes;
  std::mutex basic_mutex;
  std::unordered_map<std::string, std::pair<Principal, std::int64_t>> basic_cache;  // header -> (who, until)

  Result<Principal> authenticate(const Request& req, Engine& engine, const std::string& tenant) {
    const std::string auth = req.header("authorization");
    if (auth.rfind("Bearer ", 0) == 0) return engine.authenticate(auth.substr(7));
    if (auth.rfind("Basic ", 0) == 0) {
      const std::string cache_key = tenant + '\n' + auth;  // the same user name in two tenants is two people
      {
        std::lock_guard<std::mutex> lock(basic_mutex);
        auto it = basic_cache.find(cache_key);
        if (it != basic_cache.end() && it->second.second > iso8601::now_millis()) return it->second.first;
      }
      const std::string pair = base64_decode(auth.substr(6));
      const auto colon = pair.find(':');
      if (colon == std::string::npos) return fail(Errc::Unauthenticated, "Basic credentials must be user:password");
      auto who = engine.authenticate_password(pair.substr(0, colon), pair.substr(colon + 1));
      if (!who) return who;
      std::lock_guard<std::mutex> lock(basic_mutex);
      if (basic_cache.size() > 1000) basic_cache.clear();
      basic_cache[cache_key] = {*who, iso8601::now_millis() + options.basic_auth_cache_ms};
      return who;
    }
    if (auth.empty()) return fail(Errc::Unauthenticated, "log in first: send Authorization: Bearer <token> (POST /api/login gives one)");
    return fail(Errc::Unauthenticated, "the Authorization header must be Bearer <token> or Basic <user:password>");
  }

  void add(std::string method, const std::string& path, std::string role, RouteFn h) {
    routes.push_back({std::move(method), split_path(path), std::move(role), std::move(h)});
  }

  void build();
  Response handle(const Request& req, int worker);
  Response asset(const Request& req, const std::string& path, const std::string& prefix);
};

Api::Api(std::vector<Tenant> tenants, ApiOptions options) : impl_(std::make_unique<Impl>()) {
  for (auto& t : tenants) impl_->tenants[t.name] = std::move(t.engines);
  impl_->options = options;
  impl_->build();
}

Api::~Api() = default;

Response Api::handle(const Request& request, int worker) { return impl_->handle(request, worker); }

Response Api::Impl::handle(const Request& req, int worker) {
  // /t/{tenant}/... is the same API and task list on that tenant's database.
  std::string path = req.path;
  std::string tenant, prefix;
  if (path.rfind("/t/", 0) == 0) {
    const auto end = path.find('/', 3);
    tenant = path.substr(3, end == std::string::npos ? std::string::npos : end - 3);
    prefix = "/t/" + tenant;
    path = end == std::string::npos ? "/" : path.substr(end);
    if (tenant.empty() || !tenants.count(tenant)) return problem(404, "there is no tenant '" + tenant + "' on this server", req.path);
  }
  const bool api = path.rfind("/api/", 0) == 0 || path.rfind("/engine-rest/", 0) == 0 || path.rfind("/eservice/", 0) == 0;
  if (!api) return asset(req, path, prefix);
  auto& engines = tenants.at(tenant);
  Engine& engine = *engines.at(static_cast<std::size_t>(worker) % engines.size());
  const auto parts = split_path(path);
  bool path_known = false;
  std::set<std::string> methods;
  for (const auto& r : routes) {
    std::map<std::string, std::string> params;
    if (!match(r, parts, params)) continue;
    path_known = true;
    methods.insert(r.method);
    if (r.method != req.method) continue;
    Call call{req, engine, std::move(params), std::nullopt, prefix};
    std::string role = r.role;
    if (role == "eservice") {  // per form: anonymous intake, or the portal system (worker role)
      const auto form = call.params["form"];
      if (!options.eservice.is_object() || !options.eservice.contains(form)) {
        return problem(404, "there is no e-service form '" + form + "' here (forms are configured in elva.toml [eservice.<form>])", req.path);
      }
      role = options.eservice[form].value("anonymous", false) ? "" : "worker";
    }
    if (!role.empty()) {
      auto who = authenticate(req, engine, tenant);
      if (!who) return problem_of(who.error(), req.path);
      who->tenant = tenant;
      if (role != "any" && !who->is(role)) {
        return problem(403, "this needs the " + role + " role; you (" + who->user + ") have " +
                                (who->roles.empty() ? std::string("none") : json(who->roles).dump()), req.path);
      }
      call.who = std::move(*who);
      engine.set_actor("user:" + call.who->user);
    } else {
      engine.set_actor("api");
    }
    return r.handler(call);
  }
  if (path_known) {
    std::string allow;
    for (const auto& m : methods) allow += (allow.empty() ? "" : ", ") + m;
    auto p = problem(405, req.method + " is not allowed here (allowed: " + allow + ")", req.path);
    p.headers["Allow"] = allow;
    return p;
  }
  return problem(404, "there is no API resource " + req.path + " (see /api/openapi.json)", req.path);
}

Response Api::Impl::asset(const Request& req, const std::string& asked, const std::string& prefix) {
  if (req.method != "GET" && req.method != "HEAD") return problem(405, "only GET reads pages", req.path);
  std::string path = asked;
  if (path == "/" || path == "/tasklist") {
    Response r;
    r.status = 302;
    r.content_type = "text/plain";
    r.headers["Location"] = prefix + "/tasklist/";
    return r;
  }
  if (!path.empty() && path.back() == '/') path += "index.html";
  for (const auto& a : assets()) {
    if (path != a.path) continue;
    Response r;
    r.content_type = a.content_type;
    r.body.assign(a.data, a.size);
    r.headers["Cache-Control"] = "no-cache";
    r.headers["X-Content-Type-Options"] = "nosniff";
    r.headers["Content-Security-Policy"] = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'";
    return with_etag(req, std::move(r), body_etag(std::string(a.data, a.size)));
  }
  Response r = problem(404, "there is no page " + req.path, req.path);
  return r;
}

void Api::Impl::build() {
  // --- Open routes
  add("GET", "/api/health", "", [](Call& c) {
    auto s = c.engine.db_status();
    if (!s) return problem_of(s.error(), c.req.path);
    return ok({{"status", "up"}, {"database", (*s)["database"]}, {"schema", (*s)["current"]}});
  });
  add("GET", "/api/openapi.json", "", [this](Call& c) { return asset(c.req, "/openapi.json", ""); });
  add("POST", "/api/login", "", [this](Call& c) {
    auto b = c.body({"username", "password"});
    if (!b) return problem_of(b.error(), c.req.path);
    auto user = text_field(*b, "username", true);
    if (!user) return problem_of(user.error(), c.req.path);
    auto password = text_field(*b, "password", true);
    if (!password) return problem_of(password.error(), c.req.path);
    auto s = c.engine.login(*user, *password, options.session_ttl_ms);
    if (!s) return problem_of(s.error(), c.req.path);
    return ok(*s);
  });

  // --- E-service intake: the citizen portal posts applications (docs/connectors.md#eservice).
  add("POST", "/eservice/{form}", "eservice", [this](Call& c) {
    const std::string form = c.params["form"];
    const json spec = options.eservice[form];
    auto b = c.body({"data", "applicant", "attachments", "case"});
    if (!b) return problem_of(b.error(), c.req.path);
    Engine::EserviceSubmission s;
    s.form = form;
    s.spec = spec;
    s.idempotency_key = c.req.header("idempotency-key");
    if (s.idempotency_key.size() > 200) return problem(400, "the Idempotency-Key header is longer than 200 characters", c.req.path);
    for (const char* k : {"data", "applicant"}) {
      if (!b->contains(k)) continue;
      if (!(*b)[k].is_object()) return problem(400, std::string(k) + " must be a JSON object", c.req.path);
      (std::string(k) == "data" ? s.data : s.applicant) = (*b)[k];
    }
    if (b->contains("case")) {
      if (!(*b)["case"].is_string()) return problem(400, "case must be the receipt number of the earlier application", c.req.path);
      s.case_receipt = (*b)["case"];
    }
    const auto limit = spec.value("max_attachment_bytes", static_cast<std::int64_t>(10) << 20);
    json errors = json::array();
    for (const auto& a : b->value("attachments", json::array())) {
      const std::size_t i = s.attachments.size();
      const std::string where = "attachments[" + std::to_string(i) + "]";
      if (!a.is_object() || !a.contains("name") || !a["name"].is_string() || !a.contains("content") || !a["content"].is_string()) {
        errors.push_back({{"field", where}, {"message", "needs name and content (base64)"}});
        s.attachments.push_back({});
        continue;
      }
      std::string encoded = a["content"];
      // MIME-style base64 wraps lines; the line breaks are not data.
      encoded.erase(std::remove_if(encoded.begin(), encoded.end(), [](char ch) { return ch == '\r' || ch == '\n'; }), encoded.end());
      if (encoded.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=\r\n") != std::string::npos) {
        errors.push_back({{"field", where + ".content"}, {"message", "is not base64"}});
      }
      // The content type itself (a media type, RFC 9110) is checked by Engine::eservice_submit.
      const bool typed = a.contains("contentType") && !a["contentType"].is_null();
      if (typed && !a["contentType"].is_string()) errors.push_back({{"field", where + ".contentType"}, {"message", "must be a text"}});
      Engine::EserviceAttachment file{a["name"], typed && a["contentType"].is_string() ? a["contentType"].get<std::string>() : "application/octet-stream",
                                      base64_decode(encoded)};
      if (static_cast<std::int64_t>(file.content.size()) > limit) {
        errors.push_back({{"field", where + ".content"}, {"message", "is larger than " + std::to_string(limit) + " bytes"}});
      }
      s.attachments.push_back(std::move(file));
    }
    if (!errors.empty()) return problem(422, "some attachments are not acceptable", c.req.path, {{"errors", errors}});
    auto r = c.engine.eservice_submit(s);
    if (!r) return problem_of(r.error(), c.req.path);
    return ok(*r, (*r)["repeated"].get<bool>() ? 200 : 201);
  });
  add("GET", "/api/attachments/{id}", "developer", [](Call& c) {
    auto id = c.key("id");
    if (!id) return problem_of(id.error(), c.req.path);
    auto a = c.engine.attachment(*id);
    if (!a) return problem_of(a.error(), c.req.path);
    Response r;
    r.content_type = (*a)["contentType"];
    r.body = (*a)["content"].get<std::string>();
    // The name is the applicant's: RFC 6266 with an ASCII fallback and the exact name in
    // RFC 8187 (5987) form, so no byte of it reaches the header as it is.
    const std::string name = (*a)["name"];
    std::string ascii, exact;
    for (unsigned char ch : name) {
      ascii += ch < 0x20 || ch >= 0x7f || ch == '"' || ch == '\\' || ch == '%' || ch == '/' ? '_' : static_cast<char>(ch);
      if (std::isalnum(ch) || std::string_view("!#$&+-.^_`|~").find(static_cast<char>(ch)) != std::string_view::npos) {
        exact += static_cast<char>(ch);
      } else {
        static const char* hex = "0123456789ABCDEF";
        exact += '%';
        exact += hex[ch >> 4];
        exact += hex[ch & 15];
      }
    }
    r.headers["Content-Disposition"] = "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + exact;
    r.headers["X-Content-Type-Options"] = "nosniff";
    r.headers["X-Elva-Receipt"] = (*a)["receipt"];
    return r;
  });

  // --- Anyone logged in
  add("POST", "/api/logout", "any", [](Call& c) {
    const std::string auth = c.req.header("authorization");
    if (auth.rfind("Bearer ", 0) == 0) {
      if (auto r = c.engine.logout(auth.substr(7)); !r) return problem_of(r.error(), c.req.path);
    }
    return no_content();
  });
  add("GET", "/api/me", "any", [](Call& c) { return ok(c.who->to_json()); });
  add("GET", "/api/tasks", "any", [](Call& c) {
    json q = json::object();
    for (const auto& [k, v] : c.req.query) {
      static const std::set<std::string> texts = {"assignee", "candidateGroup", "processId", "state", "dueBefore", "sort"};
      static const std::set<std::string> numbers = {"instance", "limit", "offset"};
      if (texts.count(k)) {
        q[k] = v;
      } else if (numbers.count(k)) {
        if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos) {
          return problem(400, k + " must be a whole number, not '" + v + "'", c.req.path);
        }
        q[k] = std::stoll(v);
      } else if (k == "overdue") {
        if (v != "true" && v != "false") return problem(400, "overdue must be true or false", c.req.path);
        q[k] = v == "true";
      } else {
        return problem(400, "unknown query parameter '" + k + "' (tasks take assignee, candidateGroup, processId, instance, state, "
                            "overdue, dueBefore, sort, limit, offset)", c.req.path);
      }
    }
    auto r = c.engine.tasks(*c.who, q);
    if (!r) return problem_of(r.error(), c.req.path);
    return ok(*r);
  });
  add("GET", "/api/tasks/{id}", "any", [](Call& c) {
    auto id = c.key("id");
    if (!id) return problem_of(id.error(), c.req.path);
    auto r = c.engine.task(*c.who, *id);
    if (!r) return problem_of(r.error(), c.req.path);
    const std::string tag = "\"t" + std::to_string(*id) + "-" + std::to_string((*r)["revision"].get<int>()) + "\"";
    return with_etag(c.req, ok(*r), tag);
  });
  // If-Match: "t<id>-<revision>" makes claim and complete conditional (412 when it moved on).
  auto expected_revision = [](const Call& c, std::uint64_t id) -> Result<int> {
    const std::string m = c.req.header("if-match");
    if (m.empty() || m == "*") return 0;
    const std::string prefix = "\"t" + std::to_string(id) + "-";
    if (m.rfind(prefix, 0) != 0 || m.back() != '"') return fail(Error{Errc::InvalidArgument, "If-Match must be this task's ETag", {}});
    try {
      return std::stoi(m.substr(prefix.size(), m.size() - prefix.size() - 1));
    } catch (...) {
      return fail(Errc::InvalidArgument, "If-Match must be this task's ETag");
    }
  };
  add("POST", "/api/tasks/{id}/claim", "any", by_id([expected_revision](Call& c, std::uint64_t id) -> Result<json> {
    auto rev = expected_revision(c, id);
    if (!rev) return fail(rev.error());
    return c.engine.claim(*c.who, id, *rev);
  }));
  add("POST", "/api/tasks/{id}/unclaim", "any", by_id([](Call& c, std::uint64_t id) { return c.engine.unclaim(*c.who, id); }));
  add("POST", "/api/tasks/{id}/delegate", "any", [](Call& c) {
    auto id = c.key("id");
    if (!id) return problem_of(id.error(), c.req.path);
    auto b = c.body({"user"});
    if (!b) return problem_of(b.error(), c.req.path);
    auto to = text_field(*b, "user", true);
    if (!to) return problem_of(to.error(), c.req.path);
    auto r = c.engine.delegate(*c.who, *id, *to);
    if (!r) return problem_of(r.error(), c.req.path);
    return ok(*r);
  });
  add("POST", "/api/tasks/{id}/complete", "any", [expected_revision](Call& c) {
    auto id = c.key("id");
    if (!id) return problem_of(id.error(), c.req.path);
    auto b = c.body({"variables"}, false);
    if (!b) return problem_of(b.error(), c.req.path);
    auto vars = object_field(*b, "variables");
    if (!vars) return problem_of(vars.error(), c.req.path);
    auto rev = expected_revision(c, *id);
    if (!rev) return problem_of(rev.error(), c.req.path);
    if (*rev) {
      auto now = c.engine.task(*c.who, *id);
      if (!now) return problem_of(now.error(), c.req.path);
      if ((*now)["revision"].get<int>() != *rev) return problem(412, "the task changed since you read it; reload it", c.req.path);
    }
    auto r = c.engine.complete_task(*c.who, *id, *vars);
    if (!r) return problem_of(r.error(), c.req.path);
    return ok(*r);
  });
  add("GET", "/api/forms/{key}", "any", [](Call& c) {
    auto r = c.engine.form(c.params["key"]);
    if (!r) return problem_of(r.error(), c.req.path);
    return ok(*r);
  });
  add("POST", "/api/instances", "employee", [](Call& c) {
    auto b = c.body({"process", "variables", "businessKey"});
    if (!b) return problem_of(b.error(), c.req.path);
    auto process = text_field(*b, "process", true);
    if (!process) return problem_of(process.error(), c.req.path);
    auto vars = object_field(*b, "variables");
    if (!vars) return problem_of(vars.error(), c.req.path);
    auto key = text_field(*b, "businessKey", false);
    if (!key) return problem_of(key.error(), c.req.path);
    auto r = c.engine.start(*process, *vars, *key);
    if (!r) return problem_of(r.error(), c.req.path);
    Response res = ok(*r, 201);
    res.headers["Location"] = c.prefix + "/api/instances/" + std::to_string((*r)["id"].get<std::uint64_t>());
    return res;
  });

  // --- Process developers
  add("POST", "/api/deployments", "developer", [](Call& c) {
    auto b = c.body({"files"});
    if (!b) return problem_of(b.error(), c.req.path);
    if (!b->contains("files") || !(*b)["files"].is_array() || (*b)["files"].empty()) {
      return problem(400, "files must be a non-empty list of {\"name\", \"content\"}", c.req.path);
    }
    std::vector<std::pair<std::string, std::string>> files;
    for (const auto& f : (*b)["files"]) {
      if (!f.is_object() || !f.contains("name") || !f["name"].is_string() || !f.contains("content") || !f["content"].is_string()) {
        return problem(400, "each file needs a name and a content (both texts)", c.req.path);
      }
      files.emplace_back(f["name"].get<std::string>(), f["content"].get<std::string>());
    }
    auto r = c.engine.deploy_files(files);
    if (!r) return problem_of(r.error(), c.req.path);
    return ok(*r, 201);
  });
  add("GET", "/api/definitions", "developer", [](Call& c) {
    auto r = c.engine.definitions();
    if (!r) return problem_of(r.error(), c.req.path);
    return ok(*r);
  });
  auto definition = [](Call& c, bool xml) {
    int version = 0;
    if (auto v = c.req.query.find("version"); v != c.req.query.end()) {
      try {
        version = std::stoi(v->second);
      } catch (...) {
        return problem(400, "version must be a number", c.req.path);
      }
    }
    auto r = c.engine.definition(c.params["process"], version);
    if (!r) return problem_of(r.error(), c.req.path);
    if (!xml) {
      r->erase("source");
      return ok(*r);
    }
    Response res;
    res.content_type = "application/xml";
    res.body = (*r)["source"].get<std::string>();
    return res;
  };
  add("GET", "/api/definitions/{process}", "developer", [definition](Call& c) { return definition(c, false); });
  add("GET", "/api/definitions/{process}/xml", "developer", [definition](Call& c) { return definition(c, true); });
  add("GET", "/api/instances", "developer", [](Call& c) {
    std::string process, status;
    int limit = 50;
    for (const auto& [k, v] : c.req.query) {
      if (k == "process") process = v;
      else if (k == "status") status = v;
      else if (k == "limit") {
        try { limit = std::stoi(v); } catch (...) { return problem(400, "limit must be a number", c.req.path); }
        if (limit < 1 || limit > 1000) return problem(400, "limit must be between 1 and 1000", c.req.path);
      } else {
        return problem(400, "unknown query parameter '" + k + "' (instances take process, status, limit)", c.req.path);
      }
    }
    auto r = c.engine.instances(process, status, limit);
    if (!r) return problem_of(r.error(), c.req.path);
    return ok(json{{"items", *r}, {"limit", limit}});
  });
  add("GET", "/api/instances/{id}", "developer", [](Call& c) {
    auto id = c.key("id");
    if (!id) return problem_of(id.error(), c.req.path);
    auto r = c.engine.instance(*id);
    if (!r) return problem_of(r.error(), c.req.path);
    Response res = ok(*r);
    return with_etag(c.req, res, body_etag(res.body));
  });
  add("GET", "/api/instances/{id}/variables", "developer", [](Call& c) {
    auto id = c.key("id");
    if (!id) return problem_of(id.error(), c.req.path);
    auto r = c.engine.instance(*id);
    if (!r) return problem_of(r.error(), c.req.path);
    Response res = ok((*r)["variables"]);
    return with_etag(c.req, res, body_etag(res.body));
  });
  add("GET", "/api/instances/{id}/history", "developer", by_id([](Call& c, std::uint64_t id) -> Result<json> {
    auto r = c.engine.instance(id);
    if (!r) return fail(r.error());
    return (*r)["history"];
  }));
  add("POST", "/api/messages", "developer", [](Call& c) {
    auto b = c.body({"name", "correlationKey", "variables", "ttl"});
    if (!b) return problem_of(b.error(), c.req.path);
    auto name = text_field(*b, "name", true);
    if (!name) return problem_of(name.error(), c.req.path);
    auto key = text_field(*b, "correlationKey", false);
    if (!key) return problem_of(key.error(), c.req.path);
    auto vars = object_field(*b, "variables");
    if (!vars) return problem_of(vars.error(), c.req.path);
    auto ttl = text_field(*b, "ttl", false);
    if (!ttl) return problem_of(ttl.error(), c.req.path);
    auto r = c.engine.message(*name, *key, *vars, *ttl);
    if (!r) return problem_of(r.error(), c.req.path);
    return ok(*r);
  });
  add("POST", "/api/signals", "developer", [](Call& c) {
    auto b = c.body({"name", "variables"});
    if (!b) return problem_of(b.error(), c.req.path);
    auto name = text_field(*b, "name", true);
    if (!name) return problem_of(name.error(), c.req.path);
    auto vars = object_field(*b, "variables");
    if (!vars) return problem_of(vars.error(), c.req.path);
    auto r = c.engine.signal(*name, *vars);
    if (!r) return problem_of(r.error(), c.req.path);
    return ok(*r);
  });

  // --- Administrators
  add("POST", "/api/instances/{id}/cancel", "admin", by_id([](Call& c, std::uint64_t id) { return c.engine.cancel(id); }));
  add("GET", "/api/jobs", "admin", [](Call& c) {
    std::uint64_t instance = 0;
    if (auto v = c.req.query.find("instance"); v != c.req.query.end()) {
      try { instance = std::stoull(v->second); } catch (...) { return problem(400, "instance must be a number", c.req.path); }
    }
    auto r = c.engine.jobs(instance);
    if (!r) return problem_of(r.error(), c.req.path);
    return ok(json{{"items", *r}});
  });
  add("GET", "/api/incidents", "developer", [](Call& c) {
    auto r = c.engine.incidents();
    if (!r) return problem_of(r.error(), c.req.path);
    return ok(json{{"items", *r}});
  });
  add("POST", "/api/incidents/{id}/retry", "admin", by_id([](Call& c, std::uint64_t id) { return c.engine.retry(id); }));
  add("GET", "/api/users", "admin", [](Call& c) {
    auto r = c.engine.users();
    if (!r) return problem_of(r.error(), c.req.path);
    return ok(json{{"items", *r}});
  });
  add("POST", "/api/users", "admin", [](Call& c) {
    auto b = c.body({"users"});
    if (!b) return problem_of(b.error(), c.req.path);
    auto r = c.engine.import_users(b->value("users", json()));
    if (!r) return problem_of(r.error(), c.req.path);
    return ok(*r);
  });
  add("POST", "/api/tokens", "admin", [](Call& c) {
    auto b = c.body({"user", "name", "ttl"});
    if (!b) return problem_of(b.error(), c.req.path);
    auto user = text_field(*b, "user", true);
    if (!user) return problem_of(user.error(), c.req.path);
    auto name = text_field(*b, "name", false, "api");
    if (!name) return problem_of(name.error(), c.req.path);
    auto ttl = text_field(*b, "ttl", false);
    if (!ttl) return problem_of(ttl.error(), c.req.path);
    std::int64_t ms = 0;
    if (!ttl->empty()) {
      auto d = duration_ms(*ttl, "ttl");
      if (!d) return problem_of(d.error(), c.req.path);
      ms = *d;
    }
    auto r = c.engine.create_token(*user, *name, ms);
    if (!r) return problem_of(r.error(), c.req.path);
    return ok(*r, 201);
  });

  // --- External workers (Camunda 7 external-task API subset)
  add("POST", "/engine-rest/external-task/fetchAndLock", "worker", [](Call& c) {
    auto b = c.body({"workerId", "maxTasks", "usePriority", "asyncResponseTimeout", "topics", "sorting"});
    if (!b) return problem_of(b.error(), c.req.path);
    auto r = c.engine.fetch_and_lock(*c.who, *b);
    if (!r) return problem_of(r.error(), c.req.path);
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
  auto external = [](Call& c, const std::set<std::string>& allowed, const std::function<Result<void>(std::uint64_t, const json&)>& f) {
    auto id = c.key("id");
    if (!id) return problem_of(id.error(), c.req.path);
    auto b = c.body(allowed, false);
    if (!b) return problem_of(b.error(), c.req.path);
    if (auto r = f(*id, *b); !r) return problem_of(r.error(), c.req.path);
    return no_content();
  };
  add("POST", "/engine-rest/external-task/{id}/complete", "worker", [external](Call& c) {
    return external(c, {"workerId", "variables", "localVariables"}, [&](std::uint64_t id, const json& b) -> Result<void> {
      auto vars = api_variables(b);
      if (!vars) return fail(vars.error());
      return c.engine.complete_external(id, b.value("workerId", ""), *vars);
    });
  });
  add("POST", "/engine-rest/external-task/{id}/failure", "worker", [external](Call& c) {
    return external(c, {"workerId", "errorMessage", "errorDetails", "retries", "retryTimeout", "variables", "localVariables"},
                    [&](std::uint64_t id, const json& b) -> Result<void> {
                      auto retries = int_field(b, "retries", -1);
                      if (!retries) return fail(retries.error());
                      auto timeout = int_field(b, "retryTimeout", -1);
                      if (!timeout) return fail(timeout.error());
                      std::string message = b.value("errorMessage", json()).is_string() ? b["errorMessage"].get<std::string>() : "";
                      if (b.contains("errorDetails") && b["errorDetails"].is_string()) message += " (" + b["errorDetails"].get<std::string>() + ")";
                      return c.engine.fail_external(id, b.value("workerId", ""), message, static_cast<int>(*retries), *timeout);
                    });
  });
  add("POST", "/engine-rest/external-task/{id}/bpmnError", "worker", [external](Call& c) {
    return external(c, {"workerId", "errorCode", "errorMessage", "variables"}, [&](std::uint64_t id, const json& b) -> Result<void> {
      auto vars = api_variables(b);
      if (!vars) return fail(vars.error());
      auto code = text_field(b, "errorCode", true);
      if (!code) return fail(code.error());
      return c.engine.bpmn_error_external(id, b.value("workerId", ""), *code, *vars);
    });
  });
  add("POST", "/engine-rest/external-task/{id}/extendLock", "worker", [external](Call& c) {
    return external(c, {"workerId", "newDuration"}, [&](std::uint64_t id, const json& b) -> Result<void> {
      auto d = int_field(b, "newDuration", 0);
      if (!d) return fail(d.error());
      return c.engine.extend_lock(id, b.value("workerId", ""), *d);
    });
  });
  add("POST", "/engine-rest/external-task/{id}/unlock", "worker", [external](Call& c) {
    return external(c, {}, [&](std::uint64_t id, const json&) -> Result<void> { return c.engine.unlock_external(id); });
  });
}

}  // namespace elva::server
