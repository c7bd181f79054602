#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz) with clang in build-fuzz/ and runs
# each for a while, one after the other:
#   scripts/fuzz.sh                 20 s per target (what CI runs)
#   scripts/fuzz.sh --long          per target 10 min or 1,000,000 executions,
#                                   whichever comes first
#   scripts/fuzz.sh 3600 url cron   an hour each, only these targets
# Corpora grow in build-fuzz/fuzz/corpus/<target> (kept between runs), seeded
# from the repository by gleaner-fuzz-seeds; a crash, leak, timeout, memory
# blow-up or UBSan report is saved in build-fuzz/fuzz/artifacts/<target>/ and
# makes the script exit 1 after all targets ran. Logs: build-fuzz/fuzz/logs/.
# Replay one input: build-fuzz/tests/fuzz/<target>_fuzzer FILE
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=20
runs=-1  # libFuzzer: no limit
if [ "${1:-}" = "--long" ]; then
  seconds=600 runs=1000000; shift
elif [[ "${1:-}" =~ ^[0-9]+$ ]]; then
  seconds=$1; shift
fi

# Target, its longest input (libFuzzer -max_len) and its dictionary.
all_targets=(
  "robots 4096 url"
  "url 2048 url"
  "css_selector 16384 css"
  "json_path 8192 json"
  "html_extract 16384 css"
  "json_extract 8192 json"
  "rules_yaml 4096 yaml"
  "job_yaml 4096 yaml"
  "cron 256 -"
  "sitemap 8192 -"
  "content_decoding 8192 -"
  "parquet 4096 -"
  "profile_json 16384 json"
  "ingest_batch 4096 -"
  "conditional_request 512 http"
)
targets=()
if [ $# -gt 0 ]; then
  for want in "$@"; do
    found=
    for t in "${all_targets[@]}"; do [ "${t%% *}" = "$want" ] && targets+=("$t") && found=1; done
    [ -n "$found" ] || { echo "fuzz.sh: no target '$want'" >&2; exit 2; }
  done
else
  targets=("${all_targets[@]}")
fi

bash scripts/install-deps.sh --fuzz
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true
build=build-fuzz
if [ ! -f "$build/build.ninja" ]; then
  CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DGLEANER_FUZZ=ON >/dev/null
fi
cmake --build "$build" --parallel "$(nproc 2>/dev/null || echo 2)" --target fuzzers

work="$build/fuzz"
rm -rf "$work/seeds"
"$build/tests/fuzz/gleaner-fuzz-seeds" . "$work/seeds"

export ASAN_OPTIONS=detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
failed=()
printf '%-14s %12s %10s %8s  %s\n' target executions exec/s seconds result
for t in "${targets[@]}"; do
  read -r name max_len dict <<<"$t"
  corpus="$work/corpus/$name" artifacts="$work/artifacts/$name" log="$work/logs/$name.log"
  mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
  dict_arg=()
  [ "$dict" = "-" ] || dict_arg=(-dict="tests/fuzz/dict/$dict.dict")
  start=$(date +%s)
  status=0
  "$build/tests/fuzz/${name}_fuzzer" "$corpus" "$work/seeds/$name" "${dict_arg[@]}" \
    -max_total_time="$seconds" -runs="$runs" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$artifacts/" -print_final_stats=1 >"$log" 2>&1 || status=$?
  elapsed=$(( $(date +%s) - start ))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  result=ok
  if [ "$status" -ne 0 ]; then
    result="FAILED (exit $status): $(grep -m1 -E '^==[0-9]+==ERROR|SUMMARY|property failed|runtime error' "$log" || true)"
    failed+=("$name")
  fi
  printf '%-14s %12s %10s %8s  %s\n' "$name" "${execs:-?}" "${rate:-?}" "$elapsed" "$result"
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz.sh: ${failed[*]} failed; reproducers in $work/artifacts/, logs in $work/logs/" >&2
  exit 1
fi
