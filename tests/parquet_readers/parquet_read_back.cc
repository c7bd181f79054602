#include "tests/parquet_readers/parquet_read_back.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <optional>
#include <sstream>
#include <thread>

#include "tests/support/child_process.h"
#include "tests/support/node_script.h"

namespace gleaner::testing {

namespace fs = std::filesystem;

namespace {

// The reader server of this build tree (read.mjs --serve): every test process
// that reads Parquet asks it, the first one starts it, and it stops once idle
// for kIdleMillis. Anything amiss with it (no node, a socket path too long, a
// server that went away or runs an older read.mjs) falls back to running
// read.mjs directly, which then reports any real failure.
constexpr const char* kServerSocket = PARQUET_READERS_SOCKET;
constexpr int kIdleMillis = 20000;
constexpr auto kStartWait = std::chrono::seconds(15);

// A connected socket to the reader server, or -1.
int ConnectToServer() {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (std::strlen(kServerSocket) >= sizeof address.sun_path) return -1;
  std::strcpy(address.sun_path, kServerSocket);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// Starts `node read.mjs --serve` detached from this process: its own session,
// no inherited descriptors (ctest's output pipes, a test's listening sockets),
// reparented away so that nobody has to reap it.
void StartServer(const std::string& node, const std::string& script) {
  const std::string idle = std::to_string(kIdleMillis);
  const char* argv[] = {node.c_str(), script.c_str(), "--serve", kServerSocket, idle.c_str(),
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

// A connection to the reader server, started if none answers (one starter at
// a time: the others wait on the lock, then find it answering), or -1.
int ConnectOrStartServer(const std::string& script) {
  int fd = ConnectToServer();
  if (fd >= 0) return fd;
  const std::string node = FindOnPath("node");
  if (node.empty() || std::strlen(kServerSocket) >= sizeof(sockaddr_un{}.sun_path)) return -1;
  const std::string lock_path = std::string(kServerSocket) + ".lock";
  int lock = open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock < 0) return -1;
  flock(lock, LOCK_EX);
  fd = ConnectToServer();
  if (fd < 0) {
    StartServer(node, script);
    const auto deadline = std::chrono::steady_clock::now() + kStartWait;
    while ((fd = ConnectToServer()) < 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  close(lock);  // releases the lock
  return fd;
}

// The documents the reader server read, or nullopt when it could not be asked
// or did not answer to the end; a read that failed there fails the test.
std::optional<std::vector<nlohmann::json>> AskServer(const std::string& script,
                                                     const std::vector<std::string>& readers,
                                                     const std::vector<std::string>& files) {
  int fd = ConnectOrStartServer(script);
  if (fd < 0) return std::nullopt;
  std::string request = nlohmann::json{{"readers", readers}, {"files", files}}.dump() + "\n";
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
    nlohmann::json document = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (document.is_discarded()) return std::nullopt;
    documents.push_back(std::move(document));
  }
  if (documents.empty() || !documents.back().contains("end")) return std::nullopt;
  const nlohmann::json end = documents.back();
  documents.pop_back();
  if (end["end"] == "error") {
    INFO(script << " failed: " << end.value("message", ""));
    FAIL("a Parquet reader failed");
  }
  if (end["end"] != "ok") return std::nullopt;
  REQUIRE(documents.size() == readers.size() * files.size());
  return documents;
}

// Every file with each of `readers`, in one run of read.mjs.
std::map<std::string, std::vector<nlohmann::json>> ReadWith(const std::vector<std::string>& readers,
                                                            const std::vector<std::string>& files) {
  std::map<std::string, std::vector<nlohmann::json>> by_reader;
  for (const std::string& reader : readers) by_reader[reader];
  if (files.empty()) return by_reader;
  const std::string dir = PARQUET_READERS_DIR;
  INFO("the Parquet readers are not installed in " << dir << ": run scripts/install-deps.sh");
  REQUIRE(fs::exists(dir + "/node_modules/@duckdb/node-api/package.json"));
  REQUIRE(fs::exists(dir + "/node_modules/hyparquet/package.json"));
  REQUIRE(fs::exists(dir + "/node_modules/hyparquet-compressors/package.json"));
  std::string reader_list;
  for (const std::string& reader : readers)
    reader_list += (reader_list.empty() ? "" : ",") + reader;
  std::vector<std::string> args = {reader_list};
  args.insert(args.end(), files.begin(), files.end());
  // read.mjs prints every file of the first reader, then of the next.
  std::optional<std::vector<nlohmann::json>> served = AskServer(dir + "/read.mjs", readers, files);
  const std::vector<nlohmann::json> documents =
      served ? *std::move(served)
             : RunNodeScript(dir + "/read.mjs", args, readers.size() * files.size());
  for (size_t r = 0; r < readers.size(); ++r) {
    by_reader[readers[r]].assign(documents.begin() + r * files.size(),
                                 documents.begin() + (r + 1) * files.size());
  }
  return by_reader;
}

}  // namespace

std::map<std::string, std::vector<nlohmann::json>> ReadParquetFilesWithEachReader(
    const std::vector<std::string>& files) {
  return ReadWith({std::begin(kParquetReaders), std::end(kParquetReaders)}, files);
}

std::vector<nlohmann::json> ReadParquetFiles(const std::string& reader,
                                             const std::vector<std::string>& files) {
  return ReadWith({reader}, files).at(reader);
}

nlohmann::json CanonicalValue(const v1::Value& value) {
  switch (value.kind_case()) {
    case v1::Value::kStringValue:
      return value.string_value();
    case v1::Value::kIntValue:
      return std::to_string(value.int_value());
    case v1::Value::kTimestampMicros:
      return std::to_string(value.timestamp_micros());
    case v1::Value::kBoolValue:
      return value.bool_value();
    case v1::Value::kDoubleValue: {
      const double d = value.double_value();
      if (std::isnan(d)) return "NaN";
      if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
      if (d == 0 && std::signbit(d)) return "-0";
      return d;
    }
    default:
      return nullptr;
  }
}

}  // namespace gleaner::testing
