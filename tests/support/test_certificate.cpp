#include "tests/support/test_certificate.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace frontdesk::test_support {
namespace {

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "test certificate: %s failed\n", what);
  std::abort();
}

void add_ext(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (!ext) die("X509V3_EXT_conf_nid");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

std::string bio_string(BIO* bio) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(n));
}

}  // namespace

tls_identity make_self_signed_identity(const std::string& subject_alt_names) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  if (!key) die("EVP_EC_gen");
  X509* cert = X509_new();
  if (!cert) die("X509_new");
  X509_set_version(cert, 2);
  static std::atomic<long> serial{1};
  ASN1_INTEGER_set(X509_get_serialNumber(cert), serial++ + static_cast<long>(::getpid()));
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 86400);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  add_ext(cert, NID_basic_constraints, "critical,CA:TRUE");
  add_ext(cert, NID_key_usage, "critical,digitalSignature,keyCertSign");
  add_ext(cert, NID_subject_alt_name, subject_alt_names.c_str());
  add_ext(cert, NID_subject_key_identifier, "hash");
  if (X509_sign(cert, key, EVP_sha256()) == 0) die("X509_sign");

  tls_identity out;
  BIO* cbio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(cbio, cert);
  out.cert_pem = bio_string(cbio);
  BIO_free(cbio);
  BIO* kbio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(kbio, key, nullptr, nullptr, 0, nullptr, nullptr);
  out.key_pem = bio_string(kbio);
  BIO_free(kbio);
  X509_free(cert);
  EVP_PKEY_free(key);
  return out;
}

std::string write_temp_file(const std::string& content, const std::string& suffix) {
  static std::atomic<int> counter{0};
  const auto path =
      std::filesystem::temp_directory_path() /
      ("frontdesk-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + suffix);
  std::ofstream(path, std::ios::binary) << content;
  return path.string();
}

}  // namespace frontdesk::test_support
