// start_many DATABASE_URL PROCESS N [VARS_JSON]: starts N instances of PROCESS (each with
// {"n": i} merged into VARS), for the durability tests and benchmarks. Prints the seconds taken.
#include <chrono>
#include <cstdio>
#include <string>

#include "elva/engine.hpp"

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: start_many DATABASE_URL PROCESS N [VARS_JSON]\n");
    return 2;
  }
  elva::EngineOptions options;
  options.database_url = argv[1];
  options.actor = "start_many";
  auto engine = elva::Engine::open(options);
  if (!engine) {
    std::fprintf(stderr, "start_many: %s\n", engine.error().message.c_str());
    return 3;
  }
  nlohmann::json vars = argc > 4 ? nlohmann::json::parse(argv[4]) : nlohmann::json::object();
  const int n = std::stoi(argv[3]);
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 1; i <= n; ++i) {
    vars["n"] = i;
    if (auto r = (*engine)->start(argv[2], vars, ""); !r) {
      std::fprintf(stderr, "start_many: instance %d: %s\n", i, r.error().message.c_str());
      return 1;
    }
  }
  std::printf("%.3f\n",
              std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  return 0;
}
