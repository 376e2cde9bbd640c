# Sourced by run-fuzzer.sh and make-corpus.sh: the environment the libFuzzer
# binaries of a -Dfuzzing=true build run in. Expects $here (tests/fuzz),
# $build (the build directory) and $target.
#
# The element target needs the system's plugins and a registry of its own;
# its own plugin is compiled in (not taken from GST_PLUGIN_PATH_1_0).
export GST_REGISTRY_1_0="$build/tests/registry-fuzz-asan.bin"
export GST_REGISTRY_FORK=no
export GST_DEBUG="${GST_DEBUG:-*:1}"
unset GST_PLUGIN_PATH_1_0 GST_PLUGIN_PATH
export LSAN_OPTIONS="suppressions=$here/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
if [ "$target" = fuzz-element ]; then
  # Build the registry once, with the full stacks the suppression needs.
  if [ ! -s "$GST_REGISTRY_1_0" ]; then
    ASAN_OPTIONS=fast_unwind_on_malloc=0 "$build/tests/fuzz/$target" \
      -runs=0 "$here/corpus/$target" > /dev/null 2>&1 || true
  fi
fi
