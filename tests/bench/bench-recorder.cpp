/* recorderbin benchmark: recorderbin against the bare GStreamer chain it
 * wraps, on the same input, in the same run. Only ratios are meaningful; no
 * absolute time is asserted. See tests/bench/README.md.
 *
 * Scenarios (each non-live, two audiotestsrc pads, S16LE 48 kHz mono, 20 ms
 * buffers, `--seconds` of audio each, default 60):
 *   ogg-opus  bare `... ! audiointerleave ! audioconvert ! opusenc ! oggmux
 *             ! filesink` vs `recorderbin format=ogg-opus`
 *   wav       the same with wavenc (cheap encoder: our overhead shows)
 *   agent     recorderbin format=ogg-opus with holdback=30 s on sink_1 (the
 *             agent's speech, pushed fast) vs the bare ogg-opus chain
 * For each: CPU time (CLOCK_PROCESS_CPUTIME_ID, all threads), wall time and
 * voluntary context switches of PLAYING -> EOS -> NULL, in this process, R
 * runs interleaved; peak RSS (VmHWM) of a child process per
 * run and variant, and of the same with one buffer per pad.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/audio/audio.h>
#include <gst/gst.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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

namespace
{

constexpr int kRate = 48000;
constexpr int kSamplesPerBuffer = 960; /* 20 ms */
constexpr int kPads = 2;
constexpr double kAgentHoldbackSeconds = 30.0;

/* ---- options ------------------------------------------------------------ */

struct Options
{
  int iterations = 3;
  int seconds = 60;
  std::vector<std::string> scenarios{ "ogg-opus", "wav", "agent" };
  bool run_bare = true;
  bool run_recorder = true;
  bool rss = true;
  bool warmup = true;
  bool verbose = false; /* print every pad's caps, as gst-launch -v */
  std::string tmpdir;
  std::string self_exe;
};

struct Scenario
{
  std::string name;   /* for BENCH lines and --scenario */
  std::string format; /* ogg-opus | wav */
  double holdback_s;  /* on sink_1 of recorderbin */
  double target_cpu;  /* <= ; 0: no target */
  double target_rss;  /* <= ; 0: no target */
};

/* ---- one run ------------------------------------------------------------ */

struct RunResult
{
  bool ok = false;
  std::string why; /* when !ok */
  double cpu_s = 0;
  double wall_s = 0;
  double ctxsw = 0; /* voluntary context switches */
  long long file_bytes = -1;
  long long samples = -1;   /* recorderbin-done samples, -1 for bare */
  int encoder_channels = 0; /* what the encoder was fed */
  std::string wav_sha1;     /* of a WAV file's bytes */
};

double
clock_seconds (clockid_t id)
{
  struct timespec ts;
  clock_gettime (id, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Voluntary context switches (a thread blocked: a wait, a wake-up handed to
 * another thread, I/O) of every thread of this process, ended threads
 * included. Involuntary ones (preemption) mostly measure the machine's load
 * and are left out. */
double
context_switches (void)
{
  struct rusage ru;
  getrusage (RUSAGE_SELF, &ru);
  return (double)ru.ru_nvcsw;
}

GstElement *
make (const char *factory, GstElement *bin)
{
  GstElement *e = gst_element_factory_make (factory, NULL);
  if (!e)
    {
      g_printerr ("bench-recorder: element '%s' is missing\n", factory);
      exit (2);
    }
  gst_bin_add (GST_BIN (bin), e);
  return e;
}

GstCaps *
raw_caps (const char *format, int channels)
{
  return gst_caps_new_simple ("audio/x-raw", "format", G_TYPE_STRING, format,
                              "layout", G_TYPE_STRING, "interleaved", "rate",
                              G_TYPE_INT, kRate, "channels", G_TYPE_INT,
                              channels, NULL);
}

/* The same input for both variants: audiotestsrc ! capsfilter(S16LE mono
 * 48 kHz); returns the capsfilter (the branch's end). */
GstElement *
add_source (GstElement *pipeline, int index, int buffers)
{
  GstElement *src = make ("audiotestsrc", pipeline);
  g_object_set (src, "num-buffers", buffers, "samplesperbuffer",
                kSamplesPerBuffer, "is-live", FALSE, "freq",
                index == 0 ? 440.0 : 700.0, "volume", 0.5, NULL);
  GstElement *caps = make ("capsfilter", pipeline);
  GstCaps *c = raw_caps ("S16LE", 1);
  g_object_set (caps, "caps", c, NULL);
  gst_caps_unref (c);
  if (!gst_element_link (src, caps))
    {
      g_printerr ("bench-recorder: cannot link audiotestsrc\n");
      exit (2);
    }
  return caps;
}

/* The chain recorderbin builds inside, with the same settings (see
 * build_tail in gst/recorder/gstrecorderbin.cpp), so the ratio is the cost
 * of recorderbin's own machinery: clip elements with their tasks and
 * queues, the timeline, the session, the gate probe. */
GstElement *
build_bare (const std::string &format, int buffers, const std::string &out)
{
  GstElement *pipeline = gst_pipeline_new ("bare");
  GstElement *agg = make ("audiointerleave", pipeline);
  g_object_set (agg, "start-time-selection", 1 /* first */, NULL);
  {
    GValue positions = G_VALUE_INIT, v = G_VALUE_INIT;
    g_value_init (&positions, GST_TYPE_ARRAY);
    g_value_init (&v, GST_TYPE_AUDIO_CHANNEL_POSITION);
    g_value_set_enum (&v, GST_AUDIO_CHANNEL_POSITION_FRONT_LEFT);
    gst_value_array_append_value (&positions, &v);
    g_value_set_enum (&v, GST_AUDIO_CHANNEL_POSITION_FRONT_RIGHT);
    gst_value_array_append_value (&positions, &v);
    g_object_set_property (G_OBJECT (agg), "channel-positions", &positions);
    g_value_unset (&v);
    g_value_unset (&positions);
  }
  for (int i = 0; i < kPads; i++)
    {
      GstElement *last = add_source (pipeline, i, buffers);
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
  const bool wav = format == "wav";
  if (wav)
    {
      GstCaps *c = gst_caps_new_simple ("audio/x-raw", "format", G_TYPE_STRING,
                                        "S16LE", NULL);
      g_object_set (caps, "caps", c, NULL);
      gst_caps_unref (c);
    }
  GstElement *enc = make (wav ? "wavenc" : "opusenc", pipeline);
  GstElement *mux = NULL;
  if (!wav)
    {
      mux = make ("oggmux", pipeline);
      g_object_set (mux, "max-page-delay", (guint64)500 * GST_MSECOND,
                    "max-delay", (guint64)500 * GST_MSECOND, NULL);
    }
  GstElement *sink = make ("filesink", pipeline);
  g_object_set (sink, "location", out.c_str (), "buffer-mode",
                2
                /* unbuffered */,
                "async", FALSE, NULL);
  bool linked = gst_element_link_many (agg, conv, caps, enc, NULL);
  linked = linked
           && (mux ? gst_element_link_many (enc, mux, sink, NULL)
                   : gst_element_link (enc, sink));
  if (!linked)
    {
      g_printerr ("bench-recorder: cannot link the bare chain\n");
      exit (2);
    }
  return pipeline;
}

GstElement *
build_recorder (const std::string &format, int buffers, double holdback_s,
                const std::string &out)
{
  GstElement *pipeline = gst_pipeline_new ("recorder");
  GstElement *rec = make ("recorderbin", pipeline);
  gst_util_set_object_arg (G_OBJECT (rec), "format", format.c_str ());
  g_object_set (rec, "location", out.c_str (), NULL);
  for (int i = 0; i < kPads; i++)
    {
      GstElement *last = add_source (pipeline, i, buffers);
      GstPad *sinkpad = gst_element_request_pad_simple (rec, "sink_%u");
      if (i == 1 && holdback_s > 0)
        g_object_set (sinkpad, "holdback", (guint64)(holdback_s * GST_SECOND),
                      NULL);
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

std::string
temp_file (const Options &opt, const char *variant, const std::string &format)
{
  static int counter = 0;
  gchar *name = g_strdup_printf ("bench-%s-%d-%d.%s", variant, (int)getpid (),
                                 counter++, format == "wav" ? "wav" : "ogg");
  gchar *path = g_build_filename (opt.tmpdir.c_str (), name, NULL);
  std::string result (path);
  g_free (name);
  g_free (path);
  return result;
}

/* SHA-1 of a file, read in small pieces (the child processes measure their
 * peak memory: reading the file whole would show in it). */
std::string
file_sha1 (const std::string &path)
{
  FILE *f = fopen (path.c_str (), "rb");
  if (!f)
    return "";
  GChecksum *sum = g_checksum_new (G_CHECKSUM_SHA1);
  guchar buf[16384];
  size_t n;
  while ((n = fread (buf, 1, sizeof buf, f)) > 0)
    g_checksum_update (sum, buf, (gssize)n);
  fclose (f);
  std::string hex = g_checksum_get_string (sum);
  g_checksum_free (sum);
  return hex;
}

/* Channels of the raw audio the encoder (opusenc or wavenc, at any depth)
 * takes, or 0. */
int
encoder_channels (GstElement *pipeline)
{
  int channels = 0;
  GstIterator *it = gst_bin_iterate_recurse (GST_BIN (pipeline));
  GValue item = G_VALUE_INIT;
  while (gst_iterator_next (it, &item) == GST_ITERATOR_OK)
    {
      GstElement *e = GST_ELEMENT (g_value_get_object (&item));
      GstElementFactory *f = gst_element_get_factory (e);
      const gchar *name = f ? GST_OBJECT_NAME (f) : "";
      if (g_str_equal (name, "opusenc") || g_str_equal (name, "wavenc"))
        {
          GstPad *pad = gst_element_get_static_pad (e, "sink");
          GstCaps *caps = pad ? gst_pad_get_current_caps (pad) : NULL;
          if (caps)
            gst_structure_get_int (gst_caps_get_structure (caps, 0), "channels",
                                   &channels);
          if (caps)
            gst_caps_unref (caps);
          if (pad)
            gst_object_unref (pad);
        }
      g_value_reset (&item);
    }
  g_value_unset (&item);
  gst_iterator_free (it);
  return channels;
}

/* Builds the variant, then measures PLAYING -> EOS -> NULL. */
RunResult
run_once (const Options &opt, bool recorder, const std::string &format,
          int buffers, double holdback_s, bool measured = true)
{
  RunResult r;
  const std::string out
      = temp_file (opt, recorder ? "recorder" : "bare", format);
  GstElement *pipeline = recorder
                             ? build_recorder (format, buffers, holdback_s, out)
                             : build_bare (format, buffers, out);
  GstBus *bus = gst_element_get_bus (pipeline);
  std::string status;
  if (opt.verbose)
    g_signal_connect (pipeline, "deep-notify::caps",
                      G_CALLBACK (gst_object_default_deep_notify), NULL);

  if (measured)
    BENCH_INSTR_START ();
  const double cpu0 = clock_seconds (CLOCK_PROCESS_CPUTIME_ID);
  const double wall0 = clock_seconds (CLOCK_MONOTONIC);
  const double ctxsw0 = context_switches ();

  bool eos = false;
  if (gst_element_set_state (pipeline, GST_STATE_PLAYING)
      == GST_STATE_CHANGE_FAILURE)
    r.why = "the state change to PLAYING failed";
  else
    for (;;)
      {
        GstMessage *msg = gst_bus_timed_pop_filtered (
            bus, 300 * GST_SECOND,
            (GstMessageType)(GST_MESSAGE_EOS | GST_MESSAGE_ERROR
                             | GST_MESSAGE_WARNING | GST_MESSAGE_ELEMENT));
        if (!msg)
          {
            r.why = "no EOS within 300 s";
            break;
          }
        const GstMessageType type = GST_MESSAGE_TYPE (msg);
        if (type == GST_MESSAGE_EOS)
          eos = true;
        else if (type == GST_MESSAGE_ERROR || type == GST_MESSAGE_WARNING)
          {
            GError *err = NULL;
            if (type == GST_MESSAGE_ERROR)
              gst_message_parse_error (msg, &err, NULL);
            else
              gst_message_parse_warning (msg, &err, NULL);
            gchar *src = gst_object_get_path_string (GST_MESSAGE_SRC (msg));
            g_printerr ("bench-recorder: %s from %s: %s\n",
                        type == GST_MESSAGE_ERROR ? "ERROR" : "WARNING", src,
                        err ? err->message : "?");
            if (r.why.empty ())
              r.why = std::string (type == GST_MESSAGE_ERROR ? "ERROR: "
                                                             : "WARNING: ")
                      + (err ? err->message : "?");
            g_free (src);
            g_clear_error (&err);
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
                  r.samples = (long long)samples;
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

  r.cpu_s = clock_seconds (CLOCK_PROCESS_CPUTIME_ID) - cpu0;
  r.wall_s = clock_seconds (CLOCK_MONOTONIC) - wall0;
  r.ctxsw = context_switches () - ctxsw0;
  if (measured)
    BENCH_INSTR_STOP ();

  gst_object_unref (bus);
  gst_object_unref (pipeline);

  struct stat st;
  if (stat (out.c_str (), &st) == 0)
    r.file_bytes = (long long)st.st_size;
  if (format == "wav")
    r.wav_sha1 = file_sha1 (out);
  unlink (out.c_str ());

  if (r.why.empty () && !eos)
    r.why = "no EOS";
  if (r.why.empty () && recorder && status != "ok")
    r.why = "recorderbin-done status '" + status + "', expected 'ok'";
  const long long samples = (long long)buffers * kSamplesPerBuffer;
  if (r.why.empty () && r.encoder_channels != kPads)
    r.why = "the encoder took " + std::to_string (r.encoder_channels)
            + " channels, expected " + std::to_string (kPads);
  if (r.why.empty () && recorder && r.samples != samples)
    r.why = "recorderbin-done samples " + std::to_string (r.samples)
            + ", expected " + std::to_string (samples);
  if (r.why.empty () && format == "wav"
      && r.file_bytes != 44 + samples * kPads * 2)
    r.why = "WAV file of " + std::to_string (r.file_bytes) + " bytes, expected "
            + std::to_string (44 + samples * kPads * 2);
  r.ok = r.why.empty ();
  return r;
}

/* ---- peak memory in a child process ------------------------------------- */

/* Peak resident set size (KiB) of this process image: VmHWM, which exec
 * resets. ru_maxrss does not do for a child: Linux keeps in it the RSS the
 * child had before exec, a copy of the parent's (so it is never below the
 * parent's RSS at fork time). */
long
peak_rss_kib (void)
{
  long kib = -1;
  FILE *f = fopen ("/proc/self/status", "r");
  if (!f)
    return -1;
  char line[256];
  while (fgets (line, sizeof line, f))
    if (sscanf (line, "VmHWM: %ld kB", &kib) == 1)
      break;
  fclose (f);
  return kib;
}

/* Runs `--child ARGS` of this binary; returns the peak RSS (KiB) it
 * reports, or -1. */
long
child_peak_rss (const Options &opt, const std::vector<std::string> &args)
{
  std::vector<std::string> argv_s{ opt.self_exe, "--child" };
  argv_s.insert (argv_s.end (), args.begin (), args.end ());
  argv_s.push_back ("--tmpdir");
  argv_s.push_back (opt.tmpdir);
  std::vector<char *> argv;
  for (std::string &s : argv_s)
    argv.push_back (&s[0]);
  argv.push_back (NULL);

  int fds[2];
  if (pipe (fds) != 0)
    return -1;
  fflush (stdout);
  fflush (stderr);
  pid_t pid = fork ();
  if (pid < 0)
    {
      close (fds[0]);
      close (fds[1]);
      return -1;
    }
  if (pid == 0)
    {
      close (fds[0]);
      dup2 (fds[1], STDOUT_FILENO);
      close (fds[1]);
      execv (argv[0], argv.data ());
      _exit (127);
    }
  close (fds[1]);
  std::string out;
  char buf[256];
  ssize_t n;
  while ((n = read (fds[0], buf, sizeof buf)) != 0)
    {
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        break;
      out.append (buf, (size_t)n);
    }
  close (fds[0]);
  int wstatus = 0;
  pid_t w;
  do
    w = waitpid (pid, &wstatus, 0);
  while (w < 0 && errno == EINTR);
  long kib = -1;
  if (w != pid || !WIFEXITED (wstatus) || WEXITSTATUS (wstatus) != 0
      || sscanf (out.c_str (), "peak-rss-kib %ld", &kib) != 1)
    {
      g_printerr ("bench-recorder: child %s failed (status 0x%x)\n",
                  args.empty () ? "?" : args[0].c_str (), wstatus);
      return -1;
    }
  return kib;
}

/* In the child: one run of a variant (args: variant format buffers
 * holdback-seconds); prints its peak RSS on stdout. */
int
child_main (const Options &opt, const std::vector<std::string> &args)
{
  if (args.size () != 4)
    return 2;
  const bool recorder = args[0] == "recorder";
  RunResult r = run_once (opt, recorder, args[1], atoi (args[2].c_str ()),
                          g_ascii_strtod (args[3].c_str (), NULL));
  if (!r.ok)
    {
      g_printerr ("bench-recorder: child run invalid: %s\n", r.why.c_str ());
      return 1;
    }
  printf ("peak-rss-kib %ld\n", peak_rss_kib ());
  return 0;
}

/* ---- statistics and report ---------------------------------------------- */

double
median (std::vector<double> v)
{
  if (v.empty ())
    return 0;
  std::sort (v.begin (), v.end ());
  const size_t n = v.size ();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

struct Series
{
  std::vector<double> cpu, wall, ctxsw, rss;
  std::vector<double> rss_short; /* one buffer per pad */
};

std::string
fmt_ratio (double num, double den)
{
  if (den <= 0 || num <= 0)
    return "nan";
  char buf[32];
  g_snprintf (buf, sizeof buf, "%.3f", num / den);
  return buf;
}

const char *
verdict (double num, double den, double target)
{
  if (target <= 0)
    return "(no target)";
  if (den <= 0 || num <= 0)
    return "n/a";
  return num / den <= target ? "PASS" : "MISS";
}

void
usage (void)
{
  g_print (
      "usage: bench-recorder [--iterations R] [--seconds S]\n"
      "                      [--scenario ogg-opus,wav,agent|all]\n"
      "                      [--variant both|bare|recorder] [--no-rss]\n"
      "                      [--no-warmup] [--tmpdir DIR] [--verbose]\n"
      "Ratios of recorderbin against the bare GStreamer chain on the same\n"
      "input. Callgrind: valgrind --tool=callgrind --instr-atstart=no \\\n"
      "    bench-recorder --iterations 1 --scenario wav [--no-rss]\n");
}

} // namespace

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);

  Options opt;
  std::vector<std::string> child_args;
  bool child = false;
  for (int i = 1; i < argc; i++)
    {
      const std::string a = argv[i];
      auto next = [&] () -> std::string {
        if (i + 1 >= argc)
          {
            usage ();
            exit (2);
          }
        return argv[++i];
      };
      if (a == "--iterations")
        opt.iterations = std::max (1, atoi (next ().c_str ()));
      else if (a == "--seconds")
        opt.seconds = std::max (1, atoi (next ().c_str ()));
      else if (a == "--scenario")
        {
          std::string v = next ();
          opt.scenarios.clear ();
          if (v == "all")
            opt.scenarios = { "ogg-opus", "wav", "agent" };
          else
            {
              gchar **parts = g_strsplit (v.c_str (), ",", -1);
              for (gchar **p = parts; *p; p++)
                opt.scenarios.push_back (*p);
              g_strfreev (parts);
            }
        }
      else if (a == "--variant")
        {
          std::string v = next ();
          opt.run_bare = v == "both" || v == "bare";
          opt.run_recorder = v == "both" || v == "recorder";
          if (!opt.run_bare && !opt.run_recorder)
            {
              usage ();
              return 2;
            }
        }
      else if (a == "--no-rss")
        opt.rss = false;
      else if (a == "--no-warmup")
        opt.warmup = false;
      else if (a == "--verbose")
        opt.verbose = true;
      else if (a == "--tmpdir")
        opt.tmpdir = next ();
      else if (a == "--child")
        {
          child = true;
          while (i + 1 < argc && strncmp (argv[i + 1], "--", 2) != 0)
            child_args.push_back (argv[++i]);
        }
      else if (a == "--help" || a == "-h")
        {
          usage ();
          return 0;
        }
      else
        {
          usage ();
          return 2;
        }
    }
  if (opt.tmpdir.empty ())
    {
      const char *d = g_getenv ("RECORDER_BENCH_TMPDIR");
      opt.tmpdir = d ? d : g_get_tmp_dir ();
    }
  if (child)
    return child_main (opt, child_args);

  {
    gchar *exe = g_file_read_link ("/proc/self/exe", NULL);
    opt.self_exe = exe ? exe : argv[0];
    g_free (exe);
  }

  const std::vector<Scenario> all = {
    { "ogg-opus", "ogg-opus", 0, 1.3, 1.5 },
    { "wav", "wav", 0, 2.0, 1.5 },
    { "agent", "ogg-opus", kAgentHoldbackSeconds, 0, 0 },
  };
  std::vector<Scenario> chosen;
  for (const std::string &name : opt.scenarios)
    {
      auto it
          = std::find_if (all.begin (), all.end (),
                          [&] (const Scenario &s) { return s.name == name; });
      if (it == all.end ())
        {
          g_printerr ("bench-recorder: unknown scenario '%s'\n", name.c_str ());
          usage ();
          return 2;
        }
      chosen.push_back (*it);
    }

  g_print ("recorderbin benchmark: %d pads x %d s of S16LE 48 kHz mono "
           "(audiotestsrc, %d-sample buffers), R=%d, %s\n",
           kPads, opt.seconds, kSamplesPerBuffer, opt.iterations,
           gst_version_string ());
  g_print ("cpu = CLOCK_PROCESS_CPUTIME_ID (all threads), wall = "
           "CLOCK_MONOTONIC, both over PLAYING -> EOS -> NULL, in process;\n"
           "rss = peak RSS (VmHWM) of a child process running one variant "
           "(the whole process).\n\n");
  fflush (stdout);

  bool invalid = false;
  auto check
      = [&] (const RunResult &r, const char *what, const std::string &sc) {
          if (r.ok)
            return;
          invalid = true;
          g_printerr ("bench-recorder: INVALID %s run in %s: %s\n", what,
                      sc.c_str (), r.why.c_str ());
        };

  std::vector<std::string> bench_lines;
  for (const Scenario &sc : chosen)
    {
      const int buffers = opt.seconds * kRate / kSamplesPerBuffer;
      char hb[32];
      g_ascii_dtostr (hb, sizeof hb, sc.holdback_s);
      if (opt.warmup)
        {
          /* Untimed: first-run costs (page cache, lazily built tables). */
          if (opt.run_bare)
            check (run_once (opt, false, sc.format, 100, 0, false),
                   "warm-up bare", sc.name);
          if (opt.run_recorder)
            check (run_once (opt, true, sc.format, 100, sc.holdback_s, false),
                   "warm-up recorder", sc.name);
        }
      Series bare, rec;
      long long bare_bytes = -1, rec_bytes = -1;
      std::string bare_sha1, rec_sha1;
      for (int i = 0; i < opt.iterations; i++)
        {
          /* Interleaved, alternating which goes first. */
          for (int k = 0; k < 2; k++)
            {
              const bool recorder = (k == 0) == (i % 2 == 1);
              if (recorder ? !opt.run_recorder : !opt.run_bare)
                continue;
              RunResult r = run_once (opt, recorder, sc.format, buffers,
                                      recorder ? sc.holdback_s : 0);
              check (r, recorder ? "recorder" : "bare", sc.name);
              Series &s = recorder ? rec : bare;
              s.cpu.push_back (r.cpu_s);
              s.wall.push_back (r.wall_s);
              s.ctxsw.push_back (r.ctxsw);
              (recorder ? rec_bytes : bare_bytes) = r.file_bytes;
              (recorder ? rec_sha1 : bare_sha1) = r.wav_sha1;
            }
        }
      if (opt.rss)
        for (int i = 0; i < opt.iterations; i++)
          for (int k = 0; k < 2; k++)
            {
              const bool recorder = (k == 0) == (i % 2 == 1);
              if (recorder ? !opt.run_recorder : !opt.run_bare)
                continue;
              /* The full run, and the same variant with one buffer per
               * pad: what the length of the recording costs. */
              for (int len : { buffers, 1 })
                {
                  long kb = child_peak_rss (
                      opt, { recorder ? "recorder" : "bare", sc.format,
                             std::to_string (len), recorder ? hb : "0" });
                  if (kb < 0)
                    invalid = true;
                  Series &s = recorder ? rec : bare;
                  (len == 1 ? s.rss_short : s.rss).push_back ((double)kb);
                }
            }

      /* Same work: for WAV the two files are the same bytes (the
       * non-live input is recorded whole, sample for sample). */
      if (sc.format == "wav" && opt.run_bare && opt.run_recorder
          && bare_sha1 != rec_sha1)
        {
          invalid = true;
          g_printerr ("bench-recorder: INVALID: in %s the recorderbin file "
                      "differs from the bare one (sha1 %s vs %s)\n",
                      sc.name.c_str (), rec_sha1.c_str (), bare_sha1.c_str ());
        }
      const double bc = median (bare.cpu), rc = median (rec.cpu);
      const double bw = median (bare.wall), rw = median (rec.wall);
      const double br = median (bare.rss), rr = median (rec.rss);
      const double bx = median (bare.ctxsw), rx = median (rec.ctxsw);
      g_print ("== %s: %s%s\n", sc.name.c_str (),
               sc.format == "wav" ? "wavenc" : "opusenc ! oggmux",
               sc.holdback_s > 0 ? ", recorderbin sink_1 holdback=30 s" : "");
      g_print ("  %-10s %13s %13s %11s %11s %11s\n", "variant", "cpu ms (med)",
               "wall ms (med)", "vol ctxsw", "peak RSS KiB", "file bytes");
      if (opt.run_bare)
        g_print ("  %-10s %13.1f %13.1f %11.0f %11.0f %11lld\n", "bare",
                 bc * 1e3, bw * 1e3, bx, br, bare_bytes);
      if (opt.run_recorder)
        g_print ("  %-10s %13.1f %13.1f %11.0f %11.0f %11lld\n", "recorder",
                 rc * 1e3, rw * 1e3, rx, rr, rec_bytes);
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
          for (size_t i = 0; i < std::max (bare.rss.size (), rec.rss.size ());
               i++)
            {
              if (i < bare.rss.size ())
                g_print (" bare %.0f", bare.rss[i]);
              if (i < rec.rss.size ())
                g_print (" rec %.0f", rec.rss[i]);
            }
        }
      g_print ("\n");
      if (opt.run_bare && opt.run_recorder)
        {
          g_print ("  ratio recorder/bare: cpu %s  wall %s  rss %s  (voluntary "
                   "context switches %s)\n",
                   fmt_ratio (rc, bc).c_str (), fmt_ratio (rw, bw).c_str (),
                   fmt_ratio (rr, br).c_str (), fmt_ratio (rx, bx).c_str ());
          if (opt.rss)
            {
              const double bs = median (bare.rss_short),
                           rs = median (rec.rss_short);
              g_print ("  peak RSS of a 1-buffer run: bare %.0f KiB, recorder "
                       "%.0f KiB; growth to %d s: bare %+.0f KiB, recorder "
                       "%+.0f KiB\n",
                       bs, rs, opt.seconds, br - bs, rr - rs);
              g_print ("  recorder - bare: %+.0f KiB (full run), %+.0f KiB "
                       "(1-buffer run)\n",
                       rr - br, rs - bs);
            }
          if (sc.holdback_s > 0)
            g_print ("  held audio expected: %.0f s x %d Hz x 2 bytes = %.0f "
                     "KiB of payload\n",
                     sc.holdback_s, kRate, sc.holdback_s * kRate * 2 / 1024);
          if (sc.target_cpu > 0)
            g_print ("  targets: cpu <= %.1f %s, rss <= %.1f %s%s\n",
                     sc.target_cpu, verdict (rc, bc, sc.target_cpu),
                     sc.target_rss,
                     opt.rss ? verdict (rr, br, sc.target_rss) : "n/a",
                     "  (reported, not enforced)");
          else
            g_print ("  targets: none (held audio is expected to cost "
                     "memory)\n");
          std::string line
              = "BENCH " + sc.name + " ratio_cpu=" + fmt_ratio (rc, bc)
                + " ratio_wall=" + fmt_ratio (rw, bw) + " ratio_rss="
                + fmt_ratio (rr, br) + " ratio_ctxsw=" + fmt_ratio (rx, bx);
          bench_lines.push_back (line);
        }
      g_print ("\n");
      fflush (stdout);
    }
  for (const std::string &l : bench_lines)
    g_print ("%s\n", l.c_str ());
  if (invalid)
    {
      g_printerr ("bench-recorder: some runs were invalid (see above): the "
                  "numbers do not measure a correct recording\n");
      return 1;
    }
  return 0;
}
