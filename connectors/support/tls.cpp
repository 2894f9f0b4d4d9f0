// TLS client pieces (tls.hpp).
#include "support/tls.hpp"

#include <openssl/x509v3.h>

#include <boost/asio/ip/address.hpp>
#include <boost/beast/core/error.hpp>

namespace elva::connectors {

std::string configure_client_tls(boost::asio::ssl::context& context, const std::string& ca_file,
                                 bool verify) {
  boost::system::error_code ec;
  context.set_default_verify_paths(ec);
  context.set_verify_mode(verify ? boost::asio::ssl::verify_peer : boost::asio::ssl::verify_none);
  if (ca_file.empty()) return "";
  context.load_verify_file(ca_file, ec);
  return ec ? "the CA file " + ca_file + " cannot be read: " + ec.message() : "";
}

void expect_peer(SSL* ssl, const std::string& host, bool verify) {
  boost::system::error_code ec;
  boost::asio::ip::make_address(host, ec);
  const bool ip = !ec;
  if (!ip) SSL_set_tlsext_host_name(ssl, host.c_str());
  if (!verify) return;
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  if (ip)
    X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str());
  else
    X509_VERIFY_PARAM_set1_host(param, host.c_str(), 0);
}

std::string handshake_failure(SSL* ssl, const boost::system::error_code& ec,
                              const std::string& host) {
  const long verify = SSL_get_verify_result(ssl);
  if (verify == X509_V_ERR_HOSTNAME_MISMATCH || verify == X509_V_ERR_IP_ADDRESS_MISMATCH) {
    return "the certificate does not match the host name " + host + " (" +
           X509_verify_cert_error_string(verify) + ")";
  }
  if (verify != X509_V_OK)
    return std::string("the certificate was refused: ") + X509_verify_cert_error_string(verify);
  return ec == boost::beast::error::timeout ? "timed out" : ec.message();
}

}  // namespace elva::connectors
