#!/usr/bin/env bash
# Installs every Debian 12 package Gleaner needs to build, test and benchmark;
# with --fuzz also clang and its sanitizer/libFuzzer runtimes (scripts/fuzz.sh).
# Idempotent: when all packages are present it prints nothing and exits 0.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config git clang-format
  # crawler
  libcurl4-openssl-dev libidn2-dev libgumbo-dev libboost-dev libxxhash-dev
  # fetch: Content-Encoding decoded whole (gzip/deflate, br; zstd is below)
  libdeflate-dev libbrotli-dev
  # staging store
  librocksdb-dev libzstd-dev libsnappy-dev
  # schema and service
  libprotobuf-dev protobuf-compiler libgrpc++-dev protobuf-compiler-grpc
  # configs, CLI, JSON
  libyaml-cpp-dev libcli11-dev nlohmann-json3-dev
  # prepare: RE2 for user regexes in rules (linear time), OpenSSL for salted PII hashes
  libre2-dev libssl-dev
  # multi-machine crawls: the Redis frontier
  libhiredis-dev
  # tests: Catch2; HTTP/2 peer (nghttpd); Redis server; the Python client's runtime; zsh to
  # check the completion script; NumPy and SciPy, the oracles of the profile and drift
  # statistics; Chromium, which opens the HTML reports headless (tests/html_reports)
  catch2 nghttp2-server redis-server python3-grpcio python3-protobuf python3-pandas python3-scipy
  zsh chromium
)

# The fuzz targets (tests/fuzz) are built with clang; only CI and fuzz.sh need it.
if [ "${1:-}" = "--fuzz" ]; then
  packages+=(clang libclang-rt-14-dev)
fi

sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive

# run_step WHAT HINT COMMAND...: runs COMMAND with its output kept aside; when
# it fails, prints what failed, the output's last lines and what to try, and
# exits with COMMAND's status (a quiet installer must not fail quietly).
run_step() {
  local what=$1 hint=$2 log status=0
  shift 2
  log=$(mktemp)
  "$@" >"$log" 2>&1 || status=$?
  if [ "$status" -ne 0 ]; then
    {
      echo "install-deps: FAILED (exit $status): $what"
      echo "install-deps: command: $*"
      tail -n 25 "$log" | sed 's/^/  | /'
      echo "install-deps: what to try: $hint"
    } >&2
    rm -f "$log"
    exit "$status"
  fi
  rm -f "$log"
}

if [ ${#sudo_cmd[@]} -gt 0 ] && ! command -v sudo >/dev/null 2>&1; then
  sudo_cmd=(install_deps_no_sudo)
fi
install_deps_no_sudo() {
  echo "install-deps: not root and no sudo; run this script as root to install packages" >&2
  return 1
}

apt_hint="check the network and any proxy (http_proxy, or Acquire::http::Proxy in /etc/apt/apt.conf.d),\
 the sources in /etc/apt/sources.list*, and the system clock; then run scripts/install-deps.sh again"

apt_install() {  # packages...
  run_step "apt-get update" "$apt_hint" "${sudo_cmd[@]}" apt-get update -qq
  run_step "apt-get install $*" "$apt_hint; or see the full error with: sudo apt-get install $*" \
    "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "$@"
}

# One dpkg-query for every package (one a package cost ~40 ms each, on every
# ./dev.sh): the installed ones, then those listed but not among them.
declare -A installed=()
while read -r name status; do
  if [ "$status" = "install ok installed" ]; then installed[$name]=1; fi
done < <(dpkg-query -W -f='${Package} ${Status}\n' "${packages[@]}" 2>/dev/null || true)
missing=()
for p in "${packages[@]}"; do
  [ -n "${installed[$p]:-}" ] || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}" >&2
  apt_install "${missing[@]}"
fi

# The tests' npm packages: the Parquet readers (tests/parquet_readers) and
# playwright-core, which drives Debian's chromium (tests/html_reports; it
# downloads no browser of its own). Node.js from Debian when the machine has
# none, then each folder's packages pinned in its package-lock.json,
# reinstalled whenever the lock file differs from the one last installed.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  apt_install nodejs npm
fi
npm_ci_in() (  # dir
  cd "$1" && npm ci --loglevel=error --no-audit --no-fund
)
tests_dir="$(cd "$(dirname "$0")/.." && pwd)/tests"
for npm_dir in "$tests_dir/parquet_readers" "$tests_dir/html_reports"; do
  if cmp -s "$npm_dir/package-lock.json" "$npm_dir/node_modules/.gleaner-installed-lock"; then
    continue
  fi
  registry=$(cd "$npm_dir" && npm config get registry 2>/dev/null || echo "the npm registry")
  npm_hint="npm must reach $registry: check the network and proxy (\$HTTPS_PROXY, or npm config set\
 https-proxy URL); behind a TLS-inspecting proxy give node its CA with NODE_EXTRA_CA_CERTS=/path/to/ca.pem;\
 or run scripts/install-deps.sh once with network access (only the tests that use\
 $npm_dir need its node_modules)"
  # --loglevel=error, not --silent: --silent hides the error too.
  run_step "npm ci in $npm_dir (packages the tests use)" "$npm_hint" npm_ci_in "$npm_dir"
  cp "$npm_dir/package-lock.json" "$npm_dir/node_modules/.gleaner-installed-lock"
done
