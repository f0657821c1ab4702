// A throwaway self-signed TLS identity (CN=localhost, SAN localhost + 127.0.0.1) made at test time.
#pragma once

#include <string>

namespace frontdesk::test_support {

struct tls_identity {
  std::string cert_pem;  // also usable as the CA to trust: the certificate is its own issuer
  std::string key_pem;
};

/// Generates a fresh P-256 key and a one-day self-signed certificate for `subject_alt_names`
/// (OpenSSL syntax). Aborts the test binary on an OpenSSL failure (no sensible recovery in a test).
tls_identity make_self_signed_identity(
    const std::string& subject_alt_names = "DNS:localhost,IP:127.0.0.1");

/// Writes `content` to a new file under the system temp dir and returns its path.
std::string write_temp_file(const std::string& content, const std::string& suffix = ".pem");

}  // namespace frontdesk::test_support
