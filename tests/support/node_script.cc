#include "tests/support/node_script.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <optional>
#include <sstream>
#include <thread>

#include "tests/support/child_process.h"

namespace gleaner::testing {

namespace {

constexpr int kServerIdleMillis = 20000;
constexpr auto kServerStartWait = std::chrono::seconds(15);

// The address of `script`'s server in this build tree, or false when the
// path does not fit a Unix socket address.
bool ServerAddress(const std::string& script, sockaddr_un* address) {
  const std::string path = std::string(NODE_SCRIPT_SERVER_DIR) + "/" +
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

// Starts `node script --serve` detached from this process: its own session,
// no inherited descriptors (ctest's output pipes, a test's listening
// sockets), reparented away so that nobody has to reap it.
void StartServer(const std::string& node, const std::string& script, const char* socket_path) {
  const std::string idle = std::to_string(kServerIdleMillis);
  const char* argv[] = {node.c_str(), script.c_str(), "--serve", socket_path, idle.c_str(),
                        nullptr};
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
int ConnectOrStartServer(const std::string& node, const std::string& script) {
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
    StartServer(node, script, address.sun_path);
    const auto deadline = std::chrono::steady_clock::now() + kServerStartWait;
    while ((fd = Connect(address)) < 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  close(lock);  // releases the lock
  return fd;
}

// The documents `script`'s server gave for `args`, or nullopt when it could
// not be asked or did not answer to the end. A run that failed there fails
// the test, as the script's own exit status would.
std::optional<std::vector<nlohmann::json>> AskServer(const std::string& node,
                                                     const std::string& script,
                                                     const std::vector<std::string>& args) {
  int fd = ConnectOrStartServer(node, script);
  if (fd < 0) return std::nullopt;
  const std::string request = nlohmann::json{{"args", args}}.dump() + "\n";
  bool sent = true;
  for (size_t at = 0; sent && at < request.size();) {
    ssize_t n = send(fd, request.data() + at, request.size() - at, MSG_NOSIGNAL);
    sent = n > 0;
    if (sent) at += static_cast<size_t>(n);
  }
  std::string reply;
  char buffer[1 << 16];
  for (ssize_t n; sent && (n = read(fd, buffer, sizeof buffer)) > 0;) reply.append(buffer, n);
  close(fd);
  std::vector<nlohmann::json> documents;
  std::istringstream lines(reply);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    nlohmann::json document = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (document.is_discarded()) return std::nullopt;
    documents.push_back(std::move(document));
  }
  if (documents.empty() || !documents.back().is_object() || !documents.back().contains("end")) {
    return std::nullopt;
  }
  const nlohmann::json end = documents.back();
  documents.pop_back();
  if (end["end"] == "error") {
    INFO(script << " failed: " << end.value("message", ""));
    FAIL("a test script failed");
  }
  if (end["end"] != "ok") return std::nullopt;
  return documents;
}

}  // namespace

std::vector<nlohmann::json> RunNodeScript(const std::string& script,
                                          const std::vector<std::string>& args, size_t documents) {
  const std::string node = FindOnPath("node");
  INFO("node is needed on PATH to run " << script << " (scripts/install-deps.sh)");
  REQUIRE_FALSE(node.empty());
  if (std::optional<std::vector<nlohmann::json>> served = AskServer(node, script, args)) {
    REQUIRE(served->size() == documents);
    return *std::move(served);
  }
  std::vector<std::string> argv = {node, script};
  argv.insert(argv.end(), args.begin(), args.end());
  const ProcessResult result = RunProcess(argv);
  INFO(script << " failed: " << result.err);
  REQUIRE(result.exit_code == 0);

  std::vector<nlohmann::json> parsed;
  std::istringstream lines(result.out);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) parsed.push_back(nlohmann::json::parse(line));
  }
  REQUIRE(parsed.size() == documents);
  return parsed;
}

}  // namespace gleaner::testing
