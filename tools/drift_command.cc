// `gleaner drift BASELINE_DIR CURRENT_DIR [--json] [--html FILE]`: what changed
// between two prepared datasets, from their profile.json files
// (ingest/drift/profile_drift.h); `gleaner drift --job J --runs A,B --rules R`:
// the same between two runs of a job, profiled straight from the staging store
// (prepare/run_profile.h). For people: a verdict table, fields by severity,
// then schema changes, rows per split and rows by split key; --json prints the
// whole report; --html also writes it as a page (html_report_file.h). Drift is a
// finding, not a failure: exit 0 (2 for a missing or unreadable profile.json,
// an unknown job or run, bad rules).
#include <cmath>
#include <cstdio>
#include <iostream>

#include "ingest/drift/profile_drift.h"
#include "ingest/drift/profile_drift_json.h"
#include "ingest/prepare/run_profile.h"
#include "ingest/profile/dataset_profile.h"
#include "ingest/profile/kll_sketch.h"
#include "ingest/rules/rules_parser.h"
#include "storage/staging_store.h"
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

std::string Percent(double fraction) { return Number(100 * fraction) + "%"; }

// One line of keys added, removed, changed; one of the columns they changed in.
void PrintRowsByKey(const ordered_json& keys, std::ostream& out) {
  out << "\nrows by key: ";
  if (keys["available"] != true) {
    out << "not available (" << keys["reason"].get<std::string>() << ")\n";
    return;
  }
  const bool exact = keys["exact"] == true;
  const std::string mark = exact ? "" : "~";
  const auto count = [&](const char* name) { return mark + keys[name]["keys"].dump(); };
  out << keys["key"].get<std::string>() << ", " << mark << keys["baseline_keys"].dump() << " -> "
      << mark << keys["current_keys"].dump() << " keys: " << count("added") << " added, "
      << count("removed") << " removed, " << count("changed") << " changed, " << count("unchanged")
      << " unchanged";
  if (exact) {
    out << " (exact)\n";
  } else {
    out << " (~: estimated from the union's " << keys["sampled_keys"].dump()
        << " smallest key hashes; fraction standard error at most "
        << Percent(0.5 / std::sqrt(keys["sampled_keys"].get<double>())) << ", union size "
        << Percent(keys["union_relative_standard_error"]) << ")\n";
  }
  std::string changed;
  for (const ordered_json& c : keys["columns"]) {
    if (c["keys"] == 0) continue;
    changed += (changed.empty() ? "" : ", ") + c["column"].get<std::string>() + " " + mark +
               c["keys"].dump();
  }
  if (keys["rows_changed"]["keys"] != 0) {
    changed += (changed.empty() ? "" : ", ") + std::string("row count ") + count("rows_changed");
  }
  if (!changed.empty()) out << "  changed keys by column: " << changed << '\n';
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
    if (s.value("ignored", false)) out << " (ignored)";
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
  PrintRowsByKey(report["rows_by_key"], out);
  const ordered_json& options = report["options"];
  out << "\nP ADJ: Benjamini-Hochberg across all fields' tests, alpha " << Number(options["alpha"])
      << "; up to " << options["small_sample_max"]
      << " rows a side the p-values decide, above them effect sizes too (docs/drift.md)\n"
      << "~: from a sketch no longer exact (KLL: within rank error "
      << Number(profile::KllSketch::kRankError)
      << "; frequent items: lower-bound counts of the values both sides kept, the rest as \""
      << drift::kOtherValues << "\")\n";
}

// The report of two profiles, naming where each came from: printed, or with
// --json as one document; with --html also written as a page.
Status PrintDrift(const profile::DatasetProfile& baseline, const profile::DatasetProfile& current,
                  const ordered_json& baseline_source, const ordered_json& current_source,
                  bool as_json, const std::string& html) {
  const drift::VerdictOptions options;
  drift::ProfileDrift result;
  GLEANER_RETURN_IF_ERROR(drift::CompareProfiles(baseline, current, options, &result));
  ordered_json report = drift::ProfileDriftJson(result, options);
  report["baseline"] = baseline_source;
  report["current"] = current_source;
  if (!html.empty()) GLEANER_RETURN_IF_ERROR(WriteDriftHtml(report, html));
  if (as_json) {
    std::cout << DumpJson(report, 2) << '\n';
  } else {
    PrintReport(report, std::cout);
  }
  return Status::OK();
}

Status CompareDatasets(const std::string& baseline_dir, const std::string& current_dir,
                       bool as_json, const std::string& html) {
  profile::DatasetProfile baseline, current;
  GLEANER_RETURN_IF_ERROR(ReadDatasetProfile(baseline_dir, &baseline));
  GLEANER_RETURN_IF_ERROR(ReadDatasetProfile(current_dir, &current));
  return PrintDrift(baseline, current, baseline_dir, current_dir, as_json, html);
}

// "A,B": two run numbers >= 1.
Status ParseRuns(const std::string& text, uint32_t* a, uint32_t* b) {
  unsigned long first = 0, second = 0;
  char tail = 0;
  if (std::sscanf(text.c_str(), "%lu,%lu%c", &first, &second, &tail) != 2 || first == 0 ||
      second == 0 || first > UINT32_MAX || second > UINT32_MAX ||
      text.find('-') != std::string::npos) {
    return Status::InvalidArgument("--runs: expected two run numbers A,B (e.g. 1,2), got '" + text +
                                   "'");
  }
  *a = static_cast<uint32_t>(first);
  *b = static_cast<uint32_t>(second);
  return Status::OK();
}

// Both runs profiled from the store, as `prepare --run` would profile them.
Status CompareRuns(const std::string& job, const std::string& runs, const std::string& rules_path,
                   const std::string& data_flag, bool as_json, const std::string& html) {
  uint32_t a = 0, b = 0;
  GLEANER_RETURN_IF_ERROR(ParseRuns(runs, &a, &b));
  rules::RulesConfig rules;
  GLEANER_RETURN_IF_ERROR(rules::ParseRulesFile(rules_path, &rules));
  std::unique_ptr<storage::StagingStore> store;
  GLEANER_RETURN_IF_ERROR(storage::StagingStore::OpenFollower(ResolveDataDir(data_flag), &store));
  const std::string spill_dir = SpillDir();
  profile::DatasetProfile baseline, current;
  GLEANER_RETURN_IF_ERROR(prepare::ProfileRun(store.get(), job, rules, a, spill_dir, &baseline));
  GLEANER_RETURN_IF_ERROR(prepare::ProfileRun(store.get(), job, rules, b, spill_dir, &current));
  return PrintDrift(baseline, current, {{"job", job}, {"run", a}}, {{"job", job}, {"run", b}},
                    as_json, html);
}

}  // namespace

void RegisterDrift(CLI::App& app, CommandResult* result) {
  struct Flags {
    std::string baseline, current, job, runs, rules, data, html;
    bool json = false;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* cmd = app.add_subcommand(
      "drift",
      "Compare two prepared datasets' profiles, or two runs of a job: a drift verdict per field");
  cmd->add_option("baseline", flags->baseline,
                  "Baseline dataset directory (gleaner prepare --out)");
  cmd->add_option("current", flags->current, "Current dataset directory");
  cmd->add_option("--job", flags->job,
                  "Compare two runs of this staged job instead of two datasets");
  cmd->add_option("--runs", flags->runs, "With --job: the baseline and current runs, A,B");
  cmd->add_option("--rules", flags->rules, "With --job: the rules file to prepare each run with");
  AddDataFlag(cmd, &flags->data);
  cmd->add_flag("--json", flags->json, "Print the whole report as JSON");
  cmd->add_option("--html", flags->html, "Also write the report as one self-contained HTML file");
  cmd->callback([flags, result] {
    const Flags& f = *flags;
    Status status;
    if (f.job.empty()) {
      if (!f.runs.empty() || !f.rules.empty()) {
        status = Status::InvalidArgument("--runs and --rules go with --job J");
      } else if (f.baseline.empty() || f.current.empty()) {
        status = Status::InvalidArgument(
            "drift needs two dataset directories, or --job J --runs A,B --rules R");
      } else {
        status = CompareDatasets(f.baseline, f.current, f.json, f.html);
      }
    } else if (!f.baseline.empty()) {
      status = Status::InvalidArgument("--job compares two runs: give no dataset directory");
    } else if (f.runs.empty() || f.rules.empty()) {
      status = Status::InvalidArgument("--job needs --runs A,B and --rules R");
    } else {
      status = CompareRuns(f.job, f.runs, f.rules, f.data, f.json, f.html);
    }
    result->exit_code = Report(status);
  });
}

}  // namespace gleaner::tools
