#include "ingest/drift/profile_drift.h"

#include <algorithm>
#include <iterator>
#include <map>

#include "ingest/profile/equal_width_histogram.h"
#include "schema/column_type.h"

namespace gleaner::drift {
namespace {

using profile::ColumnProfile;

std::string TypeName(const profile::ColumnDescription& d) {
  return d.categorical ? "category" : schema::ColumnTypeName(d.type);
}

NumericDistribution FromSketch(const profile::KllSketch& sketch) {
  NumericDistribution d;
  for (const profile::WeightedItem& item : sketch.SortedItems()) {
    d.items.push_back({item.value, item.weight});
  }
  d.n = sketch.n();
  return d;
}

CategoricalDistribution FromTop(const profile::FrequentItems& top) {
  CategoricalDistribution d;
  for (const profile::FrequentItems::Item& item : top.Top(profile::FrequentItems::kCapacity)) {
    d[item.value] = static_cast<uint64_t>(item.count);
  }
  return d;
}

// When a side's summary is no longer exact, a value it did not keep is not
// a value that vanished: only the values both sides kept are compared (their
// counts lower bounds), and every other row goes to kOtherValues, so that
// each side's total stays its non-null rows.
void KeepShared(const profile::FrequentItems& b_top, const profile::FrequentItems& c_top,
                CategoricalDistribution* b, CategoricalDistribution* c) {
  for (auto it = b->begin(); it != b->end();) {
    it = c->count(it->first) && it->first != kOtherValues ? std::next(it) : b->erase(it);
  }
  for (auto it = c->begin(); it != c->end();)
    it = b->count(it->first) ? std::next(it) : c->erase(it);
  const auto other = [](const profile::FrequentItems& top, CategoricalDistribution* d) {
    uint64_t kept = 0;
    for (const auto& [value, count] : *d) kept += count;
    (*d)[kOtherValues] = static_cast<uint64_t>(top.total()) - kept;
  };
  other(b_top, b);
  other(c_top, c);
}

// Scores of one field; a side with no finite value (or no string) leaves the
// value comparison out, the null-rate one stays.
Status CompareColumns(const ColumnProfile& b, const ColumnProfile& c, FieldComparison* field,
                      FieldInputs* inputs) {
  field->field = b.description().name;
  inputs->type = TypeName(c.description());
  if (b.numeric()) {
    inputs->baseline_exact = b.quantiles().exact();
    inputs->current_exact = c.quantiles().exact();
    if (!b.quantiles().empty() && !c.quantiles().empty()) {
      GLEANER_RETURN_IF_ERROR(CompareNumeric(FromSketch(b.quantiles()), FromSketch(c.quantiles()),
                                             &field->numeric.emplace()));
      const double lower = std::min(b.quantiles().min(), c.quantiles().min());
      const double upper = std::max(b.quantiles().max(), c.quantiles().max());
      profile::EqualWidthHistogram bh =
          profile::HistogramOf(b.quantiles(), lower, upper, profile::kHistogramBins);
      inputs->histogram_edges = std::move(bh.edges);
      inputs->baseline_histogram = std::move(bh.counts);
      inputs->current_histogram =
          profile::HistogramOf(c.quantiles(), lower, upper, profile::kHistogramBins).counts;
    }
  } else {
    inputs->baseline_exact = b.top().exact();
    inputs->current_exact = c.top().exact();
    inputs->baseline_max_error = b.top().max_error();
    inputs->current_max_error = c.top().max_error();
    if (b.top().total() > 0 && c.top().total() > 0) {
      CategoricalDistribution b_counts = FromTop(b.top()), c_counts = FromTop(c.top());
      if (!b.top().exact() || !c.top().exact()) KeepShared(b.top(), c.top(), &b_counts, &c_counts);
      GLEANER_RETURN_IF_ERROR(
          CompareCategorical(b_counts, c_counts, &field->categorical.emplace()));
    }
  }
  const auto rows = [](const ColumnProfile& p) {
    return static_cast<uint64_t>(p.count() + p.nulls());
  };
  if (rows(b) > 0 && rows(c) > 0) {
    GLEANER_RETURN_IF_ERROR(CompareNullRates(static_cast<uint64_t>(b.nulls()), rows(b),
                                             static_cast<uint64_t>(c.nulls()), rows(c),
                                             &field->nulls.emplace()));
  }
  return Status::OK();
}

}  // namespace

const char* SchemaChangeKindName(SchemaChange::Kind kind) {
  switch (kind) {
    case SchemaChange::Kind::kAdded:
      return "added";
    case SchemaChange::Kind::kRemoved:
      return "removed";
    case SchemaChange::Kind::kTypeChanged:
      return "type_changed";
  }
  return "?";
}

Status CompareProfiles(const profile::DatasetProfile& baseline,
                       const profile::DatasetProfile& current, const VerdictOptions& options,
                       ProfileDrift* out) {
  *out = ProfileDrift();
  std::map<std::string, const ColumnProfile*> current_columns;
  for (const ColumnProfile& c : current.columns()) current_columns[c.description().name] = &c;

  for (const ColumnProfile& b : baseline.columns()) {
    const std::string& name = b.description().name;
    auto found = current_columns.find(name);
    if (found == current_columns.end()) {
      out->schema.push_back({SchemaChange::Kind::kRemoved, name, TypeName(b.description()), ""});
      continue;
    }
    const ColumnProfile& c = *found->second;
    current_columns.erase(found);
    if (TypeName(b.description()) != TypeName(c.description())) {
      out->schema.push_back({SchemaChange::Kind::kTypeChanged, name, TypeName(b.description()),
                             TypeName(c.description())});
      // string <-> category keep the same sketches and stay comparable;
      // a number against text is not.
      if (b.numeric() != c.numeric()) continue;
    }
    FieldComparison field;
    FieldInputs inputs;
    GLEANER_RETURN_IF_ERROR(CompareColumns(b, c, &field, &inputs));
    out->fields.push_back(std::move(field));
    out->inputs.push_back(std::move(inputs));
  }
  // Added: in the current profile's order.
  for (const ColumnProfile& c : current.columns()) {
    if (current_columns.count(c.description().name)) {
      out->schema.push_back(
          {SchemaChange::Kind::kAdded, c.description().name, "", TypeName(c.description())});
    }
  }
  out->judgements = JudgeFields(out->fields, options);

  for (size_t split = 0; split < std::size(profile::kProfileSplits); ++split) {
    out->rows.push_back(
        {profile::kProfileSplits[split], baseline.rows()[split], current.rows()[split]});
  }
  out->rows.push_back({"total", baseline.total_rows(), current.total_rows()});
  out->keys = CompareKeySamples(baseline.keys(), current.keys());
  return Status::OK();
}

}  // namespace gleaner::drift
