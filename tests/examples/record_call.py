#!/usr/bin/python3
# record_call.py — a two-party call recorded with recorderbin, from Python.
#
#   caller: audiotestsrc is-live=true          -> sink_0 (left channel)
#   agent:  appsrc, speech pushed ahead        -> sink_1 (right channel,
#           of playback with timestamps           holdback 10 s)
#
# The agent's whole utterance (0.5 s .. 3.5 s) is pushed at once, as a speech
# synthesizer does. At 2 s the caller barges in: the application emits
# `interrupt` for sink_1 at "now", and the unplayed rest of the utterance never
# reaches the file. At 3 s it sends EOS and waits for the `recorderbin-done`
# message. It prints every `recorderbin-mark` (where, in the file, the caller
# barged in), the done message and its per-pad report, and writes the marks
# to a JSON Lines file next to the recording.
#
#   GST_PLUGIN_PATH=build/gst/recorder tests/examples/record_call.py [out]
#
# Exits 0 only if the done message arrived with status "ok", the barge-in
# discarded audio and was marked at its place in the file, and the mark log
# ends with the done line.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import json
import math
import struct
import sys

import gi

gi.require_version("Gst", "1.0")
from gi.repository import GLib, Gst  # noqa: E402

AGENT_RATE = 16000
SPEECH_START = 500 * Gst.MSECOND
SPEECH_END = 3500 * Gst.MSECOND
BUFFER_DURATION = 100 * Gst.MSECOND
BARGE_IN = 2 * Gst.SECOND
STOP = 3 * Gst.SECOND
GIVE_UP_MS = 8000


def agent_speech():
    """The agent's utterance: a 600 Hz tone in 100 ms buffers, stamped with
    the running times it is scheduled to be played at."""
    samples = Gst.util_uint64_scale_round(BUFFER_DURATION, AGENT_RATE, Gst.SECOND)
    n = Gst.util_uint64_scale_round(SPEECH_START, AGENT_RATE, Gst.SECOND)
    pts = SPEECH_START
    while pts < SPEECH_END:
        data = struct.pack(
            "<%dh" % samples,
            *(
                int(8000 * math.sin(2 * math.pi * 600 * (n + i) / AGENT_RATE))
                for i in range(samples)
            ),
        )
        n += samples
        buf = Gst.Buffer.new_wrapped(data)
        buf.pts = pts
        buf.duration = BUFFER_DURATION
        yield buf
        pts += BUFFER_DURATION


def print_done(s):
    print("recorderbin-done:")
    for i in range(s.n_fields()):
        name = s.nth_field_name(i)
        if name == "pads":
            continue
        value = s.get_value(name)
        if isinstance(value, GLib.Error):
            value = value.message
        print("  %-20s %s" % (name, value))
    # The per-pad report: one structure per pad, in pad order.
    print("  pads:")
    for pad in s.get_value("pads"):
        print(
            "    %s (channel %d): first audio at %s, %.3f s committed, "
            "%.3f s cut off, %d marks"
            % (
                pad.get_string("pad"),
                pad.get_value("channel"),
                "none"
                if pad.get_value("first-audio") == Gst.CLOCK_TIME_NONE
                else "%.3f s" % (pad.get_value("first-audio") / Gst.SECOND),
                pad.get_value("committed-time") / Gst.SECOND,
                pad.get_value("interrupted-time") / Gst.SECOND,
                pad.get_value("marks"),
            )
        )


def running_time(pipeline):
    clock = pipeline.get_clock()
    if clock is None:
        return Gst.CLOCK_TIME_NONE
    now = clock.get_time()
    base = pipeline.get_base_time()
    return now - base if now > base else 0


def main():
    Gst.init(None)
    location = sys.argv[1] if len(sys.argv) > 1 else "call.ogg"

    pipeline = Gst.Pipeline.new("call")
    recorder = Gst.ElementFactory.make("recorderbin", "recorder")
    caller = Gst.ElementFactory.make("audiotestsrc", "caller")
    agent = Gst.ElementFactory.make("appsrc", "agent")
    if not recorder or not caller or not agent:
        print(
            "recorderbin, audiotestsrc or appsrc is missing (set "
            "GST_PLUGIN_PATH to the directory of libgstrecorder.so)",
            file=sys.stderr,
        )
        return 1

    marks_location = location + ".marks.jsonl"
    recorder.set_property("location", location)
    recorder.set_property("marks-location", marks_location)
    recorder.set_property("format", "ogg-opus")
    recorder.set_property("eos-timeout", 2 * Gst.SECOND)
    caller.set_property("is-live", True)
    caller.set_property("freq", 300.0)
    caller.set_property("volume", 0.3)
    agent.set_property(
        "caps",
        Gst.Caps.from_string(
            "audio/x-raw,format=S16LE,layout=interleaved,rate=%d,channels=1"
            % AGENT_RATE
        ),
    )
    agent.set_property("format", Gst.Format.TIME)

    for element in (caller, agent, recorder):
        pipeline.add(element)
    # Request the pads before the recorder leaves READY.
    caller_pad = recorder.request_pad_simple("sink_0")
    agent_pad = recorder.request_pad_simple("sink_1")
    # The agent's speech is pushed up to 3 s ahead: hold up to 10 s of it so
    # that a barge-in can still cut it.
    agent_pad.set_property("holdback", 10 * Gst.SECOND)
    caller.get_static_pad("src").link(caller_pad)
    agent.get_static_pad("src").link(agent_pad)

    loop = GLib.MainLoop()
    state = {"interrupted": False, "eos_sent": False, "done": None, "marks": []}

    def on_message(bus, msg):
        if msg.type == Gst.MessageType.ELEMENT:
            s = msg.get_structure()
            if msg.src == recorder and s and s.has_name("recorderbin-mark"):
                state["marks"].append(s.copy())
                print(
                    "mark: %s on %s at %.3f s, file sample %d%s"
                    % (
                        s.get_string("kind"),
                        s.get_string("pad") or "the recording",
                        s.get_value("running-time") / Gst.SECOND,
                        s.get_value("sample"),
                        " (late)" if s.get_value("late") else "",
                    )
                )
            if msg.src == recorder and s and s.has_name("recorderbin-done"):
                state["done"] = s.copy()
                print_done(s)
        elif msg.type in (Gst.MessageType.WARNING, Gst.MessageType.ERROR):
            is_error = msg.type == Gst.MessageType.ERROR
            err, _ = msg.parse_error() if is_error else msg.parse_warning()
            print(
                "%s from %s: %s"
                % ("ERROR" if is_error else "WARNING", msg.src.get_name(), err.message),
                file=sys.stderr,
            )
            if is_error:
                loop.quit()
        elif msg.type == Gst.MessageType.EOS:
            print("end of stream")
            loop.quit()
        return True

    def on_tick():
        # Every 10 ms: barge in at 2 s, stop at 3 s of running time.
        if pipeline.get_state(0)[1] != Gst.State.PLAYING:
            return True
        now = running_time(pipeline)
        if now == Gst.CLOCK_TIME_NONE:
            return True
        if not state["interrupted"] and now >= BARGE_IN:
            state["interrupted"] = True
            # Gst.CLOCK_TIME_NONE: cut at the clock's running time, now.
            found = recorder.emit("interrupt", "sink_1", Gst.CLOCK_TIME_NONE)
            print(
                "barge-in at %.3f s: interrupt sink_1 -> %s"
                % (now / Gst.SECOND, "applied" if found else "no such pad")
            )
        if not state["eos_sent"] and now >= STOP:
            state["eos_sent"] = True
            print("stop at %.3f s: sending EOS" % (now / Gst.SECOND))
            pipeline.send_event(Gst.Event.new_eos())
            return False
        return True

    def on_give_up():
        print("no end of stream after %d ms: giving up" % GIVE_UP_MS, file=sys.stderr)
        loop.quit()
        return False

    bus = pipeline.get_bus()
    bus.add_signal_watch()
    bus.connect("message", on_message)

    if pipeline.set_state(Gst.State.PLAYING) == Gst.StateChangeReturn.FAILURE:
        print("cannot start recording to %s" % location, file=sys.stderr)
        return 1
    for buf in agent_speech():
        agent.emit("push-buffer", buf)
    GLib.timeout_add(10, on_tick)
    GLib.timeout_add(GIVE_UP_MS, on_give_up)
    loop.run()

    pipeline.set_state(Gst.State.NULL)
    bus.remove_signal_watch()

    done = state["done"]
    if done is None:
        print("FAIL: no recorderbin-done message", file=sys.stderr)
        return 1
    if done.get_string("status") != "ok":
        print("FAIL: the recording did not finish with status ok", file=sys.stderr)
        return 1
    ok, interrupted = done.get_uint64("interrupted-samples")
    if not ok or interrupted == 0:
        print("FAIL: the barge-in discarded nothing", file=sys.stderr)
        return 1
    interrupts = [m for m in state["marks"] if m.get_string("kind") == "interrupt"]
    if len(interrupts) != 1 or interrupts[0].get_string("pad") != "sink_1":
        print("FAIL: the barge-in was not marked once on sink_1", file=sys.stderr)
        return 1
    with open(marks_location) as f:
        lines = [json.loads(line) for line in f]
    if not lines or lines[-1]["kind"] != "done" or len(lines) != len(state["marks"]) + 1:
        print("FAIL: %s does not hold the marks and the done line" % marks_location,
              file=sys.stderr)
        return 1
    print("recorded %s, marks in %s" % (location, marks_location))
    return 0


if __name__ == "__main__":
    sys.exit(main())
