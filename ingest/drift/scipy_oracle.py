#!/usr/bin/env python3
"""The independent oracle of the drift statistics' tests (statistics_scipy_test.cc):
SciPy 1.10 and NumPy, as Debian 12 ships them, computing each statistic from the
same data the C++ side was given.

Usage: scipy_oracle.py IN.json OUT.json. IN holds {"cases": [...]}, each case a
dict with "id", "kind" and its inputs; OUT maps each id to its results. A numeric
sample is {"v": [values], "w": [weights]} and stands for np.repeat(v, w).
"""
import json
import sys

import numpy as np
from scipy import special, stats
from scipy.spatial.distance import jensenshannon

PSI_EMPTY_SHARE = 1e-4


def expand(sample):
    return np.repeat(np.asarray(sample["v"], dtype=float), np.asarray(sample["w"], dtype=np.int64))


def decile_shares(baseline, current):
    """Shares per bin cut at the baseline's deciles (inverted CDF), right-closed."""
    edges = np.unique(np.quantile(baseline, np.arange(1, 10) / 10, method="inverted_cdf"))
    def shares(x):
        return np.bincount(np.searchsorted(edges, x, side="left"),
                           minlength=len(edges) + 1) / len(x)
    return edges, shares(baseline), shares(current)


def psi(b, c):
    b = np.where(b == 0, PSI_EMPTY_SHARE, b)
    c = np.where(c == 0, PSI_EMPTY_SHARE, c)
    return float(np.sum((c - b) * np.log(c / b)))


def numeric(case):
    a, b = expand(case["baseline"]), expand(case["current"])
    ks = stats.ks_2samp(a, b, alternative="two-sided", method="auto")
    exact = max(len(a), len(b)) <= 10000
    edges, sa, sb = decile_shares(a, b)
    return {
        "ks_statistic": float(ks.statistic), "ks_p": float(ks.pvalue),
        "ks_method": "exact" if exact else "asymp",
        "wasserstein": float(stats.wasserstein_distance(
            case["baseline"]["v"], case["current"]["v"],
            case["baseline"]["w"], case["current"]["w"])),
        "sd": float(np.std(a)),
        "edges": edges.tolist(), "baseline_shares": sa.tolist(), "current_shares": sb.tolist(),
        "psi": psi(sa, sb),
        "jensen_shannon": float(jensenshannon(sa, sb, base=2)),
        # A report's overlay: 20 equal-width bins over both sides' range.
        "histogram_baseline": np.histogram(a, bins=20, range=(min(a.min(), b.min()),
                                                              max(a.max(), b.max())))[0].tolist(),
        "histogram_current": np.histogram(b, bins=20, range=(min(a.min(), b.min()),
                                                             max(a.max(), b.max())))[0].tolist(),
    }


def categorical(case):
    names = sorted(set(case["baseline"]) | set(case["current"]))
    b = np.array([case["baseline"].get(k, 0) for k in names], dtype=float)
    c = np.array([case["current"].get(k, 0) for k in names], dtype=float)
    keep = (b + c) > 0
    b, c = b[keep], c[keep]
    if len(b) > 1:
        chi2, p, dof, _ = stats.chi2_contingency(np.array([b, c]), correction=True)
    else:
        chi2, p, dof = 0.0, 1.0, 0
    n, m = b.sum(), c.sum()
    return {
        "chi2": float(chi2), "chi2_p": float(p), "dof": int(dof),
        "jensen_shannon": float(jensenshannon(b, c, base=2)),
        "linf": float(np.max(np.abs(b / n - c / m))),
        "noise_floor": float(1.8 * np.sqrt((n + m) / (n * m))),
    }


def benjamini_hochberg(case):
    p = np.asarray(case["p"], dtype=float)
    m = len(p)
    order = np.argsort(p, kind="stable")
    ranked = p[order] * m / np.arange(1, m + 1)
    adjusted_sorted = np.minimum(np.minimum.accumulate(ranked[::-1])[::-1], 1.0)
    adjusted = np.empty(m)
    adjusted[order] = adjusted_sorted
    return {"adjusted": adjusted.tolist()}


def distributions(case):
    return {
        "kstwo_sf": [float(stats.kstwo.sf(d, n)) for n, d in case["kstwo"]],
        "smirnov": [float(special.smirnov(n, d)) for n, d in case["smirnov"]],
        "chi2_sf": [float(stats.chi2.sf(x, k)) for x, k in case["chi2"]],
    }


KINDS = {"numeric": numeric, "categorical": categorical, "bh": benjamini_hochberg,
         "distributions": distributions}


def main():
    with open(sys.argv[1]) as f:
        cases = json.load(f)["cases"]
    results = {case["id"]: KINDS[case["kind"]](case) for case in cases}
    with open(sys.argv[2], "w") as f:
        json.dump(results, f)


if __name__ == "__main__":
    main()
