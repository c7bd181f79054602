#include "ingest/drift/distribution.h"

#include <cmath>
#include <string>

namespace gleaner::drift {

Status ValidateNumeric(const NumericDistribution& d, const char* what) {
  uint64_t total = 0;
  for (size_t i = 0; i < d.items.size(); ++i) {
    const WeightedValue& item = d.items[i];
    std::string where = std::string(what) + " item " + std::to_string(i);
    if (!std::isfinite(item.value)) {
      return Status::InvalidArgument(where + ": value is not finite");
    }
    if (item.weight == 0) return Status::InvalidArgument(where + ": weight is 0");
    if (i > 0 && item.value < d.items[i - 1].value) {
      return Status::InvalidArgument(where + ": values are not ascending");
    }
    if (total + item.weight < total) {
      return Status::InvalidArgument(where + ": weights overflow 64 bits");
    }
    total += item.weight;
  }
  if (total == 0) return Status::InvalidArgument(std::string(what) + ": no rows");
  if (total != d.n) {
    return Status::InvalidArgument(std::string(what) + ": weights sum to " + std::to_string(total) +
                                   ", but n is " + std::to_string(d.n));
  }
  return Status::OK();
}

Status ValidateCategorical(const CategoricalDistribution& d, const char* what) {
  uint64_t total = 0;
  for (const auto& [category, count] : d) {
    if (total + count < total) {
      return Status::InvalidArgument(std::string(what) + " category \"" + category +
                                     "\": counts overflow 64 bits");
    }
    total += count;
  }
  if (total == 0) return Status::InvalidArgument(std::string(what) + ": no rows");
  return Status::OK();
}

double Mean(const NumericDistribution& d) {
  double sum = 0;
  for (const WeightedValue& item : d.items) sum += item.value * static_cast<double>(item.weight);
  return sum / static_cast<double>(d.n);
}

double StandardDeviation(const NumericDistribution& d) {
  // Two passes: the mean first, so large offsets do not cancel.
  double mean = Mean(d), sum = 0;
  for (const WeightedValue& item : d.items) {
    sum += (item.value - mean) * (item.value - mean) * static_cast<double>(item.weight);
  }
  return std::sqrt(sum / static_cast<double>(d.n));
}

AlignedCounts Align(const CategoricalDistribution& baseline,
                    const CategoricalDistribution& current) {
  AlignedCounts out;
  auto b = baseline.begin(), c = current.begin();
  while (b != baseline.end() || c != current.end()) {
    bool take_b = c == current.end() || (b != baseline.end() && b->first <= c->first);
    bool take_c = b == baseline.end() || (c != current.end() && c->first <= b->first);
    const std::string& name = take_b ? b->first : c->first;
    uint64_t in_b = take_b ? (b++)->second : 0;
    uint64_t in_c = take_c ? (c++)->second : 0;
    out.baseline_total += in_b;
    out.current_total += in_c;
    if (in_b == 0 && in_c == 0) continue;
    out.categories.push_back(name);
    out.baseline.push_back(in_b);
    out.current.push_back(in_c);
  }
  return out;
}

}  // namespace gleaner::drift
