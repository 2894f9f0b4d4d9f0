// Privacy (docs/privacy.md): the records of processing (GDPR Art. 30) of BPMN files, as
// `elva privacy report FILES` prints them. The database's side (cleanup, the report of what is
// deployed) is on Engine (elva/engine.hpp). Thread-safe (no shared state); never throws.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "elva/bpmn.hpp"
#include "elva/result.hpp"

namespace elva {

// Per process of the files: {"processes": [{"process", "name", "file", "purpose", "retention",
// "dataClasses": {class: [variable...]}, "variables": [{"variable", "class", "retention",
// "declaredIn", "subject"?}], "recipients": [{"element", "name", "jobType", "kind",
// "variables", "classified"}], "forms", "storedIn"}]}. Forms named by user tasks are looked up
// beside each file and in its forms/ folder (*.form, *.form.json). Directories are expanded as
// validate does. Errors: NotFound/InvalidArgument when a file cannot be read; ParseError
// (file:line:col) when it is not BPMN.
Result<nlohmann::json> privacy_report_files(const std::vector<std::string>& paths,
                                            const ReadOptions& options = {});

}  // namespace elva
