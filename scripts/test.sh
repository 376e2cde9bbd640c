#!/usr/bin/env bash
# Command 2 of the README: install, build, and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-deps.sh
scripts/build.sh
log=build/meson-logs/test-summary.txt
rc=0
meson test -C build --print-errorlogs --num-processes 2 "$@" | tee "$log" || rc=$?
ok=$(sed -n 's/^Ok: *\([0-9]*\).*/\1/p' "$log")
fail=$(sed -n 's/^Fail: *\([0-9]*\).*/\1/p' "$log")
timeout=$(sed -n 's/^Timeout: *\([0-9]*\).*/\1/p' "$log")
echo "${ok:-0} passed, $(( ${fail:-0} + ${timeout:-0} )) failed"
exit "$rc"
