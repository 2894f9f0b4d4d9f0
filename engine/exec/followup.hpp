// Follow-ups: work a step causes in other instances (or in the router), as plain data. The
// projection (projection.cpp) turns events into them; the unit hands them to the one router
// (routing.cpp) in order, after the command that caused them.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>

namespace elva::exec {

using Key = std::uint64_t;

// A call activity asked for a child instance of `process_id`.
struct StartChild {
  Key parent = 0, element = 0;  // the calling instance and its call activity's element instance
  std::string process_id;
  nlohmann::json variables;
};
// A call activity ended without its child completing (interrupted): the child is cancelled.
struct CancelChild {
  Key parent = 0, element = 0;
};
// A child completed: its variables go back to the call activity.
struct ReturnToParent {
  Key parent = 0, element = 0;
  nlohmann::json variables;
};
// A BPMN error escaped a child: the call activity rethrows it.
struct RethrowInParent {
  Key parent = 0, element = 0;
  std::string code;
};
// A message thrown by an instance (or published from outside, from = 0). From outside it may
// also be addressed by business key and by process variables (name -> value), to reach a
// subscription without a correlation key (routing.hpp).
struct RouteMessage {
  Key from = 0;
  std::string name, correlation_key;
  nlohmann::json variables;
  std::int64_t ttl_ms = 0;  // how long one nobody takes waits (0: not at all)
  std::string business_key;
  nlohmann::json match = nlohmann::json::object();
};
// A signal thrown by an instance (or broadcast from outside, from = 0).
struct RouteSignal {
  Key from = 0;
  std::string name;
  nlohmann::json variables;
};
// A message subscription opened: a buffered message may be waiting for it.
struct OfferBuffered {
  Key instance = 0;
  std::string name, correlation_key;
};

using FollowUp = std::variant<StartChild, CancelChild, ReturnToParent, RethrowInParent,
                              RouteMessage, RouteSignal, OfferBuffered>;

}  // namespace elva::exec
