#!/usr/bin/python3
"""The pandas + SciPy side of profile_bench: the statistics of two Gleaner
profiles (per column) and of the drift between them (per field), computed as a
pandas user would compute them, on the same rows (the kept rows of two CSV
datasets that profile_bench prepared). Column types come from each dataset's
profile.json. Prints the load time, the compute time (last line:
"pandas_compute_seconds X") and the peak RSS.

Usage: pandas_reference.py BASELINE_CSV_DIR CURRENT_CSV_DIR
"""
import glob
import json
import resource
import sys
import time

import numpy as np
import pandas as pd
from scipy import stats
from scipy.spatial.distance import jensenshannon

QUANTILES = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99]
TOP_VALUES = 256  # the profile's exact-below threshold and drift's category cap
PSI_EMPTY_SHARE = 1e-4


def load(directory):
    types = {c["name"]: c["type"] for c in json.load(open(f"{directory}/profile.json"))["columns"]}
    files = sorted(f for split in ("train", "validation", "test")
                   for f in glob.glob(f"{directory}/{split}/*.csv"))
    frame = pd.concat([pd.read_csv(f, dtype=str, keep_default_na=False, na_values=[""])
                       for f in files], ignore_index=True)
    columns = {}
    for name, kind in types.items():
        raw = frame[name]
        if kind in ("int64", "double"):
            columns[name] = pd.to_numeric(raw)
        elif kind == "bool":
            columns[name] = raw.map({"true": 1.0, "false": 0.0})
        elif kind == "timestamp":
            parsed = pd.to_datetime(raw, utc=True, format="%Y-%m-%dT%H:%M:%S.%fZ")
            columns[name] = (parsed - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(microseconds=1)
        else:
            columns[name] = raw
    return types, columns


def profile(types, columns):
    out = {}
    for name, kind in types.items():
        values = columns[name]
        present = values.dropna()
        column = {"count": len(present), "nulls": int(values.isna().sum()),
                  "distinct": present.nunique()}
        if kind == "string":
            column["top"] = present.value_counts().head(TOP_VALUES)
            column["length"] = present.str.len().describe()
        else:
            numbers = present.astype(float)
            column.update(min=numbers.min(), max=numbers.max(), mean=numbers.mean(),
                          sd=numbers.std(ddof=1), quantiles=numbers.quantile(QUANTILES),
                          histogram=np.histogram(numbers, bins=20))
        out[name] = column
    return out


def numeric_drift(baseline, current):
    base, cur = baseline.dropna().astype(float).to_numpy(), current.dropna().astype(float).to_numpy()
    ks = stats.ks_2samp(base, cur)
    sd = base.std()
    wasserstein = stats.wasserstein_distance(base, cur)
    edges = np.unique(np.quantile(base, np.linspace(0, 1, 11)[1:-1]))
    shares = [np.bincount(np.searchsorted(edges, side, side="right"), minlength=len(edges) + 1)
              / len(side) for side in (base, cur)]
    floored = [np.maximum(s, PSI_EMPTY_SHARE) for s in shares]
    psi = float(np.sum((floored[1] - floored[0]) * np.log(floored[1] / floored[0])))
    return ks, wasserstein / sd if sd else 0, psi, jensenshannon(shares[0], shares[1], base=2)


def categorical_drift(baseline, current):
    counts = pd.concat([baseline.value_counts(), current.value_counts()], axis=1).fillna(0)
    if len(counts) > TOP_VALUES:
        order = counts.sum(axis=1).sort_values(ascending=False).index
        kept = counts.loc[order[:TOP_VALUES]]
        other = counts.loc[order[TOP_VALUES:]].sum().to_frame().T
        counts = pd.concat([kept, other])
    table = counts.to_numpy().T
    chi2 = stats.chi2_contingency(table)
    shares = table / table.sum(axis=1, keepdims=True)
    return chi2, jensenshannon(shares[0], shares[1], base=2), np.abs(shares[0] - shares[1]).max()


def drift(types, baseline, current):
    out = {}
    for name, kind in types.items():
        b, c = baseline[name], current[name]
        nulls = np.array([[b.isna().sum(), b.notna().sum()], [c.isna().sum(), c.notna().sum()]])
        null_test = stats.chi2_contingency(nulls) if nulls.min(axis=0).all() else None
        tests = categorical_drift(b.dropna(), c.dropna()) if kind == "string" else numeric_drift(b, c)
        out[name] = (tests, null_test)
    return out


def main():
    start = time.perf_counter()
    (types, baseline), (_, current) = load(sys.argv[1]), load(sys.argv[2])
    loaded = time.perf_counter()
    print(f"load_seconds {loaded - start:.2f} ({len(baseline['source_url'])} + "
          f"{len(current['source_url'])} rows)")
    profile(types, baseline)
    profile(types, current)
    profiled = time.perf_counter()
    result = drift(types, baseline, current)
    done = time.perf_counter()
    print(f"profiles_seconds {profiled - loaded:.2f}")
    print(f"drift_seconds {done - profiled:.2f} (KS p-values:"
          f" {', '.join(f'{n} {t[0][0].pvalue:.3g}' for n, t in result.items() if types[n] != 'string')})")
    print(f"peak_rss_mib {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}")
    print(f"pandas_compute_seconds {done - loaded:.2f}")


if __name__ == "__main__":
    main()
