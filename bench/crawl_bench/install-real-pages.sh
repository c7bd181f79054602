#!/bin/sh
# The real-page corpus of `crawl_bench --dir`: Debian's PostgreSQL 15 manual
# as HTML (about 1,100 pages, /usr/share/doc/postgresql-doc-15/html). Only the
# benchmark needs it, so it is installed here, not by scripts/install-deps.sh
# or CI. Does nothing when it is present.
set -eu
if [ -f /usr/share/doc/postgresql-doc-15/html/index.html ]; then
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
$SUDO apt-get update
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql-doc-15
