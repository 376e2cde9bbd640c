/* recorderbin benchmark: the non-live scenarios. Each runs recorderbin and a
 * baseline pipeline on the same input (non-live audiotestsrc, as fast as the
 * machine goes), alternating, and reports medians and ratios. See README.md.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/gst.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <unistd.h>

#include "bench-scenarios.h"

/* Under callgrind with --instr-atstart=no, only the measured runs are
 * instrumented (the switch is global; collection toggles are per thread). */
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define BENCH_INSTR_START() CALLGRIND_START_INSTRUMENTATION
#define BENCH_INSTR_STOP() CALLGRIND_STOP_INSTRUMENTATION
#else
#define BENCH_INSTR_START()                                                    \
  do                                                                           \
    {                                                                          \
    }                                                                          \
  while (0)
#define BENCH_INSTR_STOP() BENCH_INSTR_START ()
#endif

namespace bench
{

namespace
{

enum class Baseline
{
  /* The chain recorderbin used to build inside (per pad audioconvert !
   * audioresample, audiointerleave, encoder, muxer, filesink) with the
   * settings recorderbin gives its own stages. */
  kInternal,
  /* What a user writes by hand for the same file, default settings. */
  kUser,
};

struct Scenario
{
  const char *name;
  Baseline baseline;
  const char *format; /* ogg-opus | wav */
  int pads;
  int channels; /* of each pad's input */
  int default_seconds;
  double holdback_s; /* on recorderbin's sink_1 */
  double target_cpu; /* ratio <=; 0: none */
  double target_rss; /* ratio <=, after the held audio; 0: none */
  const char *baseline_text;
};

const Scenario kScenarios[] = {
  { "ogg-opus", Baseline::kInternal, "ogg-opus", 2, 1, 60, 0, 1.3, 1.5,
    "per pad audioconvert ! audioresample ! capsfilter(F32LE mono), "
    "audiointerleave ! audioconvert ! opusenc ! oggmux(500 ms pages) ! "
    "filesink(unbuffered)" },
  { "wav", Baseline::kInternal, "wav", 2, 1, 60, 0, 2.0, 1.5,
    "per pad audioconvert ! audioresample ! capsfilter(F32LE mono), "
    "audiointerleave ! audioconvert ! capsfilter(S16LE) ! wavenc ! "
    "filesink(unbuffered)" },
  { "agent", Baseline::kInternal, "ogg-opus", 2, 1, 60, 30, 0, 0,
    "the ogg-opus baseline; recorderbin's sink_1 has holdback=30 s" },
  { "wav-user", Baseline::kUser, "wav", 1, 2, 180, 0, 1.10, 1.10,
    "audioconvert ! audioresample ! wavenc ! filesink" },
  { "opus-user", Baseline::kUser, "ogg-opus", 1, 2, 180, 0, 1.02, 1.10,
    "audioconvert ! audioresample ! opusenc ! oggmux ! filesink" },
  { "opus-2pad-user", Baseline::kUser, "ogg-opus", 2, 1, 180, 0, 1.05, 1.10,
    "audiointerleave start-time-selection=first channel-positions=<FL,FR> "
    "! opusenc ! oggmux ! filesink" },
};

const Scenario *
find_scenario (const std::string &name)
{
  for (const Scenario &s : kScenarios)
    if (name == s.name)
      return &s;
  return nullptr;
}

bool
is_wav (const Scenario &sc)
{
  return g_str_equal (sc.format, "wav");
}

/* Channels of the file. */
int
file_channels (const Scenario &sc)
{
  return sc.pads == 1 ? sc.channels : sc.pads;
}

int
buffers_for (const Options &opt, const Scenario &sc)
{
  const int seconds = opt.seconds > 0 ? opt.seconds : sc.default_seconds;
  return seconds * kRate / kSamplesPerBuffer;
}

/* The same input for both variants: audiotestsrc ! capsfilter(S16LE 48 kHz,
 * `channels`); returns the capsfilter (the branch's end). */
GstElement *
add_source (GstElement *pipeline, int index, int buffers, int channels)
{
  GstElement *src = make ("audiotestsrc", pipeline);
  g_object_set (src, "num-buffers", buffers, "samplesperbuffer",
                kSamplesPerBuffer, "is-live", FALSE, "freq",
                index == 0 ? 440.0 : 700.0, "volume", 0.5, NULL);
  GstElement *caps = make_s16_capsfilter (pipeline, channels);
  link_or_die (src, caps, "audiotestsrc");
  return caps;
}

GstElement *
add_filesink (GstElement *pipeline, const std::string &out, bool unbuffered)
{
  GstElement *sink = make ("filesink", pipeline);
  g_object_set (sink, "location", out.c_str (), NULL);
  if (unbuffered)
    g_object_set (sink, "buffer-mode", 2 /* unbuffered */, "async", FALSE,
                  NULL);
  return sink;
}

/* The chain recorderbin used to build inside, with the settings it gives
 * its own stages (FL/FR, no dithering, 500 ms Ogg pages, an unbuffered
 * filesink). recorderbin now converts and interleaves in its own task, so
 * this is no longer its exact internal chain, but the same work done by
 * stock elements. */
GstElement *
build_internal_baseline (const Scenario &sc, int buffers,
                         const std::string &out)
{
  GstElement *pipeline = gst_pipeline_new ("bare");
  GstElement *agg = make ("audiointerleave", pipeline);
  g_object_set (agg, "start-time-selection", 1 /* first */, NULL);
  set_fl_fr_positions (agg);
  for (int i = 0; i < sc.pads; i++)
    {
      GstElement *last = add_source (pipeline, i, buffers, sc.channels);
      GstElement *conv = make ("audioconvert", pipeline);
      GstElement *res = make ("audioresample", pipeline);
      GstElement *caps = make ("capsfilter", pipeline);
      GstCaps *c = raw_caps ("F32LE", 1);
      g_object_set (caps, "caps", c, NULL);
      gst_caps_unref (c);
      if (!gst_element_link_many (last, conv, res, caps, NULL)
          || !gst_element_link_pads (caps, "src", agg, "sink_%u"))
        {
          g_printerr ("bench-recorder: cannot link the bare branch\n");
          exit (2);
        }
    }
  GstElement *conv = make ("audioconvert", pipeline);
  g_object_set (conv, "dithering", 0 /* none */, NULL);
  GstElement *caps = make ("capsfilter", pipeline);
  if (is_wav (sc))
    {
      GstCaps *c = gst_caps_new_simple ("audio/x-raw", "format", G_TYPE_STRING,
                                        "S16LE", NULL);
      g_object_set (caps, "caps", c, NULL);
      gst_caps_unref (c);
    }
  GstElement *enc = make (is_wav (sc) ? "wavenc" : "opusenc", pipeline);
  GstElement *sink = add_filesink (pipeline, out, true);
  link_or_die (agg, conv, "the bare chain");
  link_or_die (conv, caps, "the bare chain");
  link_or_die (caps, enc, "the bare chain");
  if (is_wav (sc))
    link_or_die (enc, sink, "the bare chain");
  else
    {
      GstElement *mux = make ("oggmux", pipeline);
      g_object_set (mux, "max-page-delay", (guint64)500 * GST_MSECOND,
                    "max-delay", (guint64)500 * GST_MSECOND, NULL);
      link_or_die (enc, mux, "the bare chain");
      link_or_die (mux, sink, "the bare chain");
    }
  return pipeline;
}

/* What a user writes for the same file, every element at its defaults. */
GstElement *
build_user_baseline (const Scenario &sc, int buffers, const std::string &out)
{
  GstElement *pipeline = gst_pipeline_new ("bare");
  GstElement *enc = make (is_wav (sc) ? "wavenc" : "opusenc", pipeline);
  if (sc.pads == 1)
    {
      /* ... ! audioconvert ! audioresample ! encoder */
      GstElement *last = add_source (pipeline, 0, buffers, sc.channels);
      GstElement *conv = make ("audioconvert", pipeline);
      GstElement *res = make ("audioresample", pipeline);
      link_or_die (last, conv, "the user chain");
      link_or_die (conv, res, "the user chain");
      link_or_die (res, enc, "the user chain");
    }
  else
    {
      /* audiointerleave start-time-selection=first, FL/FR ! encoder */
      GstElement *agg = make ("audiointerleave", pipeline);
      g_object_set (agg, "start-time-selection", 1 /* first */, NULL);
      set_fl_fr_positions (agg);
      for (int i = 0; i < sc.pads; i++)
        {
          GstElement *last = add_source (pipeline, i, buffers, sc.channels);
          if (!gst_element_link_pads (last, "src", agg, "sink_%u"))
            {
              g_printerr ("bench-recorder: cannot link audiointerleave\n");
              exit (2);
            }
        }
      link_or_die (agg, enc, "the user chain");
    }
  GstElement *sink = add_filesink (pipeline, out, false);
  if (is_wav (sc))
    link_or_die (enc, sink, "the user chain");
  else
    {
      GstElement *mux = make ("oggmux", pipeline);
      link_or_die (enc, mux, "the user chain");
      link_or_die (mux, sink, "the user chain");
    }
  return pipeline;
}

GstElement *
build_recorder (const Scenario &sc, int buffers, const std::string &out)
{
  GstElement *pipeline = gst_pipeline_new ("recorder");
  GstElement *rec = make ("recorderbin", pipeline);
  gst_util_set_object_arg (G_OBJECT (rec), "format", sc.format);
  g_object_set (rec, "location", out.c_str (), NULL);
  for (int i = 0; i < sc.pads; i++)
    {
      GstElement *last = add_source (pipeline, i, buffers, sc.channels);
      GstPad *sinkpad = gst_element_request_pad_simple (rec, "sink_%u");
      if (i == 1 && sc.holdback_s > 0)
        g_object_set (sinkpad, "holdback",
                      (guint64)(sc.holdback_s * GST_SECOND), NULL);
      GstPad *srcpad = gst_element_get_static_pad (last, "src");
      if (gst_pad_link (srcpad, sinkpad) != GST_PAD_LINK_OK)
        {
          g_printerr ("bench-recorder: cannot link to recorderbin\n");
          exit (2);
        }
      gst_object_unref (srcpad);
      gst_object_unref (sinkpad);
    }
  return pipeline;
}

struct RunResult
{
  bool ok = false;
  std::string why; /* when !ok */
  Usage use;
  long long file_bytes = -1;
  long long wav_data_bytes = -1;
  long long file_samples = -1; /* Opus: from the file */
  long long done_samples = -1; /* recorderbin-done samples */
  int encoder_channels = 0;
  std::string wav_sha1;
};

/* Builds the variant, then measures PLAYING -> EOS -> NULL. */
RunResult
run_once (const Options &opt, const Scenario &sc, bool recorder, int buffers,
          bool measured = true)
{
  RunResult r;
  const std::string out = temp_file (opt, recorder ? "recorder" : "bare",
                                     is_wav (sc) ? "wav" : "ogg");
  GstElement *pipeline = recorder ? build_recorder (sc, buffers, out)
                         : sc.baseline == Baseline::kInternal
                             ? build_internal_baseline (sc, buffers, out)
                             : build_user_baseline (sc, buffers, out);
  GstBus *bus = gst_element_get_bus (pipeline);
  std::string status;
  if (opt.verbose)
    g_signal_connect (pipeline, "deep-notify::caps",
                      G_CALLBACK (gst_object_default_deep_notify), NULL);

  if (measured)
    BENCH_INSTR_START ();
  const Usage start = usage_now ();

  bool eos = false;
  if (gst_element_set_state (pipeline, GST_STATE_PLAYING)
      == GST_STATE_CHANGE_FAILURE)
    r.why = "the state change to PLAYING failed";
  else
    for (;;)
      {
        GstMessage *msg = gst_bus_timed_pop_filtered (
            bus, 600 * GST_SECOND,
            (GstMessageType)(GST_MESSAGE_EOS | GST_MESSAGE_ERROR
                             | GST_MESSAGE_WARNING | GST_MESSAGE_ELEMENT));
        if (!msg)
          {
            r.why = "no EOS within 600 s";
            break;
          }
        const GstMessageType type = GST_MESSAGE_TYPE (msg);
        if (type == GST_MESSAGE_EOS)
          eos = true;
        else if (type == GST_MESSAGE_ERROR || type == GST_MESSAGE_WARNING)
          {
            const std::string text = describe_message (msg);
            g_printerr ("bench-recorder: %s\n", text.c_str ());
            if (r.why.empty ())
              r.why = text;
          }
        else if (type == GST_MESSAGE_ELEMENT)
          {
            const GstStructure *s = gst_message_get_structure (msg);
            if (s && gst_structure_has_name (s, "recorderbin-done"))
              {
                const gchar *st = gst_structure_get_string (s, "status");
                status = st ? st : "";
                guint64 samples = 0;
                if (gst_structure_get_uint64 (s, "samples", &samples))
                  r.done_samples = (long long)samples;
              }
          }
        const bool stop = type == GST_MESSAGE_EOS || type == GST_MESSAGE_ERROR;
        gst_message_unref (msg);
        if (stop)
          break;
      }

  /* Before NULL clears the caps; outside the measurement would be better,
   * but the pipeline is at EOS and this is a few microseconds. */
  r.encoder_channels = encoder_channels (pipeline);
  if (gst_element_set_state (pipeline, GST_STATE_NULL)
      != GST_STATE_CHANGE_SUCCESS)
    r.why = "the state change to NULL failed";

  r.use = usage_since (start);
  if (measured)
    BENCH_INSTR_STOP ();

  gst_object_unref (bus);
  gst_object_unref (pipeline);

  r.file_bytes = file_size (out);
  const long long samples = (long long)buffers * kSamplesPerBuffer;
  const int channels = file_channels (sc);
  if (is_wav (sc))
    r.wav_sha1 = wav_data_sha1 (out, &r.wav_data_bytes);
  else
    {
      const OpusFile f = opus_file_info (out);
      r.file_samples = f.samples;
      if (r.why.empty () && f.channels != channels)
        r.why = "the Opus file has " + std::to_string (f.channels)
                + " channels, expected " + std::to_string (channels);
    }
  unlink (out.c_str ());

  if (r.why.empty () && !eos)
    r.why = "no EOS";
  if (r.why.empty () && recorder && status != "ok")
    r.why = "recorderbin-done status '" + status + "', expected 'ok'";
  if (r.why.empty () && r.encoder_channels != channels)
    r.why = "the encoder took " + std::to_string (r.encoder_channels)
            + " channels, expected " + std::to_string (channels);
  if (r.why.empty () && recorder && r.done_samples != samples)
    r.why = "recorderbin-done samples " + std::to_string (r.done_samples)
            + ", expected " + std::to_string (samples);
  if (r.why.empty () && is_wav (sc)
      && r.wav_data_bytes != samples * channels * 2)
    r.why = "WAV data chunk of " + std::to_string (r.wav_data_bytes)
            + " bytes, expected " + std::to_string (samples * channels * 2);
  if (r.why.empty () && !is_wav (sc) && r.file_samples != samples)
    r.why = "the Opus file ends at sample " + std::to_string (r.file_samples)
            + ", expected " + std::to_string (samples);
  r.ok = r.why.empty ();
  return r;
}

struct Series
{
  std::vector<double> cpu, wall, vcsw, icsw, rss;
  std::vector<double> rss_short; /* one buffer per pad */
};

void
print_row (const char *variant, const Series &s, long long bytes)
{
  g_print ("  %-9s %10.1f %10.1f %10.0f %10.0f %12.0f %11lld\n", variant,
           median (s.cpu) * 1e3, median (s.wall) * 1e3, median (s.vcsw),
           median (s.icsw), median (s.rss), bytes);
}

} // namespace

bool
is_offline_scenario (const std::string &name)
{
  return find_scenario (name) != nullptr;
}

void
run_offline_scenario (const Options &opt, const std::string &name,
                      Report &report)
{
  const Scenario &sc = *find_scenario (name);
  const int buffers = buffers_for (opt, sc);
  const int seconds = buffers * kSamplesPerBuffer / kRate;
  auto check = [&] (const RunResult &r, const char *what) {
    if (r.ok)
      return;
    report.invalid = true;
    g_printerr ("bench-recorder: INVALID %s run in %s: %s\n", what, sc.name,
                r.why.c_str ());
  };

  g_print ("== %s: %d pad%s x %d s of S16LE 48 kHz %s -> %s%s\n", sc.name,
           sc.pads, sc.pads > 1 ? "s" : "", seconds,
           sc.channels == 1 ? "mono" : "stereo",
           is_wav (sc) ? "WAV" : "Ogg/Opus",
           sc.holdback_s > 0 ? ", recorderbin sink_1 holdback=30 s" : "");
  g_print ("  baseline (%s): %s\n",
           sc.baseline == Baseline::kUser ? "user's chain" : "internal chain",
           sc.baseline_text);
  g_print ("  recorderbin: recorderbin format=%s, %d request pad%s\n",
           sc.format, sc.pads, sc.pads > 1 ? "s" : "");
  fflush (stdout);

  if (opt.warmup)
    {
      /* Untimed: first-run costs (page cache, lazily built tables). */
      if (opt.run_bare)
        check (run_once (opt, sc, false, 100, false), "warm-up bare");
      if (opt.run_recorder)
        check (run_once (opt, sc, true, 100, false), "warm-up recorder");
    }
  Series bare, rec;
  long long bare_bytes = -1, rec_bytes = -1;
  std::string bare_sha1, rec_sha1;
  for (int i = 0; i < opt.iterations; i++)
    for (int k = 0; k < 2; k++)
      {
        /* Interleaved, alternating which goes first. */
        const bool recorder = (k == 0) == (i % 2 == 1);
        if (recorder ? !opt.run_recorder : !opt.run_bare)
          continue;
        RunResult r = run_once (opt, sc, recorder, buffers);
        check (r, recorder ? "recorder" : "bare");
        Series &s = recorder ? rec : bare;
        s.cpu.push_back (r.use.cpu_s);
        s.wall.push_back (r.use.wall_s);
        s.vcsw.push_back (r.use.vcsw);
        s.icsw.push_back (r.use.icsw);
        (recorder ? rec_bytes : bare_bytes) = r.file_bytes;
        (recorder ? rec_sha1 : bare_sha1) = r.wav_sha1;
      }
  if (opt.rss)
    for (int i = 0; i < opt.iterations; i++)
      for (int k = 0; k < 2; k++)
        {
          const bool recorder = (k == 0) == (i % 2 == 1);
          if (recorder ? !opt.run_recorder : !opt.run_bare)
            continue;
          /* The full run, and the same variant with one buffer per pad:
           * what the length of the recording costs. */
          for (int len : { buffers, 1 })
            {
              auto res = run_child (opt, { "offline", sc.name,
                                           recorder ? "recorder" : "bare",
                                           std::to_string (len) });
              auto it = res.find ("peak-rss-kib");
              if (it == res.end ())
                report.invalid = true;
              Series &s = recorder ? rec : bare;
              (len == 1 ? s.rss_short : s.rss)
                  .push_back (it == res.end () ? -1 : it->second);
            }
        }

  /* Same work: a WAV file's data is the input sample for sample in both. */
  if (is_wav (sc) && opt.run_bare && opt.run_recorder && bare_sha1 != rec_sha1)
    {
      report.invalid = true;
      g_printerr ("bench-recorder: INVALID: in %s the recorderbin file "
                  "differs from the bare one (sha1 %s vs %s)\n",
                  sc.name, rec_sha1.c_str (), bare_sha1.c_str ());
    }

  g_print ("  %-9s %10s %10s %10s %10s %12s %11s\n", "variant", "cpu ms",
           "wall ms", "vol ctxsw", "invol csw", "peak RSS KiB", "file bytes");
  if (opt.run_bare)
    print_row ("bare", bare, bare_bytes);
  if (opt.run_recorder)
    print_row ("recorder", rec, rec_bytes);
  g_print ("  runs (ms cpu/wall):");
  for (size_t i = 0; i < std::max (bare.cpu.size (), rec.cpu.size ()); i++)
    {
      if (i < bare.cpu.size ())
        g_print (" bare %.0f/%.0f", bare.cpu[i] * 1e3, bare.wall[i] * 1e3);
      if (i < rec.cpu.size ())
        g_print (" rec %.0f/%.0f", rec.cpu[i] * 1e3, rec.wall[i] * 1e3);
    }
  if (opt.rss)
    {
      g_print ("\n  runs (peak RSS KiB):");
      for (size_t i = 0; i < std::max (bare.rss.size (), rec.rss.size ()); i++)
        {
          if (i < bare.rss.size ())
            g_print (" bare %.0f", bare.rss[i]);
          if (i < rec.rss.size ())
            g_print (" rec %.0f", rec.rss[i]);
        }
    }
  g_print ("\n");
  if (!opt.run_bare || !opt.run_recorder)
    {
      g_print ("\n");
      return;
    }

  const double bc = median (bare.cpu), rc = median (rec.cpu);
  const double bw = median (bare.wall), rw = median (rec.wall);
  const double br = median (bare.rss), rr = median (rec.rss);
  const double bv = median (bare.vcsw), rv = median (rec.vcsw);
  const double bi = median (bare.icsw), ri = median (rec.icsw);
  const Spread cpu_pairs = spread (pair_ratios (rec.cpu, bare.cpu));
  const Spread wall_pairs = spread (pair_ratios (rec.wall, bare.wall));
  const Spread rss_pairs = spread (pair_ratios (rec.rss, bare.rss));
  g_print ("  ratio recorder/bare (ratio of medians; [min-max] of the "
           "per-pair ratios):\n"
           "    cpu %s [%s-%s]  wall %s [%s-%s]  rss %s [%s-%s]\n"
           "    vol ctxsw %s  invol ctxsw %s\n",
           fmt_ratio (rc, bc).c_str (), fmt (cpu_pairs.min).c_str (),
           fmt (cpu_pairs.max).c_str (), fmt_ratio (rw, bw).c_str (),
           fmt (wall_pairs.min).c_str (), fmt (wall_pairs.max).c_str (),
           fmt_ratio (rr, br).c_str (), fmt (rss_pairs.min).c_str (),
           fmt (rss_pairs.max).c_str (), fmt_ratio (rv, bv).c_str (),
           fmt_ratio (ri, bi).c_str ());
  const double held_kib = sc.holdback_s * kRate * 2 / 1024;
  if (opt.rss)
    {
      const double bs = median (bare.rss_short), rs = median (rec.rss_short);
      g_print ("  peak RSS of a 1-buffer run: bare %.0f KiB, recorder %.0f "
               "KiB; growth to %d s: bare %+.0f KiB, recorder %+.0f KiB\n",
               bs, rs, seconds, br - bs, rr - rs);
      g_print ("  recorder - bare: %+.0f KiB (full run), %+.0f KiB (1-buffer "
               "run)\n",
               rr - br, rs - bs);
    }
  if (sc.holdback_s > 0)
    g_print ("  held audio expected: %.0f s x %d Hz x 2 bytes = %.0f KiB of "
             "payload\n",
             sc.holdback_s, kRate, held_kib);
  const double rss_ratio = br > 0 ? (rr - held_kib) / br : 0;
  if (sc.target_cpu > 0)
    g_print ("  targets: cpu <= %.2f %s, rss <= %.2f%s %s  (reported, not "
             "enforced)\n",
             sc.target_cpu, verdict (bc > 0 ? rc / bc : 0, sc.target_cpu),
             sc.target_rss, sc.holdback_s > 0 ? " + held audio" : "",
             opt.rss ? verdict (rss_ratio, sc.target_rss) : "n/a");
  else
    g_print ("  targets: none (held audio is expected to cost memory)\n");
  report.bench_lines.push_back (
      std::string ("BENCH ") + sc.name + " ratio_cpu=" + fmt_ratio (rc, bc)
      + " cpu_pairs=" + fmt (cpu_pairs.min) + "-" + fmt (cpu_pairs.max)
      + " ratio_wall=" + fmt_ratio (rw, bw) + " ratio_rss=" + fmt_ratio (rr, br)
      + " ratio_ctxsw=" + fmt_ratio (rv, bv)
      + " ratio_icsw=" + fmt_ratio (ri, bi));
  g_print ("\n");
  fflush (stdout);
}

int
offline_child (const Options &opt, const std::vector<std::string> &args)
{
  if (args.size () != 3 || !find_scenario (args[0]))
    return 2;
  const Scenario &sc = *find_scenario (args[0]);
  RunResult r
      = run_once (opt, sc, args[1] == "recorder", atoi (args[2].c_str ()));
  if (!r.ok)
    {
      g_printerr ("bench-recorder: child run invalid: %s\n", r.why.c_str ());
      return 1;
    }
  child_report ("peak-rss-kib", (double)proc_status_kib ("VmHWM"));
  return 0;
}

void
print_offline_profile_hint (const std::string &name)
{
  const char *exe = "build/tests/bench/bench-recorder";
  g_print (
      "# %s, recorderbin side: where the CPU time goes (perf, sampling every\n"
      "# thread; -e cpu-clock also works where hardware counters do not)\n"
      "perf record -e cpu-clock -F 2000 --call-graph dwarf -o perf.%s.data "
      "-- \\\n"
      "    %s --scenario %s --variant recorder \\\n"
      "    --iterations 1 --no-rss --no-warmup\n"
      "perf report -i perf.%s.data --no-children --sort dso,symbol "
      "--stdio | head -60\n"
      "# instruction counts of the measured run only (about 50x slower; "
      "--seconds 20 is enough)\n"
      "valgrind --tool=callgrind --instr-atstart=no "
      "--callgrind-out-file=callgrind.%s \\\n"
      "    %s --scenario %s --variant recorder \\\n"
      "    --iterations 1 --no-rss --no-warmup --seconds 20\n"
      "callgrind_annotate --inclusive=yes callgrind.%s | head -60\n"
      "# the same with --variant bare for the baseline\n\n",
      name.c_str (), name.c_str (), exe, name.c_str (), name.c_str (),
      name.c_str (), exe, name.c_str (), name.c_str ());
}

} // namespace bench
