"""A small Python client of `gleaner serve` (services of schema/gleaner_service.proto).

pull() streams one split of a job's cleaned dataset into a pandas DataFrame,
resuming from the last batch's token when the stream breaks with UNAVAILABLE,
so no row is lost or repeated; submit_job, schedule, status, cancel, runs and
the listings manage jobs. Calls that fail raise GleanerError. The
generated stubs (gleaner_pb2, gleaner_service_pb2, ..._grpc) must be on
sys.path: the build writes them to BUILD_DIR/clients/python.
"""

import time

import grpc
import pandas as pd

import gleaner_service_pb2 as service_pb2
import gleaner_service_pb2_grpc as service_grpc

# Attempts in a row that receive no batch before pull() gives up, as `gleaner pull`.
PULL_ATTEMPTS = 4
# Deadline of the unary calls, as the CLI's default.
CALL_TIMEOUT_S = 60
# How long connect() retries a failed first connection, as the CLI does.
CONNECT_RETRY_WINDOW_S = 2


class GleanerError(Exception):
    """A failed call: `code` is the grpc.StatusCode, str() reads "CODE: details"."""

    def __init__(self, code, details, server):
        super().__init__(f"{code.name}: {details} (server {server})")
        self.code = code
        self.details = details


# pandas dtypes by ColumnType: nullable ones, so a missing value stays missing
# instead of turning an int column into floats.
_DTYPES = {
    service_pb2.COLUMN_STRING: "string",
    service_pb2.COLUMN_INT64: "Int64",
    service_pb2.COLUMN_DOUBLE: "float64",
    service_pb2.COLUMN_BOOL: "boolean",
}


def _python_value(value):
    """A v1.Value as a Python value; None when unset. Bytes become lowercase hex
    and JSON sub-documents their text, as the text shard writers spell them."""
    kind = value.WhichOneof("kind")
    if kind is None:
        return None
    if kind == "bytes_value":
        return value.bytes_value.hex()
    return getattr(value, kind)


def _column(values, column):
    if column.categorical:
        # A rules `category` field: its values repeat, so hold each once.
        return pd.Series(pd.Categorical(values))
    if column.type == service_pb2.COLUMN_TIMESTAMP_MICROS:
        return pd.Series(pd.to_datetime(values, unit="us", utc=True), dtype="datetime64[ns, UTC]")
    return pd.Series(pd.array(values, dtype=_DTYPES.get(column.type, "string")))


# CrawlRun.End by number, as `gleaner stage runs --json` spells it (None while open).
_RUN_ENDS = {1: "complete", 2: "max_pages", 3: "nothing_fetched"}


def _timestamp(micros):
    return pd.Timestamp(micros, unit="us", tz="UTC") if micros else None


def _run_dict(run):
    """A v1.CrawlRun as a dict with the keys and values of `gleaner stage runs --json`,
    times as UTC pandas Timestamps."""
    end = _RUN_ENDS.get(run.end)
    return {
        "run": run.number,
        "phase": "running" if end is None else "failed" if end == "nothing_fetched" else "succeeded",
        "end": end,
        "end_reason": run.end_reason,
        "started": _timestamp(run.start_micros),
        "ended": _timestamp(run.end_micros),
        "pages_fetched": run.pages_ok,
        "pages_not_modified": run.pages_not_modified,
        "pages_carried_over": run.pages_carried_over,
        "pages_failed": run.pages_failed,
        "records_added": run.records_added,
        "records_changed": run.records_changed,
        "records_unchanged": run.records_unchanged,
        "records_removed": run.records_removed,
        "bytes": run.bytes,
    }


class Client:
    """Calls on one channel; every call carries the bearer token when there is one.
    Takes any grpc.Channel (e.g. one with interceptors); connect() opens one."""

    def __init__(self, channel, token=None, server=""):
        self._channel = channel
        self._metadata = [("authorization", f"Bearer {token}")] if token else []
        self._server = server
        self._datasets = service_grpc.DatasetServiceStub(channel)
        self._jobs = service_grpc.JobServiceStub(channel)

    def close(self):
        self._channel.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _error(self, rpc_error):
        return GleanerError(rpc_error.code(), rpc_error.details(), self._server)

    def pull(self, job, rules_yaml, split, batch_rows=0):
        """The rows of `split` (train | validation | test) of `job` cleaned by the
        rules text `rules_yaml`, as a DataFrame with the stream's columns in order."""
        request = service_pb2.PullDatasetRequest(
            job=job, rules_yaml=rules_yaml, split=split, batch_rows=batch_rows)
        columns = None
        values = None
        failures = 0
        while True:
            call = self._datasets.PullDataset(request, metadata=self._metadata)
            try:
                for batch in call:
                    failures = 0
                    if columns is None:
                        columns = list(batch.columns)
                        values = [[] for _ in columns]
                    for row in batch.rows:
                        for i, value in enumerate(row.values):
                            values[i].append(_python_value(value))
                    request.resume_token = batch.resume_token
                break
            except grpc.RpcError as e:
                failures += 1
                if e.code() != grpc.StatusCode.UNAVAILABLE or failures >= PULL_ATTEMPTS:
                    raise self._error(e) from None
                # A restarting server needs a moment; the channel reconnects by itself.
                time.sleep(0.5 * 2 ** (failures - 1))
            finally:
                call.cancel()  # a no-op for a stream that ended
        if columns is None:
            raise GleanerError(grpc.StatusCode.INTERNAL, "the server sent no columns", self._server)
        return pd.DataFrame(
            {c.name: _column(v, c) for c, v in zip(columns, values)},
            columns=[c.name for c in columns])

    def _call(self, method, request):
        """One unary JobService call with the token and deadline; GleanerError on failure."""
        try:
            return method(request, metadata=self._metadata, timeout=CALL_TIMEOUT_S)
        except grpc.RpcError as e:
            raise self._error(e) from None

    def list_jobs(self):
        """The jobs the server knows, by name: a list of v1.JobInfo."""
        return list(self._call(self._jobs.ListJobs, service_pb2.ListJobsRequest()).jobs)

    def submit_job(self, yaml, display_name=""):
        """Queues the job file text `yaml`; returns the v1.SubmitJobResponse."""
        return self._call(self._jobs.SubmitJob, service_pb2.SubmitJobRequest(
            job=service_pb2.JobSource(yaml=yaml, display_name=display_name)))

    def status(self, job):
        """The v1.JobInfo of the job named `job` (NOT_FOUND if the server never saw it);
        `.state.run` is its current or last run (a v1.CrawlRun)."""
        return self._call(self._jobs.GetJob, service_pb2.JobRequest(name=job))

    def runs(self, job):
        """The runs of the job named `job`, oldest first: a list of dicts as
        `gleaner jobs runs --json` prints them (NOT_FOUND if the server never saw it)."""
        response = self._call(self._jobs.ListRuns, service_pb2.JobRequest(name=job))
        return [_run_dict(run) for run in response.runs]

    def cancel(self, job):
        """Stops the job's running crawl or drops it from the queue; returns its v1.JobInfo."""
        return self._call(self._jobs.CancelJob, service_pb2.JobRequest(name=job))

    def schedule(self, yaml, cron="", display_name=""):
        """Runs the job file text `yaml` on a 5-field cron schedule (UTC; empty: the
        job's own `schedule:`); returns the v1.Schedule with its next run."""
        request = service_pb2.ScheduleJobRequest(
            job=service_pb2.JobSource(yaml=yaml, display_name=display_name), cron=cron)
        return self._call(self._jobs.ScheduleJob, request).schedule

    def list_schedules(self):
        """The server's schedules: a list of v1.Schedule."""
        return list(self._call(self._jobs.ListSchedules,
                               service_pb2.ListSchedulesRequest()).schedules)

    def unschedule(self, job):
        """Removes the schedule of the job named `job`."""
        self._call(self._jobs.RemoveSchedule, service_pb2.RemoveScheduleRequest(name=job))


def connect(address, token=None, tls_ca=None):
    """A Client of the server at HOST:PORT; with `tls_ca` (a PEM file of the CA
    that signed the server's certificate) over TLS, else in plain text."""
    # Reconnect soon after a failed attempt, and give the first connection a
    # short window: Debian 12's gRPC core (1.51) can report a loopback connect
    # still in progress as failed under load (grpc/grpc#35064). A server that
    # is really absent is then reported by the first call, with the reason.
    options = [("grpc.initial_reconnect_backoff_ms", 100), ("grpc.max_reconnect_backoff_ms", 400)]
    if tls_ca:
        with open(tls_ca, "rb") as f:
            credentials = grpc.ssl_channel_credentials(root_certificates=f.read())
        channel = grpc.secure_channel(address, credentials, options=options)
    else:
        channel = grpc.insecure_channel(address, options=options)
    try:
        grpc.channel_ready_future(channel).result(timeout=CONNECT_RETRY_WINDOW_S)
    except grpc.FutureTimeoutError:
        pass
    return Client(channel, token, address)
