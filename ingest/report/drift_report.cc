#include "ingest/report/drift_report.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "ingest/report/edge_scale.h"
#include "ingest/report/json_cell.h"

namespace gleaner::report {
namespace {

using nlohmann::ordered_json;

RowVerdict VerdictOf(const ordered_json& field) {
  const ordered_json& v = At(field, "verdict");
  if (v == "drift") return RowVerdict::kDrift;
  if (v == "possible") return RowVerdict::kPossible;
  return RowVerdict::kNone;
}

double Number(const ordered_json& v) { return v.is_number() ? v.get<double>() : 0; }

// The effect sizes a field is judged by, one column each in the verdict
// table: its key in the options' thresholds, its header, and where a field's
// document holds it ("numeric" / "categorical" / "nulls", then the member).
struct EffectColumn {
  const char* threshold;
  const char* header;
  const char* section;
  const char* member;
  const char* sub_member;  // nullptr when the member is the number
};
constexpr EffectColumn kEffects[] = {
    {"normalized_wasserstein", "W/sd", "numeric", "normalized_wasserstein", nullptr},
    {"psi", "PSI", "numeric", "psi", nullptr},
    {"jensen_shannon", "JS", nullptr, "jensen_shannon", nullptr},
    {"linf_excess", "L∞ − floor", "categorical", "linf", "excess"},
    {"null_rate_change", "null rate Δ", "nulls", "change", nullptr},
};

// The effect's value in `field` (null when it does not apply); *applies says
// whether the field has the section at all.
const ordered_json& EffectOf(const ordered_json& field, const EffectColumn& e, bool* applies) {
  const ordered_json& section =
      e.section
          ? At(field, e.section)
          : (At(field, "numeric").is_object() ? At(field, "numeric") : At(field, "categorical"));
  *applies = section.is_object();
  const ordered_json& value = At(section, e.member);
  return e.sub_member ? At(value, e.sub_member) : value;
}

// The largest effect size over its drift threshold; a normalised Wasserstein
// written as null (an sd-0 baseline that moved) counts as the largest.
double Severity(const ordered_json& field, const ordered_json& thresholds) {
  double worst = 0;
  for (const EffectColumn& e : kEffects) {
    bool applies = false;
    const ordered_json& value = EffectOf(field, e, &applies);
    if (applies && value.is_null()) return HUGE_VAL;
    const double limit = Number(At(At(thresholds, e.threshold), "drift"));
    if (limit > 0) worst = std::max(worst, Number(value) / limit);
  }
  return worst;
}

// test, n baseline, n current, statistic, p, p adjusted
std::vector<std::string> TestCells(const ordered_json& field) {
  const ordered_json& n = At(field, "numeric");
  const ordered_json& c = At(field, "categorical");
  const std::string p_adjusted = Cell(At(At(field, "p_adjusted"), "value"));
  if (n.is_object()) {
    const ordered_json& ks = At(n, "ks");
    return {
        "KS (" + Cell(At(ks, "method")) + ")", Cell(At(n, "baseline_n")), Cell(At(n, "current_n")),
        "D " + Cell(At(ks, "statistic")),      Cell(At(ks, "p_value")),   p_adjusted};
  }
  if (c.is_object()) {
    const ordered_json& chi = At(c, "chi_squared");
    return {"chi-squared",
            Cell(At(c, "baseline_n")),
            Cell(At(c, "current_n")),
            "χ² " + Cell(At(chi, "statistic")) + ", dof " + Cell(At(chi, "dof")),
            Cell(At(chi, "p_value")),
            p_adjusted};
  }
  return {"-", "-", "-", "-", "-", "-"};  // a side holds only nulls
}

std::string NullCell(const ordered_json& field) {
  const ordered_json& n = At(field, "nulls");
  if (!n.is_object()) return "-";
  return Cell(At(n, "baseline_rate")) + " → " + Cell(At(n, "current_rate")) + " (p adj " +
         Cell(At(At(field, "p_adjusted"), "nulls")) + ")";
}

Table VerdictTable(const std::vector<const ordered_json*>& fields, const ordered_json& thresholds) {
  Table t{"Fields by severity; an effect size's header gives its thresholds (possible / drift)",
          {"field", "type", "verdict", "test", "n baseline", "n current", "statistic", "p",
           "p adjusted"},
          {}};
  for (const EffectColumn& e : kEffects) {
    const ordered_json& limits = At(thresholds, e.threshold);
    t.header.push_back(std::string(e.header) + " (" + Cell(At(limits, "possible")) + " / " +
                       Cell(At(limits, "drift")) + ")");
  }
  t.header.push_back("null rate");
  t.header.push_back("reason");
  for (const ordered_json* field : fields) {
    TableRow row{{Cell(At(*field, "field")), Cell(At(*field, "type")), Cell(At(*field, "verdict"))},
                 VerdictOf(*field)};
    for (std::string& cell : TestCells(*field)) row.cells.push_back(std::move(cell));
    for (const EffectColumn& e : kEffects) {
      bool applies = false;
      const ordered_json& value = EffectOf(*field, e, &applies);
      row.cells.push_back(!applies ? "" : value.is_null() ? "inf" : Cell(value));
    }
    row.cells.push_back(NullCell(*field));
    row.cells.push_back(Cell(At(*field, "reason")));
    t.rows.push_back(std::move(row));
  }
  return t;
}

// At most kReportCategories names of `list`, and how many more there are.
std::string Names(const ordered_json& list) {
  if (!list.is_array() || list.empty()) return "none";
  std::string text;
  for (size_t i = 0; i < list.size() && i < kReportCategories; ++i) {
    text += (i ? ", " : "") + Cell(list[i]);
  }
  if (list.size() > kReportCategories) {
    text += " and " + std::to_string(list.size() - kReportCategories) + " more";
  }
  return text;
}

// The bins PSI and the numeric JS were computed over, with each side's
// share: (-inf, e1], (e1, e2], ..., (ek, +inf) for the JSON's edges e1..ek.
Table PsiBinTable(const ordered_json& bins) {
  Table t{"PSI and JS bins (" + Cell(At(bins, "cut")) + ")", {"bin", "baseline", "current"}, {}};
  const ordered_json& edges = At(bins, "edges");
  const ordered_json& baseline = At(bins, "baseline_shares");
  const ordered_json& current = At(bins, "current_shares");
  if (!edges.is_array() || baseline.size() != edges.size() + 1 ||
      current.size() != baseline.size()) {
    return t;
  }
  for (size_t i = 0; i < baseline.size(); ++i) {
    const std::string lower = i == 0 ? "-inf" : Cell(edges[i - 1]);
    const std::string upper = i == edges.size() ? "+inf" : Cell(edges[i]);
    t.rows.push_back({{"(" + lower + ", " + upper + (i == edges.size() ? ")" : "]"),
                       Cell(baseline[i]), Cell(current[i])}});
  }
  return t;
}

// Every raw score of a field, by name, as the JSON has it.
Table ScoreTable(const ordered_json& field) {
  Table t{"Scores", {"score", "value"}, {}};
  auto add = [&](const std::string& name, const ordered_json& v) {
    t.rows.push_back({{name, Cell(v)}});
  };
  const ordered_json& n = At(field, "numeric");
  if (n.is_object()) {
    const ordered_json& ks = At(n, "ks");
    add("KS statistic D", At(ks, "statistic"));
    add("KS p", At(ks, "p_value"));
    add("KS method", At(ks, "method"));
    add("Wasserstein", At(n, "wasserstein"));
    add("baseline sd", At(n, "baseline_sd"));
    add("normalised Wasserstein (W/sd)", At(n, "normalized_wasserstein"));
    const ordered_json& bins = At(n, "bins");
    add("PSI (" + Cell(At(bins, "cut")) + ", empty bins at " + Cell(At(n, "psi_empty_share")) + ")",
        At(n, "psi"));
    add("Jensen–Shannon distance (base " + Cell(At(n, "jensen_shannon_base")) + ")",
        At(n, "jensen_shannon"));
    add("sketch exact (baseline)", At(At(n, "sketch_exact"), "baseline"));
    add("sketch exact (current)", At(At(n, "sketch_exact"), "current"));
  }
  const ordered_json& c = At(field, "categorical");
  if (c.is_object()) {
    const ordered_json& chi = At(c, "chi_squared");
    add("χ² statistic", At(chi, "statistic"));
    add("χ² dof", At(chi, "dof"));
    add("χ² p", At(chi, "p_value"));
    add("χ² Yates-corrected", At(chi, "yates"));
    add("Jensen–Shannon distance (base " + Cell(At(c, "jensen_shannon_base")) + ")",
        At(c, "jensen_shannon"));
    const ordered_json& linf = At(c, "linf");
    add("L∞ distance", At(linf, "distance"));
    add("L∞ at value", At(linf, "category"));
    add("L∞ noise floor (c " + Cell(At(linf, "c")) + ")", At(linf, "noise_floor"));
    add("L∞ beyond the floor", At(linf, "excess"));
    add("appeared", ordered_json(Names(At(c, "appeared"))));
    add("vanished", ordered_json(Names(At(c, "vanished"))));
    add("appearance p", At(c, "appearance_p_value"));
    add("appearance p adjusted", At(At(field, "p_adjusted"), "appearance"));
    add("counts exact (baseline)", At(At(c, "counts_exact"), "baseline"));
    add("counts exact (current)", At(At(c, "counts_exact"), "current"));
  }
  const ordered_json& nulls = At(field, "nulls");
  if (nulls.is_object()) {
    add("null rate (baseline)", At(nulls, "baseline_rate"));
    add("null rate (current)", At(nulls, "current_rate"));
    add("null rate change", At(nulls, "change"));
    add("nulls / rows (baseline)",
        ordered_json(Cell(At(nulls, "baseline_nulls")) + " / " + Cell(At(nulls, "baseline_rows"))));
    add("nulls / rows (current)",
        ordered_json(Cell(At(nulls, "current_nulls")) + " / " + Cell(At(nulls, "current_rows"))));
    const ordered_json& chi = At(nulls, "chi_squared");
    add("nulls χ² (dof " + Cell(At(chi, "dof")) + ", Yates " + Cell(At(chi, "yates")) + ")",
        At(chi, "statistic"));
    add("nulls χ² p", At(chi, "p_value"));
    add("nulls p adjusted", At(At(field, "p_adjusted"), "nulls"));
  }
  return t;
}

Status NumericChart(const std::string& name, const std::string& type, const ordered_json& numeric,
                    std::vector<Block>* blocks) {
  const ordered_json& h = At(numeric, "histogram");
  const ordered_json& edges = At(h, "edges");
  const ordered_json& b = At(h, "baseline_counts");
  const ordered_json& c = At(h, "current_counts");
  if (!edges.is_array() || !b.is_array() || !c.is_array() || b.size() != c.size() ||
      edges.size() != b.size() + 1) {
    return Status::InvalidArgument("field \"" + name +
                                   "\": histogram: expected one more edge than counts a side");
  }
  const EdgeScale scale(type, edges[0].get<double>());
  OverlaidHistogram chart{name + ": share of rows per bin" + scale.title_suffix(), {}, {}};
  for (size_t i = 0; i < b.size(); ++i) {
    const double lower = scale(edges[i].get<double>()), upper = scale(edges[i + 1].get<double>());
    chart.baseline.push_back({lower, upper, CountOf(b[i])});
    chart.current.push_back({lower, upper, CountOf(c[i])});
  }
  blocks->push_back(std::move(chart));
  return Status::OK();
}

Status CategoricalChart(const std::string& name, const ordered_json& categorical,
                        std::vector<Block>* blocks) {
  PairedBarChart chart{name + ": share of rows per value",
                       {},
                       CountOf(At(categorical, "baseline_n")),
                       CountOf(At(categorical, "current_n"))};
  std::vector<PairedCount> values;
  for (const ordered_json& v : At(categorical, "categories")) {
    PairedCount pair{Cell(At(v, "value")), CountOf(At(v, "baseline")), CountOf(At(v, "current"))};
    if (pair.baseline == 0 && pair.current > 0) pair.change = ValueChange::kAppeared;
    if (pair.current == 0 && pair.baseline > 0) pair.change = ValueChange::kVanished;
    values.push_back(std::move(pair));
  }
  const auto share = [&](const PairedCount& p) {
    return std::max(chart.baseline_total ? double(p.baseline) / double(chart.baseline_total) : 0,
                    chart.current_total ? double(p.current) / double(chart.current_total) : 0);
  };
  std::stable_sort(values.begin(), values.end(),
                   [&](const PairedCount& a, const PairedCount& b) { return share(a) > share(b); });
  if (values.size() > kReportCategories) {
    PairedCount rest{"(other values, " + std::to_string(values.size() - kReportCategories + 1) +
                     ")"};
    for (size_t i = kReportCategories - 1; i < values.size(); ++i) {
      rest.baseline += values[i].baseline;
      rest.current += values[i].current;
    }
    values.resize(kReportCategories - 1);
    values.push_back(std::move(rest));
  }
  chart.values = std::move(values);
  blocks->push_back(std::move(chart));
  return Status::OK();
}

// Where a side came from: a dataset directory, or a run of a job (drift --runs).
std::string Source(const ordered_json& side) {
  if (side.is_object()) return "run " + Cell(At(side, "run")) + " of job " + Cell(At(side, "job"));
  return Cell(side);
}

// A count of rows_by_key: its keys, with "~" and its standard error when estimated.
std::string KeyCount(const ordered_json& count, bool exact) {
  if (exact) return Cell(At(count, "keys"));
  const ordered_json& error = At(count, "standard_error");
  return "~" + Cell(At(count, "keys")) +
         (error.is_number() ? " (± " + Readable(100 * error.get<double>()) + " %)" : "");
}

// Keys added, removed, changed and unchanged, and per field the keys whose
// values changed: what no distribution can show (a value moved on every row
// while the distribution stayed put).
Block RowsByKey(const ordered_json& keys) {
  if (At(keys, "available") != true) {
    return Paragraph{"Rows by split key: not available (" + Cell(At(keys, "reason")) + ")."};
  }
  const bool exact = At(keys, "exact") == true;
  Table t{"Rows by split key " + Cell(At(keys, "key")) + " (" + Cell(At(keys, "estimate")) + ")",
          {"keys", "count"},
          {}};
  t.rows.push_back({{"baseline", Cell(At(keys, "baseline_keys"))}});
  t.rows.push_back({{"current", Cell(At(keys, "current_keys"))}});
  for (const char* what : {"added", "removed", "changed", "unchanged", "rows_changed"}) {
    t.rows.push_back({{what, KeyCount(At(keys, what), exact)}});
  }
  for (const ordered_json& column : At(keys, "columns")) {
    t.rows.push_back({{"changed in " + Cell(At(column, "column")), KeyCount(column, exact)}});
  }
  return t;
}

Section Summary(const ordered_json& drift, const std::vector<const ordered_json*>& fields) {
  const ordered_json& counts = At(drift, "counts");
  Section s{"Verdict: " + Cell(At(drift, "verdict")), {}};
  s.blocks.push_back(
      Paragraph{"Baseline " + Source(At(drift, "baseline")) + ", current " +
                Source(At(drift, "current")) + ". Fields: " + Cell(At(counts, "drift")) + " drift, " +
                Cell(At(counts, "possible")) + " possible, " + Cell(At(counts, "none")) +
                " none; " + std::to_string(At(drift, "schema").size()) + " schema change(s)."});
  const ordered_json& options = At(drift, "options");
  s.blocks.push_back(Paragraph{
      "p adjusted: " + Cell(At(options, "correction")) + " across all fields' tests, alpha " +
      Cell(At(options, "alpha")) + ". Up to " + Cell(At(options, "small_sample_max")) +
      " rows a side the p-values decide; above, an effect size must also reach its threshold."});
  s.blocks.push_back(VerdictTable(fields, At(options, "thresholds")));
  return s;
}

Section SchemaAndRows(const ordered_json& drift) {
  Section s{"Schema and rows", {}};
  const ordered_json& schema = At(drift, "schema");
  if (schema.empty()) {
    s.blocks.push_back(Paragraph{"Schema unchanged."});
  } else {
    Table t{"Schema changes", {"field", "change", "baseline type", "current type"}, {}};
    for (const ordered_json& c : schema) {
      const bool ignored = c.value("ignored", false);
      t.rows.push_back({{Cell(At(c, "field")), Cell(At(c, "change")) + (ignored ? " (ignored)" : ""),
                         Cell(At(c, "baseline_type")), Cell(At(c, "current_type"))},
                        ignored ? RowVerdict::kNone : RowVerdict::kDrift});
    }
    s.blocks.push_back(std::move(t));
  }
  Table rows{"Rows per split", {"split", "baseline", "current", "change"}, {}};
  for (const auto& [split, r] : At(drift, "rows").items()) {
    rows.rows.push_back(
        {{split, Cell(At(r, "baseline")), Cell(At(r, "current")), Cell(At(r, "change"))}});
  }
  s.blocks.push_back(std::move(rows));
  s.blocks.push_back(RowsByKey(At(drift, "rows_by_key")));
  return s;
}

Status FieldSection(const ordered_json& field, Section* out) {
  const std::string name = Cell(At(field, "field"));
  Section s{name + " (" + Cell(At(field, "type")) + "): " + Cell(At(field, "verdict")),
            {Paragraph{"Reason: " + Cell(At(field, "reason"))}}};
  if (At(field, "numeric").is_object()) {
    GLEANER_RETURN_IF_ERROR(
        NumericChart(name, Cell(At(field, "type")), At(field, "numeric"), &s.blocks));
  } else if (At(field, "categorical").is_object()) {
    GLEANER_RETURN_IF_ERROR(CategoricalChart(name, At(field, "categorical"), &s.blocks));
  }
  s.blocks.push_back(ScoreTable(field));  // after the chart: the picture first
  if (At(field, "numeric").is_object()) {
    s.blocks.push_back(PsiBinTable(At(At(field, "numeric"), "bins")));
  }
  *out = std::move(s);
  return Status::OK();
}

}  // namespace

Status BuildDriftReport(const ordered_json& drift, ReportPage* page) {
  const ordered_json& fields = At(drift, "fields");
  if (!fields.is_array()) {
    return Status::InvalidArgument("drift report: expected a drift document with \"fields\"");
  }
  const ordered_json& thresholds = At(At(drift, "options"), "thresholds");
  std::vector<const ordered_json*> order;
  for (const ordered_json& field : fields) order.push_back(&field);
  std::stable_sort(order.begin(), order.end(), [&](const ordered_json* a, const ordered_json* b) {
    if (VerdictOf(*a) != VerdictOf(*b)) return VerdictOf(*a) > VerdictOf(*b);
    return Severity(*a, thresholds) > Severity(*b, thresholds);
  });
  ReportPage out;
  out.title = "Drift of " + Cell(At(drift, "current")) + " against " + Cell(At(drift, "baseline"));
  out.sections.push_back(Summary(drift, order));
  out.sections.push_back(SchemaAndRows(drift));
  try {
    for (const ordered_json* field : order) {
      GLEANER_RETURN_IF_ERROR(FieldSection(*field, &out.sections.emplace_back()));
    }
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidArgument(std::string("drift report: ") + e.what());
  }
  *page = std::move(out);
  return Status::OK();
}

}  // namespace gleaner::report
