// The deployer: BPMN (any tool's file names), DMN and form files -> a checked plan (parse,
// validate, the connector contract check) without a store, then versions written through a
// DeployTx. The plan is what a package import reports on before anything is deployed.
// Internal to engine/exec (the Processor's deploy() and, later, `elva import`).
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "elva/connector.hpp"
#include "elva/diagnostic.hpp"
#include "elva/result.hpp"
#include "exec/env.hpp"
#include "exec/processor.hpp"
#include "forms/forms.hpp"
#include "model/definitions.hpp"

namespace elva::dmn {
struct Model;
}

namespace elva::exec {

struct DeploymentPlan {
  struct Bpmn {
    std::string file, bytes;
    std::shared_ptr<const model::Definitions> definitions;
  };
  struct Dmn {
    std::string file, bytes;
    std::shared_ptr<const dmn::Model> model;
  };
  struct Form {
    std::string file, bytes;
    forms::Form form;
  };
  std::vector<std::string> files;  // every file name given
  std::vector<Bpmn> bpmn;
  std::vector<Dmn> decisions;
  std::vector<Form> forms;
  std::vector<Diagnostic> errors, warnings;
  bool ok() const { return errors.empty(); }
  // "nothing was deployed; fix these first:" and every error, one per line.
  std::string error_text() const;
};

// True for the file names of DMN files ("x.dmn", "x.dmn11.xml", "x.dmn.xml"), BPMN files ("x.bpmn",
// "x.bpmn2", "x.bpmn20.xml", "x.bpmn.xml") and forms ("x.form", "x.form.json"), as the tools that
// write them name them.
bool is_dmn_file(const std::string& name);
bool is_bpmn_file(const std::string& name);
bool is_form_file(const std::string& name);

// Timer cycles written as text that repeat more often than `min_cycle_ms` (0: no check), as
// errors at their line, appended to `out`.
void check_timer_cycles(const std::string& file, const model::Definitions& defs,
                        std::int64_t min_cycle_ms, std::vector<Diagnostic>& out);

// Reads and checks every file; never touches a store. `connectors` null: no contract check.
// A timer cycle written in the file (not an expression) that repeats more often than
// `min_cycle_ms` is an error at its line (R/PT0S would flood the engine).
DeploymentPlan plan_deployment(const std::vector<std::pair<std::string, std::string>>& files,
                               const connector::Registry* connectors,
                               std::int64_t min_cycle_ms = 0);

// Writes a checked plan's new versions (a file equal to the latest version deploys nothing
// new), start events and start timers (due from `now`). REQUIRES: plan.ok().
Result<DeployReport> apply_deployment(const DeploymentPlan& plan, store::Tx& tx, KeySource& keys,
                                      std::int64_t now, const std::string& actor,
                                      std::int64_t min_cycle_ms);

}  // namespace elva::exec
