// Engine::search_instances's query (cockpit.hpp).
#include "api/cockpit.hpp"

#include <string>

#include "common/iso8601.hpp"

namespace elva::api {
namespace {

using nlohmann::json;

Error field_error(const std::string& field, const std::string& what) {
  return Error{Errc::InvalidArgument, field + " " + what, {{"field." + field, what}}};
}

Result<std::string> text(const json& query, const char* name) {
  if (!query.contains(name) || query[name].is_null()) return std::string();
  if (!query[name].is_string()) return fail(field_error(name, "must be a text"));
  return query[name].get<std::string>();
}

Result<std::int64_t> number(const json& query, const char* name, std::int64_t fallback,
                            std::int64_t low, std::int64_t high) {
  if (!query.contains(name) || query[name].is_null()) return fallback;
  const json& v = query[name];
  std::int64_t n = 0;
  if (v.is_number_integer()) {
    n = v.get<std::int64_t>();
  } else {
    const std::string s = v.is_string() ? v.get<std::string>() : "";
    std::size_t used = 0;
    try {
      n = std::stoll(s, &used);
    } catch (...) {
      used = 0;
    }
    if (s.empty() || used != s.size()) return fail(field_error(name, "must be a whole number"));
  }
  if (n < low || n > high) {
    return fail(field_error(
        name, "must be between " + std::to_string(low) + " and " + std::to_string(high)));
  }
  return n;
}

Result<std::int64_t> date(const json& query, const char* name) {
  auto s = text(query, name);
  if (!s) return fail(s.error());
  if (s->empty()) return std::int64_t{0};
  const auto d = iso8601::parse_date_time(*s);
  if (!d) {
    return fail(field_error(name,
                            "must be a date (2026-01-31) or a date-time "
                            "(2026-01-31T08:00:00Z)"));
  }
  return d->epoch_millis;
}

}  // namespace

Result<store::InstanceSearch> instance_search(const json& query) {
  static const char* const known[] = {"process",   "version",  "status", "businessKey",
                                      "element",   "variable", "value",  "startedFrom",
                                      "startedTo", "limit",    "offset"};
  if (!query.is_object()) return fail(Errc::InvalidArgument, "the search must be an object");
  for (const auto& [k, v] : query.items()) {
    bool ok = false;
    for (const char* name : known) ok = ok || k == name;
    if (!ok) {
      return fail(field_error(k,
                              "is not a search filter (process, version, status, "
                              "businessKey, element, variable, value, startedFrom, "
                              "startedTo, limit, offset)"));
    }
  }
  store::InstanceSearch q;
  struct TextField {
    const char* name;
    std::string* into;
  };
  for (const auto& [name, into] :
       {TextField{"process", &q.process_id}, TextField{"status", &q.status},
        TextField{"businessKey", &q.business_key}, TextField{"element", &q.element},
        TextField{"variable", &q.variable}}) {
    auto s = text(query, name);
    if (!s) return fail(s.error());
    *into = std::move(*s);
  }
  if (!q.status.empty() && q.status != "active" && q.status != "completed" &&
      q.status != "terminated" && q.status != "incident") {
    return fail(field_error("status", "must be active, completed, terminated or incident"));
  }
  // Only a running instance has tokens: said as a status, the search reads running instances
  // only (instances_running_by_process_started, migration 012).
  if (!q.element.empty() && q.status.empty()) q.status = "active";
  if (!q.element.empty() && q.status != "active" && q.status != "incident")
    return fail(field_error("element", "is searched among running instances only"));
  const bool has_value = query.contains("value") && !query["value"].is_null();
  if (q.variable.empty() != !has_value)
    return fail(field_error(has_value ? "variable" : "value",
                            "is missing: a variable and its value are searched together"));
  if (has_value) q.value = query["value"];
  auto version = number(query, "version", 0, 0, 1'000'000'000);
  if (!version) return fail(version.error());
  q.version = static_cast<int>(*version);
  auto limit = number(query, "limit", 50, 1, 1000);
  if (!limit) return fail(limit.error());
  q.limit = static_cast<int>(*limit);
  auto offset = number(query, "offset", 0, 0, 1'000'000'000);
  if (!offset) return fail(offset.error());
  q.offset = static_cast<int>(*offset);
  auto from = date(query, "startedFrom");
  if (!from) return fail(from.error());
  auto to = date(query, "startedTo");
  if (!to) return fail(to.error());
  q.started_from = *from;
  q.started_to = *to;
  if (q.started_from && q.started_to && q.started_from >= q.started_to)
    return fail(field_error("startedFrom", "must be before startedTo"));
  return q;
}

}  // namespace elva::api
