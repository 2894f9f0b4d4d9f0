// FlowGraph: a process's flow nodes and sequence flows as a Boost.Graph graph (kept out of this
// header so that only flow_graph.cpp pays for the templates). Boundary events hang off their
// activity by an extra edge, so "reachable" follows exception paths too.
#pragma once

#include <memory>
#include <vector>

#include "model/element.hpp"

namespace elva::model {

class ProcessDefinition;

class FlowGraph {
 public:
  explicit FlowGraph(const ProcessDefinition& process);
  ~FlowGraph();
  FlowGraph(const FlowGraph&) = delete;
  FlowGraph& operator=(const FlowGraph&) = delete;

  std::size_t vertex_count() const;
  std::size_t edge_count() const;
  // reachable[i] is true when element i can be reached from one of `roots` (roots included).
  std::vector<bool> reachable_from(const std::vector<ElementIndex>& roots) const;
  // The cycles: component[i] numbers the strongly connected component of element i (elements
  // on a common cycle share a number); self_loop[i] is true when a flow leaves i back to i.
  struct Cycles {
    std::vector<int> component;
    std::vector<bool> self_loop;
  };
  Cycles cycles() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace elva::model
