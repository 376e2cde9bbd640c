/* recorderbin benchmark: the live scenarios. N two-pad calls run
 * concurrently in this process in real time, each its own pipeline:
 *
 *   live         recorderbin format=ogg-opus against the bare live chain
 *                (audiointerleave ! opusenc ! oggmux ! filesink); CPU,
 *                threads and context switches per call, and whether every
 *                call stayed real time
 *   live-search  the largest N that stays real time, for both
 *   clip         recorderbin with an interrupt and a pause/resume every
 *                second on the agent pad against the same calls without
 *   memory       RSS per live call and per recording with holdback 0 and
 *                30 s, in fresh child processes
 *
 * Real time (a run of N calls), checked for every call:
 *   1. it ended (EOS) without an ERROR or WARNING;
 *   2. no audio was lost: the Opus file ends at the expected sample
 *      (S x 48000, or later), recorderbin-done reports as many as the file
 *      has, and audiointerleave posted no QoS message for the steady
 *      window (its pads have qos-messages=true: one message per late
 *      buffer it drops or cuts);
 *   3. no backlog: every buffer of the steady window reached the encoder at
 *      most --max-lag-ms (default 200) after the running time of its last
 *      sample.
 * The steady window is the running time [2 s, S - 1 s] of each call: the
 * calls' start (N pipelines started at once in one process, and
 * audiointerleave trimming the first samples of the later input) and their
 * ends are left out of 2 and 3, and reported apart. An overloaded machine
 * falls behind a little more every second, so over a 30 s call a CPU
 * shortfall of about 1 % already breaks 3.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/app/gstappsrc.h>
#include <gst/gst.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <unistd.h>

#include "bench-scenarios.h"

namespace bench
{

namespace
{

/* One call's make-up. */
struct LiveSetup
{
  bool recorder = true;
  int calls = 1;
  double seconds = 30;
  /* sink_1 (the agent) from an appsrc fed ahead of the clock, as a speech
   * synthesizer does, instead of a live audiotestsrc: continuously
   * `lead_s` ahead, or (`utterances`) one 0.9 s utterance a second,
   * heard from second k >= 1 and pushed whole 50 ms before. */
  bool agent_appsrc = false;
  double lead_s = 0;
  bool utterances = false;
  double holdback_s = 0; /* on recorderbin's sink_1 */
  /* Every second k >= 1 (utterances): pause at k+0.2 s, resume at k+0.5 s
   * (the rest of the utterance is heard 0.3 s later), interrupt at k+0.8 s
   * (its last 0.4 s is never heard). */
  bool events = false;
  double sample_at_s = -1; /* read threads and RSS then; < 0: half-way */
  double stop_at_s = -1;   /* send EOS then; < 0: the sources end */
  double max_lag_s = 0.2;
  double bare_latency_ms = 0; /* audiointerleave's latency property */
  bool wav = false;           /* recorderbin format=wav instead of ogg-opus */

  const char *encoder () const { return wav ? "wavenc" : "opusenc"; }

  /* The steady window of running time that criteria 2 and 3 look at. */
  GstClockTime window_from () const
  {
    return seconds >= 4 ? 2 * GST_SECOND : 0;
  }
  GstClockTime window_to () const
  {
    return seconds >= 4 ? (GstClockTime)((seconds - 1) * GST_SECOND)
                        : GST_CLOCK_TIME_NONE;
  }
};

/* Lateness of the buffers through one pad, against the pipeline clock:
 * running time now minus the running time of the buffer's last sample.
 * Written by the pad's streaming thread only, read after the pipeline is
 * in NULL. */
struct LagProbe
{
  GstSegment segment;
  GstClock *clock = nullptr;
  GstClockTime base_time = 0;
  /* Buffers whose last sample falls in [from, to] count. */
  GstClockTime from = 0, to = GST_CLOCK_TIME_NONE;
  /* Signed: a buffer can pass before its last sample's running time. */
  gint64 max_lag = G_MININT64;
  guint64 buffers = 0;
  gint64 max_lag_outside = G_MININT64; /* of the others */
  guint64 all_buffers = 0;

  LagProbe () { gst_segment_init (&segment, GST_FORMAT_TIME); }
  ~LagProbe ()
  {
    if (clock)
      gst_object_unref (clock);
  }
  LagProbe (const LagProbe &) = delete;
  LagProbe &operator= (const LagProbe &) = delete;
};

GstPadProbeReturn
lag_probe (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  auto *p = static_cast<LagProbe *> (data);
  if (GST_PAD_PROBE_INFO_TYPE (info) & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM)
    {
      GstEvent *ev = GST_PAD_PROBE_INFO_EVENT (info);
      if (GST_EVENT_TYPE (ev) == GST_EVENT_SEGMENT)
        {
          const GstSegment *s;
          gst_event_parse_segment (ev, &s);
          gst_segment_copy_into (s, &p->segment);
        }
      return GST_PAD_PROBE_OK;
    }
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  if (!buf || !GST_BUFFER_PTS_IS_VALID (buf))
    return GST_PAD_PROBE_OK;
  if (!p->clock)
    {
      GstObject *parent = gst_pad_get_parent (pad);
      if (!parent)
        return GST_PAD_PROBE_OK;
      p->clock = gst_element_get_clock (GST_ELEMENT (parent));
      p->base_time = gst_element_get_base_time (GST_ELEMENT (parent));
      gst_object_unref (parent);
      if (!p->clock)
        return GST_PAD_PROBE_OK;
    }
  GstClockTime end = GST_BUFFER_PTS (buf);
  if (GST_BUFFER_DURATION_IS_VALID (buf))
    end += GST_BUFFER_DURATION (buf);
  const GstClockTime rt
      = gst_segment_to_running_time (&p->segment, GST_FORMAT_TIME, end);
  const GstClockTime now = gst_clock_get_time (p->clock);
  if (!GST_CLOCK_TIME_IS_VALID (rt) || now < p->base_time)
    return GST_PAD_PROBE_OK;
  const gint64 lag = (gint64)(now - p->base_time) - (gint64)rt;
  p->all_buffers++;
  if (rt < p->from || (GST_CLOCK_TIME_IS_VALID (p->to) && rt > p->to))
    {
      p->max_lag_outside = std::max (p->max_lag_outside, lag);
      return GST_PAD_PROBE_OK;
    }
  p->max_lag = std::max (p->max_lag, lag);
  p->buffers++;
  return GST_PAD_PROBE_OK;
}

void
add_lag_probe (GstElement *element, const char *pad_name, LagProbe *probe,
               const LiveSetup &setup)
{
  probe->from = setup.window_from ();
  probe->to = setup.window_to ();
  GstPad *pad = gst_element_get_static_pad (element, pad_name);
  if (!pad)
    return;
  gst_pad_add_probe (pad,
                     (GstPadProbeType)(GST_PAD_PROBE_TYPE_BUFFER
                                       | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM),
                     lag_probe, probe, NULL);
  gst_object_unref (pad);
}

struct Call
{
  GstElement *pipeline = nullptr;
  GstBus *bus = nullptr;
  GstElement *rec = nullptr;   /* recorderbin, borrowed */
  GstElement *agent = nullptr; /* appsrc, borrowed */
  GstClockTime base_time = GST_CLOCK_TIME_NONE;
  std::string out;
  LagProbe src_lag[2];
  LagProbe enc_lag;
  bool enc_probed = false;

  bool eos = false;
  bool stopped = false; /* EOS sent */
  std::string error;    /* the first ERROR or WARNING */
  const LiveSetup *setup = nullptr;
  long qos = 0;         /* QoS messages in the steady window */
  long qos_outside = 0; /* and out of it */
  std::string status;
  long long done_samples = -1;
  guint64 interrupted = 0, late_events = 0;
  long long file_samples = -1;

  /* The agent's feed: its next buffer starts at this running time. */
  GstClockTime feed_pts = 0;
  guint64 next_utterance = 0;
  guint64 fed_buffers = 0;
  bool feed_ended = false;
  long next_event = 0;
  long events_sent = 0;

  ~Call ()
  {
    if (bus)
      gst_object_unref (bus);
    if (pipeline)
      gst_object_unref (pipeline);
  }
};

void
on_deep_element_added (GstBin *, GstBin *, GstElement *element, gpointer data)
{
  auto *call = static_cast<Call *> (data);
  GstElementFactory *f = gst_element_get_factory (element);
  if (call->enc_probed || !f
      || !g_str_equal (GST_OBJECT_NAME (f), call->setup->encoder ()))
    return;
  call->enc_probed = true;
  add_lag_probe (element, "sink", &call->enc_lag, *call->setup);
}

GstElement *
add_live_source (GstElement *pipeline, int index, int buffers, LagProbe *lag,
                 const LiveSetup &setup)
{
  GstElement *src = make ("audiotestsrc", pipeline);
  g_object_set (src, "is-live", TRUE, "num-buffers", buffers,
                "samplesperbuffer", kSamplesPerBuffer, "freq",
                index == 0 ? 440.0 : 700.0, "volume", 0.5, NULL);
  add_lag_probe (src, "src", lag, setup);
  GstElement *caps = make_s16_capsfilter (pipeline, 1);
  link_or_die (src, caps, "audiotestsrc");
  return caps;
}

GstElement *
add_agent_appsrc (GstElement *pipeline, Call &call, const LiveSetup &setup)
{
  GstElement *src = make ("appsrc", pipeline);
  GstCaps *caps = raw_caps ("S16LE", 1);
  g_object_set (src, "caps", caps, "format", GST_FORMAT_TIME, "is-live", FALSE,
                "max-bytes", (guint64)0, "max-buffers", (guint64)0, "max-time",
                (guint64)0, NULL);
  gst_caps_unref (caps);
  add_lag_probe (src, "src", &call.src_lag[1], setup);
  call.agent = src;
  return src;
}

std::unique_ptr<Call>
build_call (const Options &opt, const LiveSetup &setup, int index)
{
  auto call = std::make_unique<Call> ();
  call->setup = &setup;
  const int buffers
      = (int)std::lround (setup.seconds * kRate) / kSamplesPerBuffer;
  gchar *name
      = g_strdup_printf ("%s-%d", setup.recorder ? "rec" : "bare", index);
  call->pipeline = gst_pipeline_new (name);
  g_free (name);
  call->out = temp_file (opt, setup.recorder ? "live-recorder" : "live-bare",
                         setup.wav ? "wav" : "ogg");
  GstElement *pipeline = call->pipeline;
  GstElement *ends[2];
  ends[0] = add_live_source (pipeline, 0, buffers, &call->src_lag[0], setup);
  ends[1] = setup.agent_appsrc ? add_agent_appsrc (pipeline, *call, setup)
                               : add_live_source (pipeline, 1, buffers,
                                                  &call->src_lag[1], setup);
  if (setup.recorder)
    {
      GstElement *rec = make ("recorderbin", pipeline);
      g_object_set (rec, "location", call->out.c_str (), NULL);
      if (setup.wav)
        gst_util_set_object_arg (G_OBJECT (rec), "format", "wav");
      for (int i = 0; i < 2; i++)
        {
          GstPad *sinkpad = gst_element_request_pad_simple (rec, "sink_%u");
          if (i == 1 && setup.holdback_s > 0)
            g_object_set (sinkpad, "holdback",
                          (guint64)(setup.holdback_s * GST_SECOND), NULL);
          GstPad *srcpad = gst_element_get_static_pad (ends[i], "src");
          if (gst_pad_link (srcpad, sinkpad) != GST_PAD_LINK_OK)
            {
              g_printerr ("bench-recorder: cannot link to recorderbin\n");
              exit (2);
            }
          gst_object_unref (srcpad);
          gst_object_unref (sinkpad);
        }
      call->rec = rec;
      g_signal_connect (pipeline, "deep-element-added",
                        G_CALLBACK (on_deep_element_added), call.get ());
    }
  else
    {
      GstElement *agg = make ("audiointerleave", pipeline);
      g_object_set (agg, "start-time-selection", 1 /* first */, NULL);
      if (setup.bare_latency_ms > 0)
        g_object_set (agg, "latency",
                      (guint64)(setup.bare_latency_ms * GST_MSECOND), NULL);
      set_fl_fr_positions (agg);
      for (int i = 0; i < 2; i++)
        {
          GstPad *sinkpad = gst_element_request_pad_simple (agg, "sink_%u");
          g_object_set (sinkpad, "qos-messages", TRUE, NULL);
          GstPad *srcpad = gst_element_get_static_pad (ends[i], "src");
          if (gst_pad_link (srcpad, sinkpad) != GST_PAD_LINK_OK)
            {
              g_printerr ("bench-recorder: cannot link to audiointerleave\n");
              exit (2);
            }
          gst_object_unref (srcpad);
          gst_object_unref (sinkpad);
        }
      GstElement *enc = make ("opusenc", pipeline);
      GstElement *mux = make ("oggmux", pipeline);
      GstElement *sink = make ("filesink", pipeline);
      g_object_set (sink, "location", call->out.c_str (), NULL);
      link_or_die (agg, enc, "the bare live chain");
      link_or_die (enc, mux, "the bare live chain");
      link_or_die (mux, sink, "the bare live chain");
      add_lag_probe (enc, "sink", &call->enc_lag, setup);
      call->enc_probed = true;
    }
  call->bus = gst_element_get_bus (pipeline);
  return call;
}

/* A 600 Hz tone: 12 periods in one 20 ms buffer, so buffers join up. */
const std::vector<gint16> &
agent_tone ()
{
  static std::vector<gint16> tone = [] {
    std::vector<gint16> t (kSamplesPerBuffer);
    for (int i = 0; i < kSamplesPerBuffer; i++)
      t[(size_t)i]
          = (gint16)(8000.0 * std::sin (2.0 * G_PI * 600.0 * i / kRate));
    return t;
  }();
  return tone;
}

constexpr double kUtteranceSeconds = 0.9;
constexpr double kUtteranceAhead = 0.05;

GstClockTime
buffer_time ()
{
  return gst_util_uint64_scale (kSamplesPerBuffer, GST_SECOND, kRate);
}

void
push_agent_buffer (Call &call, GstClockTime pts)
{
  const std::vector<gint16> &tone = agent_tone ();
  GstBuffer *buf = gst_buffer_new_allocate (NULL, kSamplesPerBuffer * 2, NULL);
  gst_buffer_fill (buf, 0, tone.data (), kSamplesPerBuffer * 2);
  GST_BUFFER_PTS (buf) = pts;
  GST_BUFFER_DURATION (buf) = buffer_time ();
  gst_app_src_push_buffer (GST_APP_SRC (call.agent), buf);
  call.fed_buffers++;
}

/* Pushes the agent's audio due by `now` (each buffer its own memory, as a
 * synthesizer's output is), and its end once the call is over. */
void
feed_agent (Call &call, const LiveSetup &setup, GstClockTime now)
{
  if (!call.agent || call.feed_ended || call.stopped)
    return;
  const GstClockTime step = buffer_time ();
  const GstClockTime end = (GstClockTime)(setup.seconds * GST_SECOND);
  if (setup.utterances)
    {
      /* Utterance k (k >= 1, ending before the call does) is pushed at
       * k - 0.05 s. */
      for (;;)
        {
          const GstClockTime start = (call.next_utterance + 1) * GST_SECOND;
          const GstClockTime stop
              = start + (GstClockTime)(kUtteranceSeconds * GST_SECOND);
          if (stop > end
              || now + (GstClockTime)(kUtteranceAhead * GST_SECOND) < start)
            break;
          for (GstClockTime pts = start; pts + step <= stop; pts += step)
            push_agent_buffer (call, pts);
          call.next_utterance++;
        }
    }
  else
    {
      const GstClockTime ahead
          = now + (GstClockTime)(setup.lead_s * GST_SECOND);
      while (call.feed_pts + step <= std::min (ahead, end))
        {
          push_agent_buffer (call, call.feed_pts);
          call.feed_pts += step;
        }
    }
  if (now >= end)
    {
      gst_app_src_end_of_stream (GST_APP_SRC (call.agent));
      call.feed_ended = true;
    }
}

/* The clip schedule: event e is in second 1 + e / 3, at offset 0.2, 0.5
 * or 0.8 s: pause, resume, interrupt. Only in seconds with an utterance. */
constexpr double kEventOffsets[3] = { 0.2, 0.5, 0.8 };
constexpr const char *kEventSignals[3] = { "pause", "resume", "interrupt" };

double
event_time (long e)
{
  return 1.0 + (double)(e / 3) + kEventOffsets[e % 3];
}

long
event_count (double seconds)
{
  /* The utterances of feed_agent: seconds k with k + 0.9 <= seconds. */
  long utterances = 0;
  while ((double)(utterances + 1) + kUtteranceSeconds <= seconds)
    utterances++;
  return 3 * utterances;
}

void
send_events (Call &call, const LiveSetup &setup, GstClockTime now)
{
  if (!setup.events || !call.rec)
    return;
  const long total = event_count (setup.seconds);
  while (call.next_event < total
         && (double)now / GST_SECOND >= event_time (call.next_event))
    {
      gboolean ok = FALSE;
      g_signal_emit_by_name (call.rec, kEventSignals[call.next_event % 3],
                             "sink_1", GST_CLOCK_TIME_NONE, &ok);
      if (ok)
        call.events_sent++;
      call.next_event++;
    }
}

void
drain_bus (Call &call)
{
  while (GstMessage *msg = gst_bus_pop (call.bus))
    {
      switch (GST_MESSAGE_TYPE (msg))
        {
        case GST_MESSAGE_EOS:
          call.eos = true;
          break;
        case GST_MESSAGE_ERROR:
        case GST_MESSAGE_WARNING:
          if (call.error.empty ())
            {
              call.error = describe_message (msg);
              g_printerr ("bench-recorder: %s\n", call.error.c_str ());
            }
          if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR)
            call.eos = true; /* it will not come */
          break;
        case GST_MESSAGE_QOS:
          {
            guint64 rt = GST_CLOCK_TIME_NONE;
            gboolean live;
            gst_message_parse_qos (msg, &live, &rt, NULL, NULL, NULL);
            const bool in_window
                = GST_CLOCK_TIME_IS_VALID (rt)
                  && rt >= call.setup->window_from ()
                  && (!GST_CLOCK_TIME_IS_VALID (call.setup->window_to ())
                      || rt <= call.setup->window_to ());
            (in_window ? call.qos : call.qos_outside)++;
            break;
          }
        case GST_MESSAGE_ELEMENT:
          {
            const GstStructure *s = gst_message_get_structure (msg);
            if (s && gst_structure_has_name (s, "recorderbin-done"))
              {
                const gchar *st = gst_structure_get_string (s, "status");
                call.status = st ? st : "";
                guint64 v = 0;
                if (gst_structure_get_uint64 (s, "samples", &v))
                  call.done_samples = (long long)v;
                gst_structure_get_uint64 (s, "interrupted-samples",
                                          &call.interrupted);
                gst_structure_get_uint64 (s, "late-events", &call.late_events);
              }
            break;
          }
        default:
          break;
        }
      gst_message_unref (msg);
    }
}

struct LiveRun
{
  bool valid = false;
  std::string why; /* when !valid */
  bool realtime = false;
  std::string not_realtime; /* why not */
  Usage use;                /* PLAYING .. NULL */
  int calls = 0;
  double seconds = 0;
  int threads0 = 0, threads_mid = 0;
  long rss0 = 0, rss_mid = 0; /* KiB */
  /* Lateness (s) at the encoders and out of the sources: running time
   * when a buffer passed minus that of its last sample; can be negative. */
  double max_lag_s = -1e9, max_src_late_s = -1e9;
  int lagging_calls = 0; /* max lag above the criterion */
  long qos = 0;          /* in the steady window */
  long qos_outside = 0;  /* out of it */
  double max_lag_outside_s = -1e9;
  int short_calls = 0; /* fewer samples than expected */
  long events = 0;
  guint64 interrupted = 0;

  double cpu_ms_per_call_s () const
  {
    return calls > 0 ? use.cpu_s * 1e3 / calls / seconds : 0;
  }
  double threads_per_call () const
  {
    return calls > 0 ? (double)(threads_mid - threads0) / calls : 0;
  }
  double vcsw_per_call_s () const
  {
    return calls > 0 ? use.vcsw / calls / seconds : 0;
  }
  double icsw_per_call_s () const
  {
    return calls > 0 ? use.icsw / calls / seconds : 0;
  }
  double rss_per_call_kib () const
  {
    return calls > 0 ? (double)(rss_mid - rss0) / calls : 0;
  }
};

/* Runs `setup.calls` calls concurrently until every one ended. */
LiveRun
run_calls (const Options &opt, const LiveSetup &setup)
{
  LiveRun run;
  run.calls = setup.calls;
  run.seconds = setup.seconds;
  /* The threads of ended pipelines wait half a second for another task
   * before they leave GLib's shared pool (unused threads are not kept, see
   * main ()): let them go first. */
  run.threads0 = thread_count ();
  for (int i = 0; i < 40; i++)
    {
      g_usleep (100000);
      const int n = thread_count ();
      if (n == run.threads0 && i >= 6)
        break;
      run.threads0 = n;
    }
  run.rss0 = proc_status_kib ("VmRSS");

  std::vector<std::unique_ptr<Call>> calls;
  for (int i = 0; i < setup.calls; i++)
    calls.push_back (build_call (opt, setup, i));

  const Usage start = usage_now ();
  /* Every call ready first (elements set up, threads started), then all
   * playing: their start is not spread over the others' set-up. */
  for (GstState state : { GST_STATE_PAUSED, GST_STATE_PLAYING })
    for (auto &c : calls)
      if (!c->eos
          && gst_element_set_state (c->pipeline, state)
                 == GST_STATE_CHANGE_FAILURE)
        {
          c->error = std::string ("the state change to ")
                     + gst_element_state_get_name (state) + " failed";
          c->eos = true;
        }
  GstClock *clock = gst_system_clock_obtain ();
  const double sample_at
      = setup.sample_at_s >= 0 ? setup.sample_at_s : setup.seconds / 2;
  const double deadline = setup.seconds + 30;
  const bool fast_tick = setup.agent_appsrc || setup.events;
  bool sampled = false;
  for (;;)
    {
      g_usleep (fast_tick ? 10000 : 50000);
      const double elapsed = usage_since (start).wall_s;
      const GstClockTime clock_now = gst_clock_get_time (clock);
      bool all_ended = true;
      for (auto &c : calls)
        {
          if (!GST_CLOCK_TIME_IS_VALID (c->base_time)
              && GST_STATE (c->pipeline) == GST_STATE_PLAYING)
            c->base_time = gst_element_get_base_time (c->pipeline);
          if (GST_CLOCK_TIME_IS_VALID (c->base_time))
            {
              const GstClockTime now
                  = clock_now > c->base_time ? clock_now - c->base_time : 0;
              send_events (*c, setup, now);
              feed_agent (*c, setup, now);
              if (setup.stop_at_s >= 0 && !c->stopped
                  && (double)now / GST_SECOND >= setup.stop_at_s)
                {
                  c->stopped = true;
                  gst_element_send_event (c->pipeline, gst_event_new_eos ());
                }
            }
          drain_bus (*c);
          all_ended = all_ended && c->eos;
        }
      if (!sampled && elapsed >= sample_at)
        {
          sampled = true;
          run.threads_mid = thread_count ();
          run.rss_mid = proc_status_kib ("VmRSS");
        }
      if (all_ended)
        break;
      if (elapsed > deadline)
        {
          run.why
              = "not every call ended within " + fmt (deadline, "%.0f") + " s";
          break;
        }
    }
  gst_object_unref (clock);
  for (auto &c : calls)
    if (gst_element_set_state (c->pipeline, GST_STATE_NULL)
            != GST_STATE_CHANGE_SUCCESS
        && c->error.empty ())
      c->error = "the state change to NULL failed";
  run.use = usage_since (start);
  if (!sampled)
    {
      run.threads_mid = run.threads0;
      run.rss_mid = run.rss0;
    }

  const int buffers
      = (int)std::lround (setup.seconds * kRate) / kSamplesPerBuffer;
  const long long expected = (long long)buffers * kSamplesPerBuffer;
  const bool full_length = setup.stop_at_s < 0;
  for (auto &c : calls)
    {
      drain_bus (*c);
      if (setup.wav)
        {
          long long bytes = -1;
          wav_data_sha1 (c->out, &bytes);
          c->file_samples = bytes < 0 ? -1 : bytes / 4; /* S16 stereo */
        }
      else
        c->file_samples = opus_file_info (c->out).samples;
      unlink (c->out.c_str ());
      if (run.why.empty () && !c->error.empty ())
        run.why = c->error;
      if (run.why.empty () && !c->eos)
        run.why = "a call had no EOS";
      if (run.why.empty () && setup.recorder && c->status != "ok")
        run.why = "recorderbin-done status '" + c->status + "'";
      if (run.why.empty () && setup.recorder && c->late_events > 0)
        run.why = "late events";
      if (run.why.empty () && setup.recorder
          && c->done_samples != c->file_samples)
        run.why = "recorderbin-done samples " + std::to_string (c->done_samples)
                  + " but the file has " + std::to_string (c->file_samples);
      if (run.why.empty () && setup.events && event_count (setup.seconds) > 0
          && (c->events_sent != event_count (setup.seconds)
              || c->interrupted == 0))
        run.why = "the events did not apply (" + std::to_string (c->events_sent)
                  + " of " + std::to_string (event_count (setup.seconds))
                  + " accepted, " + std::to_string (c->interrupted)
                  + " samples interrupted)";
      const double lag = c->enc_lag.buffers > 0
                             ? (double)c->enc_lag.max_lag / GST_SECOND
                             : 0;
      run.max_lag_s = std::max (run.max_lag_s, lag);
      if (lag > setup.max_lag_s)
        run.lagging_calls++;
      for (const LagProbe &p : c->src_lag)
        if (p.buffers > 0)
          run.max_src_late_s
              = std::max (run.max_src_late_s, (double)p.max_lag / GST_SECOND);
      run.qos += c->qos;
      run.qos_outside += c->qos_outside;
      if (c->enc_lag.max_lag_outside > G_MININT64)
        run.max_lag_outside_s
            = std::max (run.max_lag_outside_s,
                        (double)c->enc_lag.max_lag_outside / GST_SECOND);
      if (full_length && c->file_samples < expected)
        run.short_calls++;
      run.events += c->events_sent;
      run.interrupted += c->interrupted;
      if (!c->enc_probed || c->enc_lag.all_buffers == 0)
        run.why = run.why.empty () ? "no buffer reached an encoder" : run.why;
    }
  calls.clear ();
  run.valid = run.why.empty ();

  std::string rt;
  if (!run.valid)
    rt = "invalid run";
  else
    {
      if (run.qos > 0)
        rt += std::to_string (run.qos) + " late buffers dropped (QoS); ";
      if (run.short_calls > 0)
        rt += std::to_string (run.short_calls) + " calls short of samples; ";
      if (run.lagging_calls > 0)
        rt += std::to_string (run.lagging_calls) + " calls lagged > "
              + fmt (setup.max_lag_s * 1e3, "%.0f") + " ms; ";
    }
  run.realtime = rt.empty ();
  run.not_realtime = rt;
  return run;
}

/* ---- report ------------------------------------------------------------- */

struct LiveSeries
{
  std::vector<double> cpu, threads, vcsw, icsw, rss, lag, src_late;
  std::vector<LiveRun> runs;
  void add (const LiveRun &r)
  {
    runs.push_back (r);
    cpu.push_back (r.cpu_ms_per_call_s ());
    threads.push_back (r.threads_per_call ());
    vcsw.push_back (r.vcsw_per_call_s ());
    icsw.push_back (r.icsw_per_call_s ());
    rss.push_back (r.rss_per_call_kib ());
    lag.push_back (r.max_lag_s * 1e3);
    src_late.push_back (r.max_src_late_s * 1e3);
  }
  int realtime_runs () const
  {
    int n = 0;
    for (const LiveRun &r : runs)
      n += r.realtime;
    return n;
  }
};

void
print_live_header ()
{
  g_print ("  %-10s %9s %8s %9s %9s %9s %9s %9s %s\n", "variant", "cpu ms/s",
           "threads", "vcsw/s", "icsw/s", "RSS KiB", "max lag", "src late",
           "real time");
  g_print ("  %-10s %9s %8s %9s %9s %9s %9s %9s\n", "", "per call", "per call",
           "per call", "per call", "per call", "ms", "ms");
}

void
print_live_row (const char *variant, const LiveSeries &s)
{
  g_print ("  %-10s %9.2f %8.2f %9.1f %9.1f %9.0f %9.1f %9.1f %d/%zu runs\n",
           variant, median (s.cpu), median (s.threads), median (s.vcsw),
           median (s.icsw), median (s.rss), median (s.lag), median (s.src_late),
           s.realtime_runs (), s.runs.size ());
}

void
print_live_runs (const char *variant, const LiveSeries &s)
{
  g_print ("  runs %s (cpu ms/s per call, max lag ms; outside the steady "
           "window: max lag ms, QoS drops):",
           variant);
  for (const LiveRun &r : s.runs)
    g_print (" %.2f/%.0f;%.0f,%ld%s", r.cpu_ms_per_call_s (), r.max_lag_s * 1e3,
             r.max_lag_outside_s * 1e3, r.qos_outside,
             r.realtime ? "" : "(not real time)");
  g_print ("\n");
  for (const LiveRun &r : s.runs)
    if (!r.realtime)
      g_print ("    %s: not real time: %s\n", variant, r.not_realtime.c_str ());
}

void
check_runs (const LiveSeries &s, const char *what, const char *scenario,
            Report &report)
{
  for (const LiveRun &r : s.runs)
    if (!r.valid)
      {
        report.invalid = true;
        g_printerr ("bench-recorder: INVALID %s run in %s: %s\n", what,
                    scenario, r.why.c_str ());
      }
}

LiveSetup
call_setup (const Options &opt, bool recorder, int calls)
{
  LiveSetup s;
  s.recorder = recorder;
  s.calls = calls;
  s.seconds = opt.live_seconds;
  s.max_lag_s = opt.max_lag_ms / 1e3;
  s.bare_latency_ms = opt.bare_latency_ms;
  return s;
}

/* A short untimed run of each variant: plugins loaded, first-run costs. */
void
live_warmup (const Options &opt, const LiveSetup &base, bool both,
             Report &report, const char *scenario)
{
  if (!opt.warmup)
    return;
  for (int k = 0; k < (both ? 2 : 1); k++)
    {
      LiveSetup w = base;
      w.recorder = both ? k == 1 : base.recorder;
      w.calls = std::min (base.calls, 4);
      w.seconds = 1;
      LiveRun r = run_calls (opt, w);
      if (!r.valid)
        {
          report.invalid = true;
          g_printerr ("bench-recorder: INVALID warm-up run in %s: %s\n",
                      scenario, r.why.c_str ());
        }
    }
}

void
run_live (const Options &opt, Report &report)
{
  const int n = opt.calls;
  g_print ("== live: %d concurrent two-pad live calls of %.0f s in one "
           "process, -> Ogg/Opus\n",
           n, opt.live_seconds);
  g_print (
      "  input per call: 2x audiotestsrc is-live=true (20 ms buffers) ! "
      "capsfilter(S16LE mono 48 kHz)\n"
      "  baseline: audiointerleave start-time-selection=first "
      "channel-positions=<FL,FR>%s ! opusenc ! oggmux ! filesink\n"
      "  recorderbin: recorderbin format=ogg-opus (defaults)\n"
      "  real time: no audio lost (file samples, QoS drops) and every "
      "buffer at the encoder within %.0f ms of its running time, over "
      "the steady window [2 s, end - 1 s]\n",
      opt.bare_latency_ms > 0
          ? (" latency=" + fmt (opt.bare_latency_ms, "%.0f") + "ms").c_str ()
          : "",
      opt.max_lag_ms);
  fflush (stdout);
  live_warmup (opt, call_setup (opt, true, n), true, report, "live");
  LiveSeries bare, rec;
  for (int i = 0; i < opt.live_iterations; i++)
    for (int k = 0; k < 2; k++)
      {
        const bool recorder = (k == 0) == (i % 2 == 1);
        if (recorder ? !opt.run_recorder : !opt.run_bare)
          continue;
        LiveRun r = run_calls (opt, call_setup (opt, recorder, n));
        (recorder ? rec : bare).add (r);
        g_print ("  run %d %s: cpu %.2f ms/s per call, max lag %.0f ms%s\n",
                 i + 1, recorder ? "recorder" : "bare", r.cpu_ms_per_call_s (),
                 r.max_lag_s * 1e3, r.realtime ? "" : ", NOT real time");
        fflush (stdout);
      }
  check_runs (bare, "bare", "live", report);
  check_runs (rec, "recorder", "live", report);
  print_live_header ();
  if (opt.run_bare)
    print_live_row ("bare", bare);
  if (opt.run_recorder)
    print_live_row ("recorder", rec);
  if (opt.run_bare)
    print_live_runs ("bare", bare);
  if (opt.run_recorder)
    print_live_runs ("recorder", rec);
  if (opt.run_bare && opt.run_recorder)
    {
      const Spread cpu = spread (pair_ratios (rec.cpu, bare.cpu));
      g_print ("  ratio recorder/bare: cpu %s [%s-%s]  threads %s  vol ctxsw "
               "%s  invol ctxsw %s  RSS %s\n",
               fmt_ratio (median (rec.cpu), median (bare.cpu)).c_str (),
               fmt (cpu.min).c_str (), fmt (cpu.max).c_str (),
               fmt_ratio (median (rec.threads), median (bare.threads)).c_str (),
               fmt_ratio (median (rec.vcsw), median (bare.vcsw)).c_str (),
               fmt_ratio (median (rec.icsw), median (bare.icsw)).c_str (),
               fmt_ratio (median (rec.rss), median (bare.rss)).c_str ());
      g_print ("  real time at N=%d: bare %d/%zu runs, recorder %d/%zu runs "
               "(the largest N: --scenario live-search)\n",
               n, bare.realtime_runs (), bare.runs.size (),
               rec.realtime_runs (), rec.runs.size ());
      report.bench_lines.push_back (
          "BENCH live calls=" + std::to_string (n) + " ratio_cpu="
          + fmt_ratio (median (rec.cpu), median (bare.cpu)) + " cpu_pairs="
          + fmt (cpu.min) + "-" + fmt (cpu.max) + " cpu_ms_s_bare="
          + fmt (median (bare.cpu)) + " cpu_ms_s_rec=" + fmt (median (rec.cpu))
          + " threads_bare=" + fmt (median (bare.threads), "%.2f")
          + " threads_rec=" + fmt (median (rec.threads), "%.2f")
          + " ratio_ctxsw=" + fmt_ratio (median (rec.vcsw), median (bare.vcsw))
          + " ratio_icsw=" + fmt_ratio (median (rec.icsw), median (bare.icsw))
          + " realtime_bare=" + std::to_string (bare.realtime_runs ()) + "/"
          + std::to_string (bare.runs.size ())
          + " realtime_rec=" + std::to_string (rec.realtime_runs ()) + "/"
          + std::to_string (rec.runs.size ()));
    }
  g_print ("\n");
  fflush (stdout);
}

/* Bisection towards the largest N that stays real time, one run per
 * probe. */
struct Search
{
  int lo = 0;  /* largest N seen real time */
  int hi = -1; /* smallest N seen not real time; -1: none yet */
  int next = 0;
  bool done = false;
  std::vector<std::pair<int, LiveRun>> probes;

  void update (int n, bool pass, int max)
  {
    if (pass)
      lo = std::max (lo, n);
    else
      hi = hi < 0 ? n : std::min (hi, n);
    if (hi < 0)
      {
        if (n >= max)
          done = true;
        next = std::min (2 * n, max);
      }
    else if (hi - lo <= std::max (2, lo / 20))
      done = true;
    else
      next = (lo + hi) / 2;
  }
};

void
run_live_search (const Options &opt, Report &report)
{
  /* The bare chain as written has no room for jitter: audiointerleave
   * gives up on a pad about 10 ms after its buffer was due and drops it
   * when it comes. recorderbin (holdback 0) never drops, it falls behind,
   * and fails at --max-lag-ms. "bare+latency" gives audiointerleave that
   * same allowance (latency=--max-lag-ms): the like-for-like reference. */
  struct Variant
  {
    const char *label;
    bool recorder;
    double latency_ms;
    bool run;
  };
  const Variant variants[3] = {
    { "bare", false, opt.bare_latency_ms, opt.run_bare },
    { "bare+latency", false, opt.max_lag_ms, opt.run_bare },
    { "recorder", true, 0, opt.run_recorder },
  };
  g_print ("== live-search: the largest N of concurrent two-pad live calls "
           "(%.0f s each) that stays real time\n"
           "  the calls of 'live'; bare: audiointerleave latency=%.0f ms, "
           "bare+latency: latency=%.0f ms (the tolerance recorderbin gets "
           "from the lag criterion)\n"
           "  bisection from N=%d (doubling until a run is not real time) "
           "to within max(2, 5%%); one run per probe, variants in turn\n",
           opt.live_seconds, opt.bare_latency_ms, opt.max_lag_ms, opt.calls);
  fflush (stdout);
  live_warmup (opt, call_setup (opt, true, 4), true, report, "live-search");
  Search s[3];
  for (int v = 0; v < 3; v++)
    {
      s[v].next = opt.calls;
      s[v].done = !variants[v].run;
    }
  for (int round = 0; !(s[0].done && s[1].done && s[2].done); round++)
    for (int k = 0; k < 3; k++)
      {
        const int v = (k + round) % 3;
        if (s[v].done)
          continue;
        const int n = s[v].next;
        LiveSetup setup = call_setup (opt, variants[v].recorder, n);
        setup.bare_latency_ms = variants[v].latency_ms;
        LiveRun r = run_calls (opt, setup);
        if (!r.valid)
          g_print ("  (invalid run: %s)\n", r.why.c_str ());
        g_print ("  %-12s N=%4d: %s  cpu %.2f ms/s per call (%.0f%% of one "
                 "core in all), max lag %.0f ms, src late %.0f ms (outside "
                 "the window: lag %.0f ms, %ld QoS)%s%s\n",
                 variants[v].label, n,
                 r.realtime ? "real time    " : "NOT real time",
                 r.cpu_ms_per_call_s (), r.use.cpu_s * 100 / r.use.wall_s,
                 r.max_lag_s * 1e3, r.max_src_late_s * 1e3,
                 r.max_lag_outside_s * 1e3, r.qos_outside,
                 r.realtime ? "" : ": ", r.not_realtime.c_str ());
        fflush (stdout);
        s[v].probes.emplace_back (n, r);
        s[v].update (n, r.realtime, opt.search_max);
      }
  g_print ("  largest N real time (first N seen failing):");
  for (int v = 0; v < 3; v++)
    if (variants[v].run)
      g_print (" %s %d (%s)", variants[v].label, s[v].lo,
               s[v].hi < 0 ? "none up to --search-max"
                           : std::to_string (s[v].hi).c_str ());
  g_print ("\n");
  if (opt.run_bare && opt.run_recorder)
    {
      const double r0 = s[0].lo > 0 ? (double)s[2].lo / s[0].lo : 0;
      const double r1 = s[1].lo > 0 ? (double)s[2].lo / s[1].lo : 0;
      g_print ("  ratio recorder/bare: %s, recorder/bare+latency: %s  "
               "(target >= 0.95 against bare+latency: %s; reported, not "
               "enforced)\n",
               fmt (r0).c_str (), fmt (r1).c_str (),
               r1 >= 0.95 ? "PASS" : (r1 > 0 ? "MISS" : "n/a"));
      report.bench_lines.push_back (
          "BENCH live-search n_bare=" + std::to_string (s[0].lo)
          + " n_bare_latency=" + std::to_string (s[1].lo)
          + " n_rec=" + std::to_string (s[2].lo) + " ratio_n=" + fmt (r0)
          + " ratio_n_latency=" + fmt (r1));
    }
  g_print ("\n");
  fflush (stdout);
}

/* The clip scenario: both variants are recorderbin calls whose agent pad
 * gets the same input, one utterance a second, with holdback 2 s; one gets
 * the events. */
LiveSetup
clip_setup (const Options &opt, bool events, bool wav)
{
  LiveSetup s = call_setup (opt, true, opt.calls);
  s.agent_appsrc = true;
  s.utterances = true;
  s.holdback_s = 2.0;
  s.events = events;
  s.wav = wav;
  return s;
}

void
run_clip (const Options &opt, Report &report)
{
  g_print ("== clip: %d concurrent two-pad live calls of %.0f s, the cost of "
           "clipping\n"
           "  per call: sink_0 audiotestsrc is-live=true; sink_1 appsrc with "
           "holdback 2 s: the agent, one 0.9 s utterance a second, heard "
           "from second k, pushed whole at k-0.05 s\n"
           "  events (signals on sink_1, running-time now): pause at "
           "k+0.2 s, resume at k+0.5 s, interrupt at k+0.8 s\n"
           "  baseline: the same calls, the same input, without events\n"
           "  Ogg/Opus: the call as recorded, but the file's content differs "
           "(the events cut the tone into more, shorter pieces) and Opus "
           "spends more on onsets;\n"
           "  WAV: the encoder's cost does not depend on the content, so "
           "the ratio is the clipping machinery's\n",
           opt.calls, opt.live_seconds);
  fflush (stdout);
  for (bool wav : { false, true })
    {
      const char *format = wav ? "wav" : "ogg-opus";
      g_print (" %s:\n", format);
      live_warmup (opt, clip_setup (opt, true, wav), false, report, "clip");
      LiveSeries none, events;
      for (int i = 0; i < opt.live_iterations; i++)
        for (int k = 0; k < 2; k++)
          {
            const bool ev = (k == 0) == (i % 2 == 1);
            if (ev ? !opt.run_recorder : !opt.run_bare)
              continue;
            LiveRun r = run_calls (opt, clip_setup (opt, ev, wav));
            (ev ? events : none).add (r);
            g_print ("  run %d %s: cpu %.2f ms/s per call, %ld events, %.1f "
                     "s interrupted per call%s\n",
                     i + 1, ev ? "events" : "no events", r.cpu_ms_per_call_s (),
                     r.events,
                     r.calls ? (double)r.interrupted / kRate / r.calls : 0.0,
                     r.realtime ? "" : ", NOT real time");
            fflush (stdout);
          }
      check_runs (none, "no-events", "clip", report);
      check_runs (events, "events", "clip", report);
      print_live_header ();
      if (opt.run_bare)
        print_live_row ("no events", none);
      if (opt.run_recorder)
        print_live_row ("events", events);
      if (opt.run_bare && opt.run_recorder)
        {
          const Spread cpu = spread (pair_ratios (events.cpu, none.cpu));
          const double ratio = none.cpu.empty () || median (none.cpu) <= 0
                                   ? 0
                                   : median (events.cpu) / median (none.cpu);
          g_print (
              "  ratio events/no events (%s): cpu %s [%s-%s]  vol ctxsw %s  "
              "(target cpu <= 1.05: %s; reported, not enforced)\n",
              format, fmt (ratio).c_str (), fmt (cpu.min).c_str (),
              fmt (cpu.max).c_str (),
              fmt_ratio (median (events.vcsw), median (none.vcsw)).c_str (),
              verdict (ratio, 1.05));
          report.bench_lines.push_back (
              std::string ("BENCH clip format=") + format
              + " calls=" + std::to_string (opt.calls)
              + " ratio_cpu=" + fmt (ratio) + " cpu_pairs=" + fmt (cpu.min)
              + "-" + fmt (cpu.max) + " ratio_ctxsw="
              + fmt_ratio (median (events.vcsw), median (none.vcsw)));
        }
    }
  g_print ("\n");
  fflush (stdout);
}

/* ---- memory ------------------------------------------------------------- */

struct MemoryCase
{
  const char *label;
  const char *variant; /* bare | recorder */
  int calls;
  bool agent_appsrc;
  double lead_s, holdback_s;
};

constexpr double kMemorySampleAt = 5.0;
constexpr double kMemoryHold = 30.0;

const MemoryCase kMemoryCases[] = {
  { "live call, bare chain", "bare", 20, false, 0, 0 },
  { "live call, recorderbin", "recorder", 20, false, 0, 0 },
  { "recording, holdback 0 (agent appsrc, not ahead)", "recorder", 10, true, 0,
    0 },
  { "recording, holdback 30 s (agent 30 s ahead)", "recorder", 10, true,
    kMemoryHold, kMemoryHold },
};

void
run_memory (const Options &opt, Report &report)
{
  g_print ("== memory: RSS per call = (RSS(N) - RSS(0)) / N, VmRSS %.0f s "
           "into N concurrent live calls, one fresh process per "
           "measurement\n"
           "  RSS(0): the same process after one short call of the same "
           "kind (plugins loaded), before the N calls\n",
           kMemorySampleAt);
  fflush (stdout);
  std::vector<double> per_call[G_N_ELEMENTS (kMemoryCases)];
  std::vector<double> threads[G_N_ELEMENTS (kMemoryCases)];
  for (int i = 0; i < opt.live_iterations; i++)
    for (size_t c = 0; c < G_N_ELEMENTS (kMemoryCases); c++)
      {
        /* Alternating the order. */
        const size_t idx = (i % 2) ? G_N_ELEMENTS (kMemoryCases) - 1 - c : c;
        const MemoryCase &m = kMemoryCases[idx];
        if (g_str_equal (m.variant, "bare") ? !opt.run_bare : !opt.run_recorder)
          continue;
        auto res = run_child (
            opt, { "memory", m.variant, std::to_string (m.calls),
                   m.agent_appsrc ? "appsrc" : "live", fmt (m.lead_s, "%g"),
                   fmt (m.holdback_s, "%g") });
        if (res.count ("rss-per-call-kib") == 0)
          {
            report.invalid = true;
            continue;
          }
        per_call[idx].push_back (res["rss-per-call-kib"]);
        threads[idx].push_back (res["threads-per-call"]);
      }
  g_print ("  %-52s %4s %14s %12s\n", "", "N", "KiB per call", "threads/call");
  for (size_t c = 0; c < G_N_ELEMENTS (kMemoryCases); c++)
    {
      const MemoryCase &m = kMemoryCases[c];
      if (per_call[c].empty ())
        continue;
      g_print ("  %-52s %4d %14s %12.2f\n", m.label, m.calls,
               fmt_spread (spread (per_call[c]), "%.0f").c_str (),
               median (threads[c]));
    }
  const double bare = median (per_call[0]), rec = median (per_call[1]);
  const double hb0 = median (per_call[2]), hb30 = median (per_call[3]);
  const double payload = kMemoryHold * kRate * 2 / 1024;
  if (!per_call[0].empty () && !per_call[1].empty ())
    g_print ("  live call: recorderbin %+.0f KiB per call over the bare "
             "chain (ratio %s)\n",
             rec - bare, fmt_ratio (rec, bare).c_str ());
  if (!per_call[2].empty () && !per_call[3].empty ())
    g_print ("  holdback 30 s: %+.0f KiB per recording over holdback 0; the "
             "held payload is %.0f KiB (30 s x 48 kHz x 2 bytes), so %+.0f "
             "KiB (%.0f%%) is overhead\n",
             hb30 - hb0, payload, hb30 - hb0 - payload,
             (hb30 - hb0 - payload) * 100 / payload);
  report.bench_lines.push_back (
      "BENCH memory kib_per_call_bare=" + fmt (bare, "%.0f")
      + " kib_per_call_rec=" + fmt (rec, "%.0f") + " kib_per_rec_hb0="
      + fmt (hb0, "%.0f") + " kib_per_rec_hb30=" + fmt (hb30, "%.0f")
      + " held_overhead=" + fmt ((hb30 - hb0) / payload, "%.3f"));
  g_print ("\n");
  fflush (stdout);
}

} // namespace

bool
is_live_scenario (const std::string &name)
{
  return name == "live" || name == "live-search" || name == "clip"
         || name == "memory";
}

void
run_live_scenario (const Options &opt, const std::string &name, Report &report)
{
  if (name == "live")
    run_live (opt, report);
  else if (name == "live-search")
    run_live_search (opt, report);
  else if (name == "clip")
    run_clip (opt, report);
  else
    run_memory (opt, report);
}

/* `--child memory VARIANT CALLS live|appsrc LEAD HOLDBACK` */
int
live_child (const Options &opt, const std::vector<std::string> &args)
{
  if (args.size () != 6 || args[0] != "memory")
    return 2;
  LiveSetup s;
  s.recorder = args[1] == "recorder";
  s.calls = atoi (args[2].c_str ());
  s.agent_appsrc = args[3] == "appsrc";
  s.lead_s = g_ascii_strtod (args[4].c_str (), NULL);
  s.holdback_s = g_ascii_strtod (args[5].c_str (), NULL);
  /* Long enough to hold the whole lead at the sample time; ended by EOS
   * right after it. */
  s.seconds = kMemorySampleAt + s.lead_s + 5;
  s.sample_at_s = kMemorySampleAt;
  s.stop_at_s = kMemorySampleAt + 0.5;
  s.max_lag_s = 1e9; /* not a real-time measurement */

  LiveSetup warm = s;
  warm.calls = 1;
  warm.sample_at_s = -1;
  warm.stop_at_s = 1.0;
  LiveRun w = run_calls (opt, warm);
  LiveRun r = run_calls (opt, s);
  if (!w.valid || !r.valid)
    {
      g_printerr ("bench-recorder: memory child run invalid: %s\n",
                  (!w.valid ? w.why : r.why).c_str ());
      return 1;
    }
  child_report ("rss0-kib", (double)r.rss0);
  child_report ("rss-kib", (double)r.rss_mid);
  child_report ("rss-per-call-kib", r.rss_per_call_kib ());
  child_report ("threads-per-call", r.threads_per_call ());
  child_report ("peak-rss-kib", (double)proc_status_kib ("VmHWM"));
  return 0;
}

void
print_live_profile_hint (const std::string &name, const Options &opt)
{
  const char *exe = "build/tests/bench/bench-recorder";
  if (name == "memory" || name == "live-search")
    {
      g_print ("# %s: profile 'live' or 'clip' instead\n\n", name.c_str ());
      return;
    }
  const char *variant
      = name == "clip" ? "recorder (the calls with events)" : "recorder";
  g_print ("# %s, %s side: every thread of the process, sampled (-e "
           "cpu-clock works without hardware counters)\n"
           "perf record -e cpu-clock -F 1000 --call-graph dwarf -o "
           "perf.%s.data -- \\\n"
           "    %s --scenario %s --variant recorder --iterations 1 "
           "--no-warmup --calls %d --live-seconds %.0f\n"
           "perf report -i perf.%s.data --no-children --sort dso,symbol "
           "--stdio | head -60\n"
           "perf report -i perf.%s.data --no-children --sort comm --stdio  "
           "# per thread name\n"
           "# callgrind: a live run under valgrind is no longer real time; "
           "a few calls still show where the instructions go\n"
           "valgrind --tool=callgrind --callgrind-out-file=callgrind.%s "
           "\\\n"
           "    %s --scenario %s --variant recorder --iterations 1 "
           "--no-warmup --calls 2 --live-seconds 10\n\n",
           name.c_str (), variant, name.c_str (), exe, name.c_str (), opt.calls,
           opt.live_seconds, name.c_str (), name.c_str (), name.c_str (), exe,
           name.c_str ());
}

} // namespace bench
