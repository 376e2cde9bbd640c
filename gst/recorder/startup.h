/* recorderbin — starting a recording (READY->PAUSED): the settings it
 * starts from, checking them against what the format can take, and one
 * output per file: its chain, the mux's source pad for it, its part of the
 * session. The bin calls in here and keeps what it returns.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

#include <string>
#include <vector>

#include "chain.h"
#include "finisher.h"
#include "gstrecorderbin.h"
#include "gstrecordermux.h"
#include "report.h"
#include "session.h"

namespace recorder
{

#define DEFAULT_FORMAT GST_RECORDER_BIN_FORMAT_OGG_OPUS
#define DEFAULT_RATE 48000
#define DEFAULT_CHANNEL_MODE GST_RECORDER_BIN_CHANNEL_MODE_PER_PAD
#define DEFAULT_EOS_TIMEOUT (5 * GST_SECOND)
#define DEFAULT_ON_ERROR GST_RECORDER_BIN_ON_ERROR_CONTAIN
#define DEFAULT_PAUSE_MODE GST_RECORDER_BIN_PAUSE_MODE_SILENCE

/* The bin's property values; guarded by the bin's object lock. */
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
  gchar *marks_location = nullptr;
};

/* A copy of the settings for one start, owning its references. */
struct StartSettings : Settings
{
  explicit StartSettings (const Settings &s) : Settings (s)
  {
    location = g_strdup (s.location);
    marks_location = g_strdup (s.marks_location);
    for (GstElement **e : { &encoder, &muxer, &sink })
      if (*e)
        gst_object_ref (*e);
  }
  ~StartSettings ()
  {
    g_free (location);
    g_free (marks_location);
    for (GstElement *e : { encoder, muxer, sink })
      if (e)
        gst_object_unref (e);
  }
  StartSettings (const StartSettings &) = delete;
  StartSettings &operator= (const StartSettings &) = delete;
};

/* What a started recording is made of. */
struct Recording
{
  std::vector<Chain> chains; /* one per file, in output order */
  std::vector<std::string> locations;
  std::string location_pattern; /* the location property as set */
  PadLayout layout;
};

/* The parts of the bin a start works with. */
struct StartContext
{
  GstElement *bin;
  GstRecorderMux *mux;
  Session &session;
  Finisher &finisher;
};

/* Checks `s`, resets the session and the finisher, and builds one output
 * per file for the pads `pads` (ascending). On failure posts one ERROR from
 * the bin naming the cause, leaves nothing built and returns false. */
bool start_recording (const StartContext &ctx, const StartSettings &s,
                      const std::vector<unsigned> &pads, Recording *out);
/* Removes every output and chain of a recording. */
void stop_recording (const StartContext &ctx, std::vector<Chain> &chains);

} // namespace recorder
