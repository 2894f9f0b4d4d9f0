// Process packages without the CLI: version ranges, the manifest a build writes, signatures
// (a changed byte anywhere the manifest covers breaks them), parameters, hostile package paths.
#include "elva/package.hpp"

#include <catch2/catch.hpp>

using namespace elva;

namespace {

using json = nlohmann::json;

const char* kBpmn = R"(<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:elva="urn:elva:bpmn:1.0" id="d" targetNamespace="urn:t">
  <process id="p" isExecutable="true">
    <startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="t"/>
    <userTask id="t" elva:candidateGroups="{{param:group}}"/><sequenceFlow id="f2" sourceRef="t" targetRef="e"/>
    <endEvent id="e"/>
  </process>
</definitions>
)";

json source() {
  return {{"name", "p"},
          {"version", "1.0.0"},
          {"license", "EUPL-1.2"},
          {"elva", ">=0.1.0"},
          {"parameters", {{"group", {{"description", "who decides"}, {"example", "officers"}}}}}};
}

json built() {
  PackageBuildOptions options;
  options.source = source();
  auto package = build_package({{"p.bpmn", kBpmn}, {"README.md", "# p\n"}}, options);
  REQUIRE(package);
  return *package;
}

bool satisfies(const std::string& version, const std::string& range) {
  auto r = version_satisfies(version, range);
  REQUIRE(r);
  return *r;
}

}  // namespace

TEST_CASE("package version ranges: comparators, caret, tilde, alternatives", "[package]") {
  CHECK(satisfies("0.1.0", ">=0.1.0 <1.0.0"));
  CHECK_FALSE(satisfies("1.0.0", ">=0.1.0 <1.0.0"));
  CHECK(satisfies("1.4.2", "^1.2"));
  CHECK_FALSE(satisfies("2.0.0", "^1.2"));
  CHECK(satisfies("0.2.9", "^0.2.1"));
  CHECK_FALSE(satisfies("0.3.0", "^0.2.1"));
  CHECK(satisfies("1.2.9", "~1.2.3"));
  CHECK_FALSE(satisfies("1.3.0", "~1.2.3"));
  CHECK(satisfies("3.0.0", "<2 || >=3"));
  CHECK_FALSE(satisfies("2.5.0", "<2 || >=3"));
  CHECK(satisfies("1.0.0", "1.0.0"));
  CHECK(satisfies("1.0.0", ">= 1.0"));
  CHECK(satisfies("1.0.0-rc.1", "=1.0.0"));
  CHECK_FALSE(version_satisfies("1.0.0", ""));
  CHECK_FALSE(version_satisfies("1.0.0", ">=x"));
  CHECK_FALSE(version_satisfies("1.0.0", "=>1.0.0"));
  CHECK_FALSE(version_satisfies("1.0.0", "1.2.3.4"));
  CHECK_FALSE(version_satisfies("one", ">=1.0.0"));
}

TEST_CASE("package build: the manifest lists the files with their digests", "[package]") {
  const json p = built();
  const json& m = p["manifest"];
  CHECK(p["format"] == "elva-package/1");
  CHECK(m["processes"] == json::array({{{"id", "p"}, {"name", ""}, {"file", "p.bpmn"}}}));
  REQUIRE(m["files"].size() == 2);
  CHECK(m["files"][0]["path"] == "README.md");
  CHECK(m["files"][1]["sha256"].get<std::string>().size() == 64);
  CHECK(p["files"]["p.bpmn"].get<std::string>().find("{{param:group}}") != std::string::npos);
  CHECK_FALSE(p.contains("signature"));
}

TEST_CASE("package build refuses what an importer could not use", "[package]") {
  PackageBuildOptions options;
  auto refused = [&](const json& s, const std::string& text,
                     std::vector<std::pair<std::string, std::string>> files = {}) {
    options.source = s;
    if (files.empty()) files = {{"p.bpmn", kBpmn}};
    auto r = build_package(files, options);
    REQUIRE_FALSE(r);
    CHECK_THAT(r.error().message, Catch::Contains(text));
  };
  json s = source();
  s.erase("license");
  refused(s, "license: missing");
  s = source();
  s["version"] = "1.0";
  refused(s, "version: a semantic version");
  s = source();
  s["name"] = "Tree Permit";
  refused(s, "name: lower-case letters");
  s = source();
  s["parameters"]["group"].erase("example");
  refused(s, "parameters.group: needs an example");
  s = source();
  s["parameters"]["unused"] = {{"description", "x"}, {"example", "y"}};
  refused(s, "parameters.unused is used by no file");
  s = source();
  s["homepage"] = "x";
  refused(s, "homepage: not a package setting");
  refused(source(), "a package holds files by relative paths", {{"../p.bpmn", kBpmn}});
  refused(source(), "not UTF-8 text", {{"p.bpmn", kBpmn}, {"README.md", "\xff\xfe"}});
  std::string broken = kBpmn;
  broken.replace(broken.find("targetRef=\"e\""), 13, "targetRef=\"x\"");
  options.source = source();
  auto r = build_package({{"p.bpmn", broken}}, options);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == Errc::ValidationError);
  CHECK_THAT(r.error().message, Catch::Contains("p.bpmn:5"));
}

TEST_CASE("package signatures: trusted, tampered, wrong key, unknown, expired", "[package]") {
  const auto keys = new_publisher_keys();
  auto signed_package = sign_package(built(), "Ånge kommun", keys.secret_key);
  REQUIRE(signed_package);
  const json trust = {
      {"publisher",
       {{"Ånge kommun", {{"public_key", keys.public_key}, {"expires", "2030-01-01"}}}}}};
  auto check = verify_package(*signed_package, trust, "2026-12-07");
  CHECK(check.trusted);
  CHECK(check.problems.empty());
  CHECK(check.expires == "2030-01-01");

  CHECK_FALSE(verify_package(*signed_package, trust, "2030-01-02").trusted);

  json changed = *signed_package;
  changed["manifest"]["version"] = "1.0.1";
  check = verify_package(changed, trust, "2026-12-07");
  CHECK_FALSE(check.intact);
  CHECK_THAT(check.problems.at(0), Catch::Contains("the signature does not match"));

  changed = *signed_package;
  changed["files"]["README.md"] = "# q\n";
  check = verify_package(changed, trust, "2026-12-07");
  CHECK_FALSE(check.intact);
  CHECK_THAT(check.problems.at(0), Catch::Contains("'README.md' does not match its digest"));

  const auto other = new_publisher_keys();
  auto by_other = sign_package(built(), "Ånge kommun", other.secret_key);
  check = verify_package(*by_other, trust, "2026-12-07");
  CHECK(check.intact);
  CHECK_FALSE(check.trusted);
  CHECK_THAT(check.problems.at(0), Catch::Contains("not the trusted key of 'Ånge kommun'"));

  check = verify_package(*signed_package, json::object(), "2026-12-07");
  CHECK_FALSE(check.trusted);
  CHECK_THAT(check.problems.at(0), Catch::Contains("'Ånge kommun' is not in the trust file"));

  CHECK_FALSE(sign_package(built(), "x", "ed25519:AAAA"));
  CHECK_FALSE(sign_package(built(), "x", keys.public_key));
}

TEST_CASE("package parameters are filled in, and a missing one is named", "[package]") {
  const json p = built();
  auto missing = package_files(p, json::object());
  REQUIRE_FALSE(missing);
  CHECK_THAT(missing.error().message, Catch::Contains("group (who decides)"));
  auto files = package_files(p, {{"group", "parkforvaltningen"}});
  REQUIRE(files);
  bool found = false;
  for (const auto& [path, text] : *files)
    if (path == "p.bpmn")
      found = text.find("elva:candidateGroups=\"parkforvaltningen\"") != std::string::npos;
  CHECK(found);
  CHECK(package_examples(p) == json{{"group", "officers"}});
}

TEST_CASE("hostile package files are refused when read", "[package]") {
  json p = built();
  CHECK(parse_package(p.dump()));
  CHECK_FALSE(parse_package("not json"));
  CHECK_FALSE(parse_package("{\"format\": \"zip\"}"));
  for (const char* path : {"/etc/passwd", "../x", "a/../../x", "a//b", "./a", "a\\b"}) {
    json bad = p;
    bad["files"][path] = "x";
    CHECK_FALSE(parse_package(bad.dump()));
    bad = p;
    bad["manifest"]["files"].push_back({{"path", path}, {"sha256", ""}});
    CHECK_FALSE(parse_package(bad.dump()));
  }
  json bad = p;
  bad["files"]["x.bpmn"] = 5;
  CHECK_FALSE(parse_package(bad.dump()));
  bad = p;
  bad["manifest"].erase("elva");
  CHECK_FALSE(parse_package(bad.dump()));
}

TEST_CASE("a package whose manifest has the wrong shapes is refused, never thrown on",
          "[package]") {
  const auto keys = new_publisher_keys();
  const json good = *sign_package(built(), "x", keys.secret_key);
  const json trust = {{"publisher", {{"x", {{"public_key", keys.public_key}}}}}};
  const std::vector<json> wrongs = {json(5),
                                    json::array(),
                                    json::object(),
                                    json("x"),
                                    json(),
                                    json::array({5}),
                                    json::array({json::object()})};
  int refused = 0, accepted = 0;
  auto probe = [&](const json& p) {
    auto read = parse_package(p.dump());
    if (!read) {
      ++refused;
      return;
    }
    ++accepted;
    REQUIRE_NOTHROW(verify_package(*read, trust, "2026-12-07"));
    REQUIRE_NOTHROW(package_files(*read, {{"group", "g"}}));
    REQUIRE_NOTHROW(package_examples(*read));
  };
  for (const auto& [key, value] : good["manifest"].items()) {
    for (const auto& wrong : wrongs) {
      json p = good;
      p["manifest"][key] = wrong;
      probe(p);
    }
  }
  for (const char* key : {"files", "signature"})
    for (const auto& wrong : wrongs) {
      json p = good;
      p[key] = wrong;
      probe(p);
    }
  for (const char* field : {"path", "sha256", "bytes"})
    for (const auto& wrong : wrongs) {
      json p = good;
      p["manifest"]["files"][0][field] = wrong;
      probe(p);
    }
  json p = good;
  p["manifest"]["parameters"]["group"]["example"] = 5;
  probe(p);
  p = good;
  p["files"].erase("README.md");
  probe(p);
  CHECK(refused > 50);
  CHECK(accepted > 0);  // what is merely unknown or empty is read, then found wrong by verify
}
