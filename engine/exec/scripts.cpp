// exec/scripts.hpp: script tasks in JavaScript, through elva::script.
#include "exec/scripts.hpp"

#include "model/element.hpp"
#include "script/javascript.hpp"

namespace elva::exec {
namespace {

class JavaScriptService : public runtime::ScriptService {
 public:
  bool runs(const std::string& format) const override {
    return model::script_language(format) == model::ScriptLanguage::JavaScript;
  }
  Result<Outcome> run(const std::string& format, const std::string& source,
                      const nlohmann::json& variables,
                      const nlohmann::json& execution) const override {
    if (!runs(format))
      return fail(Errc::InvalidArgument, "scripts in '" + format + "' cannot run in Elva");
    auto out = script::run_javascript(source, variables, execution, limits_);
    if (!out) return fail(out.error());
    return Outcome{std::move(out->value), std::move(out->set_variables)};
  }

 private:
  script::ScriptLimits limits_;
};

}  // namespace

const runtime::ScriptService& script_service() {
  static const JavaScriptService service;
  return service;
}

}  // namespace elva::exec
