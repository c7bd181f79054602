"""Drives the job calls of clients/python/gleaner_client.py against a live
`gleaner serve`, for python_client_test.cc. SLOW_JOB crawls slowly enough to
be running throughout; QUEUED_JOB therefore waits behind it; SCHEDULED_JOB has
a `schedule: "30 2 * * *"` line; FAST_JOB, named "fast", is run twice, and
its runs() are written to RUNS_OUT as JSON, times spelled as the CLI spells
them, for the test to compare with `gleaner jobs runs --json`. Prints one line
per check passed; the first failed check raises (exit 1).

usage: python_jobs_check.py ADDRESS SLOW_JOB QUEUED_JOB SCHEDULED_JOB FAST_JOB RUNS_OUT
"""

import json
import sys
import time

import grpc

import gleaner_client
import gleaner_pb2


def phase(info):
    return gleaner_pb2.JobPhase.Name(info.state.phase)


def expect_error(code, call, *args):
    try:
        call(*args)
    except gleaner_client.GleanerError as e:
        assert e.code == code, f"{call.__name__}{args}: {e}, expected {code.name}"
        return str(e)
    raise AssertionError(f"{call.__name__}{args} succeeded, expected {code.name}")


def wait_for_run(client, job, number):
    """Until the job's run `number` has ended and the job succeeded; its v1.JobInfo."""
    deadline = time.monotonic() + 60
    while True:
        info = client.status(job)
        if info.state.run.number == number and phase(info) == "JOB_SUCCEEDED":
            return info
        assert time.monotonic() < deadline, info
        time.sleep(0.05)


def main():
    address, slow_file, queued_file, scheduled_file, fast_file, runs_out = sys.argv[1:7]
    read = lambda path: open(path).read()
    with gleaner_client.connect(address) as client:
        slow = client.submit_job(read(slow_file), display_name=slow_file)
        assert slow.name == "slow", slow
        # Until the runner takes it, "slow" is itself in the queue and a second
        # job would wait at position 2 (seen once on a loaded machine).
        deadline = time.monotonic() + 30
        while phase(client.status("slow")) != "JOB_RUNNING":
            assert time.monotonic() < deadline, client.status("slow")
            time.sleep(0.02)
        queued = client.submit_job(read(queued_file))
        assert queued.queue_position == 1, queued
        print("submit_job: slow runs, queued waits at position 1")

        info = client.status("queued")
        assert info.state.name == "queued" and info.queue_position == 1, info
        assert phase(client.status("slow")) == "JOB_RUNNING", client.status("slow")
        message = expect_error(grpc.StatusCode.NOT_FOUND, client.status, "never-submitted")
        print(f"status: queued at position 1; unknown job: {message}")

        assert phase(client.cancel("queued")) == "JOB_CANCELLED"
        assert phase(client.status("queued")) == "JOB_CANCELLED"
        assert phase(client.cancel("slow")) == "JOB_CANCELLED"
        expect_error(grpc.StatusCode.FAILED_PRECONDITION, client.cancel, "slow")
        assert {i.state.name: phase(i) for i in client.list_jobs()} == {
            "queued": "JOB_CANCELLED", "slow": "JOB_CANCELLED"}
        print("cancel: queued and running jobs cancelled; cancelling again is FAILED_PRECONDITION")

        schedule = client.schedule(read(scheduled_file))
        assert (schedule.name, schedule.cron) == ("nightly", "30 2 * * *"), schedule
        assert schedule.next_run_micros > 0, schedule
        hourly = client.schedule(read(scheduled_file), cron="0 * * * *")
        assert hourly.cron == "0 * * * *", hourly
        assert [(s.name, s.cron) for s in client.list_schedules()] == [("nightly", "0 * * * *")]
        expect_error(grpc.StatusCode.INVALID_ARGUMENT, client.schedule, read(scheduled_file),
                     "61 * * * *")
        client.unschedule("nightly")
        assert client.list_schedules() == []
        expect_error(grpc.StatusCode.NOT_FOUND, client.unschedule, "nightly")
        print("schedule: job's own cron, --cron override, bad cron refused, unschedule")

        client.submit_job(read(fast_file))
        first = wait_for_run(client, "fast", 1).state.run
        client.submit_job(read(fast_file))  # its run has ended: this is its next run
        second = wait_for_run(client, "fast", 2).state.run
        runs = client.runs("fast")
        assert [r["run"] for r in runs] == [1, 2], runs
        assert runs[0]["records_added"] == first.records_added > 0, runs
        assert runs[1]["records_unchanged"] == first.records_added, runs
        assert runs[1]["records_added"] == second.records_added == 0, runs
        assert all(r["phase"] == "succeeded" and r["end"] == "complete" for r in runs), runs
        assert runs[1]["started"] >= runs[0]["ended"], runs
        expect_error(grpc.StatusCode.NOT_FOUND, client.runs, "never-submitted")
        spell = lambda t: None if t is None else t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        with open(runs_out, "w") as f:
            json.dump([{k: spell(v) if k in ("started", "ended") else v for k, v in r.items()}
                       for r in runs], f)
        print(f"runs: 2 runs, run 2 found {runs[1]['records_unchanged']} records unchanged")
    return 0


if __name__ == "__main__":
    sys.exit(main())
