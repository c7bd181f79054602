// `gleaner serve` over TLS and with a token from the environment: a client
// trusting the server's certificate gets in, one trusting only the system's
// CAs or speaking plaintext does not; bad certificate flags stop the server
// before it listens. Certificates are made at test time with the openssl CLI.
#include <catch2/catch.hpp>

#include "tests/service/serve_process.h"
#include "tests/support/temp_dir.h"

using namespace gleaner::testing;

namespace {

// A self-signed certificate for 127.0.0.1 and localhost: dir/NAME.pem, dir/NAME.key.
void MakeCertificate(const TempDir& dir, const std::string& name) {
  ProcessResult r =
      RunProcess({"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                  "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                  "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout",
                  dir / (name + ".key"), "-out", dir / (name + ".pem")});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
}

// `gleaner serve ARGS` that is expected to refuse to start; `timeout` turns
// one that wrongly starts into exit code 124.
ProcessResult ServeFails(const TempDir& dir, std::vector<std::string> args,
                         const std::map<std::string, std::string>& env = {}) {
  std::vector<std::string> argv = {"/usr/bin/timeout", "60",          GLEANER_BINARY, "serve",
                                   "--listen",         "127.0.0.1:0", "--data",       dir / "data"};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProcess(argv, env);
}

bool Contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("a TLS server answers clients that trust its certificate, and only over TLS") {
  TempDir dir;
  MakeCertificate(dir, "server");
  ServeProcess server(dir, dir / "served",
                      {"--tls-cert", dir / "server.pem", "--tls-key", dir / "server.key"});

  ProcessResult trusted =
      Client(server, {"jobs", "list", "--tls-ca", dir / "server.pem"}, {{"GLEANER_TLS_CA", ""}});
  INFO(trusted.err);
  CHECK(trusted.exit_code == 0);
  CHECK(trusted.out == "no jobs\n");

  ProcessResult by_env = Client(server, {"jobs", "list"}, {{"GLEANER_TLS_CA", dir / "server.pem"}});
  INFO(by_env.err);
  CHECK(by_env.exit_code == 0);
  CHECK(by_env.out == "no jobs\n");

  // The system's CAs do not include a self-signed certificate.
  ProcessResult untrusted =
      Client(server, {"jobs", "list", "--tls", "--timeout", "20"}, {{"GLEANER_TLS_CA", ""}});
  // Once (CI, ASan, loaded machine) this client ended by a signal: say which,
  // with what it printed.
  INFO("untrusted: signal " << untrusted.signal << ", stderr: " << untrusted.err);
  CHECK(untrusted.exit_code == 1);
  CHECK(Contains(untrusted.err, "UNAVAILABLE"));
  CHECK(untrusted.out.empty());

  ProcessResult plaintext =
      Client(server, {"jobs", "list", "--timeout", "20"}, {{"GLEANER_TLS_CA", ""}});
  INFO("plaintext: signal " << plaintext.signal << ", stderr: " << plaintext.err);
  CHECK(plaintext.exit_code == 1);
  CHECK(Contains(plaintext.err, "UNAVAILABLE"));
  CHECK(plaintext.out.empty());
  REQUIRE(server.Terminate().exit_code == 0);
}

TEST_CASE("a plaintext server refuses TLS clients") {
  TempDir dir;
  MakeCertificate(dir, "server");
  ServeProcess server(dir, dir / "served", {});
  ProcessResult tls =
      Client(server, {"jobs", "list", "--tls-ca", dir / "server.pem", "--timeout", "20"});
  CHECK(tls.exit_code == 1);
  CHECK(Contains(tls.err, "UNAVAILABLE"));
  CHECK(Client(server, {"jobs", "list"}, {{"GLEANER_TLS_CA", ""}}).out == "no jobs\n");
  REQUIRE(server.Terminate().exit_code == 0);
}

TEST_CASE("bad TLS flags stop the server with a clear error") {
  TempDir dir;
  MakeCertificate(dir, "server");
  MakeCertificate(dir, "other");

  ProcessResult cert_only = ServeFails(dir, {"--tls-cert", dir / "server.pem"});
  CHECK(cert_only.exit_code == 2);
  CHECK(Contains(cert_only.err, "--tls-cert and --tls-key go together"));
  ProcessResult key_only = ServeFails(dir, {"--tls-key", dir / "server.key"});
  CHECK(key_only.exit_code == 2);
  CHECK(Contains(key_only.err, "--tls-cert and --tls-key go together"));

  ProcessResult missing =
      ServeFails(dir, {"--tls-cert", dir / "nope.pem", "--tls-key", dir / "server.key"});
  CHECK(missing.exit_code == 1);
  CHECK(Contains(missing.err, "cannot read TLS certificate " + dir / "nope.pem"));

  ProcessResult swapped =
      ServeFails(dir, {"--tls-cert", dir / "server.key", "--tls-key", dir / "server.pem"});
  CHECK(swapped.exit_code == 2);
  CHECK(Contains(swapped.err, dir / "server.key" + " holds no PEM certificate"));

  ProcessResult mismatched =
      ServeFails(dir, {"--tls-cert", dir / "server.pem", "--tls-key", dir / "other.key"});
  CHECK(mismatched.exit_code == 2);
  CHECK(Contains(mismatched.err, "the key in " + dir / "other.key" +
                                     " does not belong to the certificate in " +
                                     dir / "server.pem"));

  // A client's CA file is checked the same way, before any call.
  ProcessResult bad_ca = RunProcess(
      {GLEANER_BINARY, "jobs", "list", "--server", "127.0.0.1:9", "--tls-ca", dir / "server.key"});
  CHECK(bad_ca.exit_code == 2);
  CHECK(Contains(bad_ca.err, dir / "server.key" + " holds no PEM certificate"));
}

TEST_CASE("with --token-env the token is the variable's value") {
  TempDir dir;
  ServeProcess server(dir, dir / "served", {"--token-env", "SERVE_TEST_TOKEN"},
                      {{"SERVE_TEST_TOKEN", "env-s3cret"}});
  ProcessResult right = Client(server, {"jobs", "list"}, {{"GLEANER_TOKEN", "env-s3cret"}});
  INFO(right.err);
  CHECK(right.exit_code == 0);
  CHECK(right.out == "no jobs\n");
  ProcessResult wrong = Client(server, {"jobs", "list"}, {{"GLEANER_TOKEN", "env-s3cre"}});
  CHECK(wrong.exit_code == 2);
  CHECK(Contains(wrong.err, "UNAUTHENTICATED: wrong bearer token"));
  ProcessResult none = Client(server, {"jobs", "list"}, {{"GLEANER_TOKEN", ""}});
  CHECK(none.exit_code == 2);
  CHECK(Contains(none.err, "UNAUTHENTICATED"));
  REQUIRE(server.Terminate().exit_code == 0);

  ProcessResult unset =
      ServeFails(dir, {"--token-env", "SERVE_TEST_TOKEN"}, {{"SERVE_TEST_TOKEN", ""}});
  CHECK(unset.exit_code == 2);
  CHECK(
      Contains(unset.err, "--token-env: environment variable SERVE_TEST_TOKEN is unset or empty"));
  WriteFile(dir / "token", "t\n");
  ProcessResult both =
      ServeFails(dir, {"--token-env", "SERVE_TEST_TOKEN", "--token-file", dir / "token"},
                 {{"SERVE_TEST_TOKEN", "x"}});
  CHECK(both.exit_code == 2);
  CHECK(Contains(both.err, "--token-file and --token-env: give one of them"));
}
