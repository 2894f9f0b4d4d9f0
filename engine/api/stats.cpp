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

// The window of a query [from, to) and the time it is asked at.
struct Window {
  std::int64_t from = 0, to = 0, now = 0;
};

Result<Window> window_of(const json& query) {
  Window w;
  w.now = query.value("now", std::int64_t{0}) > 0 ? query["now"].get<std::int64_t>()
                                                  : iso8601::now_millis();
  auto to = date_field(query, "to", w.now);
  if (!to) return fail(to.error());
  auto from = date_field(query, "from", *to - 90 * kDayMs);
  if (!from) return fail(from.error());
  if (*from >= *to)
    return fail(Error{
        Errc::InvalidArgument, "--from must be before --to", {{"field.from", "is not before to"}}});
  w.from = *from;
  w.to = *to;
  return w;
}

// A process's window as the store's queries take it.
store::StatsQuery query_of(const std::string& process_id, const Window& w) {
  store::StatsQuery q;
  q.process_id = process_id;
  q.from_ms = w.from;
  q.to_ms = w.to;
  q.now_ms = w.now;
  return q;
}

// XML attribute text: the five predefined entities; tab, line feed and carriage return as
// character references; other control characters (never valid in XML 1.0) become spaces.
std::string xml(const std::string& s) {
  std::string o;
  o.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        o += "&amp;";
        break;
      case '<':
        o += "&lt;";
        break;
      case '>':
        o += "&gt;";
        break;
      case '"':
        o += "&quot;";
        break;
      case '\'':
        o += "&apos;";
        break;
      case '\t':
        o += "&#9;";
        break;
      case '\n':
        o += "&#10;";
        break;
      case '\r':
        o += "&#13;";
        break;
      default:
        o += static_cast<unsigned char>(c) < 0x20 ? ' ' : c;
    }
  }
  return o;
}

// Who acted, as process mining tools group work: a user by name, a system by its kind.
std::string resource(const std::string& actor) {
  if (actor.rfind("user:", 0) == 0) return actor.substr(5);
  const auto colon = actor.find(':');
  return colon == std::string::npos ? actor : actor.substr(0, colon);
}

constexpr const char* kXesHead = R"(<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1849-2016" xmlns="http://www.xes-standard.org/">
  <extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
  <extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>
  <extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>
  <extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>
  <global scope="trace">
    <string key="concept:name" value=""/>
  </global>
  <global scope="event">
    <string key="concept:name" value=""/>
    <string key="lifecycle:transition" value="complete"/>
    <date key="time:timestamp" value="1970-01-01T00:00:00.000Z"/>
  </global>
  <classifier name="Activity" keys="concept:name"/>
  <classifier name="ActivityAndTransition" keys="concept:name lifecycle:transition"/>
)";

// The latest deployed version of a process (its number and its model); the transaction ends
// before the figures are read on the same connection.
struct Latest {
  int version = 0;
  std::shared_ptr<const model::ProcessDefinition> process;
};

Result<Latest> latest_process(store::PgStore& store, exec::Processor& processor,
                              const std::string& process_id) {
  auto tx = store.begin();
  if (!tx) return fail(tx.error());
  auto row = (*tx)->latest_definition(process_id);
  if (!row) return fail(row.error());
  if (!*row) return fail(Errc::NotFound, "process '" + process_id + "' is not deployed");
  auto process = processor.process(**tx, (*row)->id);
  if (!process) return fail(process.error());
  return Latest{(*row)->version, std::move(*process)};
}

// What an export reads: the process's latest version and the history events of the window.
Result<std::pair<Latest, json>> exported(store::PgStore& store, exec::Processor& processor,
                                         const std::string& process_id, const json& query) {
  auto w = window_of(query);
  if (!w) return fail(w.error());
  auto process = latest_process(store, processor, process_id);
  if (!process) return fail(process.error());
  auto events = store.history_events(query_of(process_id, *w));
  if (!events) return fail(events.error());
  return std::make_pair(std::move(*process), std::move(*events));
}

}  // namespace

Result<std::string> export_xes(store::PgStore& store, exec::Processor& processor,
                               const std::string& process_id, const json& query) {
  auto read = exported(store, processor, process_id, query);
  if (!read) return fail(read.error());
  const auto& [process, events] = *read;
  std::string out = kXesHead;
  out += "  <string key=\"concept:name\" value=\"" + xml(process_id) + "\"/>\n";
  const model::ProcessDefinition& p = *process.process;
  std::int64_t open = 0;
  for (const auto& e : events) {
    const std::int64_t instance = e["instance"].get<std::int64_t>();
    if (instance != open) {
      if (open) out += "  </trace>\n";
      out += "  <trace>\n    <string key=\"concept:name\" value=\"" + std::to_string(instance) +
             "\"/>\n";
      open = instance;
    }
    const std::string element = e["element"].get<std::string>();
    const auto* el = model::find_by_id(p.elements, element);
    const std::string name = el && !el->name.empty() ? el->name : element;
    const std::string kind = e["kind"].get<std::string>();
    const std::string transition = kind == "activated"   ? "start"
                                   : kind == "completed" ? "complete"
                                                         : "ate_abort";
    out += "    <event>\n      <string key=\"concept:name\" value=\"" + xml(name) + "\"/>\n";
    out += "      <string key=\"elva:element\" value=\"" + xml(element) + "\"/>\n";
    out += "      <string key=\"lifecycle:transition\" value=\"" + transition + "\"/>\n";
    out += "      <string key=\"org:resource\" value=\"" +
           xml(resource(e["actor"].get<std::string>())) + "\"/>\n";
    out += "      <date key=\"time:timestamp\" value=\"" + e["at"].get<std::string>() +
           "\"/>\n    </event>\n";
  }
  if (open) out += "  </trace>\n";
  out += "</log>\n";
  return out;
}

Result<json> stats(store::PgStore& store, exec::Processor& processor, const std::string& process_id,
                   const json& query) {
  auto w = window_of(query);
  if (!w) return fail(w.error());
  const std::int64_t now = w->now;
  const std::int64_t* from = &w->from;
  const std::int64_t* to = &w->to;
  auto process = latest_process(store, processor, process_id);
  if (!process) return fail(process.error());
  const model::ProcessDefinition& p = *process->process;

  store::StatsQuery q = query_of(process_id, *w);
  q.by_unit = query.value("by", std::string()) == "unit";
  q.deadline = p.deadline;
  auto figures = store.stats(q);
  if (!figures) return fail(figures.error());
  json out = {{"process", process_id},          {"name", p.name},
              {"version", process->version},    {"from", iso8601::format_utc(*from)},
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

Result<std::string> export_ocel(store::PgStore& store, exec::Processor& processor,
                                const std::string& process_id, const json& query) {
  auto read = exported(store, processor, process_id, query);
  if (!read) return fail(read.error());
  const auto& [process, events] = *read;
  const model::ProcessDefinition& p = *process.process;
  const json transition = {{"activated", "start"}, {"completed", "complete"}};
  json event_types = json::object();  // activity -> its type
  json objects = json::object();      // id -> object
  json out_events = json::array();
  auto object = [&](const std::string& id, const std::string& type, json attributes) {
    if (!objects.contains(id))
      objects[id] = {{"id", id}, {"type", type}, {"attributes", std::move(attributes)}};
  };
  std::int64_t n = 0;
  for (const auto& e : events) {
    const std::string instance = "case:" + std::to_string(e["instance"].get<std::int64_t>());
    const std::string element = e["element"].get<std::string>();
    const auto* el = model::find_by_id(p.elements, element);
    const std::string activity = el && !el->name.empty() ? el->name : element;
    const std::string kind = e["kind"].get<std::string>();
    event_types[activity] = {
        {"name", activity},
        {"attributes",
         {{{"name", "lifecycle"}, {"type", "string"}}, {{"name", "element"}, {"type", "string"}}}}};
    object(instance, "case",
           {{{"name", "process"}, {"value", process_id}, {"time", "1970-01-01T00:00:00Z"}}});
    json relationships = {{{"objectId", instance}, {"qualifier", "case"}}};
    const std::string actor = e["actor"].get<std::string>();
    const bool person = actor.rfind("user:", 0) == 0;
    const std::string by = (person ? "person:" : "system:") + resource(actor);
    object(by, person ? "person" : "system", json::array());
    relationships.push_back({{"objectId", by}, {"qualifier", "performed by"}});
    const std::string unit = e.value("unit", "");
    if (!unit.empty()) {
      object("unit:" + unit, "unit", json::array());
      relationships.push_back({{"objectId", "unit:" + unit}, {"qualifier", "on behalf of"}});
    }
    out_events.push_back(
        {{"id", "e" + std::to_string(++n)},
         {"type", activity},
         {"time", e["at"]},
         {"attributes",
          {{{"name", "lifecycle"}, {"value", transition.value(kind, std::string("abort"))}},
           {{"name", "element"}, {"value", element}}}},
         {"relationships", std::move(relationships)}});
  }
  json types = json::array();
  for (const char* t : {"case", "person", "system", "unit"}) {
    json attributes = json::array();
    if (std::string(t) == "case") attributes.push_back({{"name", "process"}, {"type", "string"}});
    types.push_back({{"name", t}, {"attributes", std::move(attributes)}});
  }
  json out = {{"objectTypes", std::move(types)},
              {"eventTypes", json::array()},
              {"objects", json::array()},
              {"events", std::move(out_events)}};
  for (auto& [name, type] : event_types.items()) out["eventTypes"].push_back(std::move(type));
  for (auto& [id, o] : objects.items()) out["objects"].push_back(std::move(o));
  return out.dump(1) + "\n";
}

Result<json> network(store::PgStore& store, exec::Processor& processor,
                     const std::string& process_id, const json& query) {
  auto w = window_of(query);
  if (!w) return fail(w.error());
  if (!process_id.empty()) {
    auto process = latest_process(store, processor, process_id);
    if (!process) return fail(process.error());
  }
  const bool people = query.value("people", false);
  auto figures = store.network(query_of(process_id, *w), people);
  if (!figures) return fail(figures.error());
  json out = {{"process", process_id.empty() ? json() : json(process_id)},
              {"from", iso8601::format_utc(w->from)},
              {"to", iso8601::format_utc(w->to)},
              {"people", people}};
  out.update(*figures);
  return out;
}

}  // namespace elva::api
