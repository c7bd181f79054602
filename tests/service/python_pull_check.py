"""Pulls one split with clients/python/gleaner_client.py, once per PULL, and
writes what each DataFrame holds, for python_client_test.cc to compare with
`gleaner prepare` (one python process for all of a case's pulls: importing
grpc and pandas costs more than a pull):

  OUT_DIR/rows.jsonl   one JSON object per row, keys in column order, missing
                       values null, timestamps as the JSONL shard writer spells them
  OUT_DIR/meta.json    {"columns": [[name, str(dtype)], ...], "pull_calls": N}
  OUT_DIR/error.txt    instead of the two above when the pull failed: the error

PULL is a JSON object: {"out_dir": DIR, "token": T, "batch_rows": N,
"break_after": N}, all but out_dir optional. Each pull has its own channel.
With break_after N the pull's first PullDataset stream fails with UNAVAILABLE
after N batches (a client interceptor), so the client must resume from its
token.

usage: python_pull_check.py ADDRESS JOB RULES_FILE SPLIT PULL...
"""

import argparse
import json
import math
import os
import sys

import grpc
import pandas as pd

import gleaner_client


class InjectedUnavailable(grpc.RpcError):
    def code(self):
        return grpc.StatusCode.UNAVAILABLE

    def details(self):
        return "injected by python_pull_check.py"


class BreakingStream:
    """Passes `limit` responses of `call` through, then fails and cancels it."""

    def __init__(self, call, limit):
        self._call = call
        self._left = limit

    def __iter__(self):
        return self

    def __next__(self):
        if self._left == 0:
            self._call.cancel()
            raise InjectedUnavailable()
        self._left -= 1
        return next(self._call)

    def cancel(self):
        return self._call.cancel()


class BreakFirstPull(grpc.UnaryStreamClientInterceptor):
    def __init__(self, after_batches):
        self.after_batches = after_batches
        self.calls = 0

    def intercept_unary_stream(self, continuation, client_call_details, request):
        self.calls += 1
        call = continuation(client_call_details, request)
        if self.calls == 1 and self.after_batches is not None:
            return BreakingStream(call, self.after_batches)
        return call


def json_value(value):
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "item"):  # a numpy scalar
        return value.item()
    return value


def pull_into(address, job, rules, split, pull):
    """Runs one PULL (see the module's doc) and writes its files."""
    out_dir = pull["out_dir"]
    counter = BreakFirstPull(pull.get("break_after"))
    channel = grpc.intercept_channel(grpc.insecure_channel(address), counter)
    with gleaner_client.Client(channel, pull.get("token"), address) as client:
        try:
            frame = client.pull(job, rules, split, batch_rows=pull.get("batch_rows", 0))
        except gleaner_client.GleanerError as e:
            with open(os.path.join(out_dir, "error.txt"), "w") as out:
                out.write(f"pull failed: {e}\n")
            return

    with open(os.path.join(out_dir, "rows.jsonl"), "w") as out:
        for row in frame.itertuples(index=False, name=None):
            obj = {c: json_value(v) for c, v in zip(frame.columns, row)}
            out.write(json.dumps(obj, allow_nan=False) + "\n")
    meta = {
        "columns": [[c, str(t)] for c, t in frame.dtypes.items()],
        "pull_calls": counter.calls,
    }
    with open(os.path.join(out_dir, "meta.json"), "w") as out:
        json.dump(meta, out)


def main():
    parser = argparse.ArgumentParser()
    for name in ("address", "job", "rules", "split"):
        parser.add_argument(name)
    parser.add_argument("pulls", nargs="+", type=json.loads)
    args = parser.parse_args()

    with open(args.rules) as f:
        rules = f.read()
    for pull in args.pulls:
        pull_into(args.address, args.job, rules, args.split, pull)
    return 0


if __name__ == "__main__":
    sys.exit(main())
