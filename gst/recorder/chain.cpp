/* recorderbin — the format table and each file's chain. See chain.h.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "chain.h"

#include <algorithm>

#include "gstrecorderbin.h"

GST_DEBUG_CATEGORY_EXTERN (gst_recorder_bin_debug);
#define GST_CAT_DEFAULT gst_recorder_bin_debug

namespace recorder
{

namespace
{
const std::vector<FormatSpec> kFormats = {
  { GST_RECORDER_BIN_FORMAT_OGG_OPUS,
    "ogg-opus",
    "opusenc",
    "oggmux",
    "gstreamer1.0-plugins-base",
    GST_AUDIO_FORMAT_S16LE,
    8,
    { 8000, 12000, 16000, 24000, 48000 },
    EmptyFile::kClippedFrame },
  { GST_RECORDER_BIN_FORMAT_OGG_VORBIS,
    "ogg-vorbis",
    "vorbisenc",
    "oggmux",
    "gstreamer1.0-plugins-base",
    GST_AUDIO_FORMAT_F32LE,
    kConverterMaxChannels,
    {},
    EmptyFile::kZeroLengthBuffer },
  { GST_RECORDER_BIN_FORMAT_FLAC,
    "flac",
    "flacenc",
    nullptr,
    "gstreamer1.0-plugins-good",
    GST_AUDIO_FORMAT_S16LE,
    8,
    {},
    EmptyFile::kHeadersOnly },
  { GST_RECORDER_BIN_FORMAT_WAV,
    "wav",
    "wavenc",
    nullptr,
    "gstreamer1.0-plugins-good",
    GST_AUDIO_FORMAT_S16LE,
    kConverterMaxChannels,
    {},
    EmptyFile::kZeroLengthBuffer },
};

/* Ogg pages at least this often, so a killed process loses little. */
constexpr guint64 kMaxPageDelay = 500 * GST_MSECOND;

GstElement *
make_stage (GstElement *bin, const char *factory, const std::string &name,
            const char *package)
{
  GstElement *e = gst_element_factory_make (factory, name.c_str ());
  if (!e)
    {
      GST_ELEMENT_ERROR (
          bin, CORE, MISSING_PLUGIN,
          ("The '%s' element is missing: install %s", factory, package),
          (NULL));
      return nullptr;
    }
  return GST_ELEMENT (gst_object_ref_sink (e));
}

GstElement *
user_stage (GstElement *user, bool copy, const std::string &name)
{
  if (copy)
    return GST_ELEMENT (
        gst_object_ref_sink (copy_element (user, name.c_str ())));
  return GST_ELEMENT (gst_object_ref (user));
}

GstElement *
create_encoder (GstElement *bin, const ChainRequest &r)
{
  const std::string name = "encoder" + r.suffix;
  if (r.encoder)
    return user_stage (r.encoder, r.copy_user_stages, name);
  return make_stage (bin, r.spec->encoder, name, r.spec->package);
}

/* The format's muxer, unless a replaced encoder's output does not fit it. */
GstElement *
create_muxer (GstElement *bin, const ChainRequest &r, GstElement *encoder,
              bool *ok)
{
  *ok = true;
  const std::string name = "muxer" + r.suffix;
  if (r.muxer)
    return user_stage (r.muxer, r.copy_user_stages, name);
  if (!r.spec->muxer)
    return nullptr;
  GstElement *muxer
      = make_stage (bin, r.spec->muxer, name, "gstreamer1.0-plugins-base");
  if (!muxer)
    {
      *ok = false;
      return nullptr;
    }
  if (r.encoder)
    {
      GstPad *src = gst_element_get_static_pad (encoder, "src");
      GstCaps *enc_caps = src ? gst_pad_query_caps (src, NULL) : NULL;
      GstPadTemplate *mt = gst_element_class_get_pad_template (
          GST_ELEMENT_GET_CLASS (muxer), "audio_%u");
      const bool fits = !enc_caps || !mt
                        || gst_caps_can_intersect (
                            enc_caps, gst_pad_template_get_caps (mt));
      if (enc_caps)
        gst_caps_unref (enc_caps);
      if (src)
        gst_object_unref (src);
      if (!fits)
        {
          GST_INFO_OBJECT (bin, "encoder output does not fit %s: no muxer",
                           r.spec->muxer);
          gst_object_unref (muxer);
          return nullptr;
        }
    }
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (muxer),
                                    "max-page-delay"))
    g_object_set (muxer, "max-page-delay", kMaxPageDelay, "max-delay",
                  kMaxPageDelay, NULL);
  return muxer;
}

GstElement *
create_sink (GstElement *bin, const ChainRequest &r, bool *user)
{
  *user = r.sink != nullptr;
  if (r.sink)
    {
      GstElement *sink = GST_ELEMENT (gst_object_ref (r.sink));
      if (!r.location.empty ()
          && g_object_class_find_property (G_OBJECT_GET_CLASS (sink),
                                           "location"))
        g_object_set (sink, "location", r.location.c_str (), NULL);
      return sink;
    }
  GstElement *sink = make_stage (bin, "filesink", "sink" + r.suffix,
                                 "gstreamer1.0-plugins-base");
  if (sink)
    /* Unbuffered: each block and page reaches the file as it is made, so a
     * killed process leaves a file readable up to its last page. */
    g_object_set (sink, "location", r.location.c_str (), "buffer-mode", 2,
                  "async", FALSE, NULL);
  return sink;
}

bool
link_stages (GstElement *bin, GstElement *a, GstElement *b, const char *what_a,
             const char *what_b)
{
  if (gst_element_link (a, b))
    return true;
  GST_ELEMENT_ERROR (bin, CORE, NEGOTIATION,
                     ("Cannot link the %s (%s) to the %s (%s): they have no "
                      "compatible formats",
                      what_a, GST_OBJECT_NAME (a), what_b, GST_OBJECT_NAME (b)),
                     (NULL));
  return false;
}

void
drop (GstElement *&e)
{
  if (e)
    gst_object_unref (e);
  e = nullptr;
}
} // namespace

const FormatSpec *
format_spec (int format)
{
  for (const FormatSpec &spec : kFormats)
    if (spec.id == format)
      return &spec;
  return nullptr;
}

std::string
rates_text (const std::vector<int> &rates)
{
  std::string s;
  for (std::size_t i = 0; i < rates.size (); i++)
    {
      if (i > 0)
        s += i + 1 == rates.size () ? " or " : ", ";
      s += std::to_string (rates[i]);
    }
  return s;
}

bool
rate_allowed (const FormatSpec &spec, int rate)
{
  return spec.rates.empty ()
         || std::find (spec.rates.begin (), spec.rates.end (), rate)
                != spec.rates.end ();
}

bool
Chain::contains (GstObject *object) const
{
  for (GstElement *e : { encoder, muxer, sink })
    if (e && object
        && (object == GST_OBJECT (e)
            || gst_object_has_as_ancestor (object, GST_OBJECT (e))))
      return true;
  return false;
}

GstPad *
Chain::sink_pad () const
{
  return encoder ? gst_element_get_static_pad (encoder, "sink") : nullptr;
}

bool
build_chain (GstElement *bin, const ChainRequest &r, Chain &chain)
{
  chain = Chain{};
  chain.encoder = create_encoder (bin, r);
  bool ok = chain.encoder != nullptr;
  if (ok)
    chain.muxer = create_muxer (bin, r, chain.encoder, &ok);
  if (ok)
    {
      chain.sink = create_sink (bin, r, &chain.user_sink);
      ok = chain.sink != nullptr;
    }
  if (!ok)
    {
      drop (chain.encoder);
      drop (chain.muxer);
      drop (chain.sink);
      return false;
    }

  for (GstElement *e : { chain.encoder, chain.muxer, chain.sink })
    if (e)
      gst_bin_add (GST_BIN (bin), e);
  if (chain.muxer)
    ok = link_stages (bin, chain.encoder, chain.muxer, "encoder", "muxer")
         && link_stages (bin, chain.muxer, chain.sink, "muxer", "sink");
  else
    ok = link_stages (bin, chain.encoder, chain.sink, "encoder", "sink");
  if (!ok)
    remove_chain (bin, chain);
  return ok;
}

void
remove_chain (GstElement *bin, Chain &chain)
{
  for (GstElement *e : { chain.sink, chain.muxer, chain.encoder })
    {
      if (!e)
        continue;
      gst_element_set_locked_state (e, TRUE);
      gst_element_set_state (e, GST_STATE_NULL);
      if (GST_OBJECT_PARENT (e) == GST_OBJECT (bin))
        gst_bin_remove (GST_BIN (bin), e);
      gst_element_set_locked_state (e, FALSE);
    }
  drop (chain.encoder);
  drop (chain.muxer);
  drop (chain.sink);
}

GstElement *
copy_element (GstElement *element, const char *name)
{
  GstElementFactory *factory = gst_element_get_factory (element);
  GstElement *copy = gst_element_factory_create (factory, name);
  if (!copy)
    return nullptr;
  guint n = 0;
  GParamSpec **specs
      = g_object_class_list_properties (G_OBJECT_GET_CLASS (element), &n);
  for (guint i = 0; i < n; i++)
    {
      GParamSpec *p = specs[i];
      const GParamFlags rw = (GParamFlags)(G_PARAM_READABLE | G_PARAM_WRITABLE);
      if ((p->flags & rw) != rw || (p->flags & G_PARAM_CONSTRUCT_ONLY)
          || g_str_equal (p->name, "name") || g_str_equal (p->name, "parent"))
        continue;
      GValue v = G_VALUE_INIT;
      g_value_init (&v, p->value_type);
      g_object_get_property (G_OBJECT (element), p->name, &v);
      if (!g_param_value_defaults (p, &v))
        g_object_set_property (G_OBJECT (copy), p->name, &v);
      g_value_unset (&v);
    }
  g_free (specs);
  return copy;
}

bool
encoder_takes_rate (GstElement *encoder, int rate, std::vector<int> *rates)
{
  rates->clear ();
  GstPad *pad = gst_element_get_static_pad (encoder, "sink");
  if (!pad)
    return true;
  GstCaps *caps = gst_pad_query_caps (pad, NULL);
  gst_object_unref (pad);
  GstCaps *want
      = gst_caps_new_simple ("audio/x-raw", "rate", G_TYPE_INT, rate, NULL);
  const bool ok = gst_caps_can_intersect (caps, want);
  gst_caps_unref (want);
  if (!ok)
    for (guint i = 0; i < gst_caps_get_size (caps); i++)
      {
        const GValue *v = gst_structure_get_value (
            gst_caps_get_structure (caps, i), "rate");
        if (v && G_VALUE_HOLDS_INT (v))
          rates->push_back (g_value_get_int (v));
        else if (v && GST_VALUE_HOLDS_LIST (v))
          for (guint j = 0; j < gst_value_list_get_size (v); j++)
            {
              const GValue *r = gst_value_list_get_value (v, j);
              if (G_VALUE_HOLDS_INT (r))
                rates->push_back (g_value_get_int (r));
            }
      }
  std::sort (rates->begin (), rates->end ());
  rates->erase (std::unique (rates->begin (), rates->end ()), rates->end ());
  gst_caps_unref (caps);
  return ok;
}

GstAudioInfo
output_info (GstAudioFormat format, int rate, int channels, guint64 mask)
{
  GstAudioInfo info;
  GstAudioChannelPosition pos[64];
  bool positioned = true;
  if (channels == 1)
    pos[0] = GST_AUDIO_CHANNEL_POSITION_MONO;
  else if (channels == 2)
    {
      pos[0] = GST_AUDIO_CHANNEL_POSITION_FRONT_LEFT;
      pos[1] = GST_AUDIO_CHANNEL_POSITION_FRONT_RIGHT;
    }
  else
    positioned = mask != 0 && channels <= 64
                 && gst_audio_channel_positions_from_mask (channels, mask, pos);
  gst_audio_info_set_format (&info, format, rate, channels,
                             positioned ? pos : NULL);
  return info;
}

namespace
{
struct EmptyProbe
{
  EmptyFile how;
  bool kept_frame = false;
};

/* Only the encoder's headers reach the file (kHeadersOnly), or its headers
 * and its first frame, clipped to no samples (kClippedFrame, Opus: the
 * clipping is in 48 kHz samples). */
GstPadProbeReturn
empty_file_probe (GstPad *, GstPadProbeInfo *info, gpointer user_data)
{
  auto *p = static_cast<EmptyProbe *> (user_data);
  if (GST_PAD_PROBE_INFO_TYPE (info) & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM)
    {
      GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);
      const GstSegment *segment;
      if (GST_EVENT_TYPE (event) != GST_EVENT_SEGMENT)
        return GST_PAD_PROBE_OK;
      gst_event_parse_segment (event, &segment);
      /* A BYTES segment rewrites a header with the encoded frame counted. */
      return segment->format == GST_FORMAT_BYTES ? GST_PAD_PROBE_DROP
                                                 : GST_PAD_PROBE_OK;
    }
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  if (GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_HEADER))
    return GST_PAD_PROBE_OK;
  if (p->how != EmptyFile::kClippedFrame || p->kept_frame)
    return GST_PAD_PROBE_DROP;
  p->kept_frame = true;
  buf = gst_buffer_make_writable (buf);
  guint64 start = 0;
  if (GstAudioClippingMeta *m = gst_buffer_get_audio_clipping_meta (buf))
    {
      start = m->start;
      gst_buffer_remove_meta (buf, (GstMeta *)m);
    }
  const guint64 rest = GST_BUFFER_DURATION_IS_VALID (buf)
                           ? gst_util_uint64_scale_round (
                               GST_BUFFER_DURATION (buf), 48000, GST_SECOND)
                           : 0;
  gst_buffer_add_audio_clipping_meta (buf, GST_FORMAT_DEFAULT, start, rest);
  GST_PAD_PROBE_INFO_DATA (info) = buf;
  return GST_PAD_PROBE_OK;
}

void
free_empty_probe (gpointer p)
{
  delete static_cast<EmptyProbe *> (p);
}
} // namespace

GstBuffer *
prepare_empty_file (EmptyFile how, GstElement *encoder,
                    const GstAudioInfo &info)
{
  if (how == EmptyFile::kZeroLengthBuffer || !encoder)
    {
      GstBuffer *buf = gst_buffer_new ();
      GST_BUFFER_PTS (buf) = 0;
      GST_BUFFER_DURATION (buf) = 0;
      return buf;
    }
  GstPad *src = gst_element_get_static_pad (encoder, "src");
  if (src)
    {
      gst_pad_add_probe (
          src,
          (GstPadProbeType)(GST_PAD_PROBE_TYPE_BUFFER
                            | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM),
          empty_file_probe, new EmptyProbe{ how }, free_empty_probe);
      gst_object_unref (src);
    }
  /* One frame of silence: 20 ms, and for a block encoder (FLAC) more than
   * its largest block, so that it writes its headers before EOS. */
  guint64 frames = gst_util_uint64_scale_round (
      20 * GST_MSECOND, GST_AUDIO_INFO_RATE (&info), GST_SECOND);
  if (how == EmptyFile::kHeadersOnly)
    frames = std::max<guint64> (frames, 2 * 4608);
  const gsize bytes = frames * GST_AUDIO_INFO_BPF (&info);
  GstBuffer *buf = gst_buffer_new_allocate (NULL, bytes, NULL);
  GstMapInfo map;
  gst_buffer_map (buf, &map, GST_MAP_WRITE);
  gst_audio_format_info_fill_silence (info.finfo, map.data, bytes);
  gst_buffer_unmap (buf, &map);
  GST_BUFFER_PTS (buf) = 0;
  GST_BUFFER_DURATION (buf) = gst_util_uint64_scale_int (
      frames, GST_SECOND, GST_AUDIO_INFO_RATE (&info));
  return buf;
}

} // namespace recorder
