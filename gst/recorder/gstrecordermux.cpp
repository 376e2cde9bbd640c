/* recorderbin — the mux element: thin glue between GStreamer pads and the
 * session. A sink pad's streaming thread feeds its pad's timeline and moves
 * the horizon (session.h); each source pad's task takes what its pads
 * committed, converts and aligns it (output.h) and pushes it into its
 * file's chain. One task per file, as `queue` has one per queue: a held pad
 * is moved along by the others, and a stalled sink holds up no input.
 *
 * Locking: Session::lock only (the order is in session.h); never held
 * across a push, a query or a call into the finisher.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstrecordermux.h"

#include <gst/audio/audio.h>

#include <atomic>
#include <chrono>
#include <map>

#include "finisher.h"
#include "gstrecordermux-private.h"

GST_DEBUG_CATEGORY (gst_recorder_mux_debug);
#define GST_CAT_DEFAULT gst_recorder_mux_debug

using namespace recorder;

G_DEFINE_TYPE (GstRecorderMux, gst_recorder_mux, GST_TYPE_ELEMENT);

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE (
    "sink_%u", GST_PAD_SINK, GST_PAD_REQUEST, GST_STATIC_CAPS ("audio/x-raw"));
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE (
    "src_%u", GST_PAD_SRC, GST_PAD_SOMETIMES, GST_STATIC_CAPS ("audio/x-raw"));

static InputGlue *
input_of (GstPad *pad)
{
  return static_cast<InputGlue *> (gst_pad_get_element_private (pad));
}

static std::string
time_text (Time t)
{
  gchar *s = g_strdup_printf ("%" GST_TIME_FORMAT, GST_TIME_ARGS (t));
  std::string out (s);
  g_free (s);
  return out;
}

static std::string
caps_text (const GstCaps *caps)
{
  gchar *s = caps ? gst_caps_to_string (caps) : g_strdup ("(none)");
  std::string out (s);
  g_free (s);
  return out;
}

/* ---- controls ------------------------------------------------------------ */

static void
warn_outcome (GstRecorderMux *self, EventOutcome outcome,
              const std::string &what, const std::string &why_ignored, Time at)
{
  if (outcome == EventOutcome::kLate)
    self->priv->finisher->warning (
        GST_STREAM_ERROR, GST_STREAM_ERROR_FAILED,
        "Late " + what
            + ": audio before the recording's commit horizon was already "
              "written",
        "running-time " + time_text (at));
  else if (outcome == EventOutcome::kIgnored)
    self->priv->finisher->warning (GST_STREAM_ERROR, GST_STREAM_ERROR_FAILED,
                                   "Ignored " + what + ": " + why_ignored, "");
}

void
gst_recorder_mux_control (GstRecorderMux *self, unsigned index,
                          const Control &control)
{
  Session &session = *self->priv->session;
  const char *kind = control_kind_name (control.kind);
  EventOutcome outcome = EventOutcome::kApplied;
  Mark mark;
  std::string what, why_ignored;
  {
    std::lock_guard<std::mutex> lk (session.lock);
    mark.kind = control.kind;
    if (control_is_pad_kind (control.kind))
      {
        InputPad &pad = session.pad (index);
        const Time at = control.running_time == kTimeNone
                            ? session.now_for (pad)
                            : control.running_time;
        switch (control.kind)
          {
          case ControlKind::kInterrupt:
            outcome = pad.timeline.interrupt (at);
            break;
          case ControlKind::kPause:
            outcome = pad.timeline.pause (at);
            pad.warned_holdback = false;
            why_ignored = "already paused";
            break;
          default:
            outcome = pad.timeline.resume (at);
            why_ignored = "not paused";
            break;
          }
        what = std::string (kind) + " on pad " + pad.name;
        mark.pad = (int)index;
        mark.running_time = at;
        mark.effect = pad.timeline.last_effect ();
        mark.output = pad.output;
      }
    else
      {
        const bool pause = control.kind == ControlKind::kPauseRecording;
        const Time at = control.running_time == kTimeNone
                            ? session.now_for_recording ()
                            : control.running_time;
        for (auto &out : session.outputs)
          {
            const EventOutcome o
                = pause ? out->gate.pause (at) : out->gate.resume (at);
            if (out->index == 0)
              {
                outcome = o;
                mark.effect = out->gate.last_effect ();
              }
          }
        what = kind;
        why_ignored = pause ? "already paused" : "not paused";
        mark.running_time = at;
      }
    mark.late = outcome == EventOutcome::kLate;
    if (outcome != EventOutcome::kIgnored && !session.outputs.empty ())
      session.marks.push_back (mark);
    session.advance ();
  }
  GST_INFO_OBJECT (self, "%s at %" GST_TIME_FORMAT, what.c_str (),
                   GST_TIME_ARGS (mark.running_time));
  warn_outcome (self, outcome, what, why_ignored, mark.running_time);
}

static void
handle_control_event (InputGlue *in, GstEvent *event)
{
  GstRecorderMux *self = in->mux;
  const GstStructure *s = gst_event_get_structure (event);
  Control control;
  switch (control_parse (s, &control))
    {
    case ControlParse::kNotOurs:
      return;
    case ControlParse::kUnknown:
      self->priv->finisher->warning (GST_STREAM_ERROR, GST_STREAM_ERROR_FAILED,
                                     std::string ("Ignored unknown event ")
                                         + gst_structure_get_name (s)
                                         + " on pad " + in->name,
                                     "");
      return;
    case ControlParse::kMalformed:
      {
        gchar *str = gst_structure_to_string (s);
        self->priv->finisher->warning (
            GST_STREAM_ERROR, GST_STREAM_ERROR_FAILED,
            "Ignored malformed event on pad " + in->name
                + ": running-time must be a guint64",
            str);
        g_free (str);
        return;
      }
    case ControlParse::kOk:
      gst_recorder_mux_control (self, in->index, control);
      return;
    }
}

/* ---- input: the sink pads --------------------------------------------------
 */

static void
report_inputs_ended (GstRecorderMux *self, std::unique_lock<std::mutex> &lk)
{
  Session &session = *self->priv->session;
  if (!session.all_input_ended () || session.inputs_ended_reported)
    return;
  session.inputs_ended_reported = true;
  lk.unlock ();
  self->priv->finisher->inputs_ended ();
  lk.lock ();
}

void
gst_recorder_mux_end_inputs (GstRecorderMux *self)
{
  Session &session = *self->priv->session;
  std::unique_lock<std::mutex> lk (session.lock);
  for (auto &[index, pad] : session.pads)
    pad->eos = true;
  session.advance ();
  session.room.notify_all ();
  report_inputs_ended (self, lk);
}

void
gst_recorder_mux_drop_unheard (GstRecorderMux *self)
{
  Session &session = *self->priv->session;
  std::lock_guard<std::mutex> lk (session.lock);
  for (auto &[index, pad] : session.pads)
    {
      /* Only what was heard by now stays. Pads without holdback hold
       * nothing. */
      if (pad->eos || pad->timeline.holdback () == 0)
        continue;
      pad->timeline.interrupt (session.now_for (*pad));
    }
  session.advance ();
}

static Time
to_running_time (const InputGlue *in, GstClockTime ts)
{
  if (!GST_CLOCK_TIME_IS_VALID (ts))
    return kTimeNone;
  const GstClockTime rt
      = gst_segment_to_running_time (&in->segment, GST_FORMAT_TIME, ts);
  return GST_CLOCK_TIME_IS_VALID (rt) ? rt : kTimeNone;
}

static void
query_upstream_latency (InputGlue *in)
{
  GstQuery *q = gst_query_new_latency ();
  gboolean live = FALSE;
  GstClockTime min = 0;
  if (gst_pad_peer_query (in->pad, q))
    gst_query_parse_latency (q, &live, &min, NULL);
  gst_query_unref (q);
  Session &session = *in->mux->priv->session;
  std::lock_guard<std::mutex> lk (session.lock);
  if (live)
    session.live = true;
  session.pad (in->index).upstream_latency
      = GST_CLOCK_TIME_IS_VALID (min) ? min : 0;
}

/* What a refused buffer returns. */
static GstFlowReturn
refused_flow (const Session &session, const InputPad &pad,
              const OutputShared &out)
{
  if (pad.flushing)
    return GST_FLOW_FLUSHING;
  if (pad.eos)
    return GST_FLOW_EOS;
  if (session.error_mode == ErrorMode::kContain)
    return GST_FLOW_OK;
  if ((out.failed || out.stalled) && out.last_flow < GST_FLOW_EOS)
    return out.last_flow;
  return GST_FLOW_ERROR;
}

/* Waits, as queue does, while the pad's output has a full queue. Returns
 * false if the output stayed inside one push into its chain for the stall
 * timeout (an output waiting for another pad is not stalled). */
static bool
wait_for_room (std::unique_lock<std::mutex> &lk, Session &session,
               InputPad &pad, OutputShared &out)
{
  auto deadline = std::chrono::steady_clock::now ()
                  + std::chrono::nanoseconds (session.stall_timeout);
  std::uint64_t seen = out.progress;
  /* Once waiting, wait until half the limit is free: one wake-up per half
   * queue rather than one per block written. */
  bool waited = false;
  while (!pad.flushing && !pad.eos && !out.failed && !out.stalled
         && pad.queued () > (waited ? session.queue_limit () / 2
                                    : session.queue_limit ()))
    {
      /* The output only wakes for a block of every pad; what this pad has
       * queued may be what the others wait for. */
      if (!waited)
        out.wake ();
      waited = true;
      if (session.room.wait_until (lk, deadline) != std::cv_status::timeout)
        continue;
      if (out.progress == seen && out.in_push)
        return false;
      seen = out.progress;
      deadline = std::chrono::steady_clock::now ()
                 + std::chrono::nanoseconds (session.stall_timeout);
    }
  return true;
}

/* Trims a buffer to the frames inside the segment and makes it one the
 * timeline can keep: whole frames, an audio meta when planar. Returns null
 * when nothing is left. */
static GstBuffer *
prepare_buffer (InputGlue *in, GstBuffer *buffer, const GstAudioInfo &info,
                Time *pts, guint64 *samples)
{
  const gsize size = gst_buffer_get_size (buffer);
  *samples = size / info.bpf;
  if (size % info.bpf != 0 && !in->warned_partial_frame)
    {
      in->warned_partial_frame = true;
      gchar *t = g_strdup_printf (
          "Pad %s received a buffer of %" G_GSIZE_FORMAT
          " bytes, not a whole number of %d-byte frames: the partial frame "
          "is dropped",
          in->name.c_str (), size, info.bpf);
      in->mux->priv->finisher->warning (GST_STREAM_ERROR,
                                        GST_STREAM_ERROR_FORMAT, t, "");
      g_free (t);
    }
  *pts = to_running_time (in, GST_BUFFER_PTS (buffer));
  if (*samples == 0)
    {
      gst_buffer_unref (buffer);
      return nullptr;
    }
  /* Audio that starts before the segment: keep the part inside it. */
  guint64 skip = 0;
  const GstClockTime ts = GST_BUFFER_PTS (buffer);
  if (GST_CLOCK_TIME_IS_VALID (ts) && ts < in->segment.start)
    {
      skip = cut_index (in->segment.start - ts, info.rate);
      if (skip >= *samples)
        {
          gst_buffer_unref (buffer);
          return nullptr;
        }
      *pts = to_running_time (in, in->segment.start);
    }
  const bool planar
      = GST_AUDIO_INFO_LAYOUT (&info) == GST_AUDIO_LAYOUT_NON_INTERLEAVED;
  if (size % info.bpf != 0 && !planar)
    {
      buffer = gst_buffer_make_writable (buffer);
      gst_buffer_resize (buffer, 0, *samples * info.bpf);
    }
  if (planar && !gst_buffer_get_audio_meta (buffer))
    {
      buffer = gst_buffer_make_writable (buffer);
      gst_buffer_add_audio_meta (buffer, &info, *samples, NULL);
    }
  if (skip > 0)
    {
      buffer
          = gst_audio_buffer_truncate (buffer, info.bpf, skip, *samples - skip);
      *samples -= skip;
    }
  return buffer;
}

static GstFlowReturn
gst_recorder_mux_chain (GstPad *pad, GstObject *, GstBuffer *buffer)
{
  InputGlue *in = input_of (pad);
  GstRecorderMux *self = in->mux;
  Session &session = *self->priv->session;
  if (!in->latency_queried)
    {
      in->latency_queried = true;
      query_upstream_latency (in);
    }

  std::unique_lock<std::mutex> lk (session.lock);
  InputPad &p = session.pad (in->index);
  OutputShared &out = session.output_of (p);
  if (!wait_for_room (lk, session, p, out))
    {
      const unsigned output = out.index;
      lk.unlock ();
      self->priv->finisher->output_stalled (output, in->name);
      lk.lock ();
    }
  if (p.flushing || p.eos || out.failed || out.stalled || p.input_failed)
    {
      const GstFlowReturn ret = refused_flow (session, p, out);
      lk.unlock ();
      gst_buffer_unref (buffer);
      return ret;
    }
  FormatRef format = p.format;
  lk.unlock ();
  if (!format)
    {
      gst_buffer_unref (buffer);
      if (!in->before_caps_reported)
        {
          in->before_caps_reported = true;
          self->priv->finisher->input_error (
              GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION,
              "Pad " + in->name + " received audio before its caps", "");
        }
      return GST_FLOW_NOT_NEGOTIATED;
    }

  Time pts;
  guint64 samples;
  buffer = prepare_buffer (in, buffer, format->info, &pts, &samples);
  if (!buffer)
    return GST_FLOW_OK;

  auto payload = std::make_shared<BufferPayload> (buffer, format);
  bool warn_holdback = false;
  Time holdback;
  Wakes wakes;
  std::vector<PayloadRef> spent;
  lk.lock ();
  {
    InputPad &q = session.pad (in->index);
    if (q.eos || q.flushing)
      {
        /* Ended meanwhile (EOS sent to the bin, a teardown): the timeline
         * is finished and would take nothing more. */
        const GstFlowReturn ret = refused_flow (session, q, out);
        lk.unlock ();
        payload.reset ();
        return ret;
      }
    const guint64 dropped = q.timeline.push (pts, format->info.rate, samples,
                                             std::move (payload));
    if (dropped > 0 && !q.warned_holdback)
      warn_holdback = q.warned_holdback = true;
    holdback = q.timeline.holdback ();
    session.advance (&wakes);
    spent.swap (q.spent);
  }
  lk.unlock ();
  wakes.notify ();
  spent.clear (); /* released here, on the thread that allocated them */
  if (warn_holdback)
    self->priv->finisher->warning (
        GST_STREAM_ERROR, GST_STREAM_ERROR_FAILED,
        "Pause on pad " + in->name
            + " outlasts its holdback: the oldest unheard audio is dropped",
        "holdback " + time_text (holdback));
  return GST_FLOW_OK;
}

/* The layout this pad's audio is converted to, if it is known yet: mono
 * when pads are mixed or interleaved, else the file's layout (its first
 * caps' once the output started, or the pad's first caps). Also the most
 * channels a kept pad's file holds. */
static bool
conversion_target (InputGlue *in, GstAudioInfo *target, unsigned *limit)
{
  GstRecorderMuxPrivate *priv = in->mux->priv;
  std::lock_guard<std::mutex> lk (priv->session->lock);
  const InputPad &pad = priv->session->pad (in->index);
  if (pad.output >= priv->outputs.size () || !priv->outputs[pad.output])
    return false;
  const OutputGlue &o = *priv->outputs[pad.output];
  if (o.plan.combine == Combine::kKeep)
    *limit = std::min (*limit, o.plan.max_channels);
  if (o.mix)
    {
      *target = o.mix->stage_info ();
      return true;
    }
  if (o.plan.combine != Combine::kKeep)
    {
      gst_audio_info_set_format (target, GST_AUDIO_FORMAT_F32, 48000, 1, NULL);
      return true;
    }
  if (!pad.first_format)
    return false; /* these caps will decide the file's layout */
  *target = pad.first_format->info;
  return true;
}

/* Whether GStreamer's converter can turn `in` into `target`'s channels
 * (it cannot mix unpositioned channels into another layout). */
static bool
converter_takes (const GstAudioInfo &in, const GstAudioInfo &target)
{
  GstAudioInfo from = in, to;
  gst_audio_info_set_format (
      &to, GST_AUDIO_INFO_FORMAT (&in), GST_AUDIO_INFO_RATE (&in),
      GST_AUDIO_INFO_CHANNELS (&target), target.position);
  to.flags = target.flags;
  GstAudioConverter *c = gst_audio_converter_new (GST_AUDIO_CONVERTER_FLAG_NONE,
                                                  &from, &to, NULL);
  if (c)
    gst_audio_converter_free (c);
  return c != nullptr;
}

/* Whether the pad can record `caps`; if not, why. */
static bool
caps_acceptable (InputGlue *in, GstCaps *caps, GstAudioInfo *info,
                 std::string *why)
{
  if (!gst_audio_info_from_caps (info, caps) || GST_AUDIO_INFO_RATE (info) <= 0
      || GST_AUDIO_INFO_CHANNELS (info) <= 0)
    {
      *why = "not raw audio with a rate and a channel count";
      return false;
    }
  unsigned limit = kConverterMaxChannels;
  const char *whose = "GStreamer's audio converter";
  GstAudioInfo target;
  const bool known = conversion_target (in, &target, &limit);
  if (limit < kConverterMaxChannels)
    whose = "the recording's format";
  if ((unsigned)GST_AUDIO_INFO_CHANNELS (info) > limit)
    {
      *why = std::string (whose) + " takes at most " + std::to_string (limit)
             + " channels";
      return false;
    }
  if (known && !converter_takes (*info, target))
    {
      GstCaps *t = gst_audio_info_to_caps (&target);
      *why = "GStreamer's audio converter cannot map its channels to the "
             "recording's "
             + caps_text (t);
      gst_caps_unref (t);
      return false;
    }
  return true;
}

static void
set_input_failed (InputGlue *in)
{
  Session &session = *in->mux->priv->session;
  std::lock_guard<std::mutex> lk (session.lock);
  InputPad &pad = session.pad (in->index);
  pad.input_failed = in->caps_error || in->segment_error;
  if (pad.input_failed)
    pad.timeline.end_run ();
  session.advance ();
}

static gboolean
handle_caps (InputGlue *in, GstEvent *event)
{
  GstCaps *caps;
  gst_event_parse_caps (event, &caps);
  GstAudioInfo info;
  std::string why;
  if (!caps_acceptable (in, caps, &info, &why))
    {
      /* The core offers refused caps again with every buffer: one
       * message for the episode. */
      if (!in->caps_error)
        {
          in->caps_error = true;
          set_input_failed (in);
          in->mux->priv->finisher->input_error (
              GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION,
              "Pad " + in->name + " cannot record caps " + caps_text (caps)
                  + ": " + why,
              "not-negotiated");
        }
      return FALSE;
    }
  Session &session = *in->mux->priv->session;
  {
    std::lock_guard<std::mutex> lk (session.lock);
    InputPad &pad = session.pad (in->index);
    if (!pad.format || !gst_audio_info_is_equal (&pad.format->info, &info))
      {
        pad.timeline.end_run ();
        pad.format = std::make_shared<Format> (info);
        pad.timeline.set_rate (info.rate);
      }
    if (!pad.first_format)
      pad.first_format = pad.format;
    if (session.output_rate == 0)
      session.output_rate = info.rate;
  }
  if (in->caps_error)
    {
      in->caps_error = false;
      set_input_failed (in);
    }
  return TRUE;
}

static void
handle_segment (InputGlue *in, GstEvent *event)
{
  const GstSegment *segment;
  gst_event_parse_segment (event, &segment);
  if (segment->format != GST_FORMAT_TIME || segment->rate != 1.0
      || segment->applied_rate != 1.0)
    {
      if (!in->segment_error)
        {
          in->segment_error = true;
          set_input_failed (in);
          gchar *t = g_strdup_printf (
              "Pad %s received a %s segment at rate %g: recorderbin needs "
              "TIME segments at rate 1.0; the pad records silence until it "
              "sends one",
              in->name.c_str (), gst_format_get_name (segment->format),
              segment->rate * segment->applied_rate);
          in->mux->priv->finisher->input_error (GST_STREAM_ERROR,
                                                GST_STREAM_ERROR_FORMAT, t, "");
          g_free (t);
        }
      return;
    }
  gst_segment_copy_into (segment, &in->segment);
  Session &session = *in->mux->priv->session;
  {
    std::lock_guard<std::mutex> lk (session.lock);
    session.pad (in->index).timeline.end_run ();
  }
  if (in->segment_error)
    {
      in->segment_error = false;
      set_input_failed (in);
    }
}

static gboolean
gst_recorder_mux_sink_event (GstPad *pad, GstObject *, GstEvent *event)
{
  InputGlue *in = input_of (pad);
  Session &session = *in->mux->priv->session;
  gboolean ret = TRUE;

  switch (GST_EVENT_TYPE (event))
    {
    case GST_EVENT_CAPS:
      ret = handle_caps (in, event);
      break;
    case GST_EVENT_SEGMENT:
      handle_segment (in, event);
      break;
    case GST_EVENT_GAP:
      {
        GstClockTime ts, duration;
        gst_event_parse_gap (event, &ts, &duration);
        const Time end = to_running_time (
            in, GST_CLOCK_TIME_IS_VALID (duration) ? ts + duration : ts);
        std::lock_guard<std::mutex> lk (session.lock);
        InputPad &p = session.pad (in->index);
        p.timeline.end_run ();
        p.gap_end = later_of (p.gap_end, end);
        session.advance ();
        break;
      }
    case GST_EVENT_EOS:
      {
        std::vector<PayloadRef> spent; /* released after the lock */
        std::unique_lock<std::mutex> lk (session.lock);
        session.pad (in->index).eos = true;
        spent.swap (session.pad (in->index).spent);
        session.advance ();
        report_inputs_ended (in->mux, lk);
        break;
      }
    case GST_EVENT_FLUSH_START:
      {
        std::lock_guard<std::mutex> lk (session.lock);
        session.pad (in->index).flushing = true;
        session.room.notify_all ();
        break;
      }
    case GST_EVENT_FLUSH_STOP:
      {
        /* Held audio goes; what was committed stays: the recording's
         * timeline is not seekable. */
        std::lock_guard<std::mutex> lk (session.lock);
        InputPad &p = session.pad (in->index);
        p.timeline.flush ();
        p.flushing = false;
        gst_segment_init (&in->segment, GST_FORMAT_TIME);
        break;
      }
    case GST_EVENT_CUSTOM_DOWNSTREAM:
    case GST_EVENT_CUSTOM_DOWNSTREAM_OOB:
    case GST_EVENT_CUSTOM_BOTH:
      handle_control_event (in, event);
      break;
    default:
      /* stream-start, tags and the rest stay here: each output starts a
       * stream of its own on the recording's timeline. */
      break;
    }
  gst_event_unref (event);
  return ret;
}

static gboolean
gst_recorder_mux_sink_query (GstPad *pad, GstObject *parent, GstQuery *query)
{
  switch (GST_QUERY_TYPE (query))
    {
    case GST_QUERY_ACCEPT_CAPS:
      {
        /* Any raw audio is accepted here: caps the recording cannot take
         * are refused by the CAPS event, with an ERROR that says why,
         * rather than silently in a query. */
        GstCaps *caps;
        gst_query_parse_accept_caps (query, &caps);
        GstCaps *templ = gst_pad_get_pad_template_caps (pad);
        gst_query_set_accept_caps_result (query,
                                          gst_caps_can_intersect (caps, templ));
        gst_caps_unref (templ);
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

static gboolean
gst_recorder_mux_sink_activate_mode (GstPad *pad, GstObject *, GstPadMode mode,
                                     gboolean active)
{
  if (mode != GST_PAD_MODE_PUSH)
    return FALSE;
  InputGlue *in = input_of (pad);
  if (active)
    {
      gst_segment_init (&in->segment, GST_FORMAT_TIME);
      in->latency_queried = in->warned_partial_frame = false;
      in->caps_error = in->segment_error = in->before_caps_reported = false;
    }
  Session &session = *in->mux->priv->session;
  std::lock_guard<std::mutex> lk (session.lock);
  session.pad (in->index).flushing = !active;
  session.room.notify_all ();
  return TRUE;
}

GstPad *
gst_recorder_mux_add_input (GstRecorderMux *self, unsigned index,
                            const char *name)
{
  GstRecorderMuxPrivate *priv = self->priv;
  auto glue = std::make_unique<InputGlue> ();
  glue->mux = self;
  glue->index = index;
  glue->name = name;
  gst_segment_init (&glue->segment, GST_FORMAT_TIME);
  GstPad *pad
      = gst_pad_new_from_template (gst_element_class_get_pad_template (
                                       GST_ELEMENT_GET_CLASS (self), "sink_%u"),
                                   name);
  glue->pad = pad;
  gst_pad_set_element_private (pad, glue.get ());
  gst_pad_set_chain_function (pad, gst_recorder_mux_chain);
  gst_pad_set_event_function (pad, gst_recorder_mux_sink_event);
  gst_pad_set_query_function (pad, gst_recorder_mux_sink_query);
  gst_pad_set_activatemode_function (pad, gst_recorder_mux_sink_activate_mode);
  priv->inputs[index] = std::move (glue);
  if (GST_STATE (self) > GST_STATE_READY)
    gst_pad_set_active (pad, TRUE);
  gst_element_add_pad (GST_ELEMENT (self), pad);
  return pad;
}

void
gst_recorder_mux_remove_input (GstRecorderMux *self, unsigned index)
{
  auto it = self->priv->inputs.find (index);
  if (it == self->priv->inputs.end ())
    return;
  GstPad *pad = it->second->pad;
  gst_pad_set_active (pad, FALSE);
  gst_element_remove_pad (GST_ELEMENT (self), pad);
  self->priv->inputs.erase (it);
}

/* ---- GObject --------------------------------------------------------------
 */

static void
gst_recorder_mux_finalize (GObject *object)
{
  GstRecorderMux *self = GST_RECORDER_MUX (object);
  for (auto &o : self->priv->outputs)
    o->reset ();
  delete self->priv;
  G_OBJECT_CLASS (gst_recorder_mux_parent_class)->finalize (object);
}

static void
gst_recorder_mux_class_init (GstRecorderMuxClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  gobject_class->finalize = gst_recorder_mux_finalize;
  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (
      element_class, "Recorder mux", "Filter/Audio",
      "Clips recorderbin's pads to what was heard and aligns them into each "
      "file (internal)",
      "recorderbin developers");
  GST_DEBUG_CATEGORY_INIT (gst_recorder_mux_debug, "recordermux", 0,
                           "recorderbin clipping and alignment");
}

static void
gst_recorder_mux_init (GstRecorderMux *self)
{
  self->priv = new GstRecorderMuxPrivate ();
}

GstElement *
gst_recorder_mux_new (std::shared_ptr<Session> session, Finisher *finisher)
{
  auto *self = GST_RECORDER_MUX (
      g_object_new (GST_TYPE_RECORDER_MUX, "name", "mux", NULL));
  self->priv->session = std::move (session);
  self->priv->finisher = finisher;
  return GST_ELEMENT (self);
}
