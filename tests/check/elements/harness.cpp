/* recorderbin — tests driven through GstHarness, in the style of
 * GStreamer's audiomixer tests: each input is pushed by a GstHarness on one
 * of the bin's request pads sink_%u, from the test's thread. The output is
 * taken from an appsink given as the bin's `sink`, after an `identity`
 * given as its `encoder`: with format=wav (no muxer) the appsink receives
 * the raw S16LE blocks the bin writes. Every output buffer's pts, duration
 * and samples are checked exactly, and every field of recorderbin-done,
 * its per-pad report included, and every recorderbin-mark.
 * Expected positions are computed with GStreamer's own arithmetic: a cut at
 * T on a run from t0 falls before sample
 * gst_util_uint64_scale_round (T - t0, rate, GST_SECOND), and output frame
 * n is at start + gst_util_uint64_scale (n, GST_SECOND, rate).
 *
 * A harness has no bus: the bin is given one. All pads are requested before
 * the first harness starts the bin. A harness answers the latency query as
 * a live source and gives the bin its test clock, which stands still: a
 * pad with a holdback keeps its audio until it ends (a live horizon is the
 * clock's). A sink pad blocks its pushing thread while it has more than about
 * 200 ms queued and another pad of the file has nothing yet: with several pads,
 * the test pushes 20 ms to each in turn.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "recorder-rig.h"

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

/* Last: gstcheck.h defines macros (fail, ...) that clash with C++ headers. */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>

namespace
{

constexpr GstClockTime kMs = GST_MSECOND;
constexpr int kRate = 48000;

/* t + n samples at `rate`, rounded down as GStreamer's audio elements do. */
GstClockTime
time_at (GstClockTime t, uint64_t n, int rate)
{
  return t + gst_util_uint64_scale (n, GST_SECOND, rate);
}

/* The sample a cut at running time t falls before, on a run from t0. */
uint64_t
cut_at (GstClockTime t0, GstClockTime t, int rate)
{
  return gst_util_uint64_scale_round (t - t0, rate, GST_SECOND);
}

/* What the appsink received. */
struct Output
{
  std::mutex lock;
  GstCaps *caps = nullptr;
  std::vector<GstBuffer *> buffers;
  ~Output ()
  {
    gst_caps_replace (&caps, NULL);
    for (GstBuffer *b : buffers)
      gst_buffer_unref (b);
  }
};

GstFlowReturn
on_new_sample (GstAppSink *sink, gpointer user_data)
{
  auto *out = static_cast<Output *> (user_data);
  GstSample *sample = gst_app_sink_pull_sample (sink);
  if (!sample)
    return GST_FLOW_EOS;
  {
    std::lock_guard<std::mutex> lk (out->lock);
    gst_caps_replace (&out->caps, gst_sample_get_caps (sample));
    out->buffers.push_back (gst_buffer_ref (gst_sample_get_buffer (sample)));
  }
  gst_sample_unref (sample);
  return GST_FLOW_OK;
}

/* recorderbin with format=wav, encoder=identity, sink=appsink and a bus of
 * its own; one harness per pad, pad i with holdbacks[i], each pad given
 * S16LE caps at `rate` (mono) and a TIME segment. */
class Recorder
{
public:
  explicit Recorder (const std::vector<GstClockTime> &holdbacks,
                     int rate = kRate, const char *pause_mode = NULL,
                     bool live = true)
      : rate_ (rate)
  {
    bin = gst_element_factory_make ("recorderbin", "rec");
    fail_unless (bin != NULL, "recorderbin not found");
    gst_object_ref_sink (bin);
    GstElement *encoder = gst_element_factory_make ("identity", "encoder");
    sink = gst_element_factory_make ("appsink", "out");
    fail_unless (encoder != NULL && sink != NULL);
    g_object_set (sink, "sync", FALSE, "async", FALSE, NULL);
    GstAppSinkCallbacks callbacks = {};
    callbacks.new_sample = on_new_sample;
    gst_app_sink_set_callbacks (GST_APP_SINK (sink), &callbacks, &out, NULL);
    gst_object_ref (sink);
    gst_util_set_object_arg (G_OBJECT (bin), "format", "wav");
    /* 0: the input's rate, so nothing is resampled. */
    g_object_set (bin, "encoder", encoder, "sink", sink, "rate", 0, NULL);
    if (pause_mode)
      gst_util_set_object_arg (G_OBJECT (bin), "pause-mode", pause_mode);
    bus = gst_bus_new ();
    gst_element_set_bus (bin, bus);

    for (GstClockTime holdback : holdbacks)
      {
        GstPad *pad = gst_element_request_pad_simple (bin, "sink_%u");
        fail_unless (pad != NULL);
        g_object_set (pad, "holdback", (guint64)holdback, NULL);
        names_.push_back (GST_OBJECT_NAME (pad));
        gst_object_unref (pad);
      }
    GstCaps *caps = rtest::caps_s16 (rate, 1);
    for (const std::string &name : names_)
      {
        /* The first one sets the bin to PLAYING. */
        GstHarness *h = gst_harness_new_with_element (bin, name.c_str (), NULL);
        gst_harness_set_live (h, live);
        gst_harness_set_src_caps (h, gst_caps_ref (caps));
        harnesses_.push_back (h);
      }
    gst_caps_unref (caps);
  }

  ~Recorder ()
  {
    /* Release the pads in NULL, not while recording. */
    gst_element_set_state (bin, GST_STATE_NULL);
    for (GstHarness *h : harnesses_)
      gst_harness_teardown (h);
    gst_element_set_bus (bin, NULL);
    gst_object_unref (bus);
    gst_object_unref (sink);
    gst_object_unref (bin);
  }

  GstHarness *harness (unsigned pad) const { return harnesses_.at (pad); }

  /* Samples [first, first + n) of pad `pad`'s ramp (base `base`), whose
   * sample m is scheduled at t0 + m / rate, in one buffer. */
  void push_ramp (unsigned pad, GstClockTime t0, uint64_t first, uint64_t n,
                  int base)
  {
    GstBuffer *buf = rtest::ramp_buffer_s16 (first, n, 1, rate_, base,
                                             time_at (t0, first, rate_));
    fail_unless_equals_int (gst_harness_push (harness (pad), buf), GST_FLOW_OK);
  }
  /* A run of n samples from t0 in buffers of `chunk`. */
  void push_run (unsigned pad, GstClockTime t0, uint64_t n, int base,
                 uint64_t chunk)
  {
    for (uint64_t off = 0; off < n; off += chunk)
      push_ramp (pad, t0, off, std::min (chunk, n - off), base);
  }
  void push_gap (unsigned pad, GstClockTime ts, GstClockTime duration)
  {
    fail_unless (gst_harness_push_event (harness (pad),
                                         gst_event_new_gap (ts, duration)));
  }
  /* A recorderbin-<what> event at running time t, in the pad's stream. */
  void push_control (unsigned pad, const char *what, GstClockTime t)
  {
    gchar *name = g_strdup_printf ("recorderbin-%s", what);
    GstEvent *ev = gst_event_new_custom (
        GST_EVENT_CUSTOM_DOWNSTREAM,
        gst_structure_new (name, "running-time", G_TYPE_UINT64, (guint64)t,
                           NULL));
    g_free (name);
    fail_unless (gst_harness_push_event (harness (pad), ev));
  }
  /* The pad action signal `what` at t. */
  void signal (unsigned pad, const char *what, GstClockTime t)
  {
    gboolean ret = FALSE;
    g_signal_emit_by_name (bin, what, names_.at (pad).c_str (), (guint64)t,
                           &ret);
    fail_unless (ret, "%s on %s returned FALSE", what, names_[pad].c_str ());
  }
  void eos (unsigned pad)
  {
    fail_unless (gst_harness_push_event (harness (pad), gst_event_new_eos ()));
  }
  void eos_all ()
  {
    for (unsigned p = 0; p < harnesses_.size (); p++)
      eos (p);
  }
  /* Waits for the bin's EOS, collecting what it posted. */
  const rtest::RunResult &finish ()
  {
    rtest::collect_until_eos (bus, result, 20 * GST_SECOND);
    return result;
  }

  GstElement *bin = nullptr;
  GstElement *sink = nullptr;
  GstBus *bus = nullptr;
  Output out;
  rtest::RunResult result;

private:
  int rate_;
  std::vector<std::string> names_;
  std::vector<GstHarness *> harnesses_;
};

/* Every buffer the appsink got: S16LE interleaved at `want.rate` with
 * `want.channels`; whole frames, never empty; its pts and duration exactly
 * those of its frames on the file's grid, which starts at 0 where the
 * recording starts (at running time `start`), so the pts are contiguous
 * and the durations add up to the whole; its samples those of `want`, and
 * all of `want` there. */
void
check_output (Output &out, GstClockTime start, const rtest::Expected &want)
{
  std::lock_guard<std::mutex> lk (out.lock);
  fail_unless (out.caps != NULL, "the appsink got no caps");
  GstAudioInfo info;
  fail_unless (gst_audio_info_from_caps (&info, out.caps));
  fail_unless_equals_int (GST_AUDIO_INFO_FORMAT (&info),
                          GST_AUDIO_FORMAT_S16LE);
  fail_unless_equals_int (GST_AUDIO_INFO_LAYOUT (&info),
                          GST_AUDIO_LAYOUT_INTERLEAVED);
  fail_unless_equals_int (GST_AUDIO_INFO_RATE (&info), want.rate);
  fail_unless_equals_int (GST_AUDIO_INFO_CHANNELS (&info), want.channels);
  const int bpf = GST_AUDIO_INFO_BPF (&info);
  uint64_t frames = 0;
  GstClockTime durations = 0;
  for (size_t i = 0; i < out.buffers.size (); i++)
    {
      GstBuffer *b = out.buffers[i];
      const gsize size = gst_buffer_get_size (b);
      fail_unless (size > 0, "buffer %u is empty", (unsigned)i);
      fail_unless (size % bpf == 0,
                   "buffer %u: %" G_GSIZE_FORMAT
                   " bytes, not whole %d-byte frames",
                   (unsigned)i, size, bpf);
      const uint64_t n = size / bpf;
      const GstClockTime pts = time_at (0, frames, want.rate);
      const GstClockTime end = time_at (0, frames + n, want.rate);
      fail_unless (GST_BUFFER_PTS (b) == pts,
                   "buffer %u (frames %" G_GUINT64_FORMAT "+%" G_GUINT64_FORMAT
                   "): pts %" G_GUINT64_FORMAT ", want %" G_GUINT64_FORMAT,
                   (unsigned)i, frames, n, GST_BUFFER_PTS (b), pts);
      fail_unless (GST_BUFFER_DURATION (b) == end - pts,
                   "buffer %u (frames %" G_GUINT64_FORMAT "+%" G_GUINT64_FORMAT
                   "): duration %" G_GUINT64_FORMAT ", want %" G_GUINT64_FORMAT,
                   (unsigned)i, frames, n, GST_BUFFER_DURATION (b), end - pts);
      fail_unless (frames + n <= want.frames (),
                   "buffer %u: frames %" G_GUINT64_FORMAT "+%" G_GUINT64_FORMAT
                   " beyond the %" G_GUINT64_FORMAT " expected",
                   (unsigned)i, frames, n, want.frames ());
      GstMapInfo map;
      fail_unless (gst_buffer_map (b, &map, GST_MAP_READ));
      const auto *s = reinterpret_cast<const int16_t *> (map.data);
      for (uint64_t k = 0; k < n * want.channels; k++)
        if (s[k] != want.data[frames * want.channels + k])
          fail ("buffer %u: frame %" G_GUINT64_FORMAT " channel %d is %d, "
                "want %d",
                (unsigned)i, frames + k / want.channels,
                (int)(k % want.channels), s[k],
                want.data[frames * want.channels + k]);
      gst_buffer_unmap (b, &map);
      frames += n;
      durations += GST_BUFFER_DURATION (b);
    }
  fail_unless_equals_uint64 (frames, want.frames ());
  fail_unless_equals_uint64 (durations, time_at (0, frames, want.rate));
  (void)start; /* the recording's start is checked in the per-pad report */
}

/* What one pad's entry of the per-pad report must say; counts in samples
 * at the pad's rate (the recording's). */
struct PadReport
{
  GstClockTime first_audio = GST_CLOCK_TIME_NONE;
  guint64 committed = 0, interrupted = 0, silence = 0, overlap = 0, late = 0,
          marks = 0;
};

/* What recorderbin-done must say: the totals are the pads' sums. */
struct Report
{
  guint64 samples = 0;    /* output frames */
  GstClockTime start = 0; /* the recording's start */
  std::vector<PadReport> pads;
};

/* A recorderbin-mark the bin must post. */
struct Mark
{
  const char *kind;
  const char *pad; /* NULL for the whole-recording kinds */
  GstClockTime running_time;
  guint64 sample;
};

void
check_uint64 (const GstStructure *s, const char *field, guint64 want,
              const char *what)
{
  guint64 v = G_MAXUINT64;
  fail_unless (gst_structure_get_uint64 (s, field, &v), "%s: no %s in %s", what,
               field, rtest::structure_string (s).c_str ());
  fail_unless (v == want,
               "%s: %s is %" G_GUINT64_FORMAT ", want %" G_GUINT64_FORMAT
               " (%s)",
               what, field, v, want, rtest::structure_string (s).c_str ());
}

/* A clean run: EOS, no ERROR or WARNING, one recorderbin-done with status
 * ok, no location (the sink has none), no error, duration the samples' at
 * `rate`, each counter the sum of the pads', and the per-pad report: each
 * pad's name, channel, first audio and offset from the start, its counts
 * as durations at `rate`, its late events and marks. Then the marks, in the
 * order posted. */
void
check_done (const rtest::RunResult &r, int rate, const Report &want,
            const std::vector<Mark> &marks = {})
{
  rtest::assert_clean (r);
  const GstStructure *s = r.done[0];
  const std::string text = rtest::structure_string (s);
  fail_unless (gst_structure_has_field_typed (s, "location", G_TYPE_STRING),
               "%s", text.c_str ());
  fail_unless (gst_structure_get_string (s, "location") == NULL, "%s",
               text.c_str ());
  fail_if (gst_structure_has_field (s, "error"), "%s", text.c_str ());

  PadReport total;
  for (const PadReport &p : want.pads)
    {
      total.committed += p.committed;
      total.interrupted += p.interrupted;
      total.silence += p.silence;
      total.overlap += p.overlap;
      total.late += p.late;
    }
  check_uint64 (s, "samples", want.samples, "done");
  check_uint64 (s, "duration",
                gst_util_uint64_scale (want.samples, GST_SECOND, rate), "done");
  check_uint64 (s, "committed-samples", total.committed, "done");
  check_uint64 (s, "interrupted-samples", total.interrupted, "done");
  check_uint64 (s, "silence-samples", total.silence, "done");
  check_uint64 (s, "overlap-samples", total.overlap, "done");
  check_uint64 (s, "late-events", total.late, "done");
  check_uint64 (s, "errors", 0, "done");

  const GValue *pads = gst_structure_get_value (s, "pads");
  fail_unless (pads && GST_VALUE_HOLDS_ARRAY (pads), "no pads array in %s",
               text.c_str ());
  fail_unless_equals_int ((int)gst_value_array_get_size (pads),
                          (int)want.pads.size ());
  auto duration = [rate] (guint64 samples) {
    return gst_util_uint64_scale (samples, GST_SECOND, rate);
  };
  for (size_t i = 0; i < want.pads.size (); i++)
    {
      const PadReport &w = want.pads[i];
      const GValue *v = gst_value_array_get_value (pads, i);
      fail_unless (GST_VALUE_HOLDS_STRUCTURE (v));
      const GstStructure *p = gst_value_get_structure (v);
      gchar *name = g_strdup_printf ("sink_%u", (unsigned)i);
      fail_unless (gst_structure_has_name (p, "recorderbin-pad"), "%s",
                   rtest::structure_string (p).c_str ());
      const char *pad = gst_structure_get_string (p, "pad");
      fail_unless (pad && g_str_equal (pad, name), "pad %s, want %s",
                   pad ? pad : "NULL", name);
      gint channel = -2;
      fail_unless (gst_structure_get_int (p, "channel", &channel));
      fail_unless_equals_int (channel, (int)i);
      check_uint64 (p, "first-audio", w.first_audio, name);
      check_uint64 (p, "start-offset",
                    GST_CLOCK_TIME_IS_VALID (w.first_audio)
                        ? w.first_audio - want.start
                        : GST_CLOCK_TIME_NONE,
                    name);
      check_uint64 (p, "committed-time", duration (w.committed), name);
      check_uint64 (p, "interrupted-time", duration (w.interrupted), name);
      check_uint64 (p, "silence-time", duration (w.silence), name);
      check_uint64 (p, "overlap-time", duration (w.overlap), name);
      check_uint64 (p, "late-events", w.late, name);
      check_uint64 (p, "marks", w.marks, name);
      g_free (name);
    }

  fail_unless_equals_int ((int)r.marks.size (), (int)marks.size ());
  for (size_t i = 0; i < marks.size (); i++)
    {
      const GstStructure *m = r.marks[i];
      const Mark &w = marks[i];
      const char *kind = gst_structure_get_string (m, "kind");
      fail_unless (kind && g_str_equal (kind, w.kind), "mark %u: %s, want %s",
                   (unsigned)i, rtest::structure_string (m).c_str (), w.kind);
      const char *pad = gst_structure_get_string (m, "pad");
      if (w.pad)
        fail_unless (pad && g_str_equal (pad, w.pad), "mark %u: %s, want %s",
                     (unsigned)i, rtest::structure_string (m).c_str (), w.pad);
      else
        fail_if (gst_structure_has_field (m, "pad"), "mark %u: %s", (unsigned)i,
                 rtest::structure_string (m).c_str ());
      check_uint64 (m, "running-time", w.running_time, w.kind);
      check_uint64 (m, "sample", w.sample, w.kind);
      gboolean late = TRUE;
      fail_unless (gst_structure_get_boolean (m, "late", &late));
      fail_if (late, "mark %u is late: %s", (unsigned)i,
               rtest::structure_string (m).c_str ());
    }
}

} // namespace

/* ---- one pad: bit-exact, on the grid from its first audio ---------------- */

/* A ramp of 1 s and a bit from t0 (between two samples), in buffers of 440
 * frames: the appsink gets it sample for sample, the first buffer at t0,
 * every pts and duration exact. */
GST_START_TEST (test_one_pad_ramp)
{
  const GstClockTime t0 = 123456789;
  const uint64_t n = kRate + 123;
  Recorder rec ({ 0 });
  rec.push_run (0, t0, n, 0, 440);
  rec.eos_all ();
  const rtest::RunResult &r = rec.finish ();

  rtest::Expected want (kRate, 1, n);
  want.put (0, 0, n, 0);
  check_output (rec.out, t0, want);
  Report want_done;
  want_done.samples = n;
  want_done.start = t0;
  want_done.pads.resize (1);
  want_done.pads[0].first_audio = t0;
  want_done.pads[0].committed = n;
  check_done (r, kRate, want_done);
}
GST_END_TEST;

/* ---- two pads: an offset start and a GAP -----------------------------------
 */

/* sink_0 is idle (GAPs) until 40 ms, then plays to 1.04 s; sink_1 is idle
 * until 160 ms, plays to 500 ms, is idle (a GAP) to 700 ms and plays to
 * 1.04 s. Pushed 20 ms to each pad in turn. The recording starts at sink_0's
 * first audio: sink_1's channel is silent until its first audio and over
 * its GAP. */
GST_START_TEST (test_two_pads_offset_and_gap)
{
  const GstClockTime slot = 20 * kMs, end = 1040 * kMs;
  struct Span
  {
    GstClockTime from, to;
  };
  const std::vector<Span> audio[2] = {
    { { 40 * kMs, end } },
    { { 160 * kMs, 500 * kMs }, { 700 * kMs, end } },
  };
  const int base[2] = { 0, 7000 };
  const GstClockTime start = audio[0][0].from; /* the earliest first audio */

  Recorder rec ({ 0, 0 });
  for (GstClockTime t = 0; t < end; t += slot)
    for (unsigned p = 0; p < 2; p++)
      {
        bool playing = false;
        for (const Span &s : audio[p])
          {
            fail_unless (s.from % slot == 0 && s.to % slot == 0);
            playing = playing || (t >= s.from && t < s.to);
          }
        /* Sample m of the pad is scheduled at m / rate from 0. */
        const uint64_t first = cut_at (0, t, kRate);
        if (playing)
          rec.push_ramp (p, 0, first, cut_at (0, t + slot, kRate) - first,
                         base[p]);
        else
          rec.push_gap (p, t, slot);
      }
  rec.eos_all ();
  const rtest::RunResult &r = rec.finish ();

  rtest::Expected want (kRate, 2, cut_at (start, end, kRate));
  Report want_done;
  want_done.samples = want.frames ();
  want_done.start = start;
  want_done.pads.resize (2);
  for (unsigned p = 0; p < 2; p++)
    {
      want_done.pads[p].first_audio = audio[p][0].from;
      for (const Span &s : audio[p])
        {
          const uint64_t first = cut_at (0, s.from, kRate);
          const uint64_t n = cut_at (0, s.to, kRate) - first;
          want.put (cut_at (start, s.from, kRate), first, n, base[p], 1, p);
          want_done.pads[p].committed += n;
        }
    }
  /* sink_1's silence: from the start to its first audio, and its GAP. */
  want_done.pads[1].silence
      = cut_at (start, audio[1][0].from, kRate)
        + cut_at (audio[1][0].to, audio[1][1].from, kRate);
  check_output (rec.out, start, want);
  check_done (r, kRate, want_done);
}
GST_END_TEST;

/* ---- interrupt on a held pad -----------------------------------------------
 */

/* An utterance of 0.5 s from t0 on a pad holding 10 s, interrupted at
 * T = t0 + k0 samples + `tenths` of a sample (by an event in its stream, or
 * by the action signal), then a second utterance from 0.9 s. The cut falls
 * before sample k = gst_util_uint64_scale_round (T - t0, rate, GST_SECOND)
 * (none after the utterance's end); the second is recorded whole after
 * silence. */
static const struct
{
  int rate;
  uint64_t k0;
  int tenths;
  bool use_signal;
  uint64_t rounds_up; /* k - k0, to be sure the case cuts where it says */
} kInterrupts[] = {
  { 48000, 12345, 4, false, 0 }, /* rounds down */
  { 48000, 12345, 6, true, 1 },  /* rounds up */
  { 44100, 7000, 3, true, 0 },   /* another rate, down */
  { 44100, 7000, 7, false, 1 },  /* and up */
  { 48000, 0, 0, false, 0 },     /* at the first sample: nothing kept */
  { 48000, 25000, 0, true, 0 },  /* after the end: nothing cut */
};

GST_START_TEST (test_interrupt_held_pad)
{
  const auto &c = kInterrupts[__i__];
  const int rate = c.rate;
  const GstClockTime t0 = 100 * kMs, t1 = 900 * kMs;
  const uint64_t n1 = rate / 2, n2 = rate / 10, chunk = 1100;
  const GstClockTime t
      = time_at (t0, c.k0, rate)
        + gst_util_uint64_scale_int (c.tenths, GST_SECOND, rate * 10);
  const uint64_t k = std::min (cut_at (t0, t, rate), n1);
  fail_unless_equals_uint64 (std::min (c.k0 + c.rounds_up, n1), k);

  Recorder rec ({ 10 * GST_SECOND }, rate);
  rec.push_run (0, t0, n1, 0, chunk);
  if (c.use_signal)
    rec.signal (0, "interrupt", t);
  else
    rec.push_control (0, "interrupt", t);
  rec.push_run (0, t1, n2, 5000, chunk);
  rec.eos_all ();
  const rtest::RunResult &r = rec.finish ();

  const uint64_t at1 = cut_at (t0, t1, rate);
  rtest::Expected want (rate, 1, at1 + n2);
  want.put (0, 0, k, 0);
  want.put (at1, 0, n2, 5000);
  check_output (rec.out, t0, want);
  Report want_done;
  want_done.samples = want.frames ();
  want_done.start = t0;
  want_done.pads.resize (1);
  PadReport &pad = want_done.pads[0];
  pad.first_audio = t0;
  pad.committed = k + n2;
  pad.interrupted = n1 - k;
  pad.silence = at1 - k;
  pad.marks = 1;
  /* The mark is where the cut lands on the pad's grid, as output frame. */
  check_done (r, rate, want_done,
              { { "interrupt", "sink_0", t, cut_at (t0, t, rate) } });
}
GST_END_TEST;

/* ---- pause and resume on a held pad -----------------------------------------
 */

/* An utterance of 1 s from t0 on a pad holding 10 s, in buffers of 1100
 * samples, paused at P (between two samples, in buffer 17) and resumed at
 * R: silence over [P, R), the rest of the utterance shifted by R - P, from
 * R. The pause and resume reach the pad before the audio, inside it or
 * after it, as events or signals. */
constexpr uint64_t kAfterAll = G_MAXUINT64;
static const struct
{
  uint64_t pause_at, resume_at; /* after this many buffers */
  bool use_signal;
} kPauses[] = {
  { 0, 0, false },                /* both before the utterance */
  { 10, kAfterAll, false },       /* pause before P arrives, resume after */
  { 18, 30, true },               /* pause just after P's buffer */
  { kAfterAll, kAfterAll, true }, /* both after the whole utterance */
};

GST_START_TEST (test_pause_resume_held_pad)
{
  const auto &c = kPauses[__i__];
  const GstClockTime t0 = 200 * kMs;
  const GstClockTime p = 612345678, rt = 1050 * kMs;
  const uint64_t n = kRate, chunk = 1100;
  const uint64_t nbuf = (n + chunk - 1) / chunk;
  const uint64_t kp = cut_at (t0, p, kRate), kr = cut_at (t0, rt, kRate);
  fail_unless_equals_uint64 (kp / chunk, 17);

  Recorder rec ({ 10 * GST_SECOND });
  auto control = [&] (const char *what, GstClockTime t) {
    if (c.use_signal)
      rec.signal (0, what, t);
    else
      rec.push_control (0, what, t);
  };
  for (uint64_t i = 0; i <= nbuf; i++)
    {
      if (i == std::min (c.pause_at, nbuf))
        control ("pause", p);
      if (i == std::min (c.resume_at, nbuf))
        control ("resume", rt);
      if (i < nbuf)
        rec.push_ramp (0, t0, i * chunk, std::min (chunk, n - i * chunk), 0);
    }
  rec.eos_all ();
  const rtest::RunResult &r = rec.finish ();

  rtest::Expected want (kRate, 1, kr + n - kp);
  want.put (0, 0, kp, 0);
  want.put (kr, kp, n - kp, 0);
  check_output (rec.out, t0, want);
  Report want_done;
  want_done.samples = want.frames ();
  want_done.start = t0;
  want_done.pads.resize (1);
  want_done.pads[0].first_audio = t0;
  want_done.pads[0].committed = n;
  want_done.pads[0].silence = kr - kp;
  want_done.pads[0].marks = 2;
  /* The pause's first silent sample, the resume's first resumed one. */
  check_done (r, kRate, want_done,
              { { "pause", "sink_0", p, kp }, { "resume", "sink_0", rt, kr } });
}
GST_END_TEST;

/* ---- pause-recording / resume-recording
 * -------------------------------------- */

/* Two pads of 2 s from 0, pushed in slots of `slot` samples to each in
 * turn; pause-recording at P is sent when both have reached 0.5 s,
 * resume-recording at R when both have reached 1 s (action signals, or
 * events sent to the bin). silence: the file keeps its 2 s and its pts,
 * zeros on both channels over [P, R); collapse: the span is cut out, the
 * pts stay contiguous and the file is shorter by R - P.
 *
 * Loop: slot x (silence | collapse) x (signal | event). With 20 ms slots
 * every block the bin writes is a whole number of nanoseconds long. With
 * slots of 440 samples (9.17 ms) the blocks the pause gate splits or
 * re-times must still end exactly where the next one starts (they once
 * came out 1 ns short: their own sample count's duration, rounded down). */
static const uint64_t kGateSlots[] = { 960, 440 };

GST_START_TEST (test_pause_recording)
{
  const uint64_t slot = kGateSlots[__i__ / 4];
  const bool collapse = (__i__ / 2) % 2;
  const bool use_event = __i__ % 2;
  const GstClockTime end = 2 * GST_SECOND;
  const GstClockTime p = 812345678, rt = 1300 * kMs + 7777;
  const uint64_t kp = cut_at (0, p, kRate), kr = cut_at (0, rt, kRate);
  const uint64_t n = cut_at (0, end, kRate);

  Recorder rec ({ 0, 0 }, kRate, collapse ? "collapse" : "silence");
  auto gate = [&] (const char *what, GstClockTime t) {
    if (use_event)
      {
        gchar *name = g_strdup_printf ("recorderbin-%s", what);
        GstEvent *ev = gst_event_new_custom (
            GST_EVENT_CUSTOM_DOWNSTREAM,
            gst_structure_new (name, "running-time", G_TYPE_UINT64, (guint64)t,
                               NULL));
        g_free (name);
        fail_unless (gst_element_send_event (rec.bin, ev));
      }
    else
      {
        gboolean ret = FALSE;
        g_signal_emit_by_name (rec.bin, what, (guint64)t, &ret);
        fail_unless (ret);
      }
  };
  bool paused = false, resumed = false;
  for (uint64_t first = 0; first < n; first += slot)
    {
      const GstClockTime t = time_at (0, first, kRate);
      if (t >= 500 * kMs && !paused)
        gate ("pause-recording", p), paused = true;
      if (t >= 1000 * kMs && !resumed)
        gate ("resume-recording", rt), resumed = true;
      const uint64_t len = std::min (slot, n - first);
      rec.push_ramp (0, 0, first, len, 0);
      rec.push_ramp (1, 0, first, len, 5000);
    }
  rec.eos_all ();
  const rtest::RunResult &r = rec.finish ();

  rtest::Expected want (kRate, 2, collapse ? n - (kr - kp) : n);
  for (int ch = 0; ch < 2; ch++)
    {
      want.put (0, 0, kp, ch * 5000, 1, ch);
      want.put (collapse ? kp : kr, kr, n - kr, ch * 5000, 1, ch);
    }
  check_output (rec.out, 0, want);
  Report want_done;
  want_done.samples = want.frames ();
  want_done.pads.resize (2);
  for (PadReport &pad : want_done.pads)
    {
      pad.first_audio = 0;
      pad.committed = n;
      /* pause-mode=silence's silence counts for every pad. */
      pad.silence = collapse ? 0 : kr - kp;
    }
  /* silence: the first silent sample, the first resumed one; collapse:
   * both where the span was cut out. */
  check_done (r, kRate, want_done,
              { { "pause-recording", NULL, p, kp },
                { "resume-recording", NULL, rt, collapse ? kp : kr } });
}
GST_END_TEST;

/* ---- a held pad with nothing to say ------------------------------------- */

/* sink_0 (no holdback) plays 1 s, pushed 20 ms at a time; sink_1 holds 10 s
 * and sends nothing before its EOS. In a non-live recording sink_0 moves
 * sink_1 along (DESIGN section 4: the horizon is the furthest point the
 * pads without holdback have reached), so the file is sink_0's ramp and
 * silence. The harnesses answer the latency query as non-live here (in a
 * live recording the held pad would follow the harness's clock, which
 * stands still). */
GST_START_TEST (test_held_idle_pad_moved_along)
{
  const uint64_t n = kRate, chunk = kRate / 50;
  Recorder rec ({ 0, 10 * GST_SECOND }, kRate, NULL, false);
  const gint64 t0 = g_get_monotonic_time ();
  rec.push_run (0, 0, n, 0, chunk);
  const double pushing
      = (double)(g_get_monotonic_time () - t0) / G_USEC_PER_SEC;
  rec.eos_all ();
  const rtest::RunResult &r = rec.finish ();

  rtest::Expected want (kRate, 2, n);
  want.put (0, 0, n, 0, 1, 0);
  Report want_done;
  want_done.samples = n;
  want_done.pads.resize (2);
  want_done.pads[0].first_audio = 0;
  want_done.pads[0].committed = n;
  want_done.pads[1].silence = n; /* over the whole recording */
  check_done (r, kRate, want_done);
  check_output (rec.out, 0, want);
  fail_unless (pushing < 1.0, "pushing 1 s took %.1f s", pushing);
}
GST_END_TEST;

/* ---- no audio at all
 * ----------------------------------------------------------- */

/* Loop: one pad with caps and EOS only; two pads, one of them sending a
 * GAP of 1 s first. Done with status ok, nothing counted, no audio on the
 * appsink, whose caps still say the recording's rate and channels. */
GST_START_TEST (test_eos_without_audio)
{
  const unsigned pads = __i__ + 1;
  Recorder rec (std::vector<GstClockTime> (pads, 0));
  if (pads > 1)
    rec.push_gap (1, 0, GST_SECOND);
  rec.eos_all ();
  const rtest::RunResult &r = rec.finish ();

  Report want_done;
  want_done.pads.resize (pads);
  check_done (r, kRate, want_done);
  {
    std::lock_guard<std::mutex> lk (rec.out.lock);
    for (GstBuffer *b : rec.out.buffers)
      fail_unless_equals_uint64 (gst_buffer_get_size (b), 0);
    if (!rec.out.caps)
      {
        GstPad *pad = gst_element_get_static_pad (rec.sink, "sink");
        rec.out.caps = gst_pad_get_current_caps (pad);
        gst_object_unref (pad);
      }
    fail_unless (rec.out.caps != NULL, "the appsink got no caps");
    GstAudioInfo info;
    fail_unless (gst_audio_info_from_caps (&info, rec.out.caps));
    fail_unless_equals_int (GST_AUDIO_INFO_RATE (&info), kRate);
    fail_unless_equals_int (GST_AUDIO_INFO_CHANNELS (&info), (int)pads);
  }
  fail_unless (gst_app_sink_is_eos (GST_APP_SINK (rec.sink)));
}
GST_END_TEST;

static Suite *
harness_suite (void)
{
  Suite *s = suite_create ("harness");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_one_pad_ramp);
  tcase_add_test (tc, test_two_pads_offset_and_gap);
  tcase_add_loop_test (tc, test_interrupt_held_pad, 0,
                       G_N_ELEMENTS (kInterrupts));
  tcase_add_loop_test (tc, test_pause_resume_held_pad, 0,
                       G_N_ELEMENTS (kPauses));
  tcase_add_loop_test (tc, test_pause_recording, 0, 8);
  tcase_add_loop_test (tc, test_eos_without_audio, 0, 2);
  tcase_add_test (tc, test_held_idle_pad_moved_along);
  return s;
}

GST_CHECK_MAIN (harness);
