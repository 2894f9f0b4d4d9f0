// libFuzzer entry: any bytes through the reader, the validator and the inspect JSON. The
// reader must never crash, hang or leak, whatever it is given.
#include <cstddef>
#include <cstdint>
#include <string>

#include "api/inspect_json.hpp"
#include "parse/reader.hpp"
#include "parse/validate.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  auto read = elva::parse::read_bpmn("fuzz.bpmn", std::move(bytes), 1u << 20);
  if (read.definitions) {
    auto diagnostics = elva::parse::validate(*read.definitions);
    auto across = elva::parse::validate_across({read.definitions.get()});
    auto json = elva::api::to_json(*read.definitions);
    (void)json.dump();
    for (const auto& d : diagnostics) (void)d.to_string();
  }
  return 0;
}
