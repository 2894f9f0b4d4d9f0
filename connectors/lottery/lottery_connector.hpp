// The `lottery` connector: a fair draw anyone can check (docs/connectors.md#lottery).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/settings.hpp"
#include "elva/connector.hpp"

namespace elva::connectors {

Result<std::shared_ptr<connector::Connector>> make_lottery_connector(const Settings& settings);

}  // namespace elva::connectors
