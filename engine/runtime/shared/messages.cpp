// Messages and signals thrown from an instance (context.hpp): what this instance catches
// itself, and what it publishes for the router.
#include "runtime/context.hpp"

namespace elva::runtime {

Result<void> StepContext::publish_message(Key thrower, const std::string& name,
                                          const std::string& key_expression) {
  if (name.empty()) return fail(Errc::InvalidArgument, "the message to throw has no name");
  std::string key;
  if (!key_expression.empty()) {
    auto v = evaluate(key_expression, thrower);
    if (!v) return fail(v.error());
    auto json = v->to_json();
    if (json.is_null())
      return fail(Errc::ExpressionError, "the correlation key '" + key_expression +
                                             "' of message '" + name + "' is null here");
    key = json.is_string() ? json.get<std::string>() : json.dump();
  }
  emit(MessagePublished{name, key, payload_of(thrower)});
  return {};
}

nlohmann::json StepContext::payload_of(Key thrower) const {
  nlohmann::json payload = nlohmann::json::object();
  const auto& e = element_of(thrower);
  const auto& local = state_.elements.at(thrower).local;
  for (const auto& m : e.inputs) payload[m.target] = local.value(m.target, nlohmann::json());
  return payload;
}

int StepContext::broadcast_signal(Key thrower, const std::string& name) {
  emit(SignalPublished{name, payload_of(thrower)});
  return deliver_signal(name);
}

int StepContext::deliver_signal(const std::string& name) {
  std::vector<Subscription> matching;
  for (const auto& [key, sub] : state_.subscriptions) {
    if (sub.signal && sub.name == name) matching.push_back(sub);
  }
  int delivered = 0;
  for (const auto& sub : matching) {
    if (!state_.subscriptions.count(sub.key)) continue;  // closed by an earlier delivery
    deliver(sub, nlohmann::json::object());
    ++delivered;
  }
  return delivered;
}

}  // namespace elva::runtime
