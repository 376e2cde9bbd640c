/* recorderbin — the bin: request pads, the internal chain
 *   sink_%u -> clip -> audioconvert -> audioresample -> capsfilter ->
 *   audiointerleave | audiomixer -> audioconvert -> encoder [-> muxer] -> sink
 * and the finaliser that always posts recorderbin-done and EOS.
 *
 * Locking order: Session::lock (session.h) is the only lock of ours; the
 * bin's object lock is taken for property values and never while holding
 * Session::lock. No lock is held across a push, a query, a state change or
 * posting a message. State never changes from a streaming thread.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstrecorderbin.h"

#include <gst/audio/audio.h>

#include <atomic>
#include <map>
#include <memory>
#include <string>

#include "gstrecorderclip.h"
#include "session.h"

GST_DEBUG_CATEGORY_STATIC (gst_recorder_bin_debug);
#define GST_CAT_DEFAULT gst_recorder_bin_debug

using namespace recorder;

#define DEFAULT_FORMAT GST_RECORDER_BIN_FORMAT_OGG_OPUS
#define DEFAULT_RATE 48000
#define DEFAULT_CHANNEL_MODE GST_RECORDER_BIN_CHANNEL_MODE_PER_PAD
#define DEFAULT_EOS_TIMEOUT (5 * GST_SECOND)
#define DEFAULT_ON_ERROR GST_RECORDER_BIN_ON_ERROR_CONTAIN
#define DEFAULT_PAUSE_MODE GST_RECORDER_BIN_PAUSE_MODE_SILENCE

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
};

enum
{
  PAD_PROP_0,
  PAD_PROP_HOLDBACK,
};

/* ---- enums -----------------------------------------------------------------
 */

static GType
gst_recorder_bin_format_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    { GST_RECORDER_BIN_FORMAT_OGG_OPUS, "Opus in Ogg (opusenc ! oggmux)",
      "ogg-opus" },
    { GST_RECORDER_BIN_FORMAT_OGG_VORBIS, "Vorbis in Ogg (vorbisenc ! oggmux)",
      "ogg-vorbis" },
    { GST_RECORDER_BIN_FORMAT_FLAC, "FLAC, 16-bit (flacenc)", "flac" },
    { GST_RECORDER_BIN_FORMAT_WAV, "WAV, 16-bit PCM (wavenc)", "wav" },
    { 0, NULL, NULL },
  };
  if (g_once_init_enter (&type))
    g_once_init_leave (&type,
                       g_enum_register_static ("GstRecorderBinFormat", values));
  return type;
}

static GType
gst_recorder_bin_channel_mode_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    { GST_RECORDER_BIN_CHANNEL_MODE_PER_PAD,
      "One channel per pad (sink_0 first); one pad keeps its channels",
      "per-pad" },
    { GST_RECORDER_BIN_CHANNEL_MODE_MIX, "All pads mixed into one mono channel",
      "mix" },
    { 0, NULL, NULL },
  };
  if (g_once_init_enter (&type))
    g_once_init_leave (
        &type, g_enum_register_static ("GstRecorderBinChannelMode", values));
  return type;
}

static GType
gst_recorder_bin_on_error_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    { GST_RECORDER_BIN_ON_ERROR_CONTAIN,
      "Post internal errors as warnings and keep accepting (and discarding) "
      "input",
      "contain" },
    { GST_RECORDER_BIN_ON_ERROR_PROPAGATE,
      "Post internal errors as errors and return the flow error upstream",
      "propagate" },
    { 0, NULL, NULL },
  };
  if (g_once_init_enter (&type))
    g_once_init_leave (
        &type, g_enum_register_static ("GstRecorderBinOnError", values));
  return type;
}

static GType
gst_recorder_bin_pause_mode_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    { GST_RECORDER_BIN_PAUSE_MODE_SILENCE,
      "Keep the timeline: silence over the paused span", "silence" },
    { GST_RECORDER_BIN_PAUSE_MODE_COLLAPSE,
      "Cut the paused span out: the file is shorter by it", "collapse" },
    { 0, NULL, NULL },
  };
  if (g_once_init_enter (&type))
    g_once_init_leave (
        &type, g_enum_register_static ("GstRecorderBinPauseMode", values));
  return type;
}

/* ---- the sink pad ----------------------------------------------------------
 */

struct _GstRecorderBinPad
{
  GstGhostPad parent;
  /* Set at creation, before the pad is visible; the session outlives it. */
  Session *session;
  unsigned index;
};

G_DEFINE_TYPE (GstRecorderBinPad, gst_recorder_bin_pad, GST_TYPE_GHOST_PAD);

static void
gst_recorder_bin_pad_set_property (GObject *object, guint prop_id,
                                   const GValue *value, GParamSpec *pspec)
{
  GstRecorderBinPad *pad = GST_RECORDER_BIN_PAD (object);
  switch (prop_id)
    {
    case PAD_PROP_HOLDBACK:
      if (pad->session)
        {
          std::lock_guard<std::mutex> lk (pad->session->lock);
          pad->session->pads.at (pad->index)
              ->timeline.set_holdback (g_value_get_uint64 (value));
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
    }
}

static void
gst_recorder_bin_pad_get_property (GObject *object, guint prop_id,
                                   GValue *value, GParamSpec *pspec)
{
  GstRecorderBinPad *pad = GST_RECORDER_BIN_PAD (object);
  switch (prop_id)
    {
    case PAD_PROP_HOLDBACK:
      {
        guint64 holdback = 0;
        if (pad->session)
          {
            std::lock_guard<std::mutex> lk (pad->session->lock);
            holdback = pad->session->pads.at (pad->index)->timeline.holdback ();
          }
        g_value_set_uint64 (value, holdback);
        break;
      }
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
    }
}

static void
gst_recorder_bin_pad_class_init (GstRecorderBinPadClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  gobject_class->set_property = gst_recorder_bin_pad_set_property;
  gobject_class->get_property = gst_recorder_bin_pad_get_property;
  g_object_class_install_property (
      gobject_class, PAD_PROP_HOLDBACK,
      g_param_spec_uint64 (
          "holdback", "Holdback",
          "How much not-yet-committed audio (ns) this pad may hold so that a "
          "later interrupt or pause can still change it. 0 commits every "
          "buffer as it arrives; an agent's speech pushed ahead of playback "
          "needs at least how far ahead it is pushed",
          0, G_MAXUINT64, 0,
          (GParamFlags)(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS
                        | GST_PARAM_MUTABLE_PLAYING)));
}

static void
gst_recorder_bin_pad_init (GstRecorderBinPad *pad)
{
  pad->session = nullptr;
  pad->index = 0;
}

/* ---- the bin
 * ----------------------------------------------------------------- */

namespace
{
struct Branch
{
  GstElement *clip = nullptr;
  GstElement *convert = nullptr;
  GstElement *resample = nullptr;
  GstElement *capsfilter = nullptr;
  GstPad *ghost = nullptr;
};

/* The stages built at READY->PAUSED and removed at PAUSED->READY. */
struct Tail
{
  GstElement *aggregator = nullptr;
  GstElement *convert = nullptr;
  GstElement *capsfilter = nullptr;
  GstElement *encoder = nullptr;
  GstElement *muxer = nullptr; /* may be null */
  GstElement *sink = nullptr;
  bool built = false;
};

struct Settings
{
  gchar *location = nullptr;
  GstRecorderBinFormat format = DEFAULT_FORMAT;
  gint rate = DEFAULT_RATE;
  GstRecorderBinChannelMode channel_mode = DEFAULT_CHANNEL_MODE;
  GstElement *encoder = nullptr;
  GstElement *muxer = nullptr;
  GstElement *sink = nullptr;
  guint64 eos_timeout = DEFAULT_EOS_TIMEOUT;
  GstRecorderBinOnError on_error = DEFAULT_ON_ERROR;
  GstRecorderBinPauseMode pause_mode = DEFAULT_PAUSE_MODE;
};
} // namespace

struct GstRecorderBinPrivate
{
  std::shared_ptr<Session> session = std::make_shared<Session> ();
  Settings settings;                   /* guarded by the object lock */
  std::map<unsigned, Branch> branches; /* changed in the application thread */
  Tail tail;
  std::string location_in_use;

  /* Finishing */
  std::atomic<bool> running{ false }; /* past READY->PAUSED */
  std::atomic<bool> finished{ false };
  GError *first_error = nullptr; /* guarded by session->lock */
  bool internal_eos = false;     /* guarded by session->lock */
  int errors_in_flight = 0;      /* guarded by session->lock */
  bool finish_deferred = false;  /* guarded by session->lock */
  GstClockID deadline = nullptr; /* guarded by the object lock */
  std::mutex finish_lock;        /* only for finish_cond */
  std::condition_variable finish_cond;

  /* Output accounting, written by the aggregator's streaming thread. */
  guint64 out_samples = 0; /* guarded by session->lock */
  gint out_rate = 0;
  gint out_bpf = 0;
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

static unsigned
max_pads_for (GstRecorderBin *self)
{
  const Settings &s = self->priv->settings;
  if (s.encoder)
    return 64;
  switch (s.format)
    {
    case GST_RECORDER_BIN_FORMAT_OGG_OPUS:
    case GST_RECORDER_BIN_FORMAT_FLAC:
      return 8;
    case GST_RECORDER_BIN_FORMAT_OGG_VORBIS:
      return 255;
    case GST_RECORDER_BIN_FORMAT_WAV:
    default:
      return 64;
    }
}

/* ---- the end of each branch ------------------------------------------------
 * audioresample drains a little short of its input (16 -> 48 kHz: 2 frames,
 * 8 -> 48 kHz: 5): the branch ends before the pad's audio does. Record where
 * the clip's audio ends and, at EOS, fill the branch up to it. */
namespace
{
struct BranchEnd
{
  std::mutex lock;
  GstClockTime in_end = GST_CLOCK_TIME_NONE;  /* clip src: last end pushed */
  GstClockTime out_end = GST_CLOCK_TIME_NONE; /* capsfilter src */
  GstAudioInfo info;
  bool have_info = false;
};
using BranchEndRef = std::shared_ptr<BranchEnd>;
} // namespace

static void
free_branch_end (gpointer data)
{
  delete static_cast<BranchEndRef *> (data);
}

static GstPadProbeReturn
clip_end_probe (GstPad *, GstPadProbeInfo *info, gpointer user_data)
{
  BranchEnd &be = **static_cast<BranchEndRef *> (user_data);
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  if (GST_BUFFER_PTS_IS_VALID (buf) && GST_BUFFER_DURATION_IS_VALID (buf))
    {
      std::lock_guard<std::mutex> lk (be.lock);
      be.in_end = GST_BUFFER_PTS (buf) + GST_BUFFER_DURATION (buf);
    }
  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
branch_end_probe (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  BranchEnd &be = **static_cast<BranchEndRef *> (user_data);
  if (GST_PAD_PROBE_INFO_TYPE (info) & GST_PAD_PROBE_TYPE_BUFFER)
    {
      GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
      std::lock_guard<std::mutex> lk (be.lock);
      if (be.have_info && GST_BUFFER_PTS_IS_VALID (buf))
        be.out_end = GST_BUFFER_PTS (buf)
                     + samples_to_time (gst_buffer_get_size (buf) / be.info.bpf,
                                        be.info.rate);
      return GST_PAD_PROBE_OK;
    }
  GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);
  switch (GST_EVENT_TYPE (event))
    {
    case GST_EVENT_CAPS:
      {
        GstCaps *caps;
        gst_event_parse_caps (event, &caps);
        std::lock_guard<std::mutex> lk (be.lock);
        be.have_info = gst_audio_info_from_caps (&be.info, caps);
        break;
      }
    case GST_EVENT_FLUSH_STOP:
    case GST_EVENT_STREAM_START:
      {
        std::lock_guard<std::mutex> lk (be.lock);
        be.in_end = be.out_end = GST_CLOCK_TIME_NONE;
        break;
      }
    case GST_EVENT_EOS:
      {
        GstBuffer *fill = nullptr;
        {
          std::lock_guard<std::mutex> lk (be.lock);
          if (be.have_info && GST_CLOCK_TIME_IS_VALID (be.in_end)
              && GST_CLOCK_TIME_IS_VALID (be.out_end) && be.in_end > be.out_end)
            {
              const guint64 missing = cut_index (be.in_end, be.info.rate)
                                      - cut_index (be.out_end, be.info.rate);
              /* Only the resampler's tail, never a real gap. */
              if (missing > 0 && missing <= (guint64)be.info.rate / 100)
                {
                  fill = gst_buffer_new_allocate (NULL, missing * be.info.bpf,
                                                  NULL);
                  GstMapInfo map;
                  gst_buffer_map (fill, &map, GST_MAP_WRITE);
                  gst_audio_format_info_fill_silence (be.info.finfo, map.data,
                                                      map.size);
                  gst_buffer_unmap (fill, &map);
                  GST_BUFFER_PTS (fill) = be.out_end;
                  GST_BUFFER_DURATION (fill) = be.in_end - be.out_end;
                  be.out_end = be.in_end;
                }
            }
        }
        if (fill)
          {
            /* The pad is already flagged EOS: hand it to the peer. */
            GstPad *peer = gst_pad_get_peer (pad);
            if (peer)
              {
                gst_pad_chain (peer, fill);
                gst_object_unref (peer);
              }
            else
              gst_buffer_unref (fill);
          }
        break;
      }
    default:
      break;
    }
  return GST_PAD_PROBE_OK;
}

/* ---- pads -------------------------------------------------------------------
 */

static GstPad *
gst_recorder_bin_request_new_pad (GstElement *element, GstPadTemplate *templ,
                                  const gchar *req_name, const GstCaps *)
{
  GstRecorderBin *self = GST_RECORDER_BIN (element);
  GstRecorderBinPrivate *priv = self->priv;

  if (priv->running)
    {
      GST_ELEMENT_WARNING (self, CORE, PAD,
                           ("Refused a new pad while recording: request every "
                            "pad before the bin leaves READY"),
                           (NULL));
      return NULL;
    }
  GST_OBJECT_LOCK (self);
  const unsigned limit = max_pads_for (self);
  GST_OBJECT_UNLOCK (self);
  if (priv->branches.size () >= limit)
    {
      GST_ELEMENT_WARNING (self, CORE, PAD,
                           ("Refused pad %u: the format holds at most %u "
                            "channels",
                            (unsigned)priv->branches.size () + 1, limit),
                           (NULL));
      return NULL;
    }

  unsigned index = 0;
  if (req_name && sscanf (req_name, "sink_%u", &index) == 1)
    {
      if (priv->branches.count (index))
        {
          GST_ELEMENT_WARNING (self, CORE, PAD,
                               ("Refused pad %s: it exists already", req_name),
                               (NULL));
          return NULL;
        }
    }
  else
    while (priv->branches.count (index))
      index++;

  gchar *name = g_strdup_printf ("sink_%u", index);
  {
    auto pad = std::make_unique<Session::Pad> ();
    pad->index = index;
    pad->name = name;
    std::lock_guard<std::mutex> lk (priv->session->lock);
    priv->session->pads[index] = std::move (pad);
  }

  Branch b;
  gchar *n = g_strdup_printf ("clip_%s", name);
  b.clip = gst_recorder_clip_new (priv->session, index, n);
  g_free (n);
  n = g_strdup_printf ("convert_%s", name);
  b.convert = gst_element_factory_make ("audioconvert", n);
  g_free (n);
  n = g_strdup_printf ("resample_%s", name);
  b.resample = gst_element_factory_make ("audioresample", n);
  g_free (n);
  n = g_strdup_printf ("caps_%s", name);
  b.capsfilter = gst_element_factory_make ("capsfilter", n);
  g_free (n);
  if (!b.convert || !b.resample || !b.capsfilter)
    {
      GST_ELEMENT_ERROR (self, CORE, MISSING_PLUGIN,
                         ("audioconvert, audioresample or capsfilter is "
                          "missing: install gstreamer1.0-plugins-base"),
                         (NULL));
      for (GstElement *e : { b.clip, b.convert, b.resample, b.capsfilter })
        if (e)
          gst_object_unref (gst_object_ref_sink (e));
      std::lock_guard<std::mutex> lk (priv->session->lock);
      priv->session->pads.erase (index);
      g_free (name);
      return NULL;
    }
  /* The branch keeps a reference: a disposing bin drops its children
   * before GstElement releases the request pads. */
  for (GstElement *e : { b.clip, b.convert, b.resample, b.capsfilter })
    gst_object_ref_sink (e);
  gst_bin_add_many (GST_BIN (self), b.clip, b.convert, b.resample, b.capsfilter,
                    NULL);
  gst_element_link_many (b.clip, b.convert, b.resample, b.capsfilter, NULL);
  {
    auto be = std::make_shared<BranchEnd> ();
    GstPad *p = gst_element_get_static_pad (b.clip, "src");
    gst_pad_add_probe (p, GST_PAD_PROBE_TYPE_BUFFER, clip_end_probe,
                       new BranchEndRef (be), free_branch_end);
    gst_object_unref (p);
    p = gst_element_get_static_pad (b.capsfilter, "src");
    gst_pad_add_probe (p,
                       (GstPadProbeType)(GST_PAD_PROBE_TYPE_BUFFER
                                         | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM),
                       branch_end_probe, new BranchEndRef (be),
                       free_branch_end);
    gst_object_unref (p);
  }

  GstPad *target = gst_element_get_static_pad (b.clip, "sink");
  b.ghost = GST_PAD (g_object_new (GST_TYPE_RECORDER_BIN_PAD, "name", name,
                                   "direction", GST_PAD_SINK, "template", templ,
                                   NULL));
  GST_RECORDER_BIN_PAD (b.ghost)->session = priv->session.get ();
  GST_RECORDER_BIN_PAD (b.ghost)->index = index;
  gst_ghost_pad_set_target (GST_GHOST_PAD (b.ghost), target);
  gst_object_unref (target);
  priv->branches[index] = b;

  for (GstElement *e : { b.clip, b.convert, b.resample, b.capsfilter })
    gst_element_sync_state_with_parent (e);
  if (GST_STATE (self) > GST_STATE_NULL)
    gst_pad_set_active (b.ghost, TRUE);
  gst_element_add_pad (element, b.ghost);
  GST_INFO_OBJECT (self, "added pad %s", name);
  g_free (name);
  return b.ghost;
}

static void
gst_recorder_bin_release_pad (GstElement *element, GstPad *pad)
{
  GstRecorderBin *self = GST_RECORDER_BIN (element);
  GstRecorderBinPrivate *priv = self->priv;
  const unsigned index = GST_RECORDER_BIN_PAD (pad)->index;
  auto it = priv->branches.find (index);
  if (it == priv->branches.end ())
    return;
  Branch b = it->second;
  priv->branches.erase (it);

  gst_pad_set_active (pad, FALSE);
  gst_element_remove_pad (element, pad);
  for (GstElement *e : { b.clip, b.convert, b.resample, b.capsfilter })
    {
      if (GST_OBJECT_PARENT (e) == GST_OBJECT (self))
        {
          gst_element_set_locked_state (e, TRUE);
          gst_element_set_state (e, GST_STATE_NULL);
          gst_bin_remove (GST_BIN (self), e);
        }
      gst_object_unref (e);
    }
  std::lock_guard<std::mutex> lk (priv->session->lock);
  priv->session->pads.erase (index);
}

/* ---- the chain
 * ---------------------------------------------------------------- */

static GstElement *
make_element (GstRecorderBin *self, const gchar *factory, const gchar *name,
              const gchar *package)
{
  GstElement *e = gst_element_factory_make (factory, name);
  /* The tail owns one reference to each of its elements, built-in or
   * given by the application (see remove_tail). */
  if (e)
    gst_object_ref_sink (e);
  if (!e)
    GST_ELEMENT_ERROR (
        self, CORE, MISSING_PLUGIN,
        ("The '%s' element is missing: install %s", factory, package), (NULL));
  return e;
}

static GstCaps *
branch_caps (bool mono, gint rate, gint channels)
{
  GstCaps *caps
      = gst_caps_new_simple ("audio/x-raw", "format", G_TYPE_STRING, "F32LE",
                             "layout", G_TYPE_STRING, "interleaved", NULL);
  if (rate > 0)
    gst_caps_set_simple (caps, "rate", G_TYPE_INT, rate, NULL);
  if (mono)
    gst_caps_set_simple (caps, "channels", G_TYPE_INT, 1, NULL);
  else if (channels > 0)
    {
      gst_caps_set_simple (caps, "channels", G_TYPE_INT, channels, NULL);
      if (channels > 2)
        gst_caps_set_simple (caps, "channel-mask", GST_TYPE_BITMASK,
                             gst_audio_channel_get_fallback_mask (channels),
                             NULL);
    }
  return caps;
}

static GstPadProbeReturn gate_probe (GstPad *pad, GstPadProbeInfo *info,
                                     gpointer user_data);

static void
remove_tail (GstRecorderBin *self)
{
  Tail &t = self->priv->tail;
  for (GstElement *e :
       { t.sink, t.muxer, t.encoder, t.capsfilter, t.convert, t.aggregator })
    {
      if (!e)
        continue;
      gst_element_set_locked_state (e, TRUE);
      gst_element_set_state (e, GST_STATE_NULL);
      if (GST_OBJECT_PARENT (e) == GST_OBJECT (self))
        gst_bin_remove (GST_BIN (self), e);
      gst_element_set_locked_state (e, FALSE);
      gst_object_unref (e);
    }
  t = Tail{};
}

static gboolean
link_or_fail (GstRecorderBin *self, GstElement *a, GstElement *b,
              const gchar *what_a, const gchar *what_b)
{
  if (gst_element_link (a, b))
    return TRUE;
  GST_ELEMENT_ERROR (self, CORE, NEGOTIATION,
                     ("Cannot link the %s (%s) to the %s (%s): they have no "
                      "compatible formats",
                      what_a, GST_OBJECT_NAME (a), what_b, GST_OBJECT_NAME (b)),
                     (NULL));
  return FALSE;
}

static gboolean
build_tail (GstRecorderBin *self)
{
  GstRecorderBinPrivate *priv = self->priv;
  Tail &t = priv->tail;

  GST_OBJECT_LOCK (self);
  Settings s = priv->settings;
  gchar *location = g_strdup (s.location);
  GstElement *user_encoder
      = s.encoder ? GST_ELEMENT (gst_object_ref (s.encoder)) : NULL;
  GstElement *user_muxer
      = s.muxer ? GST_ELEMENT (gst_object_ref (s.muxer)) : NULL;
  GstElement *user_sink = s.sink ? GST_ELEMENT (gst_object_ref (s.sink)) : NULL;
  GST_OBJECT_UNLOCK (self);
  /* The copy in `s` does not own these. */
  s.location = nullptr;
  s.encoder = s.muxer = s.sink = nullptr;

  auto cleanup = [&] {
    g_free (location);
    for (GstElement *e : { user_encoder, user_muxer, user_sink })
      if (e)
        gst_object_unref (e);
  };

  if (!location && !user_sink)
    {
      GST_ELEMENT_ERROR (self, RESOURCE, NOT_FOUND,
                         ("No file to record to: set the 'location' property "
                          "or give a 'sink' element"),
                         (NULL));
      cleanup ();
      return FALSE;
    }
  priv->location_in_use = location ? location : "";

  const size_t n_pads = priv->branches.size ();
  const bool interleave
      = s.channel_mode == GST_RECORDER_BIN_CHANNEL_MODE_PER_PAD && n_pads > 1;
  const bool mono
      = s.channel_mode == GST_RECORDER_BIN_CHANNEL_MODE_MIX || n_pads > 1;

  bool ok = true;
  t.aggregator
      = make_element (self, interleave ? "audiointerleave" : "audiomixer",
                      "aggregator", "gstreamer1.0-plugins-base");
  t.convert = make_element (self, "audioconvert", "convert_out",
                            "gstreamer1.0-plugins-base");
  t.capsfilter = make_element (self, "capsfilter", "caps_out",
                               "gstreamer1.0-plugins-base");
  ok = t.aggregator && t.convert && t.capsfilter;

  const gchar *enc_factory = "opusenc", *mux_factory = "oggmux";
  const gchar *package = "gstreamer1.0-plugins-base";
  bool pcm16 = false;
  switch (s.format)
    {
    case GST_RECORDER_BIN_FORMAT_OGG_VORBIS:
      enc_factory = "vorbisenc";
      break;
    case GST_RECORDER_BIN_FORMAT_FLAC:
      enc_factory = "flacenc";
      mux_factory = NULL;
      package = "gstreamer1.0-plugins-good";
      pcm16 = true;
      break;
    case GST_RECORDER_BIN_FORMAT_WAV:
      enc_factory = "wavenc";
      mux_factory = NULL;
      package = "gstreamer1.0-plugins-good";
      pcm16 = true;
      break;
    default:
      break;
    }
  if (ok)
    {
      t.encoder = user_encoder
                      ? GST_ELEMENT (gst_object_ref (user_encoder))
                      : make_element (self, enc_factory, "encoder", package);
      ok = t.encoder != NULL;
    }
  if (ok && user_muxer)
    t.muxer = GST_ELEMENT (gst_object_ref (user_muxer));
  else if (ok && mux_factory)
    {
      t.muxer = make_element (self, mux_factory, "muxer",
                              "gstreamer1.0-plugins-base");
      ok = t.muxer != NULL;
      if (ok && user_encoder)
        {
          /* A replaced encoder keeps the format's muxer only if it fits. */
          GstPad *src = gst_element_get_static_pad (t.encoder, "src");
          GstCaps *enc_caps = src ? gst_pad_query_caps (src, NULL) : NULL;
          GstPadTemplate *mt = gst_element_class_get_pad_template (
              GST_ELEMENT_GET_CLASS (t.muxer), "audio_%u");
          if (enc_caps && mt
              && !gst_caps_can_intersect (enc_caps,
                                          gst_pad_template_get_caps (mt)))
            g_clear_pointer (&t.muxer, gst_object_unref);
          if (enc_caps)
            gst_caps_unref (enc_caps);
          if (src)
            gst_object_unref (src);
          if (!t.muxer)
            GST_INFO_OBJECT (self, "encoder output does not fit %s: no muxer",
                             mux_factory);
        }
    }
  if (ok)
    {
      if (user_sink)
        {
          t.sink = GST_ELEMENT (gst_object_ref (user_sink));
          if (location
              && g_object_class_find_property (G_OBJECT_GET_CLASS (t.sink),
                                               "location"))
            g_object_set (t.sink, "location", location, NULL);
        }
      else
        {
          t.sink = make_element (self, "filesink", "sink",
                                 "gstreamer1.0-plugins-base");
          if (t.sink)
            /* Unbuffered: each page reaches the file as it is made, so a
             * killed process leaves a file readable up to its last page. */
            g_object_set (t.sink, "location", location, "buffer-mode", 2,
                          "async", FALSE, NULL);
        }
      ok = t.sink != NULL;
    }
  if (t.muxer
      && g_object_class_find_property (G_OBJECT_GET_CLASS (t.muxer),
                                       "max-page-delay"))
    g_object_set (t.muxer, "max-page-delay", (guint64)500 * GST_MSECOND,
                  "max-delay", (guint64)500 * GST_MSECOND, NULL);
  cleanup ();
  if (!ok)
    {
      for (GstElement *e : { t.aggregator, t.convert, t.capsfilter, t.encoder,
                             t.muxer, t.sink })
        if (e)
          gst_object_unref (e);
      t = Tail{};
      return FALSE;
    }

  /* Every clip element's first buffer starts exactly at the recording's
   * start, so "first" selects it whichever pad pushes first; and a live
   * aggregator waits for that first buffer instead of timing out on pads
   * that have not negotiated yet. */
  g_object_set (t.aggregator, "start-time-selection", 1 /* first */, NULL);
  g_object_set (t.convert, "dithering", 0 /* none */, NULL);
  if (pcm16)
    {
      GstCaps *caps = gst_caps_new_simple ("audio/x-raw", "format",
                                           G_TYPE_STRING, "S16LE", NULL);
      g_object_set (t.capsfilter, "caps", caps, NULL);
      gst_caps_unref (caps);
    }
  if (interleave && n_pads == 2)
    {
      GValue positions = G_VALUE_INIT, v = G_VALUE_INIT;
      g_value_init (&positions, GST_TYPE_ARRAY);
      g_value_init (&v, GST_TYPE_AUDIO_CHANNEL_POSITION);
      g_value_set_enum (&v, GST_AUDIO_CHANNEL_POSITION_FRONT_LEFT);
      gst_value_array_append_value (&positions, &v);
      g_value_set_enum (&v, GST_AUDIO_CHANNEL_POSITION_FRONT_RIGHT);
      gst_value_array_append_value (&positions, &v);
      g_object_set_property (G_OBJECT (t.aggregator), "channel-positions",
                             &positions);
      g_value_unset (&v);
      g_value_unset (&positions);
    }
  else if (interleave)
    g_object_set (t.aggregator, "channel-positions-from-input", FALSE, NULL);

  gst_bin_add_many (GST_BIN (self), t.aggregator, t.convert, t.capsfilter,
                    t.encoder, t.sink, NULL);
  if (t.muxer)
    gst_bin_add (GST_BIN (self), t.muxer);
  t.built = true;

  /* Per-pad caps; the rate (rate=0) and a single pad's channel count are
   * completed by the first input's caps, before anything is pushed. */
  for (auto &[index, b] : priv->branches)
    {
      GstCaps *caps = branch_caps (mono, s.rate, 0);
      g_object_set (b.capsfilter, "caps", caps, NULL);
      gst_caps_unref (caps);
    }
  {
    std::lock_guard<std::mutex> lk (priv->session->lock);
    priv->session->output_rate = s.rate > 0 ? (unsigned)s.rate : 0;
    priv->session->output_channels = mono ? 1 : 0;
  }

  ok = link_or_fail (self, t.aggregator, t.convert, "aggregator", "converter")
       && link_or_fail (self, t.convert, t.capsfilter, "converter",
                        "capsfilter")
       && link_or_fail (self, t.capsfilter, t.encoder, "converter", "encoder");
  if (ok && t.muxer)
    ok = link_or_fail (self, t.encoder, t.muxer, "encoder", "muxer")
         && link_or_fail (self, t.muxer, t.sink, "muxer", "sink");
  else if (ok)
    ok = link_or_fail (self, t.encoder, t.sink, "encoder", "sink");
  for (auto &[index, b] : priv->branches)
    if (ok)
      ok = link_or_fail (self, b.capsfilter, t.aggregator, "pad branch",
                         "aggregator");
  if (!ok)
    return FALSE;

  GstPad *agg_src = gst_element_get_static_pad (t.aggregator, "src");
  gst_pad_add_probe (agg_src,
                     (GstPadProbeType)(GST_PAD_PROBE_TYPE_BUFFER
                                       | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM),
                     gate_probe, self, NULL);
  gst_object_unref (agg_src);
  return TRUE;
}

/* Runs once per recording, in the first clip task about to push: completes
 * the per-pad caps with what the first input's caps decided. */
static void
on_recording_start (GstRecorderBin *self, Time start)
{
  GstRecorderBinPrivate *priv = self->priv;
  GST_INFO_OBJECT (self, "recording starts at %" GST_TIME_FORMAT,
                   GST_TIME_ARGS (start));
  unsigned rate;
  int channels;
  {
    std::lock_guard<std::mutex> lk (priv->session->lock);
    rate = priv->session->output_rate;
    channels = priv->session->output_channels;
  }
  const bool mono = channels == 1 && priv->branches.size () > 0
                    && (priv->branches.size () > 1
                        || priv->settings.channel_mode
                               == GST_RECORDER_BIN_CHANNEL_MODE_MIX);
  for (auto &[index, b] : priv->branches)
    {
      GstCaps *caps = branch_caps (mono, (gint)rate, channels);
      g_object_set (b.capsfilter, "caps", caps, NULL);
      gst_caps_unref (caps);
    }
}

/* ---- whole-recording pause on the aligned stream ---------------------------
 */

static GstPadProbeReturn
gate_probe (GstPad *, GstPadProbeInfo *info, gpointer user_data)
{
  GstRecorderBin *self = GST_RECORDER_BIN (user_data);
  GstRecorderBinPrivate *priv = self->priv;
  Session &session = *priv->session;

  if (GST_PAD_PROBE_INFO_TYPE (info) & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM)
    {
      GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);
      if (GST_EVENT_TYPE (event) == GST_EVENT_CAPS)
        {
          GstCaps *caps;
          GstAudioInfo ainfo;
          gst_event_parse_caps (event, &caps);
          if (gst_audio_info_from_caps (&ainfo, caps))
            {
              std::lock_guard<std::mutex> lk (session.lock);
              priv->out_rate = ainfo.rate;
              priv->out_bpf = ainfo.bpf;
              session.gate.new_stream ();
            }
        }
      return GST_PAD_PROBE_OK;
    }

  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  std::vector<RecordingGate::Span> spans;
  Time out_pts = 0;
  gint bpf;
  guint64 samples;
  {
    std::lock_guard<std::mutex> lk (session.lock);
    bpf = priv->out_bpf;
    if (bpf == 0)
      return GST_PAD_PROBE_OK;
    samples = gst_buffer_get_size (buf) / bpf;
    spans = session.gate.process (GST_BUFFER_PTS (buf), priv->out_rate, samples,
                                  out_pts);
    guint64 kept = 0;
    for (const auto &sp : spans)
      kept += sp.samples;
    priv->out_samples += kept;
  }
  if (spans.size () == 1 && !spans[0].silence && spans[0].samples == samples)
    {
      if (GST_BUFFER_PTS (buf) != out_pts)
        {
          buf = gst_buffer_make_writable (buf);
          GST_BUFFER_PTS (buf) = out_pts;
          GST_PAD_PROBE_INFO_DATA (info) = buf;
        }
      return GST_PAD_PROBE_OK;
    }
  if (spans.empty ())
    return GST_PAD_PROBE_DROP;

  /* Rebuild the buffer from the kept parts and silence. */
  GstBuffer *out = gst_buffer_new ();
  guint64 total = 0;
  for (const auto &sp : spans)
    {
      GstBuffer *part;
      if (sp.silence)
        {
          part = gst_buffer_new_allocate (NULL, sp.samples * bpf, NULL);
          gst_buffer_memset (part, 0, 0, sp.samples * bpf);
        }
      else
        part = gst_buffer_copy_region (buf, GST_BUFFER_COPY_MEMORY,
                                       sp.offset * bpf, sp.samples * bpf);
      out = gst_buffer_append (out, part);
      total += sp.samples;
    }
  gst_buffer_copy_into (
      out, buf,
      (GstBufferCopyFlags)(GST_BUFFER_COPY_FLAGS | GST_BUFFER_COPY_META), 0,
      -1);
  GST_BUFFER_PTS (out) = out_pts;
  GST_BUFFER_DURATION (out) = samples_to_time (total, priv->out_rate);
  gst_buffer_unref (buf);
  GST_PAD_PROBE_INFO_DATA (info) = out;
  return GST_PAD_PROBE_OK;
}

/* ---- finishing
 * --------------------------------------------------------------- */

static GstStructure *
stats_structure (GstRecorderBin *self, const gchar *name)
{
  GstRecorderBinPrivate *priv = self->priv;
  Session &session = *priv->session;
  std::lock_guard<std::mutex> lk (session.lock);
  const PadStats t = session.totals ();
  return gst_structure_new (
      name, "committed-samples", G_TYPE_UINT64, t.committed_samples,
      "interrupted-samples", G_TYPE_UINT64, t.interrupted_samples,
      "silence-samples", G_TYPE_UINT64, t.silence_samples, "overlap-samples",
      G_TYPE_UINT64, t.overlap_samples, "late-events", G_TYPE_UINT64,
      t.late_events, "errors", G_TYPE_UINT64, session.errors, NULL);
}

static void
cancel_deadline (GstRecorderBin *self)
{
  GstClockID id;
  GST_OBJECT_LOCK (self);
  id = self->priv->deadline;
  self->priv->deadline = nullptr;
  GST_OBJECT_UNLOCK (self);
  if (id)
    {
      gst_clock_id_unschedule (id);
      gst_clock_id_unref (id);
    }
}

/* Posts recorderbin-done and then EOS, once per recording. Any thread. */
static void
finish (GstRecorderBin *self, const gchar *status)
{
  GstRecorderBinPrivate *priv = self->priv;
  {
    /* An ERROR being forwarded reaches the bus before the done message:
     * its handler finishes once it has posted it. */
    std::lock_guard<std::mutex> lk (priv->session->lock);
    if (priv->errors_in_flight > 0)
      {
        priv->finish_deferred = true;
        return;
      }
  }
  if (priv->finished.exchange (true))
    return;
  cancel_deadline (self);

  GError *error = nullptr;
  guint64 samples;
  gint rate;
  {
    std::lock_guard<std::mutex> lk (priv->session->lock);
    if (priv->first_error)
      error = g_error_copy (priv->first_error);
    samples = priv->out_samples;
    rate = priv->out_rate;
  }
  if (g_str_equal (status, "ok") && error)
    status = "error";
  if (g_str_equal (status, "error") && !error)
    error = g_error_new (GST_STREAM_ERROR, GST_STREAM_ERROR_FAILED,
                         "The recording chain failed");

  GstStructure *s = stats_structure (self, "recorderbin-done");
  gst_structure_set (
      s, "location", G_TYPE_STRING,
      priv->location_in_use.empty () ? NULL : priv->location_in_use.c_str (),
      "status", G_TYPE_STRING, status, "duration", G_TYPE_UINT64,
      rate > 0 ? samples_to_time (samples, rate) : (guint64)0, "samples",
      G_TYPE_UINT64, samples, NULL);
  if (g_str_equal (status, "error") && error)
    gst_structure_set (s, "error", G_TYPE_ERROR, error, NULL);
  if (error)
    g_error_free (error);

  GST_INFO_OBJECT (self, "finished: %" GST_PTR_FORMAT, s);
  gst_element_post_message (GST_ELEMENT (self),
                            gst_message_new_element (GST_OBJECT (self), s));
  gst_element_post_message (GST_ELEMENT (self),
                            gst_message_new_eos (GST_OBJECT (self)));
  {
    std::lock_guard<std::mutex> lk (priv->finish_lock);
  }
  priv->finish_cond.notify_all ();
}

static gboolean
deadline_reached (GstClock *, GstClockTime, GstClockID, gpointer user_data)
{
  GstRecorderBin *self = GST_RECORDER_BIN (user_data);
  GST_WARNING_OBJECT (self, "the chain did not finish within eos-timeout");
  bool failed;
  {
    std::lock_guard<std::mutex> lk (self->priv->session->lock);
    failed = self->priv->session->failed && !self->priv->session->stalled;
  }
  finish (self, failed ? "error" : "timeout");
  return TRUE;
}

/* Every input has ended: finish now if the chain is broken, else give it
 * eos-timeout to drain. Any thread. */
static void
on_all_eos (GstRecorderBin *self)
{
  GstRecorderBinPrivate *priv = self->priv;
  bool failed, stalled, internal_eos;
  {
    std::lock_guard<std::mutex> lk (priv->session->lock);
    failed = priv->session->failed;
    stalled = priv->session->stalled;
    internal_eos = priv->internal_eos;
  }
  if (failed || internal_eos || !priv->tail.built)
    {
      finish (self, stalled ? "timeout" : failed ? "error" : "ok");
      return;
    }
  GstClock *clock = gst_system_clock_obtain ();
  GST_OBJECT_LOCK (self);
  const guint64 timeout = priv->settings.eos_timeout;
  if (!priv->deadline && !priv->finished)
    {
      priv->deadline = gst_clock_new_single_shot_id (
          clock, gst_clock_get_time (clock) + timeout);
      gst_clock_id_wait_async (priv->deadline, deadline_reached,
                               gst_object_ref (self), gst_object_unref);
    }
  GST_OBJECT_UNLOCK (self);
  gst_object_unref (clock);
}

/* Ends every input as if each pad had received EOS. Any thread; never
 * waits on a streaming thread. */
static void
end_all_inputs (GstRecorderBin *self)
{
  Session &session = *self->priv->session;
  bool report = false;
  {
    std::lock_guard<std::mutex> lk (session.lock);
    for (auto &[index, pad] : session.pads)
      pad->eos = true;
    session.advance ();
    if (!session.all_eos_reported)
      report = session.all_eos_reported = true;
  }
  session.wake.notify_all ();
  if (report)
    on_all_eos (self);
  else if (session.pads.empty ())
    finish (self, "ok");
}

static bool
is_clip (GstRecorderBin *self, GstObject *src)
{
  for (GstObject *o = src ? GST_OBJECT (gst_object_ref (src)) : nullptr; o;)
    {
      if (GST_IS_RECORDER_CLIP (o))
        {
          gst_object_unref (o);
          return true;
        }
      GstObject *parent = gst_object_get_parent (o);
      gst_object_unref (o);
      if (parent == GST_OBJECT (self))
        {
          gst_object_unref (parent);
          return false;
        }
      o = parent;
    }
  return false;
}

static void
gst_recorder_bin_handle_message (GstBin *bin, GstMessage *message)
{
  GstRecorderBin *self = GST_RECORDER_BIN (bin);
  GstRecorderBinPrivate *priv = self->priv;
  Session &session = *priv->session;

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_EOS:
      {
        /* The internal sink finished. Once every input has ended too, the
         * recording is complete; a chain that ended early (a failure makes
         * the aggregator stop) waits for the inputs. Our own EOS is posted
         * by finish(), with the done message before it. */
        GST_DEBUG_OBJECT (self, "internal EOS from %s",
                          GST_MESSAGE_SRC_NAME (message));
        gst_message_unref (message);
        bool all_eos;
        {
          std::lock_guard<std::mutex> lk (session.lock);
          priv->internal_eos = true;
          all_eos = session.all_eos_reported;
        }
        if (all_eos)
          finish (self, "ok");
        return;
      }
    case GST_MESSAGE_ERROR:
      {
        if (!priv->running)
          break; /* start-up errors fail the state change as they are */
        GError *err = nullptr;
        gchar *debug = nullptr;
        gst_message_parse_error (message, &err, &debug);
        /* Errors about the input (from a clip element) stay errors. */
        const bool input_error = is_clip (self, GST_MESSAGE_SRC (message));
        bool all_eos, stalled;
        ErrorMode mode;
        {
          std::lock_guard<std::mutex> lk (session.lock);
          if (!priv->first_error)
            priv->first_error = g_error_copy (err);
          session.failed = true;
          session.errors++;
          priv->errors_in_flight++;
          mode = session.error_mode;
        }
        session.wake.notify_all ();
        if (mode == ErrorMode::kContain && !input_error)
          {
            GstMessage *warning = gst_message_new_warning (
                GST_MESSAGE_SRC (message), err, debug);
            gst_message_unref (message);
            message = warning;
          }
        g_error_free (err);
        g_free (debug);
        GST_BIN_CLASS (gst_recorder_bin_parent_class)
            ->handle_message (bin, message);
        bool deferred;
        {
          std::lock_guard<std::mutex> lk (session.lock);
          priv->errors_in_flight--;
          deferred = priv->finish_deferred && priv->errors_in_flight == 0;
          if (deferred)
            priv->finish_deferred = false;
          all_eos = session.all_eos_reported;
          stalled = session.stalled;
        }
        /* Propagated, the failure stops upstream: no EOS may ever come, so
         * the recording ends now. Contained, it ends with the inputs. */
        if (deferred || all_eos || mode == ErrorMode::kPropagate)
          finish (self, stalled ? "timeout" : "error");
        return;
      }
    default:
      break;
    }
  GST_BIN_CLASS (gst_recorder_bin_parent_class)->handle_message (bin, message);
}

static gboolean
gst_recorder_bin_send_event (GstElement *element, GstEvent *event)
{
  GstRecorderBin *self = GST_RECORDER_BIN (element);
  Session &session = *self->priv->session;

  switch (GST_EVENT_TYPE (event))
    {
    case GST_EVENT_EOS:
      gst_event_unref (event);
      end_all_inputs (self);
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
        const gchar *name;
        Time t;
        gboolean malformed;
        if (s && gst_recorder_parse_control (s, &name, &t, &malformed)
            && (g_str_equal (name, "recorderbin-pause-recording")
                || g_str_equal (name, "recorderbin-resume-recording")))
          {
            if (malformed)
              GST_ELEMENT_WARNING (self, STREAM, FAILED,
                                   ("Ignored malformed %s: running-time must "
                                    "be a guint64",
                                    name),
                                   (NULL));
            else
              gst_recorder_apply_recording_event (
                  element, session,
                  g_str_equal (name, "recorderbin-pause-recording"), t);
            gst_event_unref (event);
            return TRUE;
          }
        break;
      }
    default:
      break;
    }
  return GST_ELEMENT_CLASS (gst_recorder_bin_parent_class)
      ->send_event (element, event);
}

/* ---- signals
 * ----------------------------------------------------------------- */

static gboolean
control_pad (GstRecorderBin *self, const gchar *pad_name, ClipAction action,
             guint64 running_time)
{
  if (!pad_name)
    return FALSE;
  for (auto &[index, b] : self->priv->branches)
    if (g_str_equal (GST_OBJECT_NAME (b.ghost), pad_name))
      return gst_recorder_clip_control (
          GST_RECORDER_CLIP (b.clip), action,
          running_time == GST_CLOCK_TIME_NONE ? kTimeNone : running_time);
  return FALSE;
}

static gboolean
signal_interrupt (GstRecorderBin *self, const gchar *pad, guint64 t)
{
  return control_pad (self, pad, ClipAction::kInterrupt, t);
}

static gboolean
signal_pause (GstRecorderBin *self, const gchar *pad, guint64 t)
{
  return control_pad (self, pad, ClipAction::kPause, t);
}

static gboolean
signal_resume (GstRecorderBin *self, const gchar *pad, guint64 t)
{
  return control_pad (self, pad, ClipAction::kResume, t);
}

static gboolean
recording_signal (GstRecorderBin *self, bool pause, guint64 t)
{
  gst_recorder_apply_recording_event (GST_ELEMENT (self), *self->priv->session,
                                      pause,
                                      t == GST_CLOCK_TIME_NONE ? kTimeNone : t);
  return TRUE;
}

static gboolean
signal_pause_recording (GstRecorderBin *self, guint64 t)
{
  return recording_signal (self, true, t);
}

static gboolean
signal_resume_recording (GstRecorderBin *self, guint64 t)
{
  return recording_signal (self, false, t);
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

/* Teardown mid-recording: keep what was heard, finish the file, within
 * eos-timeout. Runs in the thread changing the state. */
static void
finish_on_teardown (GstRecorderBin *self)
{
  GstRecorderBinPrivate *priv = self->priv;
  if (priv->finished)
    return;
  Session &session = *priv->session;
  {
    std::unique_lock<std::mutex> lk (session.lock);
    if (session.failed && !session.stalled)
      {
        /* The chain is broken: nothing more can reach the file. */
        lk.unlock ();
        finish (self, "error");
        return;
      }
    if (session.all_eos_reported || session.failed)
      goto wait;
    for (auto &[index, pad] : session.pads)
      {
        /* Only what was heard by now: drop held audio scheduled later.
         * Pads without holdback hold nothing. */
        const Time now = session.now_for (*pad);
        if (!pad->eos && pad->timeline.holdback () > 0 && now != kTimeNone)
          pad->timeline.interrupt (now);
      }
  }
  end_all_inputs (self);
wait:
  GST_OBJECT_LOCK (self);
  const guint64 timeout = priv->settings.eos_timeout;
  GST_OBJECT_UNLOCK (self);
  std::unique_lock<std::mutex> lk (priv->finish_lock);
  priv->finish_cond.wait_for (lk, std::chrono::nanoseconds (timeout),
                              [&] { return priv->finished.load (); });
  lk.unlock ();
  if (!priv->finished)
    finish (self, "timeout");
}

static GstStateChangeReturn
gst_recorder_bin_change_state (GstElement *element, GstStateChange transition)
{
  GstRecorderBin *self = GST_RECORDER_BIN (element);
  GstRecorderBinPrivate *priv = self->priv;
  Session &session = *priv->session;

  switch (transition)
    {
    case GST_STATE_CHANGE_READY_TO_PAUSED:
      {
        GST_OBJECT_LOCK (self);
        const ErrorMode mode
            = priv->settings.on_error == GST_RECORDER_BIN_ON_ERROR_PROPAGATE
                  ? ErrorMode::kPropagate
                  : ErrorMode::kContain;
        const auto pause_mode
            = priv->settings.pause_mode == GST_RECORDER_BIN_PAUSE_MODE_COLLAPSE
                  ? RecordingGate::Mode::kCollapse
                  : RecordingGate::Mode::kSilence;
        const guint64 timeout = priv->settings.eos_timeout;
        GST_OBJECT_UNLOCK (self);
        {
          std::lock_guard<std::mutex> lk (session.lock);
          session.reset_for_start ();
          session.error_mode = mode;
          session.gate.set_mode (pause_mode);
          session.stall_timeout = timeout;
          session.live = false;
          g_clear_error (&priv->first_error);
          priv->internal_eos = false;
          priv->finish_deferred = false;
          priv->out_samples = 0;
          priv->out_rate = priv->out_bpf = 0;
        }
        priv->finished = false;
        session.on_start
            = [self] (Time start) { on_recording_start (self, start); };
        session.on_all_eos = [self] () { on_all_eos (self); };
        if (!build_tail (self))
          {
            remove_tail (self);
            return GST_STATE_CHANGE_FAILURE;
          }
        break;
      }
    case GST_STATE_CHANGE_PAUSED_TO_PLAYING:
      {
        GstClock *clock = gst_element_get_clock (element);
        std::lock_guard<std::mutex> lk (session.lock);
        if (session.clock)
          gst_object_unref (session.clock);
        session.clock = clock;
        session.base_time = gst_element_get_base_time (element);
        break;
      }
    case GST_STATE_CHANGE_PLAYING_TO_PAUSED:
      if (priv->running && top_level_is_stopping (self))
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
        remove_tail (self);
      else
        priv->running = true;
      break;
    case GST_STATE_CHANGE_PLAYING_TO_PAUSED:
      {
        std::lock_guard<std::mutex> lk (session.lock);
        if (session.clock)
          gst_object_unref (session.clock);
        session.clock = nullptr;
        break;
      }
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      priv->running = false;
      cancel_deadline (self);
      remove_tail (self);
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
      g_value_take_boxed (value, stats_structure (self, "recorderbin-stats"));
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
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
    }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_recorder_bin_dispose (GObject *object)
{
  GstRecorderBin *self = GST_RECORDER_BIN (object);
  cancel_deadline (self);
  Settings &s = self->priv->settings;
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
  g_clear_error (&priv->first_error);
  {
    std::lock_guard<std::mutex> lk (priv->session->lock);
    if (priv->session->clock)
      gst_object_unref (priv->session->clock);
    priv->session->clock = nullptr;
    priv->session->on_start = nullptr;
    priv->session->on_all_eos = nullptr;
  }
  delete priv;
  G_OBJECT_CLASS (gst_recorder_bin_parent_class)->finalize (object);
}

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

  const GParamFlags rw
      = (GParamFlags)(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  const GParamFlags rw_ready = (GParamFlags)(rw | GST_PARAM_MUTABLE_READY);

  g_object_class_install_property (
      gobject_class, PROP_LOCATION,
      g_param_spec_string ("location", "Location",
                           "File to write; needed unless 'sink' is set", NULL,
                           rw_ready));
  g_object_class_install_property (
      gobject_class, PROP_FORMAT,
      g_param_spec_enum ("format", "Format", "Encoding and container",
                         gst_recorder_bin_format_get_type (), DEFAULT_FORMAT,
                         rw_ready));
  g_object_class_install_property (
      gobject_class, PROP_RATE,
      g_param_spec_int ("rate", "Rate",
                        "Output sample rate in Hz; 0 keeps the first input's "
                        "rate",
                        0, G_MAXINT, DEFAULT_RATE, rw_ready));
  g_object_class_install_property (
      gobject_class, PROP_CHANNEL_MODE,
      g_param_spec_enum ("channel-mode", "Channel mode",
                         "How pads become channels of the recording",
                         gst_recorder_bin_channel_mode_get_type (),
                         DEFAULT_CHANNEL_MODE, rw_ready));
  g_object_class_install_property (
      gobject_class, PROP_ENCODER,
      g_param_spec_object ("encoder", "Encoder",
                           "Encoder replacing the format's (set in NULL or "
                           "READY); the format's muxer is kept if it accepts "
                           "the encoder's output, else none is used",
                           GST_TYPE_ELEMENT, rw_ready));
  g_object_class_install_property (
      gobject_class, PROP_MUXER,
      g_param_spec_object ("muxer", "Muxer",
                           "Muxer replacing the format's (set in NULL or "
                           "READY)",
                           GST_TYPE_ELEMENT, rw_ready));
  g_object_class_install_property (
      gobject_class, PROP_SINK,
      g_param_spec_object ("sink", "Sink",
                           "Sink replacing the file sink (set in NULL or "
                           "READY); 'location' is set on it if it has one",
                           GST_TYPE_ELEMENT, rw_ready));
  g_object_class_install_property (
      gobject_class, PROP_EOS_TIMEOUT,
      g_param_spec_uint64 ("eos-timeout", "EOS timeout",
                           "Longest wait (ns) for the chain to finish after "
                           "input EOS; also how long a full output may make "
                           "no progress before it counts as stalled",
                           0, G_MAXUINT64, DEFAULT_EOS_TIMEOUT, rw_ready));
  g_object_class_install_property (
      gobject_class, PROP_ON_ERROR,
      g_param_spec_enum (
          "on-error", "On error", "What an error inside the chain does",
          gst_recorder_bin_on_error_get_type (), DEFAULT_ON_ERROR, rw_ready));
  g_object_class_install_property (
      gobject_class, PROP_PAUSE_MODE,
      g_param_spec_enum ("pause-mode", "Pause mode",
                         "What pause-recording does to the paused span",
                         gst_recorder_bin_pause_mode_get_type (),
                         DEFAULT_PAUSE_MODE, rw_ready));
  g_object_class_install_property (
      gobject_class, PROP_STATS,
      g_param_spec_boxed (
          "stats", "Statistics",
          "Counters: committed-samples, interrupted-samples, silence-samples, "
          "overlap-samples, late-events, errors (guint64 each; samples are "
          "per channel, summed over pads at their input rates)",
          GST_TYPE_STRUCTURE,
          (GParamFlags)(G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)));

  /**
   * GstRecorderBin::interrupt:
   * Playback of pad-name stopped at running-time (GST_CLOCK_TIME_NONE: now):
   * held audio at or after it is discarded. FALSE if no such pad.
   */
  g_signal_new_class_handler (
      "interrupt", G_TYPE_FROM_CLASS (klass),
      (GSignalFlags)(G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION),
      G_CALLBACK (signal_interrupt), NULL, NULL, NULL, G_TYPE_BOOLEAN, 2,
      G_TYPE_STRING, G_TYPE_UINT64);
  g_signal_new_class_handler (
      "pause", G_TYPE_FROM_CLASS (klass),
      (GSignalFlags)(G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION),
      G_CALLBACK (signal_pause), NULL, NULL, NULL, G_TYPE_BOOLEAN, 2,
      G_TYPE_STRING, G_TYPE_UINT64);
  g_signal_new_class_handler (
      "resume", G_TYPE_FROM_CLASS (klass),
      (GSignalFlags)(G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION),
      G_CALLBACK (signal_resume), NULL, NULL, NULL, G_TYPE_BOOLEAN, 2,
      G_TYPE_STRING, G_TYPE_UINT64);
  g_signal_new_class_handler (
      "pause-recording", G_TYPE_FROM_CLASS (klass),
      (GSignalFlags)(G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION),
      G_CALLBACK (signal_pause_recording), NULL, NULL, NULL, G_TYPE_BOOLEAN, 1,
      G_TYPE_UINT64);
  g_signal_new_class_handler (
      "resume-recording", G_TYPE_FROM_CLASS (klass),
      (GSignalFlags)(G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION),
      G_CALLBACK (signal_resume_recording), NULL, NULL, NULL, G_TYPE_BOOLEAN, 1,
      G_TYPE_UINT64);

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

  gst_type_mark_as_plugin_api (gst_recorder_bin_format_get_type (),
                               (GstPluginAPIFlags)0);
  gst_type_mark_as_plugin_api (gst_recorder_bin_channel_mode_get_type (),
                               (GstPluginAPIFlags)0);
  gst_type_mark_as_plugin_api (gst_recorder_bin_on_error_get_type (),
                               (GstPluginAPIFlags)0);
  gst_type_mark_as_plugin_api (gst_recorder_bin_pause_mode_get_type (),
                               (GstPluginAPIFlags)0);
  gst_type_mark_as_plugin_api (GST_TYPE_RECORDER_BIN_PAD, (GstPluginAPIFlags)0);
  GST_DEBUG_CATEGORY_INIT (gst_recorder_bin_debug, "recorderbin", 0,
                           "recorderbin");
}

static void
gst_recorder_bin_init (GstRecorderBin *self)
{
  self->priv = new GstRecorderBinPrivate ();
  GST_OBJECT_FLAG_SET (self, GST_ELEMENT_FLAG_SINK);
}
