/* recorderbin — a bin with request audio sink pads that records what was
 * heard into one file through an encode/mux/sink chain that always finishes.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

typedef enum
{
  GST_RECORDER_BIN_FORMAT_OGG_OPUS,
  GST_RECORDER_BIN_FORMAT_OGG_VORBIS,
  GST_RECORDER_BIN_FORMAT_FLAC,
  GST_RECORDER_BIN_FORMAT_WAV,
} GstRecorderBinFormat;

typedef enum
{
  GST_RECORDER_BIN_CHANNEL_MODE_PER_PAD,
  GST_RECORDER_BIN_CHANNEL_MODE_MIX,
  GST_RECORDER_BIN_CHANNEL_MODE_SEPARATE,
} GstRecorderBinChannelMode;

typedef enum
{
  GST_RECORDER_BIN_ON_ERROR_CONTAIN,
  GST_RECORDER_BIN_ON_ERROR_PROPAGATE,
} GstRecorderBinOnError;

typedef enum
{
  GST_RECORDER_BIN_PAUSE_MODE_SILENCE,
  GST_RECORDER_BIN_PAUSE_MODE_COLLAPSE,
} GstRecorderBinPauseMode;

GType gst_recorder_bin_format_get_type (void);
GType gst_recorder_bin_channel_mode_get_type (void);
GType gst_recorder_bin_on_error_get_type (void);
GType gst_recorder_bin_pause_mode_get_type (void);
#define GST_TYPE_RECORDER_BIN_FORMAT (gst_recorder_bin_format_get_type ())
#define GST_TYPE_RECORDER_BIN_CHANNEL_MODE                                     \
  (gst_recorder_bin_channel_mode_get_type ())
#define GST_TYPE_RECORDER_BIN_ON_ERROR (gst_recorder_bin_on_error_get_type ())
#define GST_TYPE_RECORDER_BIN_PAUSE_MODE                                       \
  (gst_recorder_bin_pause_mode_get_type ())

#define GST_TYPE_RECORDER_BIN (gst_recorder_bin_get_type ())
G_DECLARE_FINAL_TYPE (GstRecorderBin, gst_recorder_bin, GST, RECORDER_BIN,
                      GstBin)

#define GST_TYPE_RECORDER_BIN_PAD (gst_recorder_bin_pad_get_type ())
G_DECLARE_FINAL_TYPE (GstRecorderBinPad, gst_recorder_bin_pad, GST,
                      RECORDER_BIN_PAD, GstGhostPad)

GST_ELEMENT_REGISTER_DECLARE (recorderbin);

G_END_DECLS
