#include "commands/toml_json.hpp"

#include <toml++/toml.h>

#include <fstream>
#include <sstream>

namespace elva::cli {
namespace {

nlohmann::json to_json(const toml::node& node) {
  if (auto t = node.as_table()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [k, v] : *t) out[std::string(k.str())] = to_json(v);
    return out;
  }
  if (auto a = node.as_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& v : *a) out.push_back(to_json(v));
    return out;
  }
  if (auto s = node.as_string()) return s->get();
  if (auto i = node.as_integer()) return i->get();
  if (auto f = node.as_floating_point()) return f->get();
  if (auto b = node.as_boolean()) return b->get();
  std::ostringstream text;  // dates and times, as TOML writes them
  if (auto d = node.as_date())
    text << *d;
  else if (auto t = node.as_time())
    text << *t;
  else if (auto dt = node.as_date_time())
    text << *dt;
  return text.str();
}

}  // namespace

Result<nlohmann::json> read_toml_file(const std::string& path) {
  std::ifstream probe(path);
  if (!probe) return fail(Errc::InvalidArgument, path + ": cannot be read");
  try {
    return to_json(toml::parse_file(path));
  } catch (const toml::parse_error& e) {
    return fail(Errc::InvalidArgument, path + ":" + std::to_string(e.source().begin.line) + ":" +
                                           std::to_string(e.source().begin.column) + ": " +
                                           std::string(e.description()));
  }
}

}  // namespace elva::cli
