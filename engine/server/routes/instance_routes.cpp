// Process instances: start, list, read, variables, history, cancel; messages and signals.
#include "server/routes/route.hpp"

namespace elva::server {
namespace {

using nlohmann::json;

constexpr std::size_t kHistoryPage = 1000;

// History is read a page at a time: a wide multi-instance leaves tens of thousands of rows, and
// one answer must stay small (a 400,000-item instance used to answer 72 MB).
struct Page {
  std::size_t offset = 0, limit = kHistoryPage;
};

Result<Page> history_page(const Call& c, const char* offset_name, const char* limit_name) {
  Page page;
  for (const auto& [k, v] : c.req.query) {
    const bool is_offset = k == offset_name, is_limit = k == limit_name;
    if (!is_offset && !is_limit) {
      return fail(Errc::InvalidArgument, "unknown query parameter '" + k + "' (this takes " +
                                             offset_name + " and " + limit_name + ")");
    }
    const std::size_t most = is_limit ? kHistoryPage : 100'000'000;
    if (v.empty() || v.size() > 9 || v.find_first_not_of("0123456789") != std::string::npos ||
        std::stoul(v) > most || (is_limit && std::stoul(v) == 0)) {
      return fail(field_error(
          k, is_limit ? "must be a whole number from 1 to " + std::to_string(kHistoryPage)
                      : "must be a whole number from 0"));
    }
    (is_limit ? page.limit : page.offset) = std::stoul(v);
  }
  return page;
}

json slice(const json& rows, const Page& page) {
  json out = json::array();
  for (std::size_t i = page.offset; i < rows.size() && i < page.offset + page.limit; ++i)
    out.push_back(rows[i]);
  return out;
}

}  // namespace

void add_instance_routes(Routes& routes) {
  routes.add("POST", "/api/instances", "employee", [](Call& c) -> Result<Response> {
    auto b = c.body({"process", "variables", "businessKey"});
    if (!b) return fail(b.error());
    auto process = text_field(*b, "process", true);
    if (!process) return fail(process.error());
    auto vars = object_field(*b, "variables");
    if (!vars) return fail(vars.error());
    auto key = text_field(*b, "businessKey", false);
    if (!key) return fail(key.error());
    auto r = c.engine.start_as(*c.who, *process, *vars, *key);
    if (!r) return fail(r.error());
    Response res = ok(*r, 201);
    res.headers["Location"] =
        c.prefix + "/api/instances/" + std::to_string((*r)["id"].get<std::uint64_t>());
    return res;
  });

  routes.add("GET", "/api/instances", "developer", [](Call& c) -> Result<Response> {
    // The query's texts as the engine's search takes them; numbers stay texts (the engine reads
    // and checks them), a value is a JSON scalar when it reads as one (42, true, "42"), else a
    // text (a list or an object is never parsed: no nesting from a URL).
    json query = json::object();
    for (const auto& [k, v] : c.req.query) {
      if (k == "value") {
        const bool nested = v.find_first_of("[{") != std::string::npos;
        json parsed = nested ? json() : json::parse(v, nullptr, false);
        query[k] = nested || parsed.is_discarded() ? json(v) : parsed;
      } else {
        query[k] = v;
      }
    }
    auto r = c.engine.search_instances(query);
    if (!r) return fail(r.error());
    return ok(*r);
  });
  routes.add("GET", "/api/instances/{id}", "developer", [](Call& c) -> Result<Response> {
    auto id = c.key("id");
    if (!id) return fail(id.error());
    auto page = history_page(c, "historyOffset", "historyLimit");
    if (!page) return fail(page.error());
    auto r = c.engine.instance_as(*c.who, *id, "GET /api/instances/{id}");
    if (!r) return fail(r.error());
    json& history = (*r)["history"];
    (*r)["historyTotal"] = history.size();
    history = slice(history, *page);
    Response res = ok(*r);
    return with_etag(c.req, res, body_etag(res.body));
  });
  routes.add("GET", "/api/instances/{id}/variables", "developer", [](Call& c) -> Result<Response> {
    auto id = c.key("id");
    if (!id) return fail(id.error());
    auto r = c.engine.instance_as(*c.who, *id, "GET /api/instances/{id}/variables");
    if (!r) return fail(r.error());
    Response res = ok((*r)["variables"]);
    return with_etag(c.req, res, body_etag(res.body));
  });
  routes.add("GET", "/api/instances/{id}/history", "developer", [](Call& c) -> Result<Response> {
    auto id = c.key("id");
    if (!id) return fail(id.error());
    auto page = history_page(c, "offset", "limit");
    if (!page) return fail(page.error());
    auto r = c.engine.instance_as(*c.who, *id, "GET /api/instances/{id}/history");
    if (!r) return fail(r.error());
    const json& history = (*r)["history"];
    Response res = ok(slice(history, *page));
    // The next page, as RFC 8288 says, when there is one.
    if (page->offset + page->limit < history.size()) {
      res.headers["Link"] = "<" + c.prefix + "/api/instances/" + std::to_string(*id) +
                            "/history?offset=" + std::to_string(page->offset + page->limit) +
                            "&limit=" + std::to_string(page->limit) + ">; rel=\"next\"";
    }
    return res;
  });
  routes.add("POST", "/api/messages", "developer", [](Call& c) -> Result<Response> {
    auto b =
        c.body({"name", "correlationKey", "businessKey", "processVariables", "variables", "ttl"});
    if (!b) return fail(b.error());
    auto name = text_field(*b, "name", true);
    if (!name) return fail(name.error());
    Engine::MessageTarget to;
    auto key = text_field(*b, "correlationKey", false);
    if (!key) return fail(key.error());
    to.correlation_key = *key;
    auto business_key = text_field(*b, "businessKey", false);
    if (!business_key) return fail(business_key.error());
    to.business_key = *business_key;
    auto match = object_field(*b, "processVariables");
    if (!match) return fail(match.error());
    to.process_variables = *match;
    auto vars = object_field(*b, "variables");
    if (!vars) return fail(vars.error());
    auto ttl = text_field(*b, "ttl", false);
    if (!ttl) return fail(ttl.error());
    if (!ttl->empty()) {
      if (auto bounded = duration_ms(*ttl, "ttl"); !bounded) return fail(bounded.error());
    }
    auto r = c.engine.message(*name, to, *vars, *ttl);
    if (!r) return fail(r.error());
    return ok(*r);
  });
  routes.add("POST", "/api/signals", "developer", [](Call& c) -> Result<Response> {
    auto b = c.body({"name", "variables"});
    if (!b) return fail(b.error());
    auto name = text_field(*b, "name", true);
    if (!name) return fail(name.error());
    auto vars = object_field(*b, "variables");
    if (!vars) return fail(vars.error());
    auto r = c.engine.signal(*name, *vars);
    if (!r) return fail(r.error());
    return ok(*r);
  });

  routes.add_by_id("POST", "/api/instances/{id}/cancel", "admin",
                   [](Call& c, std::uint64_t id) { return c.engine.cancel(id); });
}

}  // namespace elva::server
