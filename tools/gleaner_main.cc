// The `gleaner` command: one binary, one subcommand per pipeline verb.
#include <openssl/crypto.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>

#include "common/version.h"
#include "tools/commands.h"

int main(int argc, char** argv) {
  // OpenSSL frees its globals in an atexit handler, which can run while a
  // gRPC thread still uses them (a client whose TLS handshake failed ended
  // by a signal at exit once; grpc/grpc#38539). The process is ending: let
  // the system reclaim them instead. Must come before OpenSSL's first use.
  OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, nullptr);
  CLI::App app{"gleaner: turn web sites and JSON APIs into clean, split, model-ready datasets"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("gleaner ") + gleaner::kVersion);

  gleaner::tools::CommandResult result;
  gleaner::tools::RegisterStage(app, &result);
  gleaner::tools::RegisterCrawl(app, &result);
  gleaner::tools::RegisterPrepare(app, &result);
  gleaner::tools::RegisterProfile(app, &result);
  gleaner::tools::RegisterDrift(app, &result);
  gleaner::tools::RegisterDemo(app, &result);
  gleaner::tools::RegisterServe(app, &result);
  gleaner::tools::RegisterJobs(app, &result);
  gleaner::tools::RegisterPull(app, &result);
  gleaner::tools::RegisterWorker(app, &result);
  gleaner::tools::RegisterCompletion(app, &result);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 exits 0 for --help/--version; every real parse error is bad usage.
    if (e.get_exit_code() == 0) return app.exit(e);
    std::string unknown = gleaner::tools::UnknownCommandMessage(app, argc, argv);
    if (unknown.empty()) {
      app.exit(e);
    } else {
      std::fprintf(stderr, "gleaner: %s\n", unknown.c_str());
    }
    return 2;
  }
  return result.exit_code;
}
