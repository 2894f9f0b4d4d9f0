// Data classes at validation (docs/privacy.md): which variable names look like personal data,
// retention values, and the warnings for a process that uses such variables without declaring
// them (<elva:data name="..." class="personal|sensitive|record|working"/>).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/process.hpp"
#include "parse/read_context.hpp"

namespace elva::parse {

// What a name looks like: nothing, personal (name, address, e-mail, phone, in English, Swedish
// and Norwegian) or sensitive (personal identity numbers: personnummer, fødselsnummer, SSN).
// Judged on the words of a camelCase or snake_case name, so "className" is not an "ssn".
enum class Looks { Plain, Personal, Sensitive };
Looks looks_personal(std::string_view name);

// A retention as PostgreSQL and the cleanup take it: an ISO 8601 duration ("P5Y", "P180D",
// "PT12H"), or Camunda's historyTimeToLive in whole days ("180" -> "P180D"). nullopt when the
// text is neither.
std::optional<std::string> retention_interval(std::string_view text);

// Dotted variable paths an expression ("=employee.email") or a text's {{...}} refers to,
// string literals skipped: {"employee.email"}.
std::vector<std::string> variable_paths(std::string_view text);

// Warnings for process `p`: variables (in expressions, output targets, result variables,
// summaries, {{...}} in names) whose name or a field of it looks personal but that no
// <elva:data> declares; an executable process with personal data and no retention at all.
void check_data_classes(const model::ProcessDefinition& p, DiagnosticSink& sink);

}  // namespace elva::parse
