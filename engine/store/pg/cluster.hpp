// The embedded default database: a private PostgreSQL cluster under $ELVA_HOME, made with
// Debian's server binaries, listening only on a Unix socket (no TCP), started on demand.
// Run as root, the cluster runs as the unprivileged `postgres` system user, and $ELVA_HOME
// defaults to /var/lib/elva (a root-only home directory is not readable by that user).
#pragma once

#include <string>

#include "elva/result.hpp"

namespace elva::store {

// $ELVA_HOME, else /var/lib/elva for root, else $XDG_DATA_HOME/elva or ~/.local/share/elva.
std::string elva_home();

struct EmbeddedCluster {
  std::string url;       // postgresql:///elva?host=<socket dir>&user=elva
  bool started = false;  // this call started the server (so the caller stops it when done)
  std::string log;       // the server's log file, for messages
};

// Creates the cluster on first use and starts it when it is not running. Errors:
// StoreUnavailable naming what is missing (the server binaries, a writable $ELVA_HOME) and the
// log to read.
Result<EmbeddedCluster> ensure_embedded_cluster(const std::string& home);

// Stops the cluster under `home` (fast shutdown: open transactions roll back). Quiet when it
// does not run.
Result<void> stop_embedded_cluster(const std::string& home);

}  // namespace elva::store
