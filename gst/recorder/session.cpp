/* recorderbin — shared state of one recording: start decision, commit
 * horizon and the outboxes the clip elements push from.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "session.h"

#include <algorithm>

namespace recorder
{

namespace
{
/* The later of two times, where kTimeNone means "no time yet". */
Time
later_of (Time a, Time b)
{
  if (a == kTimeNone)
    return b;
  if (b == kTimeNone)
    return a;
  return std::max (a, b);
}

Time
minus (Time t, Time d)
{
  if (t == kTimeNone)
    return kTimeNone;
  return t > d ? t - d : 0;
}
} // namespace

Format::Format (const GstAudioInfo &i) : info (i)
{
  caps = gst_audio_info_to_caps (&info);
}

Format::~Format ()
{
  if (caps)
    gst_caps_unref (caps);
}

Session::Session () = default;

Session::Pad *
Session::find (const std::string &name)
{
  for (auto &[index, pad] : pads)
    if (pad->name == name)
      return pad.get ();
  return nullptr;
}

Time
Session::clock_now () const
{
  if (!live || !clock)
    return kTimeNone;
  const GstClockTime now = gst_clock_get_time (clock);
  if (!GST_CLOCK_TIME_IS_VALID (now))
    return kTimeNone;
  return now > base_time ? now - base_time : 0;
}

Time
Session::now_for (const Pad &pad) const
{
  const Time now = clock_now ();
  if (now != kTimeNone)
    return now;
  if (pad.timeline.started ())
    return pad.timeline.committed_end ();
  return later_of (pad.timeline.newest_end (), pad.gap_end) == kTimeNone
             ? 0
             : later_of (pad.timeline.newest_end (), pad.gap_end);
}

bool
Session::all_input_eos () const
{
  if (pads.empty ())
    return false;
  for (const auto &[index, pad] : pads)
    if (!pad->eos)
      return false;
  return true;
}

Time
Session::reach () const
{
  Time r = kTimeNone;
  for (const auto &[index, pad] : pads)
    if (pad->timeline.holdback () == 0)
      r = later_of (r,
                    pad->timeline.started ()
                        ? pad->timeline.committed_end ()
                        : later_of (pad->timeline.newest_end (), pad->gap_end));
  return r;
}

bool
Session::try_start ()
{
  Time first = kTimeNone;
  for (const auto &[index, pad] : pads)
    {
      const Time fa = pad->timeline.first_audio ();
      if (fa != kTimeNone && (first == kTimeNone || fa < first))
        first = fa;
    }
  if (first == kTimeNone)
    return false;

  /* A pad without audio yet must be known to have none before `first`. */
  const Time now = clock_now ();
  const Time r = reach ();
  for (const auto &[index, pad] : pads)
    {
      if (pad->timeline.first_audio () != kTimeNone || pad->eos)
        continue;
      Time bound = pad->gap_end;
      if (live)
        bound = later_of (bound,
                          minus (now, pad->upstream_latency + kLiveMargin));
      else if (pad->timeline.holdback () > 0)
        bound = later_of (bound, r);
      if (bound == kTimeNone || bound < first)
        return false;
    }
  start = first;
  for (auto &[index, pad] : pads)
    pad->timeline.start (first);
  return true;
}

void
Session::queue_chunks (Pad &pad, std::vector<Chunk> &chunks)
{
  for (Chunk &chunk : chunks)
    {
      /* Audio keeps the format it arrived in; silence takes the pad's
       * format of the chunk's rate. */
      FormatRef format;
      if (chunk.payload)
        format = static_cast<const BufferPayload &> (*chunk.payload).format ();
      else if (pad.format && (unsigned)pad.format->info.rate == chunk.rate)
        format = pad.format;
      else if (pad.last_out_format
               && (unsigned)pad.last_out_format->info.rate == chunk.rate)
        format = pad.last_out_format;
      else
        format = pad.format;
      if (!format)
        continue;
      pad.outbox_duration += chunk.duration;
      pad.outbox.push_back ({ std::move (chunk), std::move (format) });
    }
}

void
Session::commit_pad (Pad &pad, Time horizon)
{
  if (pad.finished || horizon == kTimeNone)
    return;
  std::vector<Chunk> chunks;
  pad.timeline.commit (horizon, chunks);
  queue_chunks (pad, chunks);
}

bool
Session::advance ()
{
  std::size_t before = 0;
  for (const auto &[index, pad] : pads)
    before += pad->outbox.size ();
  /* Deciding the start wakes the clip tasks too: from then on a live pad
   * with holdback commits as the clock runs. */
  const bool had_start = start != kTimeNone;

  if (start == kTimeNone && !try_start ())
    {
      /* Every pad ended without audio: the recording is empty. */
      if (all_input_eos ())
        for (auto &[index, pad] : pads)
          if (!pad->finished)
            {
              pad->finished = true;
              pad->outbox.push_back ({ Chunk{}, nullptr });
            }
    }
  else
    {
      const Time now = clock_now ();
      /* Pads without holdback commit what they have; together they are the
       * horizon of a non-live recording. */
      for (auto &[index, pad] : pads)
        if (pad->timeline.holdback () == 0)
          {
            Time h = later_of (pad->timeline.newest_end (), pad->gap_end);
            if (live)
              h = later_of (h,
                            minus (now, pad->upstream_latency + kLiveMargin));
            commit_pad (*pad, h);
          }
      const Time horizon = live ? kTimeNone : reach ();
      for (auto &[index, pad] : pads)
        {
          const Time holdback = pad->timeline.holdback ();
          if (holdback == 0)
            continue;
          Time h = later_of (pad->timeline.holdback_horizon (),
                             minus (pad->gap_end, holdback));
          h = later_of (h, horizon);
          if (live)
            h = later_of (h, minus (now, pad->upstream_latency + kLiveMargin));
          commit_pad (*pad, h);
        }
      for (auto &[index, pad] : pads)
        if (pad->eos && !pad->finished)
          {
            std::vector<Chunk> chunks;
            pad->timeline.finish (chunks);
            queue_chunks (*pad, chunks);
            pad->finished = true;
            pad->outbox.push_back ({ Chunk{}, nullptr });
          }
    }

  std::size_t after = 0;
  for (const auto &[index, pad] : pads)
    after += pad->outbox.size ();
  return after != before || (!had_start && start != kTimeNone);
}

PadStats
Session::totals () const
{
  PadStats sum;
  for (const auto &[index, pad] : pads)
    {
      const PadStats &s = pad->timeline.stats ();
      sum.committed_samples += s.committed_samples;
      sum.interrupted_samples += s.interrupted_samples;
      sum.silence_samples += s.silence_samples;
      sum.overlap_samples += s.overlap_samples;
      sum.late_events += s.late_events;
    }
  sum.silence_samples += gate.silence_samples ();
  sum.late_events += gate.late_events ();
  return sum;
}

EventOutcome
Session::recording_event (bool pause, Time t)
{
  if (t == kTimeNone)
    {
      t = clock_now ();
      if (t == kTimeNone)
        t = gate.position () != kTimeNone ? gate.position () : reach ();
      if (t == kTimeNone)
        t = start != kTimeNone ? start : 0;
    }
  return pause ? gate.pause (t) : gate.resume (t);
}

void
Session::reset_for_start ()
{
  start = kTimeNone;
  failed = false;
  stalled = false;
  all_eos_reported = false;
  errors = 0;
  const RecordingGate::Mode mode = gate.mode ();
  gate = RecordingGate{};
  gate.set_mode (mode);
  started_once = std::make_shared<std::once_flag> ();
  for (auto &[index, pad] : pads)
    {
      const Time holdback = pad->timeline.holdback ();
      pad->timeline = PadTimeline (holdback);
      pad->format.reset ();
      pad->last_out_format.reset ();
      pad->gap_end = kTimeNone;
      pad->eos = pad->finished = false;
      pad->outbox.clear ();
      pad->outbox_duration = 0;
      pad->last_flow = GST_FLOW_OK;
      pad->warned_holdback = false;
    }
}

} // namespace recorder
