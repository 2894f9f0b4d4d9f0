// Data classes of files on disk (elva/privacy.hpp and `elva validate`): forms found beside a
// BPMN file, and the validation of their fields' data classes.
#pragma once

#include <string>
#include <vector>

#include "elva/bpmn.hpp"
#include "model/definitions.hpp"
#include "privacy/data_map.hpp"

namespace elva::api {

// Forms by key for `bpmn_file`: <dir>/<key>, <dir>/<key>.form, <dir>/<key>.form.json and the
// same under <dir>/forms/ (null when none is found or it is not JSON).
privacy::FormLookup disk_forms(const std::string& bpmn_file);

// For each user task's form found on disk: a field whose properties.dataClass is not a class is
// an error; a field whose key looks personal, with no class of its own and no <elva:data> for
// its variable, a warning. Both at the user task, naming the form and field.
void check_form_data_classes(const model::Definitions& defs, FileReport& report);

}  // namespace elva::api
