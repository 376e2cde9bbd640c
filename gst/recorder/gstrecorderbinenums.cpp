/* recorderbin — the enum types of the bin's properties (gstrecorderbin.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gstrecorderbin.h"

namespace
{
GType
register_enum (GType *type, const char *name, const GEnumValue *values)
{
  if (g_once_init_enter (type))
    g_once_init_leave (type, g_enum_register_static (name, values));
  return *type;
}
} // namespace

GType
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
  return register_enum (&type, "GstRecorderBinFormat", values);
}

GType
gst_recorder_bin_channel_mode_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    { GST_RECORDER_BIN_CHANNEL_MODE_PER_PAD,
      "One channel per pad (sink_0 first); one pad keeps its channels",
      "per-pad" },
    { GST_RECORDER_BIN_CHANNEL_MODE_MIX, "All pads mixed into one mono channel",
      "mix" },
    { GST_RECORDER_BIN_CHANNEL_MODE_SEPARATE,
      "One file per pad, keeping its channels; location holds %u", "separate" },
    { 0, NULL, NULL },
  };
  return register_enum (&type, "GstRecorderBinChannelMode", values);
}

GType
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
  return register_enum (&type, "GstRecorderBinOnError", values);
}

GType
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
  return register_enum (&type, "GstRecorderBinPauseMode", values);
}
