// Loads a connector plugin (elva/connector_plugin.h) and adapts it to the C++ SPI.
#pragma once

#include <memory>

#include "elva/connector.hpp"
#include "support/settings.hpp"

namespace elva::connectors {

// Settings: path (the .so), the rest goes to the plugin as JSON. Errors: InvalidArgument when
// the library cannot be loaded, has no entry point, speaks another ABI version, or refuses the
// settings.
Result<std::shared_ptr<connector::Connector>> load_plugin_connector(const Settings& settings);

}  // namespace elva::connectors
