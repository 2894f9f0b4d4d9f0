// The `http` connector (http_connector.hpp).
//
// Operations: request (method from the input) and get, post, put, patch, delete. Input:
//   url      absolute, or relative to the connector's base_url; {name} placeholders are filled
//            (URL-encoded) from `params`, else from the input's own fields. Where it may go and
//            whether the credentials go along is the client's EgressPolicy (common/egress.hpp).
//   query    object of query parameters;  headers  object of headers
//   body     JSON (sent as application/json) or a string;  form  object (form-urlencoded)
//   errorCodes  object status -> BPMN error code, added to the connector's error_codes
// Output: {status, headers, body} (body parsed when the answer is JSON).
// Outcomes: 2xx/3xx complete; a status in error_codes throws that BPMN error; 408, 429 and 5xx,
// connection failures and timeouts are retried; other 4xx and TLS failures are incidents.
#include "http/http_connector.hpp"

#include <algorithm>
#include <cctype>

#include "support/http_client.hpp"
#include "support/http_fields.hpp"

namespace elva::connectors {
namespace {

using connector::Outcome;
using nlohmann::json;

std::string scalar(const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

class HttpConnector final : public connector::Connector {
 public:
  HttpConnector(Settings s, HttpClientOptions o, std::chrono::milliseconds timeout, int in_flight)
      : s_(std::move(s)), client_(std::move(o)), timeout_(timeout), max_in_flight_(in_flight) {}

  const std::string& name() const override { return s_.name; }
  std::string kind() const override { return "http"; }
  json describe() const override { return s_.shown; }

  std::vector<connector::Operation> operations() const override {
    const bool base = !s_.text("base_url").empty();
    std::vector<connector::Field> in{
        {"url", !base,
         base ? "path relative to " + s_.text("base_url") +
                    ", or an absolute URL; {name} placeholders"
              : "absolute URL; {name} placeholders filled from params or the input"},
        {"params", false, "values for the URL's {name} placeholders"},
        {"query", false, "query parameters (object)"},
        {"headers", false, "request headers (object)"},
        {"body", false, "JSON body (or a string)"},
        {"form", false, "form fields (object), sent as application/x-www-form-urlencoded"},
        {"errorCodes", false, "status -> BPMN error code, e.g. {\"404\": \"NOT_FOUND\"}"}};
    std::vector<connector::Field> out{
        {"status", false, "HTTP status"},
        {"headers", false, "answer headers"},
        {"body", false, "answer body (parsed JSON when the answer is JSON)"}};
    auto with_method = in;
    with_method.insert(with_method.begin(), {"method", true, "GET, POST, PUT, PATCH, DELETE, ..."});
    std::vector<connector::Operation> ops{{"request", "Any HTTP request", with_method, out}};
    for (const char* m : {"get", "post", "put", "patch", "delete"}) {
      std::string upper = m;
      std::transform(upper.begin(), upper.end(), upper.begin(),
                     [](unsigned char c) { return std::toupper(c); });
      ops.push_back({m, "HTTP " + upper, in, out});
    }
    return ops;
  }

  int max_in_flight() const override { return max_in_flight_; }

  void invoke(connector::Invocation call, connector::Completion done) override {
    run_call(client_.io(), run(std::move(call)), std::move(done));
  }

 private:
  boost::asio::awaitable<Outcome> run(connector::Invocation call) {
    const json& in = call.input;
    HttpRequest req;
    if (call.operation == "request") {
      req.method = in.value("method", std::string("GET"));
      std::transform(req.method.begin(), req.method.end(), req.method.begin(),
                     [](unsigned char c) { return std::toupper(c); });
    } else {
      req.method = call.operation;
      std::transform(req.method.begin(), req.method.end(), req.method.begin(),
                     [](unsigned char c) { return std::toupper(c); });
    }
    if (!is_token(req.method))
      co_return Outcome::fail("method: not an HTTP method (GET, POST, PUT, PATCH, DELETE, ...)");
    // The URL: placeholders filled (encoded), joined under base_url or parsed as absolute; the
    // client's EgressPolicy decides whether it may be called and whether credentials go along.
    auto filled = fill_placeholders(in.contains("url") ? scalar(in["url"]) : "",
                                    in.value("params", json::object()), in);
    if (!filled) co_return Outcome::fail("url: " + filled.error().message);
    const auto& home = client_.egress().home();
    Result<Url> target = has_scheme(*filled) ? Url::parse(*filled)
                         : home
                             ? join_under(*home, *filled)
                             : Result<Url>(fail(Errc::InvalidArgument,
                                                "the input has no absolute url (and connector '" +
                                                    s_.name + "' has no base_url)"));
    if (!target) co_return Outcome::fail("url: " + target.error().message);
    req.url = target->text();
    if (auto q = in.find("query"); q != in.end() && q->is_object()) {
      std::string qs;
      for (const auto& [k, v] : q->items())
        qs += (qs.empty() ? "" : "&") + url_encode(k) + "=" + url_encode(scalar(v));
      if (!qs.empty()) req.url += (req.url.find('?') == std::string::npos ? "?" : "&") + qs;
    }
    // Static headers and credentials (only to calls under base_url), then the task's own.
    if (auto h = s_.values.find("headers"); h != s_.values.end() && h->is_object()) {
      for (const auto& [k, v] : h->items()) req.origin_headers.emplace_back(k, scalar(v));
    }
    if (!s_.text("bearer_token").empty())
      req.origin_headers.emplace_back("Authorization", "Bearer " + s_.text("bearer_token"));
    else if (!s_.text("username").empty())
      req.origin_headers.emplace_back(
          "Authorization",
          "Basic " + base64_encode(s_.text("username") + ":" + s_.text("password")));
    if (auto h = in.find("headers"); h != in.end() && h->is_object()) {
      for (const auto& [k, v] : h->items()) req.headers.emplace_back(k, scalar(v));
    }
    if (req.method != "GET" && req.method != "HEAD")
      req.headers.emplace_back("Idempotency-Key", call.idempotency_key);
    if (auto f = in.find("form"); f != in.end() && f->is_object()) {
      for (const auto& [k, v] : f->items())
        req.body += (req.body.empty() ? "" : "&") + url_encode(k) + "=" + url_encode(scalar(v));
      req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    } else if (auto b = in.find("body"); b != in.end() && !b->is_null()) {
      if (b->is_string()) {
        req.body = b->get<std::string>();
        req.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
      } else {
        req.body = b->dump();
        req.headers.emplace_back("Content-Type", "application/json");
      }
    }
    req.headers.emplace_back("Accept", "application/json, */*;q=0.5");
    const auto deadline = std::min(call.deadline, std::chrono::system_clock::now() + timeout_);
    auto answer = co_await client_.co_send(req, deadline);
    const std::string shown = target->text();
    const std::string what = req.method + " " + shown.substr(0, shown.find('?'));
    if (!answer.ok) {
      // A request refused before sending is not shown: its URL may carry what a citizen wrote.
      if (answer.failure.kind == HttpFailure::Kind::Request)
        co_return Outcome::fail(req.method + " not sent: " + answer.failure.message);
      if (answer.failure.permanent()) co_return Outcome::fail(what + ": " + answer.failure.message);
      co_return Outcome::retry(what + ": " + answer.failure.message);
    }
    co_return classify(what, answer.response, in.value("errorCodes", json::object()));
  }

  Outcome classify(const std::string& what, const HttpResponse& r, const json& task_codes) const {
    const std::string status = std::to_string(r.status);
    json body = r.body;
    const std::string type = r.header("Content-Type");
    if (type.find("json") != std::string::npos && !r.body.empty()) {
      body = json::parse(r.body, nullptr, false);
      if (body.is_discarded()) {
        return Outcome::retry(what + " answered " + status + " with Content-Type " + type +
                              ", but the body is not JSON: " + excerpt(r.body));
      }
    }
    json headers = json::object();
    for (const auto& [k, v] : r.headers) {
      std::string lower = k;
      std::transform(lower.begin(), lower.end(), lower.begin(),
                     [](unsigned char c) { return std::tolower(c); });
      headers[lower] = v;
    }
    json out = {{"status", r.status}, {"headers", headers}, {"body", body}};
    auto code_for = [&](const json& table) -> std::string {
      if (table.is_object() && table.contains(status)) return scalar(table[status]);
      return "";
    };
    std::string code = code_for(task_codes);
    if (code.empty()) code = code_for(s_.values.value("error_codes", json::object()));
    if (!code.empty()) return Outcome::bpmn_error(code, what + " answered " + status, out);
    if (r.status < 400) return Outcome::completed(out);
    const std::string said =
        what + " answered " + status + (r.body.empty() ? "" : ": " + excerpt(r.body));
    if (r.retryable()) return Outcome::retry(said);
    return Outcome::fail(said);
  }

  Settings s_;
  HttpClient client_;
  std::chrono::milliseconds timeout_;
  int max_in_flight_;
};

}  // namespace

Result<std::shared_ptr<connector::Connector>> make_http_connector(const Settings& s) {
  auto timeout = s.duration("timeout", std::chrono::seconds(10));
  if (!timeout) return fail(timeout.error());
  auto options = http_client_options(s, "base_url");
  if (!options) return fail(options.error());
  auto in_flight = max_in_flight(s);
  if (!in_flight) return fail(in_flight.error());
  const bool credentials = !s.text("bearer_token").empty() || !s.text("username").empty();
  if (credentials && !options->egress.home()) {
    return fail(s.error(
        "bearer_token, username and password are sent only to calls under base_url: set base_url"));
  }
  if (!s.text("username").empty() && s.text("password").empty())
    return fail(s.error("username is set but password is not"));
  return std::shared_ptr<connector::Connector>(
      std::make_shared<HttpConnector>(s, *options, *timeout, *in_flight));
}

}  // namespace elva::connectors
