// A fresh PostgreSQL database per test, on the server scripts/test starts
// (ELVA_TEST_DATABASE_URL), dropped afterwards. Tests tagged [pg] use it; without the server
// they fail under CI and warn loudly elsewhere (pg.server_reachable says the same).
#pragma once

#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <string>

namespace elva::test {

class TestDatabase {
 public:
  TestDatabase() {
    const char* base = std::getenv("ELVA_TEST_DATABASE_URL");
    if (!base || !*base) {
      const char* ci = std::getenv("CI");
      if (ci && std::string(ci) == "true") FAIL("ELVA_TEST_DATABASE_URL is not set in CI");
      WARN("*** SKIPPED: no ELVA_TEST_DATABASE_URL; run the suite with scripts/test ***");
      return;
    }
    static std::atomic<int> counter{0};
    name_ = "elva_t_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
    base_ = base;
    psql("DROP DATABASE IF EXISTS " + name_);
    REQUIRE(psql("CREATE DATABASE " + name_) == 0);
    url = base_;
    const auto slash = url.find(":///") + 4;
    url.replace(slash, url.find('?') - slash, name_);
  }
  ~TestDatabase() {
    if (!name_.empty()) psql("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  }
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  bool available() const { return !url.empty(); }
  // Runs SQL on this test's database through psql; returns its output (trimmed).
  std::string query(const std::string& sql) const {
    const std::string cmd = "psql '" + url + "' -qAt -c \"" + sql + "\" 2>&1";
    std::string out;
    if (FILE* p = popen(cmd.c_str(), "r")) {
      char buf[4096];
      while (std::fgets(buf, sizeof buf, p)) out += buf;
      pclose(p);
    }
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
    return out;
  }

  std::string url;

 private:
  int psql(const std::string& sql) const {
    return std::system(("psql '" + base_ + "' -qAt -c '" + sql + "' >/dev/null 2>&1").c_str());
  }
  std::string base_, name_;
};

}  // namespace elva::test
