// EgressPolicy (egress.hpp).
#include "support/egress.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace elva::connectors {
namespace {

namespace ip = boost::asio::ip;

// IPv4 inside IPv6 (mapped ::ffff:a.b.c.d, compatible ::a.b.c.d, NAT64 64:ff9b::a.b.c.d and
// 6to4 2002:aabb:ccdd::) as that IPv4 address; others as they are.
ip::address embedded_v4(const ip::address& a) {
  if (!a.is_v6()) return a;
  const auto v6 = a.to_v6();
  const auto b = v6.to_bytes();
  if (v6.is_v4_mapped()) return ip::make_address_v4(ip::v4_mapped, v6);
  const bool zeros96 =
      std::all_of(b.begin(), b.begin() + 12, [](unsigned char x) { return x == 0; });
  const bool nat64 =
      b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b &&
      std::all_of(b.begin() + 4, b.begin() + 12, [](unsigned char x) { return x == 0; });
  if ((zeros96 && !v6.is_loopback() && !v6.is_unspecified()) || nat64) {
    return ip::address_v4(ip::address_v4::bytes_type{b[12], b[13], b[14], b[15]});
  }
  if (b[0] == 0x20 && b[1] == 0x02)
    return ip::address_v4(ip::address_v4::bytes_type{b[2], b[3], b[4], b[5]});
  return a;
}

template <std::size_t N>
bool prefix_match(const std::array<unsigned char, N>& a, const std::array<unsigned char, N>& net,
                  int prefix) {
  for (int bit = 0; bit < prefix; ++bit) {
    const int mask = 0x80 >> (bit % 8);
    if ((a[bit / 8] & mask) != (net[bit / 8] & mask)) return false;
  }
  return true;
}

bool in_v4(const ip::address_v4& a, const char* net, int prefix) {
  return prefix_match(a.to_bytes(), ip::make_address_v4(net).to_bytes(), prefix);
}

bool in_v6(const ip::address_v6& a, const char* net, int prefix) {
  return prefix_match(a.to_bytes(), ip::make_address_v6(net).to_bytes(), prefix);
}

std::string lower_host(std::string h) {
  std::transform(h.begin(), h.end(), h.begin(), [](unsigned char c) { return std::tolower(c); });
  if (h.size() > 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  while (!h.empty() && h.back() == '.') h.pop_back();
  return h;
}

bool host_matches(const std::string& host, const std::vector<std::string>& patterns) {
  const std::string h = lower_host(host);
  for (const auto& p : patterns) {
    if (p.rfind("*.", 0) == 0) {
      const std::string suffix = p.substr(1);  // ".example.org"
      if (h.size() > suffix.size() &&
          h.compare(h.size() - suffix.size(), suffix.size(), suffix) == 0)
        return true;
    } else if (h == p) {
      return true;
    }
  }
  return false;
}

Result<std::vector<std::string>> host_list(const Settings& s, const std::string& key) {
  std::vector<std::string> out;
  auto it = s.values.find(key);
  if (it == s.values.end()) return out;
  if (!it->is_array())
    return fail(s.error(
        key + " must be a list of host names, e.g. [\"api.example.org\", \"*.example.org\"]"));
  for (const auto& v : *it) {
    const std::string h = v.is_string() ? lower_host(v.get<std::string>()) : "";
    const std::string bare = h.rfind("*.", 0) == 0 ? h.substr(2) : h;
    const bool ok = !bare.empty() && std::all_of(bare.begin(), bare.end(), [](unsigned char c) {
      return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == ':';
    });
    if (!ok)
      return fail(s.error(key + ": each entry is a host name (\"api.example.org\"), \"*.\" and a "
                                "domain for its subdomains, or an IP address"));
    out.push_back(h);
  }
  return out;
}

Result<std::vector<Network>> network_list(const Settings& s, const std::string& key) {
  std::vector<Network> out;
  auto it = s.values.find(key);
  if (it == s.values.end()) return out;
  if (!it->is_array())
    return fail(
        s.error(key + " must be a list of address ranges, e.g. [\"10.20.0.0/16\", \"fd12::/16\"]"));
  for (const auto& v : *it) {
    auto n = Network::parse(v.is_string() ? v.get<std::string>() : "");
    if (!n) return fail(s.error(key + ": " + n.error().message));
    out.push_back(*n);
  }
  return out;
}

}  // namespace

Result<Network> Network::parse(const std::string& text) {
  const auto slash = text.find('/');
  boost::system::error_code ec;
  Network n;
  n.address = ip::make_address(text.substr(0, slash), ec);
  if (ec)
    return fail(Errc::InvalidArgument,
                "an address range is an IP address with an optional /prefix (\"10.0.0.0/8\", "
                "\"fd00::/8\")");
  const int bits = n.address.is_v4() ? 32 : 128;
  n.prefix = bits;
  if (slash != std::string::npos) {
    const std::string p = text.substr(slash + 1);
    if (p.empty() || p.size() > 3 || p.find_first_not_of("0123456789") != std::string::npos ||
        std::stoi(p) > bits) {
      return fail(Errc::InvalidArgument,
                  "the prefix of an address range is a number from 0 to " + std::to_string(bits));
    }
    n.prefix = std::stoi(p);
  }
  return n;
}

bool Network::contains(const ip::address& given) const {
  ip::address a = given;
  if (a.is_v6() && a.to_v6().is_v4_mapped()) a = ip::make_address_v4(ip::v4_mapped, a.to_v6());
  if (a.is_v4() != address.is_v4()) return false;
  if (a.is_v4()) return prefix_match(a.to_v4().to_bytes(), address.to_v4().to_bytes(), prefix);
  return prefix_match(a.to_v6().to_bytes(), address.to_v6().to_bytes(), prefix);
}

bool is_private_address(const ip::address& given) {
  const ip::address a = embedded_v4(given);
  if (a.is_v4()) {
    const auto v4 = a.to_v4();
    static const std::pair<const char*, int> kRanges[] = {
        {"0.0.0.0", 8},      {"10.0.0.0", 8},    {"100.64.0.0", 10},   {"127.0.0.0", 8},
        {"169.254.0.0", 16}, {"172.16.0.0", 12}, {"192.0.0.0", 24},    {"192.0.2.0", 24},
        {"192.168.0.0", 16}, {"198.18.0.0", 15}, {"198.51.100.0", 24}, {"203.0.113.0", 24},
        {"224.0.0.0", 4},    {"240.0.0.0", 4}};
    for (const auto& [net, prefix] : kRanges)
      if (in_v4(v4, net, prefix)) return true;
    return false;
  }
  const auto v6 = a.to_v6();
  static const std::pair<const char*, int> kRanges[] = {
      {"::", 128},    {"::1", 128},  {"fc00::", 7},      {"fe80::", 10},
      {"fec0::", 10}, {"ff00::", 8}, {"2001:db8::", 32}, {"100::", 64}};
  for (const auto& [net, prefix] : kRanges)
    if (in_v6(v6, net, prefix)) return true;
  return false;
}

Result<EgressPolicy> EgressPolicy::from_settings(const Settings& s, const std::string& home_key) {
  EgressPolicy p;
  p.home_key_ = home_key;
  if (!home_key.empty()) {
    if (const std::string base = s.text(home_key); !base.empty()) {
      auto u = Url::parse(base);
      if (!u) return fail(s.error(home_key + ": " + u.error().message));
      if (u->target.find('?') != std::string::npos)
        return fail(
            s.error(home_key + " cannot have a query (?...); give query parameters per call"));
      p.home_ = *u;
    }
  }
  auto allowed = host_list(s, "allowed_hosts");
  if (!allowed) return fail(allowed.error());
  auto denied = host_list(s, "denied_hosts");
  if (!denied) return fail(denied.error());
  p.allowed_hosts_ = *allowed;
  p.denied_hosts_ = *denied;
  if (auto it = s.values.find("deny_private"); it != s.values.end()) {
    if (!it->is_boolean()) return fail(s.error("deny_private must be true or false"));
    p.deny_private_ = it->get<bool>();
  }
  auto allowed_nets = network_list(s, "allowed_networks");
  if (!allowed_nets) return fail(allowed_nets.error());
  auto denied_nets = network_list(s, "denied_networks");
  if (!denied_nets) return fail(denied_nets.error());
  p.allowed_networks_ = *allowed_nets;
  p.denied_networks_ = *denied_nets;
  return p;
}

Result<void> EgressPolicy::admit(const Url& url) const {
  if (host_matches(url.host, denied_hosts_))
    return fail(Errc::InvalidArgument, "the URL's host is in denied_hosts");
  if (home_) {
    if (url.under(*home_) || host_matches(url.host, allowed_hosts_)) return {};
    if (url.origin() == home_->origin()) {
      return fail(Errc::InvalidArgument,
                  "the URL is not under " + home_key_ + " " + home_->text() +
                      " once its escapes, backslashes and dot segments are resolved");
    }
    return fail(Errc::InvalidArgument, "the URL is not under " + home_key_ + " " + home_->text() +
                                           " and its host is not in allowed_hosts (absolute URLs "
                                           "go only to hosts allowed by name)");
  }
  if (!allowed_hosts_.empty() && !host_matches(url.host, allowed_hosts_))
    return fail(Errc::InvalidArgument, "the URL's host is not in allowed_hosts");
  return {};
}

bool EgressPolicy::carries_credentials(const Url& url) const { return !home_ || url.under(*home_); }

std::string EgressPolicy::refuse_address(const ip::address& address) const {
  for (const auto& n : allowed_networks_)
    if (n.contains(address)) return "";
  for (const auto& n : denied_networks_) {
    if (n.contains(address)) return "the address it resolves to is in denied_networks";
  }
  if (deny_private_ && is_private_address(address)) {
    return "the address it resolves to is private (loopback, RFC 1918, link-local, unique local, "
           "...) and deny_private is set";
  }
  return "";
}

}  // namespace elva::connectors
