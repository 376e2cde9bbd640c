/* recorderbin — control: what the custom events and action signals ask for
 * (DESIGN section 4), parsed in one place for the bin and its pads.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

#include "timeline.h"

namespace recorder
{

enum class ControlKind
{
  kInterrupt,
  kPause,
  kResume,
  kPauseRecording,
  kResumeRecording,
};

/* Names as in DESIGN: "interrupt", ..., "pause-recording". */
const char *control_kind_name (ControlKind kind);
/* The pad kinds act on one pad; the others on the whole recording. */
bool control_is_pad_kind (ControlKind kind);

struct Control
{
  ControlKind kind = ControlKind::kInterrupt;
  Time running_time = kTimeNone; /* kTimeNone: "now" */
};

enum class ControlParse
{
  kNotOurs,   /* not a recorderbin-* structure */
  kOk,        /* *control is filled in */
  kUnknown,   /* recorderbin-* but no such event */
  kMalformed, /* ours, with a running-time that is not a guint64 */
};

/* Parses the structure of a custom event. */
ControlParse control_parse (const GstStructure *s, Control *control);

/* A signal's running-time argument: GST_CLOCK_TIME_NONE means "now". */
inline Time
control_time_from_signal (guint64 t)
{
  return t == GST_CLOCK_TIME_NONE ? kTimeNone : t;
}

} // namespace recorder
