// Engine::stats (stats.hpp).
#include "api/stats.hpp"

#include "common/iso8601.hpp"
#include "model/definitions.hpp"
#include "model/element_type.hpp"

namespace elva::api {
namespace {

using nlohmann::json;

constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;

Result<std::int64_t> date_field(const json& query, const char* name, std::int64_t fallback) {
  if (!query.contains(name) || query[name].is_null()) return fallback;
  const std::string text = query[name].is_string() ? query[name].get<std::string>() : "";
  const auto d = iso8601::parse_date_time(text);
  if (!d) {
    return fail(Error{Errc::InvalidArgument,
                      std::string("--") + name +
                          " must be a date (2026-01-31) or a date-time "
                          "(2026-01-31T08:00:00Z)",
                      {{std::string("field.") + name, "is not an ISO 8601 date or date-time"}}});
  }
  return d->epoch_millis;
}

}  // namespace

Result<json> stats(store::PgStore& store, exec::Processor& processor, const std::string& process_id,
                   const json& query) {
  const std::int64_t now = query.value("now", std::int64_t{0}) > 0
                               ? query["now"].get<std::int64_t>()
                               : iso8601::now_millis();
  auto to = date_field(query, "to", now);
  if (!to) return fail(to.error());
  auto from = date_field(query, "from", *to - 90 * kDayMs);
  if (!from) return fail(from.error());
  if (*from >= *to)
    return fail(Error{
        Errc::InvalidArgument, "--from must be before --to", {{"field.from", "is not before to"}}});
  auto tx = store.begin();
  if (!tx) return fail(tx.error());
  auto row = (*tx)->latest_definition(process_id);
  if (!row) return fail(row.error());
  if (!*row) return fail(Errc::NotFound, "process '" + process_id + "' is not deployed");
  auto process = processor.process(**tx, (*row)->id);
  if (!process) return fail(process.error());
  const model::ProcessDefinition& p = **process;

  store::StatsQuery q;
  q.process_id = process_id;
  q.from_ms = *from;
  q.to_ms = *to;
  q.now_ms = now;
  q.by_unit = query.value("by", std::string()) == "unit";
  q.deadline = p.deadline;
  auto figures = store.stats(q);
  if (!figures) return fail(figures.error());
  json out = {{"process", process_id},          {"name", p.name},
              {"version", (*row)->version},     {"from", iso8601::format_utc(*from)},
              {"to", iso8601::format_utc(*to)}, {"now", iso8601::format_utc(now)}};
  out.update(*figures);
  // Steps and user tasks named as the latest version names them.
  for (auto* list : {&out["steps"], &out["userTasks"]}) {
    for (auto& s : *list) {
      const auto* e = model::find_by_id(p.elements, s["element"].get<std::string>());
      if (!e) continue;
      if (s.value("name", std::string()).empty()) s["name"] = e->name;
      s["type"] = std::string(model::bpmn_name(e->type));
    }
  }
  return out;
}

}  // namespace elva::api
