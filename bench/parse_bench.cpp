// Parse benchmark: generates a realistic executable process of N flow nodes (user and service
// tasks with extensions, exclusive splits with conditions and joins, boundary timers, and a
// diagram shape per node), then reads and validates it repeatedly.
// Prints one JSON object: median/min/max milliseconds over the runs after a warm-up, and the
// process's peak RSS. usage: elva_bench_parse N [RUNS [WRITE_TO.bpmn]]
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "parse/reader.hpp"
#include "parse/validate.hpp"

namespace {

// start -> [task -> xor split -> (service | user) -> xor join] * k -> end, with a boundary
// timer on every user task.
std::string generate(std::size_t target_nodes) {
  std::string x =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<bpmn:definitions xmlns:bpmn=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" "
      "xmlns:bpmndi=\"http://www.omg.org/spec/BPMN/20100524/DI\" "
      "xmlns:dc=\"http://www.omg.org/spec/DD/20100524/DC\" xmlns:elva=\"urn:elva:bpmn:1.0\" "
      "id=\"defs\" targetNamespace=\"bench\">\n"
      "<bpmn:process id=\"bench\" isExecutable=\"true\">\n"
      "<bpmn:startEvent id=\"start\"/>\n";
  std::vector<std::string> ids{"start"};
  std::string prev = "start";
  std::size_t nodes = 1, flow = 0, i = 0;
  auto seq = [&](const std::string& from, const std::string& to, const std::string& cond = "") {
    x += "<bpmn:sequenceFlow id=\"f" + std::to_string(flow++) + "\" sourceRef=\"" + from +
         "\" targetRef=\"" + to + "\"";
    x += cond.empty() ? "/>\n"
                      : "><bpmn:conditionExpression>" + cond +
                            "</bpmn:conditionExpression></bpmn:sequenceFlow>\n";
  };
  while (nodes + 7 < target_nodes) {
    const std::string n = std::to_string(i++);
    const std::string t = "check" + n, split = "split" + n, svc = "svc" + n, usr = "approve" + n,
                      join = "join" + n, timer = "remind" + n, late = "late" + n;
    x += "<bpmn:task id=\"" + t + "\" name=\"Check " + n + "\"/>\n";
    x += "<bpmn:exclusiveGateway id=\"" + split + "\" default=\"f" + std::to_string(flow + 3) +
         "\"/>\n";
    x += "<bpmn:serviceTask id=\"" + svc +
         "\" elva:connector=\"hr.update\"><bpmn:extensionElements>"
         "<elva:input source=\"=employee.id\" "
         "target=\"id\"/></bpmn:extensionElements></bpmn:serviceTask>\n";
    x += "<bpmn:userTask id=\"" + usr +
         "\" elva:candidateGroups=\"managers\" elva:formKey=\"f.json\"/>\n";
    x += "<bpmn:boundaryEvent id=\"" + timer + "\" attachedToRef=\"" + usr +
         "\" cancelActivity=\"false\">"
         "<bpmn:timerEventDefinition><bpmn:timeDuration>P3D</bpmn:timeDuration></"
         "bpmn:timerEventDefinition></bpmn:boundaryEvent>\n";
    x += "<bpmn:endEvent id=\"" + late + "\"/>\n";
    x += "<bpmn:exclusiveGateway id=\"" + join + "\"/>\n";
    seq(prev, t);
    seq(t, split);
    seq(split, svc, "=amount &gt; 1000");
    seq(split, usr);
    seq(svc, join);
    seq(usr, join);
    seq(timer, late);
    for (const auto* id : {&t, &split, &svc, &usr, &timer, &late, &join}) ids.push_back(*id);
    prev = join;
    nodes += 7;
  }
  x += "<bpmn:endEvent id=\"end\"/>\n";
  seq(prev, "end");
  ids.push_back("end");
  x += "</bpmn:process>\n<bpmndi:BPMNDiagram id=\"d\"><bpmndi:BPMNPlane id=\"pl\" "
       "bpmnElement=\"bench\">\n";
  for (std::size_t k = 0; k < ids.size(); ++k) {
    x += "<bpmndi:BPMNShape id=\"" + ids[k] + "_di\" bpmnElement=\"" + ids[k] +
         "\"><dc:Bounds x=\"" + std::to_string(k * 150) +
         "\" y=\"100\" width=\"100\" height=\"80\"/></bpmndi:BPMNShape>\n";
  }
  x += "</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>\n</bpmn:definitions>\n";
  return x;
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t n = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 1000;
  const int runs = argc > 2 ? std::atoi(argv[2]) : 21;
  const std::string xml = generate(n);
  if (argc > 3)
    std::ofstream(argv[3]) << xml;  // the same file for the peer (bench/bpmn_engine_peer.mjs)
  std::size_t elements = 0, flows = 0, diagnostics = 0;
  std::vector<double> ms;
  for (int r = -3; r < runs; ++r) {  // three warm-up runs
    const auto t0 = std::chrono::steady_clock::now();
    auto read = elva::parse::read_bpmn("bench.bpmn", xml, 64u << 20);
    auto found = elva::parse::validate(*read.definitions);
    const auto t1 = std::chrono::steady_clock::now();
    if (r < 0) continue;
    ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    elements = read.definitions->processes[0].elements.size();
    flows = read.definitions->processes[0].flows.size();
    diagnostics = found.size() + read.diagnostics.size();
  }
  std::sort(ms.begin(), ms.end());
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf(
      "{\"benchmark\":\"parse\",\"flow_nodes\":%zu,\"sequence_flows\":%zu,\"bytes\":%zu,"
      "\"diagnostics\":%zu,\"runs\":%d,\"median_ms\":%.3f,\"min_ms\":%.3f,\"max_ms\":%.3f,"
      "\"peak_rss_kib\":%ld}\n",
      elements, flows, xml.size(), diagnostics, runs, ms[ms.size() / 2], ms.front(), ms.back(),
      usage.ru_maxrss);
  return diagnostics == 0 ? 0 : 1;  // the generated process must be valid
}
