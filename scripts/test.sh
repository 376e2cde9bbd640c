#!/usr/bin/env bash
# Command 2 of the README: install, build, and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-deps.sh
scripts/build.sh
meson test -C build --print-errorlogs --num-processes 2 "$@"
