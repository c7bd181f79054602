#!/usr/bin/env bash
# The two entry points of the README, plus the sanitizer run used by CI.
#   ./dev.sh demo        install deps, build, run `gleaner demo`
#   ./dev.sh test        install deps, build, run the whole test suite
#   ./dev.sh test-asan   the same suite built with AddressSanitizer + UBSan
#   ./dev.sh build       install deps and build only (build/)
# GLEANER_WERROR=ON (set by .ci/run) builds with warnings as errors.
set -euo pipefail
cd "$(dirname "$0")"

jobs=$(nproc 2>/dev/null || echo 2)
# Let ccache share objects between clones of the repo (CI builds in a fresh clone).
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true

configure_and_build() {  # build_dir [extra cmake args...]
  local dir=$1; shift
  local werror=${GLEANER_WERROR:-OFF}
  bash scripts/install-deps.sh
  # Configure a new build directory, or one built with the other -Werror setting.
  if [ ! -f "$dir/build.ninja" ] ||
     ! grep -qx "GLEANER_WERROR:BOOL=$werror" "$dir/CMakeCache.txt"; then
    cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGLEANER_WERROR="$werror" \
      "$@" >/dev/null
  fi
  cmake --build "$dir" --parallel "$jobs"
}

run_tests() {  # build_dir jobs_per_core
  # Most cases wait on servers and child processes rather than compute (run
  # one by one, the release suite keeps a core busy about a third of its
  # time), so several ctest jobs per core (each test's cost and timeout come
  # from its label: gleaner_test in CMakeLists.txt).
  ctest --test-dir "$1" --output-on-failure --parallel "$(($2 * jobs))"
}

case "${1:-}" in
  demo)
    configure_and_build build
    ./build/tools/gleaner demo
    ;;
  test)
    configure_and_build build
    run_tests build 4
    ;;
  test-asan)
    configure_and_build build-asan -DGLEANER_SANITIZE=ON
    # Sanitized cases compute several times more: two jobs a core.
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      run_tests build-asan 2
    ;;
  build)
    configure_and_build build
    ;;
  *)
    echo "usage: ./dev.sh demo|test|test-asan|build" >&2
    exit 2
    ;;
esac
