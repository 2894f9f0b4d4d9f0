// Plugin connectors (connector_plugin.hpp): dlopen, a version check, then each invocation goes
// through the C function table. The library stays loaded until the process ends.
#include "plugin/connector_plugin.hpp"

#include <dlfcn.h>

#include <chrono>

#include "elva/connector_plugin.h"

namespace elva::connectors {
namespace {

using nlohmann::json;

// Lives until the plugin calls complete(); owns the strings the plugin reads.
struct Pending {
  connector::Invocation call;
  std::string input, operation;
  connector::Completion done;
};

extern "C" void elva_plugin_complete(void* context, int kind, const char* output_json,
                                     const char* message, const char* error_code) {
  std::unique_ptr<Pending> p(static_cast<Pending*>(context));
  const std::string msg = message ? message : "";
  json output = json::object();
  if (output_json && *output_json) {
    output = json::parse(output_json, nullptr, false);
    if (output.is_discarded() || !output.is_object()) {
      p->done(
          connector::Outcome::fail("the plugin answered with output that is not a JSON object"));
      return;
    }
  }
  switch (kind) {
    case ELVA_OUTCOME_COMPLETED:
      p->done(connector::Outcome::completed(output));
      break;
    case ELVA_OUTCOME_RETRY:
      p->done(connector::Outcome::retry(msg.empty() ? "the plugin asked to retry" : msg));
      break;
    case ELVA_OUTCOME_BPMN_ERROR:
      p->done(connector::Outcome::bpmn_error(error_code ? error_code : "", msg, output));
      break;
    default:
      p->done(connector::Outcome::fail(msg.empty() ? "the plugin failed" : msg));
      break;
  }
}

extern "C" int elva_plugin_is_cancelled(void* host_context) {
  auto* p = static_cast<Pending*>(host_context);
  return p->call.cancelled && p->call.cancelled->load() ? 1 : 0;
}

std::vector<connector::Field> fields(const json& list) {
  std::vector<connector::Field> out;
  if (!list.is_array()) return out;
  for (const auto& f : list)
    out.push_back({f.value("name", ""), f.value("required", false), f.value("description", "")});
  return out;
}

class PluginConnector final : public connector::Connector {
 public:
  PluginConnector(Settings s, const elva_connector_plugin* plugin, void* instance,
                  std::vector<connector::Operation> ops)
      : s_(std::move(s)), plugin_(plugin), instance_(instance), ops_(std::move(ops)) {}
  ~PluginConnector() override { plugin_->destroy(instance_); }

  const std::string& name() const override { return s_.name; }
  std::string kind() const override { return std::string("plugin:") + plugin_->kind; }
  json describe() const override { return s_.shown; }
  std::vector<connector::Operation> operations() const override { return ops_; }

  void invoke(connector::Invocation call, connector::Completion done) override {
    auto p = std::make_unique<Pending>();
    p->input = call.input.dump();
    p->operation = call.operation;
    p->call = std::move(call);
    p->done = std::move(done);
    elva_invocation inv{};
    inv.operation = p->operation.c_str();
    inv.input_json = p->input.c_str();
    inv.idempotency_key = p->call.idempotency_key.c_str();
    inv.deadline_unix_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(p->call.deadline.time_since_epoch())
            .count();
    inv.is_cancelled = &elva_plugin_is_cancelled;
    inv.host_context = p.get();
    inv.element_id = p->call.element_id.c_str();
    inv.instance = p->call.instance;
    // Ownership passes to elva_plugin_complete, which the plugin calls exactly once. The plugin
    // must copy what it needs from `inv` before returning (the strings live in Pending, which
    // lives until completion, so reading them later is also safe).
    plugin_->invoke(instance_, &inv, &elva_plugin_complete, p.release());
  }

 private:
  Settings s_;
  const elva_connector_plugin* plugin_;
  void* instance_;
  std::vector<connector::Operation> ops_;
};

}  // namespace

Result<std::shared_ptr<connector::Connector>> load_plugin_connector(const Settings& s) {
  const std::string path = s.text("path");
  if (path.empty()) return fail(s.error("a plugin needs path = \"/path/to/libsomething.so\""));
  void* lib = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!lib) return fail(s.error("cannot load plugin " + path + ": " + ::dlerror()));
  auto entry =
      reinterpret_cast<elva_connector_plugin_entry_fn>(::dlsym(lib, "elva_connector_plugin_entry"));
  if (!entry)
    return fail(s.error(
        path + " is not an Elva connector plugin: it has no elva_connector_plugin_entry function"));
  const elva_connector_plugin* plugin = entry(ELVA_CONNECTOR_ABI_VERSION);
  if (!plugin)
    return fail(s.error(path + " declined to load with connector ABI version " +
                        std::to_string(ELVA_CONNECTOR_ABI_VERSION)));
  if (plugin->abi_version != ELVA_CONNECTOR_ABI_VERSION) {
    return fail(s.error("plugin " + path + " was built for connector ABI version " +
                        std::to_string(plugin->abi_version) + ", but this Elva speaks version " +
                        std::to_string(ELVA_CONNECTOR_ABI_VERSION) +
                        "; rebuild the plugin against this Elva's elva/connector_plugin.h"));
  }
  if (!plugin->create || !plugin->invoke || !plugin->destroy || !plugin->kind) {
    return fail(s.error("plugin " + path + " leaves create, invoke, destroy or kind empty"));
  }
  const json ops_doc =
      json::parse(plugin->operations_json ? plugin->operations_json : "", nullptr, false);
  if (ops_doc.is_discarded() || !ops_doc.is_array())
    return fail(s.error("plugin " + path + ": its operations_json is not a JSON array"));
  std::vector<connector::Operation> ops;
  for (const auto& o : ops_doc)
    ops.push_back({o.value("name", ""), o.value("description", ""),
                   fields(o.value("inputs", json())), fields(o.value("outputs", json()))});
  json settings = s.values;
  settings.erase("path");
  settings.erase("kind");
  char error[512] = {};
  void* instance = plugin->create(s.name.c_str(), settings.dump().c_str(), error, sizeof error);
  if (!instance)
    return fail(s.error("plugin " + path +
                        " refused its settings: " + (error[0] ? error : "no reason given")));
  return std::shared_ptr<connector::Connector>(
      std::make_shared<PluginConnector>(s, plugin, instance, std::move(ops)));
}

}  // namespace elva::connectors
