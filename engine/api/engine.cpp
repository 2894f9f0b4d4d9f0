// Engine (elva/engine.hpp): the durable engine's public face, over store/pg and sched.
#include "elva/engine.hpp"

#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "api/cockpit.hpp"
#include "api/operations.hpp"
#include "api/people_api.hpp"
#include "api/stats.hpp"
#include "common/calendar.hpp"
#include "common/iso8601.hpp"
#include "elva/log.hpp"
#include "exec/connector_needs.hpp"
#include "exec/processor.hpp"
#include "forms/translations.hpp"
#include "parse/reader.hpp"
#include "privacy/cleanup.hpp"
#include "runtime/state_json.hpp"
#include "sched/command_queue.hpp"
#include "sched/prompter.hpp"
#include "sched/retention_loop.hpp"
#include "sched/scheduler.hpp"
#include "store/pg/backup.hpp"
#include "store/pg/cluster.hpp"
#include "store/pg/pg_errors.hpp"

namespace elva {

// One queue, made by the first engine that connects (it knows the resolved database URL).
class CommitGroup {
 public:
  sched::CommandQueue* queue(const std::string& url, const std::string& actor,
                             const runtime::RuntimeLimits& limits,
                             std::shared_ptr<const connector::Registry> connectors,
                             std::shared_ptr<const calendar::Calendar> calendar) {
    std::lock_guard lock(mu_);
    if (!queue_)
      queue_ = std::make_unique<sched::CommandQueue>(url, actor, 256, limits, std::move(connectors),
                                                     std::move(calendar));
    return queue_.get();
  }

 private:
  std::mutex mu_;
  std::unique_ptr<sched::CommandQueue> queue_;  // GUARDED_BY(mu_) while made
};

std::shared_ptr<CommitGroup> make_commit_group() { return std::make_shared<CommitGroup>(); }

namespace {

using nlohmann::json;

std::string kind_name(model::ElementType t) { return std::string(model::bpmn_name(t)); }

// An attachment's content type is what a citizen wrote and is served back as Content-Type, so
// it must be a media type (RFC 9110 §8.3.1): type "/" subtype, then "; name=value" parameters,
// tokens or quoted strings, ASCII and at most 200 characters; never CR, LF or NUL.
bool is_media_type(const std::string& s) {
  const auto tchar = [](unsigned char c) {
    return std::isalnum(c) ||
           std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
  };
  std::size_t i = 0;
  const auto token = [&] {
    const std::size_t start = i;
    while (i < s.size() && tchar(static_cast<unsigned char>(s[i]))) ++i;
    return i > start;
  };
  const auto ows = [&] {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  };
  if (s.size() > 200 || !token() || i >= s.size() || s[i++] != '/' || !token()) return false;
  for (;;) {
    ows();
    if (i == s.size()) return true;
    if (s[i++] != ';') return false;
    ows();
    if (i == s.size() || s[i] == ';') continue;  // an empty parameter
    if (!token() || i >= s.size() || s[i++] != '=') return false;
    if (i < s.size() && s[i] == '"') {
      for (++i;; ++i) {
        if (i >= s.size()) return false;  // not closed
        auto c = static_cast<unsigned char>(s[i]);
        if (c == '"') break;
        if (c == '\\' && ++i < s.size()) c = static_cast<unsigned char>(s[i]);
        if (i >= s.size() || (c < 0x20 && c != '\t') || c >= 0x7f) return false;
      }
      ++i;
    } else if (!token()) {
      return false;
    }
  }
}

class DurableEngine final : public Engine {
 public:
  DurableEngine(std::string url, bool embedded, std::string home, bool started, std::string actor,
                std::shared_ptr<const connector::Registry> connectors)
      : url_(std::move(url)),
        embedded_(embedded),
        home_(std::move(home)),
        started_(started),
        actor_(std::move(actor)),
        connectors_(std::move(connectors)) {}

  void set_limits(const Limits& l) { limits_ = l; }
  void set_calendar(std::shared_ptr<const calendar::Calendar> c) { calendar_ = std::move(c); }
  void set_commit_group(std::shared_ptr<CommitGroup> group) { group_ = std::move(group); }
  runtime::RuntimeLimits runtime_limits() const {
    return runtime::RuntimeLimits{limits_.max_steps, limits_.max_loop_items,
                                  limits_.min_timer_cycle_ms};
  }

  ~DurableEngine() override {
    ops_.reset();
    people_.reset();
    processor_.reset();
    store_.reset();
    if (started_) (void)store::stop_embedded_cluster(home_);
  }

  Result<void> connect(bool require_schema) {
    auto s = store::PgStore::connect(url_);
    if (!s) return fail(s.error());
    store_ = std::move(*s);
    if (embedded_) {  // our own database: keep its schema current without asking
      if (auto m = store_->migrate(); !m) return fail(m.error());
    } else if (require_schema) {
      if (auto r = store_->require_migrated(); !r) return fail(r.error());
    }
    processor_ = std::make_unique<exec::Processor>(*store_, exec::system_clock(), actor_);
    processor_->set_limits(runtime_limits());
    processor_->set_connectors(connectors_);
    processor_->set_calendar(calendar_);
    ops_ = std::make_unique<api::Operations>(*store_, *processor_);
    people_ = std::make_unique<api::PeopleApi>(
        *store_, *processor_, connectors_ ? connectors_ : sched::builtin_registry());
    if (group_) {
      queue_ = group_->queue(url_, actor_, runtime_limits(), connectors_, calendar_);
      people_->set_commit_queue(queue_);
    }
    return {};
  }

  Result<json> db_status() override {
    auto s = store_->schema_status();
    if (!s) return fail(s.error());
    return json{{"database", store::redact(url_)},
                {"embedded", embedded_},
                {"current", s->current},
                {"latest", s->latest},
                {"pending", s->pending}};
  }

  Result<json> store_figures() override {
    const std::string now = std::to_string(iso8601::now_millis());
    json out;
    for (const auto& [name, sql] : std::vector<std::pair<const char*, std::string>>{
             {"incidentsOpen", "SELECT count(*) FROM incidents WHERE resolved_at IS NULL"},
             {"timersDue",
              "SELECT count(*) FROM timers WHERE due <= " + now + " AND lock_until <= " + now},
             {"jobsDue",
              "SELECT count(*) FROM jobs WHERE due <= " + now + " AND lock_until <= " + now}}) {
      auto n = store_->count(sql);
      if (!n) return fail(n.error());
      out[name] = *n;
    }
    auto s = store_->schema_status();
    if (!s) return fail(s.error());
    out["migrationsPending"] = s->pending.size();
    return out;
  }

  Result<json> stats(const std::string& process_id, const json& query) override {
    return api::stats(*store_, *processor_, process_id, query);
  }

  Result<json> network(const std::string& process_id, const json& query) override {
    return api::network(*store_, *processor_, process_id, query);
  }

  Result<std::string> export_xes(const std::string& process_id, const json& query) override {
    return api::export_xes(*store_, *processor_, process_id, query);
  }

  Result<std::string> export_ocel(const std::string& process_id, const json& query) override {
    return api::export_ocel(*store_, *processor_, process_id, query);
  }

  Result<json> db_migrate() override {
    auto m = store_->migrate();
    if (!m) return fail(m.error());
    return json{{"applied", *m}};
  }

  Result<json> db_backup(const std::string& file) override {
    auto c = store::dump_database(url_, file);
    if (!c) return fail(c.error());
    std::error_code ec;
    const auto bytes = std::filesystem::file_size(file, ec);
    json out = contents_json(*c);
    out["file"] = file;
    out["bytes"] = ec ? 0 : bytes;
    return out;
  }

  Result<json> db_restore(const std::string& file, bool force) override {
    auto before = store::database_contents(url_);
    if (!before) return fail(before.error());
    if (!before->empty() && !force) {
      return fail(Errc::Conflict,
                  "the database " + store::redact(url_) + " is not empty (" +
                      std::to_string(before->definitions) + " process versions, " +
                      std::to_string(before->instances) + " instances, " +
                      std::to_string(before->users) +
                      " users): restore into an empty one (a new ELVA_HOME or a new database), "
                      "or give --force to replace everything in it");
    }
    if (auto r = store::restore_database(url_, file); !r) return fail(r.error());
    // A fresh connection: the one this engine holds saw the schema that was replaced.
    auto fresh = store::PgStore::connect(url_);
    if (!fresh) return fail(fresh.error());
    auto status = (*fresh)->schema_status();
    if (!status) return fail(status.error());
    if (status->current > status->latest)
      return fail(Errc::InvalidArgument,
                  "restored, but the backup has schema version " + std::to_string(status->current) +
                      ", newer than this Elva knows (" + std::to_string(status->latest) +
                      "): upgrade Elva before using it");
    auto applied = (*fresh)->migrate();
    if (!applied) return fail(applied.error());
    auto after = store::database_contents(url_);
    if (!after) return fail(after.error());
    json out = contents_json(*after);
    out["file"] = file;
    out["applied"] = *applied;
    return out;
  }

  json contents_json(const store::DatabaseContents& c) const {
    return json{{"database", store::redact(url_)},
                {"embedded", embedded_},
                {"schema", c.schema_version},
                {"definitions", c.definitions},
                {"instances", c.instances},
                {"completedInstances", c.completed_instances},
                {"history", c.history},
                {"users", c.users}};
  }

  Result<json> deploy(const std::vector<std::string>& paths) override {
    std::vector<std::pair<std::string, std::string>> files;
    for (const auto& p : paths) {
      std::ifstream in(p, std::ios::binary);
      if (!in) return fail(Errc::NotFound, p + ": cannot be read");
      std::ostringstream s;
      s << in.rdbuf();
      files.emplace_back(p, s.str());
    }
    return deploy_files(files);
  }

  Result<json> deploy_files(
      const std::vector<std::pair<std::string, std::string>>& files) override {
    auto report = processor_->deploy(files);
    if (!report) return fail(report.error());
    json out = {{"processes", json::array()}, {"warnings", json::array()}};
    for (const auto& p : report->processes) {
      out["processes"].push_back({{"process", p.process_id},
                                  {"version", p.version},
                                  {"unchanged", p.unchanged},
                                  {"file", p.file}});
    }
    for (const auto& d : report->diagnostics) out["warnings"].push_back(d.to_string());
    out["decisions"] = json::array();
    for (const auto& d : report->decisions) {
      out["decisions"].push_back({{"decision", d.process_id},
                                  {"version", d.version},
                                  {"unchanged", d.unchanged},
                                  {"file", d.file}});
    }
    out["forms"] = json::array();
    out["translations"] = json::array();
    const std::string i18n(forms::kTranslationPrefix);
    for (const auto& f : report->forms) {
      if (f.process_id.rfind(i18n, 0) == 0) {  // processes/i18n/LANG.json
        out["translations"].push_back({{"language", f.process_id.substr(i18n.size())},
                                       {"version", f.version},
                                       {"unchanged", f.unchanged},
                                       {"file", f.file}});
        continue;
      }
      out["forms"].push_back({{"form", f.process_id},
                              {"version", f.version},
                              {"unchanged", f.unchanged},
                              {"file", f.file}});
    }
    return out;
  }

  Result<json> definitions() override {
    auto rows = store_->definitions();
    if (!rows) return fail(rows.error());
    json out = json::array();
    for (const auto& d : *rows) {
      out.push_back({{"process", d.process_id},
                     {"version", d.version},
                     {"name", d.name},
                     {"file", d.file},
                     {"deployedAt", d.deployed_at}});
    }
    return out;
  }

  static json instance_json(const store::InstanceRow& i) {
    return {{"id", i.id},
            {"process", i.process_id},
            {"version", i.definition_version},
            {"businessKey", i.business_key},
            {"status", i.open_incidents > 0 && i.status == "active" ? "incident" : i.status},
            {"startedAt", i.started_at},
            {"endedAt", i.ended_at.empty() ? json() : json(i.ended_at)},
            {"openIncidents", i.open_incidents}};
  }

  Result<json> start(const std::string& process_id, const json& variables,
                     const std::string& business_key) override {
    exec::StartedInstance started;
    if (queue_) {
      auto s = queue_->start(process_id, variables, business_key, processor_->actor());
      if (!s) return fail(s.error());
      started = std::move(*s);
    } else {
      auto id = processor_->start(process_id, variables, business_key, "", &started);
      if (!id) return fail(id.error());
    }
    return api::started_json(started, process_id, business_key);
  }

  Result<json> instances(const std::string& process_id, const std::string& status,
                         int limit) override {
    auto rows = store_->instances(process_id, status, limit);
    if (!rows) return fail(rows.error());
    json out = json::array();
    for (const auto& i : *rows) out.push_back(instance_json(i));
    return out;
  }

  Result<json> instance(std::uint64_t id) override {
    std::int64_t definition = 0;
    auto out = instance_read(id, definition);
    if (!out) return fail(out.error());
    if (auto r = guard_values(*out, definition, id, actor_, true, "cli"); !r)
      return fail(r.error());
    return out;
  }

  Result<json> instance_as(const Principal& who, std::uint64_t id,
                           const std::string& via) override {
    std::int64_t definition = 0;
    auto out = instance_read(id, definition);
    if (!out) return fail(out.error());
    if (auto r = guard_values(*out, definition, id, "user:" + who.user, who.is("admin"), via); !r)
      return fail(r.error());
    return out;
  }

  // The variables of a process map whose values are protected (personal, sensitive): name ->
  // class. Masking, the access log and erasure all go by these.
  static std::map<std::string, std::string> protected_classes(const privacy::ProcessMap& m) {
    std::map<std::string, std::string> out;
    for (const auto& v : m.variables)
      if (v.data_class == "personal" || v.data_class == "sensitive") out[v.variable] = v.data_class;
    return out;
  }

  // The personal and sensitive variables of a definition (docs/privacy.md): name -> class. Read
  // from its BPMN once per definition (a deployed definition never changes).
  Result<const std::map<std::string, std::string>*> classed_of(std::int64_t definition) {
    if (auto it = classed_.find(definition); it != classed_.end()) return &it->second;
    auto tx = store_->begin();
    if (!tx) return fail(tx.error());
    auto row = (*tx)->definition(definition);
    if (!row) return fail(row.error());
    std::map<std::string, std::string> classes;
    if (*row) {
      auto read = parse::read_bpmn((*row)->file, (*row)->source, 16u << 20);
      const auto* p =
          read.definitions ? read.definitions->find_process((*row)->process_id) : nullptr;
      if (p) classes = protected_classes(privacy::map_process(*p, (*row)->file, nullptr));
    }
    if (classed_.size() > 1000) classed_.clear();
    return &(classed_[definition] = std::move(classes));
  }

  // An instance's personal and sensitive values as its reader may see them: read (and recorded
  // in the access log when any is there) or masked, in the variables and in history's rows.
  Result<void> guard_values(json& out, std::int64_t definition, std::uint64_t instance,
                            const std::string& actor, bool may_read, const std::string& via) {
    auto classes = classed_of(definition);
    if (!classes) return fail(classes.error());
    if ((*classes)->empty()) return {};
    std::set<std::string> seen;
    auto visit = [&](json& values) {
      if (!values.is_object()) return;
      for (auto& [name, value] : values.items()) {
        auto c = (*classes)->find(name);
        if (c == (*classes)->end() || value.is_null()) continue;
        seen.insert(name);
        if (!may_read) value = json{{"masked", c->second}};
      }
    };
    if (out.contains("variables")) visit(out["variables"]);
    if (out.contains("history")) {
      for (auto& h : out["history"])
        if (h.contains("data") && h.value("kind", "") == "variables") visit(h["data"]);
    }
    if (!may_read || seen.empty()) return {};
    return store_->record_access(actor, instance, {seen.begin(), seen.end()}, via);
  }

  Result<json> instance_read(std::uint64_t id, std::int64_t& definition) {
    auto row = store_->instance(id);
    if (!row) return fail(row.error());
    if (!*row)
      return fail(Errc::NotFound,
                  "there is no process instance " + std::to_string(id) + " (see `elva instances`)");
    definition = (*row)->definition_id;
    json out = instance_json(**row);
    out["variables"] = (*row)->variables;
    json active = json::array(), joins = json::array();
    if (auto r = active_elements(id, active, joins); !r) return fail(r.error());
    out["active"] = std::move(active);
    out["joins"] = std::move(joins);
    auto incidents = store_->incidents(id, false);
    if (!incidents) return fail(incidents.error());
    out["incidents"] = json::array();
    for (const auto& i : *incidents) out["incidents"].push_back(incident_json(i));
    auto jobs = store_->jobs(id);
    if (!jobs) return fail(jobs.error());
    out["jobs"] = json::array();
    for (const auto& j : *jobs)
      out["jobs"].push_back(
          {{"key", j.key}, {"type", j.type}, {"element", j.element_id}, {"retries", j.retries}});
    auto history = store_->history(id);
    if (!history) return fail(history.error());
    out["history"] = json::array();
    for (const auto& h : *history) {
      json line = {{"at", h.at}, {"actor", h.actor}, {"kind", h.kind}};
      if (!h.element_id.empty()) line["element"] = h.element_id;
      if (!h.data.is_null()) line["data"] = h.data;
      out["history"].push_back(std::move(line));
    }
    return out;
  }

  // Where the tokens are: from the snapshot, with element types from the definition. Its own
  // transaction, closed before the other reads (one connection, one transaction at a time).
  Result<void> active_elements(std::uint64_t id, json& active, json& joins) {
    auto tx = store_->begin();
    if (!tx) return fail(tx.error());
    auto snap = (*tx)->load_instance(id);
    if (!snap) return fail(snap.error());
    if (!*snap) return {};
    auto process = processor_->process(**tx, (*snap)->definition_id);
    if (!process) return fail(process.error());
    runtime::InstanceState state;
    state.process = *process;
    if (auto r = runtime::state_from_json((*snap)->state, state); !r) return fail(r.error());
    for (const auto& [key, el] : state.elements) {
      const auto& e = state.process->elements[el.element];
      active.push_back({{"element", e.id},
                        {"type", kind_name(e.type)},
                        {"elementInstance", key},
                        {"waiting", el.waiting}});
    }
    // Tokens that arrived at a joining gateway and wait there for the others (no element
    // instance holds them): [{"element", "arrived": {"<flow>": n}}].
    for (const auto& [where, tokens] : state.joins) {
      json arrived = json::object();
      for (const auto& [flow, n] : tokens) arrived[state.process->flows[flow].id] = n;
      joins.push_back(
          {{"element", state.process->elements[where.second].id}, {"arrived", std::move(arrived)}});
    }
    return {};
  }

  static json incident_json(const store::IncidentRow& i) {
    return {{"key", i.key},
            {"instance", i.instance_id},
            {"process", i.process_id},
            {"element", i.element_id},
            {"message", i.message},
            {"createdAt", i.created_at},
            {"resolvedAt", i.resolved_at.empty() ? json() : json(i.resolved_at)}};
  }

  Result<json> cancel(std::uint64_t id) override {
    if (auto r = processor_->command(id, runtime::CancelInstance{}); !r) {
      if (r.error().code == Errc::InvalidArgument || r.error().code == Errc::NotFound) {
        const Errc code = r.error().code == Errc::InvalidArgument ? Errc::Conflict
                                                                  : r.error().code;  // it has ended
        return fail(
            code, "instance " + std::to_string(id) + " cannot be cancelled: " + r.error().message);
      }
      return fail(r.error());
    }
    return instance(id);
  }

  Result<json> migration_plan(const json& request) override {
    auto req = exec::migration_request_from_json(request);
    if (!req) return fail(req.error());
    auto m = processor_->prepare_migration(*req);
    if (!m) return fail(m.error());
    auto ids = processor_->migration_candidates(*m, exec::InstanceQuery{});
    if (!ids) return fail(ids.error());
    json plan = m->plan;
    plan["instances"] = ids->size();
    return plan;
  }

  Result<json> migration_dry_run(const json& plan, const std::string& instances) override {
    return migration_pass(plan, instances, true, "", 100, {});
  }

  Result<json> migration_run(const json& plan, const std::string& instances,
                             const std::string& reason, int batch,
                             const std::function<void(const json&)>& progress) override {
    if (reason.find_first_not_of(" \t\r\n") == std::string::npos)
      return fail(Error{Errc::InvalidArgument,
                        "say why (--reason): the reason goes into each instance's history",
                        {{"field.reason", "is required"}}});
    return migration_pass(plan, instances, false, reason, batch, progress);
  }

  // The dry run and the run: the same loop over the same Processor::migrate.
  Result<json> migration_pass(const json& plan, const std::string& instances, bool dry_run,
                              const std::string& reason, int batch,
                              const std::function<void(const json&)>& progress) {
    auto req = exec::migration_request_from_json(plan);
    if (!req) return fail(req.error());
    auto query = exec::parse_instance_query(instances);
    if (!query) return fail(query.error());
    auto m = processor_->prepare_migration(*req);
    if (!m) return fail(m.error());
    auto ids = processor_->migration_candidates(*m, *query);
    if (!ids) return fail(ids.error());
    json out = {
        {"process", req->process_id}, {"from", req->from},       {"to", req->to},
        {"dryRun", dry_run},          {"selected", ids->size()}, {"instances", json::array()}};
    json counts = json::object();
    const std::size_t every = batch > 0 ? static_cast<std::size_t>(batch) : 100;
    std::size_t done = 0;
    for (auto id : *ids) {
      auto v = processor_->migrate(id, *m, dry_run, reason);
      if (!v) return fail(v.error());
      counts[v->outcome] = counts.value(v->outcome, 0) + 1;
      out["instances"].push_back(v->to_json());
      if (progress && (++done % every == 0 || done == ids->size()))
        progress({{"done", done}, {"of", ids->size()}, {"counts", counts}});
    }
    out["counts"] = std::move(counts);
    return out;
  }

  using Engine::message;
  Result<json> message(const std::string& name, const MessageTarget& to, const json& vars,
                       const std::string& ttl) override {
    std::int64_t ttl_ms = 0;
    if (!ttl.empty()) {
      auto d = iso8601::parse_duration(ttl);
      if (!d)
        return fail(Errc::InvalidArgument,
                    "--ttl '" + ttl + "' is not an ISO 8601 duration such as PT1H");
      ttl_ms = iso8601::add(0, *d);
    }
    auto out = processor_->publish_message(
        name,
        exec::Processor::MessageAddress{to.correlation_key, to.business_key, to.process_variables},
        vars, ttl_ms);
    if (!out) return fail(out.error());
    return json{
        {"correlated", out->correlated}, {"started", out->started}, {"buffered", out->buffered}};
  }

  Result<json> eservice_submit(const EserviceSubmission& s) override {
    const std::string process = s.spec.value("process", ""),
                      message_name = s.spec.value("message", "");
    if (message_name.empty() && process.empty()) {
      return fail(
          Errc::InvalidArgument,
          "e-service form '" + s.form + "' names neither a process nor a message in elva.toml");
    }
    if (!message_name.empty() && s.case_receipt.empty()) {
      return fail(
          Errc::InvalidArgument,
          "form '" + s.form + "' completes an earlier application: send its receipt as \"case\"");
    }
    Error refused{
        Errc::InvalidArgument, "some attachments are not acceptable", {{"status", "422"}}};
    for (std::size_t i = 0; i < s.attachments.size(); ++i) {
      if (is_media_type(s.attachments[i].content_type)) continue;
      refused.with("field.attachments[" + std::to_string(i) + "].contentType",
                   "is not a media type (type/subtype; name=value, RFC 9110)");
    }
    if (refused.context.size() > 1) return fail(std::move(refused));
    std::vector<store::AttachmentIn> files;
    for (const auto& a : s.attachments) files.push_back({a.name, a.content_type, a.content});
    const std::string prefix = s.spec.value("receipt_prefix", std::string("E"));
    json payload = {{"data", s.data}, {"applicant", s.applicant}};
    auto sub =
        store_->claim_submission(s.form, s.idempotency_key, prefix, s.case_receipt, payload, files);
    if (!sub) return fail(sub.error());
    json listed = json::array();
    for (const auto& [id, a] : sub->attachments)
      listed.push_back({{"id", id}, {"name", a.name}, {"contentType", a.content_type}});
    json out = {{"receipt", sub->receipt},
                {"form", s.form},
                {"repeated", !sub->fresh},
                {"attachments", listed},
                {"status", message_name.empty() ? "received" : "correlated"}};
    if (sub->instance != 0) {
      out["instance"] = sub->instance;
      return out;
    }
    json vars = {{"receipt", sub->receipt},
                 {"form", s.form},
                 {"application", s.data},
                 {"applicant", s.applicant},
                 {"attachments", listed}};
    store::Key instance = 0;
    if (!message_name.empty()) {
      json completion = {{"completion", s.data},
                         {"completionReceipt", sub->receipt},
                         {"completionAttachments", listed}};
      auto r = processor_->publish_message(message_name, s.case_receipt, completion, 0);
      if (!r && r.error().code != Errc::NotFound) return fail(r.error());
      if (!r || (r->correlated.empty() && r->started.empty())) {
        return fail(Errc::NotFound, "no application " + s.case_receipt + " is waiting for " +
                                        s.form + " (it may be closed already)");
      }
      instance = !r->correlated.empty() ? r->correlated.front() : r->started.front();
    } else {
      // One instance per receipt: under the receipt's hold, the instance carrying the receipt as
      // its business key is looked up (a concurrent request, or a resend after a crash between
      // the start and its record, finds it) and started only when there is none.
      if (auto held = store_->hold_receipt(sub->receipt); !held) return fail(held.error());
      auto started_or_found = [&]() -> Result<store::Key> {
        auto existing = store_->instance_by_business_key(process, sub->receipt);
        if (!existing) return fail(existing.error());
        store::Key id = *existing;
        if (id == 0) {
          exec::StartedInstance started;
          if (auto r = processor_->start(process, vars, sub->receipt, "", &started); !r)
            return fail(r.error());
          id = started.id;
        }
        if (auto r = store_->set_submission_instance(sub->receipt, id); !r) return fail(r.error());
        return id;
      }();
      (void)store_->release_receipt(sub->receipt);
      if (!started_or_found) return fail(started_or_found.error());
      instance = *started_or_found;
      out["instance"] = instance;
      return out;
    }
    if (auto r = store_->set_submission_instance(sub->receipt, instance); !r)
      return fail(r.error());
    out["instance"] = instance;
    return out;
  }

  Result<json> attachment(std::uint64_t id) override {
    auto a = store_->attachment(id);
    if (!a) return fail(a.error());
    if (!*a) return fail(Errc::NotFound, "there is no attachment " + std::to_string(id));
    return json{{"id", (*a)->id},
                {"receipt", (*a)->receipt},
                {"instance", (*a)->instance},
                {"name", (*a)->name},
                // One stored before intake checked it is served as bytes, not as what it claimed.
                {"contentType", is_media_type((*a)->content_type) ? (*a)->content_type
                                                                  : "application/octet-stream"},
                {"createdAt", (*a)->created_at},
                {"content", (*a)->content}};
  }

  Result<json> signal(const std::string& name, const json& vars) override {
    auto out = processor_->broadcast_signal(name, vars);
    if (!out) return fail(out.error());
    return json{{"delivered", out->delivered}, {"started", out->started}};
  }

  Result<json> incidents() override {
    auto rows = store_->incidents(0, true);
    if (!rows) return fail(rows.error());
    json out = json::array();
    for (const auto& i : *rows) out.push_back(incident_json(i));
    return out;
  }

  Result<json> retry(std::uint64_t incident) override {
    auto rows = store_->incidents(0, true);
    if (!rows) return fail(rows.error());
    for (const auto& i : *rows) {
      if (i.key != incident) continue;
      if (auto r = processor_->retry_incident(i.instance_id, i.key); !r) return fail(r.error());
      return instance(i.instance_id);
    }
    return fail(Errc::NotFound, "there is no open incident " + std::to_string(incident) +
                                    " (see `elva incidents`)");
  }

  Result<json> complete(std::uint64_t id, const std::string& element_id,
                        const json& vars) override {
    // Only where the tokens are: the history and the rest of instance() are not needed here.
    auto row = store_->instance(id);
    if (!row) return fail(row.error());
    if (!*row)
      return fail(Errc::NotFound,
                  "there is no process instance " + std::to_string(id) + " (see `elva instances`)");
    json active = json::array(), joins = json::array();
    if (auto r = active_elements(id, active, joins); !r) return fail(r.error());
    for (const auto& a : active) {
      if (a["element"] != element_id || !a["waiting"].get<bool>()) continue;
      if (auto r = processor_->command(
              id, runtime::CompleteWait{a["elementInstance"].get<std::uint64_t>(), vars});
          !r)
        return fail(r.error());
      return instance(id);
    }
    return fail(Errc::NotFound,
                "element '" + element_id + "' is not waiting in instance " + std::to_string(id));
  }

  void set_actor(const std::string& actor) override { processor_->set_actor(actor); }

  // Versions and operator actions (api/operations.cpp).
  Result<json> versions(const std::string& process_id) override {
    return ops_->versions(process_id);
  }
  Result<json> diff(const std::string& process_id, int from, int to) override {
    return ops_->diff(process_id, from, to);
  }
  Result<json> answered(Result<std::uint64_t> id) {
    if (!id) return fail(id.error());
    return instance(*id);
  }
  Result<json> modify(std::uint64_t id, const Modification& m) override {
    return answered(ops_->modify(id, m));
  }
  Result<json> complete_job(std::uint64_t job, const json& vars,
                            const std::string& reason) override {
    return answered(ops_->complete_job(job, vars, reason));
  }
  Result<json> fail_job(std::uint64_t job, const std::string& message, int retries_left,
                        const std::string& reason) override {
    return answered(ops_->fail_job(job, message, retries_left, reason));
  }
  Result<json> set_job_retries(std::uint64_t job, int retries, bool resolve,
                               const std::string& reason) override {
    std::uint64_t new_job = 0;
    auto out = answered(ops_->set_job_retries(job, retries, resolve, reason, new_job));
    if (out) (*out)["job"] = new_job;
    return out;
  }
  Result<json> set_variables(std::uint64_t id, const json& vars, const std::string& scope,
                             const std::string& reason) override {
    return answered(ops_->set_variables(id, vars, scope, reason));
  }
  Result<json> remove_variables(std::uint64_t id, const std::vector<std::string>& names,
                                const std::string& scope, const std::string& reason) override {
    return answered(ops_->remove_variables(id, names, scope, reason));
  }

  // The definition row of a process's version (0: the latest) and its JSON without the source.
  Result<std::pair<std::int64_t, json>> find_definition(const std::string& process_id,
                                                        int version) {
    auto rows = store_->definitions();
    if (!rows) return fail(rows.error());
    std::int64_t id = 0;
    json out;
    for (const auto& d : *rows) {
      if (d.process_id != process_id || (version && d.version != version)) continue;
      if (!out.is_null() && out["version"].get<int>() > d.version) continue;
      id = d.id;
      out = {{"process", d.process_id},
             {"version", d.version},
             {"name", d.name},
             {"file", d.file},
             {"deployedAt", d.deployed_at}};
    }
    if (out.is_null()) {
      return fail(Errc::NotFound,
                  "process '" + process_id + "'" +
                      (version ? " version " + std::to_string(version) : std::string()) +
                      " is not deployed");
    }
    return std::make_pair(id, std::move(out));
  }

  Result<json> definition(const std::string& process_id, int version) override {
    auto found = find_definition(process_id, version);
    if (!found) return fail(found.error());
    auto& [id, out] = *found;
    auto tx = store_->begin();
    if (!tx) return fail(tx.error());
    auto row = (*tx)->definition(id);
    if (!row) return fail(row.error());
    out["source"] = *row ? (*row)->source : "";
    return std::move(out);
  }

  Result<json> processes() override { return store_->process_overview(); }

  Result<json> element_counts(const std::string& process_id, int version) override {
    auto found = find_definition(process_id, version);
    if (!found) return fail(found.error());
    auto counts = store_->element_counts(process_id, found->first);
    if (!counts) return fail(counts.error());
    return json{{"process", process_id},
                {"version", found->second["version"]},
                {"elements", std::move(*counts)}};
  }

  Result<json> search_instances(const json& query) override {
    auto q = api::instance_search(query);
    if (!q) return fail(q.error());
    auto rows = store_->search_instances(*q);
    if (!rows) return fail(rows.error());
    json out = {{"items", json::array()}, {"limit", q->limit}, {"offset", q->offset}};
    for (const auto& i : *rows) out["items"].push_back(instance_json(i));
    return out;
  }

  Result<json> jobs(std::uint64_t instance) override {
    auto rows = store_->jobs(instance);
    if (!rows) return fail(rows.error());
    json out = json::array();
    const std::int64_t now = iso8601::now_millis();
    for (const auto& j : *rows) {
      const bool locked = !j.locked_by.empty() && j.lock_until > now;
      out.push_back({{"key", j.key},
                     {"instance", j.instance_id},
                     {"type", j.type},
                     {"element", j.element_id},
                     {"retries", j.retries},
                     {"due", iso8601::format_utc(j.due)},
                     {"lockedBy", locked ? json(api::lock_worker(j.locked_by)) : json()},
                     {"lockedByAccount", locked && !api::lock_account(j.locked_by).empty()
                                             ? json(api::lock_account(j.locked_by))
                                             : json()},
                     {"lockedUntil", locked ? json(iso8601::format_utc(j.lock_until)) : json()}});
    }
    return out;
  }

  Result<json> import_users(const json& users) override { return people_->import_users(users); }
  Result<json> users() override { return people_->users(); }
  Result<json> login(const std::string& user, const std::string& password,
                     std::int64_t ttl_ms) override {
    return people_->login(user, password, ttl_ms);
  }
  Result<Principal> authenticate(const std::string& token) override {
    return people_->authenticate(token);
  }
  Result<Principal> authenticate_password(const std::string& user,
                                          const std::string& password) override {
    return people_->authenticate_password(user, password);
  }
  Result<Credentials> credentials(const std::string& user) override {
    return people_->credentials(user);
  }
  Result<json> open_session(const Principal& who, std::int64_t ttl_ms) override {
    return people_->open_session(who, ttl_ms);
  }
  Result<json> create_token(const std::string& user, const std::string& name,
                            std::int64_t ttl_ms) override {
    return people_->create_token(user, name, ttl_ms);
  }
  Result<void> logout(const std::string& token) override { return people_->logout(token); }
  Result<json> tokens(const std::string& user) override {
    auto rows = store_->tokens(user, iso8601::now_millis());
    if (!rows) return fail(rows.error());
    json out = json::array();
    for (const auto& t : *rows) {
      out.push_back({{"id", t.id},
                     {"user", t.user_id},
                     {"kind", t.kind},
                     {"name", t.name},
                     {"createdAt", t.created_at},
                     {"expiresAt", t.expires_at.empty() ? json() : json(t.expires_at)},
                     {"expired", t.expired}});
    }
    return out;
  }
  Result<void> revoke_token(const std::string& id) override {
    auto gone = store_->revoke_token(id);
    if (!gone) return fail(gone.error());
    if (!*gone)
      return fail(Errc::NotFound,
                  "there is no token with that id (an id is the 16 characters `elva users tokens` "
                  "or GET /api/tokens shows, not the token itself)");
    return {};
  }
  Result<json> tasks(const Principal& who, const json& query) override {
    return people_->tasks(who, query);
  }
  Result<json> task(const Principal& who, std::uint64_t key) override {
    auto out = people_->task(who, key);
    if (!out || !out->contains("variables") || (*out)["variables"].empty()) return out;
    // Whoever may open the task reads what it shows; the read of personal and sensitive values
    // is recorded (docs/privacy.md#access-log).
    const auto instance = (*out)["instance"].get<std::uint64_t>();
    auto row = store_->instance(instance);
    if (!row) return fail(row.error());
    if (!*row) return out;
    json view = {{"variables", (*out)["variables"]}};
    if (auto r = guard_values(view, (*row)->definition_id, instance, "user:" + who.user, true,
                              "task " + std::to_string(key));
        !r)
      return fail(r.error());
    return out;
  }
  Result<json> claim(const Principal& who, std::uint64_t key, int expected) override {
    return people_->claim(who, key, expected);
  }
  Result<json> unclaim(const Principal& who, std::uint64_t key) override {
    return people_->unclaim(who, key);
  }
  Result<json> delegate(const Principal& who, std::uint64_t key, const std::string& to) override {
    return people_->delegate(who, key, to);
  }
  Result<json> complete_task(const Principal& who, std::uint64_t key, const json& data,
                             int expected_revision) override {
    return people_->complete_task(who, key, data, expected_revision);
  }
  Result<json> form(const std::string& key) override { return people_->form(key); }
  Result<json> fetch_and_lock(const Principal& who, const json& request) override {
    return people_->fetch_and_lock(who, request);
  }
  Result<void> complete_external(const Principal& who, std::uint64_t job, const std::string& worker,
                                 const json& variables) override {
    return people_->complete_external(who, job, worker, variables);
  }
  Result<void> fail_external(const Principal& who, std::uint64_t job, const std::string& worker,
                             const std::string& message, int retries,
                             std::int64_t retry_timeout_ms) override {
    return people_->fail_external(who, job, worker, message, retries, retry_timeout_ms);
  }
  Result<void> bpmn_error_external(const Principal& who, std::uint64_t job,
                                   const std::string& worker, const std::string& code,
                                   const json& variables) override {
    return people_->bpmn_error_external(who, job, worker, code, variables);
  }
  Result<void> extend_lock(const Principal& who, std::uint64_t job, const std::string& worker,
                           std::int64_t duration_ms) override {
    return people_->extend_lock(who, job, worker, duration_ms);
  }
  Result<void> unlock_external(const Principal& who, std::uint64_t job) override {
    return people_->unlock_external(who, job);
  }
  Result<void> may_start(const Principal& who, const std::string& process_id) override {
    return people_->may_start(who, process_id);
  }
  Result<json> startable(const Principal& who) override { return people_->startable(who); }
  Result<json> start_form(const Principal& who, const std::string& process_id) override {
    return people_->start_form(who, process_id);
  }
  Result<json> start_as(const Principal& who, const std::string& process_id, const json& variables,
                        const std::string& business_key) override {
    return people_->start_as(who, process_id, variables, business_key);
  }
  Result<json> requests(const Principal& who, const std::string& status) override {
    return people_->requests(who, status);
  }
  Result<json> withdraw(const Principal& who, std::uint64_t instance) override {
    return people_->withdraw(who, instance);
  }
  Result<json> prompt_settings(const Principal& who) override {
    return people_->prompt_settings(who);
  }
  Result<json> set_prompt_settings(const Principal& who, const json& settings) override {
    return people_->set_prompt_settings(who, settings);
  }
  const std::string& database_url() const override { return url_; }

  Result<json> missing_configuration() override {
    auto missing = exec::missing_connectors(*store_, *processor_,
                                            connectors_ ? *connectors_ : *sched::builtin_registry(),
                                            exec::Versions::InUse);
    if (!missing) return fail(missing.error());
    json out = json::array();
    for (const auto& m : *missing) {
      out.push_back({{"jobType", m.job_type},
                     {"connector", m.connector},
                     {"connectorMissing", m.connector_missing},
                     {"processes", m.processes}});
    }
    return out;
  }

  Result<json> history_cleanup(const HistoryCleanup& h) override {
    auto store = store::connect_retention_store(url_);
    if (!store) return fail(store.error());
    auto rules = privacy::retention_rules(**store);
    if (!rules) return fail(rules.error());
    privacy::CleanupOptions o;
    o.dry_run = h.dry_run;
    o.batch = h.batch;
    o.max_batches = h.max_batches;
    o.now_ms = h.now_ms;
    o.actor = actor_;
    return privacy::run_cleanup(**store, *rules, o);
  }

  // A data subject's cases (docs/privacy.md#erasure-on-request-elva-privacy-erase): in every
  // deployed definition that declares a subject variable and personal or sensitive ones, the
  // instances whose subject variable is `subject`. `task_names` (may be null) gets the user
  // tasks' names as the BPMN writes them ("process/element" -> name).
  struct SubjectCase {
    std::int64_t id = 0;
    bool active = false;
    std::string process_id;
    std::vector<std::string> present;            // its classed variables that have values
    std::map<std::string, std::string> classes;  // the definition's classed variables
  };
  Result<std::vector<SubjectCase>> subject_cases(store::RetentionStore& store,
                                                 const std::string& subject, json* task_names) {
    auto defs = store.deployed_definitions();
    if (!defs) return fail(defs.error());
    std::vector<SubjectCase> out;
    for (const auto& d : *defs) {
      auto read = parse::read_bpmn(d.file, d.source, 16u << 20);
      if (!read.definitions) continue;
      const auto* p = read.definitions->find_process(d.process_id);
      if (!p) continue;
      const auto m = privacy::map_process(*p, d.file, nullptr);
      std::vector<std::string> erase, subjects;
      const auto classes = protected_classes(m);
      for (const auto& v : m.variables)
        if (v.subject) subjects.push_back(v.variable);
      for (const auto& [name, cls] : classes) erase.push_back(name);
      if (subjects.empty() || erase.empty()) continue;
      if (task_names) {
        for (const auto& e : p->elements)
          if (e.as<model::UserTaskSpec>()) (*task_names)[p->id + "/" + e.id] = e.name;
      }
      for (const auto& var : subjects) {
        auto hits = store.subject_instances({d.id}, var, subject, erase);
        if (!hits) return fail(hits.error());
        for (const auto& h : *hits)
          out.push_back({h.id, h.active, d.process_id, h.present, classes});
      }
    }
    return out;
  }

  Result<json> privacy_access_log(const std::string& subject, bool values) override {
    if (subject.empty()) return fail(Errc::InvalidArgument, "no subject given");
    auto store = store::connect_retention_store(url_);
    if (!store) return fail(store.error());
    auto cases = subject_cases(**store, subject, nullptr);
    if (!cases) return fail(cases.error());
    json out = {{"cases", json::array()}, {"reads", json::array()}};
    std::vector<std::int64_t> ids;
    for (const auto& c : *cases) {
      ids.push_back(c.id);
      auto row = store_->instance(static_cast<std::uint64_t>(c.id));
      if (!row) return fail(row.error());
      json item = {{"instance", c.id},
                   {"process", c.process_id},
                   {"status", *row ? (*row)->status : "removed"},
                   {"held", json::array()}};
      for (const auto& name : c.present)
        item["held"].push_back({{"variable", name}, {"class", c.classes.at(name)}});
      if (values && *row && !c.present.empty()) {
        item["values"] = json::object();
        for (const auto& name : c.present)
          if ((*row)->variables.contains(name)) item["values"][name] = (*row)->variables[name];
        if (auto r = store_->record_access(actor_, static_cast<std::uint64_t>(c.id), c.present,
                                           "privacy access-log");
            !r)
          return fail(r.error());
      }
      out["cases"].push_back(std::move(item));
    }
    auto reads = store_->access_rows(ids);
    if (!reads) return fail(reads.error());
    out["reads"] = std::move(*reads);
    return out;
  }

  Result<json> privacy_erase(const std::string& subject, const std::string& reason) override {
    if (reason.empty())
      return fail(Errc::InvalidArgument, "an erasure needs a reason (the request it answers)");
    if (subject.empty()) return fail(Errc::InvalidArgument, "no subject given");
    auto store = store::connect_retention_store(url_);
    if (!store) return fail(store.error());
    store::RetentionStore::Erasure ended, running;
    std::set<std::string> names;
    json task_names = json::object();
    std::vector<std::pair<std::int64_t, std::vector<std::string>>> active;
    auto cases = subject_cases(**store, subject, &task_names);
    if (!cases) return fail(cases.error());
    for (const auto& c : *cases) {
      for (const auto& [name, cls] : c.classes) names.insert(name);
      ended.instances.push_back(c.id);
      if (c.active)
        active.emplace_back(c.id, c.present);
      else
        ended.ended.push_back(c.id);
    }
    // Running instances: the values leave through the runtime (the snapshot stays consistent,
    // "variables removed" is audited), then an incident stops the case where a person decides.
    json running_ids = json::array();
    for (const auto& [id, present] : active) {
      if (!present.empty()) {
        auto r = processor_->command(static_cast<store::Key>(id),
                                     runtime::RemoveVariables{0, present, reason});
        if (!r) return fail(r.error());
      }
      auto r = processor_->command(
          static_cast<store::Key>(id),
          runtime::Quarantine{0,
                              "personal data of this case was erased on request; the process "
                              "may still need it: set what it needs or cancel the case",
                              0, 0});
      if (!r) return fail(r.error());
      running_ids.push_back(id);
    }
    ended.names.assign(names.begin(), names.end());
    ended.task_names = std::move(task_names);
    ended.actor = actor_;
    ended.reason = reason;
    json counts = json::object();
    if (!ended.instances.empty()) {
      auto c = (*store)->erase_values(ended);
      if (!c) return fail(c.error());
      counts = *c;
    }
    json receipt = {{"instances", ended.instances},
                    {"running", running_ids},
                    {"variables", ended.names},
                    {"counts", counts}};
    auto id = (*store)->record_erasure(actor_, reason, receipt);
    if (!id) return fail(id.error());
    receipt["receipt"] = *id;
    return receipt;
  }

  Result<json> privacy_report() override {
    auto store = store::connect_retention_store(url_);
    if (!store) return fail(store.error());
    auto defs = (*store)->deployed_definitions();
    if (!defs) return fail(defs.error());
    std::map<std::string, const store::RetentionStore::DeployedDefinition*> latest;
    for (const auto& d : *defs) {
      auto& l = latest[d.process_id];
      if (!l || l->version < d.version) l = &d;
    }
    auto& rs = **store;
    privacy::FormLookup forms = [&rs](const std::string& key) -> json {
      auto schema = rs.form_schema(key);
      return schema ? *schema : json();
    };
    json processes = json::array();
    for (const auto& [id, d] : latest) {
      auto read = parse::read_bpmn(d->file, d->source, 16u << 20);
      if (!read.definitions) continue;
      for (const auto& p : read.definitions->processes) {
        if (p.id != id) continue;
        json j = privacy::to_json(privacy::map_process(p, d->file, forms));
        j["version"] = d->version;
        processes.push_back(std::move(j));
      }
    }
    return json{{"processes", std::move(processes)}};
  }

  Result<void> serve(const ServeOptions& options) override {
    sched::SchedulerOptions s;
    s.node = options.node;
    if (s.node.empty()) {
      char host[256] = {};
      gethostname(host, sizeof host - 1);
      s.node = std::string(host) + ":" + std::to_string(getpid());
    }
    s.workers = options.workers;
    s.tenant = options.tenant;
    s.limits = runtime_limits();
    s.calendar = calendar_;
    s.lease_ms = options.lease_ms;
    s.poll_ms = options.poll_ms;
    s.stop = options.stop;
    if (!options.quiet)
      s.log = [](const std::string& line) {
        if (log::enabled())
          log::line(line);
        else
          std::fprintf(stderr, "elva serve: %s\n", line.c_str());
      };
    std::thread prompter;
    if (!options.prompt_connector.empty()) {
      auto mail = connectors_ ? connectors_->find(options.prompt_connector) : nullptr;
      if (!mail)
        return fail(Errc::InvalidArgument, "task prompts: there is no connector '" +
                                               options.prompt_connector +
                                               "' ([notifications] connector)");
      sched::PromptOptions p;
      p.mail = mail;
      p.tasklist_url = options.tasklist_url;
      p.templates = options.prompt_templates;
      p.policy.time_zone =
          options.prompt_time_zone.empty() ? sched::system_time_zone() : options.prompt_time_zone;
      p.policy.quiet_hours = options.prompt_quiet_hours;
      p.policy.digest_at = options.prompt_digest_at;
      p.policy.remind_before = options.prompt_remind_before;
      if (auto r = sched::check_policy(p.policy); !r) return fail(r.error());
      p.stop = options.stop;
      p.log = s.log;
      prompter = std::thread([url = url_, p] { sched::run_prompter(url, p); });
    }
    std::thread retention;
    if (options.cleanup_interval_ms > 0) {
      sched::RetentionLoopOptions r;
      r.interval_ms = options.cleanup_interval_ms;
      r.batch = options.cleanup_batch;
      r.actor = "scheduler:" + s.node;
      r.stop = options.stop;
      r.log = s.log;
      retention = std::thread([url = url_, r] { sched::run_retention_loop(url, r); });
    }
    auto r = connectors_ ? sched::run_scheduler(url_, *connectors_, s)
                         : sched::run_scheduler(url_, *sched::builtin_registry(), s);
    if (prompter.joinable()) prompter.join();
    if (retention.joinable()) retention.join();
    return r;
  }

 private:
  std::string url_;
  bool embedded_;
  std::string home_;
  bool started_;
  std::string actor_;
  std::shared_ptr<const connector::Registry> connectors_;
  Limits limits_;
  std::shared_ptr<const calendar::Calendar> calendar_;
  std::unique_ptr<store::PgStore> store_;
  std::map<std::int64_t, std::map<std::string, std::string>> classed_;  // classed_of's cache
  std::unique_ptr<exec::Processor> processor_;
  std::shared_ptr<CommitGroup> group_;
  sched::CommandQueue* queue_ = nullptr;  // group_'s, when there is one
  std::unique_ptr<api::PeopleApi> people_;
  std::unique_ptr<api::Operations> ops_;
};

}  // namespace

Result<std::unique_ptr<Engine>> Engine::open(const EngineOptions& options) {
  std::string url = options.database_url;
  if (url.empty()) {
    if (const char* env = std::getenv("ELVA_DATABASE_URL"); env && *env) url = env;
  }
  std::unique_ptr<DurableEngine> engine;
  if (url.empty()) {
    const std::string home = store::elva_home();
    auto cluster = store::ensure_embedded_cluster(home);
    if (!cluster) return fail(cluster.error());
    engine = std::make_unique<DurableEngine>(cluster->url, true, home, cluster->started,
                                             options.actor, options.connectors);
  } else {
    engine =
        std::make_unique<DurableEngine>(url, false, "", false, options.actor, options.connectors);
  }
  engine->set_limits(options.limits);
  auto cal = calendar::configured(options.calendar.rules, options.calendar.days_off);
  if (!cal) return fail(cal.error());
  engine->set_calendar(std::make_shared<const calendar::Calendar>(std::move(*cal)));
  engine->set_commit_group(options.commit_group);
  if (auto r = engine->connect(options.require_schema); !r) return fail(r.error());
  return std::unique_ptr<Engine>(std::move(engine));
}

}  // namespace elva
