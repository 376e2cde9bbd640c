#!/usr/bin/env bash
# Runs one libFuzzer target of a -Dfuzzing=true build for a while, starting
# from the repository's corpus (without the known-bug-* reproducers) and
# keeping what it finds in a work directory. See tests/fuzz/README.md.
#
#   tests/fuzz/run-fuzzer.sh TARGET SECONDS [LIBFUZZER-ARGS...]
#
# TARGET: fuzz-timeline, fuzz-session or fuzz-element. Environment:
#   BUILD     the fuzzing build directory (default: build-fuzz)
#   WORK      where the working corpus, crashes and the log go
#             (default: $BUILD/fuzz-work/TARGET)
# For fuzz-element, RECORDER_FUZZ_AVOID defaults to
# "short-resample,null-offset", steering clear of the known bugs (README.md):
# the harness feeds no F32 audio, and ubsan-known.supp silences the known
# undefined-behaviour report. Set it to an empty string to fuzz into them.
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

# The element target needs the system's plugins and a registry of its own;
# its own plugin is compiled in (not from GST_PLUGIN_PATH_1_0).
export GST_REGISTRY_1_0="$build/tests/registry-fuzz-asan.bin"
export GST_REGISTRY_FORK=no
export GST_DEBUG="${GST_DEBUG:-*:1}"
unset GST_PLUGIN_PATH_1_0 GST_PLUGIN_PATH
export LSAN_OPTIONS="suppressions=$here/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
if [ "$target" = fuzz-element ]; then
  export RECORDER_FUZZ_AVOID="${RECORDER_FUZZ_AVOID-short-resample,null-offset}"
  case "$RECORDER_FUZZ_AVOID" in
    *null-offset*)
      export UBSAN_OPTIONS="suppressions=$here/ubsan-known.supp${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
      ;;
  esac
  # Build the registry once, with the full stacks the suppression needs.
  ASAN_OPTIONS=fast_unwind_on_malloc=0 "$bin" -runs=0 "$work/corpus" \
    > "$work/registry.log" 2>&1 || { cat "$work/registry.log" >&2; exit 1; }
fi

echo "fuzzing $target for $seconds s: corpus $work/corpus, log $work/fuzz.log"
"$bin" -max_total_time="$seconds" -print_final_stats=1 \
  -artifact_prefix="$work/artifacts/" "$@" "$work/corpus" \
  > "$work/fuzz.log" 2>&1 || status=$?
grep -E '^#[0-9]+ +(DONE|pulse)' "$work/fuzz.log" | tail -1 || true
grep -E '^stat::' "$work/fuzz.log" || true
if [ "${status:-0}" -ne 0 ]; then
  echo "$target stopped with status $status; see $work/fuzz.log and" \
    "$work/artifacts/" >&2
  exit "$status"
fi
