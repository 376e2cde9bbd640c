/* recorderbin — the shared state of one recording: applying the start and
 * horizon policy (horizon.h) to the pads' timelines and queueing what they
 * commit for the outputs. Locking is described in session.h.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "session.h"

#include <algorithm>

namespace recorder
{

namespace
{
/* Rate of the silence of a pad that never had caps. */
constexpr unsigned kFallbackRate = 48000;
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
Session::now_for (const InputPad &pad) const
{
  const Time now = clock_now ();
  if (now != kTimeNone)
    return now;
  if (pad.timeline.started ())
    return pad.timeline.committed_end ();
  const Time seen = later_of (pad.timeline.newest_end (), pad.gap_end);
  return seen == kTimeNone ? 0 : seen;
}

Time
Session::now_for_recording () const
{
  Time t = clock_now ();
  if (t == kTimeNone)
    t = HorizonPolicy::reach (progress ());
  if (t == kTimeNone)
    for (const auto &[index, pad] : pads)
      t = later_of (t, pad->timeline.committed_end ());
  if (t == kTimeNone)
    t = start != kTimeNone ? start : 0;
  return t;
}

std::vector<PadProgress>
Session::progress () const
{
  std::vector<PadProgress> out;
  out.reserve (pads.size ());
  for (const auto &[index, pad] : pads)
    out.push_back (progress_of (pad->timeline, pad->gap_end,
                                pad->upstream_latency, pad->eos,
                                pad->input_failed));
  return out;
}

bool
Session::all_input_ended () const
{
  if (pads.empty ())
    return false;
  for (const auto &[index, pad] : pads)
    if (!pad->eos)
      return false;
  return true;
}

bool
Session::all_pads_finished () const
{
  for (const auto &[index, pad] : pads)
    if (!pad->finished)
      return false;
  return true;
}

Time
Session::recording_end () const
{
  Time end = kTimeNone;
  for (const auto &[index, pad] : pads)
    end = later_of (end, pad->timeline.committed_end ());
  return end;
}

void
Session::decide_start ()
{
  /* A live pipeline without a clock yet has no "now": the non-live rule
   * (the others move a held pad along) applies. */
  const Time now = clock_now ();
  const Time s = HorizonPolicy (now != kTimeNone).start (progress (), now);
  if (s == kTimeNone)
    return;
  start = s;
  for (auto &[index, pad] : pads)
    {
      /* A pad that never had caps records silence at the output's rate. */
      if (pad->timeline.grid_rate () == 0)
        pad->timeline.set_rate (output_rate ? output_rate : kFallbackRate);
      pad->timeline.start (s);
    }
}

void
Session::queue_chunks (InputPad &pad, std::vector<Chunk> &chunks)
{
  for (Chunk &chunk : chunks)
    {
      /* Audio keeps the format it arrived in; silence takes the pad's
       * format when the rates agree. */
      FormatRef format;
      if (chunk.payload)
        format = static_cast<const BufferPayload &> (*chunk.payload).format ();
      else if (pad.format && (unsigned)pad.format->info.rate == chunk.rate)
        format = pad.format;
      pad.outbox_duration += chunk.duration;
      pad.outbox.push_back ({ std::move (chunk), std::move (format) });
    }
}

void
Session::commit_pad (InputPad &pad, Time horizon)
{
  if (pad.finished || horizon == kTimeNone)
    return;
  std::vector<Chunk> chunks;
  pad.timeline.commit (horizon, chunks);
  queue_chunks (pad, chunks);
}

void
Session::finish_pad (InputPad &pad)
{
  std::vector<Chunk> chunks;
  if (start != kTimeNone)
    pad.timeline.finish (chunks);
  queue_chunks (pad, chunks);
  pad.finished = true;
  pad.outbox.push_back ({ Chunk{}, nullptr });
  /* Every output: each file ends at the recording's end. */
  for (auto &out : outputs)
    out->ended_pending = true;
}

void
Session::advance (Wakes *later)
{
  const bool had_start = start != kTimeNone;
  if (!had_start)
    decide_start ();

  if (start == kTimeNone)
    {
      /* Every pad ended without audio: the recording is empty. */
      if (all_input_ended ())
        for (auto &[index, pad] : pads)
          if (!pad->finished)
            finish_pad (*pad);
      wake_ready_outputs (false, later);
      return;
    }

  /* The pads without holdback first: together they are the horizon of the
   * held pads of a non-live recording. */
  const Time now = clock_now ();
  const HorizonPolicy policy (now != kTimeNone);
  std::vector<Time> h = policy.horizons (progress (), now);
  std::size_t i = 0;
  for (auto &[index, pad] : pads)
    {
      if (pad->timeline.holdback () == 0 && !pad->input_failed)
        commit_pad (*pad, h[i]);
      i++;
    }
  h = policy.horizons (progress (), now);
  i = 0;
  for (auto &[index, pad] : pads)
    {
      if (pad->timeline.holdback () > 0 || pad->input_failed)
        commit_pad (*pad, h[i]);
      i++;
    }
  for (auto &[index, pad] : pads)
    if (pad->eos && !pad->finished)
      finish_pad (*pad);
  if (all_pads_finished ())
    {
      /* The recording's end is known: a pad that ended earlier is silence
       * from its end to there, as it is in the file. */
      const Time end = recording_end ();
      for (auto &[index, pad] : pads)
        pad->timeline.fill_to (end);
    }
  wake_ready_outputs (!had_start, later);
}

void
Session::wake_ready_outputs (bool started_now, Wakes *later)
{
  for (auto &out : outputs)
    {
      Time committed = kTimeNone;
      bool all_finished = true;
      for (unsigned index : out->pads)
        {
          const InputPad &pad = *pads.at (index);
          if (pad.finished)
            continue;
          all_finished = false;
          const Time end = pad.timeline.committed_end ();
          if (end == kTimeNone)
            {
              committed = kTimeNone;
              break;
            }
          committed = committed == kTimeNone ? end : std::min (committed, end);
        }
      bool wake = started_now || out->ended_pending || all_finished;
      if (committed != kTimeNone
          && (out->notified_until == kTimeNone
              || committed >= out->notified_until + output_block ()))
        {
          out->notified_until = committed;
          wake = true;
        }
      if (wake)
        {
          out->ended_pending = false;
          if (later)
            {
              out->take_now = true;
              later->add (out->work);
            }
          else
            out->wake ();
        }
    }
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
  /* Every output applies the same whole-recording pauses: their silence is
   * counted per output, a late event once. */
  for (const auto &out : outputs)
    sum.silence_samples += out->gate.silence_samples ();
  if (!outputs.empty ())
    sum.late_events += outputs.front ()->gate.late_events ();
  return sum;
}

void
Session::reset_for_start ()
{
  start = kTimeNone;
  output_rate = 0;
  inputs_ended_reported = false;
  marks.clear ();
  for (auto &[index, pad] : pads)
    {
      const Time holdback = pad->timeline.holdback ();
      pad->timeline = PadTimeline (holdback);
      pad->format.reset ();
      pad->first_format.reset ();
      pad->gap_end = kTimeNone;
      pad->upstream_latency = 0;
      pad->eos = pad->finished = false;
      pad->input_failed = false;
      pad->outbox.clear ();
      pad->outbox_duration = 0;
      pad->staged_duration = 0;
      pad->warned_holdback = false;
      pad->marks_posted = 0;
      pad->spent.clear ();
    }
  for (auto &out : outputs)
    {
      const RecordingGate::Mode mode = out->gate.mode ();
      out->gate = RecordingGate{};
      out->gate.set_mode (mode);
      out->failed = out->stalled = false;
      out->last_flow = GST_FLOW_OK;
      out->progress = 0;
      out->notified_until = kTimeNone;
      out->ended_pending = false;
      out->take_now = false;
    }
}

} // namespace recorder
