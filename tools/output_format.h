// How inspection commands print stored rows: aligned tables for people,
// JSON / JSONL / CSV for machines. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "ingest/shards/text_encoding.h"
#include "schema/gleaner.pb.h"

namespace gleaner::tools {

// Plain text of a value for tables and CSV; empty for null.
std::string ValueToText(const v1::Value& v);
// A record as one flat object: "source_url", "fetch_time", then its fields in order.
nlohmann::ordered_json RecordToJson(const v1::Record& r);
nlohmann::ordered_json ErrorToJson(const v1::FetchError& e);
nlohmann::ordered_json PageToJson(const v1::Page& p);  // without the body
// With "run": the current or last run as RunToJson has it (null when the
// job keeps no runs).
nlohmann::ordered_json JobToJson(const v1::JobState& j);
// One run of a job, as `stage runs --json` lists it.
nlohmann::ordered_json RunToJson(const v1::CrawlRun& run);
// A URL's state across runs: its last run, transient failures, revisit schedule.
nlohmann::ordered_json UrlStateToJson(const v1::UrlState& state);
// How a run stands, for people: running, succeeded or failed.
const char* RunPhaseWord(const v1::CrawlRun& run);
// A job's runs as `stage runs` and `jobs runs` print them: one JSON array, or
// a table with a row per run.
void PrintRuns(const std::vector<v1::CrawlRun>& runs, bool json, std::ostream& out);
// One line about a run for people: "2 (succeeded): 3 added, 1 changed, ...".
std::string RunSummary(const v1::CrawlRun& run);

// Serializes JSON; invalid UTF-8 scraped from the web becomes U+FFFD so the
// output is always valid JSON.
std::string DumpJson(const nlohmann::ordered_json& j, int indent = -1);

// RFC 4180 field: quoted when it holds a comma, quote, CR or LF.
std::string CsvField(const std::string& s);

// Collects rows, then prints them with columns padded to the widest cell.
class TablePrinter {
 public:
  explicit TablePrinter(std::vector<std::string> header) : header_(std::move(header)) {}
  void AddRow(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  void Print(std::ostream& out) const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

// Shortens s to at most max_chars characters (UTF-8 aware), ending in "…".
std::string Truncate(const std::string& s, size_t max_chars);

}  // namespace gleaner::tools
