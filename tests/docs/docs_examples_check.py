#!/usr/bin/python3
"""Runs every YAML example of the project's Markdown through the real binary.

Each ```yaml fenced block of README.md, docs/*.md and every module's
README.md (or of the files given with --files) is written to a file of its own and checked by `gleaner rules
check` when its top-level keys make it a rules file (`fields`) or by
`gleaner jobs check` when they make it a job (`sources`). A block that is
neither must say why it is not checked with an HTML comment on the line
before its fence, `<!-- fragment: REASON -->`; an unmarked block that cannot
be classified fails, so a new example is never skipped silently.
Exit 0 when every example passes, 1 otherwise (each failure is printed as
DOC:LINE with the binary's message).
"""
import argparse
import glob
import os
import re
import subprocess
import sys
import tempfile

FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*(\S*)")
FRAGMENT = re.compile(r"^\s*<!--\s*fragment:\s*(\S.*?)\s*-->\s*$")
TOP_LEVEL_KEY = re.compile(r"^([A-Za-z_][\w.-]*)\s*:")


class Example:
    def __init__(self, doc, line, text, skip_reason):
        self.doc = doc              # path of the Markdown file, as shown
        self.line = line            # 1-based line of the opening fence
        self.text = text
        self.skip_reason = skip_reason


def extract_examples(doc_path, shown_path):
    """The ```yaml blocks of one Markdown file, with the fragment marker before each."""
    with open(doc_path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    examples = []
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence, info = m.group(1), m.group(2), m.group(3).lower()
        body = []
        j = i + 1
        while j < len(lines) and not lines[j].strip().startswith(fence):
            body.append(lines[j][len(indent):] if lines[j].startswith(indent) else lines[j])
            j += 1
        if info in ("yaml", "yml"):
            previous = next((lines[k] for k in range(i - 1, -1, -1) if lines[k].strip()), "")
            marker = FRAGMENT.match(previous)
            examples.append(Example(shown_path, i + 1, "\n".join(body) + "\n",
                                    marker.group(1) if marker else None))
        i = j + 1
    return examples


def classify(text):
    keys = {m.group(1) for m in map(TOP_LEVEL_KEY.match, text.split("\n")) if m}
    if "sources" in keys:
        return "job"
    if "fields" in keys:
        return "rules"
    return None


def check(gleaner, example, workdir, index):
    kind = classify(example.text)
    if kind is None:
        return ("cannot tell a rules file (top-level `fields`) from a job (top-level `sources`); "
                "complete the example, or mark it with <!-- fragment: REASON --> on the line "
                "before the fence")
    name = re.sub(r"[^\w]+", "_", example.doc).strip("_")
    path = os.path.join(workdir, "%s_L%d_%d.yaml" % (name, example.line, index))
    with open(path, "w", encoding="utf-8") as f:
        f.write(example.text)
    command = [gleaner, "rules" if kind == "rules" else "jobs", "check", path]
    run = subprocess.run(command, capture_output=True, text=True, timeout=60)
    if run.returncode == 0:
        return None
    # The binary names the temporary file; name the example's line in its doc instead.
    message = (run.stderr + run.stdout).strip()

    def to_doc_line(m):
        return "%s:%d" % (example.doc, example.line + int(m.group(1)))
    message = re.sub(re.escape(path) + r":(\d+)", to_doc_line, message)
    return "%s example, `%s` exit %d: %s" % (
        kind, " ".join(command[1:3]), run.returncode, message)


def documentation_files(root):
    """README.md, docs/*.md and the README.md of every module (build trees,
    node_modules and hidden directories left out)."""
    files = [os.path.join(root, "README.md")] + sorted(glob.glob(os.path.join(root, "docs", "*.md")))
    for directory, subdirs, names in os.walk(root):
        subdirs[:] = sorted(d for d in subdirs if not d.startswith((".", "build"))
                            and d != "node_modules")
        if directory != root and "README.md" in names:
            files.append(os.path.join(directory, "README.md"))
    return files


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gleaner", required=True, help="the gleaner binary")
    parser.add_argument("--root", required=True, help="the source tree")
    parser.add_argument("--files", nargs="*",
                        help="Markdown files to check (default: README.md and docs/*.md)")
    args = parser.parse_args()

    files = args.files or documentation_files(args.root)
    examples = []
    for path in files:
        shown = os.path.relpath(path, args.root)
        examples.extend(extract_examples(path, shown))

    failures = 0
    checked = 0
    with tempfile.TemporaryDirectory(prefix="gleaner-docs-") as workdir:
        for index, example in enumerate(examples):
            where = "%s:%d" % (example.doc, example.line)
            if example.skip_reason is not None:
                print("skip %s (fragment: %s)" % (where, example.skip_reason))
                continue
            checked += 1
            problem = check(args.gleaner, example, workdir, index)
            if problem is None:
                print("ok   %s (%s)" % (where, classify(example.text)))
            else:
                failures += 1
                print("FAIL %s: %s" % (where, problem))
    print("%d YAML examples in %d files: %d checked, %d failed, %d fragments skipped" % (
        len(examples), len(files), checked, failures, len(examples) - checked))
    if not examples:
        print("no YAML examples found: wrong --root?")
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
