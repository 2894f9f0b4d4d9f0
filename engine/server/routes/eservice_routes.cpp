// E-service intake: the citizen portal posts applications (docs/connectors.md#eservice), and
// administrators read their attachments.
#include "elva/base64.hpp"
#include "server/routes/route.hpp"

namespace elva::server {
namespace {

using nlohmann::json;

}  // namespace

void add_eservice_routes(Routes& routes) {
  routes.add("POST", "/eservice/{form}", "eservice", [&routes](Call& c) -> Result<Response> {
    const std::string form = c.params["form"];
    const json spec = routes.options.eservice[form];
    // Attachments are base64 texts inside the body: a text may be as long as the body allows.
    auto b = c.body({"data", "applicant", "attachments", "case"}, true, c.req.body.size());
    if (!b) return fail(b.error());
    Engine::EserviceSubmission s;
    s.form = form;
    s.spec = spec;
    s.idempotency_key = c.req.header("idempotency-key");
    if (s.idempotency_key.size() > 200)
      return fail(Errc::InvalidArgument,
                  "the Idempotency-Key header is longer than 200 characters");
    for (const char* k : {"data", "applicant"}) {
      if (!b->contains(k)) continue;
      if (!(*b)[k].is_object())
        return fail(Errc::InvalidArgument, std::string(k) + " must be a JSON object");
      (std::string(k) == "data" ? s.data : s.applicant) = (*b)[k];
    }
    if (b->contains("case")) {
      if (!(*b)["case"].is_string())
        return fail(Errc::InvalidArgument,
                    "case must be the receipt number of the earlier application");
      s.case_receipt = (*b)["case"];
    }
    const auto limit = spec.value("max_attachment_bytes", static_cast<std::int64_t>(10) << 20);
    json errors = json::array();
    for (const auto& a : b->value("attachments", json::array())) {
      const std::size_t i = s.attachments.size();
      const std::string where = "attachments[" + std::to_string(i) + "]";
      if (!a.is_object() || !a.contains("name") || !a["name"].is_string() ||
          !a.contains("content") || !a["content"].is_string()) {
        errors.push_back({{"field", where}, {"message", "needs name and content (base64)"}});
        s.attachments.push_back({});
        continue;
      }
      std::string encoded = a["content"];
      // MIME-style base64 wraps lines; the line breaks are not data.
      encoded.erase(std::remove_if(encoded.begin(), encoded.end(),
                                   [](char ch) { return ch == '\r' || ch == '\n'; }),
                    encoded.end());
      if (encoded.find_first_not_of(
              "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=\r\n") !=
          std::string::npos) {
        errors.push_back({{"field", where + ".content"}, {"message", "is not base64"}});
      }
      // The content type itself (a media type, RFC 9110) is checked by Engine::eservice_submit.
      const bool typed = a.contains("contentType") && !a["contentType"].is_null();
      if (typed && !a["contentType"].is_string())
        errors.push_back({{"field", where + ".contentType"}, {"message", "must be a text"}});
      Engine::EserviceAttachment file{a["name"],
                                      typed && a["contentType"].is_string()
                                          ? a["contentType"].get<std::string>()
                                          : "application/octet-stream",
                                      base64_decode(encoded).value_or("")};
      if (static_cast<std::int64_t>(file.content.size()) > limit) {
        errors.push_back({{"field", where + ".content"},
                          {"message", "is larger than " + std::to_string(limit) + " bytes"}});
      }
      s.attachments.push_back(std::move(file));
    }
    if (!errors.empty()) {
      Error refused{Errc::ValidationError, "some attachments are not acceptable", {}};
      for (const auto& e : errors)
        refused.with("field." + e["field"].get<std::string>(), e["message"].get<std::string>());
      return fail(std::move(refused));
    }
    auto r = c.engine.eservice_submit(s);
    if (!r) return fail(r.error());
    return ok(*r, (*r)["repeated"].get<bool>() ? 200 : 201);
  });
  routes.add("GET", "/api/attachments/{id}", "developer", [](Call& c) -> Result<Response> {
    auto id = c.key("id");
    if (!id) return fail(id.error());
    auto a = c.engine.attachment(*id);
    if (!a) return fail(a.error());
    Response r;
    r.content_type = (*a)["contentType"];
    r.body = (*a)["content"].get<std::string>();
    // The name is the applicant's: RFC 6266 with an ASCII fallback and the exact name in
    // RFC 8187 (5987) form, so no byte of it reaches the header as it is.
    const std::string name = (*a)["name"];
    std::string ascii, exact;
    for (unsigned char ch : name) {
      ascii += ch < 0x20 || ch >= 0x7f || ch == '"' || ch == '\\' || ch == '%' || ch == '/'
                   ? '_'
                   : static_cast<char>(ch);
      if (std::isalnum(ch) ||
          std::string_view("!#$&+-.^_`|~").find(static_cast<char>(ch)) != std::string_view::npos) {
        exact += static_cast<char>(ch);
      } else {
        static const char* hex = "0123456789ABCDEF";
        exact += '%';
        exact += hex[ch >> 4];
        exact += hex[ch & 15];
      }
    }
    r.headers["Content-Disposition"] =
        "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + exact;
    r.headers["X-Content-Type-Options"] = "nosniff";
    r.headers["X-Elva-Receipt"] = (*a)["receipt"];
    return r;
  });
}

}  // namespace elva::server
