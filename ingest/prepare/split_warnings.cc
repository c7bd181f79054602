#include "ingest/prepare/split_warnings.h"

#include <cstdio>

#include "ingest/split/split_assigner.h"

namespace gleaner::prepare {
namespace {

// A share of rows as a percentage: "0.06%", "10%".
std::string Percent(double fraction) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3g%%", fraction * 100);
  return text;
}

// Whether `rows` of `total` is empty or under a tenth of the configured fraction.
bool Starved(int64_t rows, int64_t total, double fraction) {
  if (fraction <= 0 || total <= 0) return false;
  return rows == 0 || static_cast<double>(rows) / static_cast<double>(total) < fraction / 10;
}

}  // namespace

std::vector<PrepareWarning> SplitWarnings(const rules::SplitRule& split, int64_t records_scanned,
                                          const std::array<int64_t, 3>& split_rows,
                                          const std::vector<ClassSplitRows>& classes) {
  std::vector<PrepareWarning> warnings;
  if (records_scanned == 0) {
    warnings.push_back({"no_records",
                        "the job has no staged records: every split is empty, and the rules' "
                        "field keys were not checked against any record"});
    return warnings;
  }
  const int64_t kept = split_rows[0] + split_rows[1] + split_rows[2];
  if (kept == 0) {
    warnings.push_back({"no_rows_kept", "none of the " + std::to_string(records_scanned) +
                                            " records was kept (see the quarantine and the "
                                            "rules report): every split is empty"});
    return warnings;
  }
  const double fractions[3] = {split.train, split.validation, split.test};
  for (int s = 0; s < 3; ++s) {
    if (!Starved(split_rows[s], kept, fractions[s])) continue;
    const std::string name = split::SplitName(static_cast<split::Split>(s));
    std::string message = "split '" + name + "' has " + std::to_string(split_rows[s]) + " of " +
                          std::to_string(kept) + " rows (" +
                          Percent(static_cast<double>(split_rows[s]) / kept) + ", configured " +
                          Percent(fractions[s]) + ")";
    if (!split.group.empty()) {
      message += "; group '" + split.group +
                 "' sends each group whole to one split, so a few large groups fill few splits";
    }
    warnings.push_back({split_rows[s] == 0 ? "empty_split" : "starved_split", message});
  }

  size_t starved_classes = 0;
  for (const ClassSplitRows& c : classes) {
    const int64_t total = c.rows[0] + c.rows[1] + c.rows[2];
    std::string which;
    for (int s = 0; s < 3; ++s) {
      if (!Starved(c.rows[s], total, fractions[s])) continue;
      which += (which.empty() ? "" : ", ") +
               std::string(split::SplitName(static_cast<split::Split>(s))) + " " +
               std::to_string(c.rows[s]) + " (configured " + Percent(fractions[s]) + ")";
    }
    if (which.empty()) continue;
    if (++starved_classes > kMaxClassWarnings) continue;
    warnings.push_back({"starved_class", "class '" + c.name + "' of stratify '" + split.stratify +
                                             "' (" + std::to_string(total) +
                                             (total == 1 ? " row" : " rows") +
                                             ") has too few rows in: " + which});
  }
  if (starved_classes > kMaxClassWarnings) {
    warnings.push_back({"starved_class", std::to_string(starved_classes - kMaxClassWarnings) +
                                             " more classes of stratify '" + split.stratify +
                                             "' have empty or starved splits"});
  }
  return warnings;
}

}  // namespace gleaner::prepare
