// Extension attributes and elements: Elva's own namespace and the execution dialects found in
// the wild (Camunda 7, Activiti, Flowable, Zeebe). What has a clear meaning is mapped onto the
// model; what does not is reported, never silently dropped. See docs/bpmn-extensions.md.
#pragma once

#include <pugixml.hpp>

#include "model/definitions.hpp"
#include "parse/read_context.hpp"

namespace elva::parse {

// REQUIRES: the node's namespace scope is pushed on ctx.ns.
void read_extension_attributes(ReadContext& ctx, pugi::xml_node node, model::Element& element);
void read_extension_elements(ReadContext& ctx, pugi::xml_node extension_elements,
                             model::Element& element);
// A sequence flow's extensionElements: Camunda-family listeners (event 'take') are warned
// about by name (Elva does not run them); nothing else is read.
void read_flow_extension_elements(ReadContext& ctx, pugi::xml_node extension_elements,
                                  const model::SequenceFlow& flow);
void read_loop_extensions(ReadContext& ctx, pugi::xml_node loop_node, model::Element& element);
void read_message_extensions(ReadContext& ctx, pugi::xml_node node, model::Message& message);
void read_process_extensions(ReadContext& ctx, pugi::xml_node node,
                             model::ProcessDefinition& process);

// The closest known Elva attribute name to `name` (for "did you mean"), or empty.
std::string_view closest_elva_attribute(std::string_view name);

}  // namespace elva::parse
