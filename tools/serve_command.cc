// `gleaner serve`: the gRPC service. Runs until SIGTERM or SIGINT, then shuts
// down gracefully (see GleanerServer) and exits 0; a crawl it interrupted
// resumes when the server starts again on the same store.
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <iostream>

#include "ingest/service/bearer_token.h"
#include "ingest/service/gleaner_server.h"
#include "tools/commands.h"

namespace gleaner::tools {

namespace {

struct ServeFlags {
  std::string listen = "127.0.0.1:50051";
  std::string data;
  std::string token_file;
  bool allow_private_networks = false;
};

Status Serve(const ServeFlags& flags) {
  // Every thread the server starts inherits this mask, so the signals reach
  // only sigwait below (and not, say, a crawl engine's own handler).
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  service::ServerOptions options;
  options.listen = flags.listen;
  options.data_dir = ResolveDataDir(flags.data);
  options.allow_private_networks = flags.allow_private_networks;
  options.log = &std::cerr;
  if (!flags.token_file.empty()) {
    GLEANER_RETURN_IF_ERROR(service::ReadTokenFile(flags.token_file, &options.token));
  }
  std::unique_ptr<service::GleanerServer> server;
  GLEANER_RETURN_IF_ERROR(service::GleanerServer::Start(options, &server));
  std::cout << "listening on " << server->address() << std::endl;

  int sig = 0;
  sigwait(&signals, &sig);
  std::cerr << "serve: " << (sig == SIGINT ? "SIGINT" : "SIGTERM") << ", shutting down\n";
  server->Shutdown();
  std::cerr << "serve: stopped\n";
  return Status::OK();
}

}  // namespace

void RegisterServe(CLI::App& app, CommandResult* result) {
  auto flags = std::make_shared<ServeFlags>();
  CLI::App* cmd = app.add_subcommand("serve", "Run the gRPC service: jobs, datasets, ingestion");
  cmd->add_option("--listen", flags->listen, "HOST:PORT to listen on (port 0: any free port)")
      ->capture_default_str();
  AddDataFlag(cmd, &flags->data);
  cmd->add_option("--token-file", flags->token_file,
                  "Require this bearer token (the file's contents) on every call");
  cmd->add_flag("--allow-private-networks", flags->allow_private_networks,
                "Let submitted jobs crawl loopback, private and link-local addresses");
  cmd->callback([flags, result] { result->exit_code = Report(Serve(*flags)); });
}

}  // namespace gleaner::tools
