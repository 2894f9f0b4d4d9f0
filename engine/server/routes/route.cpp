// The routes' shared parts (route.hpp): the problem+json mapper, answers, body and field checks,
// the route table.
#include "server/routes/route.hpp"

#include <cctype>
#include <string_view>

#include "common/iso8601.hpp"
#include "elva/json_limits.hpp"
#include "exec/values.hpp"

namespace elva::server {
namespace {

using nlohmann::json;

int status_of(Errc code) {
  switch (code) {
    case Errc::InvalidArgument:
    case Errc::ParseError:
    case Errc::ExpressionError:
      return 400;
    case Errc::ValidationError:
      return 422;
    case Errc::NotFound:
      return 404;
    case Errc::Conflict:
      return 409;
    case Errc::StoreUnavailable:
      return 503;
    case Errc::ConnectorFailed:
      return 502;
    case Errc::Timeout:
      return 504;
    case Errc::Unauthenticated:
      return 401;
    case Errc::PermissionDenied:
      return 403;
    case Errc::Internal:
      return 500;
  }
  return 500;
}

const char* title_of(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 412:
      return "Precondition Failed";
    case 415:
      return "Unsupported Media Type";
    case 429:
      return "Too Many Requests";
    case 422:
      return "Unprocessable Content";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return status >= 500 ? "Internal Server Error" : "Error";
  }
}

Response problem_with(int status, const std::string& detail, const std::string& instance,
                      json extra) {
  json body = {{"type", "about:blank"},
               {"title", title_of(status)},
               {"status", status},
               {"detail", detail},
               {"instance", instance}};
  for (auto& [k, v] : extra.items()) body[k] = v;
  Response r;
  r.status = status;
  r.content_type = "application/problem+json";
  r.body = body.dump();
  if (status == 401) r.headers["WWW-Authenticate"] = "Bearer realm=\"elva\"";
  return r;
}

}  // namespace

// RFC 9110 §8.3.1: type "/" subtype *( OWS ";" OWS parameter ), case-insensitive; only
// application/json, so neither application/jsonp nor application/json-seq nor text/json.
bool is_json_media_type(const std::string& value) {
  auto token_char = [](unsigned char c) {
    return std::isalnum(c) ||
           std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
  };
  std::size_t i = 0;
  const std::string_view v = value;
  auto skip_ows = [&] {
    while (i < v.size() && (v[i] == ' ' || v[i] == '\t')) ++i;
  };
  auto token = [&] {
    const std::size_t start = i;
    while (i < v.size() && token_char(static_cast<unsigned char>(v[i]))) ++i;
    return v.substr(start, i - start);
  };
  auto lower = [](std::string_view s) {
    std::string o(s);
    for (auto& c : o) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return o;
  };
  skip_ows();
  const std::string type = lower(token());
  if (i >= v.size() || v[i] != '/') return false;
  ++i;
  const std::string subtype = lower(token());
  if (type != "application" || subtype != "json") return false;
  for (;;) {
    skip_ows();
    if (i == v.size()) return true;
    if (v[i] != ';') return false;
    ++i;
    skip_ows();
    if (i == v.size() || v[i] == ';') continue;  // an empty parameter (RFC 9110 allows it)
    if (token().empty() || i >= v.size() || v[i] != '=') return false;
    ++i;
    if (i < v.size() && v[i] == '"') {  // quoted-string
      for (++i; i < v.size() && v[i] != '"'; ++i) {
        if (v[i] == '\\') ++i;
        if (i < v.size() && static_cast<unsigned char>(v[i]) < 0x20 && v[i] != '\t') return false;
      }
      if (i >= v.size()) return false;
      ++i;
    } else if (token().empty()) {
      return false;
    }
  }
}

Error with_status(Errc code, std::string message, int status) {
  return Error{code, std::move(message), {{"status", std::to_string(status)}}};
}

Response problem(int status, const std::string& detail, const std::string& instance) {
  return problem_with(status, detail, instance, json::object());
}

namespace {

const char* server_error_detail(int status) {
  switch (status) {
    case 502:
      return "a system the engine called failed to answer";
    case 503:
      return "the server cannot reach its database just now; try again shortly";
    case 504:
      return "a system the engine called did not answer in time";
    default:
      return "the server failed to answer";
  }
}

}  // namespace

Response problem_of(const Error& e, const std::string& instance,
                    const std::function<void(const std::string&)>& log) {
  int status = status_of(e.code);
  bool chosen = false;  // made with_status: a message written for the client, whatever the status
  for (const auto& [k, v] : e.context) {
    if (k == "status") {
      status = std::stoi(v);
      chosen = true;
    }
  }
  json extra = json::object();
  extra["code"] = std::string(to_string(e.code));
  // A server error never shows its message (SQL, an exception's text, a database URL): a
  // sentence and a correlation id, which the log line has with the message, values removed.
  if (status >= 500 && !chosen) {
    const std::string id = correlation_id();
    if (log) {
      std::string line = "error " + id + " (" + std::to_string(status) + " " +
                         std::string(to_string(e.code)) + "): " + loggable(e.message);
      for (const auto& [k, v] : e.context)
        if (k == "sqlstate") line += " [sqlstate " + loggable(v) + "]";
      log(line);
    }
    extra["correlationId"] = id;
    return problem_with(status,
                        std::string(server_error_detail(status)) +
                            "; the administrator finds the cause in the server log under " + id,
                        instance, std::move(extra));
  }
  json errors = json::array();
  for (const auto& [k, v] : e.context) {
    if (k.rfind("field.", 0) != 0) continue;
    json entry = {{"field", k.substr(6)}, {"message", v}};
    // The rule a form field broke ("min 5"), for a page that says it in the user's language.
    for (const auto& [ck, cv] : e.context) {
      if (ck.rfind("code.", 0) != 0 || ck.compare(5, std::string::npos, k, 6) != 0) continue;
      const auto space = cv.find(' ');
      entry["code"] = cv.substr(0, space);
      if (space != std::string::npos) entry["limit"] = cv.substr(space + 1);
    }
    errors.push_back(std::move(entry));
  }
  if (!errors.empty()) extra["errors"] = std::move(errors);
  Response r = problem_with(status, e.message, instance, std::move(extra));
  for (const auto& [k, v] : e.context)
    if (k == "retry-after") r.headers["Retry-After"] = v;
  return r;
}

Response ok(const json& body, int status) {
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

std::string body_etag(const std::string& body) {
  return "W/\"" + std::to_string(std::hash<std::string>{}(body)) + "\"";
}

// Field type checks with messages that say which field and what it should be.
Error field_error(const std::string& field, const std::string& message) {
  Error e{Errc::InvalidArgument, field + " " + message, {}};
  e.with("field." + field, message);
  return e;
}

Result<std::string> text_field(const json& j, const char* name, bool required,
                               const std::string& fallback) {
  if (!j.contains(name) || j[name].is_null()) {
    if (required) return fail(field_error(name, "is required"));
    return fallback;
  }
  if (!j[name].is_string())
    return fail(field_error(name, std::string("must be a text, not ") + j[name].type_name()));
  return j[name].get<std::string>();
}

Result<json> object_field(const json& j, const char* name) {
  if (!j.contains(name) || j[name].is_null()) return json::object();
  if (!j[name].is_object())
    return fail(
        field_error(name, std::string("must be a JSON object, not ") + j[name].type_name()));
  return j[name];
}

Result<std::int64_t> int_field(const json& j, const char* name, std::int64_t fallback,
                               std::int64_t min, std::int64_t max) {
  if (!j.contains(name) || j[name].is_null()) return fallback;
  const json& v = j[name];
  const std::string range = "between " + std::to_string(min) + " and " + std::to_string(max);
  if (!v.is_number_integer()) return fail(field_error(name, "must be a whole number " + range));
  // An unsigned above INT64_MAX or any value outside the range: refused, never wrapped.
  if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(max)) {
    return fail(field_error(name, "must be " + range));
  }
  const auto n = v.get<std::int64_t>();
  if (n < min || n > max) return fail(field_error(name, "must be " + range));
  return n;
}

Result<std::int64_t> duration_ms(const std::string& iso, const char* name) {
  auto d = iso8601::parse_duration(iso);
  if (!d) return fail(field_error(name, "is not an ISO 8601 duration such as PT1H or P90D"));
  // At most about a thousand years, checked part by part before adding (no overflow), then the
  // sum: zero (PT0S, P0D) is no lifetime.
  constexpr std::int64_t kYears = 1000, kDayMs = 86'400'000;
  if (d->years < 0 || d->months < 0 || d->days < 0 || d->millis < 0 || d->years > kYears ||
      d->months > kYears * 12 || d->days > kYears * 366 || d->millis > kYears * 366 * kDayMs) {
    return fail(field_error(name, "must be a duration of at most 1000 years"));
  }
  const std::int64_t ms = iso8601::add(0, *d);
  if (ms <= 0) return fail(field_error(name, "must be longer than zero (not PT0S or P0D)"));
  if (ms > kYears * 366 * kDayMs)
    return fail(field_error(name, "must be a duration of at most 1000 years"));
  return ms;
}

// Camunda's typed variables ({"name": {"value", "type"}}) in a request body, as plain JSON.
Result<json> api_variables(const json& body) {
  json out = json::object();
  for (const char* field : {"variables", "localVariables"}) {
    if (!body.contains(field) || body[field].is_null()) continue;
    const json& typed = body[field];
    if (!typed.is_object())
      return fail(Errc::InvalidArgument,
                  std::string(field) + " must be an object of {\"value\", \"type\"} entries");
    for (const auto& [name, v] : typed.items()) {
      if (!v.is_object())
        return fail(Errc::InvalidArgument,
                    "variable '" + name + "' must be an object with a value (and a type)");
      if (v.contains("type") && !v["type"].is_string() && !v["type"].is_null()) {
        return fail(Errc::InvalidArgument, "variable '" + name + "' has a type that is not a text");
      }
      const std::string given_type =
          v.contains("type") && v["type"].is_string() ? v["type"].get<std::string>() : "";
      std::string type = given_type;
      for (auto& ch : type) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      const json value = v.contains("value") ? v["value"] : json();
      if ((type == "json" || type == "object") && value.is_string()) {
        // A JSON text inside the JSON body: the same limits again.
        auto parsed = parse_json(value.get_ref<const std::string&>(), JsonLimits{},
                                 "variable '" + name + "' (type " + given_type + ")");
        if (!parsed) return fail(parsed.error());
        out[name] = std::move(*parsed);
      } else if (type == "file" || type == "bytes") {
        return fail(Errc::InvalidArgument, "variable '" + name + "' is a " + type +
                                               "; Elva's external-task API takes JSON values only");
      } else {
        out[name] = value;
      }
    }
  }
  return out;
}

Result<json> Call::body(const std::set<std::string>& allowed, bool required,
                        std::size_t max_text) const {
  if (req.body.empty()) {
    if (required) return fail(Errc::InvalidArgument, "the request needs a JSON body");
    return json::object();
  }
  if (!is_json_media_type(req.header("content-type"))) {
    // Not the type as sent: it is the client's text, and may be anything.
    return fail(Error{
        Errc::InvalidArgument,
        "send the body as JSON (Content-Type: application/json, optionally with parameters such as "
        "; charset=utf-8)",
        {{"status", "415"}}});
  }
  JsonLimits limits;
  limits.max_bytes = req.body.size();
  limits.max_string_bytes = max_text;
  auto parsed = parse_json(req.body, limits, "the body");
  if (!parsed) return fail(parsed.error());
  json& j = *parsed;
  if (!j.is_object()) return fail(Errc::InvalidArgument, "the body must be a JSON object");
  for (const auto& [k, v] : j.items()) {
    if (!allowed.count(k)) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      const std::string shown = k.size() > 64 ? k.substr(0, 64) + "..." : k;
      return fail(Errc::InvalidArgument,
                  "unknown field '" + shown + "' (this request takes: " + list + ")");
    }
    // Texts the store cannot keep are refused here, naming the field, before any route reads them.
    if (auto r = exec::check_json(k, v); !r) return fail(r.error());
  }
  return std::move(j);
}

Result<std::uint64_t> Call::key(const std::string& name) const {
  return parse_key(name, params.at(name));
}

Result<std::uint64_t> parse_key(const std::string& name, const std::string& text) {
  if (text.empty() || text.size() > 19 ||
      text.find_first_not_of("0123456789") != std::string::npos) {
    return fail(Errc::InvalidArgument, name + " must be a number, not '" + text + "'");
  }
  return std::stoull(text);
}

void Routes::add(std::string method, const std::string& path, std::string role, RouteFn handler) {
  // Every route: path segments and query parameters with a NUL character are refused before the
  // handler reads them (the body is checked by Call::body).
  RouteFn checked = [handler = std::move(handler)](Call& c) -> Result<Response> {
    for (const auto& [name, value] : c.params) {
      if (auto r = exec::check_text(name, value); !r) return fail(r.error());
    }
    for (const auto& [name, value] : c.req.query) {
      if (name.find('\0') != std::string::npos)
        return fail(field_error("query", "has a parameter name with the NUL character"));
      if (auto r = exec::check_text(name, value); !r) return fail(r.error());
    }
    return handler(c);
  };
  routes_.push_back({std::move(method), split_path(path), std::move(role), std::move(checked)});
}

void Routes::add_by_id(std::string method, const std::string& path, std::string role,
                       std::function<Result<json>(Call&, std::uint64_t)> handler) {
  add(std::move(method), path, std::move(role),
      [handler = std::move(handler)](Call& c) -> Result<Response> {
        auto id = c.key("id");
        if (!id) return fail(id.error());
        auto r = handler(c, *id);
        if (!r) return fail(r.error());
        return ok(*r);
      });
}

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

bool match(const Route& r, const std::vector<std::string>& parts,
           std::map<std::string, std::string>& params) {
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
std::string text_or(const json& j, const char* name) {
  auto it = j.find(name);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace elva::server
