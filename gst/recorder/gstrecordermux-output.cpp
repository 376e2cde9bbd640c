/* recorderbin — the mux element's output side: one source pad and one task
 * per file. The task takes what the file's pads committed, converts and
 * aligns it (Mixdown), applies the whole-recording gate and pushes blocks
 * into the file's chain; at the end it drains every pad and pushes EOS, and
 * for a recording with no audio it makes the encoder write a valid empty
 * file.
 *
 * Locking: Session::lock only (see session.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <chrono>

#include "finisher.h"
#include "gstrecordermux-private.h"
#include "report.h"

#define GST_CAT_DEFAULT gst_recorder_mux_debug

using namespace recorder;

namespace
{
/* Rate of a recording whose rate property is 0 and that saw no caps. */
constexpr int kFallbackRate = 48000;

std::string
caps_string (const GstCaps *caps)
{
  gchar *s = caps ? gst_caps_to_string (caps) : g_strdup ("(none)");
  std::string out (s);
  g_free (s);
  return out;
}

/* Marks the output's task as inside a push into its chain, for as long as
 * it lives: an input waiting for room judges a stall by it. */
class InPush
{
public:
  explicit InPush (OutputGlue *o) : o_ (o) { set (true); }
  ~InPush () { set (false); }

private:
  void set (bool in)
  {
    /* The outputs list is fixed while the task runs: no lock needed. */
    OutputShared &out = *o_->mux->priv->session->outputs.at (o_->index);
    out.in_push = in;
    out.progress++;
  }
  OutputGlue *o_;
};

/* Moves everything the output's pads committed into o->items. */
bool
take_items (Session &session, OutputShared &out, OutputGlue *o)
{
  bool any = false;
  for (std::size_t slot = 0; slot < out.pads.size (); slot++)
    {
      InputPad &pad = session.pad (out.pads[slot]);
      for (Outgoing &item : pad.outbox)
        {
          if (!out.failed)
            pad.staged_duration += item.chunk.duration;
          o->items.emplace_back ((unsigned)slot, std::move (item));
          any = true;
        }
      pad.outbox.clear ();
      pad.outbox_duration = 0;
    }
  if (any)
    out.progress++;
  return any;
}

/* The sample format the encoder takes: the plan's, or, asking the encoder,
 * the plan's if it takes it, else the first it lists for this rate and
 * channel count. */
GstAudioFormat
choose_format (OutputGlue *o, int rate, int channels)
{
  if (!o->plan.ask_encoder)
    return o->plan.sample_format;
  GstCaps *filter = gst_caps_new_simple (
      "audio/x-raw", "layout", G_TYPE_STRING, "interleaved", "rate", G_TYPE_INT,
      rate, "channels", G_TYPE_INT, channels, NULL);
  GstCaps *peer = gst_pad_peer_query_caps (o->pad, filter);
  gst_caps_unref (filter);
  GstCaps *preferred = gst_caps_new_simple (
      "audio/x-raw", "format", G_TYPE_STRING,
      gst_audio_format_to_string (o->plan.sample_format), NULL);
  const bool takes_preferred = gst_caps_can_intersect (peer, preferred);
  gst_caps_unref (preferred);
  if (takes_preferred)
    {
      gst_caps_unref (peer);
      return o->plan.sample_format;
    }
  GstAudioFormat format = GST_AUDIO_FORMAT_UNKNOWN;
  for (guint i = 0;
       i < gst_caps_get_size (peer) && format == GST_AUDIO_FORMAT_UNKNOWN; i++)
    {
      const GValue *v = gst_structure_get_value (
          gst_caps_get_structure (peer, i), "format");
      if (v && G_VALUE_HOLDS_STRING (v))
        format = gst_audio_format_from_string (g_value_get_string (v));
      else if (v && GST_VALUE_HOLDS_LIST (v))
        for (guint j = 0; j < gst_value_list_get_size (v)
                          && format == GST_AUDIO_FORMAT_UNKNOWN;
             j++)
          {
            const GValue *f = gst_value_list_get_value (v, j);
            if (G_VALUE_HOLDS_STRING (f))
              format = gst_audio_format_from_string (g_value_get_string (f));
          }
    }
  gst_caps_unref (peer);
  /* Nothing fits: offer S16 and let the caps event say why not. */
  return format == GST_AUDIO_FORMAT_UNKNOWN ? GST_AUDIO_FORMAT_S16LE : format;
}

/* The channel mask for `channels` channels: `want` if the encoder takes it
 * (or says nothing of masks), else the one mask it takes; 0 means none. */
guint64
choose_mask (OutputGlue *o, GstAudioFormat format, int rate, int channels,
             guint64 want)
{
  if (channels <= 2)
    return 0;
  GstCaps *filter
      = gst_caps_new_simple ("audio/x-raw", "format", G_TYPE_STRING,
                             gst_audio_format_to_string (format), "layout",
                             G_TYPE_STRING, "interleaved", "rate", G_TYPE_INT,
                             rate, "channels", G_TYPE_INT, channels, NULL);
  GstCaps *peer = gst_pad_peer_query_caps (o->pad, filter);
  gst_caps_unref (filter);
  guint64 mask = want;
  if (!gst_caps_is_empty (peer))
    {
      const GstStructure *st = gst_caps_get_structure (peer, 0);
      guint64 only;
      GstCaps *wanted = gst_caps_new_simple ("audio/x-raw", "channel-mask",
                                             GST_TYPE_BITMASK, want, NULL);
      if (gst_structure_get (st, "channel-mask", GST_TYPE_BITMASK, &only, NULL)
          && !gst_caps_can_intersect (peer, wanted))
        mask = only; /* the encoder's layout for this many channels */
      gst_caps_unref (wanted);
    }
  gst_caps_unref (peer);
  return mask;
}

/* The output's format once the recording started (or ended empty). A kept
 * pad keeps its channel layout where the encoder takes it; several pads
 * are one channel each, in pad order, in the layout the encoder takes for
 * that many channels, or unpositioned. */
GstAudioInfo
output_format (OutputGlue *o, int rate, const FormatRef &first)
{
  const OutputPlan &plan = o->plan;
  int channels = (int)plan.channels;
  if (channels == 0)
    channels = first ? GST_AUDIO_INFO_CHANNELS (&first->info) : 1;
  const GstAudioFormat format = choose_format (o, rate, channels);
  guint64 want = 0;
  if (plan.combine == Combine::kKeep && first && channels > 2
      && !GST_AUDIO_INFO_IS_UNPOSITIONED (&first->info))
    gst_audio_channel_positions_to_mask (first->info.position, channels, FALSE,
                                         &want);
  return output_info (format, rate, channels,
                      choose_mask (o, format, rate, channels, want));
}

void
push_stream_start (OutputGlue *o)
{
  /* gst_pad_create_stream_id () is for elements with one input at most. */
  gchar *id = g_strdup_printf ("recorderbin-%08x%08x/output-%u",
                               g_random_int (), g_random_int (), o->index);
  gst_pad_push_event (o->pad, gst_event_new_stream_start (id));
  g_free (id);
}

/* Decides the output's format and starts its stream: stream-start, caps and
 * a TIME segment whose running time is the recording's timeline. */
void
negotiate (OutputGlue *o, Time start)
{
  Session &session = *o->mux->priv->session;
  int rate;
  FormatRef first;
  unsigned pads;
  {
    std::lock_guard<std::mutex> lk (session.lock);
    OutputShared &out = *session.outputs.at (o->index);
    rate = session.output_rate ? (int)session.output_rate : kFallbackRate;
    pads = (unsigned)out.pads.size ();
    for (unsigned index : out.pads)
      if (!first)
        first = session.pad (index).first_format;
  }
  const GstAudioInfo info = output_format (o, rate, first);
  o->caps = gst_audio_info_to_caps (&info);
  auto mix = std::make_unique<Mixdown> (o->plan.combine, pads, info,
                                        start == kTimeNone ? 0 : start);
  {
    /* The finisher may read the mix's grid for the marks. */
    std::lock_guard<std::mutex> lk (session.lock);
    o->mix = std::move (mix);
  }
  o->rate = rate;
  GST_INFO_OBJECT (o->pad,
                   "recording from %" GST_TIME_FORMAT " as %" GST_PTR_FORMAT,
                   GST_TIME_ARGS (start), o->caps);

  InPush in_push (o);
  push_stream_start (o);
  if (!gst_pad_push_event (o->pad, gst_event_new_caps (o->caps)))
    {
      o->chain_failed = true;
      o->mux->priv->finisher->chain_flow_error (
          o->index, GST_FLOW_NOT_NEGOTIATED, caps_string (o->caps));
      return;
    }
  GstSegment segment;
  gst_segment_init (&segment, GST_FORMAT_TIME);
  o->segment_base = start == kTimeNone ? 0 : start;
  gst_pad_push_event (o->pad, gst_event_new_segment (&segment));
}

/* The block as the whole-recording gate leaves it: kept spans, silence, or
 * nothing at all (null). */
GstBuffer *
apply_gate (OutputGlue *o, GstBuffer *block)
{
  Session &session = *o->mux->priv->session;
  const GstAudioInfo &info = o->mix->info ();
  const gint bpf = GST_AUDIO_INFO_BPF (&info);
  const guint64 samples = gst_buffer_get_size (block) / bpf;
  std::vector<RecordingGate::Span> spans;
  Time out_pts = 0, out_end;
  {
    std::lock_guard<std::mutex> lk (session.lock);
    RecordingGate &gate = session.outputs.at (o->index)->gate;
    spans = gate.process (GST_BUFFER_PTS (block), GST_AUDIO_INFO_RATE (&info),
                          samples, out_pts);
    out_end = gate.output_end ();
  }
  if (spans.size () == 1 && !spans[0].silence && spans[0].samples == samples)
    {
      /* Re-timed (collapse) blocks end where the next one starts. */
      GST_BUFFER_PTS (block) = out_pts;
      GST_BUFFER_DURATION (block) = out_end - out_pts;
      return block;
    }
  if (spans.empty ())
    {
      gst_buffer_unref (block);
      return nullptr;
    }
  GstBuffer *out = gst_buffer_new ();
  for (const auto &sp : spans)
    {
      GstBuffer *part;
      if (sp.silence)
        {
          part = gst_buffer_new_allocate (NULL, sp.samples * bpf, NULL);
          GstMapInfo map;
          gst_buffer_map (part, &map, GST_MAP_WRITE);
          gst_audio_format_info_fill_silence (info.finfo, map.data, map.size);
          gst_buffer_unmap (part, &map);
        }
      else
        part = gst_buffer_copy_region (block, GST_BUFFER_COPY_MEMORY,
                                       sp.offset * bpf, sp.samples * bpf);
      out = gst_buffer_append (out, part);
    }
  GST_BUFFER_PTS (out) = out_pts;
  GST_BUFFER_DURATION (out) = out_end - out_pts;
  gst_buffer_unref (block);
  return out;
}

/* Pushes `buf` unless the chain already failed; a new failure is reported
 * once. True if the chain took it. */
bool
push_block (OutputGlue *o, GstBuffer *buf)
{
  if (o->chain_failed)
    {
      gst_buffer_unref (buf);
      return false;
    }
  GstFlowReturn ret;
  {
    InPush in_push (o);
    ret = gst_pad_push (o->pad, buf);
  }
  if (ret == GST_FLOW_OK)
    return true;
  if (ret == GST_FLOW_FLUSHING)
    return false;
  o->chain_failed = true;
  if (ret == GST_FLOW_EOS)
    return false; /* the chain wants no more: not a failure */
  Session &session = *o->mux->priv->session;
  {
    std::lock_guard<std::mutex> lk (session.lock);
    session.outputs.at (o->index)->last_flow = ret;
  }
  GST_DEBUG_OBJECT (o->pad, "push failed: %s", gst_flow_get_name (ret));
  o->mux->priv->finisher->chain_flow_error (o->index, ret,
                                            caps_string (o->caps));
  return false;
}

/* The file sample of `mark` on output `out` (DESIGN section 10): its
 * frame on the output grid, less what the whole-recording pause cut out
 * before it in collapse mode. Called with Session::lock held. */
std::uint64_t
mark_sample (const Session &session, const OutputShared &out,
             const Mixdown &mix, const Mark &mark)
{
  /* A pad's mark lands where that pad's audio does. */
  Time effect = mark.effect;
  if (mark.pad >= 0 && session.pads.count ((unsigned)mark.pad))
    effect = session.pads.at ((unsigned)mark.pad)->timeline.on_grid (effect);
  const std::uint64_t frame = mix.frame_of (effect);
  const Time origin = mix.time_of (0);
  const std::uint64_t removed = out.gate.removed_before (
      mark.effect, origin, (std::uint32_t)GST_AUDIO_INFO_RATE (&mix.info ()));
  return frame - std::min (frame, removed);
}

/* Takes the marks of output `o` whose place is decided: written past (all
 * of them at the end). Called with Session::lock held. */
std::vector<GstStructure *>
take_marks (Session &session, OutputGlue *o, bool all)
{
  std::vector<GstStructure *> ready;
  if (!o->mix)
    return ready;
  OutputShared &out = *session.outputs.at (o->index);
  for (auto it = session.marks.begin (); it != session.marks.end ();)
    {
      if (it->output != o->index
          || (!all && o->mix->frame_of (it->effect) > o->mix->written ()))
        {
          ++it;
          continue;
        }
      ready.push_back (mark_structure (
          session, *it, mark_sample (session, out, *o->mix, *it)));
      if (it->pad >= 0 && session.pads.count ((unsigned)it->pad))
        session.pad ((unsigned)it->pad).marks_posted++;
      it = session.marks.erase (it);
    }
  return ready;
}

/* At the output's end: every mark of it left. */
void
post_remaining_marks (OutputGlue *o)
{
  Session &session = *o->mux->priv->session;
  std::vector<GstStructure *> ready;
  {
    std::lock_guard<std::mutex> lk (session.lock);
    if (session.marks.empty ())
      return;
    ready = take_marks (session, o, true);
  }
  o->mux->priv->finisher->post_marks (std::move (ready), o->rate);
}

/* Writes every frame all pads can give; returns how many it took from
 * them (their queues shrink by that much once the caller says so). */
std::uint64_t
write_ready (OutputGlue *o, bool failed)
{
  const std::uint64_t frames = o->mix->ready ();
  if (frames == 0)
    return 0;
  GstBuffer *block = o->mix->take_block (frames);
  block = apply_gate (o, block);
  if (block)
    {
      /* `written` counts what the chain took: the audio in the file. */
      const guint64 n
          = gst_buffer_get_size (block) / GST_AUDIO_INFO_BPF (&o->mix->info ());
      if (failed)
        gst_buffer_unref (block);
      else
        {
          /* From the recording's timeline to the file's. */
          GST_BUFFER_PTS (block)
              -= std::min (GST_BUFFER_PTS (block), o->segment_base);
          if (push_block (o, block))
            o->written += n;
        }
    }
  return frames;
}

/* After writing `frames`: the pads' queues shrink (waking inputs that wait
 * for room), the converted items' input goes back to the pads' threads,
 * the marks written past are posted. Returns whether every pad finished.
 * One lock for all of it. */
bool
after_write (OutputGlue *o, std::uint64_t frames)
{
  Session &session = *o->mux->priv->session;
  std::vector<GstStructure *> marks;
  bool all_finished;
  {
    std::lock_guard<std::mutex> lk (session.lock);
    OutputShared &out = *session.outputs.at (o->index);
    if (frames > 0)
      {
        const Time dt = samples_to_time (
            frames, (std::uint32_t)GST_AUDIO_INFO_RATE (&o->mix->info ()));
        for (unsigned index : out.pads)
          {
            InputPad &pad = session.pad (index);
            pad.staged_duration -= std::min (pad.staged_duration, dt);
          }
        out.progress++;
      }
    for (auto &[slot, item] : o->items)
      {
        InputPad &pad = session.pad (out.pads[slot]);
        if (item.chunk.payload && !pad.eos && !pad.flushing)
          pad.spent.push_back (std::move (item.chunk.payload));
      }
    if (!session.marks.empty ())
      marks = take_marks (session, o, false);
    all_finished = session.all_pads_finished ();
  }
  o->items.clear ();
  if (frames > 0)
    session.room.notify_all ();
  if (!marks.empty ())
    o->mux->priv->finisher->post_marks (std::move (marks), o->rate);
  return all_finished;
}

void
convert_items (OutputGlue *o, bool failed)
{
  for (auto &[slot, item] : o->items)
    {
      if (item.chunk.samples == 0 || failed)
        {
          if (item.chunk.samples == 0)
            o->mix->end_pad (slot);
          continue;
        }
      std::string why;
      if (!o->mix->take (slot, item, &why))
        {
          /* The input side refuses such caps; should any get through, the
           * pad records silence over them and keeps its place. */
          GST_WARNING_OBJECT (o->pad, "pad slot %u: %s", slot, why.c_str ());
          Outgoing silence{ item.chunk, nullptr };
          silence.chunk.payload = nullptr;
          o->mix->take (slot, silence, &why);
        }
    }
}

/* Every pad ended: the rest of the file, then EOS. */
void
finish_output (OutputGlue *o, bool failed)
{
  if (o->written == 0 && !failed && !o->chain_failed)
    {
      /* Nothing written (no audio, or all of it cut out by a collapsing
       * pause): the file must still be valid, with the output's rate and
       * channels. */
      GST_INFO_OBJECT (o->pad, "empty recording");
      push_block (o, prepare_empty_file (o->plan.empty, o->plan.encoder,
                                         o->mix->info ()));
    }
  post_remaining_marks (o);
  InPush in_push (o);
  gst_pad_push_event (o->pad, gst_event_new_eos ());
  o->eos_sent = true;
}

void
output_loop (gpointer data)
{
  auto *o = static_cast<OutputGlue *> (data);
  Session &session = *o->mux->priv->session;
  bool failed;
  Time start;
  {
    std::unique_lock<std::mutex> lk (session.lock);
    OutputShared &out = *session.outputs.at (o->index);
    for (;;)
      {
        if (out.flushing)
          {
            lk.unlock ();
            gst_pad_pause_task (o->pad);
            return;
          }
        const bool take = out.take_now;
        out.take_now = false;
        if (take && !o->eos_sent && take_items (session, out, o))
          break;
        if (!o->eos_sent && o->pads_ended && session.all_pads_finished ())
          break;
        if (!o->eos_sent && session.live && session.clock
            && session.start != kTimeNone)
          {
            /* The clock moves the held pads' horizon. */
            out.work.wait_for (lk, std::chrono::nanoseconds (kLiveTick));
            if (!out.flushing)
              {
                session.advance ();
                out.take_now = true; /* each tick takes what is there */
              }
          }
        else
          {
            if (G_UNLIKELY (gst_debug_category_get_threshold (GST_CAT_DEFAULT)
                            >= GST_LEVEL_LOG))
              for (unsigned index : out.pads)
                {
                  const InputPad &p = session.pad (index);
                  GST_LOG_OBJECT (o->pad,
                                  "waiting; %s queued %" GST_TIME_FORMAT
                                  " (outbox %" GST_TIME_FORMAT
                                  "), ready %" G_GUINT64_FORMAT
                                  ", written %" G_GUINT64_FORMAT,
                                  p.name.c_str (), GST_TIME_ARGS (p.queued ()),
                                  GST_TIME_ARGS (p.outbox_duration),
                                  o->mix ? o->mix->ready () : 0,
                                  o->mix ? o->mix->written () : 0);
                }
            /* Blocks fill in far less than this while the input streams;
             * an idle input's committed audio is written after it. */
            if (out.work.wait_for (lk, std::chrono::nanoseconds (kIdleFlush))
                == std::cv_status::timeout)
              out.take_now = true;
          }
      }
    failed = out.failed;
    start = session.start;
  }
  if (!o->mix)
    negotiate (o, start);
  convert_items (o, failed);
  o->pads_ended = o->mix->all_ended ();
  const bool all_finished = after_write (o, write_ready (o, failed));
  if (o->pads_ended && all_finished && !o->eos_sent)
    {
      /* Every file of the recording ends at its end: decided now that
       * every pad finished, whichever output wrote last. */
      Time end;
      {
        std::lock_guard<std::mutex> lk (session.lock);
        end = session.recording_end ();
      }
      if (end != kTimeNone)
        {
          o->mix->extend_to (o->mix->frame_of (end));
          after_write (o, write_ready (o, failed));
        }
      finish_output (o, failed);
    }
}
} // namespace

/* ---- pads ------------------------------------------------------------------
 */

gboolean
gst_recorder_mux_src_activate_mode (GstPad *pad, GstObject *, GstPadMode mode,
                                    gboolean active)
{
  if (mode != GST_PAD_MODE_PUSH)
    return FALSE;
  auto *o = static_cast<OutputGlue *> (gst_pad_get_element_private (pad));
  Session &session = *o->mux->priv->session;
  if (active)
    {
      {
        std::lock_guard<std::mutex> lk (session.lock);
        o->reset ();
        session.outputs.at (o->index)->flushing = false;
      }
      return gst_pad_start_task (pad, output_loop, o, NULL);
    }
  {
    std::lock_guard<std::mutex> lk (session.lock);
    OutputShared &out = *session.outputs.at (o->index);
    out.flushing = true;
    out.work.notify_all ();
  }
  const gboolean ret = gst_pad_stop_task (pad);
  std::lock_guard<std::mutex> lk (session.lock);
  o->reset ();
  return ret;
}

gboolean
gst_recorder_mux_src_query (GstPad *pad, GstObject *parent, GstQuery *query)
{
  GstRecorderMux *self = GST_RECORDER_MUX (parent);
  auto *o = static_cast<OutputGlue *> (gst_pad_get_element_private (pad));
  switch (GST_QUERY_TYPE (query))
    {
    case GST_QUERY_LATENCY:
      {
        /* As an aggregator: live if any input is, as late as the latest. */
        gboolean live = FALSE;
        GstClockTime min = 0, max = GST_CLOCK_TIME_NONE;
        for (auto &[index, in] : self->priv->inputs)
          {
            GstQuery *q = gst_query_new_latency ();
            gboolean l;
            GstClockTime mn, mx;
            if (gst_pad_peer_query (in->pad, q))
              {
                gst_query_parse_latency (q, &l, &mn, &mx);
                live = live || l;
                min = std::max (min, mn);
                if (GST_CLOCK_TIME_IS_VALID (mx))
                  max = GST_CLOCK_TIME_IS_VALID (max) ? std::min (max, mx) : mx;
              }
            gst_query_unref (q);
          }
        gst_query_set_latency (query, live, min, max);
        return TRUE;
      }
    case GST_QUERY_CAPS:
      {
        GstCaps *caps = o->caps ? gst_caps_ref (o->caps)
                                : gst_pad_get_pad_template_caps (pad);
        gst_query_set_caps_result (query, caps);
        gst_caps_unref (caps);
        return TRUE;
      }
    default:
      return gst_pad_query_default (pad, parent, query);
    }
}

gboolean
gst_recorder_mux_src_event (GstPad *, GstObject *, GstEvent *event)
{
  /* Upstream events stop here: the recording's timeline is not seekable,
   * and QoS or reconfiguration mean nothing to the sources. */
  const gboolean handled = GST_EVENT_TYPE (event) != GST_EVENT_SEEK;
  gst_event_unref (event);
  return handled;
}

GstPad *
gst_recorder_mux_add_output (GstRecorderMux *self, unsigned output,
                             const OutputPlan &plan)
{
  auto glue = std::make_unique<OutputGlue> ();
  glue->mux = self;
  glue->index = output;
  glue->plan = plan;
  gchar *name = g_strdup_printf ("src_%u", output);
  GstPad *pad
      = gst_pad_new_from_template (gst_element_class_get_pad_template (
                                       GST_ELEMENT_GET_CLASS (self), "src_%u"),
                                   name);
  g_free (name);
  glue->pad = pad;
  gst_pad_set_element_private (pad, glue.get ());
  gst_pad_set_activatemode_function (pad, gst_recorder_mux_src_activate_mode);
  gst_pad_set_query_function (pad, gst_recorder_mux_src_query);
  gst_pad_set_event_function (pad, gst_recorder_mux_src_event);
  gst_pad_use_fixed_caps (pad);
  if (self->priv->outputs.size () <= output)
    self->priv->outputs.resize (output + 1);
  self->priv->outputs[output] = std::move (glue);
  gst_element_add_pad (GST_ELEMENT (self), pad);
  return pad;
}

void
gst_recorder_mux_remove_outputs (GstRecorderMux *self)
{
  for (auto &o : self->priv->outputs)
    if (o)
      {
        gst_pad_set_active (o->pad, FALSE);
        gst_element_remove_pad (GST_ELEMENT (self), o->pad);
      }
  self->priv->outputs.clear ();
}

std::vector<GstStructure *>
gst_recorder_mux_take_marks (GstRecorderMux *self, gint *rate)
{
  Session &session = *self->priv->session;
  std::vector<GstStructure *> all;
  *rate = 0;
  std::lock_guard<std::mutex> lk (session.lock);
  for (auto &o : self->priv->outputs)
    if (o && o->mix)
      {
        std::vector<GstStructure *> some = take_marks (session, o.get (), true);
        all.insert (all.end (), some.begin (), some.end ());
        if (*rate == 0)
          *rate = o->rate;
      }
  session.marks.clear (); /* outputs that never started decide nothing */
  return all;
}

guint64
gst_recorder_mux_written (GstRecorderMux *self, unsigned output, gint *rate)
{
  if (output >= self->priv->outputs.size () || !self->priv->outputs[output])
    {
      *rate = 0;
      return 0;
    }
  OutputGlue &o = *self->priv->outputs[output];
  *rate = o.rate;
  return o.written;
}
