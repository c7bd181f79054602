#!/usr/bin/env bash
# scripts/install-deps.sh when the npm registry cannot be reached: it must say
# which step failed, show npm's error and what to try, and exit non-zero
# (it used to run `npm ci --silent` and stop without a word). The script runs
# from a copy of the tree's layout, so the real tests/parquet_readers (whose
# node_modules may be installed) is not touched; apt-get is not reached when
# the Debian packages are installed, as they are wherever the suite runs.
set -euo pipefail
src=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/scripts" "$work/tests/parquet_readers"
cp "$src/scripts/install-deps.sh" "$work/scripts/"
cp "$src/tests/parquet_readers/package.json" "$src/tests/parquet_readers/package-lock.json" \
  "$work/tests/parquet_readers/"

# Port 1 on loopback refuses at once; no retries, a small timeout, an empty cache.
status=0
env npm_config_registry=http://127.0.0.1:1/ npm_config_fetch_retries=0 \
  npm_config_fetch_timeout=3000 npm_config_cache="$work/npm-cache" npm_config_offline=false \
  npm_config_update_notifier=false \
  timeout 120 bash "$work/scripts/install-deps.sh" >"$work/out" 2>&1 || status=$?
cat "$work/out"

fail() { echo "FAIL: $*" >&2; exit 1; }
[ "$status" -ne 0 ] || fail "install-deps.sh exited 0 with the registry unreachable"
[ "$status" -ne 124 ] || fail "install-deps.sh hung (killed by timeout)"
grep -q "install-deps: FAILED (exit $status): npm ci in $work/tests/parquet_readers" "$work/out" ||
  fail "no line naming the failed npm step"
grep -Eq "ECONNREFUSED|127\.0\.0\.1:1" "$work/out" || fail "npm's own error is not shown"
grep -q "what to try: npm must reach http://127.0.0.1:1/" "$work/out" || fail "no hint naming the registry"
grep -q "NODE_EXTRA_CA_CERTS" "$work/out" || fail "no hint about a proxy's CA certificate"
[ ! -e "$work/tests/parquet_readers/node_modules/.gleaner-installed-lock" ] ||
  fail "the failed install was recorded as done"
echo "PASS: exit $status with the failed step, npm's error and what to try"
