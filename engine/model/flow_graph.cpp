// FlowGraph implementation over boost::adjacency_list (vertex i = element i).
#include "model/flow_graph.hpp"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/strong_components.hpp>

#include "model/process.hpp"

namespace elva::model {

struct FlowGraph::Impl {
  // Edge property: the sequence flow, or kNoFlow for an activity -> boundary event attachment.
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS,
                                      boost::no_property, FlowIndex>;
  Graph graph;
};

FlowGraph::FlowGraph(const ProcessDefinition& process) : impl_(std::make_unique<Impl>()) {
  impl_->graph = Impl::Graph(process.elements.size());
  for (FlowIndex f = 0; f < process.flows.size(); ++f) {
    const auto& flow = process.flows[f];
    if (flow.source == kNoElement || flow.target == kNoElement) continue;
    boost::add_edge(flow.source, flow.target, f, impl_->graph);
  }
  for (const auto& element : process.elements) {
    const auto* event = element.event();
    if (event && event->attached_to != kNoElement) {
      boost::add_edge(event->attached_to, element.index, kNoFlow, impl_->graph);
    }
  }
}

FlowGraph::~FlowGraph() = default;

std::size_t FlowGraph::vertex_count() const { return boost::num_vertices(impl_->graph); }
std::size_t FlowGraph::edge_count() const { return boost::num_edges(impl_->graph); }

namespace {

class MarkReached : public boost::default_bfs_visitor {
 public:
  explicit MarkReached(std::vector<bool>& reached) : reached_(&reached) {}
  template <typename Vertex, typename Graph>
  void discover_vertex(Vertex v, const Graph&) const {
    (*reached_)[v] = true;
  }

 private:
  std::vector<bool>* reached_;
};

}  // namespace

std::vector<bool> FlowGraph::reachable_from(const std::vector<ElementIndex>& roots) const {
  const auto& g = impl_->graph;
  std::vector<bool> reached(boost::num_vertices(g), false);
  std::vector<boost::default_color_type> colors(boost::num_vertices(g), boost::white_color);
  auto color_map =
      boost::make_iterator_property_map(colors.begin(), boost::get(boost::vertex_index, g));
  for (ElementIndex root : roots) {
    if (root >= reached.size() || reached[root]) continue;
    boost::breadth_first_visit(g, root, boost::visitor(MarkReached(reached)).color_map(color_map));
  }
  return reached;
}

FlowGraph::Cycles FlowGraph::cycles() const {
  const auto& g = impl_->graph;
  Cycles out;
  out.component.assign(boost::num_vertices(g), 0);
  out.self_loop.assign(boost::num_vertices(g), false);
  boost::strong_components(g, boost::make_iterator_property_map(
                                  out.component.begin(), boost::get(boost::vertex_index, g)));
  for (auto [e, end] = boost::edges(g); e != end; ++e) {
    if (boost::source(*e, g) == boost::target(*e, g)) out.self_loop[boost::source(*e, g)] = true;
  }
  return out;
}

}  // namespace elva::model
