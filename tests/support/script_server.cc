#include "tests/support/script_server.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <thread>

namespace gleaner::testing {

namespace {

// Long enough to span the gaps between the tests that need a server in a
// loaded suite run (20 s was not: a slow run started each server twice).
constexpr int kServerIdleMillis = 60000;
constexpr auto kServerStartWait = std::chrono::seconds(15);

// The address of `script`'s server in this build tree, or false when the
// path does not fit a Unix socket address.
bool ServerAddress(const std::string& script, sockaddr_un* address) {
  const std::string path = std::string(SCRIPT_SERVER_DIR) + "/" +
                           std::filesystem::path(script).filename().string() + ".sock";
  *address = sockaddr_un{};
  address->sun_family = AF_UNIX;
  if (path.size() >= sizeof address->sun_path) return false;
  std::strcpy(address->sun_path, path.c_str());
  return true;
}

// A socket connected to the server at `address`, or -1.
int Connect(const sockaddr_un& address) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// Starts `interpreter script --serve SOCKET IDLE_MS` detached from this process: its own session,
// no inherited descriptors (ctest's output pipes, a test's listening
// sockets), reparented away so that nobody has to reap it.
void StartServer(const std::string& interpreter, const std::string& script,
                 const char* socket_path) {
  const std::string idle = std::to_string(kServerIdleMillis);
  const char* argv[] = {interpreter.c_str(), script.c_str(), "--serve",
                        socket_path,         idle.c_str(),   nullptr};
  pid_t child = fork();
  if (child < 0) return;
  if (child == 0) {
    setsid();
    if (fork() == 0) {
      int null = open("/dev/null", O_RDWR);
      dup2(null, 0);
      dup2(null, 1);
      dup2(null, 2);
      close_range(3, ~0U, 0);
      if (chdir("/") != 0) _exit(127);  // keeps no test's directory busy
      execv(argv[0], const_cast<char* const*>(argv));
      _exit(127);
    }
    _exit(0);
  }
  waitpid(child, nullptr, 0);
}

// A connection to `script`'s server, started when none answers (one starter
// at a time: the others wait on the lock, then find it answering), or -1.
int ConnectOrStartServer(const std::string& interpreter, const std::string& script) {
  sockaddr_un address;
  if (!ServerAddress(script, &address)) return -1;
  int fd = Connect(address);
  if (fd >= 0) return fd;
  const std::string lock_path = std::string(address.sun_path) + ".lock";
  int lock = open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock < 0) return -1;
  flock(lock, LOCK_EX);
  fd = Connect(address);
  if (fd < 0) {
    StartServer(interpreter, script, address.sun_path);
    const auto deadline = std::chrono::steady_clock::now() + kServerStartWait;
    while ((fd = Connect(address)) < 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  close(lock);  // releases the lock
  return fd;
}

}  // namespace

ScriptServerReply AskScriptServer(const std::string& interpreter, const std::string& script,
                                  const std::vector<std::string>& args) {
  ScriptServerReply unavailable;
  int fd = ConnectOrStartServer(interpreter, script);
  if (fd < 0) return unavailable;
  const std::string request = nlohmann::json{{"args", args}}.dump() + "\n";
  bool sent = true;
  for (size_t at = 0; sent && at < request.size();) {
    ssize_t n = send(fd, request.data() + at, request.size() - at, MSG_NOSIGNAL);
    sent = n > 0;
    if (sent) at += static_cast<size_t>(n);
  }
  std::string text;
  char buffer[1 << 16];
  for (ssize_t n; sent && (n = read(fd, buffer, sizeof buffer)) > 0;) text.append(buffer, n);
  close(fd);
  ScriptServerReply reply;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    nlohmann::json document = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (document.is_discarded()) return unavailable;
    reply.documents.push_back(std::move(document));
  }
  if (reply.documents.empty() || !reply.documents.back().is_object() ||
      !reply.documents.back().contains("end")) {
    return unavailable;
  }
  const nlohmann::json end = reply.documents.back();
  reply.documents.pop_back();
  if (end["end"] == "ok") {
    reply.outcome = ScriptServerReply::Outcome::kOk;
  } else if (end["end"] == "error") {
    reply.outcome = ScriptServerReply::Outcome::kFailed;
    reply.message = end.value("message", "");
  } else {
    return unavailable;
  }
  return reply;
}

}  // namespace gleaner::testing
