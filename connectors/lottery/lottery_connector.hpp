// The `lottery` connector: a fair draw anyone can check (docs/connectors.md#lottery).
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "elva/connector.hpp"
#include "support/settings.hpp"

namespace elva::connectors {

Result<std::shared_ptr<connector::Connector>> make_lottery_connector(const Settings& settings);

}  // namespace elva::connectors
