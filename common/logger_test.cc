#include "common/logger.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <algorithm>
#include <sstream>

namespace gleaner {
namespace {

// 2026-12-05T01:02:03.456789Z: the clock's microseconds are cut to milliseconds.
constexpr int64_t kNow = 1796432523456789;

Logger::Clock FixedClock() {
  return [] { return kNow; };
}

TEST_CASE("a text log line is timestamp, level, message, then key=value fields") {
  std::ostringstream out;
  Logger log(&out, LogFormat::kText, FixedClock());
  log.Info("job started", {{"job", "books"}, {"pages", 12}});
  log.Warn("job ended", {{"error", "connect failed: refused"}, {"empty", ""}});
  log.Error("stopped");
  CHECK(out.str() ==
        "2026-12-05T01:02:03.456Z INFO job started job=books pages=12\n"
        "2026-12-05T01:02:03.456Z WARN job ended error=\"connect failed: refused\" empty=\"\"\n"
        "2026-12-05T01:02:03.456Z ERROR stopped\n");
}

TEST_CASE("a JSON log line is one object with ts, level, msg and the fields, typed") {
  std::ostringstream out;
  Logger log(&out, LogFormat::kJson, FixedClock());
  log.Warn("job \"x\"\nended", {{"job", "books"}, {"pages", uint64_t{7}}, {"seconds", 1.5}});
  const std::string line = out.str();
  REQUIRE(line.back() == '\n');
  CHECK(line.find('\n') == line.size() - 1);  // one line, the message's newline escaped
  const nlohmann::json j = nlohmann::json::parse(line);
  CHECK(j == nlohmann::json{{"ts", "2026-12-05T01:02:03.456Z"},
                            {"level", "warn"},
                            {"msg", "job \"x\"\nended"},
                            {"job", "books"},
                            {"pages", 7},
                            {"seconds", 1.5}});
  // Key order is fixed: ts, level, msg, then the fields as given.
  CHECK(line.rfind("{\"ts\":", 0) == 0);
}

TEST_CASE("scraped invalid UTF-8 in a field still gives a valid JSON line") {
  std::ostringstream out;
  Logger log(&out, LogFormat::kJson, FixedClock());
  log.Info("fetch failed", {{"url", "https://x.example/\xff\xfe"}});
  CHECK_NOTHROW(nlohmann::json::parse(out.str()));
}

TEST_CASE("a LogStream logs each line written to it, and a last partial line at its end") {
  std::ostringstream out;
  Logger log(&out, LogFormat::kJson, FixedClock());
  {
    LogStream stream(&log, LogLevel::kInfo);
    stream << "first line\nsecond" << " line\n";
    const std::string so_far = out.str();
    CHECK(std::count(so_far.begin(), so_far.end(), '\n') == 2);  // each line as it ends
    stream << "unfinished";
  }
  std::istringstream lines(out.str());
  std::vector<std::string> messages;
  for (std::string line; std::getline(lines, line);) {
    messages.push_back(nlohmann::json::parse(line)["msg"]);
  }
  CHECK(messages == std::vector<std::string>{"first line", "second line", "unfinished"});
}

TEST_CASE("log formats are text or json, anything else names the choices") {
  LogFormat format;
  CHECK(ParseLogFormat("json", &format).ok());
  CHECK(format == LogFormat::kJson);
  CHECK(ParseLogFormat("text", &format).ok());
  CHECK(format == LogFormat::kText);
  Status s = ParseLogFormat("yaml", &format);
  CHECK(s.code() == Status::Code::kInvalidArgument);
  CHECK(s.message().find("text or json") != std::string::npos);
}

}  // namespace
}  // namespace gleaner
