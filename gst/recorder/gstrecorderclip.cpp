/* recorderbin — clip element: the glue between a pad's stream and its
 * timeline. The sink pad's streaming thread feeds the timeline; a task on the
 * source pad (as in `queue`) pushes committed audio and silence, so a held
 * pad can release audio when *other* pads move the horizon.
 *
 * Locking: only the session's lock (see session.h), never held across a
 * push, a query or posting a message.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstrecorderclip.h"

#include <gst/audio/audio.h>

#include <chrono>

GST_DEBUG_CATEGORY_STATIC (gst_recorder_clip_debug);
#define GST_CAT_DEFAULT gst_recorder_clip_debug

using namespace recorder;

namespace
{
/* Largest buffer of silence pushed at once. */
constexpr Time kSilenceChunk = 100 * GST_MSECOND;
/* How much committed audio a pad may queue before its input waits. */
constexpr Time kOutboxLimit = 200 * GST_MSECOND;
} // namespace

struct GstRecorderClipPrivate
{
  std::shared_ptr<Session> session;
  unsigned index = 0;
  GstSegment segment;
  bool latency_queried = false;
  bool warned_partial_frame = false;

  /* Streaming-task state: touched by the source pad's task only. */
  bool sent_stream_start = false;
  bool sent_segment = false;
  bool discont = true;
  FormatRef out_format;
  GstBuffer *silence = nullptr; /* kSilenceChunk of silence in out_format */
};

struct _GstRecorderClip
{
  GstElement parent;
  GstPad *sinkpad;
  GstPad *srcpad;
  GstRecorderClipPrivate *priv;
};

G_DEFINE_TYPE (GstRecorderClip, gst_recorder_clip, GST_TYPE_ELEMENT);

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE (
    "sink", GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS ("audio/x-raw"));
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE (
    "src", GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS ("audio/x-raw"));

static Session::Pad &
session_pad (GstRecorderClip *self)
{
  return *self->priv->session->pads.at (self->priv->index);
}

static const gchar *
pad_name (GstRecorderClip *self)
{
  /* Written once at creation; safe to read without the lock. */
  return session_pad (self).name.c_str ();
}

/* ---- control: interrupt, pause, resume ---------------------------------- */

gboolean
gst_recorder_parse_control (const GstStructure *s, const gchar **name, Time *t,
                            gboolean *malformed)
{
  *malformed = FALSE;
  *t = kTimeNone;
  *name = gst_structure_get_name (s);
  if (!g_str_has_prefix (*name, "recorderbin-"))
    return FALSE;
  if (!gst_structure_has_field (s, "running-time"))
    return TRUE;
  const GValue *v = gst_structure_get_value (s, "running-time");
  if (G_VALUE_HOLDS_UINT64 (v))
    *t = g_value_get_uint64 (v);
  else if (G_VALUE_HOLDS_INT64 (v) && g_value_get_int64 (v) >= 0)
    *t = (Time)g_value_get_int64 (v);
  else
    *malformed = TRUE;
  if (*t == GST_CLOCK_TIME_NONE)
    *t = kTimeNone;
  return TRUE;
}

static const gchar *
action_name (ClipAction action)
{
  switch (action)
    {
    case ClipAction::kInterrupt:
      return "interrupt";
    case ClipAction::kPause:
      return "pause";
    case ClipAction::kResume:
      return "resume";
    }
  return "?";
}

gboolean
gst_recorder_clip_control (GstRecorderClip *self, ClipAction action, Time t)
{
  Session &session = *self->priv->session;
  EventOutcome outcome;
  Time at;
  bool grew;
  {
    std::lock_guard<std::mutex> lk (session.lock);
    Session::Pad &pad = session_pad (self);
    at = t == kTimeNone ? session.now_for (pad) : t;
    switch (action)
      {
      case ClipAction::kInterrupt:
        outcome = pad.timeline.interrupt (at);
        break;
      case ClipAction::kPause:
        outcome = pad.timeline.pause (at);
        pad.warned_holdback = false;
        break;
      case ClipAction::kResume:
      default:
        outcome = pad.timeline.resume (at);
        break;
      }
    grew = session.advance ();
  }
  if (grew)
    session.wake.notify_all ();

  GST_INFO_OBJECT (self, "%s on %s at %" GST_TIME_FORMAT, action_name (action),
                   pad_name (self), GST_TIME_ARGS (at));
  if (outcome == EventOutcome::kLate)
    GST_ELEMENT_WARNING (
        self, STREAM, FAILED,
        ("Late %s on pad %s: audio before the recording's "
         "commit horizon was already written",
         action_name (action), pad_name (self)),
        ("running-time %" GST_TIME_FORMAT, GST_TIME_ARGS (at)));
  else if (outcome == EventOutcome::kIgnored)
    GST_ELEMENT_WARNING (
        self, STREAM, FAILED,
        ("Ignored %s on pad %s: %s", action_name (action), pad_name (self),
         action == ClipAction::kPause ? "already paused" : "not paused"),
        (NULL));
  return TRUE;
}

void
gst_recorder_apply_recording_event (GstElement *poster, Session &session,
                                    bool pause, Time t)
{
  EventOutcome outcome;
  {
    std::lock_guard<std::mutex> lk (session.lock);
    outcome = session.recording_event (pause, t);
  }
  if (outcome != EventOutcome::kApplied)
    GST_ELEMENT_WARNING (poster, STREAM, FAILED,
                         ("%s %s-recording",
                          outcome == EventOutcome::kLate ? "Late" : "Ignored",
                          pause ? "pause" : "resume"),
                         (NULL));
}

static gboolean
handle_control_event (GstRecorderClip *self, GstEvent *event)
{
  const GstStructure *s = gst_event_get_structure (event);
  const gchar *name;
  Time t;
  gboolean malformed;
  if (!s || !gst_recorder_parse_control (s, &name, &t, &malformed))
    return FALSE;

  if (malformed)
    {
      gchar *str = gst_structure_to_string (s);
      GST_ELEMENT_WARNING (self, STREAM, FAILED,
                           ("Ignored malformed event on pad %s: running-time "
                            "must be a guint64",
                            pad_name (self)),
                           ("%s", str));
      g_free (str);
      return TRUE;
    }
  if (g_str_equal (name, "recorderbin-interrupt"))
    gst_recorder_clip_control (self, ClipAction::kInterrupt, t);
  else if (g_str_equal (name, "recorderbin-pause"))
    gst_recorder_clip_control (self, ClipAction::kPause, t);
  else if (g_str_equal (name, "recorderbin-resume"))
    gst_recorder_clip_control (self, ClipAction::kResume, t);
  else if (g_str_equal (name, "recorderbin-pause-recording")
           || g_str_equal (name, "recorderbin-resume-recording"))
    gst_recorder_apply_recording_event (
        GST_ELEMENT (self), *self->priv->session,
        g_str_equal (name, "recorderbin-pause-recording"), t);
  else
    GST_ELEMENT_WARNING (
        self, STREAM, FAILED,
        ("Ignored unknown event %s on pad %s", name, pad_name (self)), (NULL));
  return TRUE;
}

/* ---- sink pad: the input stream ------------------------------------------ */

static Time
to_running_time (GstRecorderClip *self, GstClockTime ts)
{
  if (!GST_CLOCK_TIME_IS_VALID (ts))
    return kTimeNone;
  const GstClockTime rt
      = gst_segment_to_running_time (&self->priv->segment, GST_FORMAT_TIME, ts);
  return GST_CLOCK_TIME_IS_VALID (rt) ? rt : kTimeNone;
}

static void
query_upstream_latency (GstRecorderClip *self)
{
  GstQuery *q = gst_query_new_latency ();
  gboolean live = FALSE;
  GstClockTime min = 0;
  if (gst_pad_peer_query (self->sinkpad, q))
    gst_query_parse_latency (q, &live, &min, NULL);
  gst_query_unref (q);
  Session &session = *self->priv->session;
  std::lock_guard<std::mutex> lk (session.lock);
  if (live)
    session.live = true;
  session_pad (self).upstream_latency = GST_CLOCK_TIME_IS_VALID (min) ? min : 0;
}

static GstFlowReturn
refused_flow (Session &session, Session::Pad &pad)
{
  if (pad.flushing)
    return GST_FLOW_FLUSHING;
  if (pad.eos)
    return GST_FLOW_EOS;
  if (session.failed)
    return session.error_mode == ErrorMode::kContain ? GST_FLOW_OK
           : pad.last_flow < GST_FLOW_EOS            ? pad.last_flow
                                                     : GST_FLOW_ERROR;
  return GST_FLOW_OK;
}

static GstFlowReturn
gst_recorder_clip_chain (GstPad *, GstObject *parent, GstBuffer *buffer)
{
  GstRecorderClip *self = GST_RECORDER_CLIP (parent);
  GstRecorderClipPrivate *priv = self->priv;
  Session &session = *priv->session;

  if (!priv->latency_queried)
    {
      priv->latency_queried = true;
      query_upstream_latency (self);
    }

  std::unique_lock<std::mutex> lk (session.lock);
  Session::Pad &pad = session_pad (self);

  /* Wait for room in the outbox, as queue does. If it makes no progress for
   * the stall timeout, the output is stuck: stop waiting for it. */
  auto progress_deadline = std::chrono::steady_clock::now ()
                           + std::chrono::nanoseconds (session.stall_timeout);
  std::uint64_t seen = pad.popped;
  /* Once waiting, wait until half the limit is free: one wake-up per
   * half-outbox rather than one per buffer the task takes. */
  bool waited = false;
  while (!pad.flushing && !session.failed && !pad.eos
         && pad.outbox_duration > (waited ? kOutboxLimit / 2 : kOutboxLimit))
    {
      waited = true;
      if (session.wake.wait_until (lk, progress_deadline)
          == std::cv_status::timeout)
        {
          if (pad.popped == seen && !pad.flushing && !session.failed)
            {
              /* The message goes out before the recording is marked
               * failed: another pad's EOS must not finish the recording
               * (done, EOS) before the bus has heard why. */
              session.stalled = true;
              const bool propagate
                  = session.error_mode == ErrorMode::kPropagate;
              lk.unlock ();
              if (propagate) /* the bin marks it failed and counts it */
                GST_ELEMENT_ERROR (
                    self, RESOURCE, WRITE,
                    ("The recording's output made no progress for "
                     "%" GST_TIME_FORMAT " on pad %s",
                     GST_TIME_ARGS (session.stall_timeout), pad_name (self)),
                    (NULL));
              else
                GST_ELEMENT_WARNING (
                    self, RESOURCE, WRITE,
                    ("The recording's output made no progress for "
                     "%" GST_TIME_FORMAT " on pad %s: discarding its input",
                     GST_TIME_ARGS (session.stall_timeout), pad_name (self)),
                    (NULL));
              lk.lock ();
              if (!propagate && !session.failed)
                {
                  session.failed = true;
                  session.errors++;
                }
              session.failed = true;
              lk.unlock ();
              session.wake.notify_all ();
              lk.lock ();
              break;
            }
          seen = pad.popped;
          progress_deadline
              = std::chrono::steady_clock::now ()
                + std::chrono::nanoseconds (session.stall_timeout);
        }
    }

  if (pad.flushing || pad.eos || session.failed)
    {
      GstFlowReturn ret = refused_flow (session, pad);
      lk.unlock ();
      gst_buffer_unref (buffer);
      return ret;
    }
  if (!pad.format)
    {
      lk.unlock ();
      gst_buffer_unref (buffer);
      GST_ELEMENT_ERROR (
          self, CORE, NEGOTIATION,
          ("Pad %s received audio before its caps", pad_name (self)), (NULL));
      return GST_FLOW_NOT_NEGOTIATED;
    }

  FormatRef format = pad.format;
  const GstAudioInfo &info = format->info;
  const gsize size = gst_buffer_get_size (buffer);
  guint64 samples = size / info.bpf;
  const bool partial = size % info.bpf != 0;
  Time pts = to_running_time (self, GST_BUFFER_PTS (buffer));
  lk.unlock ();

  if (partial && !priv->warned_partial_frame)
    {
      priv->warned_partial_frame = true;
      GST_ELEMENT_WARNING (self, STREAM, FORMAT,
                           ("Pad %s received a buffer of %" G_GSIZE_FORMAT
                            " bytes, not a whole number of %d-byte frames: "
                            "the partial frame is dropped",
                            pad_name (self), size, info.bpf),
                           (NULL));
    }
  if (samples == 0)
    {
      gst_buffer_unref (buffer);
      return GST_FLOW_OK;
    }

  /* Audio that starts before the segment: keep the part inside it. */
  guint64 skip = 0;
  const GstClockTime ts = GST_BUFFER_PTS (buffer);
  if (GST_CLOCK_TIME_IS_VALID (ts) && ts < priv->segment.start)
    {
      skip = cut_index (priv->segment.start - ts, info.rate);
      if (skip >= samples)
        {
          gst_buffer_unref (buffer);
          return GST_FLOW_OK;
        }
      pts = to_running_time (self, priv->segment.start);
    }
  if (partial && GST_AUDIO_INFO_LAYOUT (&info) == GST_AUDIO_LAYOUT_INTERLEAVED)
    {
      /* gst_audio_buffer_truncate () keeps a buffer it is asked to keep
       * whole, trailing bytes included: cut them here. */
      buffer = gst_buffer_make_writable (buffer);
      gst_buffer_resize (buffer, 0, samples * info.bpf);
    }
  if (GST_AUDIO_INFO_LAYOUT (&info) == GST_AUDIO_LAYOUT_NON_INTERLEAVED
      && !gst_buffer_get_audio_meta (buffer))
    {
      buffer = gst_buffer_make_writable (buffer);
      gst_buffer_add_audio_meta (buffer, &info, samples, NULL);
    }
  if (skip > 0)
    {
      buffer
          = gst_audio_buffer_truncate (buffer, info.bpf, skip, samples - skip);
      samples -= skip;
    }

  auto payload = std::make_shared<BufferPayload> (buffer, format);
  guint64 dropped;
  bool grew;
  bool warn_holdback = false;
  lk.lock ();
  {
    Session::Pad &p = session_pad (self);
    dropped = p.timeline.push (pts, info.rate, samples, std::move (payload));
    if (dropped > 0 && !p.warned_holdback)
      warn_holdback = p.warned_holdback = true;
    grew = session.advance ();
  }
  lk.unlock ();
  if (grew)
    session.wake.notify_all ();
  if (warn_holdback)
    GST_ELEMENT_WARNING (
        self, STREAM, FAILED,
        ("Pause on pad %s outlasts its holdback: the oldest "
         "unheard audio is dropped",
         pad_name (self)),
        ("holdback %" GST_TIME_FORMAT,
         GST_TIME_ARGS (session_pad (self).timeline.holdback ())));
  return GST_FLOW_OK;
}

static void start_task (GstRecorderClip *self);

static gboolean
gst_recorder_clip_sink_event (GstPad *sinkpad, GstObject *parent,
                              GstEvent *event)
{
  GstRecorderClip *self = GST_RECORDER_CLIP (parent);
  GstRecorderClipPrivate *priv = self->priv;
  Session &session = *priv->session;
  bool notify = false;
  gboolean ret = TRUE;

  switch (GST_EVENT_TYPE (event))
    {
    case GST_EVENT_CAPS:
      {
        GstCaps *caps;
        GstAudioInfo info;
        gst_event_parse_caps (event, &caps);
        if (!gst_audio_info_from_caps (&info, caps))
          {
            gchar *str = gst_caps_to_string (caps);
            GST_ELEMENT_ERROR (
                self, CORE, NEGOTIATION,
                ("Pad %s cannot record caps %s", pad_name (self), str), (NULL));
            g_free (str);
            ret = FALSE;
            break;
          }
        std::lock_guard<std::mutex> lk (session.lock);
        Session::Pad &pad = session_pad (self);
        if (!pad.format || !gst_audio_info_is_equal (&pad.format->info, &info))
          {
            pad.timeline.end_run ();
            pad.format = std::make_shared<Format> (info);
            pad.timeline.set_rate (info.rate);
          }
        if (session.output_rate == 0)
          session.output_rate = info.rate;
        if (session.output_channels == 0)
          session.output_channels = info.channels;
        break;
      }
    case GST_EVENT_SEGMENT:
      {
        const GstSegment *segment;
        gst_event_parse_segment (event, &segment);
        if (segment->format != GST_FORMAT_TIME || segment->rate != 1.0
            || segment->applied_rate != 1.0)
          {
            GST_ELEMENT_ERROR (
                self, STREAM, FORMAT,
                ("Pad %s received a %s segment at rate %g: recorderbin needs "
                 "TIME segments at rate 1.0",
                 pad_name (self), gst_format_get_name (segment->format),
                 segment->rate * segment->applied_rate),
                (NULL));
            ret = FALSE;
            break;
          }
        gst_segment_copy_into (segment, &priv->segment);
        std::lock_guard<std::mutex> lk (session.lock);
        session_pad (self).timeline.end_run ();
        break;
      }
    case GST_EVENT_GAP:
      {
        GstClockTime ts, duration;
        gst_event_parse_gap (event, &ts, &duration);
        Time end = to_running_time (
            self, GST_CLOCK_TIME_IS_VALID (duration) ? ts + duration : ts);
        std::lock_guard<std::mutex> lk (session.lock);
        Session::Pad &pad = session_pad (self);
        pad.timeline.end_run ();
        if (end != kTimeNone && (pad.gap_end == kTimeNone || end > pad.gap_end))
          pad.gap_end = end;
        notify = session.advance ();
        break;
      }
    case GST_EVENT_EOS:
      {
        bool all = false;
        {
          std::lock_guard<std::mutex> lk (session.lock);
          session_pad (self).eos = true;
          session.advance ();
          if (session.all_input_eos () && !session.all_eos_reported)
            all = session.all_eos_reported = true;
        }
        session.wake.notify_all ();
        if (all && session.on_all_eos)
          session.on_all_eos ();
        break;
      }
    case GST_EVENT_FLUSH_START:
      {
        {
          std::lock_guard<std::mutex> lk (session.lock);
          session_pad (self).flushing = true;
        }
        session.wake.notify_all ();
        gst_pad_pause_task (self->srcpad);
        break;
      }
    case GST_EVENT_FLUSH_STOP:
      {
        {
          std::lock_guard<std::mutex> lk (session.lock);
          Session::Pad &pad = session_pad (self);
          pad.timeline.flush ();
          pad.outbox.clear ();
          pad.outbox_duration = 0;
          pad.eos = pad.finished = false;
          pad.flushing = false;
        }
        gst_segment_init (&priv->segment, GST_FORMAT_TIME);
        start_task (self);
        break;
      }
    case GST_EVENT_CUSTOM_DOWNSTREAM:
    case GST_EVENT_CUSTOM_DOWNSTREAM_OOB:
    case GST_EVENT_CUSTOM_BOTH:
      handle_control_event (self, event);
      break;
    default:
      /* stream-start, tags and the rest stay here: the clip element starts
       * a stream of its own on the recording's timeline. */
      break;
    }
  gst_event_unref (event);
  if (notify)
    session.wake.notify_all ();
  (void)sinkpad;
  return ret;
}

static gboolean
gst_recorder_clip_sink_query (GstPad *pad, GstObject *parent, GstQuery *query)
{
  switch (GST_QUERY_TYPE (query))
    {
    case GST_QUERY_ACCEPT_CAPS:
      {
        GstCaps *caps;
        GstAudioInfo info;
        gst_query_parse_accept_caps (query, &caps);
        gst_query_set_accept_caps_result (
            query, gst_audio_info_from_caps (&info, caps));
        return TRUE;
      }
    case GST_QUERY_CAPS:
      {
        GstCaps *filter, *caps = gst_pad_get_pad_template_caps (pad);
        gst_query_parse_caps (query, &filter);
        if (filter)
          {
            GstCaps *tmp = gst_caps_intersect_full (filter, caps,
                                                    GST_CAPS_INTERSECT_FIRST);
            gst_caps_unref (caps);
            caps = tmp;
          }
        gst_query_set_caps_result (query, caps);
        gst_caps_unref (caps);
        return TRUE;
      }
    case GST_QUERY_ALLOCATION:
      return FALSE;
    default:
      return gst_pad_query_default (pad, parent, query);
    }
}

/* ---- source pad: the streaming task ------------------------------------- */

static GstBuffer *
make_silence (const GstAudioInfo &info, guint64 samples)
{
  GstBuffer *buf = gst_buffer_new_allocate (NULL, samples * info.bpf, NULL);
  GstMapInfo map;
  gst_buffer_map (buf, &map, GST_MAP_WRITE);
  gst_audio_format_info_fill_silence (info.finfo, map.data, map.size);
  gst_buffer_unmap (buf, &map);
  if (GST_AUDIO_INFO_LAYOUT (&info) == GST_AUDIO_LAYOUT_NON_INTERLEAVED)
    gst_buffer_add_audio_meta (buf, &info, samples, NULL);
  return buf;
}

static bool
push_header_events (GstRecorderClip *self, const FormatRef &format)
{
  GstRecorderClipPrivate *priv = self->priv;
  if (!priv->sent_stream_start)
    {
      gchar *id
          = gst_pad_create_stream_id (self->srcpad, GST_ELEMENT (self), NULL);
      gst_pad_push_event (self->srcpad, gst_event_new_stream_start (id));
      g_free (id);
      priv->sent_stream_start = true;
    }
  if (format && format != priv->out_format
      && (!priv->out_format
          || !gst_audio_info_is_equal (&priv->out_format->info, &format->info)))
    {
      if (!gst_pad_push_event (self->srcpad, gst_event_new_caps (format->caps)))
        return false;
      priv->out_format = format;
      g_clear_pointer (&priv->silence, gst_buffer_unref);
      Session &session = *priv->session;
      std::lock_guard<std::mutex> lk (session.lock);
      session_pad (self).last_out_format = format;
    }
  else if (format)
    priv->out_format = format;
  if (!priv->sent_segment)
    {
      GstSegment segment;
      gst_segment_init (&segment, GST_FORMAT_TIME);
      gst_pad_push_event (self->srcpad, gst_event_new_segment (&segment));
      priv->sent_segment = true;
    }
  return true;
}

static GstFlowReturn
push_chunk (GstRecorderClip *self, const Outgoing &item)
{
  GstRecorderClipPrivate *priv = self->priv;
  const Chunk &chunk = item.chunk;
  const GstAudioInfo &info = item.format->info;

  if (chunk.payload)
    {
      auto &payload = static_cast<const BufferPayload &> (*chunk.payload);
      GstBuffer *buf
          = gst_audio_buffer_truncate (gst_buffer_ref (payload.buffer ()),
                                       info.bpf, chunk.offset, chunk.samples);
      buf = gst_buffer_make_writable (buf);
      GST_BUFFER_PTS (buf) = chunk.pts;
      GST_BUFFER_DTS (buf) = GST_CLOCK_TIME_NONE;
      GST_BUFFER_DURATION (buf) = chunk.duration;
      GST_BUFFER_OFFSET (buf) = GST_BUFFER_OFFSET_NONE;
      GST_BUFFER_OFFSET_END (buf) = GST_BUFFER_OFFSET_NONE;
      GST_BUFFER_FLAG_UNSET (buf, GST_BUFFER_FLAG_GAP);
      if (priv->discont)
        GST_BUFFER_FLAG_SET (buf, GST_BUFFER_FLAG_DISCONT);
      else
        GST_BUFFER_FLAG_UNSET (buf, GST_BUFFER_FLAG_DISCONT);
      priv->discont = false;
      return gst_pad_push (self->srcpad, buf);
    }

  const guint64 per_buffer
      = std::max<guint64> (1, cut_index (kSilenceChunk, info.rate));
  if (!priv->silence)
    priv->silence = make_silence (info, per_buffer);
  guint64 done = 0;
  while (done < chunk.samples)
    {
      const guint64 n = std::min (per_buffer, chunk.samples - done);
      GstBuffer *buf = gst_audio_buffer_truncate (
          gst_buffer_ref (priv->silence), info.bpf, 0, n);
      buf = gst_buffer_make_writable (buf);
      const Time pts = chunk.pts + samples_to_time (done, chunk.rate);
      const Time end = done + n == chunk.samples
                           ? chunk.pts + chunk.duration
                           : chunk.pts + samples_to_time (done + n, chunk.rate);
      GST_BUFFER_PTS (buf) = pts;
      GST_BUFFER_DURATION (buf) = end - pts;
      GST_BUFFER_FLAG_SET (buf, GST_BUFFER_FLAG_GAP);
      if (priv->discont)
        GST_BUFFER_FLAG_SET (buf, GST_BUFFER_FLAG_DISCONT);
      priv->discont = false;
      done += n;
      GstFlowReturn ret = gst_pad_push (self->srcpad, buf);
      if (ret != GST_FLOW_OK)
        return ret;
    }
  return GST_FLOW_OK;
}

static void
gst_recorder_clip_loop (gpointer user_data)
{
  GstRecorderClip *self = GST_RECORDER_CLIP (user_data);
  GstRecorderClipPrivate *priv = self->priv;
  Session &session = *priv->session;

  std::unique_lock<std::mutex> lk (session.lock);
  Session::Pad &pad = session_pad (self);
  while (!pad.flushing && pad.outbox.empty ())
    {
      if (session.live && session.clock && pad.timeline.holdback () > 0
          && session.start != kTimeNone)
        {
          /* The clock moves the horizon: commit as it runs. */
          session.wake.wait_for (lk, std::chrono::nanoseconds (kLiveTick));
          if (session.advance ())
            {
              lk.unlock ();
              session.wake.notify_all ();
              lk.lock ();
            }
        }
      else
        session.wake.wait (lk);
    }
  if (pad.flushing)
    {
      lk.unlock ();
      gst_pad_pause_task (self->srcpad);
      return;
    }

  Outgoing item = std::move (pad.outbox.front ());
  pad.outbox.pop_front ();
  pad.popped++;
  const Time before = pad.outbox_duration;
  pad.outbox_duration -= std::min (pad.outbox_duration, item.chunk.duration);
  /* Wake a waiting input only when it may go on (see the chain). */
  const bool room
      = before > kOutboxLimit / 2 && pad.outbox_duration <= kOutboxLimit / 2;
  const bool failed = session.failed;
  auto once = session.started_once;
  const Time start = session.start;
  lk.unlock ();
  if (room)
    session.wake.notify_all ();

  if (failed)
    return; /* the chain behind us is broken: drain without pushing */

  if (start != kTimeNone && session.on_start)
    std::call_once (*once, [&] { session.on_start (start); });

  GstFlowReturn ret = GST_FLOW_OK;
  if (!push_header_events (self, item.format))
    ret = GST_FLOW_NOT_NEGOTIATED;
  else if (item.chunk.samples == 0)
    {
      gst_pad_push_event (self->srcpad, gst_event_new_eos ());
      return;
    }
  else
    ret = push_chunk (self, item);

  if (ret == GST_FLOW_OK || ret == GST_FLOW_FLUSHING || ret == GST_FLOW_EOS)
    {
      if (ret == GST_FLOW_FLUSHING)
        GST_DEBUG_OBJECT (self, "flushing downstream");
      return;
    }

  {
    std::lock_guard<std::mutex> g (session.lock);
    pad.last_flow = ret;
    if (!pad.flushing && !session.failed)
      {
        session.failed = true;
        session.errors++;
      }
  }
  session.wake.notify_all ();
  if (ret == GST_FLOW_NOT_NEGOTIATED)
    {
      gchar *caps = item.format ? gst_caps_to_string (item.format->caps)
                                : g_strdup ("(none)");
      GST_ELEMENT_ERROR (self, CORE, NEGOTIATION,
                         ("The recording chain cannot take the audio of pad "
                          "%s: caps %s",
                          pad_name (self), caps),
                         ("not-negotiated"));
      g_free (caps);
    }
  else
    GST_DEBUG_OBJECT (self, "push failed: %s", gst_flow_get_name (ret));
}

static void
start_task (GstRecorderClip *self)
{
  gst_pad_start_task (self->srcpad, gst_recorder_clip_loop, self, NULL);
}

static gboolean
gst_recorder_clip_src_activate_mode (GstPad *pad, GstObject *parent,
                                     GstPadMode mode, gboolean active)
{
  GstRecorderClip *self = GST_RECORDER_CLIP (parent);
  Session &session = *self->priv->session;
  if (mode != GST_PAD_MODE_PUSH)
    return FALSE;
  if (active)
    {
      {
        std::lock_guard<std::mutex> lk (session.lock);
        session_pad (self).flushing = false;
      }
      GstRecorderClipPrivate *priv = self->priv;
      priv->sent_stream_start = priv->sent_segment = false;
      priv->discont = true;
      priv->out_format.reset ();
      g_clear_pointer (&priv->silence, gst_buffer_unref);
      return gst_pad_start_task (pad, gst_recorder_clip_loop, self, NULL);
    }
  {
    std::lock_guard<std::mutex> lk (session.lock);
    session_pad (self).flushing = true;
  }
  session.wake.notify_all ();
  return gst_pad_stop_task (pad);
}

static gboolean
gst_recorder_clip_sink_activate_mode (GstPad *, GstObject *parent,
                                      GstPadMode mode, gboolean active)
{
  GstRecorderClip *self = GST_RECORDER_CLIP (parent);
  Session &session = *self->priv->session;
  if (mode != GST_PAD_MODE_PUSH)
    return FALSE;
  if (active)
    {
      gst_segment_init (&self->priv->segment, GST_FORMAT_TIME);
      self->priv->latency_queried = false;
      self->priv->warned_partial_frame = false;
      return TRUE;
    }
  {
    std::lock_guard<std::mutex> lk (session.lock);
    session_pad (self).flushing = true;
  }
  session.wake.notify_all ();
  return TRUE;
}

static gboolean
gst_recorder_clip_src_query (GstPad *pad, GstObject *parent, GstQuery *query)
{
  GstRecorderClip *self = GST_RECORDER_CLIP (parent);
  switch (GST_QUERY_TYPE (query))
    {
    case GST_QUERY_LATENCY:
      {
        if (!gst_pad_peer_query (self->sinkpad, query))
          return FALSE;
        gboolean live;
        GstClockTime min, max;
        gst_query_parse_latency (query, &live, &min, &max);
        if (live)
          {
            /* Held audio is released on the next tick after it is heard. */
            min += kLiveMargin;
            if (GST_CLOCK_TIME_IS_VALID (max))
              max += kLiveMargin;
          }
        gst_query_set_latency (query, live, min, max);
        return TRUE;
      }
    case GST_QUERY_CAPS:
      {
        GstRecorderClipPrivate *priv = self->priv;
        GstCaps *caps;
        {
          Session &session = *priv->session;
          std::lock_guard<std::mutex> lk (session.lock);
          const FormatRef &f = session_pad (self).format;
          caps = f ? gst_caps_ref (f->caps)
                   : gst_pad_get_pad_template_caps (pad);
        }
        gst_query_set_caps_result (query, caps);
        gst_caps_unref (caps);
        return TRUE;
      }
    default:
      return gst_pad_query_default (pad, parent, query);
    }
}

static gboolean
gst_recorder_clip_src_event (GstPad *, GstObject *, GstEvent *event)
{
  /* Upstream events stop here: the recording's timeline is not seekable,
   * and QoS or reconfiguration mean nothing to the sources. */
  const gboolean handled = GST_EVENT_TYPE (event) != GST_EVENT_SEEK;
  gst_event_unref (event);
  return handled;
}

/* ---- GObject ---------------------------------------------------------------
 */

static void
gst_recorder_clip_finalize (GObject *object)
{
  GstRecorderClip *self = GST_RECORDER_CLIP (object);
  g_clear_pointer (&self->priv->silence, gst_buffer_unref);
  delete self->priv;
  G_OBJECT_CLASS (gst_recorder_clip_parent_class)->finalize (object);
}

static void
gst_recorder_clip_class_init (GstRecorderClipClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);

  gobject_class->finalize = gst_recorder_clip_finalize;
  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (
      element_class, "Recorder clip", "Filter/Audio",
      "Clips one recorderbin pad's audio to what was heard (internal)",
      "recorderbin developers");
  GST_DEBUG_CATEGORY_INIT (gst_recorder_clip_debug, "recorderclip", 0,
                           "recorderbin per-pad clipping");
}

static void
gst_recorder_clip_init (GstRecorderClip *self)
{
  self->priv = new GstRecorderClipPrivate ();
  gst_segment_init (&self->priv->segment, GST_FORMAT_TIME);

  GstElementClass *klass = GST_ELEMENT_GET_CLASS (self);
  self->sinkpad = gst_pad_new_from_template (
      gst_element_class_get_pad_template (klass, "sink"), "sink");
  gst_pad_set_chain_function (self->sinkpad, gst_recorder_clip_chain);
  gst_pad_set_event_function (self->sinkpad, gst_recorder_clip_sink_event);
  gst_pad_set_query_function (self->sinkpad, gst_recorder_clip_sink_query);
  gst_pad_set_activatemode_function (self->sinkpad,
                                     gst_recorder_clip_sink_activate_mode);
  gst_element_add_pad (GST_ELEMENT (self), self->sinkpad);

  self->srcpad = gst_pad_new_from_template (
      gst_element_class_get_pad_template (klass, "src"), "src");
  gst_pad_set_activatemode_function (self->srcpad,
                                     gst_recorder_clip_src_activate_mode);
  gst_pad_set_query_function (self->srcpad, gst_recorder_clip_src_query);
  gst_pad_set_event_function (self->srcpad, gst_recorder_clip_src_event);
  gst_pad_use_fixed_caps (self->srcpad);
  gst_element_add_pad (GST_ELEMENT (self), self->srcpad);
}

GstElement *
gst_recorder_clip_new (std::shared_ptr<Session> session, unsigned index,
                       const gchar *name)
{
  auto *self = GST_RECORDER_CLIP (
      g_object_new (GST_TYPE_RECORDER_CLIP, "name", name, NULL));
  self->priv->session = std::move (session);
  self->priv->index = index;
  return GST_ELEMENT (self);
}
