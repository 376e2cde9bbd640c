/* recorderbin tests — the edges where a file could be lost or left
 * unfinished (DESIGN sections 5 and 7): limits of GStreamer's converter,
 * one pad's bad input (caps, segments) while the others record, prompt
 * NULL, recordings with no audio, a rate change in the middle, one failure
 * one message, settings the format cannot take, and every file finished
 * after any error, at EOS and at teardown, under both on-error modes.
 *
 * Files are checked with readers of their own (WAV chunks, FLAC STREAMINFO,
 * Ogg pages) and the codecs' tools (recorder-files.h), not only by
 * decoding them with GStreamer.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "recorder-files.h"
#include "recorder-rig.h"

#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

/* Last: gstcheck.h defines macros (fail, ...) that clash with C++ headers. */
#include <gst/check/gstcheck.h>
#include <json-glib/json-glib.h>

namespace
{

using rtest::Rig;

constexpr int kRate = 48000;

double
now_s ()
{
  return (double)g_get_monotonic_time () / G_USEC_PER_SEC;
}

std::string
ext_of (const std::string &format)
{
  return format == "wav" ? "wav" : format == "flac" ? "flac" : "ogg";
}

/* Exactly one ERROR, from the bin, its text holding every part. */
void
assert_one_error (const rtest::RunResult &r,
                  const std::vector<std::string> &parts)
{
  fail_unless_equals_int ((int)r.errors.size (), 1);
  const std::string text = rtest::message_text (r.errors[0]);
  fail_unless (g_str_equal (GST_MESSAGE_SRC_NAME (r.errors[0]), "rec"),
               "the ERROR is from %s", GST_MESSAGE_SRC_NAME (r.errors[0]));
  for (const std::string &p : parts)
    fail_unless (rtest::contains (text, p), "'%s' does not say '%s'",
                 text.c_str (), p.c_str ());
}

guint64
done_u64 (const rtest::RunResult &r, const char *field)
{
  fail_unless_equals_int ((int)r.done.size (), 1);
  guint64 v = 0;
  fail_unless (gst_structure_get_uint64 (r.done[0], field, &v), "no %s", field);
  return v;
}

void
assert_status (const rtest::RunResult &r, const char *status)
{
  fail_unless_equals_int ((int)r.done.size (), 1);
  const std::string got = r.done_status ();
  fail_unless_equals_string (got.c_str (), status);
}

/* Channel `ch` of the WAV file is the mono ramp `base` over [0, upto), then
 * zeros to the end. */
void
assert_channel (const rtest::Pcm &pcm, int ch, int base, uint64_t upto,
                const char *what)
{
  for (uint64_t i = 0; i < pcm.frames (); i++)
    {
      const int want = i < upto ? rtest::ramp_value (i, base) : 0;
      if (pcm.at (i, ch) != want)
        fail ("%s: frame %" G_GUINT64_FORMAT " channel %d is %d, want %d", what,
              i, ch, pcm.at (i, ch), want);
    }
}

/* Sets `pipeline` (auto-flush-bus off) to NULL, which must take less than
 * 1 s, then checks the one recorderbin-done it posted; unrefs it. */
void
null_promptly (GstElement *pipeline, const char *status)
{
  const double t0 = now_s ();
  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_NULL),
                          GST_STATE_CHANGE_SUCCESS);
  const double took = now_s () - t0;
  fail_unless (took < 1.0, "NULL took %.2f s", took);
  GstBus *bus = gst_element_get_bus (pipeline);
  rtest::RunResult r;
  rtest::collect_until_eos (bus, r, 0, false);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
  assert_status (r, status);
}

/* Sets `rig`'s pipeline to NULL in at most 1 s and collects what the bin
 * posted meanwhile (the bus keeps it: auto-flush-bus is off). */
void
teardown (Rig &rig)
{
  g_object_set (rig.pipeline, "auto-flush-bus", FALSE, NULL);
  const double t0 = now_s ();
  fail_unless_equals_int (gst_element_set_state (rig.pipeline, GST_STATE_NULL),
                          GST_STATE_CHANGE_SUCCESS);
  const double took = now_s () - t0;
  fail_unless (took < 1.0, "NULL took %.2f s", took);
  for (auto &in : rig.inputs)
    in->join ();
  GstBus *bus = gst_element_get_bus (rig.pipeline);
  rtest::collect_until_eos (bus, rig.result, 0, false);
  gst_object_unref (bus);
}

} // namespace

/* ---- 1. GStreamer's converter limit is the recording's ------------------- */

GST_START_TEST (test_pad_limit_is_the_converters)
{
  const std::string path = rtest::temp_path ("limit", "wav");
  Rig rig ("wav", path);
  GstBus *bus = gst_element_get_bus (rig.pipeline);
  std::vector<GstPad *> pads;
  for (int i = 0; i < 64; i++)
    if (GstPad *p = gst_element_request_pad_simple (rig.bin, "sink_%u"))
      pads.push_back (p);
  fail_unless_equals_int ((int)pads.size (), 63);
  GstMessage *w = gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING);
  fail_unless (w != NULL, "no WARNING for the 64th pad");
  fail_unless (rtest::contains (rtest::message_text (w), "63"), "'%s'",
               rtest::message_text (w).c_str ());
  gst_message_unref (w);
  for (GstPad *p : pads)
    {
      gst_element_release_request_pad (rig.bin, p);
      gst_object_unref (p);
    }
  gst_object_unref (bus);
}
GST_END_TEST;

/* ---- 2., 6. caps a pad cannot record: that pad alone --------------------- */

static const char *const kBadCaps[] = {
  "audio/x-raw, format=S16LE, layout=interleaved, rate=0, channels=1",
  "audio/x-raw, format=XYZ, layout=interleaved, rate=48000, channels=1",
  "audio/x-raw, format=S16LE, layout=interleaved, rate=48000, channels=0",
  "audio/x-raw, format=F32LE, layout=interleaved, rate=48000, channels=70, "
  "channel-mask=(bitmask)0x0",
  /* Unpositioned: GStreamer's converter cannot mix them into one channel. */
  "audio/x-raw, format=S16LE, layout=interleaved, rate=48000, channels=3, "
  "channel-mask=(bitmask)0x0",
};

/* sink_0 records a 1 s ramp; sink_1 sends caps the recording cannot take,
 * then audio. One ERROR names the pad and the caps; sink_0 is recorded
 * whole, sink_1 is silence; the done status is error, counted once. */
GST_START_TEST (test_caps_the_chain_cannot_take)
{
  const std::string path = rtest::temp_path ("badcaps", "wav");
  const GstAudioInfo mono
      = rtest::audio_info (GST_AUDIO_FORMAT_S16LE, kRate, 1);
  {
    Rig rig ("wav", path);
    rig.stop_on_error = false;
    rtest::Input &a = rig.input ();
    a.stream (mono).audio (mono, 0, kRate, rtest::mono_ramp_fn ());
    rtest::Input &b = rig.input ();
    GstCaps *caps = gst_caps_from_string (kBadCaps[__i__]);
    b.event (gst_event_new_caps (caps));
    gst_caps_unref (caps);
    GstSegment seg;
    gst_segment_init (&seg, GST_FORMAT_TIME);
    b.event (gst_event_new_segment (&seg));
    for (int k = 0; k < 10; k++)
      b.buffer (rtest::ramp_buffer_s16 (k * 960, 960, 1, kRate, 5000));
    const rtest::RunResult &r = rig.run ();
    assert_one_error (r, { "sink_1", "caps" });
    if (__i__ == 3)
      fail_unless (rtest::contains (rtest::message_text (r.errors[0]), "63"));
    if (__i__ == 4)
      fail_unless (rtest::contains (rtest::message_text (r.errors[0]),
                                    "map its channels"));
    assert_status (r, "error");
    fail_unless_equals_uint64 (done_u64 (r, "errors"), 1);
    fail_unless_equals_int (b.flow (), GST_FLOW_NOT_NEGOTIATED);
  }
  rtest::check_finished_file (path, "wav", kRate, 2, kRate, kBadCaps[__i__]);
  rtest::Pcm pcm;
  fail_unless (rtest::read_wav (path, pcm));
  assert_channel (pcm, 0, 0, kRate, "sink_0");
  assert_channel (pcm, 1, 0, 0, "sink_1");
}
GST_END_TEST;

/* ---- 2., 3., 8. a bad segment: that pad alone, one message --------------- */

struct SegmentCase
{
  bool mid;   /* after 1 s of audio, else before any */
  bool bytes; /* a BYTES segment, else TIME at rate 2.0 */
  const char *format;
  bool propagate;
  bool teardown; /* NULL once everything was pushed, instead of EOS */
};

static const SegmentCase kSegmentCases[] = {
  { false, true, "wav", false, false },
  { false, true, "wav", true, false },
  { true, false, "wav", false, false },
  { true, false, "wav", true, false },
  { true, false, "flac", false, false },
  { true, false, "flac", true, false },
  { true, false, "ogg-opus", false, false },
  { true, false, "ogg-opus", true, false },
  { true, true, "wav", false, true },
  { true, false, "flac", true, true },
  { true, false, "ogg-opus", false, true },
};

/* sink_0 and sink_1 both record a 2 s ramp; sink_1 gets a segment the bin
 * cannot record (before its audio or after 1 s). One ERROR, from the bin,
 * names the pad and the segment; errors counts it once; sink_0 is
 * recorded whole and sink_1 up to the bad segment, then silence; the file
 * is finished (WAV sizes, FLAC STREAMINFO, the Ogg EOS page). */
GST_START_TEST (test_bad_segment_is_that_pads_alone)
{
  const SegmentCase &c = kSegmentCases[__i__];
  const std::string path = rtest::temp_path ("badseg", ext_of (c.format));
  const GstAudioInfo mono
      = rtest::audio_info (GST_AUDIO_FORMAT_S16LE, kRate, 1);
  const uint64_t n = 2 * kRate, kept = c.mid ? kRate : 0;
  {
    Rig rig (c.format, path);
    rig.stop_on_error = false;
    gst_util_set_object_arg (G_OBJECT (rig.bin), "on-error",
                             c.propagate ? "propagate" : "contain");
    rtest::Input &a = rig.input ();
    rtest::Input &b = rig.input ();
    a.send_eos = b.send_eos = !c.teardown;
    a.stream (mono).audio (mono, 0, n, rtest::mono_ramp_fn ());
    /* sink_1 reaches its fault before sink_0 passes it. */
    a.wait ("fault");
    b.stream (mono).audio (mono, 0, kept, rtest::mono_ramp_fn (5000));
    GstSegment seg;
    gst_segment_init (&seg, c.bytes ? GST_FORMAT_BYTES : GST_FORMAT_TIME);
    seg.rate = c.bytes ? 1.0 : 2.0;
    b.event (gst_event_new_segment (&seg));
    b.mark ("fault");
    b.audio (mono, kept, n - kept, rtest::mono_ramp_fn (5000));
    if (c.teardown)
      {
        rig.start ();
        rig.feed ();
        for (auto &in : rig.inputs)
          in->join ();
        teardown (rig);
      }
    else
      rig.run ();
    const rtest::RunResult &r = rig.result;
    assert_one_error (r, { "sink_1", "segment" });
    assert_status (r, "error");
    fail_unless_equals_uint64 (done_u64 (r, "errors"), 1);
    fail_unless_equals_uint64 (done_u64 (r, "samples"), n);
    fail_unless_equals_int (b.flow (),
                            c.propagate ? GST_FLOW_ERROR : GST_FLOW_OK);
    fail_unless_equals_int (a.flow (), GST_FLOW_OK);
  }
  rtest::check_finished_file (path, c.format, kRate, 2, n, "bad segment");
  if (g_str_equal (c.format, "wav"))
    {
      rtest::Pcm pcm;
      fail_unless (rtest::read_wav (path, pcm));
      assert_channel (pcm, 0, 0, n, "sink_0");
      for (uint64_t i = 0; i < n; i++)
        {
          const int want = i < kept ? rtest::ramp_value (i, 5000) : 0;
          if (pcm.at (i, 1) != want)
            fail ("sink_1: frame %" G_GUINT64_FORMAT " is %d, want %d", i,
                  pcm.at (i, 1), want);
        }
    }
}
GST_END_TEST;

/* ---- 4. NULL is prompt -------------------------------------------------- */

/* A live two-pad recording set to NULL straight away, or after a few tens
 * of ms: NULL within 1 s, one done message. */
GST_START_TEST (test_null_straight_away)
{
  const std::string path = rtest::temp_path ("null-now", "ogg");
  gchar *desc = g_strdup_printf (
      "recorderbin name=rec location=%s audiotestsrc is-live=true ! rec.sink_0 "
      "audiotestsrc is-live=true wave=ticks ! rec.sink_1",
      path.c_str ());
  GstElement *pipeline = gst_parse_launch (desc, NULL);
  g_free (desc);
  fail_unless (pipeline != NULL);
  g_object_set (pipeline, "auto-flush-bus", FALSE, NULL);
  fail_unless (gst_element_set_state (pipeline, GST_STATE_PLAYING)
               != GST_STATE_CHANGE_FAILURE);
  if (__i__ % 2)
    g_usleep ((__i__ % 5) * 20 * 1000);
  null_promptly (pipeline, "ok");
}
GST_END_TEST;

/* A sink that never returns and eos-timeout=60 s: NULL within 1 s, status
 * timeout. */
GST_START_TEST (test_null_with_stalled_sink_and_long_timeout)
{
  GstElement *pipeline
      = gst_parse_launch ("recorderbin name=rec eos-timeout=60000000000 "
                          "audiotestsrc is-live=true ! rec.sink_0",
                          NULL);
  fail_unless (pipeline != NULL);
  GstElement *rec = gst_bin_get_by_name (GST_BIN (pipeline), "rec");
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);
  g_object_set (sink, "sync", TRUE, "ts-offset", (gint64)3600 * GST_SECOND,
                NULL);
  g_object_set (rec, "sink", sink, NULL);
  gst_object_unref (rec);
  g_object_set (pipeline, "auto-flush-bus", FALSE, NULL);
  fail_unless (gst_element_set_state (pipeline, GST_STATE_PLAYING)
               != GST_STATE_CHANGE_FAILURE);
  g_usleep (500 * 1000);
  null_promptly (pipeline, "timeout");
}
GST_END_TEST;

/* ---- 5. no audio at all: prompt, ok, a valid empty file ------------------ */

static const char *const kFormats[]
    = { "wav", "flac", "ogg-opus", "ogg-vorbis" };

/* Loop: format x 1, 2 or 3 pads. Every pad ends without audio (sink_0
 * without even caps). EOS within 1 s, status ok, no samples, and a valid
 * empty file of the output's rate and channels. */
GST_START_TEST (test_empty_recording)
{
  const char *format = kFormats[__i__ / 3];
  const int pads = __i__ % 3 + 1;
  const std::string path = rtest::temp_path ("empty", ext_of (format));
  const GstAudioInfo stereo
      = rtest::audio_info (GST_AUDIO_FORMAT_S16LE, 16000, 2);
  {
    Rig rig (format, path);
    for (int p = 0; p < pads; p++)
      {
        rtest::Input &in = rig.input ();
        if (p > 0)
          in.stream (stereo);
      }
    const double t0 = now_s ();
    const rtest::RunResult &r = rig.run ();
    fail_unless (r.got_eos && now_s () - t0 < 1.0, "EOS after %.2f s",
                 now_s () - t0);
    fail_unless (r.errors.empty (), "%s",
                 rtest::describe_messages (r.errors).c_str ());
    assert_status (r, "ok");
    fail_unless_equals_uint64 (done_u64 (r, "samples"), 0);
  }
  /* One pad without caps: mono; several: one channel each. */
  rtest::check_finished_file (path, format, kRate, pads == 1 ? 1 : pads, 0,
                              format);
  if (g_str_equal (format, "ogg-vorbis"))
    return;
  if (g_str_equal (format, "flac"))
    {
      std::string out;
      fail_unless (rtest::run_tool ({ "flac", "-t", path }, &out), "%s",
                   out.c_str ());
    }
}
GST_END_TEST;

/* ---- 7. a rate change in the middle: later audio at its running time ----- */

GST_START_TEST (test_rate_change_places_later_audio)
{
  const std::string path = rtest::temp_path ("rate-change", "wav");
  const GstAudioInfo low = rtest::audio_info (GST_AUDIO_FORMAT_S16LE, 16000, 1);
  const GstAudioInfo high
      = rtest::audio_info (GST_AUDIO_FORMAT_S16LE, kRate, 1);
  {
    Rig rig ("wav", path);
    rtest::Input &in = rig.input ();
    in.stream (low).audio (
        low, 0, 16000, [] (uint64_t, int) { return 3000.0; }, 320);
    in.caps (high);
    /* The 48 kHz ramp, scheduled from 1 s. */
    for (uint64_t k = 0; k < kRate; k += 960)
      in.buffer (rtest::ramp_buffer_s16 (
          k, 960, 1, kRate, 0,
          GST_SECOND + gst_util_uint64_scale_int (k, GST_SECOND, kRate)));
    const rtest::RunResult &r = rig.run ();
    assert_status (r, "ok");
  }
  rtest::check_finished_file (path, "wav", kRate, 1, 2 * kRate, "rate change");
  rtest::Pcm pcm;
  fail_unless (rtest::read_wav (path, pcm));
  /* The 16 kHz second fills [0, 48000) exactly; the ramp starts at 48000. */
  for (uint64_t i = 0; i < (uint64_t)kRate; i++)
    if (pcm.at (kRate + i, 0) != rtest::ramp_value (i, 0))
      fail ("frame %" G_GUINT64_FORMAT " is %d, want %d", kRate + i,
            pcm.at (kRate + i, 0), rtest::ramp_value (i, 0));
}
GST_END_TEST;

/* ---- 8. a bad location: one message -------------------------------------- */

GST_START_TEST (test_bad_location_one_error)
{
  Rig rig ("ogg-opus", "/nonexistent/dir/call.ogg");
  rig.input ();
  GstBus *bus = gst_element_get_bus (rig.pipeline);
  fail_unless_equals_int (
      gst_element_set_state (rig.pipeline, GST_STATE_PLAYING),
      GST_STATE_CHANGE_FAILURE);
  /* Read the bus before NULL flushes it. */
  g_object_set (rig.pipeline, "auto-flush-bus", FALSE, NULL);
  gst_element_set_state (rig.pipeline, GST_STATE_NULL);
  int errors = 0;
  while (GstMessage *m = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR))
    {
      errors++;
      fail_unless (rtest::contains (rtest::message_text (m),
                                    "/nonexistent/dir/call.ogg"),
                   "'%s'", rtest::message_text (m).c_str ());
      gst_message_unref (m);
    }
  gst_object_unref (bus);
  fail_unless_equals_int (errors, 1);
}
GST_END_TEST;

/* ---- 8b. the mark log: text escaped, one line read back exactly ---------- */

/* sink_1's caps carry a string with a quote, a backslash and a tab, and
 * are refused: the ERROR's text quotes them, and becomes the done line's
 * "error". A JSON parser reads that line back to the same text. */
GST_START_TEST (test_mark_log_escapes_text)
{
  const std::string path = rtest::temp_path ("escape", "wav");
  const std::string log = rtest::temp_path ("escape", "jsonl");
  const GstAudioInfo mono
      = rtest::audio_info (GST_AUDIO_FORMAT_S16LE, kRate, 1);
  std::string error_text;
  {
    Rig rig ("wav", path);
    g_object_set (rig.bin, "marks-location", log.c_str (), NULL);
    rig.stop_on_error = false;
    rtest::Input &a = rig.input ();
    a.stream (mono).audio (mono, 0, kRate / 10, rtest::mono_ramp_fn ());
    rtest::Input &b = rig.input ();
    GstCaps *caps = gst_caps_from_string (
        "audio/x-raw, format=S16LE, layout=interleaved, rate=48000, "
        "channels=70");
    gst_caps_set_simple (caps, "note", G_TYPE_STRING, "say \"hi\"\\\tnow",
                         NULL);
    b.event (gst_event_new_caps (caps));
    gst_caps_unref (caps);
    const rtest::RunResult &r = rig.run ();
    assert_one_error (r, { "sink_1", "hi" });
    error_text = rtest::message_text (r.errors[0]);
  }
  gchar *contents = NULL;
  fail_unless (g_file_get_contents (log.c_str (), &contents, NULL, NULL));
  gchar **lines = g_strsplit (contents, "\n", -1);
  g_free (contents);
  /* One line, the done line, then the empty string after its newline. */
  fail_unless_equals_int (g_strv_length (lines), 2);
  fail_unless_equals_string (lines[1], "");
  JsonParser *parser = json_parser_new ();
  GError *err = NULL;
  fail_unless (json_parser_load_from_data (parser, lines[0], -1, &err),
               "'%s': %s", lines[0], err ? err->message : "");
  JsonObject *o = json_node_get_object (json_parser_get_root (parser));
  fail_unless_equals_string (json_object_get_string_member (o, "kind"), "done");
  fail_unless_equals_string (json_object_get_string_member (o, "status"),
                             "error");
  fail_unless_equals_string (json_object_get_string_member (o, "error"),
                             error_text.c_str ());
  fail_unless_equals_int (
      json_node_get_value_type (json_object_get_member (o, "samples")),
      G_TYPE_INT64);
  g_object_unref (parser);
  g_strfreev (lines);
}
GST_END_TEST;

/* ---- 9. what the format can take: refused clearly, or honoured ----------- */

static const int kOpusRates[] = { 8000, 12000, 16000, 24000, 48000, 44100 };

GST_START_TEST (test_opus_rates)
{
  const int rate = kOpusRates[__i__];
  const std::string path = rtest::temp_path ("opus-rate", "ogg");
  const GstAudioInfo mono
      = rtest::audio_info (GST_AUDIO_FORMAT_S16LE, kRate, 1);
  Rig rig ("ogg-opus", path);
  g_object_set (rig.bin, "rate", rate, NULL);
  rig.input ().stream (mono).audio (mono, 0, kRate / 2, rtest::mono_ramp_fn ());
  if (rate == 44100)
    {
      GstBus *bus = gst_element_get_bus (rig.pipeline);
      fail_unless_equals_int (
          gst_element_set_state (rig.pipeline, GST_STATE_PLAYING),
          GST_STATE_CHANGE_FAILURE);
      GstMessage *m = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
      fail_unless (m != NULL);
      const std::string text = rtest::message_text (m);
      for (const char *part : { "rate=44100", "8000", "48000" })
        fail_unless (rtest::contains (text, part), "'%s' does not say %s",
                     text.c_str (), part);
      gst_message_unref (m);
      fail_unless (gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR) == NULL);
      gst_object_unref (bus);
      gst_element_set_state (rig.pipeline, GST_STATE_NULL);
      return;
    }
  const rtest::RunResult &r = rig.run ();
  assert_status (r, "ok");
  rtest::OggInfo info;
  fail_unless (rtest::read_ogg_info (path, info));
  fail_unless_equals_int (info.rate, rate);
  fail_unless (info.last_page_eos);
  fail_unless_equals_uint64 (done_u64 (r, "samples"), (guint64)rate / 2);
}
GST_END_TEST;

/* ---- every file finished after a chain error, at EOS or teardown --------- */

/* Loop: (wav | flac | ogg-opus) x (contain | propagate) x (EOS | NULL).
 * The encoder errors after its 3rd block: the file keeps what was written
 * and is finished. */
GST_START_TEST (test_file_finished_after_chain_error)
{
  const char *format = (const char *[]){ "wav", "flac", "ogg-opus" }[__i__ / 4];
  const bool propagate = (__i__ / 2) % 2;
  const bool tear = __i__ % 2;
  const std::string path = rtest::temp_path ("chain-error", ext_of (format));
  const GstAudioInfo mono
      = rtest::audio_info (GST_AUDIO_FORMAT_S16LE, kRate, 1);
  const char *encoders[] = { "wavenc", "flacenc", "opusenc" };
  gchar *desc
      = g_strdup_printf ("identity error-after=3 ! %s", encoders[__i__ / 4]);
  GstElement *enc = gst_parse_bin_from_description (desc, TRUE, NULL);
  g_free (desc);
  fail_unless (enc != NULL);
  {
    Rig rig (format, path);
    rig.stop_on_error = false;
    g_object_set (rig.bin, "encoder", enc, NULL);
    gst_util_set_object_arg (G_OBJECT (rig.bin), "on-error",
                             propagate ? "propagate" : "contain");
    rtest::Input &in = rig.input ();
    in.send_eos = !tear;
    /* 4 s: the third block the encoder gets (the start's, then 500 ms
     * each) fails, mid-stream. */
    in.stream (mono).audio (mono, 0, 4 * kRate, rtest::mono_ramp_fn ());
    if (tear)
      {
        rig.start ();
        rig.feed ();
        in.join ();
        teardown (rig);
      }
    else
      rig.run ();
    const rtest::RunResult &r = rig.result;
    assert_status (r, "error");
    fail_unless_equals_uint64 (done_u64 (r, "errors"), 1);
    fail_unless_equals_int ((int)(propagate ? r.errors : r.warnings).size (),
                            1);
  }
  if (g_str_equal (format, "wav"))
    {
      rtest::WavHeader h;
      fail_unless (rtest::read_wav_header (path, h));
      rtest::check_finished_file (path, format, kRate, 1, h.data_size / 2,
                                  "chain error");
    }
  else if (g_str_equal (format, "flac"))
    {
      rtest::FlacInfo info;
      fail_unless (rtest::read_flac_info (path, info));
      rtest::check_finished_file (path, format, kRate, 1, info.total_samples,
                                  "chain error");
    }
  else
    {
      rtest::OggInfo info;
      fail_unless (rtest::read_ogg_info (path, info));
      fail_unless (info.last_page_eos, "no Ogg EOS page");
      std::string out;
      fail_unless (rtest::run_tool ({ "ogginfo", path }, &out), "%s",
                   out.c_str ());
    }
}
GST_END_TEST;

static Suite *
edges_suite (void)
{
  Suite *s = suite_create ("edges");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_pad_limit_is_the_converters);
  tcase_add_loop_test (tc, test_caps_the_chain_cannot_take, 0,
                       G_N_ELEMENTS (kBadCaps));
  tcase_add_loop_test (tc, test_bad_segment_is_that_pads_alone, 0,
                       G_N_ELEMENTS (kSegmentCases));
  tcase_add_loop_test (tc, test_null_straight_away, 0, 8);
  tcase_add_test (tc, test_null_with_stalled_sink_and_long_timeout);
  tcase_add_loop_test (tc, test_empty_recording, 0,
                       3 * G_N_ELEMENTS (kFormats));
  tcase_add_test (tc, test_rate_change_places_later_audio);
  tcase_add_test (tc, test_bad_location_one_error);
  tcase_add_test (tc, test_mark_log_escapes_text);
  tcase_add_loop_test (tc, test_opus_rates, 0, G_N_ELEMENTS (kOpusRates));
  tcase_add_loop_test (tc, test_file_finished_after_chain_error, 0, 12);
  return s;
}

GST_CHECK_MAIN (edges);
