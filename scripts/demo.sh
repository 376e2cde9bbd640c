#!/usr/bin/env bash
# Command 1 of the README: install, build, and record a short simulated
# two-party call (caller on the left, agent on the right) to Ogg/Opus.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-deps.sh
scripts/build.sh >/dev/null

out=${1:-"$PWD/call.ogg"}
export GST_PLUGIN_PATH="$PWD/build/gst/recorder${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}"
# 5 s: the caller is a 440 Hz tone, the agent's speech a ticking 880 Hz tone.
gst-launch-1.0 -q -e recorderbin name=rec location="$out" format=ogg-opus \
  audiotestsrc num-buffers=250 samplesperbuffer=960 freq=440 volume=0.4 \
    ! audio/x-raw,rate=48000,channels=1 ! rec.sink_0 \
  audiotestsrc num-buffers=250 samplesperbuffer=320 freq=880 wave=ticks \
    ! audio/x-raw,rate=16000,channels=1 ! rec.sink_1
echo "Recorded a 5 s two-party call: $out"
if command -v ffprobe >/dev/null; then
  ffprobe -v error -show_entries stream=codec_name,channels,sample_rate:format=format_name,duration \
    -of default=noprint_wrappers=1 "$out"
fi
