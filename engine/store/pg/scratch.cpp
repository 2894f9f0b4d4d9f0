// Throwaway databases (scratch.hpp).
#include "store/pg/scratch.hpp"

#include <libpq-fe.h>

#include <pqxx/pqxx>

#include "store/pg/pg_errors.hpp"

namespace elva::store {
namespace {

// The URL's connection parameters with another database: a keyword=value string.
Result<std::string> with_database(const std::string& url, const std::string& name) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  if (!options) {
    std::string why = error ? error : "unreadable";
    PQfreemem(error);
    return fail(Errc::InvalidArgument, "the database URL cannot be read: " + why);
  }
  auto quote = [](const std::string& v) {
    std::string out = "'";
    for (char c : v) {
      if (c == '\'' || c == '\\') out += '\\';
      out += c;
    }
    return out + "'";
  };
  std::string out;
  for (auto* o = options; o->keyword; ++o) {
    if (std::string(o->keyword) == "dbname" || !o->val || !*o->val) continue;
    out += std::string(o->keyword) + "=" + quote(o->val) + " ";
  }
  PQconninfoFree(options);
  return out + "dbname=" + quote(name);
}

}  // namespace

Result<std::string> create_scratch_database(const std::string& url, const std::string& name) {
  auto target = with_database(url, name);
  if (!target) return fail(target.error());
  return guarded(url, [&]() -> Result<std::string> {
    pqxx::connection conn(url);
    pqxx::nontransaction t(conn);
    t.exec("DROP DATABASE IF EXISTS " + t.quote_name(name));
    t.exec("CREATE DATABASE " + t.quote_name(name));
    return *target;
  });
}

Result<void> drop_scratch_database(const std::string& url, const std::string& name) {
  return guarded(url, [&]() -> Result<void> {
    pqxx::connection conn(url);
    pqxx::nontransaction t(conn);
    t.exec("DROP DATABASE IF EXISTS " + t.quote_name(name));
    return {};
  });
}

}  // namespace elva::store
