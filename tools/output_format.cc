#include "tools/output_format.h"

#include <cmath>
#include <ctime>

#include "ingest/report/label_text.h"
#include "storage/job_phase.h"

namespace gleaner::tools {
namespace {

size_t Utf8Length(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

}  // namespace

std::string ValueToText(const v1::Value& v) {
  switch (v.kind_case()) {
    case v1::Value::kStringValue:
      return v.string_value();
    case v1::Value::kJsonValue:
      return v.json_value();
    case v1::Value::KIND_NOT_SET:
      return "";
    default: {
      nlohmann::ordered_json j = shards::ValueToJson(v);
      return j.is_string() ? j.get<std::string>() : j.dump();
    }
  }
}

nlohmann::ordered_json RecordToJson(const v1::Record& r) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  j["source_url"] = r.source_url();
  j["fetch_time"] = shards::FormatTimestampMicros(r.fetch_time_micros());
  for (const auto& f : r.fields()) j[f.name()] = shards::ValueToJson(f.value());
  return j;
}

nlohmann::ordered_json ErrorToJson(const v1::FetchError& e) {
  return {{"url", e.url()},
          {"kind", v1::ErrorKind_Name(e.kind())},
          {"http_status", e.http_status()},
          {"curl_code", e.curl_code()},
          {"message", e.message()},
          {"attempts", e.attempts()},
          {"time", shards::FormatTimestampMicros(e.time_micros())}};
}

nlohmann::ordered_json PageToJson(const v1::Page& p) {
  nlohmann::ordered_json headers = nlohmann::ordered_json::object();
  for (const auto& h : p.headers()) headers[h.name()] = h.value();
  return {{"url", p.url()},
          {"final_url", p.final_url()},
          {"redirects", p.redirects()},
          {"status", p.status()},
          {"headers", headers},
          {"body_bytes", p.body_size()},
          {"fetch_time", shards::FormatTimestampMicros(p.fetch_time_micros())},
          {"total_ms", p.timings().total_ms()},
          {"depth", p.depth()},
          {"error", p.error()}};
}

nlohmann::ordered_json JobToJson(const v1::JobState& j) {
  nlohmann::ordered_json status_counts = nlohmann::ordered_json::object();
  for (const auto& [code, n] : j.stats().status_counts()) status_counts[std::to_string(code)] = n;
  return {{"job", j.name()},
          {"phase", storage::JobPhaseWord(j.phase())},
          {"message", j.message()},  // why it failed, or why its run ended early
          {"records", j.record_count()},
          {"pages", j.page_count()},
          {"errors", j.error_count()},
          {"created", shards::FormatTimestampMicros(j.created_micros())},
          {"updated", shards::FormatTimestampMicros(j.updated_micros())},
          {"stats",
           {{"pages_fetched", j.stats().pages_fetched()},
            {"pages_not_modified", j.stats().pages_not_modified()},
            {"bytes_fetched", j.stats().bytes_fetched()},
            {"retries", j.stats().retries()},
            {"robots_blocked", j.stats().robots_blocked()},
            {"links_over_cap", j.stats().links_over_cap()},
            {"status_counts", status_counts},
            {"duration_s", j.stats().duration_s()}}},
          {"run", j.run().number() != 0 ? RunToJson(j.run()) : nlohmann::ordered_json()}};
}

const char* RunPhaseWord(const v1::CrawlRun& run) {
  switch (run.end()) {
    case v1::CrawlRun::OPEN:
      return "running";
    case v1::CrawlRun::NOTHING_FETCHED:
      return "failed";
    default:
      return "succeeded";
  }
}

nlohmann::ordered_json RunToJson(const v1::CrawlRun& run) {
  static const char* const kEnds[] = {nullptr, "complete", "max_pages", "nothing_fetched"};
  const int end = static_cast<int>(run.end());
  nlohmann::ordered_json out = {
      {"run", run.number()},
      {"phase", RunPhaseWord(run)},
      {"end", end > 0 && end < 4 ? nlohmann::ordered_json(kEnds[end]) : nlohmann::ordered_json()},
      {"end_reason", run.end_reason()},
      {"started", shards::FormatTimestampMicros(run.start_micros())},
      {"ended", run.end_micros() != 0
                    ? nlohmann::ordered_json(shards::FormatTimestampMicros(run.end_micros()))
                    : nlohmann::ordered_json()},
      {"pages_fetched", run.pages_ok()},
      {"pages_not_modified", run.pages_not_modified()},
      {"pages_failed", run.pages_failed()},
      {"pages_carried_over", run.pages_carried_over()},
      {"records_added", run.records_added()},
      {"records_changed", run.records_changed()},
      {"records_unchanged", run.records_unchanged()},
      {"records_removed", run.records_removed()},
      {"bytes", run.bytes()}};
  return out;
}

nlohmann::ordered_json UrlStateToJson(const v1::UrlState& state) {
  auto time = [](int64_t micros) {
    return micros != 0 ? nlohmann::ordered_json(shards::FormatTimestampMicros(micros))
                       : nlohmann::ordered_json();
  };
  return {{"last_run", state.last_run()},
          {"record_count", state.record_count()},
          {"failures", state.failures()},
          {"last_failure", state.failures() != 0
                               ? nlohmann::ordered_json(v1::ErrorKind_Name(state.last_failure()))
                               : nlohmann::ordered_json()},
          {"last_fetch", time(state.last_fetch_micros())},
          {"last_change", time(state.last_change_micros())},
          {"interval_s", state.interval_micros() / 1000000},
          {"next_due", time(state.next_due_micros())}};
}

void PrintRuns(const std::vector<v1::CrawlRun>& runs, bool json, std::ostream& out) {
  if (json) {
    nlohmann::ordered_json array = nlohmann::ordered_json::array();
    for (const auto& run : runs) array.push_back(RunToJson(run));
    out << DumpJson(array, 2) << '\n';
    return;
  }
  TablePrinter t({"RUN", "PHASE", "STARTED", "ENDED", "FETCHED", "NOT_MODIFIED", "FAILED",
                  "CARRIED_OVER", "ADDED", "CHANGED", "UNCHANGED", "REMOVED", "BYTES"});
  for (const auto& run : runs) {
    t.AddRow({std::to_string(run.number()), RunPhaseWord(run),
              shards::FormatTimestampMicros(run.start_micros()),
              run.end_micros() != 0 ? shards::FormatTimestampMicros(run.end_micros()) : "-",
              std::to_string(run.pages_ok()), std::to_string(run.pages_not_modified()),
              std::to_string(run.pages_failed()), std::to_string(run.pages_carried_over()),
              std::to_string(run.records_added()), std::to_string(run.records_changed()),
              std::to_string(run.records_unchanged()), std::to_string(run.records_removed()),
              std::to_string(run.bytes())});
  }
  t.Print(out);
}

std::string RunSummary(const v1::CrawlRun& run) {
  return std::to_string(run.number()) + " (" + RunPhaseWord(run) +
         "): " + std::to_string(run.records_added()) + " added, " +
         std::to_string(run.records_changed()) + " changed, " +
         std::to_string(run.records_unchanged()) + " unchanged, " +
         std::to_string(run.records_removed()) + " removed; " + std::to_string(run.pages_ok()) +
         " pages fetched, " + std::to_string(run.pages_not_modified()) + " not modified";
}

std::string DumpJson(const nlohmann::ordered_json& j, int indent) {
  return j.dump(indent, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string Truncate(const std::string& s, size_t max_chars) {
  return report::Shorten(s, max_chars);
}

void TablePrinter::Print(std::ostream& out) const {
  std::vector<size_t> width(header_.size(), 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size() && i < width.size(); ++i) {
      width[i] = std::max(width[i], Utf8Length(row[i]));
    }
  };
  measure(header_);
  for (const auto& r : rows_) measure(r);
  auto print = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t i = 0; i < row.size() && i < width.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(width[i] - Utf8Length(row[i]) + 2, ' ');
    }
    out << line << '\n';
  };
  print(header_);
  for (const auto& r : rows_) print(r);
}

}  // namespace gleaner::tools
