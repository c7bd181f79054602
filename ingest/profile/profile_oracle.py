"""The statistics a column profile reports, computed by NumPy from the same
data: the oracle of column_profile_test.cc (run with Debian's /usr/bin/python3).

Usage: profile_oracle.py DATA.json   where DATA.json is {"columns": [{"name",
"type"}], "rows": [[value or null, ...], ...]}; prints one JSON object, by
column name, holding what each column's summary should say.
"""
import json
import sys

import numpy as np

QUANTILES = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99]


def numeric(values, integral):
    x = np.array([float(v) for v in values], dtype=np.float64)
    lo, hi = x.min(), x.max()
    counts, edges = np.histogram(x, bins=20 if lo < hi else 1, range=(lo, hi))
    as_number = (lambda v: int(v)) if integral else float
    return {
        "distinct": int(len(np.unique(x))),
        "min": as_number(lo),
        "max": as_number(hi),
        "mean": float(x.mean()),
        "sd": float(x.std(ddof=1)),
        "quantiles": {"p%d" % round(q * 100): as_number(np.quantile(x, q, method="inverted_cdf"))
                      for q in QUANTILES},
        "histogram": {"edges": [float(e) for e in edges], "counts": [int(c) for c in counts]},
    }


def text(values):
    lengths = np.array([len(v) for v in values], dtype=np.float64)
    uniques, counts = np.unique(np.array(values, dtype=object), return_counts=True)
    top = sorted(zip((-c for c in counts), uniques))[:10]
    return {
        "distinct": int(len(uniques)),
        "length": {"min": int(lengths.min()), "max": int(lengths.max()),
                   "mean": float(lengths.mean()), "sd": float(lengths.std(ddof=1))},
        "top": [{"value": v, "count": int(-c)} for c, v in top],
    }


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        data = json.load(f)
    out = {}
    for i, column in enumerate(data["columns"]):
        present = [row[i] for row in data["rows"] if row[i] is not None]
        summary = {"count": len(present), "nulls": len(data["rows"]) - len(present)}
        if column["type"] == "string":
            summary.update(text(present))
        else:
            summary.update(numeric(present, column["type"] != "double"))
        out[column["name"]] = summary
    json.dump(out, sys.stdout)


main()
