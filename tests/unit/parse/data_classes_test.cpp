// Data classes in BPMN (<elva:data>, elva:retention, elva:purpose) and the warnings for
// variables that look personal but are not marked (docs/privacy.md).
#include "parse/data_classes.hpp"

#include <catch2/catch.hpp>

#include "support/bpmn_fixture.hpp"

using namespace elva;

namespace {
std::string process(const std::string& attributes, const std::string& extensions,
                    const std::string& body) {
  return test::bpmn("<process id=\"p\" isExecutable=\"true\" " + attributes +
                    ">\n<extensionElements>" + extensions + "</extensionElements>\n" + body +
                    "\n</process>");
}
const std::string kFlow =
    R"(<startEvent id="s"/><sequenceFlow id="f" sourceRef="s" targetRef="e"/><endEvent id="e"/>)";
}  // namespace

TEST_CASE("elva:data declarations are read into the process with class, retention and subject",
          "[parse][privacy]") {
  auto r = test::read_xml(
      process(R"(elva:retention="P5Y" elva:purpose="Employment")",
              R"(<elva:data name="employee" class="personal" retention="P2Y" subject="true"/>
         <elva:data name="personnummer" class="sensitive" purpose="Payroll"/>
         <elva:data name="notes" class="working"/>)",
              kFlow));
  INFO(r.dump());
  CHECK(r.errors() == 0);
  const auto& p = r.process();
  CHECK(p.history_time_to_live == "P5Y");
  CHECK(p.purpose == "Employment");
  REQUIRE(p.data_declarations.size() == 3);
  CHECK(p.data_declarations[0].variable == "employee");
  CHECK(p.data_declarations[0].data_class == model::DataClass::Personal);
  CHECK(p.data_declarations[0].retention == "P2Y");
  CHECK(p.data_declarations[0].subject);
  CHECK(p.data_declarations[1].data_class == model::DataClass::Sensitive);
  CHECK(p.data_declarations[1].purpose == "Payroll");
  CHECK(p.data_declarations[2].data_class == model::DataClass::Working);
  CHECK(p.data_declarations[2].pos.line > 0);
}

TEST_CASE("an unknown data class, a bad retention and a duplicate are errors at their line",
          "[parse][privacy]") {
  auto r = test::read_xml(process(R"(elva:retention="five years")",
                                  R"(<elva:data name="a" class="secret"/>
<elva:data name="b" class="personal" retention="P5X"/>
<elva:data name="c" class="record"/>
<elva:data name="c" class="record" colour="red"/>)",
                                  kFlow));
  INFO(r.dump());
  CHECK(r.has_error("elva:retention=\"five years\" is not a retention", "p"));
  CHECK(r.has_error("class=\"secret\" is not a data class (personal, sensitive, record, working)"));
  CHECK(r.has_error("retention=\"P5X\" is not an ISO 8601 duration"));
  CHECK(r.has_error("unknown attribute colour"));
  CHECK(r.has_error("elva:data 'c' is declared twice (line 8)"));
  bool on_line = false;
  for (const auto& d : r.all)
    on_line |= d.message.find("secret") != std::string::npos && d.pos.line == 6;
  CHECK(on_line);
}

TEST_CASE("Camunda's historyTimeToLive in days is a retention", "[parse][privacy]") {
  CHECK(parse::retention_interval("180") == std::optional<std::string>("P180D"));
  CHECK(parse::retention_interval("P6M") == std::optional<std::string>("P6M"));
  CHECK(parse::retention_interval("PT12H") == std::optional<std::string>("PT12H"));
  CHECK_FALSE(parse::retention_interval("forever"));
  CHECK_FALSE(parse::retention_interval(""));
}

TEST_CASE("names that look personal or sensitive are recognised by their words",
          "[parse][privacy]") {
  using parse::Looks;
  CHECK(parse::looks_personal("personnummer") == Looks::Sensitive);
  CHECK(parse::looks_personal("fodselsnummer") == Looks::Sensitive);
  CHECK(parse::looks_personal("fødselsnummer") == Looks::Sensitive);
  CHECK(parse::looks_personal("applicantSsn") == Looks::Sensitive);
  CHECK(parse::looks_personal("firstName") == Looks::Personal);
  CHECK(parse::looks_personal("family_name") == Looks::Personal);
  CHECK(parse::looks_personal("email") == Looks::Personal);
  CHECK(parse::looks_personal("homeAddress") == Looks::Personal);
  CHECK(parse::looks_personal("telefon") == Looks::Personal);
  CHECK(parse::looks_personal("efternamn") == Looks::Personal);
  CHECK(parse::looks_personal("etternavn") == Looks::Personal);
  CHECK(parse::looks_personal("name") == Looks::Personal);
  // not a person's data
  CHECK(parse::looks_personal("className") == Looks::Plain);
  CHECK(parse::looks_personal("fileName") == Looks::Plain);
  CHECK(parse::looks_personal("approved") == Looks::Plain);
  CHECK(parse::looks_personal("startDate") == Looks::Plain);
}

TEST_CASE("validate warns about variables that look personal and have no data class",
          "[validate][privacy]") {
  const std::string body =
      R"(<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="mail"/>
<sendTask id="mail" elva:connector="mail.send">
  <extensionElements>
    <elva:input source="=applicant.email" target="to"/>
    <elva:input source="Dear {{applicant.firstName}}" target="body"/>
    <elva:output source="=result.personnummer" target="personnummer"/>
  </extensionElements>
</sendTask>
<sequenceFlow id="f2" sourceRef="mail" targetRef="e"/><endEvent id="e"/>)";
  SECTION("unmarked: one warning per variable, at the element that uses it") {
    auto r = test::read_xml(process(R"(elva:retention="P1Y")", "", body));
    INFO(r.dump());
    CHECK(
        r.has_warning("variable 'applicant' (applicant.email) looks like personal data but has "
                      "no data class",
                      "mail"));
    CHECK(r.has_warning("variable 'personnummer' looks like sensitive personal data", "mail"));
    // a job's result field that looks personal is the target's data, not a variable of its own
    CHECK_FALSE(r.has_warning("variable 'result'"));
    CHECK(r.errors() == 0);
  }
  SECTION("marked: no warning") {
    auto r = test::read_xml(process(R"(elva:retention="P1Y")",
                                    R"(<elva:data name="applicant" class="personal"/>
<elva:data name="personnummer" class="sensitive"/>)",
                                    body));
    INFO(r.dump());
    CHECK_FALSE(r.has_warning("looks like"));
    CHECK_FALSE(r.has_warning("kept for ever"));
  }
  SECTION("personal data without any retention is kept for ever: a warning") {
    auto r =
        test::read_xml(process("", R"(<elva:data name="applicant" class="personal"/>)", kFlow));
    CHECK(r.has_warning("variable 'applicant' is personal data kept for ever", "p"));
  }
  SECTION("string literals in expressions are not variables") {
    auto r = test::read_xml(process(
        R"(elva:retention="P1Y")", "",
        R"(<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="e"><conditionExpression>=kind = "email"</conditionExpression></sequenceFlow><endEvent id="e"/>)"));
    INFO(r.dump());
    CHECK_FALSE(r.has_warning("looks like"));
  }
}
