// The JavaScript sandbox (engine/script/javascript.hpp): values in and out, the time and memory
// limits, no I/O, error messages, and no child process left behind.
#include "script/javascript.hpp"

#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <chrono>

using elva::Errc;
using elva::script::run_javascript;
using elva::script::ScriptLimits;
using nlohmann::json;

namespace {

const json kNoInfo = json::object();

json value_of(const std::string& source, const json& variables = json::object(),
              const json& info = json::object()) {
  auto out = run_javascript(source, variables, info);
  if (!out) FAIL(out.error().message);
  return out->value;
}

std::string error_of(const std::string& source, const json& variables = json::object(),
                     const ScriptLimits& limits = {}) {
  auto out = run_javascript(source, variables, kNoInfo, limits);
  if (out) FAIL("the script succeeded: " + out->value.dump());
  return out.error().message;
}

}  // namespace

TEST_CASE("javascript: the completion value comes out as JSON", "[javascript]") {
  CHECK(value_of("1 + 2;") == 3);
  CHECK(value_of("var x = 5; x * 2.5") == 12.5);
  CHECK(value_of("'a' + 'b'") == "ab");
  CHECK(value_of("({a: [1, true, null], b: {c: 'd'}})") ==
        json::parse(R"({"a": [1, true, null], "b": {"c": "d"}})"));
  CHECK(value_of("var unused = 1;").is_null());  // undefined
  CHECK(value_of("if (true) { 'yes' } else { 'no' }") == "yes");
  CHECK(value_of("'å ä ö 😀'") == "å ä ö 😀");
}

TEST_CASE("javascript: variables come in as globals and through execution", "[javascript]") {
  const json vars = {
      {"amount", 1200}, {"applicant", {{"name", "Alva"}, {"age", 41}}}, {"tags", {"a", "b"}}};
  CHECK(value_of("amount * 2", vars) == 2400);
  CHECK(value_of("applicant.name + ' ' + applicant.age", vars) == "Alva 41");
  CHECK(value_of("execution.getVariable('amount') + tags.length", vars) == 1202);
  CHECK(value_of("execution.getVariableLocal('applicant').age", vars) == 41);
  CHECK(value_of("execution.getVariable('missing')", vars).is_null());
  CHECK(value_of("[execution.hasVariable('amount'), execution.hasVariable('missing'), "
                 "execution.hasVariable('toString')]",
                 vars) == json::array({true, false, false}));
  // The globals are copies: changing one does not change what getVariable returns.
  CHECK(value_of("applicant.name = 'X'; execution.getVariable('applicant').name", vars) == "Alva");
  // A variable named like a built-in does not replace it; getVariable still reads it.
  CHECK(value_of("[typeof JSON.parse, execution.getVariable('JSON')]", {{"JSON", 1}}) ==
        json::array({"function", 1}));
}

TEST_CASE("javascript: setVariable sets variables", "[javascript]") {
  auto out = run_javascript(
      "execution.setVariable('total', amount + 1);\n"
      "var o = {list: [1, 2]};\n"
      "execution.setVariableLocal('copy', o);\n"
      "o.list.push(3);  // set already: not seen\n"
      "execution.setVariable('nothing', undefined);\n"
      "execution.getVariable('total') + execution.getVariable('copy').list.length",
      {{"amount", 41}}, kNoInfo);
  REQUIRE(out);
  CHECK(out->value == 44);
  CHECK(out->set_variables ==
        json::parse(R"({"total": 42, "copy": {"list": [1, 2]}, "nothing": null})"));
  CHECK(error_of("var a = 1;\nexecution.setVariable('f', function () {})") ==
        "line 2: TypeError: execution.setVariable('f', ...): a function cannot be stored");
}

TEST_CASE("javascript: execution's ids and the engine's clock", "[javascript]") {
  const json info = {{"processInstanceId", "42"},
                     {"businessKey", "case-7"},
                     {"currentActivityId", "compute"},
                     {"processDefinitionId", "placement"},
                     {"now", 1'700'000'000'000}};
  CHECK(value_of("[execution.getProcessInstanceId(), execution.getBusinessKey(), "
                 "execution.getCurrentActivityId(), execution.getProcessDefinitionId(), "
                 "execution.getCurrentActivityName()]",
                 json::object(),
                 info) == json::array({"42", "case-7", "compute", "placement", nullptr}));
  CHECK(value_of("new Date().toISOString()", json::object(), info) == "2023-11-14T22:13:20.000Z");
  CHECK(value_of("Date.now()", json::object(), info) == 1'700'000'000'000);
  CHECK(value_of("new Date(0).toISOString() + (new Date() instanceof Date)", json::object(),
                 info) == "1970-01-01T00:00:00.000Ztrue");
  CHECK(value_of("Date.UTC(2024, 0, 2)", json::object(), info) == 1'704'153'600'000);
}

TEST_CASE("javascript: a script that never ends is stopped at the time limit", "[javascript]") {
  ScriptLimits limits;
  limits.time_ms = 200;
  const auto started = std::chrono::steady_clock::now();
  auto out = run_javascript("while (true) {}", json::object(), kNoInfo, limits);
  const auto took = std::chrono::steady_clock::now() - started;
  REQUIRE_FALSE(out);
  CHECK(out.error().code == Errc::Timeout);
  CHECK(out.error().message == "the script ran longer than 200 ms and was stopped");
  CHECK(took < std::chrono::seconds(5));  // it ended; not a measure of speed
}

TEST_CASE("javascript: a script that allocates without end is stopped at the memory limit",
          "[javascript]") {
  ScriptLimits limits;
  limits.time_ms = 10'000;
  limits.memory_bytes = 8u * 1024 * 1024;
  CHECK(error_of("var a = []; while (true) a.push('x' + a.length + new Array(100).join('y'));",
                 json::object(), limits) == "the script needed more than 8 MiB of memory");
  CHECK(error_of("var s = 'x'; while (true) s = s + s;", json::object(), limits) ==
        "the script needed more than 8 MiB of memory");
  // Variables that do not fit are refused before any script runs.
  CHECK(error_of("1", {{"big", std::string(9u * 1024 * 1024, 'x')}}, limits) ==
        "the script needed more than 8 MiB of memory (the variables alone are larger)");
  // The default is 32 MiB.
  CHECK(error_of("var s = 'x'; while (true) s = s + s;") ==
        "the script needed more than 32 MiB of memory");
}

TEST_CASE("javascript: nothing in the sandbox reaches files, network or processes",
          "[javascript]") {
  for (const char* name :
       {"require", "print", "alert", "Duktape", "module", "exports", "process", "console",
        "performance", "XMLHttpRequest", "fetch", "load", "readFile", "setTimeout"}) {
    INFO(name);
    CHECK(value_of(std::string("typeof ") + name) == "undefined");
  }
  // What is left on the global object: the ECMAScript built-ins and `execution`.
  CHECK(value_of("Object.getOwnPropertyNames(this).sort().join(' ')") ==
        "Array ArrayBuffer Boolean Buffer CBOR DataView Date Error EvalError Float32Array "
        "Float64Array Function Infinity Int16Array Int32Array Int8Array JSON Math NaN Number "
        "Object Proxy RangeError ReferenceError Reflect RegExp String Symbol SyntaxError "
        "TextDecoder TextEncoder TypeError URIError Uint16Array Uint32Array Uint8Array "
        "Uint8ClampedArray decodeURI decodeURIComponent encodeURI encodeURIComponent escape "
        "eval execution globalThis isFinite isNaN parseFloat parseInt undefined unescape");
  // eval and Function compile more JavaScript, within the same sandbox.
  CHECK(value_of("eval('typeof require') + new Function('return typeof print')()") ==
        "undefinedundefined");
}

TEST_CASE("javascript: errors name the line and never quote variable values", "[javascript]") {
  CHECK(error_of("var a = 1;\nvar b = 2;\nfoo.bar;") ==
        "line 3: ReferenceError: identifier 'foo' undefined");
  CHECK(error_of("var a = 1;\nvar b = ;") ==
        "line 2: SyntaxError: empty expression not allowed (end of input)");
  CHECK(error_of("var a = 1;\n\nthrow new Error('the applicant has no address');") ==
        "line 3: Error: the applicant has no address");
  CHECK(error_of("throw 'plain text';") == "the script threw plain text");
  const json secret = {{"pnr", "19121212-1212"}, {"n", 191212121212}};
  CHECK(error_of("pnr()", secret) == "line 1: TypeError: a text not callable");
  CHECK(error_of("pnr.x.y", secret) == "line 1: TypeError: cannot read property 'y' of undefined");
  // (Duktape places a failed method call at the line its function starts.)
  CHECK(error_of("var o = {p: pnr}; o.p.trim.x()", secret) ==
        "line 1: TypeError: undefined not callable (property 'x' of [object Function])");
  CHECK(error_of("n.foo()", secret) ==
        "line 1: TypeError: undefined not callable (property 'foo' of a number)");
  CHECK(error_of("var x = 1;\nnew pnr()", secret) == "line 2: TypeError: a text not callable");
  CHECK(error_of("var x = 1;\nx = pnr.length;\nnull.x", secret) ==
        "line 3: TypeError: cannot read property 'x' of null");
}

TEST_CASE("javascript: a value that is not data cannot be stored", "[javascript]") {
  CHECK(error_of("(function () { return 1; })") ==
        "the script's value cannot be stored as a variable (a function)");
  CHECK(error_of("var o = {}; o.self = o; o") ==
        "the script's value cannot be stored as a variable (TypeError: cyclic input)");
}

TEST_CASE("javascript: no child process is left behind", "[javascript]") {
  ScriptLimits quick;
  quick.time_ms = 100;
  for (int i = 0; i < 5; ++i) {
    (void)run_javascript("1", json::object(), kNoInfo, quick);
    (void)run_javascript("while (true) {}", json::object(), kNoInfo, quick);
    (void)run_javascript("syntax error here", json::object(), kNoInfo, quick);
  }
  int status = 0;
  errno = 0;
  CHECK(::waitpid(-1, &status, WNOHANG) == -1);
  CHECK(errno == ECHILD);
}
