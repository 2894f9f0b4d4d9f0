// The connector registry and outcome helpers (elva/connector.hpp).
#include "elva/connector.hpp"

#include <algorithm>

namespace elva::connector {

Outcome Outcome::completed(nlohmann::json output) {
  Outcome o;
  o.output = output.is_object() ? std::move(output) : nlohmann::json::object();
  return o;
}

Outcome Outcome::retry(std::string message, std::int64_t retry_in_ms) {
  Outcome o;
  o.kind = Kind::Retry;
  o.message = std::move(message);
  o.retry_in_ms = retry_in_ms;
  return o;
}

Outcome Outcome::fail(std::string message) {
  Outcome o;
  o.kind = Kind::Fail;
  o.message = std::move(message);
  return o;
}

Outcome Outcome::bpmn_error(std::string code, std::string message, nlohmann::json variables) {
  Outcome o;
  o.kind = Kind::BpmnError;
  o.error_code = std::move(code);
  o.message = std::move(message);
  o.output = variables.is_object() ? std::move(variables) : nlohmann::json::object();
  return o;
}

std::pair<std::string, std::string> split_job_type(const std::string& job_type) {
  const auto dot = job_type.find('.');
  if (dot == std::string::npos) return {job_type, ""};
  return {job_type.substr(0, dot), job_type.substr(dot + 1)};
}

namespace {
class Builtin final : public Connector {
 public:
  explicit Builtin(std::string name) : name_(std::move(name)) {}
  const std::string& name() const override { return name_; }
  std::string kind() const override { return "builtin"; }
  std::vector<Operation> operations() const override {
    return {{"noop", "Completes at once with no output (for tests and placeholders)", {}, {}},
            {"echo", "Completes with its input as its output", {}, {}}};
  }
  void invoke(Invocation call, Completion done) override {
    done(Outcome::completed(call.operation == "echo" ? call.input : nlohmann::json::object()));
  }

 private:
  std::string name_;
};
}  // namespace

std::shared_ptr<Connector> builtin_connector(std::string name) {
  return std::make_shared<Builtin>(std::move(name));
}

bool Registry::add(std::shared_ptr<Connector> connector) {
  const std::string name = connector->name();
  return connectors_.emplace(name, std::move(connector)).second;
}

std::shared_ptr<Connector> Registry::find(const std::string& name) const {
  auto it = connectors_.find(name);
  return it == connectors_.end() ? nullptr : it->second;
}

namespace {
std::string names_of(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "none" : out;
}
}  // namespace

std::optional<std::string> Registry::check(const std::string& job_type,
                                           const std::vector<std::string>& inputs) const {
  const auto [name, op] = split_job_type(job_type);
  auto c = find(name);
  if (!c) {
    std::vector<std::string> configured;
    for (const auto& [n, _] : connectors_) configured.push_back(n);
    return "names connector '" + name +
           "', which is not configured here (configured: " + names_of(configured) +
           "). Add a [connectors." + name +
           "] section to elva.toml (docs/connectors.md), or let an external worker do "
           "the work (camunda:type=\"external\" camunda:topic=\"" +
           job_type + "\")";
  }
  const auto ops = c->operations();
  auto it = std::find_if(ops.begin(), ops.end(),
                         [&, &op = op](const Operation& o) { return o.name == op; });
  if (it == ops.end()) {
    std::vector<std::string> known;
    for (const auto& o : ops) known.push_back(name + "." + o.name);
    return "names '" + job_type + "', but connector '" + name + "' (" + c->kind() +
           ") has no operation '" + op + "'; it has " + names_of(known);
  }
  std::vector<std::string> missing;
  for (const auto& f : it->inputs) {
    if (f.required && std::find(inputs.begin(), inputs.end(), f.name) == inputs.end())
      missing.push_back(f.name);
  }
  if (missing.empty()) return std::nullopt;
  if (inputs.empty()) {
    return "calls '" + job_type + "', which needs the input" + (missing.size() > 1 ? "s " : " ") +
           names_of(missing) +
           ", but the task has no input mappings: add elva:input (or camunda:inputParameter / "
           "zeebe:input) for each";
  }
  return "calls '" + job_type + "' without its required input" + (missing.size() > 1 ? "s " : " ") +
         names_of(missing) + ": add an input mapping with that target";
}

nlohmann::json Registry::to_json() const {
  auto fields = [](const std::vector<Field>& fs) {
    auto out = nlohmann::json::array();
    for (const auto& f : fs)
      out.push_back({{"name", f.name}, {"required", f.required}, {"description", f.description}});
    return out;
  };
  auto list = nlohmann::json::array();
  for (const auto& [name, c] : connectors_) {
    auto ops = nlohmann::json::array();
    for (const auto& o : c->operations()) {
      ops.push_back({{"name", o.name},
                     {"description", o.description},
                     {"inputs", fields(o.inputs)},
                     {"outputs", fields(o.outputs)}});
    }
    list.push_back(
        {{"name", name}, {"kind", c->kind()}, {"settings", c->describe()}, {"operations", ops}});
  }
  return {{"connectors", list}};
}

}  // namespace elva::connector
