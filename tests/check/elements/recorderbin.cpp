/* recorderbin — foundation tests: pads and alignment, formats, rate and
 * layout conversion, caps changes, start-up errors, bad input, replaced
 * stages and the element's public interface (DESIGN.md sections 1-3, 7).
 *
 * Every pad is fed by the rig (recorder-rig.h): a plain GstPad of the test,
 * linked to the bin's request pad and pushed from a thread of its own, so
 * buffers and events reach the bin exactly in the order written.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "recorder-rig.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

/* Last: gstcheck.h defines macros (fail, ...) that clash with C++ headers. */
#include <glib/gstdio.h>
#include <gst/check/gstcheck.h>

namespace
{

constexpr int kOutRate = 48000;

using rtest::audio_info;
using rtest::kNoPts;
using rtest::make_audio;
using rtest::mono_ramp_fn;
using rtest::ramp_fn;
using rtest::ValueFn;

ValueFn
sine_fn (int rate, double amplitude, double freq0, double freq1 = 0)
{
  return [=] (uint64_t frame, int ch) {
    const double f = ch == 0 || freq1 == 0 ? freq0 : freq1;
    return amplitude * std::sin (2 * M_PI * f * (double)frame / rate);
  };
}

/* ---- checking results --------------------------------------------------- */

bool
message_is (GstMessage *msg, GQuark domain, int code)
{
  GError *err = NULL;
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR)
    gst_message_parse_error (msg, &err, NULL);
  else
    gst_message_parse_warning (msg, &err, NULL);
  const bool match = err && g_error_matches (err, domain, code);
  g_clear_error (&err);
  return match;
}

bool
contains_ignoring_case (const std::string &haystack, const std::string &needle)
{
  gchar *h = g_ascii_strdown (haystack.c_str (), -1);
  gchar *n = g_ascii_strdown (needle.c_str (), -1);
  const bool found = strstr (h, n) != NULL;
  g_free (h);
  g_free (n);
  return found;
}

/* Asserts frames [from, from + n) of channel `ch` of `pcm` equal fn (first +
 * i), reporting the first difference. */
void
assert_samples (const rtest::Pcm &pcm, int ch, uint64_t from, uint64_t n,
                uint64_t first, const ValueFn &fn, const char *what)
{
  fail_unless (from + n <= pcm.frames (),
               "%s: %" G_GUINT64_FORMAT " frames wanted from %" G_GUINT64_FORMAT
               ", the file has %" G_GUINT64_FORMAT,
               what, n, from, pcm.frames ());
  for (uint64_t i = 0; i < n; i++)
    {
      const int expected = (int)std::lround (fn (first + i, ch));
      const int actual = pcm.at (from + i, ch);
      if (expected != actual)
        fail ("%s: frame %" G_GUINT64_FORMAT " channel %d is %d, expected %d",
              what, from + i, ch, actual, expected);
    }
}

void
assert_silence (const rtest::Pcm &pcm, int ch, uint64_t from, uint64_t n,
                const char *what)
{
  assert_samples (
      pcm, ch, from, n, 0, [] (uint64_t, int) { return 0.0; }, what);
}

/* Largest |file - fn| over frames [from, to) of channel ch, fn evaluated at
 * the output frame index. */
double
max_error (const rtest::Pcm &pcm, int ch, uint64_t from, uint64_t to,
           const ValueFn &fn)
{
  double worst = 0;
  for (uint64_t i = from; i < to && i < pcm.frames (); i++)
    worst = std::max (worst, std::fabs (pcm.at (i, ch) - fn (i, ch)));
  return worst;
}

/* Longest run of exact zeros in channel ch over [from, to). */
uint64_t
longest_zero_run (const rtest::Pcm &pcm, int ch, uint64_t from, uint64_t to)
{
  uint64_t best = 0, run = 0;
  for (uint64_t i = from; i < to && i < pcm.frames (); i++)
    {
      run = pcm.at (i, ch) == 0 ? run + 1 : 0;
      best = std::max (best, run);
    }
  return best;
}

void
read_wav_or_fail (const std::string &path, rtest::Pcm &pcm)
{
  fail_unless (rtest::read_wav (path, pcm), "could not read WAV %s",
               path.c_str ());
}

const GstClockTime kMs = GST_MSECOND;

} // namespace

/* ---- one pad, WAV: bit-exact ------------------------------------------- */

GST_START_TEST (test_one_pad_wav_bit_exact)
{
  const std::string path = rtest::temp_path ("one-pad", "wav");
  const GstAudioInfo info = audio_info (GST_AUDIO_FORMAT_S16LE, kOutRate, 1);
  const uint64_t n = 48000 + 123; /* not a whole number of buffers */
  {
    rtest::Rig rec ("wav", path);
    rtest::Input &f = rec.input ();
    const std::string name = f.name ();
    fail_unless_equals_string (name.c_str (), "sink_0");
    f.stream (info);
    f.audio (info, 0, n, ramp_fn ());
    const rtest::RunResult &r = rec.run ();
    assert_clean (r);
    /* The done message counts what was written. */
    guint64 samples = 0;
    fail_unless (gst_structure_get_uint64 (r.done[0], "samples", &samples));
    fail_unless_equals_uint64 (samples, n);
  }
  rtest::Pcm pcm;
  read_wav_or_fail (path, pcm);
  fail_unless_equals_int (pcm.rate, kOutRate);
  fail_unless_equals_int (pcm.channels, 1);
  fail_unless_equals_uint64 (pcm.frames (), n);
  assert_samples (pcm, 0, 0, n, 0, ramp_fn (), "mono ramp");
}
GST_END_TEST;

/* ---- two pads: alignment by running time -------------------------------- */

/* sink_0: audio [t0_0, end_0); sink_1: audio [t0_1, gap_from), a GAP
 * [gap_from, gap_to), audio [gap_to, end_1), and a GAP [0, t0_1) before it
 * if leading_gap. Frame 0 of the file is the earliest first audio. */
static const struct
{
  GstClockTime t0_0, end_0, t0_1, gap_from, gap_to, end_1;
  bool leading_gap;
} kAlignments[] = {
  /* sink_0 from 0 s; sink_1 announces it is idle until 0.5 s, plays 0.3 s,
   * is idle 0.2 s (GAP) and plays on past sink_0's end. */
  { 0, 1000 * kMs, 500 * kMs, 800 * kMs, 1000 * kMs, 1200 * kMs, true },
  /* Nothing before 0.2 s: frame 0 is sink_0's first sample, sink_1's is at
   * frame 0.3 * 48000. sink_1 sends no leading GAP: its first audio is what
   * tells the recorder it had nothing before. */
  { 200 * kMs, 1000 * kMs, 500 * kMs, 700 * kMs, 900 * kMs, 1100 * kMs, false },
};

GST_START_TEST (test_two_pads_aligned)
{
  const GstClockTime t0_0 = kAlignments[__i__].t0_0;
  const GstClockTime end_0 = kAlignments[__i__].end_0;
  const GstClockTime t0_1 = kAlignments[__i__].t0_1;
  const GstClockTime gap_from = kAlignments[__i__].gap_from;
  const GstClockTime gap_to = kAlignments[__i__].gap_to;
  const GstClockTime end_1 = kAlignments[__i__].end_1;
  const bool leading_gap = kAlignments[__i__].leading_gap;
  const std::string path = rtest::temp_path ("two-pads", "wav");
  const GstAudioInfo info = audio_info (GST_AUDIO_FORMAT_S16LE, kOutRate, 1);
  auto frames = [] (GstClockTime t) {
    return gst_util_uint64_scale_int (t, kOutRate, GST_SECOND);
  };
  const ValueFn ramp0 = mono_ramp_fn (0), ramp1 = mono_ramp_fn (7000);
  {
    rtest::Rig rec ("wav", path);
    rtest::Input &f0 = rec.input ();
    rtest::Input &f1 = rec.input ();
    f0.stream (info);
    f0.audio (info, frames (t0_0), frames (end_0) - frames (t0_0), ramp0);
    f1.stream (info);
    if (leading_gap && t0_1 > 0)
      f1.event (gst_event_new_gap (0, t0_1));
    f1.audio (info, frames (t0_1), frames (gap_from) - frames (t0_1), ramp1);
    f1.event (gst_event_new_gap (gap_from, gap_to - gap_from));
    f1.audio (info, frames (gap_to), frames (end_1) - frames (gap_to), ramp1);
    const rtest::RunResult &r = rec.run ();
    assert_clean (r);
  }
  rtest::Pcm pcm;
  read_wav_or_fail (path, pcm);
  fail_unless_equals_int (pcm.rate, kOutRate);
  fail_unless_equals_int (pcm.channels, 2);
  const uint64_t start = frames (std::min (t0_0, t0_1));
  const uint64_t end = frames (std::max (end_0, end_1));
  fail_unless_equals_uint64 (pcm.frames (), end - start);

  auto at = [&] (GstClockTime t) { return frames (t) - start; };
  /* Channel 0: sink_0's ramp from its first frame, silence elsewhere. */
  assert_silence (pcm, 0, 0, at (t0_0), "sink_0 before its audio");
  assert_samples (pcm, 0, at (t0_0), frames (end_0) - frames (t0_0),
                  frames (t0_0), ramp0, "sink_0 audio");
  assert_silence (pcm, 0, at (end_0), pcm.frames () - at (end_0),
                  "sink_0 after its audio");
  /* Channel 1: sink_1's ramp, silence before it and over the GAP. */
  assert_silence (pcm, 1, 0, at (t0_1), "sink_1 before its audio");
  assert_samples (pcm, 1, at (t0_1), frames (gap_from) - frames (t0_1),
                  frames (t0_1), ramp1, "sink_1 first run");
  assert_silence (pcm, 1, at (gap_from), frames (gap_to) - frames (gap_from),
                  "sink_1 over its GAP");
  assert_samples (pcm, 1, at (gap_to), frames (end_1) - frames (gap_to),
                  frames (gap_to), ramp1, "sink_1 second run");
  assert_silence (pcm, 1, at (end_1), pcm.frames () - at (end_1),
                  "sink_1 after its audio");
}
GST_END_TEST;

/* ---- formats ------------------------------------------------------------ */

/* Each format with one pad and with two: ramps for the lossless formats,
 * tones for the lossy ones. */
static const struct
{
  const char *format, *ext;
  int pads;
  bool bit_exact;
} kFormats[] = {
  { "wav", "wav", 1, true },         { "wav", "wav", 2, true },
  { "flac", "flac", 1, true },       { "flac", "flac", 2, true },
  { "ogg-vorbis", "ogg", 1, false }, { "ogg-vorbis", "ogg", 2, false },
  { "ogg-opus", "opus", 1, false },  { "ogg-opus", "opus", 2, false },
};

GST_START_TEST (test_format)
{
  const char *format = kFormats[__i__].format;
  const char *ext = kFormats[__i__].ext;
  const int pads = kFormats[__i__].pads;
  const bool bit_exact = kFormats[__i__].bit_exact;
  const std::string path
      = rtest::temp_path (std::string ("fmt-") + format, ext);
  const GstAudioInfo info = audio_info (GST_AUDIO_FORMAT_S16LE, kOutRate, 1);
  const uint64_t n = 24000 + 77; /* 0.5 s and a bit */
  std::vector<ValueFn> fns;
  {
    rtest::Rig rec (format, path);
    for (int p = 0; p < pads; p++)
      {
        /* Ramps for the lossless formats, tones the lossy ones keep. */
        fns.push_back (bit_exact ? mono_ramp_fn (p * 3000)
                                 : sine_fn (kOutRate, 8000, 440 + 220 * p));
        rtest::Input &f = rec.input ();
        f.stream (info);
        f.audio (info, 0, n, fns.back ());
      }
    const rtest::RunResult &r = rec.run ();
    assert_clean (r);
  }
  rtest::Pcm pcm;
  fail_unless (rtest::decode_file (path, pcm), "%s: %s does not decode", format,
               path.c_str ());
  fail_unless_equals_int (pcm.rate, kOutRate);
  fail_unless_equals_int (pcm.channels, pads);
  fail_unless (pcm.frames () == n,
               "%s, %d pad(s): decoded %" G_GUINT64_FORMAT
               " frames, pushed %" G_GUINT64_FORMAT,
               format, pads, pcm.frames (), n);
  for (int c = 0; c < pads; c++)
    {
      if (bit_exact)
        assert_samples (pcm, c, 0, n, 0, fns[c], format);
      else
        {
          /* Lossy: the right tone in the right channel, in place. */
          const double err = max_error (pcm, c, 2000, n - 2000, fns[c]);
          fail_unless (err < 1600, "%s channel %d: error %.0f", format, c, err);
        }
    }
}
GST_END_TEST;

/* ---- rate and layout conversion ----------------------------------------- */

struct ConvCase
{
  GstAudioFormat format;
  int rate;
  int channels;
  GstAudioLayout layout;
  uint64_t n;
};

/* Records one case; returns what is wrong with it ("" if nothing). */
static std::string
conversion_case (const ConvCase &c)
{
  const std::string path = rtest::temp_path ("conv", "wav");
  const GstAudioInfo info = audio_info (c.format, c.rate, c.channels, c.layout);
  /* A tone per channel, sampled at the input rate; the file should hold the
   * same tones sampled at 48 kHz, from the same running time. */
  const double amp = 10000, f0 = 440, f1 = 1000;
  {
    rtest::Rig rec ("wav", path);
    rtest::Input &f = rec.input ();
    f.stream (info);
    f.audio (info, 0, c.n, sine_fn (c.rate, amp, f0, f1),
             (uint64_t)c.rate / 50);
    const rtest::RunResult &r = rec.run ();
    assert_clean (r);
  }
  gchar *what = g_strdup_printf (
      "%s %d Hz %d ch %s, %" G_GUINT64_FORMAT " frames",
      gst_audio_format_to_string (c.format), c.rate, c.channels,
      c.layout == GST_AUDIO_LAYOUT_INTERLEAVED ? "interleaved"
                                               : "non-interleaved",
      c.n);
  std::string problems;
  rtest::Pcm pcm;
  read_wav_or_fail (path, pcm);
  fail_unless_equals_int (pcm.rate, kOutRate);
  fail_unless_equals_int (pcm.channels, c.channels);
  const uint64_t expected
      = gst_util_uint64_scale_int_round (c.n, kOutRate, c.rate);
  const int64_t diff = (int64_t)pcm.frames () - (int64_t)expected;
  /* audioresample places its output up to a fraction of an input sample
   * late (about 1/8 of one, whatever the rate): fit that delay, then
   * require it to be under a quarter of an input sample and the tone to
   * match once delayed by it. A channel swap, a lost or repeated input
   * sample or a misplaced start is far outside both. */
  const double in_sample = (double)kOutRate / c.rate; /* in output frames */
  double worst = 0, worst_delay = 0;
  for (int ch = 0; ch < c.channels; ch++)
    {
      double best_delay = 0, best_err = 1e30;
      for (double d = -in_sample; d <= in_sample; d += 0.01)
        {
          const ValueFn shifted = [&] (uint64_t i, int cc) {
            const double f = cc == 0 ? f0 : f1;
            return amp * std::sin (2 * M_PI * f * ((double)i - d) / kOutRate);
          };
          const double e = max_error (pcm, ch, 200, 2200, shifted);
          if (e < best_err)
            best_err = e, best_delay = d;
        }
      const ValueFn shifted = [&] (uint64_t i, int cc) {
        const double f = cc == 0 ? f0 : f1;
        return amp
               * std::sin (2 * M_PI * f * ((double)i - best_delay) / kOutRate);
      };
      worst = std::max (worst,
                        max_error (pcm, ch, 200, pcm.frames () - 200, shifted));
      if (std::fabs (best_delay) > std::fabs (worst_delay))
        worst_delay = best_delay;
    }
  gchar *line = g_strdup_printf (
      "%s: %" G_GUINT64_FORMAT " frames at 48 kHz, expected %" G_GUINT64_FORMAT
      " (%+" G_GINT64_FORMAT "), delay %.2f input samples, largest error "
      "from the delayed tone %.1f",
      what, pcm.frames (), expected, diff, worst_delay / in_sample, worst);
  GST_INFO ("%s", line);
  if (diff < -1 || diff > 1 || worst >= 40
      || std::fabs (worst_delay) > in_sample / 4)
    problems = std::string (line) + "; ";
  g_free (line);
  g_free (what);
  return problems;
}

static const ConvCase kConvCases[] = {
  { GST_AUDIO_FORMAT_S16LE, 16000, 1, GST_AUDIO_LAYOUT_INTERLEAVED, 16000 },
  { GST_AUDIO_FORMAT_S16LE, 16000, 1, GST_AUDIO_LAYOUT_INTERLEAVED, 16001 },
  { GST_AUDIO_FORMAT_F32LE, 16000, 2, GST_AUDIO_LAYOUT_INTERLEAVED, 8003 },
  { GST_AUDIO_FORMAT_S16LE, 44100, 2, GST_AUDIO_LAYOUT_NON_INTERLEAVED, 22051 },
  { GST_AUDIO_FORMAT_F32LE, 44100, 1, GST_AUDIO_LAYOUT_NON_INTERLEAVED, 22050 },
  { GST_AUDIO_FORMAT_F32LE, 44100, 2, GST_AUDIO_LAYOUT_INTERLEAVED, 30001 },
  { GST_AUDIO_FORMAT_S16LE, 16000, 2, GST_AUDIO_LAYOUT_NON_INTERLEAVED, 12345 },
};

/* Each count within one sample of round (n * 48000 / rate), each tone in
 * place. */
GST_START_TEST (test_rate_conversion)
{
  const std::string problems = conversion_case (kConvCases[__i__]);
  fail_unless (problems.empty (), "%s", problems.c_str ());
}
GST_END_TEST;

/* Same rate, other formats and layouts: converted, not resampled, so the
 * file holds exactly what was pushed. */
static const struct
{
  GstAudioFormat format;
  int channels;
  GstAudioLayout layout;
} kLayoutCases[] = {
  { GST_AUDIO_FORMAT_F32LE, 1, GST_AUDIO_LAYOUT_INTERLEAVED },
  { GST_AUDIO_FORMAT_F32LE, 2, GST_AUDIO_LAYOUT_NON_INTERLEAVED },
  { GST_AUDIO_FORMAT_S16LE, 2, GST_AUDIO_LAYOUT_NON_INTERLEAVED },
};

GST_START_TEST (test_layout_conversion_bit_exact)
{
  const auto &c = kLayoutCases[__i__];
  const uint64_t n = 9600 + 5;
  const std::string path = rtest::temp_path ("layout", "wav");
  const GstAudioInfo info
      = audio_info (c.format, kOutRate, c.channels, c.layout);
  {
    rtest::Rig rec ("wav", path);
    rtest::Input &f = rec.input ();
    f.stream (info);
    f.audio (info, 0, n, ramp_fn ());
    const rtest::RunResult &r = rec.run ();
    assert_clean (r);
  }
  rtest::Pcm pcm;
  read_wav_or_fail (path, pcm);
  fail_unless_equals_int (pcm.channels, c.channels);
  fail_unless_equals_uint64 (pcm.frames (), n);
  for (int ch = 0; ch < c.channels; ch++)
    assert_samples (pcm, ch, 0, n, 0, ramp_fn (),
                    gst_audio_format_to_string (c.format));
}
GST_END_TEST;

/* rate=0 keeps the first input's rate: no resampling at all. */
GST_START_TEST (test_rate_zero_keeps_input_rate)
{
  const std::string path = rtest::temp_path ("rate0", "wav");
  const GstAudioInfo info = audio_info (GST_AUDIO_FORMAT_S16LE, 16000, 1);
  const uint64_t n = 16000 + 9;
  {
    rtest::Rig rec ("wav", path);
    g_object_set (rec.bin, "rate", 0, NULL);
    rtest::Input &f = rec.input ();
    f.stream (info);
    f.audio (info, 0, n, ramp_fn (), 320);
    const rtest::RunResult &r = rec.run ();
    assert_clean (r);
  }
  rtest::Pcm pcm;
  read_wav_or_fail (path, pcm);
  fail_unless_equals_int (pcm.rate, 16000);
  fail_unless_equals_int (pcm.channels, 1);
  fail_unless_equals_uint64 (pcm.frames (), n);
  assert_samples (pcm, 0, 0, n, 0, ramp_fn (), "16 kHz ramp");
}
GST_END_TEST;

/* ---- channel-mode=mix --------------------------------------------------- */

GST_START_TEST (test_channel_mode_mix)
{
  const std::string path = rtest::temp_path ("mix", "wav");
  const GstAudioInfo info = audio_info (GST_AUDIO_FORMAT_S16LE, kOutRate, 1);
  /* Small values whose sum fits: the mix is the exact sum. sink_1 starts
   * 0.1 s later and ends 0.1 s later. */
  const ValueFn a = [] (uint64_t i, int) { return (double)(i % 1000) + 1; };
  const ValueFn b
      = [] (uint64_t i, int) { return -(double)((i * 7) % 3000) - 5; };
  const uint64_t n = 24000, off = 4800;
  {
    rtest::Rig rec ("wav", path);
    gst_util_set_object_arg (G_OBJECT (rec.bin), "channel-mode", "mix");
    rtest::Input &f0 = rec.input ();
    rtest::Input &f1 = rec.input ();
    f0.stream (info);
    f0.audio (info, 0, n, a);
    f1.stream (info);
    f1.event (gst_event_new_gap (0, 100 * kMs));
    f1.audio (info, off, n, b);
    const rtest::RunResult &r = rec.run ();
    assert_clean (r);
  }
  rtest::Pcm pcm;
  read_wav_or_fail (path, pcm);
  fail_unless_equals_int (pcm.rate, kOutRate);
  fail_unless_equals_int (pcm.channels, 1);
  fail_unless_equals_uint64 (pcm.frames (), n + off);
  const ValueFn sum = [&] (uint64_t i, int) {
    return (i < n ? a (i, 0) : 0) + (i >= off ? b (i, 0) : 0);
  };
  assert_samples (pcm, 0, 0, n + off, 0, sum, "mix of sink_0 and sink_1");
}
GST_END_TEST;

/* ---- caps changes mid-stream -------------------------------------------- */

GST_START_TEST (test_caps_change_rate)
{
  const std::string path = rtest::temp_path ("caps-rate", "wav");
  const GstAudioInfo a = audio_info (GST_AUDIO_FORMAT_S16LE, 48000, 1);
  const GstAudioInfo b = audio_info (GST_AUDIO_FORMAT_S16LE, 16000, 1);
  const uint64_t na = 24000; /* 0.5 s at 48 kHz */
  const uint64_t nb = 8000;  /* then 0.5 s at 16 kHz */
  const double level = 3000;
  const ValueFn flat = [=] (uint64_t, int) { return level; };
  {
    rtest::Rig rec ("wav", path);
    rtest::Input &f = rec.input ();
    f.stream (a);
    f.audio (a, 0, na, ramp_fn ());
    f.caps (b);
    /* Frames of the 16 kHz part, timestamped from 0.5 s. */
    for (uint64_t done = 0; done < nb; done += 320)
      f.buffer (make_audio (
          b, done, 320, flat,
          500 * kMs + gst_util_uint64_scale_int (done, GST_SECOND, 16000)));
    const rtest::RunResult &r = rec.run ();
    assert_clean (r);
  }
  rtest::Pcm pcm;
  read_wav_or_fail (path, pcm);
  fail_unless_equals_int (pcm.rate, kOutRate);
  fail_unless_equals_int (pcm.channels, 1);
  const int64_t diff = (int64_t)pcm.frames () - 48000;
  fail_unless (diff >= -2 && diff <= 2,
               "%" G_GUINT64_FORMAT " frames, expected 48000 +-2",
               pcm.frames ());
  /* The 48 kHz part is untouched. */
  assert_samples (pcm, 0, 0, na, 0, ramp_fn (), "48 kHz part");
  /* The 16 kHz part follows with no gap: no silence between the parts, and
   * the level is right once the resampler has settled. */
  fail_unless (longest_zero_run (pcm, 0, na - 10, pcm.frames ()) <= 2,
               "a gap after the caps change");
  const double err = max_error (pcm, 0, na + 200, pcm.frames () - 200, flat);
  fail_unless (err < 30, "16 kHz part off by %.0f", err);
}
GST_END_TEST;

GST_START_TEST (test_caps_change_channels)
{
  const std::string path = rtest::temp_path ("caps-channels", "wav");
  const GstAudioInfo mono = audio_info (GST_AUDIO_FORMAT_S16LE, 48000, 1);
  const GstAudioInfo stereo = audio_info (GST_AUDIO_FORMAT_S16LE, 48000, 2);
  const uint64_t n1 = 24000, n2 = 24000;
  /* Both channels of the stereo part carry the same ramp: its mono
   * downmix is that ramp. */
  const ValueFn same
      = [] (uint64_t i, int) { return (double)rtest::ramp_value (i, 2000); };
  {
    rtest::Rig rec ("wav", path);
    rtest::Input &f = rec.input ();
    f.stream (mono);
    f.audio (mono, 0, n1, ramp_fn ());
    f.caps (stereo);
    f.audio (stereo, n1, n2, same);
    const rtest::RunResult &r = rec.run ();
    assert_clean (r);
  }
  rtest::Pcm pcm;
  read_wav_or_fail (path, pcm);
  fail_unless_equals_int (pcm.rate, kOutRate);
  /* The recording keeps the first input's channel count. */
  fail_unless_equals_int (pcm.channels, 1);
  const int64_t diff = (int64_t)pcm.frames () - (int64_t)(n1 + n2);
  fail_unless (diff >= -2 && diff <= 2,
               "%" G_GUINT64_FORMAT " frames, expected %" G_GUINT64_FORMAT
               " +-2",
               pcm.frames (), n1 + n2);
  assert_samples (pcm, 0, 0, n1, 0, ramp_fn (), "mono part");
  fail_unless (longest_zero_run (pcm, 0, n1 - 10, pcm.frames ()) <= 2,
               "a gap after the caps change");
  const double err = max_error (pcm, 0, n1, pcm.frames (), same);
  fail_unless (err <= 1, "stereo part (downmixed) off by %.0f", err);
}
GST_END_TEST;

/* ---- start-up errors ---------------------------------------------------- */

/* Starts `rec`; the start must fail: the state change returns FAILURE, or
 * the pipeline gets an ERROR before it could play. Returns the (first)
 * ERROR, owned by the caller, with the pipeline back in NULL. */
static GstMessage *
start_expecting_error (rtest::Rig &rec)
{
  const GstStateChangeReturn ret
      = gst_element_set_state (rec.pipeline, GST_STATE_PLAYING);
  GstBus *bus = gst_element_get_bus (rec.pipeline);
  GstMessage *error = gst_bus_timed_pop_filtered (
      bus, ret == GST_STATE_CHANGE_FAILURE ? 0 : 5 * GST_SECOND,
      GST_MESSAGE_ERROR);
  gst_object_unref (bus);
  fail_unless (error != NULL, "no ERROR (the state change returned %s)",
               gst_element_state_change_return_get_name (ret));
  if (ret != GST_STATE_CHANGE_FAILURE)
    fail_if (GST_STATE (rec.pipeline) == GST_STATE_PLAYING,
             "the recording started despite the ERROR");
  fail_unless_equals_int (gst_element_set_state (rec.pipeline, GST_STATE_NULL),
                          GST_STATE_CHANGE_SUCCESS);
  return error;
}

/* Starts that must fail, each with an ERROR of one of `codes` (in
 * `domain`) whose message names `names`. */
static const struct
{
  const char *format;
  const char *location; /* NULL: none; "": a fresh file */
  const char *encoder;  /* a factory to replace the encoder with */
  GQuark (*domain) (void);
  int codes[3]; /* -1: no more */
  const char *names;
} kStartErrors[] = {
  /* No location and no sink. */
  { "wav",
    NULL,
    NULL,
    gst_resource_error_quark,
    { GST_RESOURCE_ERROR_NOT_FOUND, -1, -1 },
    "location" },
  /* A file that cannot be opened: the ERROR names it. */
  { "ogg-opus",
    "/nonexistent-dir/x.ogg",
    NULL,
    gst_resource_error_quark,
    { GST_RESOURCE_ERROR_OPEN_WRITE, GST_RESOURCE_ERROR_OPEN_READ_WRITE,
      GST_RESOURCE_ERROR_NOT_FOUND },
    "/nonexistent-dir/x.ogg" },
  /* An encoder whose output no stage after it takes: the ERROR names it. */
  { "ogg-opus",
    "",
    "jpegenc",
    gst_core_error_quark,
    { GST_CORE_ERROR_NEGOTIATION, -1, -1 },
    "my-video-encoder" },
};

GST_START_TEST (test_start_error)
{
  const auto &c = kStartErrors[__i__];
  std::string location;
  if (c.location)
    location
        = *c.location ? c.location : rtest::temp_path ("bad-encoder", "ogg");
  rtest::Rig rec (c.format, location);
  if (c.encoder)
    {
      GstElement *enc
          = gst_element_factory_make (c.encoder, "my-video-encoder");
      fail_unless (enc != NULL, "%s (gstreamer1.0-plugins-good) missing",
                   c.encoder);
      g_object_set (rec.bin, "encoder", enc, NULL);
    }
  rec.input ();
  GstMessage *error = start_expecting_error (rec);
  bool matches = false;
  for (int code : c.codes)
    matches = matches || (code >= 0 && message_is (error, c.domain (), code));
  fail_unless (matches, "%s", rtest::describe_messages ({ error }).c_str ());
  fail_unless (contains_ignoring_case (rtest::message_text (error), c.names),
               "'%s'", rtest::message_text (error).c_str ());
  gst_message_unref (error);
}
GST_END_TEST;

/* ---- bad input (DESIGN section 7) --------------------------------------- */

GST_START_TEST (test_bytes_segment_is_an_error)
{
  const std::string path = rtest::temp_path ("bytes", "wav");
  const GstAudioInfo info = audio_info (GST_AUDIO_FORMAT_S16LE, kOutRate, 1);
  rtest::Rig rec ("wav", path);
  rtest::Input &f = rec.input ();
  f.stream (info, false);
  GstSegment seg;
  gst_segment_init (&seg, GST_FORMAT_BYTES);
  f.event (gst_event_new_segment (&seg));
  f.audio (info, 0, 4800, ramp_fn ());
  const rtest::RunResult &r = rec.run ();
  fail_if (r.errors.empty (), "no ERROR for a BYTES segment");
  GstMessage *error = r.errors[0];
  fail_unless (contains_ignoring_case (rtest::message_text (error), "bytes"),
               "the ERROR does not name the segment format: %s",
               rtest::describe_messages (r.errors).c_str ());
}
GST_END_TEST;

GST_START_TEST (test_zero_length_and_untimestamped_buffers)
{
  const std::string path = rtest::temp_path ("no-pts", "wav");
  const GstAudioInfo info = audio_info (GST_AUDIO_FORMAT_S16LE, kOutRate, 2);
  const ValueFn ramp = ramp_fn ();
  uint64_t pos = 0;
  {
    rtest::Rig rec ("wav", path);
    rtest::Input &f = rec.input ();
    f.stream (info);
    /* Timestamped from 0.1 s, then untimestamped ones, a zero-length one
     * (with and without PTS), and timestamped again where they ended. */
    const uint64_t first = 4800;
    pos = first;
    auto add = [&] (uint64_t n, bool timestamped) {
      f.buffer (make_audio (info, pos, n, ramp,
                            timestamped ? GST_CLOCK_TIME_NONE : kNoPts));
      pos += n;
    };
    add (480, true);
    add (480, false);
    f.buffer (gst_buffer_new ()); /* empty, no PTS */
    add (333, false);
    {
      GstBuffer *empty = gst_buffer_new ();
      GST_BUFFER_PTS (empty)
          = gst_util_uint64_scale_int (pos, GST_SECOND, kOutRate);
      f.buffer (empty);
    }
    add (480, true);
    add (1000, false);
    add (7, false);
    add (2400, true);
    const rtest::RunResult &r = rec.run ();
    assert_clean (r);
    fail_unless (f.flow () == GST_FLOW_OK);
  }
  const uint64_t first = 4800, n = pos - first;
  rtest::Pcm pcm;
  read_wav_or_fail (path, pcm);
  fail_unless_equals_int (pcm.channels, 2);
  fail_unless_equals_uint64 (pcm.frames (), n);
  for (int ch = 0; ch < 2; ch++)
    assert_samples (pcm, ch, 0, n, first, ramp, "contiguous ramp");
}
GST_END_TEST;

GST_START_TEST (test_partial_frame_dropped_with_warning)
{
  const std::string path = rtest::temp_path ("partial", "wav");
  /* Stereo S16: 4 bytes per frame. */
  const GstAudioInfo info = audio_info (GST_AUDIO_FORMAT_S16LE, kOutRate, 2);
  const ValueFn ramp = ramp_fn ();
  const uint64_t chunk = 480, chunks = 20;
  {
    rtest::Rig rec ("wav", path);
    rtest::Input &f = rec.input ();
    f.stream (info);
    for (uint64_t i = 0; i < chunks; i++)
      {
        GstBuffer *b = make_audio (info, i * chunk, chunk, ramp);
        if (i == 5)
          {
            /* Two more bytes: half of the next frame. */
            GstBuffer *extra = make_audio (info, (i + 1) * chunk, 1, ramp);
            GstBuffer *half
                = gst_buffer_copy_region (extra, GST_BUFFER_COPY_MEMORY, 0, 2);
            gst_buffer_unref (extra);
            b = gst_buffer_append (b, half);
          }
        f.buffer (b);
      }
    const rtest::RunResult &r = rec.run ();
    rtest::assert_clean (r, 1);
    bool warned = false;
    for (GstMessage *w : r.warnings)
      if (contains_ignoring_case (rtest::message_text (w), "sink_0")
          && contains_ignoring_case (rtest::message_text (w), "frame"))
        warned = true;
    fail_unless (warned, "no WARNING about the partial frame: %s",
                 rtest::describe_messages (r.warnings).c_str ());
  }
  rtest::Pcm pcm;
  read_wav_or_fail (path, pcm);
  fail_unless_equals_int (pcm.channels, 2);
  fail_unless_equals_uint64 (pcm.frames (), chunk * chunks);
  for (int ch = 0; ch < 2; ch++)
    assert_samples (pcm, ch, 0, chunk * chunks, 0, ramp, "whole frames");
}
GST_END_TEST;

/* Requests `limit` pads of a `format` recording, then one more. Opus
 * (channel mapping family 1) and FLAC carry at most 8 channels. */
static const struct
{
  const char *format;
  int limit;
} kPadLimits[] = { { "ogg-opus", 8 }, { "flac", 8 } };

GST_START_TEST (test_too_many_pads_refused)
{
  const char *format = kPadLimits[__i__].format;
  const int limit = kPadLimits[__i__].limit;
  GstElement *pipeline = gst_pipeline_new (NULL);
  GstElement *bin = gst_element_factory_make ("recorderbin", NULL);
  gst_bin_add (GST_BIN (pipeline), bin);
  gst_util_set_object_arg (G_OBJECT (bin), "format", format);
  std::vector<GstPad *> pads;
  for (int i = 0; i < limit; i++)
    {
      GstPad *pad = gst_element_request_pad_simple (bin, "sink_%u");
      fail_unless (pad != NULL, "%s: pad %d refused", format, i);
      pads.push_back (pad);
    }
  GstBus *bus = gst_element_get_bus (pipeline);
  GstMessage *w = gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING);
  fail_unless (w == NULL, "%s: a WARNING before the limit: %s", format,
               w ? rtest::describe_messages ({ w }).c_str () : "");
  GstPad *extra = gst_element_request_pad_simple (bin, "sink_%u");
  fail_unless (extra == NULL, "%s: pad %d was accepted", format, limit + 1);
  w = gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING);
  fail_unless (w != NULL, "%s: no WARNING for the refused pad", format);
  gst_message_unref (w);
  /* An explicit name is refused as well. */
  fail_unless (gst_element_request_pad_simple (bin, "sink_12") == NULL);
  w = gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING);
  fail_unless (w != NULL, "%s: no WARNING for the refused sink_12", format);
  gst_message_unref (w);
  fail_unless_equals_int ((int)bin->numsinkpads, limit);
  gst_object_unref (bus);
  for (GstPad *p : pads)
    gst_object_unref (p);
  gst_object_unref (pipeline);
}
GST_END_TEST;

GST_START_TEST (test_signal_unknown_pad)
{
  GstElement *bin = GST_ELEMENT (
      gst_object_ref_sink (gst_element_factory_make ("recorderbin", NULL)));
  GstPad *pad = gst_element_request_pad_simple (bin, "sink_%u");
  fail_unless (pad != NULL);
  for (const char *signal : { "interrupt", "pause", "resume" })
    for (const char *name : { "sink_1", "sink_00", "src", "" })
      {
        gboolean ret = TRUE;
        g_signal_emit_by_name (bin, signal, name, (guint64)GST_SECOND, &ret);
        fail_if (ret, "%s (\"%s\") returned TRUE", signal, name);
      }
  gboolean ret = TRUE;
  g_signal_emit_by_name (bin, "interrupt", NULL, GST_CLOCK_TIME_NONE, &ret);
  fail_if (ret, "interrupt (NULL) returned TRUE");
  gst_object_unref (pad);
  gst_object_unref (bin);
}
GST_END_TEST;

/* ---- replaced stages ---------------------------------------------------- */

static GstFlowReturn
collect_sample (GstAppSink *sink, gpointer user_data)
{
  auto *bytes = static_cast<std::vector<guint8> *> (user_data);
  GstSample *s = gst_app_sink_pull_sample (sink);
  if (!s)
    return GST_FLOW_EOS;
  GstBuffer *b = gst_sample_get_buffer (s);
  GstMapInfo map;
  gst_buffer_map (b, &map, GST_MAP_READ);
  bytes->insert (bytes->end (), map.data, map.data + map.size);
  gst_buffer_unmap (b, &map);
  gst_sample_unref (s);
  return GST_FLOW_OK;
}

GST_START_TEST (test_sink_replaced_by_appsink)
{
  const GstAudioInfo info = audio_info (GST_AUDIO_FORMAT_S16LE, kOutRate, 1);
  const uint64_t n = 24000 + 11;
  std::vector<guint8> bytes;
  {
    /* Default format (ogg-opus), no location: the sink gets the stream. */
    rtest::Rig rec ("ogg-opus", "");
    GstElement *sink = gst_element_factory_make ("appsink", "my-sink");
    g_object_set (sink, "sync", FALSE, NULL);
    GstAppSinkCallbacks callbacks = {};
    callbacks.new_sample = collect_sample;
    gst_app_sink_set_callbacks (GST_APP_SINK (sink), &callbacks, &bytes, NULL);
    g_object_set (rec.bin, "sink", sink, NULL);
    rtest::Input &f = rec.input ();
    f.stream (info);
    f.audio (info, 0, n, sine_fn (kOutRate, 8000, 440));
    const rtest::RunResult &r = rec.run ();
    assert_clean (r);
  }
  fail_unless (bytes.size () > 100, "the sink got %u bytes",
               (unsigned)bytes.size ());
  fail_unless (memcmp (bytes.data (), "OggS", 4) == 0, "the stream is not Ogg");
  const std::string path = rtest::temp_path ("appsink", "opus");
  fail_unless (g_file_set_contents (path.c_str (), (const gchar *)bytes.data (),
                                    bytes.size (), NULL));
  rtest::Pcm pcm;
  fail_unless (rtest::decode_file (path, pcm));
  fail_unless_equals_int (pcm.channels, 1);
  fail_unless_equals_int (pcm.rate, kOutRate);
  fail_unless_equals_uint64 (pcm.frames (), n);
}
GST_END_TEST;

GST_START_TEST (test_muxer_replaced)
{
  /* FLAC in Ogg instead of native FLAC: lossless, so bit-exact. */
  const std::string path = rtest::temp_path ("ogg-flac", "oga");
  const GstAudioInfo info = audio_info (GST_AUDIO_FORMAT_S16LE, kOutRate, 1);
  const uint64_t n = 24000 + 3;
  {
    rtest::Rig rec ("flac", path);
    g_object_set (rec.bin, "muxer", gst_element_factory_make ("oggmux", NULL),
                  NULL);
    rtest::Input &f = rec.input ();
    f.stream (info);
    f.audio (info, 0, n, ramp_fn ());
    const rtest::RunResult &r = rec.run ();
    assert_clean (r);
  }
  gchar *contents = NULL;
  gsize len = 0;
  fail_unless (g_file_get_contents (path.c_str (), &contents, &len, NULL));
  fail_unless (len > 4 && memcmp (contents, "OggS", 4) == 0,
               "the muxer was not used");
  g_free (contents);
  rtest::Pcm pcm;
  fail_unless (rtest::decode_file (path, pcm));
  fail_unless_equals_int (pcm.channels, 1);
  fail_unless_equals_uint64 (pcm.frames (), n);
  assert_samples (pcm, 0, 0, n, 0, ramp_fn (), "Ogg FLAC");
}
GST_END_TEST;

GST_START_TEST (test_encoder_replaced_mp3_no_muxer)
{
  GstElement *enc = gst_element_factory_make ("lamemp3enc", "mp3");
  if (!enc)
    {
      g_print ("lamemp3enc is not installed: skipping the MP3 encoder test\n");
      return;
    }
  const std::string path = rtest::temp_path ("mp3", "mp3");
  const GstAudioInfo info = audio_info (GST_AUDIO_FORMAT_S16LE, kOutRate, 1);
  const uint64_t n = 48000;
  {
    /* Default format: ogg-opus, whose oggmux cannot carry MP3. */
    rtest::Rig rec ("ogg-opus", path);
    g_object_set (rec.bin, "encoder", enc, NULL);
    rtest::Input &f = rec.input ();
    f.stream (info);
    f.audio (info, 0, n, sine_fn (kOutRate, 8000, 440));
    const rtest::RunResult &r = rec.run ();
    assert_clean (r);
  }
  gchar *contents = NULL;
  gsize len = 0;
  fail_unless (g_file_get_contents (path.c_str (), &contents, &len, NULL));
  /* An MP3 stream (frame sync or an ID3 tag), not an Ogg file. */
  fail_unless (len > 4);
  const auto *d = reinterpret_cast<const guint8 *> (contents);
  fail_if (memcmp (contents, "OggS", 4) == 0, "muxed into Ogg");
  fail_unless ((d[0] == 0xff && (d[1] & 0xe0) == 0xe0)
                   || memcmp (contents, "ID3", 3) == 0,
               "not an MP3 stream: %02x %02x", d[0], d[1]);
  g_free (contents);
  rtest::Pcm pcm;
  fail_unless (rtest::decode_file (path, pcm), "the MP3 does not decode");
  fail_unless_equals_int (pcm.channels, 1);
  fail_unless_equals_int (pcm.rate, kOutRate);
  /* MP3 pads to whole 1152-sample frames and adds the encoder delay. */
  fail_unless (pcm.frames () >= n - 1152 && pcm.frames () <= n + 3 * 1152,
               "decoded %" G_GUINT64_FORMAT " frames for %" G_GUINT64_FORMAT,
               pcm.frames (), n);
}
GST_END_TEST;

/* ---- the public interface (gst-inspect) --------------------------------- */

static GParamSpec *
find_property (GObjectClass *klass, const char *name, GType value_type)
{
  GParamSpec *p = g_object_class_find_property (klass, name);
  fail_unless (p != NULL, "no property %s", name);
  fail_unless (G_PARAM_SPEC_VALUE_TYPE (p) == value_type
                   || g_type_is_a (G_PARAM_SPEC_VALUE_TYPE (p), value_type),
               "%s is a %s, expected %s", name,
               g_type_name (G_PARAM_SPEC_VALUE_TYPE (p)),
               g_type_name (value_type));
  return p;
}

static void
check_enum (GObjectClass *klass, const char *name, const char *type_name,
            const char *default_nick, std::vector<const char *> nicks)
{
  GParamSpec *p = g_object_class_find_property (klass, name);
  fail_unless (p != NULL, "no property %s", name);
  fail_unless (G_IS_PARAM_SPEC_ENUM (p), "%s is not an enum", name);
  if (type_name)
    fail_unless_equals_string (g_type_name (G_PARAM_SPEC_VALUE_TYPE (p)),
                               type_name);
  GEnumClass *ec
      = G_ENUM_CLASS (g_type_class_ref (G_PARAM_SPEC_VALUE_TYPE (p)));
  fail_unless_equals_int ((int)ec->n_values, (int)nicks.size ());
  for (const char *nick : nicks)
    fail_unless (g_enum_get_value_by_nick (ec, nick) != NULL,
                 "%s has no value %s", name, nick);
  GEnumValue *def = g_enum_get_value (ec, G_PARAM_SPEC_ENUM (p)->default_value);
  fail_unless (def != NULL);
  fail_unless_equals_string (def->value_nick, default_nick);
  g_type_class_unref (ec);
  fail_unless ((p->flags & G_PARAM_READWRITE) == G_PARAM_READWRITE);
}

/* marks-location in a process that does not link json-glib (this suite
 * does not): the plugin loads it when the log is opened
 * (gst/recorder/jsonline.h). One pad held back 2 s, 1 s of audio, an
 * interrupt at 0.5 s: one mark line, then the done line, as json-glib
 * writes them. */
GST_START_TEST (test_mark_log_loads_its_json_library)
{
  const std::string path = rtest::temp_path ("mark-log", "wav");
  const std::string log = rtest::temp_path ("mark-log", "jsonl");
  const GstAudioInfo info = audio_info (GST_AUDIO_FORMAT_S16LE, kOutRate, 1);
  {
    rtest::Rig rec ("wav", path);
    g_object_set (rec.bin, "marks-location", log.c_str (), NULL);
    rtest::Input &f = rec.input ("sink_%u", 2 * GST_SECOND);
    f.stream (info);
    f.audio (info, 0, kOutRate, ramp_fn ());
    f.control ("interrupt", 500 * kMs);
    assert_clean (rec.run ());
  }
  gchar *text = NULL;
  fail_unless (g_file_get_contents (log.c_str (), &text, NULL, NULL));
  fail_unless_equals_string (
      text, "{\"kind\":\"interrupt\",\"pad\":\"sink_0\","
            "\"running-time\":500000000,\"sample\":24000,\"seconds\":0.5,"
            "\"late\":false}\n"
            "{\"kind\":\"done\",\"status\":\"ok\",\"duration\":500000000,"
            "\"samples\":24000,\"committed-samples\":24000,"
            "\"interrupted-samples\":24000,\"silence-samples\":0,"
            "\"overlap-samples\":0,\"late-events\":0,\"errors\":0}\n");
  g_free (text);
}
GST_END_TEST;

GST_START_TEST (test_inspect_interface)
{
  GstElementFactory *factory = gst_element_factory_find ("recorderbin");
  fail_unless (factory != NULL);
  GstPlugin *plugin
      = gst_plugin_feature_get_plugin (GST_PLUGIN_FEATURE (factory));
  fail_unless (plugin != NULL);
  fail_unless_equals_string (gst_plugin_get_name (plugin), "recorder");
  gst_object_unref (plugin);
  GstElement *bin = GST_ELEMENT (
      gst_object_ref_sink (gst_element_factory_create (factory, NULL)));
  gst_object_unref (factory);
  fail_unless (GST_IS_BIN (bin));
  GObjectClass *klass = G_OBJECT_GET_CLASS (bin);

  /* Section 3, row by row. */
  GParamSpec *p = find_property (klass, "location", G_TYPE_STRING);
  fail_unless (G_PARAM_SPEC_STRING (p)->default_value == NULL);
  check_enum (klass, "format", "GstRecorderBinFormat", "ogg-opus",
              { "ogg-opus", "ogg-vorbis", "flac", "wav" });
  p = find_property (klass, "rate", G_TYPE_INT);
  fail_unless_equals_int (G_PARAM_SPEC_INT (p)->default_value, 48000);
  fail_unless (G_PARAM_SPEC_INT (p)->minimum <= 0
               && G_PARAM_SPEC_INT (p)->maximum >= 192000);
  check_enum (klass, "channel-mode", NULL, "per-pad",
              { "per-pad", "mix", "separate" });
  for (const char *stage : { "encoder", "muxer", "sink" })
    {
      p = find_property (klass, stage, GST_TYPE_ELEMENT);
      fail_unless ((p->flags & G_PARAM_READWRITE) == G_PARAM_READWRITE);
      GstElement *e = NULL;
      g_object_get (bin, stage, &e, NULL);
      fail_unless (e == NULL, "%s is set by default", stage);
    }
  p = find_property (klass, "eos-timeout", G_TYPE_UINT64);
  fail_unless_equals_uint64 (G_PARAM_SPEC_UINT64 (p)->default_value,
                             5 * GST_SECOND);
  check_enum (klass, "on-error", NULL, "contain", { "contain", "propagate" });
  check_enum (klass, "pause-mode", NULL, "silence", { "silence", "collapse" });
  p = find_property (klass, "stats", GST_TYPE_STRUCTURE);
  fail_unless (p->flags & G_PARAM_READABLE);
  fail_if (p->flags & G_PARAM_WRITABLE, "stats is writable");
  GstStructure *stats = NULL;
  g_object_get (bin, "stats", &stats, NULL);
  fail_unless (stats != NULL);
  for (const char *field :
       { "committed-samples", "interrupted-samples", "silence-samples",
         "overlap-samples", "late-events", "errors" })
    {
      guint64 v = 1;
      fail_unless (gst_structure_get_uint64 (stats, field, &v),
                   "stats has no guint64 %s", field);
      fail_unless_equals_uint64 (v, 0);
    }
  gst_structure_free (stats);

  /* Defaults read back through the instance too. */
  gchar *location = (gchar *)"x";
  gint rate = 0;
  g_object_get (bin, "location", &location, "rate", &rate, NULL);
  fail_unless (location == NULL);
  fail_unless_equals_int (rate, 48000);

  /* Request sink pads only, no source pad. */
  GstElementClass *eklass = GST_ELEMENT_GET_CLASS (bin);
  GstPadTemplate *templ
      = gst_element_class_get_pad_template (eklass, "sink_%u");
  fail_unless (templ != NULL);
  fail_unless_equals_int (GST_PAD_TEMPLATE_DIRECTION (templ), GST_PAD_SINK);
  fail_unless_equals_int (GST_PAD_TEMPLATE_PRESENCE (templ), GST_PAD_REQUEST);
  GstCaps *tcaps = gst_pad_template_get_caps (templ);
  GstCaps *raw = gst_caps_from_string ("audio/x-raw");
  fail_unless (gst_caps_is_subset (raw, tcaps)
               && gst_caps_is_subset (tcaps, raw));
  gst_caps_unref (raw);
  gst_caps_unref (tcaps);
  for (GList *l = gst_element_class_get_pad_template_list (eklass); l;
       l = l->next)
    fail_unless (GST_PAD_TEMPLATE_DIRECTION (l->data) == GST_PAD_SINK,
                 "a source pad template");
  const GType pad_type = GST_PAD_TEMPLATE_GTYPE (templ);
  fail_unless (g_type_is_a (pad_type, GST_TYPE_PAD));
  GObjectClass *pklass = G_OBJECT_CLASS (g_type_class_ref (pad_type));
  p = find_property (pklass, "holdback", G_TYPE_UINT64);
  fail_unless_equals_uint64 (G_PARAM_SPEC_UINT64 (p)->default_value, 0);
  fail_unless ((p->flags & G_PARAM_READWRITE) == G_PARAM_READWRITE);
  g_type_class_unref (pklass);
  GstPad *pad = gst_element_request_pad_simple (bin, "sink_%u");
  fail_unless (pad != NULL);
  fail_unless (G_OBJECT_TYPE (pad) == pad_type);
  fail_unless_equals_string (GST_OBJECT_NAME (pad), "sink_0");
  guint64 holdback = 1;
  g_object_get (pad, "holdback", &holdback, NULL);
  fail_unless_equals_uint64 (holdback, 0);
  g_object_set (pad, "holdback", (guint64)(3 * GST_SECOND), NULL);
  g_object_get (pad, "holdback", &holdback, NULL);
  fail_unless_equals_uint64 (holdback, 3 * GST_SECOND);
  gst_object_unref (pad);

  /* The five action signals and their signatures. */
  const struct
  {
    const char *name;
    guint n_params;
  } signals[] = { { "interrupt", 2 },
                  { "pause", 2 },
                  { "resume", 2 },
                  { "pause-recording", 1 },
                  { "resume-recording", 1 } };
  for (const auto &s : signals)
    {
      const guint id = g_signal_lookup (s.name, G_OBJECT_TYPE (bin));
      fail_unless (id != 0, "no signal %s", s.name);
      GSignalQuery q;
      g_signal_query (id, &q);
      fail_unless (q.signal_flags & G_SIGNAL_ACTION, "%s is not an action",
                   s.name);
      fail_unless (q.return_type == G_TYPE_BOOLEAN,
                   "%s does not return "
                   "gboolean",
                   s.name);
      fail_unless_equals_int ((int)q.n_params, (int)s.n_params);
      if (s.n_params == 2)
        {
          fail_unless ((q.param_types[0] & ~G_SIGNAL_TYPE_STATIC_SCOPE)
                       == G_TYPE_STRING);
          fail_unless ((q.param_types[1] & ~G_SIGNAL_TYPE_STATIC_SCOPE)
                       == G_TYPE_UINT64);
        }
      else
        fail_unless ((q.param_types[0] & ~G_SIGNAL_TYPE_STATIC_SCOPE)
                     == G_TYPE_UINT64);
    }
  gst_object_unref (bin);
}
GST_END_TEST;

static Suite *
recorderbin_suite (void)
{
  Suite *s = suite_create ("recorderbin");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_mark_log_loads_its_json_library);
  tcase_add_test (tc, test_inspect_interface);
  tcase_add_test (tc, test_one_pad_wav_bit_exact);
  tcase_add_loop_test (tc, test_two_pads_aligned, 0,
                       G_N_ELEMENTS (kAlignments));
  tcase_add_loop_test (tc, test_format, 0, G_N_ELEMENTS (kFormats));
  tcase_add_loop_test (tc, test_rate_conversion, 0, G_N_ELEMENTS (kConvCases));
  tcase_add_loop_test (tc, test_layout_conversion_bit_exact, 0,
                       G_N_ELEMENTS (kLayoutCases));
  tcase_add_test (tc, test_rate_zero_keeps_input_rate);
  tcase_add_test (tc, test_channel_mode_mix);
  tcase_add_test (tc, test_caps_change_rate);
  tcase_add_test (tc, test_caps_change_channels);
  tcase_add_loop_test (tc, test_start_error, 0, G_N_ELEMENTS (kStartErrors));
  tcase_add_test (tc, test_bytes_segment_is_an_error);
  tcase_add_test (tc, test_zero_length_and_untimestamped_buffers);
  tcase_add_test (tc, test_partial_frame_dropped_with_warning);
  tcase_add_loop_test (tc, test_too_many_pads_refused, 0,
                       G_N_ELEMENTS (kPadLimits));
  tcase_add_test (tc, test_signal_unknown_pad);
  tcase_add_test (tc, test_sink_replaced_by_appsink);
  tcase_add_test (tc, test_muxer_replaced);
  tcase_add_test (tc, test_encoder_replaced_mp3_no_muxer);
  return s;
}

GST_CHECK_MAIN (recorderbin);
