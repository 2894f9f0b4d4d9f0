// Bad input gets a clear error, never a crash or a hang.
#include <catch2/catch.hpp>

#include "support/bpmn_fixture.hpp"

using namespace elva;

namespace {
Diagnostic only_error(const test::Read& r) {
  REQUIRE_FALSE(r.result.definitions);
  REQUIRE(r.all.size() == 1);
  CHECK(r.all[0].severity == Severity::Error);
  return r.all[0];
}
}  // namespace

TEST_CASE("malformed XML names the line and column", "[parse][hostile]") {
  auto r = test::read_xml(
      "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\">\n"
      "  <process id=\"p\">\n  </proces>\n</definitions>");
  const auto d = only_error(r);
  CHECK(d.message.rfind("malformed XML", 0) == 0);
  CHECK(d.pos.line == 3);
}

TEST_CASE("XML that is not BPMN is refused with what was found", "[parse][hostile]") {
  const auto d = only_error(test::read_xml("<html><body>hello</body></html>"));
  CHECK(d.message ==
        "not a BPMN 2.0 file: the root element is <html> in no namespace; expected "
        "<definitions> in namespace 'http://www.omg.org/spec/BPMN/20100524/MODEL'");
}

TEST_CASE("empty, whitespace-only and binary files are refused", "[parse][hostile]") {
  CHECK(only_error(test::read_xml("")).message.find("file is empty") == 0);
  CHECK(only_error(test::read_xml(" \n\t ")).message.find("file is empty") == 0);
  CHECK(only_error(test::read_xml(std::string("\x89PNG\r\n\x1a\n\0\0\0", 11)))
            .message.find("binary") != std::string::npos);
  CHECK(only_error(test::read_xml(std::string("\xff\xfe<\0d\0", 6))).message.find("UTF-16") !=
        std::string::npos);
}

TEST_CASE("elements in unknown namespaces are ignored, not fatal", "[parse][hostile]") {
  auto r = test::read_xml(test::bpmn(R"(<process id="p" xmlns:x="urn:vendor">
    <x:widget id="w"/><startEvent id="s" x:color="red"><x:extra/></startEvent></process>)"));
  REQUIRE(r.result.definitions);
  CHECK(r.process().elements.size() == 1);
  CHECK(r.defs().foreign_namespaces.size() >= 1);
}

TEST_CASE("a DOCTYPE with entity expansion (billion laughs) is refused", "[parse][hostile]") {
  std::string xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n";
  for (int i = 1; i < 10; ++i) {
    xml += " <!ENTITY lol" + std::to_string(i) + " \"";
    for (int j = 0; j < 10; ++j)
      xml += "&lol" + std::string(i == 1 ? "" : std::to_string(i - 1)) + ";";
    xml += "\">\n";
  }
  xml +=
      "]>\n<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\">&lol9;</definitions>";
  const auto d = only_error(test::read_xml(xml));
  CHECK(d.message.find("DOCTYPE declarations are not allowed") == 0);
  CHECK(d.pos.line == 2);
}

TEST_CASE("a file over the size limit is refused unread", "[parse][hostile]") {
  const std::string xml = test::bpmn("<process id=\"p\"/>");
  const auto d = only_error(test::read_xml(xml, 100));
  CHECK(d.message.find("over the limit of 100 bytes") != std::string::npos);
}

TEST_CASE("10,000-deep nesting is refused without recursion", "[parse][hostile]") {
  std::string xml =
      "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\"><process id=\"p\">";
  for (int i = 0; i < 10000; ++i) xml += "<subProcess id=\"s" + std::to_string(i) + "\">";
  for (int i = 0; i < 10000; ++i) xml += "</subProcess>";
  xml += "</process></definitions>";
  const auto d = only_error(test::read_xml(xml));
  CHECK(d.message == "XML elements are nested 10002 levels deep; Elva reads at most 512");
}

TEST_CASE("nesting just under the limit is read", "[parse][hostile]") {
  std::string xml =
      "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\"><process id=\"p\">";
  for (int i = 0; i < 500; ++i) xml += "<subProcess id=\"s" + std::to_string(i) + "\">";
  for (int i = 0; i < 500; ++i) xml += "</subProcess>";
  xml += "</process></definitions>";
  auto r = test::read_xml(xml);
  REQUIRE(r.result.definitions);
  CHECK(r.process().elements.size() == 500);
}

TEST_CASE("references to missing ids and missing attributes do not crash", "[parse][hostile]") {
  auto r = test::read_xml(test::bpmn(R"(<process><startEvent/><sequenceFlow/>
    <boundaryEvent id="b"/><exclusiveGateway id="g" default=""/>
    <intermediateThrowEvent id="l"><linkEventDefinition/></intermediateThrowEvent>
    <intermediateCatchEvent id="c"><compensateEventDefinition activityRef="ghost"/></intermediateCatchEvent>
    </process><collaboration id="c1"><participant id="pp" processRef="nope"/>
    <messageFlow id="mf" sourceRef="a" targetRef="b2"/></collaboration>)"));
  REQUIRE(r.result.definitions);
  CHECK(r.has_error("process has no id"));
  CHECK(r.has_error("flow node has no id"));
  CHECK(r.has_error("sequence flow needs both sourceRef and targetRef"));
  CHECK(r.has_error("boundary event has no attachedToRef", "b"));
  CHECK(r.has_error("processRef 'nope' is not a process in this file", "pp"));
  CHECK(r.has_error("'a' is neither a participant nor a flow node", "mf"));
  CHECK(r.has_error("compensation refers to activity 'ghost'", "c"));
}

TEST_CASE("invalid UTF-8 is refused at its line and column", "[parse][hostile]") {
  const auto d = only_error(test::read_xml(test::bpmn("<process id=\"p\" name=\"G\xf6teborg\"/>")));
  CHECK(d.message.find("not valid UTF-8") != std::string::npos);
  CHECK(d.pos.line == 5);
  CHECK(d.pos.col == 24);
}

TEST_CASE("a file that declares ISO-8859-1 is converted and read", "[parse][hostile]") {
  auto r = test::read_xml(
      "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
      "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\">"
      "<process id=\"p\" name=\"G\xf6teborg\"/></definitions>");
  REQUIRE(r.result.definitions);
  CHECK(r.process().name == "G\xc3\xb6teborg");
}
