/* recorderbin — the bin: properties, signals, request pads, state changes
 * and the dispatch of its children's messages. The work is elsewhere:
 *   sink_%u (ghost) -> mux (gstrecordermux.*: timelines, alignment) ->
 *   per file: encoder [-> muxer] -> sink (chain.*)
 * and the finisher (finisher.*) that always posts recorderbin-done and EOS.
 *
 * Locking: the object lock guards `settings` and `chains`; the order of
 * every lock is in session.h. State never changes from a streaming thread.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstrecorderbin.h"

#include <atomic>
#include <map>
#include <memory>
#include <string>

#include "chain.h"
#include "control.h"
#include "finisher.h"
#include "gstrecorderbinpad.h"
#include "gstrecordermux.h"
#include "report.h"
#include "session.h"
#include "startup.h"

GST_DEBUG_CATEGORY (gst_recorder_bin_debug);
#define GST_CAT_DEFAULT gst_recorder_bin_debug

using namespace recorder;

enum
{
  PROP_0,
  PROP_LOCATION,
  PROP_FORMAT,
  PROP_RATE,
  PROP_CHANNEL_MODE,
  PROP_ENCODER,
  PROP_MUXER,
  PROP_SINK,
  PROP_EOS_TIMEOUT,
  PROP_ON_ERROR,
  PROP_PAUSE_MODE,
  PROP_STATS,
  PROP_MARKS_LOCATION,
};

struct GstRecorderBinPrivate
{
  std::shared_ptr<Session> session = std::make_shared<Session> ();
  std::unique_ptr<Finisher> finisher;
  GstElement *mux = nullptr;         /* a child, and one reference */
  Settings settings;                 /* object lock */
  std::map<unsigned, GstPad *> pads; /* object lock; the element owns them */
  /* Its chains are read under the object lock (by messages from any
   * thread); the rest is [fixed] while running. */
  Recording recording;
  std::atomic<bool> running{ false }; /* past READY->PAUSED */
  /* READY->PAUSED failed and said why: what the chain says next about it
   * is its consequence. */
  std::atomic<bool> start_failed{ false };
  /* Object lock. The stopped recording's stats, taken before its outputs
   * went (the channels and the whole-recording pause's silence are read
   * from them): what `stats` says until the next start. */
  GstStructure *last_stats = nullptr;
};

struct _GstRecorderBin
{
  GstBin parent;
  GstRecorderBinPrivate *priv;
};

G_DEFINE_TYPE (GstRecorderBin, gst_recorder_bin, GST_TYPE_BIN);
GST_ELEMENT_REGISTER_DEFINE (recorderbin, "recorderbin", GST_RANK_NONE,
                             GST_TYPE_RECORDER_BIN);

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE (
    "sink_%u", GST_PAD_SINK, GST_PAD_REQUEST, GST_STATIC_CAPS ("audio/x-raw"));

static GstRecorderMux *
mux_of (GstRecorderBin *self)
{
  return GST_RECORDER_MUX (self->priv->mux);
}

/* ---- the report: stats and recorderbin-done ------------------------------ */

static GstStructure *
counters (GstRecorderBin *self, const char *name)
{
  GstRecorderBinPrivate *priv = self->priv;
  GstStructure *s = gst_structure_new_empty (name);
  const std::uint64_t errors = priv->finisher->errors ();
  std::lock_guard<std::mutex> lk (priv->session->lock);
  set_counters (s, *priv->session, priv->recording.layout, errors);
  return s;
}

static GstStructure *
done_report (GstRecorderBin *self)
{
  GstRecorderBinPrivate *priv = self->priv;
  GstStructure *s = counters (self, "recorderbin-done");
  gint rate = 0;
  const guint64 samples = gst_recorder_mux_written (mux_of (self), 0, &rate);
  const std::string &location = priv->recording.location_pattern;
  gst_structure_set (
      s, "location", G_TYPE_STRING,
      location.empty () ? NULL : location.c_str (), "duration", G_TYPE_UINT64,
      rate > 0 ? samples_to_time (samples, (std::uint32_t)rate) : (guint64)0,
      "samples", G_TYPE_UINT64, samples, NULL);
  if (priv->recording.layout.separate)
    {
      GValue array = G_VALUE_INIT, v = G_VALUE_INIT;
      g_value_init (&array, GST_TYPE_ARRAY);
      g_value_init (&v, G_TYPE_STRING);
      for (const std::string &l : priv->recording.locations)
        {
          g_value_set_string (&v, l.c_str ());
          gst_value_array_append_value (&array, &v);
        }
      gst_structure_take_value (s, "locations", &array);
      g_value_unset (&v);
    }
  return s;
}

/* ---- pads -------------------------------------------------------------------
 */

/* How many pads the recording can take, in the current settings, and why
 * no more. */
static unsigned
pad_limit (GstRecorderBin *self, std::string *why)
{
  GST_OBJECT_LOCK (self);
  const Settings &s = self->priv->settings;
  unsigned limit = kConverterMaxChannels;
  *why = "GStreamer's audio converter handles at most " + std::to_string (limit)
         + " channels";
  const FormatSpec *spec = format_spec (s.format);
  if (s.channel_mode == GST_RECORDER_BIN_CHANNEL_MODE_PER_PAD && !s.encoder
      && spec && spec->max_channels < limit)
    {
      limit = spec->max_channels;
      *why = std::string ("format=") + spec->nick + " holds at most "
             + std::to_string (limit) + " channels";
    }
  GST_OBJECT_UNLOCK (self);
  return limit;
}

static GstPad *
gst_recorder_bin_request_new_pad (GstElement *element, GstPadTemplate *templ,
                                  const gchar *req_name, const GstCaps *)
{
  GstRecorderBin *self = GST_RECORDER_BIN (element);
  GstRecorderBinPrivate *priv = self->priv;
  auto refuse = [&] (const std::string &why) -> GstPad * {
    GST_ELEMENT_WARNING (self, CORE, PAD, ("%s", why.c_str ()), (NULL));
    return NULL;
  };

  if (priv->running)
    return refuse ("Refused a new pad while recording: request every pad "
                   "before the bin leaves READY");
  std::string why_limit;
  const unsigned limit = pad_limit (self, &why_limit);
  GST_OBJECT_LOCK (self);
  const std::size_t n_pads = priv->pads.size ();
  unsigned index = 0;
  bool exists = false;
  if (req_name && sscanf (req_name, "sink_%u", &index) == 1)
    exists = priv->pads.count (index) > 0;
  else
    while (priv->pads.count (index))
      index++;
  GST_OBJECT_UNLOCK (self);
  if (n_pads >= limit)
    return refuse ("Refused pad " + std::to_string (n_pads + 1) + ": "
                   + why_limit);
  if (exists)
    return refuse (std::string ("Refused pad ") + req_name
                   + ": it exists already");

  gchar *name = g_strdup_printf ("sink_%u", index);
  {
    auto pad = std::make_unique<InputPad> ();
    pad->index = index;
    pad->name = name;
    std::lock_guard<std::mutex> lk (priv->session->lock);
    priv->session->pads[index] = std::move (pad);
  }
  GstPad *target = gst_recorder_mux_add_input (mux_of (self), index, name);
  GstPad *ghost = gst_recorder_bin_pad_new (templ, name, priv->session, index);
  gst_ghost_pad_set_target (GST_GHOST_PAD (ghost), target);
  GST_OBJECT_LOCK (self);
  priv->pads[index] = ghost;
  GST_OBJECT_UNLOCK (self);
  gst_element_add_pad (element, ghost);
  GST_INFO_OBJECT (self, "added pad %s", name);
  g_free (name);
  return ghost;
}

static void
gst_recorder_bin_release_pad (GstElement *element, GstPad *pad)
{
  GstRecorderBin *self = GST_RECORDER_BIN (element);
  GstRecorderBinPrivate *priv = self->priv;
  const unsigned index = gst_recorder_bin_pad_index (pad);
  GST_OBJECT_LOCK (self);
  const bool known = priv->pads.erase (index) > 0;
  GST_OBJECT_UNLOCK (self);
  if (!known)
    return;
  gst_pad_set_active (pad, FALSE);
  gst_element_remove_pad (element, pad);
  gst_recorder_mux_remove_input (mux_of (self), index);
  std::lock_guard<std::mutex> lk (priv->session->lock);
  priv->session->pads.erase (index);
}

/* ---- messages from the children ------------------------------------------ */

/* The output whose chain `src` belongs to; -1 if none. */
static int
output_of_source (GstRecorderBin *self, GstObject *src)
{
  int found = -1;
  GST_OBJECT_LOCK (self);
  const std::vector<Chain> &chains = self->priv->recording.chains;
  for (std::size_t k = 0; k < chains.size () && found < 0; k++)
    for (GstElement *e : { chains[k].encoder, chains[k].muxer, chains[k].sink })
      if (e && src == GST_OBJECT (e))
        found = (int)k;
  GST_OBJECT_UNLOCK (self);
  if (found < 0 && src)
    {
      /* A child of a stage (a bin given as encoder, say). */
      GstObject *parent = gst_object_get_parent (src);
      if (parent && parent != GST_OBJECT (self))
        found = output_of_source (self, parent);
      if (parent)
        gst_object_unref (parent);
    }
  return found;
}

static void
forward_error (GstRecorderBin *self, GstMessage *message, int output)
{
  GstBin *bin = GST_BIN (self);
  GError *err = nullptr;
  gchar *debug = nullptr;
  gst_message_parse_error (message, &err, &debug);
  const Finisher::Forward f
      = self->priv->finisher->chain_error ((unsigned)output, err);
  if (f == Finisher::Forward::kDrop)
    gst_message_unref (message);
  else
    {
      if (f == Finisher::Forward::kAsWarning)
        {
          GstMessage *warning
              = gst_message_new_warning (GST_MESSAGE_SRC (message), err, debug);
          gst_message_unref (message);
          message = warning;
        }
      self->priv->finisher->forward ([&] {
        GST_BIN_CLASS (gst_recorder_bin_parent_class)
            ->handle_message (bin, message);
      });
    }
  g_error_free (err);
  g_free (debug);
}

static void
gst_recorder_bin_handle_message (GstBin *bin, GstMessage *message)
{
  GstRecorderBin *self = GST_RECORDER_BIN (bin);
  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_EOS:
      {
        /* A file's sink finished. Our own EOS is posted by the finisher,
         * with the done message before it. */
        const int output = output_of_source (self, GST_MESSAGE_SRC (message));
        GST_DEBUG_OBJECT (self, "internal EOS from %s (output %d)",
                          GST_MESSAGE_SRC_NAME (message), output);
        gst_message_unref (message);
        if (output >= 0)
          self->priv->finisher->output_ended ((unsigned)output);
        return;
      }
    case GST_MESSAGE_ERROR:
      {
        const int output = output_of_source (self, GST_MESSAGE_SRC (message));
        if (output < 0)
          break;
        if (!self->priv->running)
          {
            /* A start-up error fails the state change as it is, once. */
            if (!self->priv->start_failed.exchange (true))
              break;
            GST_DEBUG_OBJECT (self, "dropping a second start-up error from %s",
                              GST_MESSAGE_SRC_NAME (message));
            gst_message_unref (message);
            return;
          }
        forward_error (self, message, output);
        return;
      }
    default:
      break;
    }
  GST_BIN_CLASS (gst_recorder_bin_parent_class)->handle_message (bin, message);
}

/* ---- events and signals ---------------------------------------------------
 */

static gboolean
gst_recorder_bin_send_event (GstElement *element, GstEvent *event)
{
  GstRecorderBin *self = GST_RECORDER_BIN (element);
  switch (GST_EVENT_TYPE (event))
    {
    case GST_EVENT_EOS:
      gst_event_unref (event);
      gst_recorder_mux_end_inputs (mux_of (self));
      return TRUE;
    case GST_EVENT_SEEK:
      /* The recording's timeline is not seekable. */
      gst_event_unref (event);
      return FALSE;
    case GST_EVENT_CUSTOM_DOWNSTREAM:
    case GST_EVENT_CUSTOM_DOWNSTREAM_OOB:
    case GST_EVENT_CUSTOM_BOTH:
      {
        const GstStructure *s = gst_event_get_structure (event);
        Control control;
        const ControlParse parsed = control_parse (s, &control);
        if (parsed == ControlParse::kMalformed)
          self->priv->finisher->warning (
              GST_STREAM_ERROR, GST_STREAM_ERROR_FAILED,
              std::string ("Ignored malformed ") + gst_structure_get_name (s)
                  + ": running-time must be a guint64",
              "");
        else if (parsed == ControlParse::kOk
                 && !control_is_pad_kind (control.kind))
          gst_recorder_mux_control (mux_of (self), 0, control);
        else
          break;
        gst_event_unref (event);
        return TRUE;
      }
    default:
      break;
    }
  return GST_ELEMENT_CLASS (gst_recorder_bin_parent_class)
      ->send_event (element, event);
}

static gboolean
control_pad (GstRecorderBin *self, const gchar *pad_name, ControlKind kind,
             guint64 running_time)
{
  if (!pad_name)
    return FALSE;
  bool found = false;
  unsigned index = 0;
  GST_OBJECT_LOCK (self);
  for (auto &[i, pad] : self->priv->pads)
    if (g_str_equal (GST_OBJECT_NAME (pad), pad_name))
      {
        found = true;
        index = i;
      }
  GST_OBJECT_UNLOCK (self);
  if (found)
    gst_recorder_mux_control (
        mux_of (self), index,
        Control{ kind, control_time_from_signal (running_time) });
  return found;
}

static gboolean
signal_interrupt (GstRecorderBin *self, const gchar *pad, guint64 t)
{
  return control_pad (self, pad, ControlKind::kInterrupt, t);
}

static gboolean
signal_pause (GstRecorderBin *self, const gchar *pad, guint64 t)
{
  return control_pad (self, pad, ControlKind::kPause, t);
}

static gboolean
signal_resume (GstRecorderBin *self, const gchar *pad, guint64 t)
{
  return control_pad (self, pad, ControlKind::kResume, t);
}

static gboolean
signal_pause_recording (GstRecorderBin *self, guint64 t)
{
  gst_recorder_mux_control (
      mux_of (self), 0,
      Control{ ControlKind::kPauseRecording, control_time_from_signal (t) });
  return TRUE;
}

static gboolean
signal_resume_recording (GstRecorderBin *self, guint64 t)
{
  gst_recorder_mux_control (
      mux_of (self), 0,
      Control{ ControlKind::kResumeRecording, control_time_from_signal (t) });
  return TRUE;
}

/* ---- state -----------------------------------------------------------------
 */

static bool
top_level_is_stopping (GstRecorderBin *self)
{
  GstObject *top = GST_OBJECT (gst_object_ref (self));
  GstObject *parent;
  while ((parent = gst_object_get_parent (top)))
    {
      gst_object_unref (top);
      top = parent;
    }
  const bool stopping = GST_STATE_TARGET (GST_ELEMENT (top)) < GST_STATE_PAUSED;
  gst_object_unref (top);
  return stopping;
}

/* Teardown mid-recording, in the thread changing the state: keep what was
 * heard, end every input, and give the chain a bounded time to finish. */
static void
finish_on_teardown (GstRecorderBin *self)
{
  if (!self->priv->running || self->priv->finisher->finished ())
    return;
  if (GST_STATE (self) != GST_STATE_PLAYING)
    {
      /* Stopped from PAUSED (it never reached PLAYING, or was paused): a
       * sink waits in preroll and would take no more. Let every chain's
       * sink render what is left; the teardown sets it down afterwards. */
      for (const Chain &c : self->priv->recording.chains)
        if (c.sink && GST_STATE (c.sink) == GST_STATE_PAUSED)
          gst_element_set_state (c.sink, GST_STATE_PLAYING);
    }
  gst_recorder_mux_drop_unheard (mux_of (self));
  gst_recorder_mux_end_inputs (mux_of (self));
  self->priv->finisher->teardown ();
}

static void
set_clock (GstRecorderBin *self, GstClock *clock)
{
  Session &session = *self->priv->session;
  std::lock_guard<std::mutex> lk (session.lock);
  if (session.clock)
    gst_object_unref (session.clock);
  session.clock = clock;
  session.base_time = gst_element_get_base_time (GST_ELEMENT (self));
}

static StartContext
start_context (GstRecorderBin *self)
{
  GstRecorderBinPrivate *priv = self->priv;
  return StartContext{ GST_ELEMENT (self), mux_of (self), *priv->session,
                       *priv->finisher };
}

/* READY->PAUSED: a new recording of the pads requested so far. */
static bool
start (GstRecorderBin *self)
{
  GstRecorderBinPrivate *priv = self->priv;
  priv->start_failed = false;
  std::vector<unsigned> pads;
  GST_OBJECT_LOCK (self);
  if (priv->last_stats)
    gst_structure_free (priv->last_stats);
  priv->last_stats = nullptr;
  StartSettings s (priv->settings);
  for (const auto &[index, pad] : priv->pads)
    pads.push_back (index);
  GST_OBJECT_UNLOCK (self);
  Recording rec;
  if (!start_recording (start_context (self), s, pads, &rec))
    return false;
  GST_OBJECT_LOCK (self);
  priv->recording = std::move (rec);
  GST_OBJECT_UNLOCK (self);
  return true;
}

static void
stop (GstRecorderBin *self)
{
  std::vector<Chain> chains;
  GstStructure *last = counters (self, "recorderbin-stats");
  GST_OBJECT_LOCK (self);
  if (self->priv->last_stats)
    gst_structure_free (self->priv->last_stats);
  self->priv->last_stats = last;
  chains.swap (self->priv->recording.chains);
  GST_OBJECT_UNLOCK (self);
  stop_recording (start_context (self), chains);
}

static GstStateChangeReturn
gst_recorder_bin_change_state (GstElement *element, GstStateChange transition)
{
  GstRecorderBin *self = GST_RECORDER_BIN (element);
  GstRecorderBinPrivate *priv = self->priv;
  switch (transition)
    {
    case GST_STATE_CHANGE_READY_TO_PAUSED:
      if (!start (self))
        return GST_STATE_CHANGE_FAILURE;
      break;
    case GST_STATE_CHANGE_PAUSED_TO_PLAYING:
      set_clock (self, gst_element_get_clock (element));
      break;
    case GST_STATE_CHANGE_PLAYING_TO_PAUSED:
      if (top_level_is_stopping (self))
        finish_on_teardown (self);
      break;
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      /* Stopped without passing PLAYING->PAUSED: still finish. */
      finish_on_teardown (self);
      break;
    default:
      break;
    }

  GstStateChangeReturn ret = GST_ELEMENT_CLASS (gst_recorder_bin_parent_class)
                                 ->change_state (element, transition);

  switch (transition)
    {
    case GST_STATE_CHANGE_READY_TO_PAUSED:
      if (ret == GST_STATE_CHANGE_FAILURE)
        {
          priv->finisher->stop ();
          stop (self);
        }
      else
        priv->running = true;
      break;
    case GST_STATE_CHANGE_PLAYING_TO_PAUSED:
      set_clock (self, nullptr);
      break;
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      priv->running = false;
      priv->finisher->stop ();
      stop (self);
      break;
    default:
      break;
    }
  return ret;
}

/* ---- properties -------------------------------------------------------------
 */

static void
replace_element (GstElement **slot, const GValue *value)
{
  GstElement *e = GST_ELEMENT (g_value_get_object (value));
  if (e)
    gst_object_ref_sink (e);
  if (*slot)
    gst_object_unref (*slot);
  *slot = e;
}

static void
gst_recorder_bin_set_property (GObject *object, guint prop_id,
                               const GValue *value, GParamSpec *pspec)
{
  GstRecorderBin *self = GST_RECORDER_BIN (object);
  Settings &s = self->priv->settings;
  GST_OBJECT_LOCK (self);
  switch (prop_id)
    {
    case PROP_LOCATION:
      g_free (s.location);
      s.location = g_value_dup_string (value);
      break;
    case PROP_FORMAT:
      s.format = (GstRecorderBinFormat)g_value_get_enum (value);
      break;
    case PROP_RATE:
      s.rate = g_value_get_int (value);
      break;
    case PROP_CHANNEL_MODE:
      s.channel_mode = (GstRecorderBinChannelMode)g_value_get_enum (value);
      break;
    case PROP_ENCODER:
      replace_element (&s.encoder, value);
      break;
    case PROP_MUXER:
      replace_element (&s.muxer, value);
      break;
    case PROP_SINK:
      replace_element (&s.sink, value);
      break;
    case PROP_EOS_TIMEOUT:
      s.eos_timeout = g_value_get_uint64 (value);
      break;
    case PROP_ON_ERROR:
      s.on_error = (GstRecorderBinOnError)g_value_get_enum (value);
      break;
    case PROP_PAUSE_MODE:
      s.pause_mode = (GstRecorderBinPauseMode)g_value_get_enum (value);
      break;
    case PROP_MARKS_LOCATION:
      g_free (s.marks_location);
      s.marks_location = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
    }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_recorder_bin_get_property (GObject *object, guint prop_id, GValue *value,
                               GParamSpec *pspec)
{
  GstRecorderBin *self = GST_RECORDER_BIN (object);
  if (prop_id == PROP_STATS)
    {
      GST_OBJECT_LOCK (self);
      GstStructure *last = self->priv->last_stats
                               ? gst_structure_copy (self->priv->last_stats)
                               : nullptr;
      GST_OBJECT_UNLOCK (self);
      g_value_take_boxed (value,
                          last ? last : counters (self, "recorderbin-stats"));
      return;
    }
  Settings &s = self->priv->settings;
  GST_OBJECT_LOCK (self);
  switch (prop_id)
    {
    case PROP_LOCATION:
      g_value_set_string (value, s.location);
      break;
    case PROP_FORMAT:
      g_value_set_enum (value, s.format);
      break;
    case PROP_RATE:
      g_value_set_int (value, s.rate);
      break;
    case PROP_CHANNEL_MODE:
      g_value_set_enum (value, s.channel_mode);
      break;
    case PROP_ENCODER:
      g_value_set_object (value, s.encoder);
      break;
    case PROP_MUXER:
      g_value_set_object (value, s.muxer);
      break;
    case PROP_SINK:
      g_value_set_object (value, s.sink);
      break;
    case PROP_EOS_TIMEOUT:
      g_value_set_uint64 (value, s.eos_timeout);
      break;
    case PROP_ON_ERROR:
      g_value_set_enum (value, s.on_error);
      break;
    case PROP_PAUSE_MODE:
      g_value_set_enum (value, s.pause_mode);
      break;
    case PROP_MARKS_LOCATION:
      g_value_set_string (value, s.marks_location);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
    }
  GST_OBJECT_UNLOCK (self);
}

/* ---- GObject --------------------------------------------------------------
 */

static void
gst_recorder_bin_dispose (GObject *object)
{
  GstRecorderBin *self = GST_RECORDER_BIN (object);
  GstRecorderBinPrivate *priv = self->priv;
  if (priv->finisher)
    priv->finisher->stop ();
  Settings &s = priv->settings;
  for (GstElement **e : { &s.encoder, &s.muxer, &s.sink })
    if (*e)
      {
        gst_object_unref (*e);
        *e = nullptr;
      }
  G_OBJECT_CLASS (gst_recorder_bin_parent_class)->dispose (object);
}

static void
gst_recorder_bin_finalize (GObject *object)
{
  GstRecorderBin *self = GST_RECORDER_BIN (object);
  GstRecorderBinPrivate *priv = self->priv;
  g_free (priv->settings.location);
  g_free (priv->settings.marks_location);
  set_clock (self, nullptr);
  if (priv->mux)
    gst_object_unref (priv->mux);
  if (priv->last_stats)
    gst_structure_free (priv->last_stats);
  delete priv;
  G_OBJECT_CLASS (gst_recorder_bin_parent_class)->finalize (object);
}

/* The finisher's hook: output `output`'s chain failed (or stalled). */
static void
fail_output (GstRecorderBin *self, unsigned output, bool stalled)
{
  GstRecorderBinPrivate *priv = self->priv;
  Session &session = *priv->session;
  std::lock_guard<std::mutex> lk (session.lock);
  if (output >= session.outputs.size ())
    return;
  OutputShared &out = *session.outputs[output];
  out.failed = true;
  out.stalled = out.stalled || stalled;
  out.wake ();
  session.room.notify_all ();
}

static void install_properties (GObjectClass *gobject_class);
static void install_signals (GstRecorderBinClass *klass);

static void
gst_recorder_bin_class_init (GstRecorderBinClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBinClass *bin_class = GST_BIN_CLASS (klass);

  gobject_class->set_property = gst_recorder_bin_set_property;
  gobject_class->get_property = gst_recorder_bin_get_property;
  gobject_class->dispose = gst_recorder_bin_dispose;
  gobject_class->finalize = gst_recorder_bin_finalize;
  install_properties (gobject_class);
  install_signals (klass);

  element_class->request_new_pad = gst_recorder_bin_request_new_pad;
  element_class->release_pad = gst_recorder_bin_release_pad;
  element_class->change_state = gst_recorder_bin_change_state;
  element_class->send_event = gst_recorder_bin_send_event;
  bin_class->handle_message = gst_recorder_bin_handle_message;

  GstPadTemplate *templ
      = gst_pad_template_new_from_static_pad_template_with_gtype (
          &sink_template, GST_TYPE_RECORDER_BIN_PAD);
  gst_element_class_add_pad_template (element_class, templ);
  gst_element_class_set_static_metadata (
      element_class, "Recorder bin", "Sink/Audio/Bin",
      "Records several audio streams, aligned and clipped to what was heard "
      "(interrupt, pause, resume), into one file; end-of-stream always "
      "completes",
      "recorderbin developers");

  for (GType t :
       { GST_TYPE_RECORDER_BIN_FORMAT, GST_TYPE_RECORDER_BIN_CHANNEL_MODE,
         GST_TYPE_RECORDER_BIN_ON_ERROR, GST_TYPE_RECORDER_BIN_PAUSE_MODE,
         GST_TYPE_RECORDER_BIN_PAD })
    gst_type_mark_as_plugin_api (t, (GstPluginAPIFlags)0);
  GST_DEBUG_CATEGORY_INIT (gst_recorder_bin_debug, "recorderbin", 0,
                           "recorderbin");
}

static void
install_properties (GObjectClass *gobject_class)
{
  const GParamFlags rw
      = (GParamFlags)(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  const GParamFlags rw_ready = (GParamFlags)(rw | GST_PARAM_MUTABLE_READY);

  g_object_class_install_property (
      gobject_class, PROP_LOCATION,
      g_param_spec_string ("location", "Location",
                           "File to write; needed unless 'sink' is set. With "
                           "channel-mode=separate a pattern holding one %u "
                           "for the pad's index",
                           NULL, rw_ready));
  g_object_class_install_property (
      gobject_class, PROP_FORMAT,
      g_param_spec_enum ("format", "Format", "Encoding and container",
                         GST_TYPE_RECORDER_BIN_FORMAT, DEFAULT_FORMAT,
                         rw_ready));
  g_object_class_install_property (
      gobject_class, PROP_RATE,
      g_param_spec_int ("rate", "Rate",
                        "Output sample rate in Hz; 0 keeps the first input's "
                        "rate. ogg-opus takes 8000, 12000, 16000, 24000 or "
                        "48000",
                        0, G_MAXINT, DEFAULT_RATE, rw_ready));
  g_object_class_install_property (
      gobject_class, PROP_CHANNEL_MODE,
      g_param_spec_enum ("channel-mode", "Channel mode",
                         "How pads become channels (or files) of the "
                         "recording",
                         GST_TYPE_RECORDER_BIN_CHANNEL_MODE,
                         DEFAULT_CHANNEL_MODE, rw_ready));
  g_object_class_install_property (
      gobject_class, PROP_ENCODER,
      g_param_spec_object ("encoder", "Encoder",
                           "Encoder replacing the format's (set in NULL or "
                           "READY); the format's muxer is kept if it accepts "
                           "the encoder's output, else none is used. With "
                           "channel-mode=separate it is copied for each file",
                           GST_TYPE_ELEMENT, rw_ready));
  g_object_class_install_property (
      gobject_class, PROP_MUXER,
      g_param_spec_object ("muxer", "Muxer",
                           "Muxer replacing the format's (set in NULL or "
                           "READY); copied for each file in "
                           "channel-mode=separate",
                           GST_TYPE_ELEMENT, rw_ready));
  g_object_class_install_property (
      gobject_class, PROP_SINK,
      g_param_spec_object ("sink", "Sink",
                           "Sink replacing the file sink (set in NULL or "
                           "READY); 'location' is set on it if it has one. "
                           "Not with channel-mode=separate",
                           GST_TYPE_ELEMENT, rw_ready));
  g_object_class_install_property (
      gobject_class, PROP_EOS_TIMEOUT,
      g_param_spec_uint64 ("eos-timeout", "EOS timeout",
                           "Longest wait (ns) for the chain to finish after "
                           "input EOS; also how long a full output may make "
                           "no progress before it counts as stalled. Setting "
                           "NULL waits at most 0.8 s whatever it is",
                           0, G_MAXUINT64, DEFAULT_EOS_TIMEOUT, rw_ready));
  g_object_class_install_property (
      gobject_class, PROP_ON_ERROR,
      g_param_spec_enum (
          "on-error", "On error", "What an error inside the chain does",
          GST_TYPE_RECORDER_BIN_ON_ERROR, DEFAULT_ON_ERROR, rw_ready));
  g_object_class_install_property (
      gobject_class, PROP_PAUSE_MODE,
      g_param_spec_enum ("pause-mode", "Pause mode",
                         "What pause-recording does to the paused span",
                         GST_TYPE_RECORDER_BIN_PAUSE_MODE, DEFAULT_PAUSE_MODE,
                         rw_ready));
  g_object_class_install_property (
      gobject_class, PROP_MARKS_LOCATION,
      g_param_spec_string (
          "marks-location", "Marks location",
          "Also write every recorderbin-mark, then the done message, to this "
          "file as JSON Lines (one object per line, flushed as posted)",
          NULL, rw_ready));
  g_object_class_install_property (
      gobject_class, PROP_STATS,
      g_param_spec_boxed (
          "stats", "Statistics",
          "Counters: committed-samples, interrupted-samples, silence-samples, "
          "overlap-samples, late-events, errors (guint64 each; samples are "
          "per channel, summed over pads at their input rates)",
          GST_TYPE_STRUCTURE,
          (GParamFlags)(G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)));
}

static void
install_signals (GstRecorderBinClass *klass)
{
  const GSignalFlags action
      = (GSignalFlags)(G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION);
  const GType type = G_TYPE_FROM_CLASS (klass);
  /* Pad signals: (pad-name, running-time); GST_CLOCK_TIME_NONE means now.
   * They return FALSE if there is no such pad. */
  g_signal_new_class_handler ("interrupt", type, action,
                              G_CALLBACK (signal_interrupt), NULL, NULL, NULL,
                              G_TYPE_BOOLEAN, 2, G_TYPE_STRING, G_TYPE_UINT64);
  g_signal_new_class_handler ("pause", type, action, G_CALLBACK (signal_pause),
                              NULL, NULL, NULL, G_TYPE_BOOLEAN, 2,
                              G_TYPE_STRING, G_TYPE_UINT64);
  g_signal_new_class_handler ("resume", type, action,
                              G_CALLBACK (signal_resume), NULL, NULL, NULL,
                              G_TYPE_BOOLEAN, 2, G_TYPE_STRING, G_TYPE_UINT64);
  /* Whole-recording signals: (running-time). */
  g_signal_new_class_handler ("pause-recording", type, action,
                              G_CALLBACK (signal_pause_recording), NULL, NULL,
                              NULL, G_TYPE_BOOLEAN, 1, G_TYPE_UINT64);
  g_signal_new_class_handler ("resume-recording", type, action,
                              G_CALLBACK (signal_resume_recording), NULL, NULL,
                              NULL, G_TYPE_BOOLEAN, 1, G_TYPE_UINT64);
}

static void
gst_recorder_bin_init (GstRecorderBin *self)
{
  GstRecorderBinPrivate *priv = new GstRecorderBinPrivate ();
  self->priv = priv;
  GST_OBJECT_FLAG_SET (self, GST_ELEMENT_FLAG_SINK);
  Finisher::Hooks hooks;
  hooks.report = [self] { return done_report (self); };
  hooks.fail_output = [self] (unsigned output, bool stalled) {
    fail_output (self, output, stalled);
  };
  hooks.end_inputs = [self] { gst_recorder_mux_end_inputs (mux_of (self)); };
  hooks.flush_marks = [self] (int *rate) {
    return gst_recorder_mux_take_marks (mux_of (self), rate);
  };
  priv->finisher = std::make_unique<Finisher> (GST_ELEMENT (self), hooks);
  priv->mux = GST_ELEMENT (gst_object_ref (
      gst_recorder_mux_new (priv->session, priv->finisher.get ())));
  gst_bin_add (GST_BIN (self), priv->mux);
}
