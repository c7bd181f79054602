#!/usr/bin/env bash
# Where a ctest run's CPU goes, by program and by `gleaner` command: every
# process the run starts loads a small LD_PRELOAD library whose destructor
# appends its getrusage(RUSAGE_SELF) and command line to a log (a process
# killed by a signal logs nothing). Usage: scripts/suite-cpu.sh BUILD_DIR [CTEST ARGS...]
# e.g. scripts/suite-cpu.sh build --parallel 8
# SUITE_CPU_KEEP=FILE keeps the raw log (user s, system s, command line).
set -euo pipefail
build_dir="${1:?usage: scripts/suite-cpu.sh BUILD_DIR [CTEST ARGS...]}"
shift
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cat > "$work/rusage.c" <<'C'
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>
static void __attribute__((destructor)) log_rusage(void) {
  const char* log = getenv("SUITE_CPU_LOG");
  if (log == NULL) return;
  struct rusage r;
  getrusage(RUSAGE_SELF, &r);
  char cmd[400];
  int fd = open("/proc/self/cmdline", O_RDONLY);
  ssize_t n = fd >= 0 ? read(fd, cmd, sizeof cmd - 1) : 0;
  if (fd >= 0) close(fd);
  if (n < 0) n = 0;
  for (ssize_t i = 0; i < n; i++) if (cmd[i] == 0) cmd[i] = ' ';
  cmd[n] = 0;
  char line[600];
  int len = snprintf(line, sizeof line, "%.3f %.3f %s\n",
                     r.ru_utime.tv_sec + r.ru_utime.tv_usec / 1e6,
                     r.ru_stime.tv_sec + r.ru_stime.tv_usec / 1e6, cmd);
  int out = open(log, O_WRONLY | O_APPEND | O_CREAT, 0644);
  if (out >= 0) {
    if (write(out, line, (size_t)len) < 0) {}
    close(out);
  }
}
C
cc -O2 -shared -fPIC "$work/rusage.c" -o "$work/rusage.so"
log="$work/rusage.log"
SUITE_CPU_LOG="$log" LD_PRELOAD="$work/rusage.so" ctest --test-dir "$build_dir" "$@" | tail -3
echo
echo "CPU s  starts  program (user + system, processes that exited normally)"
awk '{ split($3, path, "/"); program = path[length(path)]; cpu[program] += $1 + $2; n[program]++ }
     END { for (p in cpu) printf "%7.2f %6d  %s\n", cpu[p], n[p], p }' "$log" | sort -rn | head -25
echo
echo "CPU s  starts  ms/start  gleaner command"
awk '$3 ~ /\/gleaner$/ { cpu[$4] += $1 + $2; n[$4]++ }
     END { for (c in cpu) printf "%7.2f %6d %8.1f  %s\n", cpu[c], n[c], 1000 * cpu[c] / n[c], c }' "$log" |
  sort -rn | head -20
if [[ -n "${SUITE_CPU_KEEP:-}" ]]; then cp "$log" "$SUITE_CPU_KEEP"; fi
awk '{ total += $1 + $2 } END { printf "\ntotal %.1f s of CPU over %d processes\n", total, NR }' "$log"
