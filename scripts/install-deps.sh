#!/usr/bin/env bash
# Installs every Debian 12 package Gleaner needs to build, test and benchmark.
# Idempotent: when all packages are present it prints nothing and exits 0.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config git clang-format
  # crawler
  libcurl4-openssl-dev libgumbo-dev libboost-dev libxxhash-dev
  # staging store
  librocksdb-dev libzstd-dev libsnappy-dev
  # schema and service
  libprotobuf-dev protobuf-compiler libgrpc++-dev protobuf-compiler-grpc
  # configs, CLI, JSON
  libyaml-cpp-dev libcli11-dev nlohmann-json3-dev
  # tests
  catch2
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
