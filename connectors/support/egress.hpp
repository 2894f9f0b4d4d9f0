// EgressPolicy: where a connector's HTTP calls may go and what goes with them
// (docs/security.md#connector-calls). The HTTP client applies it to every request of the http,
// hr and eservice connectors: the URL (under the connector's base URL, or a host allowed by
// name), the credentials (only under the base URL) and, after DNS, the address connected
// to (private ranges refused when asked), so a name that resolves to 127.0.0.1 is refused too.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <optional>
#include <string>
#include <vector>

#include "elva/result.hpp"
#include "support/settings.hpp"
#include "support/url.hpp"

namespace elva::connectors {

// An address range: "10.0.0.0/8", "fd00::/8", or one address ("192.0.2.7" = /32).
struct Network {
  boost::asio::ip::address address;
  int prefix = 0;
  // Errors: InvalidArgument naming the rule.
  static Result<Network> parse(const std::string& text);
  bool contains(const boost::asio::ip::address& a) const;  // IPv4-mapped IPv6 counts as IPv4
};

// Loopback, unspecified ("this host"), RFC 1918, carrier-grade NAT, link-local (also the cloud
// metadata address 169.254.169.254), benchmarking, multicast and reserved IPv4 ranges; IPv6
// loopback, unspecified, unique local (fc00::/7), link-local, site-local and multicast, and IPv4
// inside IPv6 (mapped, compatible, NAT64 64:ff9b::/96, 6to4 2002::/16) judged as that IPv4.
bool is_private_address(const boost::asio::ip::address& a);

class EgressPolicy {
 public:
  EgressPolicy() = default;  // anything goes (the built-in http connector without settings)

  // From a connector's settings: `home_key` names its base URL setting (base_url, url,
  // portal_url; "" for none), and allowed_hosts, denied_hosts, deny_private, allowed_networks
  // and denied_networks. Errors: InvalidArgument naming the setting.
  static Result<EgressPolicy> from_settings(const Settings& settings, const std::string& home_key);

  // Whether a call to `url` may be made: never to a denied host; with a base URL, only under it
  // (Url::under: escapes, backslashes and dot segments resolved) or to a host in allowed_hosts;
  // without one, to any host unless allowed_hosts names some. Errors: InvalidArgument saying
  // which rule refused it (names the setting, never the URL's text).
  Result<void> admit(const Url& url) const;

  // Whether the connector's credentials and configured headers may go with a call to `url`:
  // only under the base URL (its origin, and its path: a host allowed by name, even the base
  // URL's own, gets none elsewhere); without a base URL, always (a connector with credentials
  // needs one, make_http_connector says so).
  bool carries_credentials(const Url& url) const;

  // After DNS: "" when `address` may be connected to, else why not. allowed_networks first,
  // then denied_networks, then deny_private.
  std::string refuse_address(const boost::asio::ip::address& address) const;

  const std::optional<Url>& home() const { return home_; }

 private:
  std::optional<Url> home_;
  std::string home_key_;
  std::vector<std::string> allowed_hosts_,
      denied_hosts_;  // lower case; "*.example.org" for subdomains
  bool deny_private_ = false;
  std::vector<Network> allowed_networks_, denied_networks_;
};

}  // namespace elva::connectors
