// The connectors' pure parts: URLs, durations, secrets, templates, base64, the registry's
// contract check and elva.toml errors. The connectors against their peers are in tests/connectors.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>

#include "common/http_client.hpp"
#include "common/settings.hpp"
#include "connectors.hpp"
#include "mail/mail_connector.hpp"

using namespace elva;
using nlohmann::json;

namespace {
std::string write_file(const std::string& name, const std::string& text) {
  const std::string path = "/tmp/elva-unit-" + std::to_string(::getpid()) + "-" + name;
  std::ofstream(path) << text;
  return path;
}
}  // namespace

TEST_CASE("URLs are split into scheme host port and target with clear refusals", "[connectors]") {
  auto u = connectors::Url::parse("https://hr.kommun.se/scim/v2/Users?filter=x");
  REQUIRE(u);
  CHECK(u->host == "hr.kommun.se");
  CHECK(u->port == "443");
  CHECK(u->target == "/scim/v2/Users?filter=x");
  CHECK(connectors::Url::parse("http://[::1]:8080")->host == "::1");
  CHECK(connectors::Url::parse("http://a.b")->target == "/");
  CHECK(connectors::Url::parse("ftp://x").error().message.find("only http and https") != std::string::npos);
  CHECK(connectors::Url::parse("http://user:pw@x/").error().message.find("credentials in the URL") != std::string::npos);
  CHECK(connectors::Url::parse("x/y").error().message.find("not an absolute URL") != std::string::npos);
  CHECK(connectors::url_encode("Grävtillstånd 1/2") == "Gr%C3%A4vtillst%C3%A5nd%201%2F2");
  CHECK(connectors::base64_encode("elva:pw") == "ZWx2YTpwdw==");
  CHECK(connectors::base64_encode(std::string("\0u\0p", 4)) == "AHUAcA==");
}

TEST_CASE("durations in settings: 10s 500ms 2m PT10S or seconds", "[connectors]") {
  connectors::Settings s{"x", {{"a", "10s"}, {"b", "500ms"}, {"c", "2m"}, {"d", "PT10S"}, {"e", 1.5}, {"f", "soon"}}, json::object(), "elva.toml [connectors.x]"};
  using std::chrono::milliseconds;
  CHECK(*s.duration("a", milliseconds(0)) == milliseconds(10'000));
  CHECK(*s.duration("b", milliseconds(0)) == milliseconds(500));
  CHECK(*s.duration("c", milliseconds(0)) == milliseconds(120'000));
  CHECK(*s.duration("d", milliseconds(0)) == milliseconds(10'000));
  CHECK(*s.duration("e", milliseconds(0)) == milliseconds(1'500));
  CHECK(*s.duration("missing", milliseconds(7)) == milliseconds(7));
  CHECK(s.duration("f", milliseconds(0)).error().message == "elva.toml [connectors.x]: f = \"soon\" is not a duration; write \"10s\", \"500ms\", \"2m\" or \"PT10S\"");
}

TEST_CASE("mail templates fill names and paths and name what is missing", "[connectors]") {
  json data = {{"givenName", "Åsa"}, {"unit", {{"name", "IT"}}}, {"n", 3}};
  CHECK(*connectors::fill_mail_template("Hej {{givenName}} ({{ unit.name }}), {{n}} st", data) == "Hej Åsa (IT), 3 st");
  CHECK(connectors::fill_mail_template("{{familyName}}", data).error().message.find("{{familyName}} has no value") != std::string::npos);
  CHECK(connectors::fill_mail_template("{{oops", data).error().message.find("not closed") != std::string::npos);
}

TEST_CASE("elva.toml: secrets come from the environment or files and are never shown", "[connectors]") {
  ::setenv("ELVA_UNIT_TOKEN", "s3cret-token", 1);
  const auto secret_file = write_file("secret", "from-file\n");
  const auto path = write_file("ok.toml", "[connectors.hr]\nurl = \"https://hr.example/scim/v2\"\ntoken = { env = \"ELVA_UNIT_TOKEN\" }\n"
                                          "[connectors.desk]\nkind = \"http\"\nbase_url = \"https://desk.example/api\"\nbearer_token = { file = \"" + secret_file + "\" }\n");
  auto c = connectors::load_config(path);
  REQUIRE(c);
  auto listing = c->registry->to_json().dump();
  CHECK(listing.find("s3cret-token") == std::string::npos);
  CHECK(listing.find("from-file") == std::string::npos);
  CHECK(listing.find("(secret from $ELVA_UNIT_TOKEN)") != std::string::npos);
  CHECK(c->registry->find("hr")->kind() == "hr");
  CHECK(c->registry->find("http"));  // always there
  CHECK(c->registry->find("elva"));

  auto written = connectors::load_config(write_file("plain.toml", "[connectors.mail]\nhost = \"x\"\npassword = \"hunter2\"\n"));
  CHECK(written.error().message.find("password is written into the file; read it from the environment or a file instead") != std::string::npos);
  auto unset = connectors::load_config(write_file("unset.toml", "[connectors.hr]\nurl = \"https://h/scim/v2\"\ntoken = { env = \"ELVA_UNIT_NOT_SET\" }\n"));
  CHECK(unset.error().message.find("token: the environment variable ELVA_UNIT_NOT_SET is not set") != std::string::npos);
  auto ca = connectors::load_config(write_file("ca.toml", "[connectors.mail]\nhost = \"x\"\nca_file = \"/nonexistent/ca.pem\"\n"));
  CHECK(ca.error().message.find("[connectors.mail]: the CA file /nonexistent/ca.pem cannot be read") != std::string::npos);
  auto http_ca = connectors::load_config(write_file("http-ca.toml", "[connectors.desk]\nkind = \"http\"\nca_file = \"/nonexistent/ca.pem\"\n"));
  CHECK(http_ca.error().message.find("[connectors.desk]: the CA file /nonexistent/ca.pem cannot be read") != std::string::npos);
  auto kind = connectors::load_config(write_file("kind.toml", "[connectors.fax]\n"));
  CHECK(kind.error().message.find("kind = \"fax\" is not a connector kind") != std::string::npos);
  auto syntax = connectors::load_config(write_file("syntax.toml", "[connectors.hr\n"));
  CHECK(syntax.error().message.find("syntax.toml:1:") != std::string::npos);
  auto section = connectors::load_config(write_file("section.toml", "[conectors.hr]\n"));
  CHECK(section.error().message.find("unknown section [conectors]") != std::string::npos);
}

TEST_CASE("the contract check names the connector the operation and the missing inputs", "[connectors]") {
  auto c = connectors::load_config("");
  REQUIRE(c);
  const auto& r = *c->registry;
  CHECK(!r.check("http.post", {"url", "body"}));
  CHECK(!r.check("elva.echo", {}));
  CHECK(r.check("hr.createUser", {})->find("names connector 'hr', which is not configured here (configured: elva, http, lottery)") != std::string::npos);
  CHECK(r.check("http.fetch", {"url"})->find("has no operation 'fetch'") != std::string::npos);
  CHECK(r.check("http.request", {"url"})->find("without its required input method") != std::string::npos);
  CHECK(r.check("http.get", {})->find("but the task has no input mappings") != std::string::npos);
}
