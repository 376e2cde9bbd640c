#!/usr/bin/env bash
# Command 2 of the README: install, build, and run the whole test suite;
# then build again with clang, AddressSanitizer and UndefinedBehaviorSanitizer
# (build-asan/) and run the whole suite under them (meson test --setup asan).
# RECORDER_SKIP_ASAN=1 skips the second run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-deps.sh
scripts/build.sh

passed=0
failed=0
count () { # log label
  local ok fail timeout
  ok=$(sed -n 's/^Ok: *\([0-9]*\).*/\1/p' "$1")
  fail=$(sed -n 's/^Fail: *\([0-9]*\).*/\1/p' "$1")
  timeout=$(sed -n 's/^Timeout: *\([0-9]*\).*/\1/p' "$1")
  fail=$(( ${fail:-0} + ${timeout:-0} ))
  echo "$2: ${ok:-0} passed, $fail failed"
  passed=$(( passed + ${ok:-0} ))
  failed=$(( failed + fail ))
}

rc=0
log=build/meson-logs/test-summary.txt
meson test -C build --print-errorlogs --num-processes 2 "$@" | tee "$log" || rc=$?

if [[ ${RECORDER_SKIP_ASAN:-0} != 1 ]]; then
  if [[ ! -f build-asan/build.ninja ]]; then
    CXX=clang++ meson setup build-asan -Db_sanitize=address,undefined \
      -Db_lundef=false
  fi
  ninja -C build-asan
  alog=build-asan/meson-logs/test-summary.txt
  meson test -C build-asan --setup asan --print-errorlogs --num-processes 2 \
    "$@" | tee "$alog" || rc=$?
fi

count "$log" "suite"
[[ ${RECORDER_SKIP_ASAN:-0} == 1 ]] || count "$alog" "asan"
echo "$passed passed, $failed failed"
exit "$rc"
