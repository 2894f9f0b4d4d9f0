// Timer due times over the injected clock; calendar arithmetic is iso8601::add.
#include "runtime/shared/timers.hpp"

#include "common/iso8601.hpp"
#include "expr/cron.hpp"
#include "expr/feel.hpp"
#include "expr/value.hpp"

namespace elva::runtime {
namespace {

// The timer's text, with an expression evaluated to its ISO string.
Result<std::string> timer_text(const model::EventDefinition& t, Key instance, StepContext& ctx) {
  const std::string& v = t.timer_value;
  if (!expr::looks_like_expression(v)) return v;
  auto value = ctx.evaluate(v, instance);
  if (!value) return fail(value.error());
  auto json = value->to_json();
  if (!json.is_string())
    return fail(Errc::ExpressionError, "timer expression '" + v + "' gave " + json.dump() +
                                           ", not a date, duration or cycle");
  return json.get<std::string>();
}

// A cycle whose interval is shorter than the minimum would fire again and again within one
// scheduler round (R/PT0S: thousands of instances or history rows a second).
Result<void> check_interval(const std::string& text, const iso8601::Cycle& c,
                            std::int64_t min_cycle_ms) {
  if (!c.interval) return fail(Errc::ExpressionError, "'" + text + "' has no interval");
  const std::int64_t every = iso8601::add(0, *c.interval);
  if (every >= min_cycle_ms) return {};
  return fail(Errc::ExpressionError, "the timer cycle '" + text + "' repeats every " +
                                         std::to_string(every) +
                                         " ms, more often than the shortest allowed (" +
                                         std::to_string(min_cycle_ms) + " ms, --min-timer-cycle)");
}

// Cron cycles (Quartz, Spring, Unix; docs/sharing.md#cron-cycles): the next fire after `after`,
// refused when two fires come closer than the minimum.
Result<std::int64_t> cron_due(const std::string& text, std::int64_t after, std::int64_t min_ms) {
  auto cron = expr::parse_cron(text);
  if (!cron)
    return fail(Errc::ExpressionError, "timer cycle '" + text + "': " + cron.error().message);
  auto first = expr::next_fire(*cron, after);
  if (!first) return fail(Errc::NotFound, "cycle ended");
  if (auto second = expr::next_fire(*cron, *first); second && *second - *first < min_ms)
    return fail(Errc::ExpressionError, "the timer cycle '" + text + "' fires every " +
                                           std::to_string(*second - *first) +
                                           " ms, more often than the shortest allowed (" +
                                           std::to_string(min_ms) + " ms, --min-timer-cycle)");
  return *first;
}

}  // namespace

Result<std::int64_t> first_due_of(model::TimerKind kind, const std::string& text, std::int64_t now,
                                  std::int64_t min_cycle_ms) {
  switch (kind) {
    case model::TimerKind::Date: {
      auto dt = iso8601::parse_date_time(text);
      if (!dt) return fail(Errc::ExpressionError, "'" + text + "' is not an ISO 8601 date-time");
      return dt->epoch_millis;
    }
    case model::TimerKind::Duration: {
      auto d = iso8601::parse_duration(text);
      if (!d) return fail(Errc::ExpressionError, "'" + text + "' is not an ISO 8601 duration");
      return iso8601::add(now, *d);
    }
    case model::TimerKind::Cycle: {
      if (expr::looks_like_cron(text)) return cron_due(text, now, min_cycle_ms);
      auto c = iso8601::parse_cycle(text);
      if (!c)
        return fail(Errc::ExpressionError, "'" + text + "' is not an ISO 8601 repeating interval");
      if (auto r = check_interval(text, *c, min_cycle_ms); !r) return fail(r.error());
      if (c->start) return c->start->epoch_millis;
      return iso8601::add(now, *c->interval);
    }
    case model::TimerKind::None:
      break;
  }
  return fail(Errc::InvalidArgument, "timer has no date, duration or cycle");
}

Result<std::int64_t> next_due_of(const std::string& text, std::int64_t previous, int fired,
                                 std::int64_t min_cycle_ms) {
  if (expr::looks_like_cron(text)) return cron_due(text, previous, min_cycle_ms);
  auto c = iso8601::parse_cycle(text);
  if (!c) return fail(Errc::ExpressionError, "not a cycle");
  if (auto r = check_interval(text, *c, min_cycle_ms); !r) return fail(r.error());
  if (c->repetitions >= 0 && fired >= c->repetitions)
    return fail(Errc::NotFound, "cycle exhausted");
  const std::int64_t next = iso8601::add(previous, *c->interval);
  if (c->end && next > c->end->epoch_millis) return fail(Errc::NotFound, "cycle ended");
  return next;
}

Result<std::int64_t> first_due(const model::EventDefinition& t, Key instance, StepContext& ctx) {
  auto text = timer_text(t, instance, ctx);
  if (!text) return fail(text.error());
  return first_due_of(t.timer_kind, *text, ctx.env().now_millis(), ctx.env().limits().min_cycle_ms);
}

Result<std::int64_t> next_due(const model::EventDefinition& t, std::int64_t previous, int fired,
                              Key instance, StepContext& ctx) {
  if (t.timer_kind != model::TimerKind::Cycle) return fail(Errc::NotFound, "not a cycle");
  auto text = timer_text(t, instance, ctx);
  if (!text) return fail(text.error());
  return next_due_of(*text, previous, fired, ctx.env().limits().min_cycle_ms);
}

Result<Subscription> subscription_for(const model::EventDefinition& e, Key instance,
                                      StepContext& ctx) {
  Subscription s;
  s.signal = e.kind == model::EventKind::Signal;
  s.name = e.resolved;
  if (s.name.empty())
    return fail(Errc::InvalidArgument, "the event's message or signal has no name");
  if (!e.correlation_key.empty()) {
    auto key = ctx.evaluate(e.correlation_key, instance);
    if (!key) return fail(key.error());
    auto json = key->to_json();
    s.correlation_key = json.is_string() ? json.get<std::string>() : json.dump();
  }
  return s;
}

}  // namespace elva::runtime
