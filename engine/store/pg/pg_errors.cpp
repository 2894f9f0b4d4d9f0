// Store errors for people: what failed and what to do, never a raw SQL dump alone.
#include "store/pg/pg_errors.hpp"

#include <nlohmann/json.hpp>

namespace elva::store {

std::string redact(const std::string& url) {
  std::string out = url;
  // postgresql://user:secret@host/db -> postgresql://user:***@host/db; password=... -> password=***
  if (auto scheme = out.find("://"); scheme != std::string::npos) {
    auto at = out.find('@', scheme);
    auto colon = out.find(':', scheme + 3);
    if (at != std::string::npos && colon != std::string::npos && colon < at)
      out.replace(colon + 1, at - colon - 1, "***");
  }
  if (auto p = out.find("password="); p != std::string::npos) {
    auto end = out.find_first_of("& ", p);
    out.replace(p + 9, (end == std::string::npos ? out.size() : end) - p - 9, "***");
  }
  return out;
}

namespace {
std::string first_line(std::string s) {
  if (auto nl = s.find('\n'); nl != std::string::npos) s.resize(nl);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.pop_back();
  return s;
}
}  // namespace

Error store_error(const std::exception& e, const std::string& url) {
  if (dynamic_cast<const pqxx::broken_connection*>(&e)) {
    Error err{Errc::StoreUnavailable,
              "cannot reach the database " + redact(url) + ": " + first_line(e.what()) +
                  ". Check that PostgreSQL runs and the URL (--db or ELVA_DATABASE_URL) is right.",
              {}};
    return err;
  }
  // In libpqxx 6, serialization failures and deadlocks are not sql_errors.
  if (dynamic_cast<const pqxx::transaction_rollback*>(&e))
    return Error{Errc::Conflict, "concurrent change, retry", {}};
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) {
    const std::string state = sql->sqlstate();
    if (state == "40001" || state == "40P01")
      return Error{Errc::Conflict, "concurrent change (" + state + "), retry", {}};
    if (state.rfind("08", 0) == 0 || state == "57P01" || state == "57P02" || state == "57P03") {
      return Error{
          Errc::StoreUnavailable,
          "the database " + redact(url) + " went away (" + state + "): " + first_line(sql->what()),
          {}};
    }
    Error err{Errc::Internal, "the database refused a statement: " + first_line(sql->what()), {}};
    err.with("sqlstate", state);
    return err;
  }
  if (dynamic_cast<const pqxx::in_doubt_error*>(&e)) {
    return Error{Errc::StoreUnavailable,
                 "the connection broke while committing; the outcome is checked on retry",
                 {}};
  }
  if (dynamic_cast<const nlohmann::json::exception*>(&e)) {
    return Error{Errc::Internal, std::string("stored data could not be read: ") + e.what(), {}};
  }
  return Error{Errc::Internal, std::string("store: ") + first_line(e.what()), {}};
}

JobRow job_row(const pqxx::row& r) {
  JobRow j;
  j.key = static_cast<Key>(r[0].as<std::int64_t>());
  j.instance_id = static_cast<Key>(r[1].as<std::int64_t>());
  j.element_instance = static_cast<Key>(r[2].as<std::int64_t>());
  j.element_id = r[3].as<std::string>();
  j.type = r[4].as<std::string>();
  j.retries = r[5].as<int>();
  j.due = r[6].as<std::int64_t>();
  j.input = nlohmann::json::parse(r[7].as<std::string>());
  return j;
}

std::string text_array(const std::vector<std::string>& items) {
  std::string out = "{";
  for (std::size_t i = 0; i < items.size(); ++i) {
    std::string quoted = "\"";
    for (char c : items[i]) {
      if (c == '"' || c == '\\') quoted += '\\';
      quoted += c;
    }
    out += (i ? "," : "") + quoted + "\"";
  }
  return out + "}";
}

std::string key_array(const std::vector<Key>& keys) {
  std::string out = "{";
  for (std::size_t i = 0; i < keys.size(); ++i) out += (i ? "," : "") + std::to_string(keys[i]);
  return out + "}";
}

}  // namespace elva::store
