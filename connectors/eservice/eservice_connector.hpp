// The `eservice` connector: the way back to the citizen's case in the e-service portal
// (docs/connectors.md#eservice). Applications come in through `POST /eservice/{form}` on
// `elva serve` (engine/server); status changes go out through this connector over HTTP.
#pragma once

#include <memory>

#include "elva/connector.hpp"
#include "support/settings.hpp"

namespace elva::connectors {

// Settings: portal_url (the portal's case API base), token (secret), timeout, ca_file, verify_tls.
Result<std::shared_ptr<connector::Connector>> make_eservice_connector(const Settings& settings);

}  // namespace elva::connectors
