/* recorderbin — GstRecorderBinPad: the bin's sink pads. The holdback lives
 * in the pad's timeline, under Session::lock.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gstrecorderbinpad.h"

using namespace recorder;

struct _GstRecorderBinPad
{
  GstGhostPad parent;
  /* [fixed] set before the pad is visible. */
  std::shared_ptr<Session> *session;
  unsigned index;
};

G_DEFINE_TYPE (GstRecorderBinPad, gst_recorder_bin_pad, GST_TYPE_GHOST_PAD);

enum
{
  PROP_0,
  PROP_HOLDBACK,
};

static void
gst_recorder_bin_pad_set_property (GObject *object, guint prop_id,
                                   const GValue *value, GParamSpec *pspec)
{
  GstRecorderBinPad *pad = GST_RECORDER_BIN_PAD (object);
  if (prop_id != PROP_HOLDBACK)
    {
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }
  if (!pad->session)
    return;
  Session &session = **pad->session;
  std::lock_guard<std::mutex> lk (session.lock);
  auto it = session.pads.find (pad->index);
  if (it != session.pads.end ()) /* not released */
    it->second->timeline.set_holdback (g_value_get_uint64 (value));
}

static void
gst_recorder_bin_pad_get_property (GObject *object, guint prop_id,
                                   GValue *value, GParamSpec *pspec)
{
  GstRecorderBinPad *pad = GST_RECORDER_BIN_PAD (object);
  if (prop_id != PROP_HOLDBACK)
    {
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }
  guint64 holdback = 0;
  if (pad->session)
    {
      Session &session = **pad->session;
      std::lock_guard<std::mutex> lk (session.lock);
      auto it = session.pads.find (pad->index);
      if (it != session.pads.end ())
        holdback = it->second->timeline.holdback ();
    }
  g_value_set_uint64 (value, holdback);
}

static void
gst_recorder_bin_pad_finalize (GObject *object)
{
  delete GST_RECORDER_BIN_PAD (object)->session;
  G_OBJECT_CLASS (gst_recorder_bin_pad_parent_class)->finalize (object);
}

static void
gst_recorder_bin_pad_class_init (GstRecorderBinPadClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  gobject_class->set_property = gst_recorder_bin_pad_set_property;
  gobject_class->get_property = gst_recorder_bin_pad_get_property;
  gobject_class->finalize = gst_recorder_bin_pad_finalize;
  g_object_class_install_property (
      gobject_class, PROP_HOLDBACK,
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

GstPad *
gst_recorder_bin_pad_new (GstPadTemplate *templ, const char *name,
                          std::shared_ptr<Session> session, unsigned index)
{
  auto *pad = GST_RECORDER_BIN_PAD (
      g_object_new (GST_TYPE_RECORDER_BIN_PAD, "name", name, "direction",
                    GST_PAD_SINK, "template", templ, NULL));
  pad->session = new std::shared_ptr<Session> (std::move (session));
  pad->index = index;
  return GST_PAD (pad);
}

unsigned
gst_recorder_bin_pad_index (GstPad *pad)
{
  return GST_RECORDER_BIN_PAD (pad)->index;
}
