// Benjamini–Hochberg adjusted p-values (the false discovery rate across the
// fields of one comparison): sorted ascending, p_(i) · m / i, made monotone
// from the largest down, capped at 1 — what statsmodels' multipletests
// 'fdr_bh' and SciPy >= 1.11's false_discovery_control return. Pure; thread-safe.
#pragma once

#include <vector>

namespace gleaner::drift {

// Adjusted p-values in the input's order; p-values in [0, 1].
std::vector<double> BenjaminiHochberg(const std::vector<double>& p_values);

}  // namespace gleaner::drift
