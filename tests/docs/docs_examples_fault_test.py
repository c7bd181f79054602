#!/usr/bin/python3
"""docs_examples_check.py must fail the suite on a broken example: run it on
broken_examples.md and expect exit 1, each broken block reported at its
Markdown line (with the binary's message mapped to that file), the fragment
skipped and the good block passing."""
import os
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
gleaner = sys.argv[1]
run = subprocess.run(
    [sys.executable, os.path.join(here, "docs_examples_check.py"), "--gleaner", gleaner,
     "--root", here, "--files", os.path.join(here, "broken_examples.md")],
    capture_output=True, text=True, timeout=120)
out = run.stdout + run.stderr
print(out)
expected = [
    "FAIL broken_examples.md:5: rules example, `rules check` exit 2:",
    "broken_examples.md:9:",          # the check's line inside the Markdown file
    "reviews",
    "FAIL broken_examples.md:14: job example, `jobs check` exit 2:",
    "broken_examples.md:19:1: unknown key 'monitor'",
    "FAIL broken_examples.md:24: cannot tell a rules file",
    "skip broken_examples.md:31 (fragment: shows one key only)",
    "ok   broken_examples.md:37 (job)",
    "5 YAML examples in 1 files: 4 checked, 3 failed, 1 fragments skipped",
]
missing = [e for e in expected if e not in out]
if run.returncode != 1 or missing:
    print("exit %d (want 1); missing from the output: %r" % (run.returncode, missing))
    sys.exit(1)
print("broken examples were reported and failed the check")
