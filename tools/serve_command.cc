// `gleaner serve`: the gRPC service. Runs until SIGTERM or SIGINT, then shuts
// down gracefully (see GleanerServer) and exits 0; a crawl it interrupted
// resumes when the server starts again on the same store. With --redis, jobs
// are crawled by `gleaner worker` processes instead (see RedisJobBoard).
//
// Test hook, deliberately not a flag: with GLEANER_TEST_SCHEDULER_CLOCK=FILE
// in the environment the schedules run by the time in FILE (Unix seconds,
// reread as it changes) instead of the system clock, so a test fires a cron
// schedule by writing its minute there instead of waiting for the real one;
// revisits go by it too (which URLs a run revisits, when each is next due).
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "common/logger.h"
#include "service/security/bearer_token.h"
#include "service/security/tls_pem.h"
#include "service/server/gleaner_server.h"
#include "tools/commands.h"

namespace gleaner::tools {

namespace {

struct ServeFlags {
  std::string listen = "127.0.0.1:50051";
  std::string data;
  std::string token_file;
  std::string token_env;
  std::string tls_cert;
  std::string tls_key;
  std::string metrics;
  std::string ca_file;
  std::string redis;
  std::string log_format = "text";
  bool allow_private_networks = false;
};

// The server's options that come from files and the environment, checked
// before anything starts.
Status ReadSecrets(const ServeFlags& flags, service::ServerOptions* options) {
  if (!flags.token_file.empty() && !flags.token_env.empty()) {
    return Status::InvalidArgument("--token-file and --token-env: give one of them");
  }
  if (!flags.token_file.empty()) {
    GLEANER_RETURN_IF_ERROR(service::ReadTokenFile(flags.token_file, &options->token));
  }
  if (!flags.token_env.empty()) {
    GLEANER_RETURN_IF_ERROR(
        service::ReadTokenEnv(flags.token_env, &options->token).Annotate("--token-env"));
  }
  if (flags.tls_cert.empty() != flags.tls_key.empty()) {
    return Status::InvalidArgument("--tls-cert and --tls-key go together: give both or neither");
  }
  if (!flags.tls_cert.empty()) {
    service::ServerTlsPem pem;
    GLEANER_RETURN_IF_ERROR(service::ReadServerTls(flags.tls_cert, flags.tls_key, &pem));
    options->tls_cert_pem = std::move(pem.cert_chain);
    options->tls_key_pem = std::move(pem.private_key);
  }
  return Status::OK();
}

constexpr char kTestSchedulerClock[] = "GLEANER_TEST_SCHEDULER_CLOCK";

Status ReadUnixSeconds(const std::string& path, int64_t* seconds) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::string s = text.str();
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *seconds);
  if (!in || s.empty() || ec != std::errc() || end != s.data() + s.size()) {
    return Status::InvalidArgument(path + ": expected Unix seconds");
  }
  return Status::OK();
}

// The test hook of the header comment; a FILE being rewritten reads as the
// time last read.
Status SetTestSchedulerClock(service::ServerOptions* options) {
  const char* path = std::getenv(kTestSchedulerClock);
  if (path == nullptr) return Status::OK();
  int64_t seconds = 0;
  GLEANER_RETURN_IF_ERROR(ReadUnixSeconds(path, &seconds).Annotate(kTestSchedulerClock));
  auto last = std::make_shared<std::atomic<int64_t>>(seconds);
  options->clock = [file = std::string(path), last] {
    int64_t now = 0;
    if (ReadUnixSeconds(file, &now).ok()) last->store(now);
    return std::chrono::system_clock::time_point(std::chrono::seconds(last->load()));
  };
  return Status::OK();
}

Status Serve(const ServeFlags& flags, Logger* log) {
  // Every thread the server starts inherits this mask, so the signals reach
  // only sigwait below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  service::ServerOptions options;
  options.listen = flags.listen;
  options.data_dir = ResolveDataDir(flags.data);
  options.allow_private_networks = flags.allow_private_networks;
  options.metrics_listen = flags.metrics;
  options.ca_file = flags.ca_file;
  options.redis_url = flags.redis;
  options.log = log;
  GLEANER_RETURN_IF_ERROR(ReadSecrets(flags, &options));
  GLEANER_RETURN_IF_ERROR(SetTestSchedulerClock(&options));
  std::unique_ptr<service::GleanerServer> server;
  GLEANER_RETURN_IF_ERROR(service::GleanerServer::Start(options, &server));
  // stdout names the addresses for scripts; the log says the same for operators.
  // "metrics on" comes first: whoever waits for "listening on" then has both.
  if (!server->metrics_address().empty()) {
    std::cout << "metrics on " << server->metrics_address() << '\n';
    log->Info("serving metrics", {{"address", server->metrics_address()}});
  }
  std::cout << "listening on " << server->address() << std::endl;
  log->Info("listening", {{"address", server->address()}});

  int sig = 0;
  sigwait(&signals, &sig);
  log->Info("shutting down", {{"signal", sig == SIGINT ? "SIGINT" : "SIGTERM"}});
  server->Shutdown();
  log->Info("stopped");
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
  cmd->add_option("--token-env", flags->token_env,
                  "Require this bearer token (the environment variable's value) on every call");
  cmd->add_option("--tls-cert", flags->tls_cert,
                  "Serve TLS with this PEM certificate chain (with --tls-key)");
  cmd->add_option("--tls-key", flags->tls_key, "The PEM private key of --tls-cert");
  cmd->add_option("--metrics", flags->metrics,
                  "Serve Prometheus metrics at http://HOST:PORT/metrics (without a host: "
                  "127.0.0.1; default: off)");
  cmd->add_flag("--allow-private-networks", flags->allow_private_networks,
                "Let submitted jobs crawl loopback, private and link-local addresses");
  cmd->add_option("--redis", flags->redis,
                  "Multi-machine crawls: publish jobs in this Redis (redis://HOST[:PORT][/DB]) for "
                  "`gleaner worker` processes instead of crawling them here");
  AddCaFileFlag(cmd, &flags->ca_file);
  AddLogFormatFlag(cmd, &flags->log_format);
  cmd->callback([flags, result] {
    result->exit_code =
        RunLogged(flags->log_format, [&](Logger* log) { return Serve(*flags, log); });
  });
}

}  // namespace gleaner::tools
