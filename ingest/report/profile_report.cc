#include "ingest/report/profile_report.h"

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "ingest/report/edge_scale.h"
#include "ingest/report/json_cell.h"

namespace gleaner::report {
namespace {

using nlohmann::json;

constexpr const char* kSplits[] = {"train", "validation", "test", "total"};

Section Header(const json& profile, const json& manifest, const std::string& dataset_dir) {
  const json& source = At(manifest, "source");
  Table about{"Dataset", {"name", "version", "job", "run", "directory"}, {}};
  about.rows.push_back(
      {{At(manifest, "dataset").is_string() ? Cell(At(manifest, "dataset")) : dataset_dir,
        Cell(At(manifest, "version")), Cell(At(source, "job")), Cell(At(source, "run")),
        dataset_dir}});
  Table rows{"Rows per split", {}, {{}}};
  for (const char* split : kSplits) {
    rows.header.push_back(split);
    rows.rows[0].cells.push_back(Cell(At(At(profile, "rows"), split)));
  }
  return {"Dataset", {about, rows}};
}

std::string TypeOf(const json& column) {
  return At(column, "categorical") == true ? "category" : Cell(At(column, "type"));
}

Table Figures(const json& column, const json& s) {
  Table t{"", {"figure", "value"}, {}};
  auto add = [&](const std::string& name, const json& v) {
    if (!v.is_null()) t.rows.push_back({{name, Cell(v)}});
  };
  // A timestamp's figures in UTC, its spread in seconds.
  const bool timestamp = At(column, "type") == "timestamp";
  auto add_value = [&](const std::string& name, const json& v) {
    if (timestamp && v.is_number()) {
      t.rows.push_back({{name, name == "sd" ? Readable(v.get<double>() / 1e6) + " s"
                                            : UtcText(v.get<double>())}});
    } else {
      add(name, v);
    }
  };
  add("type", json(TypeOf(column)));
  add("count (non-null)", At(s, "count"));
  add("nulls (missing)", At(s, "nulls"));
  add("not finite (NaN, ±inf)", At(s, "non_finite"));
  const json& distinct = At(s, "distinct");
  if (!distinct.is_null()) {
    t.rows.push_back({{"distinct", (At(s, "distinct_exact") == true ? "" : "~") + Cell(distinct)}});
  }
  for (const char* key : {"min", "max", "mean", "sd"}) add_value(key, At(s, key));
  const json& quantiles = At(s, "quantiles");
  if (quantiles.is_object()) {
    // "p1", "p5", ..., "p99" by their percent (the document's keys sort as text).
    std::vector<std::pair<int, std::string>> names;
    for (const auto& [name, value] : quantiles.items()) {
      names.push_back({std::atoi(name.c_str() + 1), name});
    }
    std::sort(names.begin(), names.end());
    for (const auto& [percent, name] : names) add_value(name, quantiles[name]);
    add("quantiles exact", At(s, "quantiles_exact"));
  }
  const json& length = At(s, "length");
  for (const char* key : {"min", "max", "mean", "sd"})
    add(std::string("length ") + key, At(length, key));
  add("top values exact", At(s, "top_exact"));
  if (At(s, "top_max_error") != 0) add("top counts short by at most", At(s, "top_max_error"));
  return t;
}

Status Chart(const std::string& name, const std::string& type, const json& s,
             std::vector<Block>* blocks) {
  const json& histogram = At(s, "histogram");
  if (histogram.is_object()) {
    const json& edges = At(histogram, "edges");
    const json& counts = At(histogram, "counts");
    if (!edges.is_array() || !counts.is_array() || edges.size() != counts.size() + 1) {
      return Status::InvalidArgument("column \"" + name +
                                     "\": histogram: " + "expected one more edge than counts");
    }
    const EdgeScale scale(type, edges[0].get<double>());
    Histogram h{name + ": values" + scale.title_suffix(), {}, CountOf(At(s, "nulls"))};
    for (size_t i = 0; i < counts.size(); ++i) {
      h.bins.push_back(
          {scale(edges[i].get<double>()), scale(edges[i + 1].get<double>()), CountOf(counts[i])});
    }
    blocks->push_back(std::move(h));
    return Status::OK();
  }
  const json& top = At(s, "top");
  if (!top.is_array()) return Status::OK();  // a numeric column with no finite value
  BarChart bars{name + ": top values", {}, 0, CountOf(At(s, "nulls"))};
  uint64_t listed = 0;
  for (const json& item : top) {
    bars.bars.push_back({Cell(At(item, "value")), CountOf(At(item, "count"))});
    listed += bars.bars.back().count;
  }
  const uint64_t count = CountOf(At(s, "count"));
  bars.other_count = count > listed ? count - listed : 0;
  blocks->push_back(std::move(bars));
  return Status::OK();
}

}  // namespace

Status BuildProfileReport(const json& profile, const json& manifest, const std::string& dataset_dir,
                          ReportPage* page) {
  const json& columns = At(profile, "columns");
  if (!columns.is_array()) {
    return Status::InvalidArgument("profile report: expected a profile summary with \"columns\"");
  }
  ReportPage out;
  out.title = "Profile of " + (At(manifest, "dataset").is_string()
                                   ? At(manifest, "dataset").get<std::string>()
                                   : dataset_dir);
  out.sections.push_back(Header(profile, manifest, dataset_dir));
  for (const json& column : columns) {
    const std::string name = Cell(At(column, "name"));
    const json& summary = At(column, "summary");
    Section section{name + " (" + TypeOf(column) + ")", {Figures(column, summary)}};
    try {
      GLEANER_RETURN_IF_ERROR(Chart(name, TypeOf(column), summary, &section.blocks));
    } catch (const json::exception& e) {
      return Status::InvalidArgument("profile report: column \"" + name + "\": " + e.what());
    }
    out.sections.push_back(std::move(section));
  }
  *page = std::move(out);
  return Status::OK();
}

}  // namespace gleaner::report
