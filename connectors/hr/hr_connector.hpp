// The `hr` connector: HR and identity provisioning over SCIM 2.0 (RFC 7643/7644);
// docs/connectors.md#hr.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>

#include "elva/connector.hpp"
#include "support/settings.hpp"

namespace elva::connectors {

// Settings: url (the SCIM base, ".../scim/v2"), token (secret, optional), timeout, ca_file,
// verify_tls, page_size.
Result<std::shared_ptr<connector::Connector>> make_hr_connector(const Settings& settings);

}  // namespace elva::connectors
