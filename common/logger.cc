#include "common/logger.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

namespace gleaner {
namespace {

const char* LevelWord(LogLevel level, LogFormat format) {
  switch (level) {
    case LogLevel::kInfo:
      return format == LogFormat::kJson ? "info" : "INFO";
    case LogLevel::kWarn:
      return format == LogFormat::kJson ? "warn" : "WARN";
    case LogLevel::kError:
      return format == LogFormat::kJson ? "error" : "ERROR";
  }
  return "";
}

// 2026-12-05T01:02:03.456Z
std::string Rfc3339Millis(int64_t micros) {
  int64_t seconds = micros / 1000000;
  int64_t millis = (micros % 1000000) / 1000;
  if (millis < 0) {  // before 1970: floor, not truncate
    seconds -= 1;
    millis += 1000;
  }
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];  // room for any int year, so the format is never cut
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(millis));
  return buf;
}

// A JSON string literal; invalid UTF-8 (a scraped URL, say) becomes U+FFFD,
// so every line stays valid JSON.
void AppendJsonString(std::string_view s, std::string* out) {
  *out +=
      nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// logfmt: bare when the value has no space, quote, '=' or control byte.
void AppendTextValue(std::string_view s, std::string* out) {
  bool bare = !s.empty();
  for (char c : s) {
    if (c == ' ' || c == '"' || c == '=' || static_cast<unsigned char>(c) < 0x20) bare = false;
  }
  if (bare) {
    out->append(s);
  } else {
    AppendJsonString(s, out);
  }
}

}  // namespace

Status ParseLogFormat(std::string_view name, LogFormat* format) {
  if (name == "text") {
    *format = LogFormat::kText;
  } else if (name == "json") {
    *format = LogFormat::kJson;
  } else {
    return Status::InvalidArgument("--log-format: '" + std::string(name) +
                                   "' is not a log format; use text or json");
  }
  return Status::OK();
}

int64_t Logger::SystemClockMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void Logger::Log(LogLevel level, std::string_view msg, const std::vector<LogField>& fields) {
  std::string line;
  const std::string ts = Rfc3339Millis(clock_());
  if (format_ == LogFormat::kJson) {
    line = "{\"ts\":\"" + ts + "\",\"level\":\"" + LevelWord(level, format_) + "\",\"msg\":";
    AppendJsonString(msg, &line);
    for (const LogField& f : fields) {
      line.push_back(',');
      AppendJsonString(f.key, &line);
      line.push_back(':');
      if (f.is_number) {
        line += f.value;
      } else {
        AppendJsonString(f.value, &line);
      }
    }
    line += "}\n";
  } else {
    line = ts + " " + LevelWord(level, format_) + " ";
    line.append(msg);
    for (const LogField& f : fields) {
      line += " " + f.key + "=";
      AppendTextValue(f.value, &line);
    }
    line.push_back('\n');
  }
  std::lock_guard<std::mutex> lock(mu_);
  *out_ << line << std::flush;
}

LogStream::LogStream(Logger* logger, LogLevel level)
    : std::ostream(nullptr), buffer_(logger, level) {
  rdbuf(&buffer_);
}

LogStream::~LogStream() { buffer_.FlushPartialLine(); }

LogStream::LineBuffer::int_type LogStream::LineBuffer::overflow(int_type c) {
  if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
  if (traits_type::to_char_type(c) == '\n') {
    logger_->Log(level_, line_);
    line_.clear();
  } else {
    line_.push_back(traits_type::to_char_type(c));
  }
  return c;
}

void LogStream::LineBuffer::FlushPartialLine() {
  if (line_.empty()) return;
  logger_->Log(level_, line_);
  line_.clear();
}

}  // namespace gleaner
