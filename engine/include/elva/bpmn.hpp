// Reading, validating and inspecting BPMN files: the API behind `elva validate` and
// `elva inspect`. All functions are thread-safe (they share no state) and never throw for bad
// input: a broken file is a report full of diagnostics, not an exception.
#pragma once

#include <cstddef>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "elva/diagnostic.hpp"
#include "elva/result.hpp"

namespace elva {

struct ReadOptions {
  // Files above this size are refused unread: a process model is kilobytes, not megabytes.
  std::size_t max_file_bytes = 16u << 20;
  // A timer cycle written in an executable process that repeats more often than this is an
  // error, as `elva deploy` and `elva serve` refuse it (Limits::min_timer_cycle_ms). 0: no check.
  std::int64_t min_timer_cycle_ms = 1'000;
};

struct FileReport {
  std::string file;
  bool valid = false;    // no errors (warnings allowed)
  std::string io_error;  // non-empty when the file could not be read at all
  std::vector<Diagnostic> errors;
  std::vector<Diagnostic> warnings;
};

// Expands directories (recursively: BPMN and DMN files by the names tools give them, *.bpmn,
// *.bpmn2, *.bpmn20.xml, *.dmn, *.dmn11.xml ...) and keeps files as given, in a stable order.
// Errors: NotFound for a path that does not exist.
// With `with_forms`, form files (.form, .form.json) found in directories are included too (for
// deploy).
Result<std::vector<std::string>> expand_bpmn_paths(const std::vector<std::string>& paths,
                                                   bool with_forms = false);

// Reads and validates every file. Call activities may refer to processes in any of the files.
// One report per file, in the order given.
std::vector<FileReport> validate_files(const std::vector<std::string>& files,
                                       const ReadOptions& options = {});

// Reads one file and describes it as JSON: processes with their elements, sequence flows, lanes
// and data, messages, signals, errors, escalations, collaborations, and the file's diagnostics.
// Errors: NotFound/InvalidArgument when the file cannot be read; ParseError when it is not a
// BPMN document at all (message has file:line:col).
Result<nlohmann::json> inspect_file(const std::string& file, const ReadOptions& options = {});

// What changed from file `from` to file `to` (developers, before deploying): added, removed and
// changed elements and flows by id, with the aspects that changed (docs/operations.md#versions).
// `process_id` picks the process when a file has several executable ones (else: the one
// executable process, or the only process). Errors: NotFound/InvalidArgument when a file cannot
// be read or has no such process; ParseError (file:line:col) when it is not BPMN.
Result<nlohmann::json> diff_files(const std::string& from, const std::string& to,
                                  const std::string& process_id = "",
                                  const ReadOptions& options = {});

}  // namespace elva
