// The `eservice` connector (eservice_connector.hpp): updateCase PUTs the status to
// {portal_url}/cases/{receipt}/status with the idempotency key, so a repeated update is a no-op
// for a portal that honours Idempotency-Key (and harmless for one that does not: the same status).
#include "eservice/eservice_connector.hpp"

#include "support/http_client.hpp"

namespace elva::connectors {
namespace {

using connector::Outcome;
using nlohmann::json;

class EserviceConnector final : public connector::Connector {
 public:
  EserviceConnector(Settings s, HttpClientOptions o, std::chrono::milliseconds timeout,
                    int in_flight)
      : s_(std::move(s)),
        client_(std::move(o)),
        timeout_(timeout),
        base_(s_.text("portal_url")),
        max_in_flight_(in_flight) {
    while (!base_.empty() && base_.back() == '/') base_.pop_back();
  }
  const std::string& name() const override { return s_.name; }
  std::string kind() const override { return "eservice"; }
  json describe() const override { return s_.shown; }
  std::vector<connector::Operation> operations() const override {
    return {{"updateCase",
             "Tells the citizen's case in the portal where the application stands",
             {{"receipt", true, "the receipt number the intake returned"},
              {"status", true, "received, in-progress, needs-completion, decided, closed, ..."},
              {"message", false, "text the citizen sees"},
              {"data", false, "more fields for the portal (object)"}},
             {{"status", false, "the portal's HTTP status"}}}};
  }

  int max_in_flight() const override { return max_in_flight_; }

  void invoke(connector::Invocation call, connector::Completion done) override {
    run_call(client_.io(), update(std::move(call)), std::move(done));
  }

 private:
  boost::asio::awaitable<Outcome> update(connector::Invocation call) {
    const json& in = call.input;
    const std::string receipt =
        in.contains("receipt") && in["receipt"].is_string() ? in["receipt"].get<std::string>() : "";
    const std::string status =
        in.contains("status") && in["status"].is_string() ? in["status"].get<std::string>() : "";
    if (receipt.empty() || status.empty())
      co_return Outcome::fail("eservice.updateCase needs receipt and status in its input");
    auto segment = path_segment(receipt);
    if (!segment) co_return Outcome::fail("receipt: " + segment.error().message);
    HttpRequest req;
    req.method = "PUT";
    req.url = base_ + "/cases/" + *segment + "/status";
    json body = {{"status", status}, {"message", in.value("message", "")}};
    if (in.contains("data") && in["data"].is_object()) body["data"] = in["data"];
    req.body = body.dump();
    req.headers = {{"Content-Type", "application/json"}, {"Idempotency-Key", call.idempotency_key}};
    if (!s_.text("token").empty())
      req.origin_headers.emplace_back("Authorization", "Bearer " + s_.text("token"));
    auto a = co_await client_.co_send(
        req, std::min(call.deadline, std::chrono::system_clock::now() + timeout_));
    const std::string what = "the portal (PUT " + req.url + ")";
    if (!a.ok) {
      co_return a.failure.permanent() ? Outcome::fail(what + ": " + a.failure.message)
                                      : Outcome::retry(what + ": " + a.failure.message);
    }
    const int code = a.response.status;
    if (code < 300) co_return Outcome::completed({{"status", code}});
    const std::string said = what + " answered " + std::to_string(code) +
                             (a.response.body.empty() ? "" : ": " + excerpt(a.response.body));
    if (code == 404) co_return Outcome::bpmn_error("CASE_NOT_FOUND", said);
    co_return a.response.retryable() ? Outcome::retry(said) : Outcome::fail(said);
  }

  Settings s_;
  HttpClient client_;
  std::chrono::milliseconds timeout_;
  std::string base_;
  int max_in_flight_;
};

}  // namespace

Result<std::shared_ptr<connector::Connector>> make_eservice_connector(const Settings& s) {
  if (s.text("portal_url").empty())
    return fail(
        s.error("the eservice connector needs portal_url = \"https://portal.example/api\""));
  auto timeout = s.duration("timeout", std::chrono::seconds(10));
  if (!timeout) return fail(timeout.error());
  auto options = http_client_options(s, "portal_url");
  if (!options) return fail(options.error());
  auto in_flight = max_in_flight(s);
  if (!in_flight) return fail(in_flight.error());
  return std::shared_ptr<connector::Connector>(
      std::make_shared<EserviceConnector>(s, *options, *timeout, *in_flight));
}

}  // namespace elva::connectors
