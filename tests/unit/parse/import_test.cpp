// Import of other engines' files: the reader's conversions (Operaton, vendor namespaces, XPath
// boilerplate, connectors), the binding applied to the text, and the import report over the
// corpus in tests/data/import.
#include "elva/import.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "elva/bpmn.hpp"
#include "parse/binding.hpp"
#include "parse/reader.hpp"
#include "parse/validate.hpp"

namespace {

namespace fs = std::filesystem;

fs::path corpus() {
  const char* src = std::getenv("ELVA_SOURCE_DIR");
  return fs::path(src ? src : ".") / "tests" / "data" / "import";
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Read {
  elva::parse::ReadResult read;
  std::vector<elva::Diagnostic> all;
  bool has(const std::string& text) const {
    for (const auto& d : all)
      if (d.to_string().find(text) != std::string::npos) return true;
    return false;
  }
  std::size_t errors() const {
    std::size_t n = 0;
    for (const auto& d : all) n += d.severity == elva::Severity::Error;
    return n;
  }
};

Read read(const std::string& rel) {
  Read r;
  const auto path = corpus() / rel;
  r.read = elva::parse::read_bpmn(rel, slurp(path), 1 << 20);
  REQUIRE(r.read.definitions);
  r.all = r.read.diagnostics;
  auto more = elva::parse::validate(*r.read.definitions);
  r.all.insert(r.all.end(), more.begin(), more.end());
  return r;
}

const elva::model::Element& element(const Read& r, const std::string& id) {
  for (const auto& p : r.read.definitions->processes)
    if (const auto* e = p.find(id)) return *e;
  FAIL("no element " << id);
  throw 0;
}

nlohmann::json classes(const nlohmann::json& report, const std::string& file_suffix) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& f : report["files"]) {
    const std::string file = f["file"];
    if (file.size() < file_suffix.size() ||
        file.compare(file.size() - file_suffix.size(), file_suffix.size(), file_suffix) != 0)
      continue;
    for (const auto& e : f["elements"]) out[e["id"].get<std::string>()] = e["class"];
    out["@verdict"] = f["verdict"];
  }
  return out;
}

}  // namespace

TEST_CASE("the Operaton namespace is read like Camunda 7's", "[parse][import]") {
  auto r = read("operaton/parking-permit.bpmn");
  const auto& fee = element(r, "fee");
  REQUIRE(fee.job);
  CHECK(fee.job->job_type == "parking-fee");
  CHECK_FALSE(fee.job->connector);
  CHECK(element(r, "approve").as<elva::model::UserTaskSpec>()->candidate_groups == "parkering");
  CHECK(r.errors() == 0);
  auto w = read("operaton/waste-collection.bpmn");
  CHECK(
      w.has("waste-collection.bpmn:10:5: element 'plan' (serviceTask): operaton:class runs Java "
            "code inside the engine"));
}

TEST_CASE("an unknown vendor namespace is named with what it carried", "[parse][import]") {
  auto r = read("camunda8/snow-clearing.bpmn");
  CHECK(
      r.has("snow-clearing.bpmn:10:5: warning: element 'route' (scriptTask): namespace "
            "'http://kommun.example/schema/bpmn/1.0' is no dialect Elva reads (Elva, Camunda 7, "
            "Operaton, Zeebe, Flowable, Activiti); what it carried is ignored: kommun:sla on "
            "'route', kommun:owner in 'route'"));
  CHECK(r.errors() == 0);  // and the cron cycle is valid
}

TEST_CASE("XPath boilerplate on definitions no longer refuses ${...} conditions",
          "[parse][import]") {
  auto r = read("activiti/tree-felling.bpmn");
  CHECK_FALSE(r.has("condition language"));
  CHECK(
      r.has("tree-felling.bpmn:9:5: warning: element 't3' (sequenceFlow): "
            "expressionLanguage=\"http://www.w3.org/1999/XPath\" on <definitions> is taken as "
            "modeler boilerplate: conditions written as ${...} are read as JUEL"));
  // Only the Java delegate is left.
  CHECK(r.errors() == 1);
  CHECK(r.has("activiti:class runs Java code"));
}

TEST_CASE("a Camunda 7 http-connector runs on the http connector", "[parse][import]") {
  auto r = read("camunda7/address-change.bpmn");
  const auto& lookup = element(r, "lookup");
  REQUIRE(lookup.job);
  CHECK(lookup.job->job_type == "http.request");
  CHECK(lookup.job->connector);
  REQUIRE(lookup.inputs.size() == 3);
  CHECK(lookup.inputs[2].target == "headers");
  CHECK(lookup.inputs[2].source == "${{'Accept': 'application/json'}}");
  REQUIRE(lookup.outputs.size() == 2);
  CHECK(lookup.outputs[0].source == "${body}");
  CHECK(lookup.outputs[1].source == "${status}");
  CHECK(r.errors() == 0);
  CHECK_FALSE(r.read.conversions.empty());
}

TEST_CASE("a Camunda 8 REST connector runs on the http connector", "[parse][import]") {
  auto r = read("camunda8/library-card.bpmn");
  const auto& reg = element(r, "register");
  REQUIRE(reg.job);
  CHECK(reg.job->job_type == "http.request");
  CHECK(reg.job->connector);
  std::vector<std::string> targets;
  for (const auto& m : reg.inputs) targets.push_back(m.target);
  CHECK(targets == std::vector<std::string>{"method", "url", "headers", "body"});
  REQUIRE(reg.outputs.size() == 1);
  CHECK(reg.outputs[0].target == "registration");
  CHECK(r.has("REST connector inputs connectionTimeoutInSeconds are not applied"));
}

TEST_CASE("a binding turns Java delegates into connectors or worker topics, lines unchanged",
          "[parse][import]") {
  const std::string bytes = slurp(corpus() / "camunda7/building-permit.bpmn");
  elva::parse::Binding b;
  b.classes["se.kommun.permit.RegisterCaseDelegate"] = {
      "http.post", "", {{"url", "=\"https://diarium.example/cases\""}}, {{"caseId", "=body.id"}}};
  b.beans["archiveDelegate"] = {"", "archive", {}, {}};
  b.time_zone = "Europe/Stockholm";
  auto bound = elva::parse::apply_binding("building-permit.bpmn", bytes, b);
  CHECK(std::count(bound.bytes.begin(), bound.bytes.end(), '\n') ==
        std::count(bytes.begin(), bytes.end(), '\n'));
  REQUIRE(bound.delegates.size() == 2);
  CHECK(bound.delegates[0].kind == "class");
  CHECK(bound.delegates[0].bound);
  CHECK(bound.delegates[1].name == "archiveDelegate");
  auto r = elva::parse::read_bpmn("building-permit.bpmn", bound.bytes, 1 << 20);
  REQUIRE(r.definitions);
  const auto& p = r.definitions->processes[0];
  const auto* reg = p.find("register");
  REQUIRE(reg->job);
  CHECK(reg->job->job_type == "http.post");
  CHECK(reg->job->connector);
  CHECK(reg->pos.line == 7);
  REQUIRE(reg->inputs.size() == 1);
  CHECK(reg->inputs[0].target == "url");
  CHECK(reg->outputs[0].source == "=body.id");
  const auto* archive = p.find("archive");
  REQUIRE(archive->job);
  CHECK(archive->job->job_type == "archive");
  CHECK_FALSE(archive->job->connector);
  CHECK_FALSE(archive->vendor_code);
  const auto& timer = r.definitions->processes[1].find("nightly")->event()->definitions[0];
  CHECK(timer.timer_value == "CRON_TZ=Europe/Stockholm 0 0 2 * * ?");
  auto findings = elva::parse::validate(*r.definitions);
  for (const auto& d : findings) CHECK(d.severity != elva::Severity::Error);
}

TEST_CASE("the import report classifies every element of the corpus", "[parse][import]") {
  auto files = elva::expand_bpmn_paths({corpus().string()});
  REQUIRE(files);
  elva::ImportOptions options;
  auto result = elva::import_files(*files, options);
  REQUIRE(result);
  const auto& report = result->report;
  auto permit = classes(report, "building-permit.bpmn");
  CHECK(permit["register"] == "does not run");
  CHECK(permit["review"] == "runs after configuration");  // group bygglov-handlaggare
  CHECK(permit["yes"] == "runs");                         // converted JUEL under XPath
  CHECK(permit["remind"] == "runs after configuration");  // worker topic
  CHECK(permit["nightly"] == "runs");                     // cron
  CHECK(permit["@verdict"] == "does not run");
  auto leave = classes(report, "leave-request.bpmn");
  CHECK(leave["@verdict"] == "runs");
  auto address = classes(report, "address-change.bpmn");
  CHECK(address["lookup"] == "runs");
  CHECK(address["notify"] == "runs after configuration");
  CHECK(address["confirmed"] == "runs after configuration");  // no correlation key
  CHECK(address["@verdict"] == "runs after configuration");
  auto school = classes(report, "school-placement.bpmn");
  CHECK(school["applied"] == "runs");     // its end listener sets a variable, converted
  CHECK(school["choose"] == "degraded");  // its Java task listener is lost
  CHECK(school["score"] == "runs");       // JavaScript, in Elva's sandbox
  CHECK(school["@verdict"] == "degraded");
  auto youth = classes(report, "youth-grant.bpmn");
  CHECK(youth["amount"] == "does not run");  // Groovy: a worker's
  CHECK(school["notifyGuardian"] == "runs after configuration");
  CHECK(report["summary"]["executable"] == 12);
  bool listed = false;
  for (const auto& m : report["configure"]["messagesWithoutKeys"])
    listed = listed || m["name"] == "addressConfirmed";
  CHECK(listed);
  CHECK(result->binding_skeleton.find("[class.\"se.kommun.permit.RegisterCaseDelegate\"]") !=
        std::string::npos);
  CHECK(result->binding_skeleton.find("[bean.\"archiveDelegate\"]") != std::string::npos);
  CHECK(result->binding_skeleton.find("[jobType.\"verify-identity\"]") != std::string::npos);
  const std::string text = elva::import_report_text(report);
  CHECK(text.find("building-permit.bpmn:7: element 'register' (serviceTask): does not run: "
                  "camunda:class runs Java code") != std::string::npos);
  CHECK(text.find("school-placement.bpmn:10: element 'score' (scriptTask): runs: runs in Elva's "
                  "JavaScript sandbox (time and memory limits)") != std::string::npos);
  CHECK(text.find(
            "school-placement.bpmn:4: element 'applied' (startEvent): runs: converted: "
            "camunda:executionListener (event 'end', expression "
            "'${execution.setVariable('status', 'received')}') runs as status := \"received\"") !=
        std::string::npos);
  CHECK(text.find("school-placement.bpmn:20: element 'choose' (userTask): degraded") !=
        std::string::npos);
  auto youth_decide = classes(report, "youth-grant.bpmn");
  CHECK(youth_decide["decide"] != "degraded");  // flowable:taskListener complete, converted
  CHECK(text.find("youth-grant.bpmn:6: element 'amount' (scriptTask): does not run: script "
                  "format 'groovy' needs a worker") != std::string::npos);
}

TEST_CASE("a binding that names neither a connector nor a topic is refused", "[parse][import]") {
  elva::ImportOptions options;
  options.binding = {{"class", {{"a.B", {{"inputs", {{"x", "=1"}}}}}}}};
  auto result = elva::import_files({}, options);
  REQUIRE_FALSE(result);
  CHECK(result.error().message ==
        "[class.\"a.B\"] needs exactly one of connector = \"name.operation\" (an Elva connector) "
        "or topic = \"...\" (an external worker)");
}
