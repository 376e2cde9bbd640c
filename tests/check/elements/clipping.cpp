/* recorderbin — element-level tests of clipping (DESIGN.md section 4):
 * interrupt, pause, resume, whole-recording pause, holdback, the commit
 * horizon and the stats counters, through recorderbin and real files.
 *
 * Every pad is fed by the rig (recorder-rig.h): a thread of its own pushing
 * on a plain GstPad linked to the bin's request pad, so buffers, custom
 * events and signal emissions keep an exact order within the pad's stream;
 * latches order the threads where a scenario needs it (agent speech pushed
 * before the mic reaches it).
 * Audio is S16LE ramps (rtest::ramp_buffer_s16), so every sample of the
 * resulting WAV file is checked at its exact frame.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "recorder-rig.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <gst/check/gstcheck.h>
#include <gst/check/gsttestclock.h>

namespace
{

constexpr GstClockTime kMs = GST_MSECOND;
constexpr GstClockTime kS = GST_SECOND;

/* Index of the sample a cut at `dt` after a run's first sample falls
 * before (DESIGN section 4). */
uint64_t
cut_at (GstClockTime dt, int rate)
{
  return gst_util_uint64_scale_round (dt, rate, GST_SECOND);
}

/* Running time of sample n of a run starting at t0. */
GstClockTime
time_of (GstClockTime t0, uint64_t n, int rate)
{
  return t0 + gst_util_uint64_scale_int (n, GST_SECOND, rate);
}

using rtest::Expected;
using rtest::Input;

/* Buffers seen on a clip element's src pad. */
struct Probed
{
  std::mutex lock;
  GstCaps *caps = nullptr;
  struct Buf
  {
    GstClockTime pts, duration;
    bool gap;
    gsize size;
    std::vector<int16_t> data;
  };
  std::vector<Buf> buffers;
  ~Probed ()
  {
    if (caps)
      gst_caps_unref (caps);
  }
};

GstPadProbeReturn
probe_clip_src (GstPad *, GstPadProbeInfo *info, gpointer user_data)
{
  auto *p = static_cast<Probed *> (user_data);
  std::lock_guard<std::mutex> lk (p->lock);
  if (GST_PAD_PROBE_INFO_TYPE (info) & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM)
    {
      GstEvent *ev = GST_PAD_PROBE_INFO_EVENT (info);
      if (GST_EVENT_TYPE (ev) == GST_EVENT_CAPS)
        {
          GstCaps *caps;
          gst_event_parse_caps (ev, &caps);
          gst_caps_replace (&p->caps, caps);
        }
      return GST_PAD_PROBE_OK;
    }
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  Probed::Buf b;
  b.pts = GST_BUFFER_PTS (buf);
  b.duration = GST_BUFFER_DURATION (buf);
  b.gap = GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_GAP);
  b.size = gst_buffer_get_size (buf);
  b.data.resize (b.size / 2);
  gst_buffer_extract (buf, 0, b.data.data (), b.data.size () * 2);
  p->buffers.push_back (std::move (b));
  return GST_PAD_PROBE_OK;
}

/* ---- one recording --------------------------------------------------------
 */

/* A recording through the rig (recorder-rig.h), every pad fed S16 audio,
 * checked to have finished cleanly. */
struct Recording
{
  const char *format = "wav";
  int rate = 48000;
  const char *pause_mode = nullptr;
  /* Watch what the bin's internal mux writes (its pad src_0): the aligned
   * output, before the encoder. */
  bool probe_output = false;

  rtest::Rig rig;
  /* Results */
  std::string path;
  rtest::RunResult &result;
  rtest::Pcm pcm;
  std::vector<std::unique_ptr<Probed>> probed;

  Recording () : rig ("wav"), result (rig.result) { rig.wait_started = true; }

  /* The next pad (sink_0, sink_1, ...), fed S16 caps and a TIME segment
   * first. */
  Input &feed (int r = 48000, int channels = 1, GstClockTime holdback = 0)
  {
    Input &in = rig.input ("sink_%u", holdback);
    in.stream (rtest::audio_info (GST_AUDIO_FORMAT_S16LE, r, channels));
    return in;
  }

  void run (bool decode = false)
  {
    path = rtest::temp_path ("clipping",
                             g_str_equal (format, "wav") ? "wav" : "ogg");
    GstElement *bin = rig.bin;
    gst_util_set_object_arg (G_OBJECT (bin), "format", format);
    g_object_set (bin, "location", path.c_str (), "rate", rate, NULL);
    if (pause_mode)
      gst_util_set_object_arg (G_OBJECT (bin), "pause-mode", pause_mode);

    rig.start ();
    /* The mux's source pads exist once the recording has started. */
    if (probe_output)
      {
        GstElement *mux = gst_bin_get_by_name (GST_BIN (bin), "mux");
        fail_unless (mux != NULL, "no element mux in recorderbin");
        GstPad *pad = gst_element_get_static_pad (mux, "src_0");
        fail_unless (pad != NULL, "no pad src_0 on the mux");
        probed.push_back (std::make_unique<Probed> ());
        gst_pad_add_probe (
            pad,
            (GstPadProbeType)(GST_PAD_PROBE_TYPE_BUFFER
                              | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM),
            probe_clip_src, probed.back ().get (), NULL);
        gst_object_unref (pad);
        gst_object_unref (mux);
      }
    rig.feed ();
    rig.finish ();

    fail_unless (result.got_eos, "no EOS (timed out: %d)", result.timed_out);
    fail_unless (result.errors.empty (), "an ERROR was posted");
    fail_unless_equals_int ((int)result.done.size (), 1);
    {
      const std::string status = result.done_status ();
      fail_unless_equals_string (status.c_str (), "ok");
    }
    for (const auto &in : rig.inputs)
      fail_unless (in->flow () == GST_FLOW_OK, "pad %s: %s",
                   in->name ().c_str (), gst_flow_get_name (in->flow ()));
    if (g_str_equal (format, "wav"))
      fail_unless (rtest::read_wav (path, pcm), "cannot read %s",
                   path.c_str ());
    else if (decode)
      fail_unless (rtest::decode_file (path, pcm), "cannot decode %s",
                   path.c_str ());
  }

  guint64 stat (const char *field) const { return rig.stat (field); }
  guint64 done (const char *field) const { return rig.done (field); }
  std::string warning_texts () const { return rig.warning_texts (); }
};

using rtest::check_pcm;

/* Every buffer a clip element pushed: whole frames, never empty, timestamps
 * and durations on the sample grid from `start`, so contiguous. Returns the
 * pushed frames, interleaved, in `timeline`. */
void
check_clip_buffers (Probed &p, int rate, int channels, GstClockTime start,
                    std::vector<int16_t> &timeline, int channel = -1)
{
  std::lock_guard<std::mutex> lk (p.lock);
  fail_unless (p.caps != NULL, "the mux pushed no caps");
  GstAudioInfo info;
  fail_unless (gst_audio_info_from_caps (&info, p.caps));
  fail_unless_equals_int (GST_AUDIO_INFO_RATE (&info), rate);
  const int out_channels = GST_AUDIO_INFO_CHANNELS (&info);
  if (channel < 0)
    fail_unless_equals_int (out_channels, channels);
  const int bpf = GST_AUDIO_INFO_BPF (&info);
  fail_unless_equals_int (bpf, 2 * out_channels);
  fail_unless (!p.buffers.empty (), "the mux pushed no buffer");
  uint64_t frames = 0;
  timeline.clear ();
  for (size_t i = 0; i < p.buffers.size (); i++)
    {
      const Probed::Buf &b = p.buffers[i];
      fail_unless (b.size > 0, "buffer %u is empty", (unsigned)i);
      fail_unless (b.size % bpf == 0,
                   "buffer %u: %" G_GSIZE_FORMAT " bytes is not a whole "
                   "number of %d-byte frames",
                   (unsigned)i, b.size, bpf);
      const uint64_t n = b.size / bpf;
      const GstClockTime want_pts = time_of (start, frames, rate);
      const GstClockTime want_end = time_of (start, frames + n, rate);
      /* Timestamps may be a nanosecond off the exact grid (rounding of
       * sub-buffers); the samples' places are what counts. */
      const GstClockTimeDiff pts_err = GST_CLOCK_DIFF (want_pts, b.pts);
      const GstClockTimeDiff dur_err
          = GST_CLOCK_DIFF ((GstClockTime)(want_end - want_pts), b.duration);
      fail_unless (pts_err >= -1 && pts_err <= 1,
                   "buffer %u: pts %" GST_TIME_FORMAT ", want %" GST_TIME_FORMAT
                   " (frame %" G_GUINT64_FORMAT ")",
                   (unsigned)i, GST_TIME_ARGS (b.pts), GST_TIME_ARGS (want_pts),
                   frames);
      fail_unless (dur_err >= -1 && dur_err <= 1,
                   "buffer %u: duration %" G_GUINT64_FORMAT
                   " for %" G_GUINT64_FORMAT
                   " samples at frame %" G_GUINT64_FORMAT,
                   (unsigned)i, b.duration, n, frames);
      if (channel < 0)
        timeline.insert (timeline.end (), b.data.begin (), b.data.end ());
      else
        for (uint64_t f = 0; f < n; f++)
          timeline.push_back (b.data[f * out_channels + channel]);
      frames += n;
    }
}

/* The frames of `v` that are not all zero: the audio without silence. */
std::vector<int16_t>
audio_frames (const std::vector<int16_t> &v, int channels)
{
  std::vector<int16_t> out;
  for (size_t i = 0; i + channels <= v.size (); i += channels)
    {
      bool silent = true;
      for (int c = 0; c < channels; c++)
        silent = silent && v[i + c] == 0;
      if (!silent)
        out.insert (out.end (), v.begin () + i, v.begin () + i + channels);
    }
  return out;
}

/* Ramp samples [first, first + n), interleaved `channels`, base `base`. */
void
append_ramp (std::vector<int16_t> &v, uint64_t first, uint64_t n, int base,
             int channels = 1)
{
  for (uint64_t i = 0; i < n; i++)
    for (int c = 0; c < channels; c++)
      v.push_back (rtest::ramp_value (first + i, base + c * 1000));
}

void
check_same (const std::vector<int16_t> &got, const std::vector<int16_t> &want,
            const char *what)
{
  const size_t n = std::min (got.size (), want.size ());
  for (size_t i = 0; i < n; i++)
    if (got[i] != want[i])
      fail ("%s: sample %u is %d, want %d", what, (unsigned)i, got[i], want[i]);
  fail_unless (got.size () == want.size (), "%s: %u samples, want %u", what,
               (unsigned)got.size (), (unsigned)want.size ());
}

/* One channel of an expected file, as its own interleaved vector. */
std::vector<int16_t>
channel_of (const Expected &e, int channel, uint64_t frames)
{
  std::vector<int16_t> v;
  for (uint64_t i = 0; i < frames && i < e.frames (); i++)
    v.push_back (e.data[i * e.channels + channel]);
  return v;
}

/* Pushes a run of n ramp samples from t0 in buffers of b, calling each
 * `at` function after the given number of buffers (0: before the first). */
using Insert = std::pair<uint64_t, std::function<void (Input &)>>;
void
push_with (Input &f, GstClockTime t0, uint64_t n, int base, uint64_t b,
           std::vector<Insert> at)
{
  std::stable_sort (
      at.begin (), at.end (),
      [] (const Insert &x, const Insert &y) { return x.first < y.first; });
  const uint64_t nbuf = (n + b - 1) / b;
  size_t k = 0;
  for (uint64_t i = 0; i <= nbuf; i++)
    {
      while (k < at.size () && at[k].first == i)
        at[k++].second (f);
      if (i < nbuf)
        f.ramp (t0, std::min (b, n - i * b), base, b, i * b);
    }
  fail_unless (k == at.size (), "an insert lies beyond the run");
}

/* interrupt/pause/resume on `pad` at t, as an in-stream event or as the
 * action signal emitted from the pad's feeding thread at that point. */
void
control (Input &f, bool use_signal, const char *what, const char *pad,
         GstClockTime t)
{
  if (use_signal)
    f.signal (what, pad, t);
  else
    f.control (what, t);
}

} // namespace

/* ---- interrupt ------------------------------------------------------------
 */

/* One recording per rate x channel count x (event | signal); each holds an
 * interrupt before any audio, then utterances cut mid-buffer, on a buffer
 * boundary, at the first sample, before the last sample and after the end,
 * and a last utterance recorded whole. */
static const int kRates[] = { 8000, 16000, 44100, 48000 };

GST_START_TEST (test_interrupt_positions)
{
  const int rate = kRates[__i__ / 4];
  const int channels = (__i__ / 2) % 2 + 1;
  const bool use_signal = __i__ % 2;
  const uint64_t b = rate / 50; /* 20 ms buffers */
  const uint64_t n = rate / 4;  /* 250 ms utterances, 12.5 buffers */
  const GstClockTime hb = 10 * kS;

  struct Utt
  {
    GstClockTime t0;
    GstClockTime cut; /* running time of the interrupt; NONE: none */
  };
  const GstClockTime mid = 47123457; /* inside the third buffer */
  const Utt utts[] = {
    { 0, GST_CLOCK_TIME_NONE },                        /* A */
    { 500 * kMs, 500 * kMs + mid },                    /* mid-buffer */
    { 1000 * kMs, 1000 * kMs + 60 * kMs },             /* boundary */
    { 1500 * kMs, 1500 * kMs },                        /* first sample */
    { 2000 * kMs, time_of (2000 * kMs, n - 1, rate) }, /* last sample */
    { 2500 * kMs, 2900 * kMs },                        /* after the end */
    { 3000 * kMs, GST_CLOCK_TIME_NONE },               /* C */
  };
  const uint64_t kept[] = { n, cut_at (mid, rate), 3 * b, 0, n - 1, n, n };
  fail_unless_equals_uint64 (kept[4], n - 1);

  Recording rec;
  rec.rate = 0;
  Input &f = rec.feed (rate, channels, hb);
  auto interrupt = [&] (GstClockTime t) {
    if (use_signal)
      f.signal ("interrupt", "sink_0", t);
    else
      f.control ("interrupt", t);
  };
  interrupt (100 * kMs); /* before any audio: changes nothing */
  uint64_t interrupted = 0, committed = 0;
  for (size_t u = 0; u < G_N_ELEMENTS (utts); u++)
    {
      f.ramp (utts[u].t0, n, (int)u * 3000, b);
      if (utts[u].cut != GST_CLOCK_TIME_NONE)
        interrupt (utts[u].cut);
      interrupted += n - kept[u];
      committed += kept[u];
    }
  rec.run ();

  Expected want (rate, channels, 3 * rate + n);
  for (size_t u = 0; u < G_N_ELEMENTS (utts); u++)
    want.put (cut_at (utts[u].t0, rate), 0, kept[u], (int)u * 3000, channels);
  check_pcm (rec.pcm, want);

  fail_unless_equals_uint64 (rec.stat ("interrupted-samples"), interrupted);
  fail_unless_equals_uint64 (rec.stat ("committed-samples"), committed);
  fail_unless_equals_uint64 (rec.stat ("silence-samples"),
                             want.frames () - committed);
  fail_unless_equals_uint64 (rec.stat ("overlap-samples"), 0);
  fail_unless_equals_uint64 (rec.stat ("late-events"), 0);
  fail_unless_equals_uint64 (rec.done ("interrupted-samples"), interrupted);
  fail_unless (rec.result.warnings.empty (), "warnings: %s",
               rec.warning_texts ().c_str ());
}
GST_END_TEST;

/* ---- splits: every buffer whole, pieces rebuild the input ----------------
 */

/* Pauses split buffers at 0.25, 0.5 and 0.75 of a buffer, at a run's first
 * sample and beyond its end; the events reach the pad before, inside and
 * after the run. Both the clip element's output buffers and the file are
 * checked. */
GST_START_TEST (test_split_pieces)
{
  const int channels = __i__ + 1;
  const int rate = 48000;
  const uint64_t b = 480, n = 4800; /* 10 ms buffers, 100 ms runs */
  const GstClockTime hb = 10 * kS;
  struct Run
  {
    GstClockTime t0;
    uint64_t k;                   /* pause before this sample; n: none inside */
    GstClockTime p;               /* pause */
    GstClockTime r;               /* resume; NONE: no pause */
    uint64_t pause_at, resume_at; /* after this many buffers */
  };
  const Run runs[] = {
    { 0, 2 * b + b / 4, 0, 150 * kMs, 10, 10 },
    { 300 * kMs, 3 * b + b / 2, 0, 450 * kMs, 0, 10 },
    { 600 * kMs, 4 * b + 3 * b / 4, 0, 750 * kMs, 0, 2 },
    { 900 * kMs, 0, 0, 1000 * kMs, 0, 10 },
    { 1200 * kMs, n, 1350 * kMs, 1400 * kMs, 10, 10 },
    { 1500 * kMs, n, 0, GST_CLOCK_TIME_NONE, 0, 0 },
  };

  Recording rec;
  rec.probe_output = true;
  Input &f = rec.feed (rate, channels, hb);
  Expected want (rate, channels, 1600 * rate / 1000);
  std::vector<int16_t> input;
  for (size_t u = 0; u < G_N_ELEMENTS (runs); u++)
    {
      const Run &r = runs[u];
      const int base = (int)u * 300;
      const GstClockTime p = r.k < n ? time_of (r.t0, r.k, rate) : r.p;
      std::vector<Insert> at;
      if (r.r != GST_CLOCK_TIME_NONE)
        {
          at.push_back (
              { r.pause_at, [p] (Input &f) { f.control ("pause", p); } });
          at.push_back ({ r.resume_at,
                          [t = r.r] (Input &f) { f.control ("resume", t); } });
        }
      push_with (f, r.t0, n, base, b, at);
      want.put (cut_at (r.t0, rate), 0, r.k, base, channels);
      if (r.k < n)
        want.put (cut_at (r.r, rate), r.k, n - r.k, base, channels);
      append_ramp (input, 0, n, base, channels);
    }
  fail_unless (audio_frames (input, channels).size () == input.size ());
  rec.run ();

  check_pcm (rec.pcm, want);
  std::vector<int16_t> timeline;
  check_clip_buffers (*rec.probed[0], rate, channels, 0, timeline);
  check_same (timeline, want.data, "clip output");
  check_same (audio_frames (timeline, channels), input,
              "clip output without silence");
  fail_unless_equals_uint64 (rec.stat ("committed-samples"), 6 * n);
  fail_unless_equals_uint64 (rec.stat ("silence-samples"),
                             want.frames () - 6 * n);
  fail_unless_equals_uint64 (rec.stat ("interrupted-samples"), 0);
  fail_unless_equals_uint64 (rec.stat ("late-events"), 0);
  fail_unless (rec.result.warnings.empty (), "warnings: %s",
               rec.warning_texts ().c_str ());
}
GST_END_TEST;

/* Interrupts split buffers at the same places: the part before the cut
 * arrives whole, the rest is gone, counted exactly. */
GST_START_TEST (test_split_interrupt_pieces)
{
  const int channels = __i__ + 1;
  const int rate = 48000;
  const uint64_t b = 480, n = 4800;
  const uint64_t cuts[]
      = { 2 * b + b / 4, 3 * b + b / 2, 4 * b + 3 * b / 4, 0, n + 240 };
  Recording rec;
  rec.probe_output = true;
  Input &f = rec.feed (rate, channels, 10 * kS);
  const uint64_t nruns = G_N_ELEMENTS (cuts) + 1;
  Expected want (rate, channels, (nruns - 1) * rate / 5 + n);
  std::vector<int16_t> heard;
  uint64_t interrupted = 0;
  for (uint64_t u = 0; u < nruns; u++)
    {
      const GstClockTime t0 = u * 200 * kMs;
      const int base = (int)u * 300;
      f.ramp (t0, n, base, b);
      uint64_t kept = n;
      if (u < G_N_ELEMENTS (cuts))
        {
          f.control ("interrupt", time_of (t0, cuts[u], rate));
          kept = std::min (n, cuts[u]);
        }
      interrupted += n - kept;
      want.put (cut_at (t0, rate), 0, kept, base, channels);
      append_ramp (heard, 0, kept, base, channels);
    }
  rec.run ();

  check_pcm (rec.pcm, want);
  std::vector<int16_t> timeline;
  check_clip_buffers (*rec.probed[0], rate, channels, 0, timeline);
  check_same (timeline, want.data, "clip output");
  check_same (audio_frames (timeline, channels), heard,
              "clip output without silence");
  fail_unless_equals_uint64 (rec.stat ("interrupted-samples"), interrupted);
  fail_unless_equals_uint64 (rec.stat ("committed-samples"),
                             nruns * n - interrupted);
}
GST_END_TEST;

/* ---- pause and resume -----------------------------------------------------
 */

/* One utterance of 1 s from 0, paused at P (inside buffer 20, between two
 * samples) and resumed at R: silence over [P, R), the rest shifted by
 * R - P. The events reach the pad at different points of the stream. */
static const struct
{
  uint64_t pause_at, resume_at; /* after this many 20 ms buffers */
} kPauseArrivals[] = {
  { 50, 50 }, /* both after the whole utterance */
  { 0, 50 },  /* pause before it, resume after it */
  { 0, 10 },  /* both before the paused sample arrives */
  { 10, 30 }, /* pause before P arrives, resume after */
  { 25, 25 }, /* both just after P's buffer */
};

static void
expect_single_pause (Expected &want, uint64_t n, uint64_t kp, GstClockTime r,
                     int rate)
{
  want.put (0, 0, kp, 0);
  want.put (cut_at (r, rate), kp, n - kp, 0);
}

GST_START_TEST (test_pause_resume_mid_utterance)
{
  const auto &arrival = kPauseArrivals[__i__ / 2];
  const bool use_signal = __i__ % 2;
  const int rate = 48000;
  const uint64_t n = rate, b = 960;
  const GstClockTime p = 412345678, r = 700 * kMs;
  const uint64_t kp = cut_at (p, rate);
  fail_unless_equals_uint64 (kp, 19793);

  Recording rec;
  Input &f = rec.feed (rate, 1, 10 * kS);
  push_with (
      f, 0, n, 0, b,
      { { arrival.pause_at,
          [&] (Input &f) { control (f, use_signal, "pause", "sink_0", p); } },
        { arrival.resume_at, [&] (Input &f) {
           control (f, use_signal, "resume", "sink_0", r);
         } } });
  rec.run ();

  Expected want (rate, 1, cut_at (r, rate) + n - kp);
  expect_single_pause (want, n, kp, r, rate);
  check_pcm (rec.pcm, want);
  fail_unless_equals_uint64 (rec.stat ("committed-samples"), n);
  fail_unless_equals_uint64 (rec.stat ("silence-samples"), want.frames () - n);
  fail_unless_equals_uint64 (rec.stat ("interrupted-samples"), 0);
  fail_unless_equals_uint64 (rec.stat ("late-events"), 0);
  fail_unless (rec.result.warnings.empty (), "warnings: %s",
               rec.warning_texts ().c_str ());
}
GST_END_TEST;

/* The same pause [P, R), over before any of the utterance (scheduled from
 * 0, so across P) reaches the pad: DESIGN's rule depends on times only, so
 * the part from P on is still heard from R. */
GST_START_TEST (test_pause_over_before_run_arrives)
{
  const bool use_signal = __i__ % 2;
  const int rate = 48000;
  const uint64_t n = rate, b = 960;
  const GstClockTime p = 412345678, r = 700 * kMs;
  const uint64_t kp = cut_at (p, rate);

  Recording rec;
  Input &f = rec.feed (rate, 1, 10 * kS);
  control (f, use_signal, "pause", "sink_0", p);
  control (f, use_signal, "resume", "sink_0", r);
  f.ramp (0, n, 0, b);
  rec.run ();

  Expected want (rate, 1, cut_at (r, rate) + n - kp);
  expect_single_pause (want, n, kp, r, rate);
  check_pcm (rec.pcm, want);
  fail_unless_equals_uint64 (rec.stat ("committed-samples"), n);
  fail_unless_equals_uint64 (rec.stat ("interrupted-samples"), 0);
}
GST_END_TEST;

/* Three pauses in one utterance: each applies on the heard timeline, and
 * the shifts add up. */
GST_START_TEST (test_pause_several_add_up)
{
  const bool use_signal = __i__ % 2;
  const int rate = 48000;
  const uint64_t n = rate, b = 960;
  /* heard: [0, .2) U[0, 9600); pause to .3; [.3, .5) U[9600, 19200); pause
   * to .75; [.75, 1.2) U[19200, 40800); pause to 1.25; rest from 1.25. */
  const GstClockTime p1 = 200 * kMs, r1 = 300 * kMs, p2 = 500 * kMs,
                     r2 = 750 * kMs, p3 = 1200 * kMs, r3 = 1250 * kMs;
  Recording rec;
  Input &f = rec.feed (rate, 1, 10 * kS);
  auto ctl = [use_signal] (const char *what, GstClockTime t) {
    return [=] (Input &f) { control (f, use_signal, what, "sink_0", t); };
  };
  push_with (f, 0, n, 0, b,
             { { 0, ctl ("pause", p1) },
               { 5, ctl ("resume", r1) },
               { 12, ctl ("pause", p2) },
               { 30, ctl ("resume", r2) },
               { 50, ctl ("pause", p3) },
               { 50, ctl ("resume", r3) } });
  rec.run ();

  Expected want (rate, 1, n + (r1 - p1 + r2 - p2 + r3 - p3) * rate / kS);
  want.put (0, 0, 9600, 0);
  want.put (14400, 9600, 9600, 0);
  want.put (36000, 19200, 21600, 0);
  want.put (60000, 40800, n - 40800, 0);
  fail_unless_equals_uint64 (want.frames (), 67200);
  check_pcm (rec.pcm, want);
  fail_unless_equals_uint64 (rec.stat ("committed-samples"), n);
  fail_unless_equals_uint64 (rec.stat ("silence-samples"), 67200 - n);
  fail_unless_equals_uint64 (rec.stat ("interrupted-samples"), 0);
  fail_unless (rec.result.warnings.empty (), "warnings: %s",
               rec.warning_texts ().c_str ());
}
GST_END_TEST;

/* Pauses around utterances: one over [.4, .6) between A and B changes
 * nothing; one from 1.8 to 2.1 while C (scheduled at 2.0) is pushed starts
 * C at 2.1 (shifted by R - s0, not R - P); D scheduled at 2.7, pushed after
 * a pause [2.5, 2.9) ended, starts at 2.9. */
GST_START_TEST (test_pause_around_utterances)
{
  const bool use_signal = __i__ % 2;
  const int rate = 48000;
  const uint64_t b = 960;
  Recording rec;
  Input &f = rec.feed (rate, 1, 10 * kS);
  auto ctl = [&] (const char *what, GstClockTime t) {
    control (f, use_signal, what, "sink_0", t);
  };
  f.ramp (0, 12000, 0, b); /* A [0, .25) */
  ctl ("pause", 400 * kMs);
  ctl ("resume", 600 * kMs);
  f.ramp (1000 * kMs, 24000, 3000, b); /* B [1, 1.5) */
  ctl ("pause", 1800 * kMs);
  f.ramp (2000 * kMs, 12000, 6000, b); /* C [2, 2.25) */
  ctl ("resume", 2100 * kMs);
  ctl ("pause", 2500 * kMs);
  ctl ("resume", 2900 * kMs);
  f.ramp (2700 * kMs, 12000, 9000, b); /* D [2.7, 2.95) */
  rec.run ();

  Expected want (rate, 1, 151200);
  want.put (0, 0, 12000, 0);
  want.put (48000, 0, 24000, 3000);
  want.put (100800, 0, 12000, 6000);
  want.put (139200, 0, 12000, 9000);
  check_pcm (rec.pcm, want);
  fail_unless_equals_uint64 (rec.stat ("committed-samples"), 60000);
  fail_unless_equals_uint64 (rec.stat ("silence-samples"), 151200 - 60000);
  fail_unless_equals_uint64 (rec.stat ("interrupted-samples"), 0);
  fail_unless (rec.result.warnings.empty (), "warnings: %s",
               rec.warning_texts ().c_str ());
}
GST_END_TEST;

/* ---- two pads: a mic without holdback and an agent with one --------------
 */

static const uint64_t kMicBuffer = 480;    /* 10 ms */
static const uint64_t kAgentBuffer = 1100; /* does not divide anything */

/* A pause still open when the agent's input ends: (0) paused inside its
 * utterance, the unheard rest is discarded at EOS and counted; (1) paused
 * after the utterance and still paused when the mic ends. Either way the
 * agent's channel is silent from the pause to the mic's end. */
GST_START_TEST (test_pause_open_at_eos)
{
  const bool inside = __i__ == 0;
  const int rate = 48000;
  const GstClockTime p = inside ? 800 * kMs : 1200 * kMs;
  const uint64_t n = 24000; /* [.5, 1) */
  const uint64_t kept = inside ? cut_at (p - 500 * kMs, rate) : n;

  Recording rec;
  Input &mic = rec.feed (rate, 1, 0);
  /* The agent's audio is held before the mic moves the horizon past it. */
  mic.wait ("agent-queued");
  mic.ramp (0, 2 * rate, 0, kMicBuffer);
  mic.mark ("mic-done");
  Input &agent = rec.feed (rate, 1, 10 * kS);
  agent.ramp (500 * kMs, n, 5000, kAgentBuffer);
  agent.mark ("agent-queued");
  agent.control ("pause", p);
  if (!inside)
    agent.wait ("mic-done");
  rec.run ();

  Expected want (rate, 2, 2 * rate);
  want.put (0, 0, 2 * rate, 0, 1, 0);
  want.put (24000, 0, kept, 5000, 1, 1);
  check_pcm (rec.pcm, want);
  fail_unless_equals_uint64 (rec.stat ("interrupted-samples"), n - kept);
  fail_unless_equals_uint64 (rec.stat ("committed-samples"), 2 * rate + kept);
  fail_unless_equals_uint64 (rec.done ("interrupted-samples"), n - kept);
  fail_unless_equals_uint64 (rec.stat ("late-events"), 0);
  fail_unless (rec.result.warnings.empty (), "warnings: %s",
               rec.warning_texts ().c_str ());
}
GST_END_TEST;

/* Interrupt at T while paused since P: silence over [P, T), the unheard
 * audio is discarded; a later utterance is recorded normally. The mic has
 * already committed the agent's channel up to 1.0 when the interrupt
 * comes. */
GST_START_TEST (test_interrupt_while_paused)
{
  const bool use_signal = __i__ % 2;
  const int rate = 48000;
  const GstClockTime p = 800 * kMs, t = 1200 * kMs;
  const uint64_t n = rate; /* U [.5, 1.5) */
  const uint64_t kept = cut_at (p - 500 * kMs, rate);

  Recording rec;
  Input &mic = rec.feed (rate, 1, 0);
  mic.wait ("agent-paused");
  mic.ramp (0, rate, 0, kMicBuffer);
  mic.mark ("mic-at-1s");
  mic.wait ("agent-cut");
  mic.ramp (0, rate, 0, kMicBuffer, rate);
  Input &agent = rec.feed (rate, 1, 10 * kS);
  agent.ramp (500 * kMs, n, 5000, kAgentBuffer);
  control (agent, use_signal, "pause", "sink_1", p);
  agent.mark ("agent-paused");
  agent.wait ("mic-at-1s");
  control (agent, use_signal, "interrupt", "sink_1", t);
  agent.ramp (1600 * kMs, 9600, 9000, kAgentBuffer); /* V [1.6, 1.8) */
  /* Only now may the mic move the horizon past 1.6 s: V arriving after it
   * would be late, and rightly lost. */
  agent.mark ("agent-cut");
  rec.run ();

  Expected want (rate, 2, 2 * rate);
  want.put (0, 0, 2 * rate, 0, 1, 0);
  want.put (24000, 0, kept, 5000, 1, 1);
  want.put (76800, 0, 9600, 9000, 1, 1);
  check_pcm (rec.pcm, want);
  fail_unless_equals_uint64 (rec.stat ("interrupted-samples"), n - kept);
  fail_unless_equals_uint64 (rec.stat ("committed-samples"),
                             2 * rate + kept + 9600);
  fail_unless_equals_uint64 (rec.stat ("late-events"), 0);
  fail_unless (rec.result.warnings.empty (), "warnings: %s",
               rec.warning_texts ().c_str ());
}
GST_END_TEST;

/* An interrupt for audio already committed: (0) the agent holds 10 s but
 * the mic has committed it up to 1.0 when the interrupt at .8 comes: the
 * held rest from 1.0 is still discarded; (1) the agent has no holdback, so
 * all of it was committed as it arrived: nothing changes. Both post one
 * WARNING and count one late event. */
GST_START_TEST (test_interrupt_late)
{
  const bool held = __i__ == 0;
  const int rate = 48000;
  const GstClockTime t = 800 * kMs;
  const uint64_t n = rate; /* U [.5, 1.5) */
  const uint64_t kept = held ? 24000 : n;

  Recording rec;
  Input &mic = rec.feed (rate, 1, 0);
  Input &agent = rec.feed (rate, 1, held ? 10 * kS : 0);
  if (held)
    {
      mic.wait ("agent-pushed");
      mic.ramp (0, rate, 0, kMicBuffer);
      mic.signal ("interrupt", "sink_1", t);
      mic.mark ("cut");
      mic.ramp (0, rate, 0, kMicBuffer, rate);
      agent.ramp (500 * kMs, n, 5000, kAgentBuffer);
      agent.mark ("agent-pushed");
      agent.wait ("cut");
    }
  else
    {
      mic.ramp (0, kMicBuffer, 0, kMicBuffer);
      mic.mark ("mic-started");
      mic.ramp (0, 2 * rate - kMicBuffer, 0, kMicBuffer, kMicBuffer);
      agent.wait ("mic-started");
      agent.ramp (500 * kMs, n, 5000, kAgentBuffer);
      agent.control ("interrupt", t);
    }
  rec.run ();

  Expected want (rate, 2, 2 * rate);
  want.put (0, 0, 2 * rate, 0, 1, 0);
  want.put (24000, 0, kept, 5000, 1, 1);
  check_pcm (rec.pcm, want);
  fail_unless_equals_int ((int)rec.result.warnings.size (), 1);
  fail_unless_equals_uint64 (rec.stat ("late-events"), 1);
  fail_unless_equals_uint64 (rec.done ("late-events"), 1);
  fail_unless_equals_uint64 (rec.stat ("interrupted-samples"), n - kept);
  fail_unless_equals_uint64 (rec.stat ("committed-samples"), 2 * rate + kept);
}
GST_END_TEST;

/* ---- ignored and malformed events -----------------------------------------
 */

/* A resume while not paused, a pause while paused and a resume after the
 * resume: each ignored with a WARNING; the one real pause is exact. */
GST_START_TEST (test_pause_resume_ignored)
{
  const bool use_signal = __i__ % 2;
  const int rate = 48000;
  const uint64_t n = rate, b = 960;
  const GstClockTime p = 412345678, r = 700 * kMs;
  Recording rec;
  Input &f = rec.feed (rate, 1, 10 * kS);
  auto ctl = [use_signal] (const char *what, GstClockTime t) {
    return [=] (Input &f) { control (f, use_signal, what, "sink_0", t); };
  };
  push_with (f, 0, n, 0, b,
             { { 0, ctl ("resume", 100 * kMs) }, /* not paused */
               { 5, ctl ("pause", p) },
               { 10, ctl ("pause", 500 * kMs) }, /* already paused */
               { 30, ctl ("resume", r) },
               { 40, ctl ("resume", 800 * kMs) } }); /* not paused */
  rec.run ();

  const uint64_t kp = cut_at (p, rate);
  Expected want (rate, 1, cut_at (r, rate) + n - kp);
  expect_single_pause (want, n, kp, r, rate);
  check_pcm (rec.pcm, want);
  fail_unless_equals_int ((int)rec.result.warnings.size (), 3);
  fail_unless_equals_uint64 (rec.stat ("late-events"), 0);
  fail_unless_equals_uint64 (rec.stat ("interrupted-samples"), 0);
  fail_unless_equals_uint64 (rec.stat ("committed-samples"), n);
}
GST_END_TEST;

/* Events whose running-time has the wrong type (a string, a boolean; and a
 * recording pause sent to the bin with a string): a WARNING each, ignored,
 * the recording intact. */
GST_START_TEST (test_malformed_events)
{
  const int rate = 48000;
  const uint64_t n = rate, b = 960;
  Recording rec;
  Input &f = rec.feed (rate, 1, 10 * kS);
  push_with (f, 0, n, 0, b,
             { { 10,
                 [] (Input &f) {
                   f.custom (gst_structure_new ("recorderbin-interrupt",
                                                "running-time", G_TYPE_STRING,
                                                "200000000", NULL));
                 } },
               { 10,
                 [] (Input &f) {
                   f.custom (gst_structure_new ("recorderbin-pause",
                                                "running-time", G_TYPE_BOOLEAN,
                                                TRUE, NULL));
                 } },
               { 20, [] (Input &f) {
                  f.call ([] (GstElement *bin) {
                    GstEvent *ev = gst_event_new_custom (
                        GST_EVENT_CUSTOM_DOWNSTREAM,
                        gst_structure_new ("recorderbin-pause-recording",
                                           "running-time", G_TYPE_STRING,
                                           "soon", NULL));
                    gst_element_send_event (bin, ev);
                  });
                } } });
  rec.run ();

  Expected want (rate, 1, n);
  want.put (0, 0, n, 0);
  check_pcm (rec.pcm, want);
  fail_unless_equals_int ((int)rec.result.warnings.size (), 3);
  fail_unless_equals_uint64 (rec.stat ("interrupted-samples"), 0);
  fail_unless_equals_uint64 (rec.stat ("committed-samples"), n);
  fail_unless_equals_uint64 (rec.stat ("silence-samples"), 0);
  fail_unless_equals_uint64 (rec.stat ("late-events"), 0);
}
GST_END_TEST;

/* ---- whole-recording pause -------------------------------------------------
 */

/* pause-recording at .8, resume-recording at 1.3 on a two-pad recording,
 * sent while the mic is at .5 and 1.0: pause-mode silence keeps 2 s with
 * zeros over [.8, 1.3) on both channels; collapse makes it .5 s shorter
 * with the audio after 1.3 right after the audio before .8. Through the
 * action signals (even loops) or events sent to the bin (odd). */
GST_START_TEST (test_pause_recording)
{
  const bool collapse = __i__ / 2;
  const bool use_event = __i__ % 2;
  const int rate = 48000;
  const GstClockTime p = 800 * kMs, r = 1300 * kMs;
  auto gate = [use_event] (bool pause, GstClockTime t) {
    return [=] (Input &f) {
      f.call ([=] (GstElement *bin) {
        const char *what = pause ? "pause-recording" : "resume-recording";
        if (use_event)
          {
            gchar *name = g_strdup_printf ("recorderbin-%s", what);
            GstEvent *ev = gst_event_new_custom (
                GST_EVENT_CUSTOM_DOWNSTREAM,
                gst_structure_new (name, "running-time", G_TYPE_UINT64,
                                   (guint64)t, NULL));
            g_free (name);
            fail_unless (gst_element_send_event (bin, ev));
          }
        else
          {
            gboolean ret = FALSE;
            g_signal_emit_by_name (bin, what, (guint64)t, &ret);
            fail_unless (ret);
          }
      });
    };
  };
  Recording rec;
  rec.pause_mode = collapse ? "collapse" : "silence";
  Input &mic = rec.feed (rate, 1, 0);
  push_with (mic, 0, 2 * rate, 0, kMicBuffer,
             { { 50, gate (true, p) }, { 100, gate (false, r) } });
  Input &other = rec.feed (rate, 1, 0);
  other.ramp (0, 2 * rate, 5000, 960);
  rec.run ();

  const uint64_t kp = cut_at (p, rate), kr = cut_at (r, rate);
  Expected want (rate, 2, collapse ? 2 * rate - (kr - kp) : 2 * rate);
  for (int c = 0; c < 2; c++)
    {
      want.put (0, 0, kp, c * 5000, 1, c);
      want.put (collapse ? kp : kr, kr, 2 * rate - kr, c * 5000, 1, c);
    }
  check_pcm (rec.pcm, want);
  fail_unless_equals_uint64 (rec.done ("samples"), want.frames ());
  fail_unless_equals_uint64 (rec.done ("duration"),
                             time_of (0, want.frames (), rate));
  fail_unless_equals_uint64 (rec.stat ("late-events"), 0);
  fail_unless (rec.result.warnings.empty (), "warnings: %s",
               rec.warning_texts ().c_str ());
}
GST_END_TEST;

/* ---- a call: barge-in on speech pushed ahead -----------------------------
 */

/* Mic on sink_0 (no holdback, a continuous 3 s ramp), agent on sink_1
 * (holdback 30 s) with a 2 s utterance from .5 pushed before the mic
 * starts. When the mic reaches 1.3 the caller barges in: interrupt at T,
 * just after 1.3 s or "now" (GST_CLOCK_TIME_NONE: the agent's commit
 * horizon, the mic's 1.3 s). */
static const struct
{
  const char *format;
  bool now;
} kBargeIns[] = {
  { "wav", false },      /* the mux's output probed too */
  { "wav", true },       /* T = now */
  { "ogg-opus", false }, /* decoded back: lossy */
  { "flac", false },     /* decoded back: bit-exact */
};

GST_START_TEST (test_call_barge_in)
{
  const bool opus = g_str_equal (kBargeIns[__i__].format, "ogg-opus");
  const bool flac = g_str_equal (kBargeIns[__i__].format, "flac");
  const bool now = kBargeIns[__i__].now;
  const int rate = 48000;
  const uint64_t mic_n = 3 * rate, n = 2 * rate;
  const GstClockTime t0 = 500 * kMs;
  const GstClockTime at = 1300 * kMs;
  const GstClockTime t = now ? GST_CLOCK_TIME_NONE : at + 10417;
  const uint64_t kept = cut_at ((now ? at : t) - t0, rate);
  fail_unless_equals_uint64 (kept, now ? 38400 : 38401);

  Recording rec;
  if (opus)
    rec.format = "ogg-opus";
  else if (flac)
    rec.format = "flac";
  else
    rec.probe_output = true;
  Input &mic = rec.feed (rate, 1, 0);
  mic.wait ("agent-pushed");
  push_with (mic, 0, mic_n, 0, kMicBuffer, { { at / (10 * kMs), [t] (Input &f) {
                                                f.signal ("interrupt", "sink_1",
                                                          t);
                                                f.mark ("barge-in");
                                              } } });
  Input &agent = rec.feed (rate, 1, 30 * kS);
  agent.ramp (t0, n, 5000, kAgentBuffer);
  agent.mark ("agent-pushed");
  agent.wait ("barge-in");
  rec.run (true);

  fail_unless_equals_uint64 (rec.stat ("interrupted-samples"), n - kept);
  fail_unless_equals_uint64 (rec.stat ("committed-samples"), mic_n + kept);
  fail_unless_equals_uint64 (rec.stat ("late-events"), 0);
  fail_unless_equals_uint64 (rec.done ("interrupted-samples"), n - kept);
  fail_unless (rec.result.warnings.empty (), "warnings: %s",
               rec.warning_texts ().c_str ());

  if (opus)
    {
      fail_unless_equals_int (rec.pcm.channels, 2);
      fail_unless_equals_int (rec.pcm.rate, 48000);
      fail_unless_equals_uint64 (rec.pcm.frames (), mic_n);
      /* Lossy, and coded jointly with the loud mic channel: only compare
       * the agent channel's level while it speaks and after T. */
      double before = 0, after = 0;
      for (uint64_t i = 30000; i < 60000; i++)
        before += std::abs (rec.pcm.at (i, 1));
      for (uint64_t i = 70000; i < 130000; i++)
        after += std::abs (rec.pcm.at (i, 1));
      before /= 30000;
      after /= 60000;
      fail_unless (before > 2000, "agent channel silent while it speaks");
      fail_unless (after < before / 20,
                   "agent channel not silent after T: "
                   "level %f, %f while speaking",
                   after, before);
      return;
    }

  Expected want (rate, 2, mic_n);
  want.put (0, 0, mic_n, 0, 1, 0);
  want.put (cut_at (t0, rate), 0, kept, 5000, 1, 1);
  check_pcm (rec.pcm, want);
  if (flac)
    return;

  /* What the mux wrote: the mic's ramp whole, the agent's channel up to
   * the cut, every buffer whole frames. */
  std::vector<int16_t> timeline;
  check_clip_buffers (*rec.probed[0], rate, 1, 0, timeline, 0);
  check_same (timeline, channel_of (want, 0, mic_n), "mic clip output");
  check_clip_buffers (*rec.probed[0], rate, 1, 0, timeline, 1);
  fail_unless (timeline.size () >= cut_at (t0, rate) + kept);
  check_same (timeline, channel_of (want, 1, timeline.size ()),
              "agent clip output");
}
GST_END_TEST;

/* ---- live: the horizon follows the clock ---------------------------------
 */

static void
take_stats (GstElement *bin, guint64 *committed)
{
  GstStructure *s = NULL;
  g_object_get (bin, "stats", &s, NULL);
  fail_unless (s != NULL);
  fail_unless (gst_structure_get_uint64 (s, "committed-samples", committed));
  gst_structure_free (s);
}

/* Polls committed-samples until it reaches `at_least` (or 10 s pass),
 * then lets the tick settle and returns it. */
static guint64
committed_once_at_least (GstElement *bin, guint64 at_least)
{
  guint64 c = 0;
  for (int i = 0; i < 1000; i++)
    {
      take_stats (bin, &c);
      if (c >= at_least)
        break;
      g_usleep (10000);
    }
  g_usleep (100000);
  take_stats (bin, &c);
  return c;
}

/* A live appsrc (timestamps set by the test) on a pad with 10 s holdback,
 * the pipeline on a GstTestClock. 2 s of audio pushed at once is committed
 * as the clock's running time passes it, not before, and all of it is in
 * the file at the end. */
GST_START_TEST (test_live_horizon_follows_clock)
{
  const int rate = 48000;
  const uint64_t n = 2 * rate;
  const std::string path = rtest::temp_path ("clipping-live", "wav");
  GstElement *pipeline = gst_pipeline_new (NULL);
  GstClock *clock = gst_test_clock_new_with_start_time (0);
  gst_pipeline_use_clock (GST_PIPELINE (pipeline), clock);
  GstElement *src = gst_element_factory_make ("appsrc", NULL);
  GstCaps *caps = rtest::caps_s16 (rate, 1);
  g_object_set (src, "is-live", TRUE, "do-timestamp", FALSE, "format",
                GST_FORMAT_TIME, "caps", caps, "min-latency", (gint64)0,
                "max-bytes", (guint64)0, NULL);
  gst_caps_unref (caps);
  GstElement *bin = gst_element_factory_make ("recorderbin", "rec");
  gst_util_set_object_arg (G_OBJECT (bin), "format", "wav");
  g_object_set (bin, "location", path.c_str (), NULL);
  gst_bin_add_many (GST_BIN (pipeline), src, bin, NULL);
  GstPad *sink
      = gst_element_request_pad (bin,
                                 gst_element_class_get_pad_template (
                                     GST_ELEMENT_GET_CLASS (bin), "sink_%u"),
                                 "sink_0", NULL);
  g_object_set (sink, "holdback", (guint64)(10 * kS), NULL);
  GstPad *srcpad = gst_element_get_static_pad (src, "src");
  fail_unless_equals_int (gst_pad_link (srcpad, sink), GST_PAD_LINK_OK);
  gst_object_unref (srcpad);
  gst_object_unref (sink);

  rtest::Rig rig (pipeline, "rec");
  rig.start ();
  fail_unless (gst_element_get_state (pipeline, NULL, NULL, 10 * kS)
               != GST_STATE_CHANGE_FAILURE);
  for (uint64_t off = 0; off < n; off += 960)
    fail_unless_equals_int (
        gst_app_src_push_buffer (GST_APP_SRC (src),
                                 rtest::ramp_buffer_s16 (off, 960, 1, rate)),
        GST_FLOW_OK);

  /* The clock stands at 0: nothing is committed however long we wait. */
  guint64 c0 = 0;
  g_usleep (300000);
  take_stats (bin, &c0);
  fail_unless_equals_uint64 (c0, 0);

  gst_test_clock_set_time (GST_TEST_CLOCK (clock), 500 * kMs);
  const guint64 c1 = committed_once_at_least (bin, rate / 2 - rate / 10);
  fail_unless (c1 >= rate * 4 / 10 && c1 <= rate * 6 / 10,
               "committed %" G_GUINT64_FORMAT " at .5 s of clock", c1);

  gst_test_clock_set_time (GST_TEST_CLOCK (clock), 1200 * kMs);
  const guint64 c2 = committed_once_at_least (bin, rate);
  fail_unless (c2 >= rate && c2 <= rate * 13 / 10,
               "committed %" G_GUINT64_FORMAT " at 1.2 s of clock", c2);
  fail_unless (c2 < n);

  /* End: EOS commits what is left; the clock goes to the audio's end (not
   * beyond, where a live pad would record silence as time passes). */
  gst_app_src_end_of_stream (GST_APP_SRC (src));
  gst_test_clock_set_time (GST_TEST_CLOCK (clock), 2 * kS);
  const rtest::RunResult &result = rig.finish ();
  gst_object_unref (clock);

  fail_unless (result.got_eos);
  fail_unless (result.errors.empty ());
  {
    const std::string status = result.done_status ();
    fail_unless_equals_string (status.c_str (), "ok");
  }
  fail_unless_equals_uint64 (rig.stat ("committed-samples"), n);
  rtest::Pcm pcm;
  fail_unless (rtest::read_wav (path, pcm));
  Expected want (rate, 1, n);
  want.put (0, 0, n, 0);
  check_pcm (pcm, want);
}
GST_END_TEST;

/* ---- stats ---------------------------------------------------------------
 */

/* The stats property during the recording (before anything, and when the
 * mic has reached 1.2 s, after an interrupt at 1.0 on the agent's
 * utterance [.5, 1.5)) and the done message carrying the same counters as
 * the property at the end. */
GST_START_TEST (test_stats_during_and_done)
{
  const int rate = 48000;
  struct Seen
  {
    std::mutex lock;
    std::vector<GstStructure *> s;
    ~Seen ()
    {
      for (GstStructure *x : s)
        gst_structure_free (x);
    }
  };
  auto seen = std::make_shared<Seen> ();
  auto snapshot = [seen] (Input &f) {
    f.call ([seen] (GstElement *bin) {
      GstStructure *s = NULL;
      g_object_get (bin, "stats", &s, NULL);
      std::lock_guard<std::mutex> lk (seen->lock);
      seen->s.push_back (s);
    });
  };

  Recording rec;
  Input &mic = rec.feed (rate, 1, 0);
  mic.wait ("agent-pushed");
  snapshot (mic);
  push_with (mic, 0, 2 * rate, 0, kMicBuffer,
             { { 120, snapshot },
               { 120, [] (Input &f) { f.mark ("mic-at-1.2s"); } } });
  Input &agent = rec.feed (rate, 1, 10 * kS);
  agent.ramp (500 * kMs, rate, 5000, kAgentBuffer);
  agent.control ("interrupt", 1000 * kMs);
  agent.mark ("agent-pushed");
  agent.wait ("mic-at-1.2s"); /* the agent's input stays open till then */
  rec.run ();

  static const char *fields[]
      = { "committed-samples", "interrupted-samples", "silence-samples",
          "overlap-samples",   "late-events",         "errors" };
  fail_unless_equals_int ((int)seen->s.size (), 2);
  for (const char *field : fields)
    {
      guint64 v = G_MAXUINT64;
      fail_unless (gst_structure_get_uint64 (seen->s[0], field, &v), "%s",
                   field);
      const guint64 want
          = g_str_equal (field, "interrupted-samples") ? 24000 : 0;
      fail_unless_equals_uint64 (v, want);
    }
  /* At 1.2 s: the mic's 57600 samples and the agent's [.5, 1.0), with
   * silence on the agent's channel over [0, .5) and [1.0, 1.2). */
  guint64 v = 0;
  fail_unless (gst_structure_get_uint64 (seen->s[1], "committed-samples", &v));
  fail_unless_equals_uint64 (v, 57600 + 24000);
  fail_unless (
      gst_structure_get_uint64 (seen->s[1], "interrupted-samples", &v));
  fail_unless_equals_uint64 (v, 24000);
  fail_unless (gst_structure_get_uint64 (seen->s[1], "silence-samples", &v));
  fail_unless_equals_uint64 (v, 24000 + 9600);

  /* The done message carries the property's counters. */
  for (const char *field : fields)
    fail_unless_equals_uint64 (rec.done (field), rec.stat (field));
  fail_unless_equals_uint64 (rec.stat ("committed-samples"), 2 * rate + 24000);
  fail_unless_equals_uint64 (rec.stat ("interrupted-samples"), 24000);
  fail_unless_equals_uint64 (rec.stat ("errors"), 0);
  fail_unless_equals_uint64 (rec.done ("samples"), rec.pcm.frames ());
  fail_unless_equals_uint64 (rec.pcm.frames (), 2 * rate);
  fail_unless_equals_uint64 (rec.done ("duration"), 2 * kS);
  Expected want (rate, 2, 2 * rate);
  want.put (0, 0, 2 * rate, 0, 1, 0);
  want.put (24000, 0, 24000, 5000, 1, 1);
  check_pcm (rec.pcm, want);
}
GST_END_TEST;

static Suite *
clipping_suite (void)
{
  Suite *s = suite_create ("clipping");
  TCase *tc = tcase_create ("general");
  tcase_set_timeout (tc, 120);
  suite_add_tcase (s, tc);
  tcase_add_loop_test (tc, test_interrupt_positions, 0, 16);
  tcase_add_loop_test (tc, test_split_pieces, 0, 2);
  tcase_add_loop_test (tc, test_split_interrupt_pieces, 0, 2);
  tcase_add_loop_test (tc, test_pause_resume_mid_utterance, 0,
                       2 * G_N_ELEMENTS (kPauseArrivals));
  tcase_add_loop_test (tc, test_pause_over_before_run_arrives, 0, 2);
  tcase_add_loop_test (tc, test_pause_several_add_up, 0, 2);
  tcase_add_loop_test (tc, test_pause_around_utterances, 0, 2);
  tcase_add_loop_test (tc, test_pause_open_at_eos, 0, 2);
  tcase_add_loop_test (tc, test_interrupt_while_paused, 0, 2);
  tcase_add_loop_test (tc, test_interrupt_late, 0, 2);
  tcase_add_loop_test (tc, test_pause_resume_ignored, 0, 2);
  tcase_add_test (tc, test_malformed_events);
  tcase_add_loop_test (tc, test_pause_recording, 0, 4);
  tcase_add_loop_test (tc, test_call_barge_in, 0, G_N_ELEMENTS (kBargeIns));
  tcase_add_test (tc, test_live_horizon_follows_clock);
  tcase_add_test (tc, test_stats_during_and_done);
  return s;
}

GST_CHECK_MAIN (clipping);
