/* recorderbin — the clip element at the head of each pad's branch: feeds the
 * pad's timeline and pushes what it commits, from a streaming task of its own.
 * Internal to recorderbin; not registered as a plugin feature.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

#include <memory>

#include "session.h"

G_BEGIN_DECLS

#define GST_TYPE_RECORDER_CLIP (gst_recorder_clip_get_type ())
G_DECLARE_FINAL_TYPE (GstRecorderClip, gst_recorder_clip, GST, RECORDER_CLIP,
                      GstElement)

G_END_DECLS

enum class ClipAction
{
  kInterrupt,
  kPause,
  kResume,
};

/* A clip element for the session's pad `index`. */
GstElement *gst_recorder_clip_new (std::shared_ptr<recorder::Session> session,
                                   unsigned index, const gchar *name);

/* Applies an interrupt, pause or resume at running time `t` (kTimeNone:
 * now), posting a WARNING if it is late or ignored. Thread-safe. */
gboolean gst_recorder_clip_control (GstRecorderClip *self, ClipAction action,
                                    recorder::Time t);

/* Applies pause-recording (pause) or resume-recording at running time `t`
 * (kTimeNone: now) to the session's recording gate; `poster` posts the
 * WARNING if it is late or ignored. Thread-safe. */
void gst_recorder_apply_recording_event (GstElement *poster,
                                         recorder::Session &session, bool pause,
                                         recorder::Time t);

/* Parses a recorderbin-* event structure: returns FALSE if it is not one of
 * ours; sets *malformed if it is but its fields are wrong. */
gboolean gst_recorder_parse_control (const GstStructure *s, const gchar **name,
                                     recorder::Time *t, gboolean *malformed);
