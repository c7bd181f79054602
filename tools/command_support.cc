#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "ingest/prepare/dataset_export.h"
#include "ingest/profile/dataset_profile.h"
#include "service/client/service_client.h"
#include "tools/commands.h"

namespace gleaner::tools {

int Report(const Status& s) {
  if (!s.ok()) std::fprintf(stderr, "gleaner: %s\n", s.message().c_str());
  return ExitCodeFor(s);
}

Status ReadDatasetProfile(const std::string& dataset_dir, profile::DatasetProfile* out) {
  const std::string path = dataset_dir + "/" + prepare::kProfileFile;
  Status s = profile::DatasetProfile::ReadFile(path, out);
  if (s.IsNotFound()) {
    return Status::NotFound(path + " not found: " + dataset_dir +
                            " is not a dataset prepared by this version of gleaner "
                            "(prepare it again to profile it)");
  }
  // A profile.json that cannot be read (its permissions, a directory) is the
  // user's input to fix, like one that is not a profile.
  if (!s.ok() && !s.IsBadInput()) return Status::InvalidArgument(s.message());
  return s;
}

std::string ResolveDataDir(const std::string& flag_value) {
  if (!flag_value.empty()) return flag_value;
  const char* env = std::getenv("GLEANER_DATA");
  if (env != nullptr && *env != '\0') return env;
  return "./gleaner-data";
}

std::string SpillDir() {
  const char* tmp = std::getenv("TMPDIR");
  return tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
}

void AddDataFlag(CLI::App* cmd, std::string* data_dir) {
  cmd->add_option("--data", *data_dir,
                  "Staging store directory (default: $GLEANER_DATA or ./gleaner-data)");
}

void AddLogFormatFlag(CLI::App* cmd, std::string* log_format) {
  cmd->add_option("--log-format", *log_format,
                  "Log lines on stderr as text or json (one object a line)")
      ->capture_default_str();
}

int RunLogged(const std::string& log_format, const std::function<Status(Logger* log)>& body) {
  LogFormat format;
  Status parsed = ParseLogFormat(log_format, &format);
  if (!parsed.ok()) return Report(parsed);
  Logger log(&std::cerr, format);
  Status s = body(&log);
  if (!s.ok()) log.Error(s.message());
  return ExitCodeFor(s);
}

void AddClientFlags(CLI::App* cmd, service::ClientFlags* flags) {
  cmd->add_option("--server", flags->server,
                  "HOST:PORT of the server (default: $GLEANER_SERVER or 127.0.0.1:50051)");
  cmd->add_option("--token-file", flags->token_file,
                  "File holding the bearer token (default: the token in $GLEANER_TOKEN)");
  cmd->add_flag("--tls", flags->tls, "Connect with TLS, trusting the system's CAs");
  cmd->add_option("--tls-ca", flags->tls_ca,
                  "Connect with TLS, trusting the CA certificates in this PEM file "
                  "(default: $GLEANER_TLS_CA)");
}

}  // namespace gleaner::tools
