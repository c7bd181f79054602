"""Runs the tests' Python oracles (`python3 SCRIPT IN.json OUT.json`, see
python_oracle.h) for many test processes from one Debian python3, so that
NumPy and SciPy are imported once (~0.8 s of CPU) instead of once a test:

    python3 python_oracle_server.py --serve SOCKET IDLE_MS

The protocol of tests/support/script_server.mjs: one request per connection,
a line {"args": [SCRIPT, IN, OUT]} in; {"end": "ok"}, {"end": "error",
"message"}, or {"end": "stale"} when this file changed since the server
started (it then stops) out. Each SCRIPT is read afresh and run as __main__
with those arguments, one at a time. The server stops after IDLE_MS without
a request, removing SOCKET.
"""
import json
import os
import runpy
import socketserver
import sys
import traceback

HERE = os.path.abspath(__file__)
sys.dont_write_bytecode = True  # no __pycache__ in the source tree


def serve(socket_path, idle_ms):
    started_as = os.stat(HERE).st_mtime_ns

    class Handler(socketserver.StreamRequestHandler):
        def handle(self):
            def end(reply):
                self.wfile.write((json.dumps(reply) + "\n").encode())

            line = self.rfile.readline()
            if os.stat(HERE).st_mtime_ns != started_as:
                end({"end": "stale"})
                self.server.stale = True
                return
            try:
                args = json.loads(line)["args"]
                saved_argv = sys.argv
                sys.argv = list(args)
                try:
                    runpy.run_path(args[0], run_name="__main__")
                finally:
                    sys.argv = saved_argv
                end({"end": "ok"})
            except SystemExit as e:
                if e.code in (None, 0):
                    end({"end": "ok"})
                else:
                    end({"end": "error", "message": f"{args[0]} exited with {e.code}"})
            except BaseException:
                end({"end": "error", "message": traceback.format_exc()})

    # A socket file left by a server that died answers nobody: the client
    # that started this one holds the start lock and found no server answering.
    try:
        os.unlink(socket_path)
    except FileNotFoundError:
        pass
    with socketserver.UnixStreamServer(socket_path, Handler) as server:
        server.stale = False
        server.timeout = idle_ms / 1000
        server.timed_out = False

        def on_timeout():
            server.timed_out = True

        server.handle_timeout = on_timeout
        while not server.stale and not server.timed_out:
            server.handle_request()
    try:
        os.unlink(socket_path)
    except FileNotFoundError:
        pass


def main():
    if len(sys.argv) != 4 or sys.argv[1] != "--serve" or not sys.argv[3].isdigit():
        print("usage: python3 python_oracle_server.py --serve SOCKET IDLE_MS", file=sys.stderr)
        sys.exit(2)
    import numpy  # noqa: F401  the imports every oracle shares, done once
    import scipy.stats  # noqa: F401
    serve(sys.argv[2], int(sys.argv[3]))


if __name__ == "__main__":
    main()
