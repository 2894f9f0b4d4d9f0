// multipart/form-data request bodies (RFC 7578), as Camunda Modeler sends a deployment: fields
// and files by name. Hostile input gets an error, never a crash: parts are counted and bounded.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "elva/result.hpp"

namespace elva::server {

struct FormPart {
  std::string name;          // the form field
  std::string filename;      // "" for a plain field
  std::string content_type;  // "" when the part names none
  std::string body;
};

// Parts of `body` framed by the boundary of `content_type` ("multipart/form-data;
// boundary=..."). Errors (InvalidArgument) say what is wrong with the framing.
Result<std::vector<FormPart>> parse_multipart(std::string_view content_type, std::string_view body,
                                              std::size_t max_parts = 100);

}  // namespace elva::server
