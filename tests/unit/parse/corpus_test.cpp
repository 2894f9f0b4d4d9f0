// Every MIWG reference model (files made by other tools) is read without a crash, and what is
// read matches the corpus's own element counts. The id-by-id comparison with the reference
// reader bpmn-moddle runs in tests/peers/moddle_compare.js.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/bpmn_fixture.hpp"

using namespace elva;
namespace fs = std::filesystem;

namespace {
fs::path corpus_dir() {
  const char* src = std::getenv("ELVA_SOURCE_DIR");
  return fs::path(src ? src : ".") / "tests" / "data" / "miwg";
}
std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}
}  // namespace

TEST_CASE("every MIWG reference model is read", "[parse][corpus]") {
  const auto dir = corpus_dir();
  if (!fs::exists(dir))
    FAIL("MIWG corpus not found at " << dir << " (tests/data/miwg in the repository)");
  std::size_t files = 0, processes = 0, elements = 0, flows = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".bpmn") continue;
    INFO(entry.path().filename().string());
    auto r = test::read_xml(slurp(entry.path()));
    REQUIRE(r.result.definitions);
    ++files;
    for (const auto& p : r.defs().processes) {
      ++processes;
      elements += p.elements.size();
      flows += p.flows.size();
    }
  }
  CHECK(files == 21);
  CHECK(processes == 37);  // MIWG README: 37 <process> elements in 21 files
  CHECK(flows == 436);     // and 436 <sequenceFlow>
  CHECK(elements > 400);
}

TEST_CASE("C.8.0 binds BPMN to four prefixes and is still read fully", "[parse][corpus]") {
  const auto path = corpus_dir() / "C.8.0.bpmn";
  if (!fs::exists(path)) FAIL("missing " << path);
  auto r = test::read_xml(slurp(path));
  REQUIRE(r.result.definitions);
  std::size_t flows = 0;
  for (const auto& p : r.defs().processes) flows += p.flows.size();
  CHECK(flows > 0);
}

TEST_CASE("inputs the fuzzer once crashed on are read and described without a crash",
          "[parse][fuzz]") {
  const char* src = std::getenv("ELVA_SOURCE_DIR");
  const auto dir = fs::path(src ? src : ".") / "tests" / "data" / "fuzz-regressions";
  std::size_t n = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    INFO(entry.path().filename().string());
    auto r = test::read_xml(slurp(entry.path()));
    CHECK_FALSE(r.all.empty());  // each of them is broken in some way
    ++n;
  }
  CHECK(n >= 1);
}
