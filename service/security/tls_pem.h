// The PEM files of TLS: the server's certificate chain and private key, and
// the CA certificates a client trusts. Each is parsed with OpenSSL when read,
// so a wrong file is reported by name at startup instead of surfacing as a
// failed bind or an opaque handshake error. Plain functions; thread-safe.
#pragma once

#include <string>

#include "common/status.h"

namespace gleaner::service {

struct ServerTlsPem {
  std::string cert_chain;
  std::string private_key;
};

// IOError when a file cannot be read; InvalidArgument when it holds no PEM
// certificate (or unencrypted private key), or when the key does not belong
// to the chain's first certificate.
Status ReadServerTls(const std::string& cert_path, const std::string& key_path, ServerTlsPem* out);

// A client's trusted CAs: IOError when unreadable, InvalidArgument without a
// PEM certificate.
Status ReadCaFile(const std::string& path, std::string* pem);

// The system's CA bundle ($SSL_CERT_FILE, else OpenSSL's default file), or
// "" when there is none, leaving gRPC to its own default roots.
std::string SystemRootsPem();

}  // namespace gleaner::service
