// The server log (elva/log.hpp).
#include "elva/log.hpp"

#include <atomic>
#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>

#include "common/iso8601.hpp"

namespace elva::log {
namespace {

std::atomic<bool> g_enabled{false};
std::atomic<Format> g_format{Format::Text};
std::mutex g_mutex;

const char* level_name(Level l) {
  switch (l) {
    case Level::Info:
      return "info";
    case Level::Warning:
      return "warning";
    case Level::Error:
      return "error";
  }
  return "info";
}

}  // namespace

void enable(Format f) {
  g_format = f;
  g_enabled = true;
}
bool enabled() { return g_enabled.load(); }
Format format() { return g_format.load(); }

void event(Level level, const std::string& name, const std::string& message,
           const std::map<std::string, std::string>& fields) {
  if (!g_enabled.load(std::memory_order_relaxed)) return;
  std::string out;
  if (g_format.load() == Format::Json) {
    nlohmann::json j = {{"time", iso8601::format_utc(iso8601::now_millis())},
                        {"level", level_name(level)},
                        {"event", name},
                        {"message", message}};
    for (const auto& [k, v] : fields) j[k] = v;
    // Invalid UTF-8 (it should never come) is replaced rather than throwing here.
    out = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  } else {
    out = "elva serve: " + message + "\n";
  }
  std::lock_guard<std::mutex> lock(g_mutex);
  std::fwrite(out.data(), 1, out.size(), stderr);
  std::fflush(stderr);
}

void line(const std::string& message) { event(Level::Info, "message", message); }

}  // namespace elva::log
