// EventDefinition: what triggers or is thrown by an event (message, timer, error, ...).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "elva/diagnostic.hpp"

namespace elva::model {

enum class EventKind : std::uint8_t {
  Message,
  Timer,
  Signal,
  Error,
  Escalation,
  Terminate,
  Conditional,
  Link,
  Compensation,
  Cancel,
};

// "messageEventDefinition", ...
std::string_view bpmn_name(EventKind kind) noexcept;

enum class TimerKind : std::uint8_t { None, Date, Duration, Cycle };

struct EventDefinition {
  EventKind kind = EventKind::Message;
  std::string id;
  SourcePos pos;
  // Id of the referenced message, signal, error or escalation (prefix stripped); empty if none.
  std::string ref;
  // What the reference stands for, filled in once the whole file is read: the message or
  // signal name, or the error or escalation code; and a message's correlation key expression.
  std::string resolved;
  std::string correlation_key;
  // Timer: which of timeDate / timeDuration / timeCycle, and its text (ISO 8601 or expression).
  TimerKind timer_kind = TimerKind::None;
  std::string timer_value;
  // Conditional: the condition expression.
  std::string condition;
  // Link: the link name pairing throw and catch.
  std::string link_name;
  // Compensation: the activity to compensate (empty: all), and whether the thrower waits.
  std::string activity_ref;
  bool wait_for_completion = true;
};

}  // namespace elva::model
