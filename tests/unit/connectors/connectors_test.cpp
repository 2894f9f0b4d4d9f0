// The connectors' pure parts: URLs, durations, secrets, templates, base64, the registry's
// contract check and elva.toml errors. The connectors against their peers are in tests/connectors.
#include "elva/connectors.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>

#include "mail/mail_connector.hpp"
#include "support/http_client.hpp"
#include "support/settings.hpp"

using namespace elva;
using nlohmann::json;

namespace {
std::string write_file(const std::string& name, const std::string& text) {
  const std::string path = "/tmp/elva-unit-" + std::to_string(::getpid()) + "-" + name;
  std::ofstream(path) << text;
  return path;
}
}  // namespace

TEST_CASE("base64 for Basic credentials, AUTH PLAIN and mail bodies", "[connectors]") {
  CHECK(base64_encode("elva:pw") == "ZWx2YTpwdw==");
  CHECK(base64_encode(std::string("\0u\0p", 4)) == "AHUAcA==");
}

TEST_CASE("durations in settings: 10s 500ms 2m PT10S or seconds", "[connectors]") {
  connectors::Settings s{
      "x",
      {{"a", "10s"}, {"b", "500ms"}, {"c", "2m"}, {"d", "PT10S"}, {"e", 1.5}, {"f", "soon"}},
      json::object(),
      "elva.toml [connectors.x]"};
  using std::chrono::milliseconds;
  CHECK(*s.duration("a", milliseconds(0)) == milliseconds(10'000));
  CHECK(*s.duration("b", milliseconds(0)) == milliseconds(500));
  CHECK(*s.duration("c", milliseconds(0)) == milliseconds(120'000));
  CHECK(*s.duration("d", milliseconds(0)) == milliseconds(10'000));
  CHECK(*s.duration("e", milliseconds(0)) == milliseconds(1'500));
  CHECK(*s.duration("missing", milliseconds(7)) == milliseconds(7));
  CHECK(s.duration("f", milliseconds(0)).error().message ==
        "elva.toml [connectors.x]: f = \"soon\" is not a duration; write \"10s\", \"500ms\", "
        "\"2m\" or \"PT10S\"");
}

TEST_CASE("mail templates fill names and paths and name what is missing", "[connectors]") {
  json data = {{"givenName", "Åsa"}, {"unit", {{"name", "IT"}}}, {"n", 3}};
  CHECK(*connectors::fill_mail_template("Hej {{givenName}} ({{ unit.name }}), {{n}} st", data) ==
        "Hej Åsa (IT), 3 st");
  CHECK(connectors::fill_mail_template("{{familyName}}", data)
            .error()
            .message.find("{{familyName}} has no value") != std::string::npos);
  CHECK(connectors::fill_mail_template("{{oops", data).error().message.find("not closed") !=
        std::string::npos);
}

TEST_CASE("elva.toml: secrets come from the environment or files and are never shown",
          "[connectors]") {
  ::setenv("ELVA_UNIT_TOKEN", "s3cret-token", 1);
  const auto secret_file = write_file("secret", "from-file\n");
  const auto path = write_file("ok.toml",
                               "[connectors.hr]\nurl = \"https://hr.example/scim/v2\"\ntoken = { "
                               "env = \"ELVA_UNIT_TOKEN\" }\n"
                               "[connectors.desk]\nkind = \"http\"\nbase_url = "
                               "\"https://desk.example/api\"\nbearer_token = { file = \"" +
                                   secret_file + "\" }\n");
  auto c = connectors::load_config(path);
  REQUIRE(c);
  auto listing = c->registry->to_json().dump();
  CHECK(listing.find("s3cret-token") == std::string::npos);
  CHECK(listing.find("from-file") == std::string::npos);
  CHECK(listing.find("(secret from $ELVA_UNIT_TOKEN)") != std::string::npos);
  CHECK(c->registry->find("hr")->kind() == "hr");
  CHECK(c->registry->find("http"));  // always there
  CHECK(c->registry->find("elva"));

  auto written = connectors::load_config(
      write_file("plain.toml", "[connectors.mail]\nhost = \"x\"\npassword = \"hunter2\"\n"));
  CHECK(written.error().message.find(
            "password is written into the file; read it from the environment or a file instead") !=
        std::string::npos);
  auto unset = connectors::load_config(write_file(
      "unset.toml",
      "[connectors.hr]\nurl = \"https://h/scim/v2\"\ntoken = { env = \"ELVA_UNIT_NOT_SET\" }\n"));
  CHECK(unset.error().message.find(
            "token: the environment variable ELVA_UNIT_NOT_SET is not set") != std::string::npos);
  auto ca = connectors::load_config(write_file(
      "ca.toml", "[connectors.mail]\nhost = \"x\"\nca_file = \"/nonexistent/ca.pem\"\n"));
  CHECK(ca.error().message.find(
            "[connectors.mail]: the CA file /nonexistent/ca.pem cannot be read") !=
        std::string::npos);
  auto http_ca = connectors::load_config(write_file(
      "http-ca.toml", "[connectors.desk]\nkind = \"http\"\nca_file = \"/nonexistent/ca.pem\"\n"));
  CHECK(http_ca.error().message.find(
            "[connectors.desk]: the CA file /nonexistent/ca.pem cannot be read") !=
        std::string::npos);
  auto kind = connectors::load_config(write_file("kind.toml", "[connectors.fax]\n"));
  CHECK(kind.error().message.find("kind = \"fax\" is not a connector kind") != std::string::npos);
  auto syntax = connectors::load_config(write_file("syntax.toml", "[connectors.hr\n"));
  CHECK(syntax.error().message.find("syntax.toml:1:") != std::string::npos);
  auto section = connectors::load_config(write_file("section.toml", "[conectors.hr]\n"));
  CHECK(section.error().message.find("unknown section [conectors]") != std::string::npos);
}

TEST_CASE("elva.toml: an unknown setting is refused, so a typo cannot switch a protection off",
          "[connectors]") {
  auto typo =
      connectors::load_config(write_file("typo.toml",
                                         "[connectors.desk]\nkind = \"http\"\nbase_url = "
                                         "\"https://d.example/api\"\ndeny_privat = true\n"));
  REQUIRE_FALSE(typo);
  CHECK(typo.error().message.find("[connectors.desk]: unknown setting 'deny_privat' for a http "
                                  "connector; it takes base_url,") != std::string::npos);
  CHECK(typo.error().message.find("deny_private") != std::string::npos);
  auto mail = connectors::load_config(
      write_file("mailtypo.toml", "[connectors.mail]\nhost = \"x\"\nfrom_address = \"a@b\"\n"));
  CHECK(mail.error().message.find("unknown setting 'from_address' for a mail connector") !=
        std::string::npos);
  auto egress = connectors::load_config(
      write_file("egress.toml",
                 "[connectors.desk]\nkind = \"http\"\nbase_url = "
                 "\"https://d.example/api\"\nallowed_hosts = [\"files.example\"]\n"
                 "denied_hosts = [\"x.example\"]\ndeny_private = true\nallowed_networks = "
                 "[\"10.1.0.0/16\"]\ndenied_networks = [\"192.0.2.0/24\"]\n"
                 "[connectors.hr]\nurl = \"https://hr.example/scim/v2\"\ndeny_private = true\n"
                 "[connectors.portal]\nkind = \"eservice\"\nportal_url = "
                 "\"https://p.example/api\"\ndeny_private = false\n"));
  CHECK(egress);
}

TEST_CASE("elva.toml: credentials need base_url, and a from that is not a mail address is refused",
          "[connectors]") {
  ::setenv("ELVA_UNIT_TOKEN", "s3cret-token", 1);
  auto bare = connectors::load_config(write_file(
      "bare.toml",
      "[connectors.desk]\nkind = \"http\"\nbearer_token = { env = \"ELVA_UNIT_TOKEN\" }\n"));
  REQUIRE_FALSE(bare);
  CHECK(bare.error().message.find("sent only to calls under base_url: set base_url") !=
        std::string::npos);
  auto from = connectors::load_config(write_file(
      "from.toml", "[connectors.mail]\nhost = \"x\"\nfrom = \"Elva <elva@x>\\r\\nBcc: a@b\"\n"));
  REQUIRE_FALSE(from);
  CHECK(from.error().message.find("[connectors.mail]: from is not a mail address") !=
        std::string::npos);
}

TEST_CASE("the contract check names the connector the operation and the missing inputs",
          "[connectors]") {
  auto c = connectors::load_config("");
  REQUIRE(c);
  const auto& r = *c->registry;
  CHECK(!r.check("http.post", {"url", "body"}));
  CHECK(!r.check("elva.echo", {}));
  CHECK(r.check("hr.createUser", {})
            ->find("names connector 'hr', which is not configured here (configured: elva, http, "
                   "lottery)") != std::string::npos);
  CHECK(r.check("http.fetch", {"url"})->find("has no operation 'fetch'") != std::string::npos);
  CHECK(r.check("http.request", {"url"})->find("without its required input method") !=
        std::string::npos);
  CHECK(r.check("http.get", {})->find("but the task has no input mappings") != std::string::npos);
}

TEST_CASE(
    "lottery.draw: an empty positions field (as a modeler writes it) is none, a wrong one a clear "
    "failure",
    "[connectors]") {
  auto config = connectors::load_config("");
  REQUIRE(config);
  auto lottery = config->registry->find("lottery");
  REQUIRE(lottery);
  auto draw = [&](json positions) {
    connector::Invocation call;
    call.operation = "draw";
    call.input = {{"seed", "s"}, {"applicants", {"a", "b", "c"}}};
    if (!positions.is_discarded()) call.input["positions"] = positions;
    connector::Outcome got;
    lottery->invoke(call, [&](connector::Outcome o) { got = std::move(o); });
    return got;
  };
  for (const json& none : {json(""), json(), json(0), json(json::value_t::discarded)}) {
    auto o = draw(none);
    REQUIRE(o.kind == connector::Outcome::Kind::Completed);
    CHECK(o.output["winners"].empty());
  }
  for (const json& two : {json(2), json(2.0)}) {
    auto o = draw(two);
    REQUIRE(o.kind == connector::Outcome::Kind::Completed);
    CHECK(o.output["winners"].size() == 2);
  }
  for (const json& wrong : {json("two"), json(-1), json(1.5), json::array(), json::object()}) {
    auto o = draw(wrong);
    CHECK(o.kind == connector::Outcome::Kind::Fail);
    CHECK(o.message == "lottery.draw: positions must be a whole number from 0");
  }
}
