/* recorderbin — parsing the control events. See control.h.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "control.h"

#include <cstring>

namespace recorder
{

namespace
{
struct KindName
{
  ControlKind kind;
  const char *name;
};

constexpr KindName kKinds[] = {
  { ControlKind::kInterrupt, "interrupt" },
  { ControlKind::kPause, "pause" },
  { ControlKind::kResume, "resume" },
  { ControlKind::kPauseRecording, "pause-recording" },
  { ControlKind::kResumeRecording, "resume-recording" },
};

constexpr char kPrefix[] = "recorderbin-";
} // namespace

const char *
control_kind_name (ControlKind kind)
{
  for (const KindName &k : kKinds)
    if (k.kind == kind)
      return k.name;
  return "?";
}

bool
control_is_pad_kind (ControlKind kind)
{
  return kind == ControlKind::kInterrupt || kind == ControlKind::kPause
         || kind == ControlKind::kResume;
}

ControlParse
control_parse (const GstStructure *s, Control *control)
{
  if (!s)
    return ControlParse::kNotOurs;
  const char *name = gst_structure_get_name (s);
  if (!g_str_has_prefix (name, kPrefix))
    return ControlParse::kNotOurs;
  const char *suffix = name + strlen (kPrefix);
  bool found = false;
  for (const KindName &k : kKinds)
    if (g_str_equal (suffix, k.name))
      {
        control->kind = k.kind;
        found = true;
      }
  if (!found)
    return ControlParse::kUnknown;

  control->running_time = kTimeNone;
  if (!gst_structure_has_field (s, "running-time"))
    return ControlParse::kOk;
  const GValue *v = gst_structure_get_value (s, "running-time");
  if (G_VALUE_HOLDS_UINT64 (v))
    control->running_time = control_time_from_signal (g_value_get_uint64 (v));
  else if (G_VALUE_HOLDS_INT64 (v) && g_value_get_int64 (v) >= 0)
    control->running_time = (Time)g_value_get_int64 (v);
  else
    return ControlParse::kMalformed;
  return ControlParse::kOk;
}

} // namespace recorder
