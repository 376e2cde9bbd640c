#!/usr/bin/env bash
# Makes the seed corpus tests/fuzz/corpus/TARGET of a -Dfuzzing=true build:
# pseudo-random seeds from the replay binary of the plain build, a fuzzing
# run from them (and from the current corpus), then the N inputs that reach
# the most coverage features of everything found (select-corpus.py).
# See tests/fuzz/README.md.
#
#   tests/fuzz/make-corpus.sh TARGET SECONDS [N]
#
# SECONDS 0 skips the fuzzing run: the selection is made from what is in the
# work directory's corpus already.
#
# Environment: BUILD (default build-fuzz), PLAIN (the plain build with the
# replay binaries, default build), WORK as for run-fuzzer.sh.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
target="${1:?usage: $0 TARGET SECONDS [N]}"
seconds="${2:?usage: $0 TARGET SECONDS [N]}"
count="${3:-60}"
build="${BUILD:-$root/build-fuzz}"
plain="${PLAIN:-$root/build}"
export WORK="${WORK:-$build/fuzz-work/$target}"

mkdir -p "$WORK/corpus"
GST_PLUGIN_PATH_1_0="$plain/gst/recorder" \
  GST_REGISTRY_1_0="$plain/tests/registry-fuzz.bin" GST_REGISTRY_FORK=no \
  "$plain/tests/fuzz/$target-replay" --write-seeds "$WORK/corpus" 200 7
# SECONDS 0: only select from what an earlier run found.
if [ "$seconds" -gt 0 ]; then
  BUILD="$build" "$here/run-fuzzer.sh" "$target" "$seconds"
fi

. "$here/fuzz-env.sh"
rm -rf "$WORK/merged" "$WORK/merge.txt"
mkdir -p "$WORK/merged"
"$build/tests/fuzz/$target" -merge=1 -merge_control_file="$WORK/merge.txt" \
  "$WORK/merged" "$WORK/corpus" > "$WORK/merge.log" 2>&1
"$here/select-corpus.py" "$WORK/merge.txt" "$here/corpus/$target" "$count"
