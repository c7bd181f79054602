#!/usr/bin/env python3
"""Fails when an #include points up or sideways between the tree's stages, or
when a file's code sits in a namespace its folder does not own.

Every include is spelled from the project root ("storage/staging_store.h"), so
its first folders say which part of the system it reaches into. ALLOWED below
gives, for each folder, the folders its files may include; a file belongs to
the longest folder of the table that holds it. The order is the data flow:
crawler and ingest both stand on storage and never on each other; service/,
distributed/ and tools/ stand above them; tests/ and bench/ may use anything.
A unit test beside its code (*_test.cc) may also use the test helpers.

NAMESPACES below gives, for each folder, the namespaces `gleaner::X` its files
may declare, so a name's namespace says which folder to open. Namespaces nested
deeper (gleaner::storage::testing) belong to their `gleaner::X`; a namespace
block holding only forward declarations (`class StagingStore;`) may name
another folder's.

Usage: scripts/check-layering.py [SOURCE_DIR]   (registered with ctest as
layering_check). Exit 0 when every include and namespace is allowed, 1
otherwise, with one line per offence: FILE:LINE: ...
"""
import os
import re
import sys

BASE = ["common", "schema", "storage"]
# The crawl stage's folders in dependency order (crawler/CMakeLists.txt): a
# stage owns its options (crawler/extract's ExtractSpec, crawler/fetch's
# FetchLimits) and crawler/job's JobConfig aggregates them, so none of the
# folders before job/ includes it.
CRAWLER_PARTS = ["crawler/url", "crawler/robots", "crawler/sitemap", "crawler/fetch",
                 "crawler/extract", "crawler/job", "crawler/frontier", "crawler/engine"]
SERVICE_PARTS = ["service/security", "service/client", "service/jobs", "service/metrics",
                 "service/dataset", "service/ingest"]
PRODUCT = BASE + ["crawler", "ingest"] + SERVICE_PARTS + ["distributed", "service/server",
                                                         "demo", "tools"]

# folder -> the folders its files may include (itself always among them).
ALLOWED = {
    "common": ["common"],
    "schema": ["schema"],
    "storage": BASE,
    # crawler/: CRAWLER_PARTS below, each on the ones listed before it.
    **{part: BASE + CRAWLER_PARTS[:i + 1] for i, part in enumerate(CRAWLER_PARTS)},
    "ingest": BASE + ["ingest"],
    # Drift statistics take plain inputs (weighted samples, counts), so any
    # stage above can feed them: not even storage/. Two profiles (profile.json)
    # are the inputs of a dataset's drift.
    "ingest/drift": ["common", "schema", "ingest/profile", "ingest/drift"],
    # Profiles and their sketches stand on common/ and schema/ alone, so a
    # profile.json can be read (and drift computed) without the pipeline.
    "ingest/profile": ["common", "schema", "ingest/profile"],
    # Reports take plain inputs too (bins, labelled counts, cells): the profile
    # and drift stages feed them, so they stand on common/ alone.
    "ingest/report": ["common", "ingest/report"],
    # service/: one library per part, each on the ones listed before it.
    "service/security": BASE + ["crawler", "service/security"],
    "service/client": BASE + ["service/security", "service/client"],
    "service/jobs": BASE + ["crawler", "service/security", "service/client", "service/jobs"],
    "service/metrics": BASE + ["service/client", "service/jobs", "service/metrics"],
    "service/dataset": BASE + ["ingest", "service/security", "service/client", "service/jobs",
                               "service/metrics", "service/dataset"],
    # A worker's finished page moves its URL's state as a local crawl's does
    # (crawler/engine/finished_page.h).
    "service/ingest": BASE + ["crawler", "service/security", "service/client", "service/jobs",
                              "service/metrics", "service/ingest"],
    # Workers and the Redis job board: a crawl shipping records to Ingest, a JobQueue.
    "distributed": BASE + ["crawler", "service/client", "service/jobs", "service/ingest",
                           "distributed"],
    # The server assembles every part, the Redis job board included.
    "service/server": BASE + ["crawler", "ingest"] + SERVICE_PARTS + ["distributed",
                                                                     "service/server"],
    "demo": ["common", "demo"],
    "tools": PRODUCT,
    "clients": PRODUCT + ["clients"],
    "tests": PRODUCT + ["clients", "tests"],
    "bench": PRODUCT + ["tests", "bench"],
}
# What a *_test.cc beside production code may include besides its folder's row.
TEST_HELPERS = ["tests/support", "tests/parquet_readers", "tests/html_reports"]

# folder -> the namespaces `gleaner` or `gleaner::X` its files may declare.
NAMESPACES = {
    "common": ["gleaner", "gleaner::yaml"],
    "schema": ["gleaner::schema"],
    "storage": ["gleaner::storage"],
    "crawler": ["gleaner::crawler"],
    # ingest/: one namespace per stage, named after its folder.
    "ingest/rules": ["gleaner::rules"],
    "ingest/outliers": ["gleaner::outliers"],
    "ingest/split": ["gleaner::split"],
    "ingest/prepare": ["gleaner::prepare"],
    "ingest/shards": ["gleaner::shards"],
    "ingest/drift": ["gleaner::drift"],
    "ingest/profile": ["gleaner::profile"],
    "ingest/report": ["gleaner::report"],
    "service": ["gleaner::service"],
    "distributed": ["gleaner::distributed"],
    "demo": ["gleaner::demo"],
    "tools": ["gleaner::tools"],
    "tests": ["gleaner::testing"],
    "tests/fuzz": ["gleaner::fuzz"],
    "bench": ["gleaner::bench"],
}

SOURCE_SUFFIXES = (".cc", ".h", ".cpp", ".hpp")
SKIPPED_DIRS = {".git", "node_modules", "__pycache__"}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def within(path, folder):
    return path == folder or path.startswith(folder + "/")


def owner(rel_dir, table):
    """The longest folder of `table` holding rel_dir, or None."""
    best = None
    for folder in table:
        if within(rel_dir, folder) and (best is None or len(folder) > len(best)):
            best = folder
    return best


# Comments, string and character literals, number literals (whose digit
# separators look like quotes) and preprocessor lines: blanked before braces are
# counted, so only code's braces and namespaces remain.
NOT_CODE = re.compile(r"""//[^\n]*|/\*.*?\*/|R"([^(\s]*)\(.*?\)\1"|"(?:\\.|[^"\\\n])*"|"""
                      r"""\b\d[\w']*|'(?:\\.|[^'\\\n])*'|^[ \t]*#(?:[^\n]*\\\n)*[^\n]*""",
                      re.DOTALL | re.MULTILINE)
BRACE_OR_NAMESPACE = re.compile(r"\bnamespace\s+(\w+(?:\s*::\s*\w+)*)?\s*\{|\{|\}")
FORWARD_DECLARATIONS = re.compile(
    r"\s*(?:(?:class|struct|union|enum(?:\s+(?:class|struct))?)\s+\w+(?:\s*:\s*[\w:]+)?\s*;\s*)*")


def code_only(text):
    return NOT_CODE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def namespace_problems(rel, text, folder):
    """FILE:LINE lines for each `gleaner::X` namespace of `text` that `folder`
    does not own and that holds more than forward declarations."""
    code = code_only(text)
    allowed = NAMESPACES[folder]
    problems = []
    open_scopes = []  # per open brace: (namespace path inside it, body start if wrong)
    for m in BRACE_OR_NAMESPACE.finditer(code):
        if m.group(0) == "}":
            if not open_scopes:
                break  # unbalanced braces: not this check's business
            path, start = open_scopes.pop()
            if start is not None and not FORWARD_DECLARATIONS.fullmatch(code[start:m.start()]):
                line = code.count("\n", 0, start) + 1
                problems.append((line, f"{rel}:{line}: declares namespace {path}, but {folder}/ "
                                       f"owns only {', '.join(allowed)} (another folder's types "
                                       "may only be forward-declared)"))
            continue
        enclosing = next((p for p, _ in reversed(open_scopes) if p is not None), "")
        if m.group(0) == "{" or m.group(1) is None:  # a block, or an anonymous namespace
            open_scopes.append((enclosing or None, None))
            continue
        names = re.sub(r"\s+", "", m.group(1))
        path = f"{enclosing}::{names}" if enclosing else names
        parts = path.split("::")
        # gleaner::X names the folder, so only a declaration reaching that depth
        # is judged; a namespace nested deeper follows its gleaner::X.
        reaches_owner = not enclosing or enclosing.count("::") == 0
        wrong = parts[0] == "gleaner" and reaches_owner and "::".join(parts[:2]) not in allowed
        open_scopes.append((path, m.end() if wrong else None))
    return [message for _, message in sorted(problems)]  # reported as blocks close


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                           os.path.join(os.path.dirname(__file__), ".."))
    top_folders = {name for name in os.listdir(root) if os.path.isdir(os.path.join(root, name))}
    problems = []
    checked = 0
    files = 0
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = os.path.relpath(dirpath, root)
        dirnames[:] = sorted(d for d in dirnames if d not in SKIPPED_DIRS
                             and not (rel_dir == "." and d.startswith("build")))
        for name in sorted(filenames):
            if not name.endswith(SOURCE_SUFFIXES):
                continue
            rel = os.path.normpath(os.path.join(rel_dir, name))
            folder = owner(os.path.dirname(rel), ALLOWED)
            if folder is None:
                problems.append(f"{rel}: its folder has no row in scripts/check-layering.py; "
                                "add one saying what it may include")
                continue
            allowed = list(ALLOWED[folder])
            if name.endswith("_test.cc"):
                allowed += TEST_HELPERS
            with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as f:
                for number, line in enumerate(f, 1):
                    m = INCLUDE.match(line)
                    if not m or m.group(1).split("/")[0] not in top_folders:
                        continue  # a header beside the file or a library's, not a stage's
                    checked += 1
                    target = m.group(1)
                    if not any(within(target, a) for a in allowed):
                        problems.append(f"{rel}:{number}: includes \"{target}\", but {folder}/ "
                                        f"may include only {', '.join(sorted(set(allowed)))}")
            namespace_folder = owner(os.path.dirname(rel), NAMESPACES)
            if namespace_folder is None:
                problems.append(f"{rel}: its folder has no row in NAMESPACES of "
                                "scripts/check-layering.py; add one naming the namespaces it owns")
                continue
            files += 1
            with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as f:
                problems += namespace_problems(rel, f.read(), namespace_folder)
    for p in problems:
        print(p)
    print(f"check-layering: {checked} includes and {files} files' namespaces checked, "
          f"{len(problems)} not allowed",
          file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
