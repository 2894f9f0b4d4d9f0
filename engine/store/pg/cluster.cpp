// Embedded cluster management: initdb, pg_ctl start/stop, createdb, run as `postgres` when root.
#include "store/pg/cluster.hpp"

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "store/pg/subprocess.hpp"

namespace elva::store {
namespace {

namespace fs = std::filesystem;

bool is_root() { return geteuid() == 0; }

// The newest /usr/lib/postgresql/<n>/bin that has initdb.
std::string server_bin() {
  std::vector<std::pair<int, std::string>> found;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    const auto bin = e.path() / "bin";
    if (!fs::exists(bin / "initdb")) continue;
    try {
      found.emplace_back(std::stoi(e.path().filename().string()), bin.string());
    } catch (...) {
    }
  }
  if (found.empty()) return {};
  std::sort(found.begin(), found.end());
  return found.back().second;
}

// Runs argv (as `postgres` when root), output appended to `log`; returns the exit status.
int run(std::vector<std::string> argv, const std::string& log) {
  if (is_root()) argv.insert(argv.begin(), {"runuser", "-u", "postgres", "--"});
  return run_program(argv, log, true);
}

// As root, gives `path` (a directory, or a file the server writes: created if missing) to the
// postgres user the cluster runs as.
Result<void> give_to_postgres(const fs::path& path) {
  if (!is_root()) return {};
  if (!fs::exists(path)) std::ofstream(path.string()).flush();
  const passwd* pw = getpwnam("postgres");
  if (!pw)
    return fail(Errc::StoreUnavailable,
                "running as root, the embedded database runs as the `postgres` user, which does "
                "not exist (apt-get install postgresql)");
  if (chown(path.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
    return fail(Errc::StoreUnavailable, "cannot give " + path.string() + " to the postgres user");
  }
  return {};
}

}  // namespace

std::string elva_home() {
  if (const char* h = std::getenv("ELVA_HOME"); h && *h) return h;
  if (is_root()) return "/var/lib/elva";
  if (const char* x = std::getenv("XDG_DATA_HOME"); x && *x) return std::string(x) + "/elva";
  if (const char* h = std::getenv("HOME"); h && *h) return std::string(h) + "/.local/share/elva";
  return "/tmp/elva-" + std::to_string(geteuid());
}

Result<EmbeddedCluster> ensure_embedded_cluster(const std::string& home) {
  const std::string bin = server_bin();
  if (bin.empty()) {
    return fail(
        Errc::StoreUnavailable,
        "no database given (--db or ELVA_DATABASE_URL) and PostgreSQL's server programs are not "
        "installed for the embedded one: apt-get install postgresql");
  }
  const fs::path base = fs::path(home) / "pg";
  const fs::path data = base / "data";
  const std::string log = (base / "server.log").string();
  std::error_code ec;
  fs::create_directories(base, ec);
  if (ec)
    return fail(Errc::StoreUnavailable, "cannot create " + base.string() +
                                            " for the embedded database: " + ec.message() +
                                            " (set ELVA_HOME to a writable directory)");
  fs::permissions(base, fs::perms::owner_all, ec);
  if (auto r = give_to_postgres(base); !r) return fail(r.error());
  if (auto r = give_to_postgres(log); !r) return fail(r.error());
  if (is_root()) {
    // The postgres user must be able to reach base: directories above it need o+x.
    for (fs::path p = fs::path(home); !p.empty() && p != p.root_path(); p = p.parent_path()) {
      struct stat st {};
      if (stat(p.c_str(), &st) == 0 && !(st.st_mode & S_IXOTH))
        chmod(p.c_str(), st.st_mode | S_IXOTH);
    }
  }
  EmbeddedCluster out;
  out.url = "postgresql:///elva?host=" + base.string() + "&user=elva";
  out.log = log;
  const bool fresh = !fs::exists(data / "PG_VERSION");
  if (fresh) {
    fs::remove_all(data, ec);
    if (run({bin + "/initdb", "-D", data.string(), "-U", "elva", "-A", "trust", "-E", "UTF8",
             "--locale=C.UTF-8"},
            log) != 0) {
      return fail(Errc::StoreUnavailable, "could not create the embedded database in " +
                                              data.string() + "; from " + log + ":" + tail(log, 8));
    }
  }
  if (run({bin + "/pg_ctl", "-D", data.string(), "status"}, "/dev/null") != 0) {
    const std::string options = "-c listen_addresses='' -c unix_socket_directories='" +
                                base.string() + "' -c unix_socket_permissions=0700";
    const int rc = run(
        {bin + "/pg_ctl", "-D", data.string(), "-l", log, "-w", "-t", "60", "-o", options, "start"},
        log);
    // Another elva may have started it at the same moment: fine if it runs now.
    if (rc != 0 && run({bin + "/pg_ctl", "-D", data.string(), "status"}, "/dev/null") != 0) {
      return fail(Errc::StoreUnavailable, "the embedded database in " + data.string() +
                                              " did not start; from " + log + ":" + tail(log, 8));
    }
    out.started = rc == 0;
  }
  if (fresh && run({bin + "/createdb", "-h", base.string(), "-U", "elva", "elva"}, log) != 0) {
    return fail(Errc::StoreUnavailable,
                "could not create the database `elva` in the embedded cluster; see " + log + ":" +
                    tail(log, 5));
  }
  return out;
}

Result<void> stop_embedded_cluster(const std::string& home) {
  const std::string bin = server_bin();
  if (bin.empty()) return {};
  const fs::path data = fs::path(home) / "pg" / "data";
  if (!fs::exists(data / "PG_VERSION")) return {};
  if (run({bin + "/pg_ctl", "-D", data.string(), "status"}, "/dev/null") != 0) return {};
  const std::string log = (fs::path(home) / "pg" / "server.log").string();
  if (run({bin + "/pg_ctl", "-D", data.string(), "-m", "fast", "-w", "-t", "60", "stop"}, log) !=
      0) {
    return fail(Errc::StoreUnavailable, "the embedded database did not stop; see " + log);
  }
  return {};
}

}  // namespace elva::store
