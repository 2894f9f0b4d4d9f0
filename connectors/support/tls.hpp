// TLS client pieces the http client and the SMTP client share: the trusted CAs, what the peer's
// certificate must match, and a handshake failure in words.
#pragma once

#include <openssl/ssl.h>

#include <boost/asio/ssl/context.hpp>
#include <boost/system/error_code.hpp>
#include <string>

namespace elva::connectors {

// The system's CAs plus `ca_file` (PEM; may be empty), and whether the peer is verified.
// Returns "" or why the CA file cannot be used.
std::string configure_client_tls(boost::asio::ssl::context& context, const std::string& ca_file,
                                 bool verify);

// Before the handshake: SNI for a host name, and, when verifying, the host name or IP address
// the certificate must be for.
void expect_peer(SSL* ssl, const std::string& host, bool verify);

// After a failed handshake: the certificate's problem when OpenSSL refused it (a host name
// mismatch said as such), "timed out", or the error.
std::string handshake_failure(SSL* ssl, const boost::system::error_code& ec,
                              const std::string& host);

}  // namespace elva::connectors
