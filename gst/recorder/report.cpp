/* recorderbin — the counters, the per-pad report, marks and the JSON Lines
 * mark log. See report.h.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "report.h"

#include "jsonline.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>

namespace recorder
{

namespace
{
const char *const kCounterNames[] = {
  "committed-samples", "interrupted-samples", "silence-samples",
  "overlap-samples",   "late-events",         "errors",
};

/* The whole-recording pause's silence in `out`, as samples and time. */
void
gate_silence (const Session &session, const InputPad &pad,
              std::uint64_t *samples, Time *time)
{
  *samples = 0;
  *time = 0;
  if (pad.output >= session.outputs.size ())
    return;
  *samples = session.outputs[pad.output]->gate.silence_samples ();
  if (session.output_rate > 0)
    *time = samples_to_time (*samples, session.output_rate);
}

int
channel_of (const Session &session, const InputPad &pad,
            const PadLayout &layout)
{
  if (layout.mix)
    return -1;
  if (layout.separate || pad.output >= session.outputs.size ())
    return 0;
  const std::vector<unsigned> &pads = session.outputs[pad.output]->pads;
  for (std::size_t i = 0; i < pads.size (); i++)
    if (pads[i] == pad.index)
      return (int)i;
  return 0;
}

GstStructure *
pad_report (const Session &session, const InputPad &pad,
            const PadLayout &layout)
{
  const PadStats st = pad.timeline.stats ();
  std::uint64_t gate_samples;
  Time gate_time;
  gate_silence (session, pad, &gate_samples, &gate_time);
  const Time first = pad.timeline.first_audio ();
  const Time offset = first != kTimeNone && session.start != kTimeNone
                          ? first - std::min (first, session.start)
                          : GST_CLOCK_TIME_NONE;
  GstStructure *s = gst_structure_new ("recorderbin-pad", "pad", G_TYPE_STRING,
                                       pad.name.c_str (), "channel", G_TYPE_INT,
                                       channel_of (session, pad, layout), NULL);
  if (layout.separate && pad.output < layout.locations.size ())
    gst_structure_set (s, "location", G_TYPE_STRING,
                       layout.locations[pad.output].c_str (), NULL);
  gst_structure_set (
      s, "first-audio", G_TYPE_UINT64,
      first == kTimeNone ? GST_CLOCK_TIME_NONE : first, "start-offset",
      G_TYPE_UINT64, offset, "committed-time", G_TYPE_UINT64, st.committed_time,
      "interrupted-time", G_TYPE_UINT64, st.interrupted_time, "silence-time",
      G_TYPE_UINT64, st.silence_time + gate_time, "overlap-time", G_TYPE_UINT64,
      st.overlap_time, "late-events", G_TYPE_UINT64, st.late_events, "marks",
      G_TYPE_UINT64, pad.marks_posted, NULL);
  return s;
}

void
copy_uint64 (JsonLine &line, const GstStructure *s, const char *name)
{
  guint64 v;
  if (gst_structure_get_uint64 (s, name, &v))
    line.add_uint (name, v);
}
} // namespace

void
set_counters (GstStructure *s, const Session &session, const PadLayout &layout,
              std::uint64_t errors)
{
  PadStats t;
  GValue pads = G_VALUE_INIT;
  g_value_init (&pads, GST_TYPE_ARRAY);
  for (const auto &[index, pad] : session.pads)
    {
      const PadStats st = pad->timeline.stats ();
      std::uint64_t gate_samples;
      Time gate_time;
      gate_silence (session, *pad, &gate_samples, &gate_time);
      t.committed_samples += st.committed_samples;
      t.interrupted_samples += st.interrupted_samples;
      /* The whole-recording pause silences every pad: per pad, as the
       * per-pad report counts it. */
      t.silence_samples += st.silence_samples + gate_samples;
      t.overlap_samples += st.overlap_samples;
      t.late_events += st.late_events;
      GValue v = G_VALUE_INIT;
      g_value_init (&v, GST_TYPE_STRUCTURE);
      g_value_take_boxed (&v, pad_report (session, *pad, layout));
      gst_value_array_append_and_take_value (&pads, &v);
    }
  if (!session.outputs.empty ())
    t.late_events += session.outputs.front ()->gate.late_events ();
  gst_structure_set (s, kCounterNames[0], G_TYPE_UINT64, t.committed_samples,
                     kCounterNames[1], G_TYPE_UINT64, t.interrupted_samples,
                     kCounterNames[2], G_TYPE_UINT64, t.silence_samples,
                     kCounterNames[3], G_TYPE_UINT64, t.overlap_samples,
                     kCounterNames[4], G_TYPE_UINT64, t.late_events,
                     kCounterNames[5], G_TYPE_UINT64, errors, NULL);
  gst_structure_take_value (s, "pads", &pads);
}

GstStructure *
mark_structure (const Session &session, const Mark &mark, std::uint64_t sample)
{
  GstStructure *s
      = gst_structure_new ("recorderbin-mark", "kind", G_TYPE_STRING,
                           control_kind_name (mark.kind), NULL);
  if (mark.pad >= 0)
    {
      auto it = session.pads.find ((unsigned)mark.pad);
      if (it != session.pads.end ())
        gst_structure_set (s, "pad", G_TYPE_STRING, it->second->name.c_str (),
                           NULL);
    }
  gst_structure_set (s, "running-time", G_TYPE_UINT64, mark.running_time,
                     "sample", G_TYPE_UINT64, sample, "late", G_TYPE_BOOLEAN,
                     mark.late, NULL);
  return s;
}

/* ---- MarkLog ----------------------------------------------------------------
 */

MarkLog::~MarkLog () { close (); }

bool
MarkLog::open (const std::string &path, std::string *why)
{
  if (!json_available (why))
    return false;
  std::lock_guard<std::mutex> lk (lock_);
  if (file_)
    fclose (file_);
  file_ = fopen (path.c_str (), "w");
  if (!file_)
    {
      *why = strerror (errno);
      return false;
    }
  return true;
}

void
MarkLog::close ()
{
  std::lock_guard<std::mutex> lk (lock_);
  if (file_)
    fclose (file_);
  file_ = nullptr;
}

bool
MarkLog::is_open () const
{
  std::lock_guard<std::mutex> lk (lock_);
  return file_ != nullptr;
}

void
MarkLog::write_line (const std::string &line)
{
  std::lock_guard<std::mutex> lk (lock_);
  if (!file_)
    return;
  /* One write of the whole line, then to the OS: a crash keeps every line
   * but the one being written. */
  const std::string whole = line + "\n";
  fwrite (whole.data (), 1, whole.size (), file_);
  fflush (file_);
}

void
MarkLog::write_mark (const GstStructure *mark, int rate)
{
  if (!is_open ())
    return;
  JsonLine line;
  line.add_string ("kind", gst_structure_get_string (mark, "kind"));
  if (const char *pad = gst_structure_get_string (mark, "pad"))
    line.add_string ("pad", pad);
  copy_uint64 (line, mark, "running-time");
  guint64 sample = 0;
  gst_structure_get_uint64 (mark, "sample", &sample);
  line.add_uint ("sample", sample);
  line.add_double ("seconds", rate > 0 ? (double)sample / rate : 0.0);
  gboolean late = FALSE;
  gst_structure_get_boolean (mark, "late", &late);
  line.add_bool ("late", late);
  write_line (line.finish ());
}

void
MarkLog::write_done (const GstStructure *done)
{
  if (!is_open ())
    return;
  JsonLine line;
  line.add_string ("kind", "done");
  if (const char *status = gst_structure_get_string (done, "status"))
    line.add_string ("status", status);
  const GValue *error = gst_structure_get_value (done, "error");
  if (error && G_VALUE_HOLDS (error, G_TYPE_ERROR) && g_value_get_boxed (error))
    line.add_string (
        "error",
        static_cast<const GError *> (g_value_get_boxed (error))->message);
  copy_uint64 (line, done, "duration");
  copy_uint64 (line, done, "samples");
  for (const char *name : kCounterNames)
    copy_uint64 (line, done, name);
  write_line (line.finish ());
}

} // namespace recorder
