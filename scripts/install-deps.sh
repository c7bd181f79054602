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
  # tests: Catch2; HTTP/2 peer (nghttpd); Redis server; the Python client's runtime
  catch2 nghttp2-server redis-server python3-grpcio python3-protobuf python3-pandas
)

# The fuzz targets (tests/fuzz) are built with clang; only CI and fuzz.sh need it.
if [ "${1:-}" = "--fuzz" ]; then
  packages+=(clang libclang-rt-14-dev)
fi

sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}" >&2
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Parquet read-back tests (tests/parquet_readers): Node.js from Debian when the
# machine has none, then the readers pinned in package-lock.json, reinstalled
# whenever the lock file differs from the one last installed.
readers_dir="$(cd "$(dirname "$0")/.." && pwd)/tests/parquet_readers"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
if ! cmp -s "$readers_dir/package-lock.json" "$readers_dir/node_modules/.gleaner-installed-lock"; then
  (cd "$readers_dir" && npm ci --silent --no-audit --no-fund && cp package-lock.json node_modules/.gleaner-installed-lock)
fi
