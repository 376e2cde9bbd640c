#!/usr/bin/env bash
# Runs one libFuzzer target of a -Dfuzzing=true build for a while, starting
# from the repository's corpus (without any known-bug-* reproducer of a bug
# not fixed yet) and keeping what it finds in a work directory. See tests/fuzz/README.md.
#
#   tests/fuzz/run-fuzzer.sh TARGET SECONDS [LIBFUZZER-ARGS...]
#
# TARGET: fuzz-timeline, fuzz-session or fuzz-element. Environment:
#   BUILD     the fuzzing build directory (default: build-fuzz)
#   WORK      where the working corpus, crashes and the log go
#             (default: $BUILD/fuzz-work/TARGET)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
target="${1:?usage: $0 TARGET SECONDS [LIBFUZZER-ARGS...]}"
seconds="${2:?usage: $0 TARGET SECONDS [LIBFUZZER-ARGS...]}"
shift 2
build="${BUILD:-$root/build-fuzz}"
work="${WORK:-$build/fuzz-work/$target}"
bin="$build/tests/fuzz/$target"
[ -x "$bin" ] || { echo "no $bin: build with -Dfuzzing=true first" >&2; exit 2; }

mkdir -p "$work/corpus" "$work/artifacts"
find "$here/corpus/$target" -maxdepth 1 -type f ! -name 'known-bug-*' \
  -exec cp -n {} "$work/corpus/" \;

. "$here/fuzz-env.sh"

echo "fuzzing $target for $seconds s: corpus $work/corpus, log $work/fuzz.log"
"$bin" -max_total_time="$seconds" -print_final_stats=1 \
  -artifact_prefix="$work/artifacts/" "$@" "$work/corpus" \
  > "$work/fuzz.log" 2>&1 || status=$?
grep -E '^#[0-9]+[[:space:]]+DONE' "$work/fuzz.log" | tail -1 || true
grep -E '^stat::' "$work/fuzz.log" || true
if [ "${status:-0}" -ne 0 ]; then
  echo "$target stopped with status $status; see $work/fuzz.log and" \
    "$work/artifacts/" >&2
  exit "$status"
fi
