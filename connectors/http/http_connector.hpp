// The `http` connector: calls any HTTP API from a service task (docs/connectors.md#http).
#pragma once

#include <memory>

#include "elva/connector.hpp"
#include "support/settings.hpp"

namespace elva::connectors {

// Settings: base_url, timeout, ca_file, verify_tls, headers (table), bearer_token or
// username/password (secrets), error_codes (table status -> BPMN error code).
Result<std::shared_ptr<connector::Connector>> make_http_connector(const Settings& settings);

}  // namespace elva::connectors
