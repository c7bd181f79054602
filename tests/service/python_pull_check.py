"""Pulls one split with clients/python/gleaner_client.py and writes what the
DataFrame holds, for python_client_test.cc to compare with `gleaner prepare`:

  OUT_DIR/rows.jsonl   one JSON object per row, keys in column order, missing
                       values null, timestamps as the JSONL shard writer spells them
  OUT_DIR/meta.json    {"columns": [[name, str(dtype)], ...], "pull_calls": N}

With --break-after N the first PullDataset stream fails with UNAVAILABLE after
N batches (a client interceptor), so the client must resume from its token.
A failed pull prints the error and exits 2.

usage: python_pull_check.py ADDRESS JOB RULES_FILE SPLIT OUT_DIR
           [--token T] [--batch-rows N] [--break-after N]
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


def main():
    parser = argparse.ArgumentParser()
    for name in ("address", "job", "rules", "split", "out_dir"):
        parser.add_argument(name)
    parser.add_argument("--token")
    parser.add_argument("--batch-rows", type=int, default=0)
    parser.add_argument("--break-after", type=int)
    args = parser.parse_args()

    with open(args.rules) as f:
        rules = f.read()
    counter = BreakFirstPull(args.break_after)
    channel = grpc.intercept_channel(grpc.insecure_channel(args.address), counter)
    with gleaner_client.Client(channel, args.token, args.address) as client:
        try:
            frame = client.pull(args.job, rules, args.split, batch_rows=args.batch_rows)
        except gleaner_client.GleanerError as e:
            print(f"pull failed: {e}", file=sys.stderr)
            return 2

    with open(os.path.join(args.out_dir, "rows.jsonl"), "w") as out:
        for row in frame.itertuples(index=False, name=None):
            obj = {c: json_value(v) for c, v in zip(frame.columns, row)}
            out.write(json.dumps(obj, allow_nan=False) + "\n")
    meta = {
        "columns": [[c, str(t)] for c, t in frame.dtypes.items()],
        "pull_calls": counter.calls,
    }
    with open(os.path.join(args.out_dir, "meta.json"), "w") as out:
        json.dump(meta, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
