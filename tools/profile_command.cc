// `gleaner profile DATASET_DIR [--json] [--html FILE]`: what a prepared
// dataset's columns hold, read from its profile.json (written by every
// prepare). A table with a row per column for people; --json prints the
// profile's summary (profile.json without its sketches); --html also writes
// it as a page (html_report_file.h).
#include <cmath>
#include <cstdio>
#include <iostream>

#include "ingest/profile/dataset_profile.h"
#include "ingest/shards/text_encoding.h"
#include "tools/commands.h"
#include "tools/html_report_file.h"
#include "tools/output_format.h"

namespace gleaner::tools {
namespace {

using nlohmann::json;

// Values of the top list shown in the table, and their width.
constexpr size_t kTableTopValues = 3;
constexpr size_t kTableValueChars = 20;

std::string Number(const json& v) {
  if (v.is_null()) return "-";
  if (v.is_number_integer()) return v.dump();
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", v.get<double>());
  return buffer;
}

// A summary figure of `column` as the table prints it: timestamps in UTC.
std::string Figure(const json& column, const json& v) {
  if (column["type"] == "timestamp" && v.is_number()) {
    return shards::FormatTimestampMicros(std::llround(v.get<double>()));
  }
  return Number(v);
}

std::string TopValues(const json& summary) {
  std::string text;
  const json& top = summary.value("top", json::array());
  for (size_t i = 0; i < top.size() && i < kTableTopValues; ++i) {
    if (!text.empty()) text += ", ";
    text += Truncate(top[i]["value"].get<std::string>(), kTableValueChars) + " (" +
            top[i]["count"].dump() + ")";
  }
  return text.empty() ? "-" : text;
}

void PrintTable(const json& doc, std::ostream& out) {
  const json& rows = doc["rows"];
  out << rows["total"] << " rows (train " << rows["train"] << ", validation " << rows["validation"]
      << ", test " << rows["test"] << ")\n";
  TablePrinter table({"COLUMN", "TYPE", "COUNT", "NULLS", "DISTINCT", "MIN", "P50", "MAX", "MEAN",
                      "SD", "TOP VALUES"});
  for (const json& column : doc["columns"]) {
    const json& s = column["summary"];
    const json none;
    const json& p50 = s.contains("quantiles") ? s["quantiles"]["p50"] : none;
    std::string type = column["type"].get<std::string>();
    if (column["categorical"] == true) type = "category";
    const bool timestamp = column["type"] == "timestamp";
    table.AddRow({column["name"].get<std::string>(), type, Number(s["count"]), Number(s["nulls"]),
                  (s["distinct_exact"] == true ? "" : "~") + Number(s["distinct"]),
                  Figure(column, s.value("min", none)), Figure(column, p50),
                  Figure(column, s.value("max", none)), Figure(column, s.value("mean", none)),
                  // A timestamp's spread in seconds.
                  timestamp && s.contains("sd") ? Number(s["sd"].get<double>() / 1e6) + "s"
                                                : Number(s.value("sd", none)),
                  TopValues(s)});
  }
  table.Print(out);
  out << "~: estimated (HyperLogLog, relative standard error "
      << Number(doc["errors"]["distinct_relative_standard_error"])
      << "); quantiles within rank error " << Number(doc["errors"]["quantile_rank_error"])
      << " past " << doc["errors"]["quantiles_exact_below"].get<int64_t>() - 1 << " values\n";
}

Status ShowProfile(const std::string& dataset_dir, bool as_json, const std::string& html) {
  profile::DatasetProfile profile;
  GLEANER_RETURN_IF_ERROR(ReadDatasetProfile(dataset_dir, &profile));
  const json summary = profile.SummaryJson();
  if (!html.empty()) GLEANER_RETURN_IF_ERROR(WriteProfileHtml(dataset_dir, summary, html));
  if (as_json) {
    std::cout << DumpJson(nlohmann::ordered_json(summary), 2) << '\n';
  } else {
    PrintTable(summary, std::cout);
  }
  return Status::OK();
}

}  // namespace

void RegisterProfile(CLI::App& app, CommandResult* result) {
  struct Flags {
    std::string dataset;
    bool json = false;
    std::string html;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* cmd = app.add_subcommand(
      "profile", "Show what a prepared dataset's columns hold (its profile.json)");
  cmd->add_option("dataset", flags->dataset, "Dataset directory (gleaner prepare --out)")
      ->required();
  cmd->add_flag("--json", flags->json, "Print the profile's summary as JSON");
  cmd->add_option("--html", flags->html, "Also write the profile as one self-contained HTML file");
  cmd->callback([flags, result] {
    result->exit_code = Report(ShowProfile(flags->dataset, flags->json, flags->html));
  });
}

}  // namespace gleaner::tools
