/* recorderbin — libFuzzer target for the real element.
 *
 * Each input builds a pipeline with one recorderbin (format=wav; the file
 * goes to a temporary location, or into a fakesink given as `sink`) with
 * two request pads, each fed from a plain GstPad of the harness by a thread
 * of its own, and plays a byte-coded sequence into it:
 *  - buffers: S16LE or F32LE, mono or stereo, of any size (also zero bytes
 *    and partial frames), with a PTS that continues the pad's audio, jumps
 *    ahead (a gap), goes back, repeats, is 0, or is absent;
 *  - events on a pad: caps (to another rate, format or channel count, or
 *    caps the bin refuses), SEGMENT (TIME with a start, or bad ones: BYTES,
 *    rate 2.0, applied rate 0.5), GAP (with and without a duration),
 *    FLUSH_START / FLUSH_STOP (and a fresh segment), EOS on one pad, the
 *    custom events recorderbin-interrupt / -pause / -resume (running-time
 *    as guint64, gint64, GST_CLOCK_TIME_NONE, absent, or malformed), an
 *    unknown recorderbin-* event, and the OOB variant;
 *  - from the application thread: the interrupt / pause / resume signals
 *    (also for a pad that does not exist), pause-recording /
 *    resume-recording as signals or as events sent to the bin, and short
 *    sleeps so that a live clock runs;
 *  - at the end: EOS on every pad, or EOS sent to the bin, or the state
 *    set to NULL mid-recording (a teardown).
 * The header picks live or not (the feeding pads answer the latency query
 * as a live source with some latency), holdbacks, channel mode (per-pad,
 * mix, separate files), pause mode, on-error, rate (48000, 16000 or 0) and
 * a short eos-timeout.
 *
 * Checks (abort() on failure): no crash and no sanitizer report; the
 * pipeline reaches PLAYING; after the last EOS (on the pads or to the bin)
 * the pipeline posts EOS within eos-timeout + 1 s; setting it to NULL
 * returns SUCCESS, within 2 s; exactly one recorderbin-done message was
 * posted, with a status of ok, error or timeout.
 *
 * Feeding: the bin blocks a pushing thread while that pad has more than
 * 200 ms committed and another pad of its file has none, so every pad has
 * a thread of its own. The application thread hands each step to the
 * pad's thread and waits up to 20 ms for it, so that steps keep their
 * order unless one blocks (then the other pad's steps move the output on,
 * and in the end its EOS does).
 *
 * GStreamer is initialized once (LLVMFuzzerInitialize). Built with
 * RECORDER_FUZZ_STATIC_PLUGIN (the libFuzzer build), the plugin is
 * compiled into the binary and registered statically, so that its code is
 * instrumented; otherwise it is found through GST_PLUGIN_PATH_1_0.
 * RECORDER_FUZZ_TRACE=1 prints every step to stderr;
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/audio/audio.h>
#include <gst/gst.h>

#include <glib/gstdio.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "fuzz-common.h"

#ifdef RECORDER_FUZZ_STATIC_PLUGIN
extern "C" void gst_plugin_recorder_register (void);
#endif

[[noreturn]] void
fuzz::fail (const char *file, int line, const char *what)
{
  std::fprintf (stderr, "fuzz_element: %s:%d: check failed: %s\n", file, line,
                what);
  std::abort ();
}

namespace
{

constexpr GstClockTime kMs = GST_MSECOND;
constexpr unsigned kPads = 2;
constexpr unsigned kMaxSteps = 48;

std::string g_tmpdir;

/* The input, with time steps of the element's own (step hides the core
 * targets' one): in 48 kHz samples. */
class Bytes : public fuzz::Bytes
{
public:
  using fuzz::Bytes::Bytes;
  /* A time step: often 0 or a few samples, else up to ~330 ms. */
  GstClockTime step ()
  {
    const std::uint8_t k = u8 ();
    if (k < 48)
      return 0;
    if (k < 112)
      return (k - 48) * GstClockTime (20833);
    return u16 () * GstClockTime (5000);
  }
};

/* A thread that runs one pad's steps in order. */
class Worker
{
public:
  Worker () : thread_ ([this] { run (); }) {}
  ~Worker ()
  {
    {
      std::lock_guard<std::mutex> lk (lock_);
      quit_ = true;
    }
    cond_.notify_all ();
    thread_.join ();
  }
  void post (std::function<void ()> fn)
  {
    {
      std::lock_guard<std::mutex> lk (lock_);
      jobs_.push_back (std::move (fn));
      posted_++;
    }
    cond_.notify_all ();
  }
  /* Waits until every step posted so far has run, up to `timeout`. */
  bool wait_idle (std::chrono::milliseconds timeout)
  {
    std::unique_lock<std::mutex> lk (lock_);
    return cond_.wait_for (lk, timeout, [this] { return done_ == posted_; });
  }

private:
  void run ()
  {
    std::unique_lock<std::mutex> lk (lock_);
    for (;;)
      {
        cond_.wait (lk, [this] { return quit_ || !jobs_.empty (); });
        if (jobs_.empty ())
          return;
        std::function<void ()> fn = std::move (jobs_.front ());
        jobs_.pop_front ();
        lk.unlock ();
        fn ();
        lk.lock ();
        done_++;
        cond_.notify_all ();
      }
  }
  std::mutex lock_;
  std::condition_variable cond_;
  std::deque<std::function<void ()>> jobs_;
  std::uint64_t posted_ = 0, done_ = 0;
  bool quit_ = false;
  std::thread thread_;
};

struct Feed
{
  GstPad *src = nullptr;
  GstClockTime latency = 0;
  bool live = false;
  /* Written by the application thread when it decides the step. */
  int rate = 48000;
  int channels = 1;
  GstAudioFormat format = GST_AUDIO_FORMAT_S16LE;
  GstClockTime next_pts = 0;
  bool ended = false;
};

gboolean
feed_query (GstPad *pad, GstObject *parent, GstQuery *query)
{
  if (GST_QUERY_TYPE (query) == GST_QUERY_LATENCY)
    {
      const Feed *f
          = static_cast<const Feed *> (gst_pad_get_element_private (pad));
      gst_query_set_latency (query, f->live, f->live ? f->latency : 0,
                             GST_CLOCK_TIME_NONE);
      return TRUE;
    }
  return gst_pad_query_default (pad, parent, query);
}

GstCaps *
audio_caps (GstAudioFormat format, int rate, int channels)
{
  GstAudioInfo info;
  gst_audio_info_set_format (&info, format, rate, channels, NULL);
  return gst_audio_info_to_caps (&info);
}

const int kRates[] = { 8000, 16000, 22050, 44100, 48000 };

/* A caps event, usually a usable one; sometimes one the bin refuses. */
GstEvent *
caps_event (Bytes &in, Feed &f)
{
  const std::uint8_t k = in.u8 ();
  GstCaps *caps;
  if (k < 200)
    {
      f.rate = kRates[k % 5];
      f.channels = 1 + (k / 5) % 2;
      f.format = (k / 10) % 2 ? GST_AUDIO_FORMAT_F32LE : GST_AUDIO_FORMAT_S16LE;
      caps = audio_caps (f.format, f.rate, f.channels);
      if (k % 7 == 0)
        gst_caps_set_simple (caps, "layout", G_TYPE_STRING, "non-interleaved",
                             NULL);
    }
  else if (k < 220)
    caps = gst_caps_from_string (
        "audio/x-raw, format=S16LE, layout=interleaved, rate=0, channels=1");
  else if (k < 240)
    caps = audio_caps (GST_AUDIO_FORMAT_S16LE, 48000, 64);
  else
    caps = gst_caps_from_string (
        "audio/x-raw, format=S16LE, layout=interleaved, rate=16000, "
        "channels=3, channel-mask=(bitmask)0x0");
  if (fuzz::tracing ())
    {
      gchar *str = gst_caps_to_string (caps);
      TRACE ("  caps %s\n", str);
      g_free (str);
    }
  GstEvent *ev = gst_event_new_caps (caps);
  gst_caps_unref (caps);
  return ev;
}

GstEvent *
segment_event (Bytes &in)
{
  const std::uint8_t k = in.u8 ();
  GstSegment seg;
  if (k % 8 == 5)
    gst_segment_init (&seg, GST_FORMAT_BYTES);
  else
    gst_segment_init (&seg, GST_FORMAT_TIME);
  if (k % 8 == 6)
    seg.rate = 2.0;
  else if (k % 8 == 7)
    seg.applied_rate = 0.5;
  else if (k % 8 >= 3 && seg.format == GST_FORMAT_TIME)
    {
      seg.start = (k >> 3) * 20 * kMs;
      seg.time = seg.start;
      if (k & 0x80)
        seg.base = 100 * kMs;
    }
  TRACE ("  segment %s rate %g applied %g start %" GST_TIME_FORMAT "\n",
         gst_format_get_name (seg.format), seg.rate, seg.applied_rate,
         GST_TIME_ARGS (seg.start));
  return gst_event_new_segment (&seg);
}

/* A recorderbin-* custom event for a pad. */
GstEvent *
control_event (Bytes &in, GstClockTime near)
{
  static const char *const kinds[]
      = { "recorderbin-interrupt", "recorderbin-pause", "recorderbin-resume",
          "recorderbin-pause-recording", "recorderbin-bogus" };
  const std::uint8_t k = in.u8 ();
  const GstClockTime d = in.step ();
  const GstClockTime t = (k & 0x10) && near > d ? near - d : near + d;
  GstStructure *s = gst_structure_new_empty (kinds[k % 5]);
  switch ((k >> 5) & 7)
    {
    case 0:
    case 1:
    case 2:
      gst_structure_set (s, "running-time", G_TYPE_UINT64, (guint64)t, NULL);
      break;
    case 3:
      gst_structure_set (s, "running-time", G_TYPE_INT64, (gint64)t, NULL);
      break;
    case 4:
      gst_structure_set (s, "running-time", G_TYPE_UINT64, GST_CLOCK_TIME_NONE,
                         NULL);
      break;
    case 5:
      break; /* absent: now */
    case 6:
      gst_structure_set (s, "running-time", G_TYPE_STRING, "soon", NULL);
      break;
    default:
      gst_structure_set (s, "running-time", G_TYPE_INT64, (gint64)-5, NULL);
      break;
    }
  if (fuzz::tracing ())
    {
      gchar *str = gst_structure_to_string (s);
      TRACE ("  control %s\n", str);
      g_free (str);
    }
  return gst_event_new_custom (k & 0x08 ? GST_EVENT_CUSTOM_DOWNSTREAM_OOB
                                        : GST_EVENT_CUSTOM_DOWNSTREAM,
                               s);
}

GstBuffer *
audio_buffer (Bytes &in, Feed &f)
{
  const std::uint8_t k = in.u8 ();
  GstAudioInfo info;
  gst_audio_info_set_format (&info, f.format, f.rate, f.channels, NULL);
  const int bpf = GST_AUDIO_INFO_BPF (&info);
  /* Up to ~40 ms; sometimes nothing, sometimes a partial frame. */
  guint64 frames = in.u16 () % (f.rate / 25 + 1);
  gsize extra = 0;
  if (k % 16 == 0)
    frames = 0;
  if (k % 16 == 1)
    extra = 1 + in.u8 () % (bpf > 1 ? bpf - 1 : 1);
  GstBuffer *buf = gst_buffer_new_allocate (NULL, frames * bpf + extra, NULL);
  gst_buffer_memset (buf, 0, (guint8)(k | 1), frames * bpf + extra);
  const GstClockTime dur
      = gst_util_uint64_scale_int (frames, GST_SECOND, f.rate);
  GstClockTime pts;
  switch ((k >> 4) % 8)
    {
    case 0:
      pts = GST_CLOCK_TIME_NONE;
      break;
    case 1:
    case 2:
    case 3:
      pts = f.next_pts;
      break;
    case 4:
      pts = f.next_pts + in.step ();
      break;
    case 5:
      {
        const GstClockTime back = in.step ();
        pts = f.next_pts > back ? f.next_pts - back : 0;
        break;
      }
    case 6:
      pts = f.next_pts + in.u8 () * (GST_SECOND / f.rate) / 64;
      break;
    default:
      pts = (k & 0x80) ? 0 : f.next_pts + 2 * GST_SECOND;
      break;
    }
  GST_BUFFER_PTS (buf) = pts;
  GST_BUFFER_DURATION (buf) = (k & 0x40) ? GST_CLOCK_TIME_NONE : dur;
  if (k & 0x20)
    GST_BUFFER_FLAG_SET (buf, GST_BUFFER_FLAG_DISCONT);
  f.next_pts = (GST_CLOCK_TIME_IS_VALID (pts) ? pts : f.next_pts) + dur;
  TRACE ("  buffer %" GST_TIME_FORMAT " %" G_GUINT64_FORMAT
         " frames +%" G_GSIZE_FORMAT " bytes @%d\n",
         GST_TIME_ARGS (pts), frames, extra, f.rate);
  return buf;
}

unsigned
count_done (GstBus *bus, std::string *status)
{
  unsigned done = 0;
  while (GstMessage *m = gst_bus_pop (bus))
    {
      if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_ELEMENT
          && gst_message_has_name (m, "recorderbin-done"))
        {
          done++;
          const gchar *s = gst_structure_get_string (
              gst_message_get_structure (m), "status");
          *status = s ? s : "(none)";
        }
      gst_message_unref (m);
    }
  return done;
}

/* Pops the bus until EOS, keeping the done messages' count; false on
 * timeout. */
bool
wait_eos (GstBus *bus, GstClockTime timeout, unsigned *done,
          std::string *status)
{
  const gint64 deadline = g_get_monotonic_time () + (gint64)(timeout / 1000);
  for (;;)
    {
      const gint64 left = deadline - g_get_monotonic_time ();
      if (left <= 0)
        return false;
      GstMessage *m = gst_bus_timed_pop (bus, (GstClockTime)left * 1000);
      if (!m)
        return false;
      const bool eos = GST_MESSAGE_TYPE (m) == GST_MESSAGE_EOS;
      if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_ELEMENT
          && gst_message_has_name (m, "recorderbin-done"))
        {
          (*done)++;
          const gchar *s = gst_structure_get_string (
              gst_message_get_structure (m), "status");
          *status = s ? s : "(none)";
        }
      if (fuzz::tracing ()
          && (GST_MESSAGE_TYPE (m) == GST_MESSAGE_ERROR
              || GST_MESSAGE_TYPE (m) == GST_MESSAGE_WARNING))
        {
          GError *err = NULL;
          if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_ERROR)
            gst_message_parse_error (m, &err, NULL);
          else
            gst_message_parse_warning (m, &err, NULL);
          TRACE ("  %s: %s\n",
                 GST_MESSAGE_TYPE (m) == GST_MESSAGE_ERROR ? "ERROR"
                                                           : "WARNING",
                 err ? err->message : "?");
          g_clear_error (&err);
        }
      gst_message_unref (m);
      if (eos)
        return true;
    }
}

double
seconds_since (std::chrono::steady_clock::time_point t)
{
  return std::chrono::duration<double> (std::chrono::steady_clock::now () - t)
      .count ();
}

} // namespace

#ifdef RECORDER_FUZZ_STATIC_PLUGIN
/* Any undefined behaviour ends the run, unless UBSAN_OPTIONS suppresses it
 * (the libFuzzer build makes it recoverable for that). */
extern "C" const char *
__ubsan_default_options ()
{
  return "halt_on_error=1:print_stacktrace=1";
}
#endif

extern "C" int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  gst_init (NULL, NULL);
#ifdef RECORDER_FUZZ_STATIC_PLUGIN
  gst_plugin_recorder_register ();
#endif
  for (const char *factory :
       { "recorderbin", "wavenc", "fakesink", "filesink", "audioconvert" })
    {
      GstPluginFeature *feature
          = gst_registry_lookup_feature (gst_registry_get (), factory);
      if (!feature)
        {
          std::fprintf (stderr, "fuzz_element: no element %s\n", factory);
          std::abort ();
        }
      gst_object_unref (feature);
    }
  gchar *dir = g_dir_make_tmp ("recorderbin-fuzz-XXXXXX", NULL);
  FUZZ_CHECK (dir != NULL);
  g_tmpdir = dir;
  g_free (dir);
  std::atexit ([] { g_rmdir (g_tmpdir.c_str ()); });
  return 0;
}

extern "C" int
LLVMFuzzerTestOneInput (const std::uint8_t *data, std::size_t size)
{
  Bytes in (data, size);
  const std::uint8_t flags = in.u8 ();
  const std::uint8_t modes = in.u8 ();
  const bool live = flags & 0x01;
  const bool to_file = flags & 0x02;
  const bool collapse = flags & 0x04;
  const bool propagate = flags & 0x08;
  const unsigned ending = (flags >> 4) & 3; /* pads' EOS, bin EOS, NULL */
  const char *channel_mode = (modes % 3) == 0   ? "per-pad"
                             : (modes % 3) == 1 ? "mix"
                                                : "separate";
  if (!to_file && g_str_equal (channel_mode, "separate"))
    channel_mode = "per-pad"; /* a sink cannot be shared */
  const int rate = ((modes >> 2) % 3) == 0   ? 48000
                   : ((modes >> 2) % 3) == 1 ? 16000
                                             : 0;
  const GstClockTime eos_timeout = (100 + 50 * ((modes >> 4) % 4)) * kMs;
  static const GstClockTime kHoldbacks[]
      = { 0, 0, 20 * kMs, 150 * kMs, 600 * kMs, 10 * GST_SECOND };
  TRACE ("%s, %s, %s, %s, %s, rate %d, eos-timeout %" GST_TIME_FORMAT
         ", ending %u\n",
         live ? "live" : "not live", to_file ? "file" : "fakesink",
         channel_mode, collapse ? "collapse" : "silence",
         propagate ? "propagate" : "contain", rate, GST_TIME_ARGS (eos_timeout),
         ending);

  GstElement *pipeline = gst_pipeline_new (NULL);
  /* Keep the messages for counting after NULL. */
  gst_pipeline_set_auto_flush_bus (GST_PIPELINE (pipeline), FALSE);
  GstElement *bin = gst_element_factory_make ("recorderbin", "rec");
  FUZZ_CHECK (bin != NULL);
  gst_util_set_object_arg (G_OBJECT (bin), "format", "wav");
  gst_util_set_object_arg (G_OBJECT (bin), "channel-mode", channel_mode);
  gst_util_set_object_arg (G_OBJECT (bin), "pause-mode",
                           collapse ? "collapse" : "silence");
  gst_util_set_object_arg (G_OBJECT (bin), "on-error",
                           propagate ? "propagate" : "contain");
  g_object_set (bin, "rate", rate, "eos-timeout", (guint64)eos_timeout, NULL);
  std::string location;
  if (to_file)
    {
      location = g_tmpdir + "/rec-%u.wav";
      if (!g_str_equal (channel_mode, "separate"))
        location = g_tmpdir + "/rec.wav";
      g_object_set (bin, "location", location.c_str (), NULL);
    }
  else
    {
      GstElement *sink = gst_element_factory_make ("fakesink", NULL);
      g_object_set (sink, "sync", FALSE, "async", FALSE, NULL);
      g_object_set (bin, "sink", sink, NULL);
    }
  gst_bin_add (GST_BIN (pipeline), bin);
  GstBus *bus = gst_element_get_bus (pipeline);

  Feed feeds[kPads];
  for (unsigned i = 0; i < kPads; i++)
    {
      const std::uint8_t b = in.u8 ();
      GstPad *sink = gst_element_request_pad_simple (bin, "sink_%u");
      FUZZ_CHECK (sink != NULL);
      g_object_set (sink, "holdback", (guint64)kHoldbacks[b % 6], NULL);
      Feed &f = feeds[i];
      f.live = live;
      f.latency = ((b >> 3) % 4) * 20 * kMs;
      gchar *name = g_strdup_printf ("feed_%u", i);
      f.src = gst_pad_new (name, GST_PAD_SRC);
      g_free (name);
      gst_pad_set_element_private (f.src, &f);
      gst_pad_set_query_function (f.src, feed_query);
      FUZZ_CHECK (gst_pad_link (f.src, sink) == GST_PAD_LINK_OK);
      gst_object_unref (sink);
      gst_pad_set_active (f.src, TRUE);
      TRACE ("pad %u: holdback %" GST_TIME_FORMAT ", latency %" GST_TIME_FORMAT
             "\n",
             i, GST_TIME_ARGS (kHoldbacks[b % 6]), GST_TIME_ARGS (f.latency));
    }

  FUZZ_CHECK (gst_element_set_state (pipeline, GST_STATE_PLAYING)
              != GST_STATE_CHANGE_FAILURE);
  FUZZ_CHECK (gst_element_get_state (pipeline, NULL, NULL, 5 * GST_SECOND)
              == GST_STATE_CHANGE_SUCCESS);
  GstClockTime origin = 0;
  if (live)
    {
      /* Live audio starts around the pipeline's running time now. */
      GstClock *clock = gst_element_get_clock (pipeline);
      if (clock)
        {
          const GstClockTime now = gst_clock_get_time (clock);
          const GstClockTime base = gst_element_get_base_time (pipeline);
          origin = now > base ? now - base : 0;
          gst_object_unref (clock);
        }
    }

  {
    Worker workers[kPads];
    /* Each pad's stream starts with stream-start, caps and a segment. */
    for (unsigned i = 0; i < kPads; i++)
      {
        Feed &f = feeds[i];
        f.next_pts = origin;
        GstEvent *caps = caps_event (in, f);
        workers[i].post ([&f, i, caps] {
          gchar *id = g_strdup_printf ("fuzz-feed-%u", i);
          gst_pad_push_event (f.src, gst_event_new_stream_start (id));
          g_free (id);
          gst_pad_push_event (f.src, caps);
          GstSegment seg;
          gst_segment_init (&seg, GST_FORMAT_TIME);
          gst_pad_push_event (f.src, gst_event_new_segment (&seg));
        });
      }

    unsigned steps = 0;
    while (!in.empty () && steps++ < kMaxSteps)
      {
        const std::uint8_t op = in.u8 ();
        const unsigned p = (op >> 7) & 1;
        Feed &f = feeds[p];
        Worker &w = workers[p];
        GstPad *src = f.src;
        TRACE ("step %u: pad %u op %u\n", steps, p, op % 16);
        switch (op % 16)
          {
          case 0:
          case 1:
          case 2:
          case 3:
          case 4:
          case 5:
          case 6:
            {
              if (f.ended)
                break;
              GstBuffer *buf = audio_buffer (in, f);
              w.post ([src, buf] { gst_pad_push (src, buf); });
              break;
            }
          case 7:
            {
              if (f.ended)
                break;
              const GstClockTime d = in.step ();
              const GstClockTime dur
                  = (op & 0x40) ? GST_CLOCK_TIME_NONE : in.step ();
              const GstClockTime ts = f.next_pts + d;
              TRACE ("  gap %" GST_TIME_FORMAT " + %" GST_TIME_FORMAT "\n",
                     GST_TIME_ARGS (ts), GST_TIME_ARGS (dur));
              GstEvent *ev = gst_event_new_gap (ts, dur);
              if (GST_CLOCK_TIME_IS_VALID (dur))
                f.next_pts = ts + dur;
              w.post ([src, ev] { gst_pad_push_event (src, ev); });
              break;
            }
          case 8:
            {
              if (f.ended)
                break;
              GstEvent *ev = caps_event (in, f);
              w.post ([src, ev] { gst_pad_push_event (src, ev); });
              break;
            }
          case 9:
            {
              if (f.ended)
                break;
              GstEvent *ev = segment_event (in);
              w.post ([src, ev] { gst_pad_push_event (src, ev); });
              break;
            }
          case 10:
            {
              /* A flush: its start from this thread (it unblocks a push),
               * its stop and a new segment in the stream. */
              if (f.ended)
                break;
              const bool reset = op & 0x40;
              TRACE ("  flush (reset-time %d)\n", reset);
              gst_pad_push_event (src, gst_event_new_flush_start ());
              w.post ([src, reset] {
                gst_pad_push_event (src, gst_event_new_flush_stop (reset));
                GstSegment seg;
                gst_segment_init (&seg, GST_FORMAT_TIME);
                gst_pad_push_event (src, gst_event_new_segment (&seg));
              });
              break;
            }
          case 11:
            {
              if (f.ended)
                break;
              GstEvent *ev = control_event (in, f.next_pts);
              if (GST_EVENT_TYPE (ev) == GST_EVENT_CUSTOM_DOWNSTREAM_OOB)
                gst_pad_push_event (src, ev);
              else
                w.post ([src, ev] { gst_pad_push_event (src, ev); });
              break;
            }
          case 12:
            {
              static const char *const sig[]
                  = { "interrupt", "pause", "resume" };
              const std::uint8_t k = in.u8 ();
              const GstClockTime d = in.step ();
              GstClockTime t = (k & 0x10) && f.next_pts > d ? f.next_pts - d
                                                            : f.next_pts + d;
              if (k & 0x20)
                t = GST_CLOCK_TIME_NONE;
              const char *pad = (k & 0xc0) == 0xc0 ? "sink_9"
                                : p == 0           ? "sink_0"
                                                   : "sink_1";
              TRACE ("  signal %s %s %" GST_TIME_FORMAT "\n", sig[k % 3], pad,
                     GST_TIME_ARGS (t));
              gboolean ret = FALSE;
              g_signal_emit_by_name (bin, sig[k % 3], pad, (guint64)t, &ret);
              FUZZ_CHECK (ret == !g_str_equal (pad, "sink_9"));
              break;
            }
          case 13:
            {
              const std::uint8_t k = in.u8 ();
              const bool pause = k & 1;
              const GstClockTime d = in.step ();
              GstClockTime t = (k & 0x10) && f.next_pts > d ? f.next_pts - d
                                                            : f.next_pts + d;
              if (k & 0x20)
                t = GST_CLOCK_TIME_NONE;
              TRACE ("  %s-recording %" GST_TIME_FORMAT " (%s)\n",
                     pause ? "pause" : "resume", GST_TIME_ARGS (t),
                     k & 2 ? "event" : "signal");
              if (k & 2)
                {
                  GstStructure *s = gst_structure_new (
                      pause ? "recorderbin-pause-recording"
                            : "recorderbin-resume-recording",
                      "running-time", G_TYPE_UINT64, (guint64)t, NULL);
                  FUZZ_CHECK (gst_element_send_event (
                      bin,
                      gst_event_new_custom (GST_EVENT_CUSTOM_DOWNSTREAM, s)));
                }
              else
                {
                  gboolean ret = FALSE;
                  g_signal_emit_by_name (
                      bin, pause ? "pause-recording" : "resume-recording",
                      (guint64)t, &ret);
                  FUZZ_CHECK (ret);
                }
              break;
            }
          case 14:
            if (!f.ended && (op & 0x40))
              {
                TRACE ("  eos\n");
                f.ended = true;
                w.post (
                    [src] { gst_pad_push_event (src, gst_event_new_eos ()); });
              }
            else
              {
                const unsigned ms = in.u8 () % 24;
                TRACE ("  sleep %u ms\n", ms);
                g_usleep (ms * 1000);
              }
            break;
          default:
            {
              /* A duplicate: the same PTS again. */
              if (f.ended)
                break;
              const GstClockTime back
                  = gst_util_uint64_scale_int (in.u8 (), GST_SECOND, f.rate);
              f.next_pts = f.next_pts > back ? f.next_pts - back : 0;
              GstBuffer *buf = audio_buffer (in, f);
              w.post ([src, buf] { gst_pad_push (src, buf); });
              break;
            }
          }
        w.wait_idle (std::chrono::milliseconds (20));
      }

    unsigned done = 0;
    std::string status;
    if (ending == 3)
      {
        /* Teardown mid-recording, while the pads' threads may still push. */
        TRACE ("teardown\n");
        const auto t0 = std::chrono::steady_clock::now ();
        FUZZ_CHECK (gst_element_set_state (pipeline, GST_STATE_NULL)
                    == GST_STATE_CHANGE_SUCCESS);
        const double s = seconds_since (t0);
        TRACE ("  NULL after %.3f s\n", s);
        FUZZ_CHECK (s < 2.0);
        for (Worker &wk : workers)
          FUZZ_CHECK (wk.wait_idle (std::chrono::seconds (10)));
      }
    else
      {
        /* From the last input's end: the bin's, or the last pad's. */
        auto t0 = std::chrono::steady_clock::now ();
        if (ending == 1)
          {
            /* It ends every input: a push waiting for room returns. */
            TRACE ("eos to the bin\n");
            FUZZ_CHECK (gst_element_send_event (bin, gst_event_new_eos ()));
            t0 = std::chrono::steady_clock::now ();
          }
        else
          for (unsigned i = 0; i < kPads; i++)
            if (!feeds[i].ended)
              {
                feeds[i].ended = true;
                GstPad *src = feeds[i].src;
                workers[i].post (
                    [src] { gst_pad_push_event (src, gst_event_new_eos ()); });
              }
        for (Worker &wk : workers)
          FUZZ_CHECK (wk.wait_idle (std::chrono::seconds (10)));
        if (ending != 1)
          t0 = std::chrono::steady_clock::now ();
        TRACE ("inputs ended\n");
        const GstClockTime spent
            = (GstClockTime)(seconds_since (t0) * GST_SECOND);
        const GstClockTime limit = eos_timeout + GST_SECOND;
        const bool eos
            = spent < limit && wait_eos (bus, limit - spent, &done, &status);
        TRACE ("  EOS %d after %.3f s\n", eos, seconds_since (t0));
        FUZZ_CHECK (eos);
        const auto t1 = std::chrono::steady_clock::now ();
        FUZZ_CHECK (gst_element_set_state (pipeline, GST_STATE_NULL)
                    == GST_STATE_CHANGE_SUCCESS);
        FUZZ_CHECK (seconds_since (t1) < 2.0);
      }
    std::string more;
    done += count_done (bus, &more);
    if (!more.empty ())
      status = more;
    TRACE ("  done: %u, status %s\n", done, status.c_str ());
    FUZZ_CHECK (done == 1);
    FUZZ_CHECK (status == "ok" || status == "error" || status == "timeout");
  }

  for (Feed &f : feeds)
    {
      gst_pad_set_active (f.src, FALSE);
      gst_object_unref (f.src);
    }
  gst_object_unref (bus);
  gst_object_unref (pipeline);
  if (to_file)
    {
      g_unlink ((g_tmpdir + "/rec.wav").c_str ());
      for (unsigned i = 0; i < kPads; i++)
        g_unlink ((g_tmpdir + "/rec-" + std::to_string (i) + ".wav").c_str ());
    }
  return 0;
}
