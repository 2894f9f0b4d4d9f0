// The server log: one line per notable thing (an incident, a job retry, a lease that ran out, the
// database going away and coming back), as text (the default) or as JSON lines for a log
// collector (`elva serve --log-format json`). Off until a server turns it on, so that the CLI's
// verbs and `elva test` stay quiet. Lines hold ids, names and counts, never variable values.
// Thread-safe: a line is written whole (one write to stderr under a mutex).
#pragma once

#include <map>
#include <string>

namespace elva::log {

enum class Format { Text, Json };
enum class Level { Info, Warning, Error };

// Turns the log on (to stderr) in this format. "text" and "json" are the names --log-format takes.
void enable(Format format);
bool enabled();
Format format();

// One line. `event` names what happened ("incident", "job retry", "lease expired", "database
// unavailable", "database reachable"); `message` is the text line (after "elva serve: ");
// `fields` are extra JSON members (ids and names only). Nothing happens while the log is off.
void event(Level level, const std::string& event, const std::string& message,
           const std::map<std::string, std::string>& fields = {});
// A plain line (the server's start-up and other messages): event "message".
void line(const std::string& message);

}  // namespace elva::log
