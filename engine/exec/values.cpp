// Values entering the pipeline (values.hpp).
#include "exec/values.hpp"

#include <vector>

namespace elva::exec {
namespace {

using nlohmann::json;

Error refused(const std::string& field) {
  Error e{Errc::InvalidArgument,
          field + " contains the NUL character (U+0000), which Elva cannot store; remove it",
          {}};
  e.with("field." + field, "contains the NUL character");
  return e;
}

bool has_nul(const std::string& s) { return s.find('\0') != std::string::npos; }

}  // namespace

Result<void> check_text(const std::string& field, const std::string& text) {
  if (has_nul(text)) return fail(refused(field));
  return {};
}

Result<void> check_json(const std::string& field, const json& value) {
  // Iterative: a deeply nested value must not take the stack with it.
  std::vector<std::pair<const json*, std::string>> todo{{&value, field}};
  while (!todo.empty()) {
    auto [v, where] = todo.back();
    todo.pop_back();
    if (v->is_string()) {
      if (has_nul(v->get_ref<const std::string&>())) return fail(refused(where));
    } else if (v->is_object()) {
      for (auto it = v->begin(); it != v->end(); ++it) {
        if (has_nul(it.key())) return fail(refused(where));
        todo.emplace_back(&it.value(), where + "." + it.key());
      }
    } else if (v->is_array()) {
      std::size_t i = 0;
      for (const auto& item : *v) todo.emplace_back(&item, where + "[" + std::to_string(i++) + "]");
    }
  }
  return {};
}

Result<void> check_values(const runtime::Command& command) {
  return std::visit(
      [](const auto& c) -> Result<void> {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, runtime::StartInstance>) {
          if (auto r = check_text("businessKey", c.business_key); !r) return r;
          if (auto r = check_text("startEvent", c.start_event); !r) return r;
          return check_json("variables", c.variables);
        } else if constexpr (std::is_same_v<T, runtime::CorrelateMessage>) {
          if (auto r = check_text("name", c.name); !r) return r;
          if (auto r = check_text("correlationKey", c.correlation_key); !r) return r;
          return check_json("variables", c.variables);
        } else if constexpr (std::is_same_v<T, runtime::BroadcastSignal>) {
          if (auto r = check_text("name", c.name); !r) return r;
          return check_json("variables", c.variables);
        } else if constexpr (std::is_same_v<T, runtime::ThrowError>) {
          if (auto r = check_text("errorCode", c.code); !r) return r;
          return check_json("variables", c.variables);
        } else if constexpr (std::is_same_v<T, runtime::CompleteJob> ||
                             std::is_same_v<T, runtime::CompleteWait> ||
                             std::is_same_v<T, runtime::CompleteCall> ||
                             std::is_same_v<T, runtime::SetVariables>) {
          if constexpr (!std::is_same_v<T, runtime::CompleteWait> &&
                        !std::is_same_v<T, runtime::CompleteCall>) {
            if (auto r = check_text("reason", c.reason); !r) return r;
          }
          return check_json("variables", c.variables);
        } else if constexpr (std::is_same_v<T, runtime::ModifyInstance>) {
          if (auto r = check_text("reason", c.reason); !r) return r;
          for (const auto* list : {&c.cancel, &c.start_before, &c.start_after})
            for (const auto& id : *list)
              if (auto r = check_text("element", id); !r) return r;
          return check_json("variables", c.variables);
        } else if constexpr (std::is_same_v<T, runtime::RemoveVariables>) {
          if (auto r = check_text("reason", c.reason); !r) return r;
          for (const auto& n : c.names)
            if (auto r = check_text("name", n); !r) return r;
          return {};
        } else if constexpr (std::is_same_v<T, runtime::SetJobRetries> ||
                             std::is_same_v<T, runtime::FailJob>) {
          return check_text("reason", c.reason);
        } else {
          return {};
        }
      },
      command);
}

runtime::Command scrubbed(runtime::Command command) {
  auto scrub = [](std::string& text) {
    for (auto& c : text)
      if (c == '\0') c = '?';
  };
  if (auto* f = std::get_if<runtime::FailJob>(&command)) scrub(f->message);
  if (auto* i = std::get_if<runtime::RaiseIncident>(&command)) scrub(i->message);
  return command;
}

}  // namespace elva::exec
