// Logger: the log of the long-running commands (`gleaner serve`, `gleaner
// worker`). Every line carries an RFC 3339 UTC timestamp with milliseconds,
// a level, a message and optional fields; as text
//   2026-12-05T01:02:03.456Z INFO job started job=books
// or, in LogFormat::kJson, one JSON object a line:
//   {"ts":"2026-12-05T01:02:03.456Z","level":"info","msg":"job started","job":"books"}
// Thread-safe: each line is written whole, under a mutex. The stream must
// outlive the logger; the clock is injected so tests can pin the timestamps.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <ostream>
#include <sstream>
#include <streambuf>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "common/status.h"

namespace gleaner {

enum class LogLevel { kInfo, kWarn, kError };
enum class LogFormat { kText, kJson };

// "text" or "json"; InvalidArgument naming the choices otherwise.
Status ParseLogFormat(std::string_view name, LogFormat* format);

// A named value on a log line: text, or a number (JSON number, unquoted).
struct LogField {
  LogField(std::string key, std::string_view text) : key(std::move(key)), value(text) {}
  LogField(std::string key, const char* text) : key(std::move(key)), value(text) {}
  template <typename T,
            std::enable_if_t<std::is_arithmetic_v<T> && !std::is_same_v<T, bool>, int> = 0>
  LogField(std::string key, T number)
      : key(std::move(key)), value(Format(number)), is_number(true) {}

  std::string key;
  std::string value;
  bool is_number = false;

 private:
  template <typename T>
  static std::string Format(T number) {
    std::ostringstream out;
    out << +number;
    return out.str();
  }
};

class Logger {
 public:
  // Microseconds since the Unix epoch.
  using Clock = std::function<int64_t()>;
  static int64_t SystemClockMicros();

  Logger(std::ostream* out, LogFormat format, Clock clock = SystemClockMicros)
      : out_(out), format_(format), clock_(std::move(clock)) {}

  void Log(LogLevel level, std::string_view msg, const std::vector<LogField>& fields = {});
  void Info(std::string_view msg, const std::vector<LogField>& fields = {}) {
    Log(LogLevel::kInfo, msg, fields);
  }
  void Warn(std::string_view msg, const std::vector<LogField>& fields = {}) {
    Log(LogLevel::kWarn, msg, fields);
  }
  void Error(std::string_view msg, const std::vector<LogField>& fields = {}) {
    Log(LogLevel::kError, msg, fields);
  }

 private:
  std::ostream* out_;
  LogFormat format_;
  Clock clock_;
  std::mutex mu_;
};

// An std::ostream that logs each line written to it as one message at
// `level`, for code that reports to a stream (a crawl's progress). One
// writer at a time; a last line without its newline is logged on destruction.
class LogStream : public std::ostream {
 public:
  LogStream(Logger* logger, LogLevel level);
  ~LogStream() override;

 private:
  class LineBuffer : public std::streambuf {
   public:
    LineBuffer(Logger* logger, LogLevel level) : logger_(logger), level_(level) {}
    void FlushPartialLine();

   protected:
    int_type overflow(int_type c) override;

   private:
    Logger* logger_;
    LogLevel level_;
    std::string line_;
  };
  LineBuffer buffer_;
};

}  // namespace gleaner
