// The `mail` connector: sends mail over SMTP (STARTTLS, AUTH PLAIN/LOGIN) with subject and body
// templated from variables; docs/connectors.md#mail. Also sends Elva's task prompts.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "elva/connector.hpp"
#include "support/settings.hpp"

namespace elva::connectors {

// Settings: host, port (587), tls ("starttls" required by default | "tls" implicit | "none"),
// username, password (secret), from, timeout, ca_file, verify_tls, templates (table of
// {subject, body}).
Result<std::shared_ptr<connector::Connector>> make_mail_connector(const Settings& settings);

// Fills {{name}} and {{a.b}} from `data`. Errors: InvalidArgument naming the first placeholder
// that `data` has no value for.
Result<std::string> fill_mail_template(const std::string& text, const nlohmann::json& data);

}  // namespace elva::connectors
