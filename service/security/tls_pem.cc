#include "service/security/tls_pem.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>

namespace gleaner::service {

namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct KeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};

bool ReadWhole(const std::string& path, std::string* text) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream ss;
  ss << in.rdbuf();
  *text = ss.str();
  return !in.bad();
}

std::unique_ptr<BIO, BioFree> Bio(const std::string& pem) {
  return std::unique_ptr<BIO, BioFree>(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

// A password callback that refuses: OpenSSL's default would prompt on the terminal.
int NoPassword(char*, int, int, void*) { return 0; }

// A failed parse leaves errors in OpenSSL's per-thread queue, where a later
// TLS call on this thread would find them; they are dropped here.
std::unique_ptr<X509, X509Free> FirstCertificate(const std::string& pem) {
  auto bio = Bio(pem);
  std::unique_ptr<X509, X509Free> cert(PEM_read_bio_X509(bio.get(), nullptr, NoPassword, nullptr));
  if (cert == nullptr) ERR_clear_error();
  return cert;
}

}  // namespace

Status ReadServerTls(const std::string& cert_path, const std::string& key_path, ServerTlsPem* out) {
  ServerTlsPem pem;
  if (!ReadWhole(cert_path, &pem.cert_chain)) {
    return Status::IOError("cannot read TLS certificate " + cert_path);
  }
  if (!ReadWhole(key_path, &pem.private_key)) {
    return Status::IOError("cannot read TLS key " + key_path);
  }
  auto cert = FirstCertificate(pem.cert_chain);
  if (cert == nullptr) {
    return Status::InvalidArgument(cert_path + " holds no PEM certificate");
  }
  auto bio = Bio(pem.private_key);
  std::unique_ptr<EVP_PKEY, KeyFree> key(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassword, nullptr));
  if (key == nullptr) {
    ERR_clear_error();
    return Status::InvalidArgument(key_path + " holds no unencrypted PEM private key");
  }
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    ERR_clear_error();
    return Status::InvalidArgument("the key in " + key_path +
                                   " does not belong to the certificate in " + cert_path);
  }
  *out = std::move(pem);
  return Status::OK();
}

Status ReadCaFile(const std::string& path, std::string* pem) {
  std::string text;
  if (!ReadWhole(path, &text)) return Status::IOError("cannot read TLS CA file " + path);
  if (FirstCertificate(text) == nullptr) {
    return Status::InvalidArgument(path + " holds no PEM certificate");
  }
  *pem = std::move(text);
  return Status::OK();
}

std::string SystemRootsPem() {
  const char* env = std::getenv(X509_get_default_cert_file_env());
  std::string path = env != nullptr && *env != '\0' ? env : X509_get_default_cert_file();
  std::string text;
  return ReadWhole(path, &text) ? text : "";
}

}  // namespace gleaner::service
