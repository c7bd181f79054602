// `gleaner drift BASELINE_DIR CURRENT_DIR [--json] [--html FILE]`: what
// changed between two prepared datasets, from their profile.json files
// (ingest/drift/profile_drift.h). For people: a verdict table, fields by
// severity, then schema changes and rows per split; --json prints the whole
// report; --html also writes it as a page (html_report_file.h). Drift is a
// finding, not a failure: exit 0 (2 for a missing or unreadable profile.json).
#include <cstdio>
#include <iostream>

#include "ingest/drift/profile_drift.h"
#include "ingest/drift/profile_drift_json.h"
#include "ingest/profile/dataset_profile.h"
#include "ingest/profile/kll_sketch.h"
#include "tools/commands.h"
#include "tools/html_report_file.h"
#include "tools/output_format.h"

namespace gleaner::tools {
namespace {

using drift::FieldVerdict;
using nlohmann::ordered_json;

std::string Number(double x) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3g", x);
  return buffer;
}

// The test on a field's values, its sizes, statistic, raw and adjusted p,
// and its effect sizes, as table cells; "~" marks inputs from a sketch that
// is no longer exact.
std::vector<std::string> ValueCells(const ordered_json& field) {
  if (field.contains("numeric")) {
    const ordered_json& n = field["numeric"];
    const bool exact =
        n["sketch_exact"]["baseline"] == true && n["sketch_exact"]["current"] == true;
    const ordered_json& nw = n["normalized_wasserstein"];
    return {std::string("ks") + (exact ? "" : "~"),
            n["baseline_n"].dump() + "/" + n["current_n"].dump(),
            "D=" + Number(n["ks"]["statistic"]),
            Number(n["ks"]["p_value"]),
            Number(field["p_adjusted"]["value"]),
            "W/sd=" + (nw.is_null() ? std::string("inf") : Number(nw)) +
                " psi=" + Number(n["psi"]) + " js=" + Number(n["jensen_shannon"])};
  }
  if (field.contains("categorical")) {
    const ordered_json& c = field["categorical"];
    const bool exact =
        c["counts_exact"]["baseline"] == true && c["counts_exact"]["current"] == true;
    return {
        std::string("chi2") + (exact ? "" : "~"),
        c["baseline_n"].dump() + "/" + c["current_n"].dump(),
        "chi2=" + Number(c["chi_squared"]["statistic"]) + " dof=" + c["chi_squared"]["dof"].dump(),
        Number(c["chi_squared"]["p_value"]),
        Number(field["p_adjusted"]["value"]),
        "js=" + Number(c["jensen_shannon"]) + " linf-floor=" + Number(c["linf"]["excess"]) +
            (c["appeared"].empty() ? "" : " +" + std::to_string(c["appeared"].size())) +
            (c["vanished"].empty() ? "" : " -" + std::to_string(c["vanished"].size()))};
  }
  return {"-", "-", "-", "-", "-", "-"};  // one side holds only nulls
}

std::string NullCell(const ordered_json& field) {
  if (!field.contains("nulls")) return "-";
  const ordered_json& n = field["nulls"];
  return Number(n["baseline_rate"]) + "->" + Number(n["current_rate"]);
}

void PrintReport(const ordered_json& report, std::ostream& out) {
  const ordered_json& counts = report["counts"];
  out << "verdict: " << report["verdict"].get<std::string>() << " (fields: " << counts["drift"]
      << " drift, " << counts["possible"] << " possible, " << counts["none"] << " none; "
      << report["schema"].size() << " schema change(s))\n\n";
  TablePrinter table({"FIELD", "TYPE", "VERDICT", "TEST", "N BASE/CUR", "STATISTIC", "P", "P ADJ",
                      "EFFECT", "NULL RATE"});
  for (const ordered_json& field : report["fields"]) {
    std::vector<std::string> row = {field["field"].get<std::string>(),
                                    field["type"].get<std::string>(),
                                    field["verdict"].get<std::string>()};
    for (std::string& cell : ValueCells(field)) row.push_back(std::move(cell));
    row.push_back(NullCell(field));
    table.AddRow(std::move(row));
  }
  table.Print(out);
  for (const ordered_json& field : report["fields"]) {
    if (field["verdict"] == "none") continue;
    out << field["field"].get<std::string>() << ": " << field["reason"].get<std::string>() << '\n';
  }

  out << "\nschema:";
  if (report["schema"].empty()) out << " unchanged";
  out << '\n';
  for (const ordered_json& s : report["schema"]) {
    out << "  " << s["field"].get<std::string>() << ": " << s["change"].get<std::string>();
    if (s["change"] == "type_changed") {
      out << " " << s["baseline_type"].get<std::string>() << " -> "
          << s["current_type"].get<std::string>();
    }
    out << '\n';
  }
  out << "\nrows:\n";
  TablePrinter rows({"SPLIT", "BASELINE", "CURRENT", "CHANGE"});
  for (const auto& [split, r] : report["rows"].items()) {
    const int64_t change = r["change"];
    rows.AddRow({split, r["baseline"].dump(), r["current"].dump(),
                 (change > 0 ? "+" : "") + std::to_string(change)});
  }
  rows.Print(out);
  const ordered_json& options = report["options"];
  out << "\nP ADJ: Benjamini-Hochberg across all fields' tests, alpha " << Number(options["alpha"])
      << "; up to " << options["small_sample_max"]
      << " rows a side the p-values decide, above them effect sizes too (docs/drift.md)\n"
      << "~: from a sketch no longer exact (KLL: within rank error "
      << Number(profile::KllSketch::kRankError)
      << "; frequent items: lower-bound counts of the values both sides kept, the rest as \""
      << drift::kOtherValues << "\")\n";
}

Status CompareDatasets(const std::string& baseline_dir, const std::string& current_dir,
                       bool as_json, const std::string& html) {
  profile::DatasetProfile baseline, current;
  GLEANER_RETURN_IF_ERROR(ReadDatasetProfile(baseline_dir, &baseline));
  GLEANER_RETURN_IF_ERROR(ReadDatasetProfile(current_dir, &current));
  const drift::VerdictOptions options;
  drift::ProfileDrift result;
  GLEANER_RETURN_IF_ERROR(drift::CompareProfiles(baseline, current, options, &result));
  ordered_json report = drift::ProfileDriftJson(result, options);
  report["baseline"] = baseline_dir;
  report["current"] = current_dir;
  if (!html.empty()) GLEANER_RETURN_IF_ERROR(WriteDriftHtml(report, html));
  if (as_json) {
    std::cout << DumpJson(report, 2) << '\n';
  } else {
    PrintReport(report, std::cout);
  }
  return Status::OK();
}

}  // namespace

void RegisterDrift(CLI::App& app, CommandResult* result) {
  struct Flags {
    std::string baseline, current;
    bool json = false;
    std::string html;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* cmd = app.add_subcommand(
      "drift", "Compare two prepared datasets' profiles: a drift verdict per field");
  cmd->add_option("baseline", flags->baseline, "Baseline dataset directory (gleaner prepare --out)")
      ->required();
  cmd->add_option("current", flags->current, "Current dataset directory")->required();
  cmd->add_flag("--json", flags->json, "Print the whole report as JSON");
  cmd->add_option("--html", flags->html, "Also write the report as one self-contained HTML file");
  cmd->callback([flags, result] {
    result->exit_code =
        Report(CompareDatasets(flags->baseline, flags->current, flags->json, flags->html));
  });
}

}  // namespace gleaner::tools
