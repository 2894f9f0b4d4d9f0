// multipart/form-data as Camunda Modeler sends a deployment (RFC 7578), and hostile framing:
// each refused with what is wrong, never read past the body.
#include "server/multipart.hpp"

#include <catch2/catch.hpp>
#include <string>

using elva::server::parse_multipart;

namespace {

const std::string kType = "multipart/form-data; boundary=----b0und";

std::string part(const std::string& headers, const std::string& body) {
  return "------b0und\r\n" + headers + "\r\n\r\n" + body + "\r\n";
}

}  // namespace

TEST_CASE("multipart: fields and files by name, quoted names with escapes, a preamble",
          "[multipart]") {
  const std::string body =
      "a preamble to ignore\r\n" +
      part("Content-Disposition: form-data; name=\"deployment-name\"", "Hire") +
      part(
          "Content-Disposition: form-data; name=\"hire.bpmn\"; filename=\"dir/hire "
          "\\\"v2\\\".bpmn\"\r\n"
          "Content-Type: application/octet-stream",
          "<definitions>\r\n--not a boundary\r\n</definitions>") +
      part("content-disposition: FORM-DATA; name=empty", "") + "------b0und--\r\n";
  auto parts = parse_multipart("Multipart/Form-Data; boundary=\"----b0und\"", body);
  REQUIRE(parts);
  REQUIRE(parts->size() == 3);
  CHECK((*parts)[0].name == "deployment-name");
  CHECK((*parts)[0].filename.empty());
  CHECK((*parts)[0].body == "Hire");
  CHECK((*parts)[1].filename == "dir/hire \"v2\".bpmn");
  CHECK((*parts)[1].content_type == "application/octet-stream");
  CHECK((*parts)[1].body == "<definitions>\r\n--not a boundary\r\n</definitions>");
  CHECK((*parts)[2].name == "empty");
  CHECK((*parts)[2].body.empty());
}

TEST_CASE("multipart: broken framing is refused, saying what is wrong", "[multipart]") {
  const auto refused = [](const std::string& type, const std::string& body, const char* says) {
    auto r = parse_multipart(type, body);
    REQUIRE_FALSE(r);
    CHECK_THAT(r.error().message, Catch::Contains(says));
  };
  const std::string ok = part("Content-Disposition: form-data; name=\"a\"", "x");
  refused("application/json", ok + "------b0und--", "must be multipart/form-data");
  refused("multipart/form-data", ok + "------b0und--", "needs a boundary");
  refused("multipart/form-data; boundary=" + std::string(201, 'b'), ok, "needs a boundary");
  refused(kType, "no boundary anywhere", "no part framed");
  refused(kType, ok, "no closing boundary");
  refused(kType, "------b0und\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx",
          "no closing boundary");
  refused(kType, part("Content-Type: text/plain", "x") + "------b0und--", "no Content-Disposition");
  refused(kType, part("Content-Disposition: attachment; name=\"a\"", "x") + "------b0und--",
          "must be form-data");
  refused(kType, "------b0undX\r\n", "must end in CRLF");
  refused(kType, "------b0und\r\nContent-Disposition: form-data; name=\"a\"\r\n------b0und--",
          "do not end in a blank line");
  std::string many;
  for (int i = 0; i < 101; ++i) many += ok;
  refused(kType, many + "------b0und--", "more than 100 parts");
  // Every prefix of a good body is refused or read, never read past its end.
  const std::string good = ok + ok + "------b0und--";
  for (std::size_t n = 0; n <= good.size(); ++n) (void)parse_multipart(kType, good.substr(0, n));
}
