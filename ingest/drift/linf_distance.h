// The L∞ distance between two categorical distributions — the largest change
// of one category's share — with Deequ's noise floor: two samples of one
// distribution differ by up to c(α)·sqrt((n+m)/(nm)) by chance (a DKW-type
// bound), c(α) = sqrt(-ln(α/2)/2). Deequ's default, used here, is the constant
// c = 1.8 (its comment: α = 0.003, where the formula gives 1.803). Pure; thread-safe.
#pragma once

#include <string>

#include "ingest/drift/distribution.h"

namespace gleaner::drift {

constexpr double kDeequCAlpha = 1.8;

// c(α) = sqrt(-ln(α/2)/2), for a caller that states α instead.
double NoiseFloorC(double alpha);

struct LInfinityResult {
  double distance = 0;     // max over categories of |share_b - share_c|
  std::string category;    // where it is reached (the first, in name order)
  double noise_floor = 0;  // c·sqrt((n+m)/(nm))
  double excess = 0;       // max(0, distance - noise_floor)
};

// Counts aligned over the union of categories, both totals > 0.
LInfinityResult LInfinity(const AlignedCounts& counts, double c = kDeequCAlpha);

}  // namespace gleaner::drift
