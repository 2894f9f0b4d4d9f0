// Data classes (docs/privacy.md): what a process variable holds, declared by the process
// developer with <elva:data name="employee" class="personal" retention="P5Y"/>, and what
// retention and the records of processing (`elva privacy report`) are built from.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "elva/diagnostic.hpp"

namespace elva::model {

// personal: about a person (name, address, e-mail); sensitive: special categories and personal
// identity numbers (personnummer, fødselsnummer); record: part of the public record (kept as the
// archive rules say); working: may go when the case ends.
enum class DataClass { Personal, Sensitive, Record, Working };

inline std::string_view data_class_name(DataClass c) noexcept {
  switch (c) {
    case DataClass::Personal:
      return "personal";
    case DataClass::Sensitive:
      return "sensitive";
    case DataClass::Record:
      return "record";
    case DataClass::Working:
      return "working";
  }
  return "";
}

inline std::optional<DataClass> data_class_from(std::string_view name) noexcept {
  if (name == "personal") return DataClass::Personal;
  if (name == "sensitive") return DataClass::Sensitive;
  if (name == "record") return DataClass::Record;
  if (name == "working") return DataClass::Working;
  return std::nullopt;
}

// One <elva:data> of a process: a top-level process variable and its class.
struct DataDeclaration {
  std::string variable;
  DataClass data_class = DataClass::Personal;
  // ISO 8601 duration counted from the end of the case after which the value is removed ("" =
  // the process's retention; a working value without one goes when the case ends).
  std::string retention;
  bool subject = false;  // the variable identifies the data subject (erasure by subject)
  std::string purpose;   // why it is processed (records of processing)
  SourcePos pos;
};

}  // namespace elva::model
