/* recorderbin — the whole-recording pause on the aligned stream. See
 * recordinggate.h and docs/timeline.md.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "recordinggate.h"

#include <algorithm>

namespace recorder
{

EventOutcome
RecordingGate::pause (Time p)
{
  if (open_)
    return EventOutcome::kIgnored;
  const bool late = position_ != kTimeNone && p < position_;
  last_effect_ = late ? position_ : p;
  /* A late pause cuts from where the stream stands: what came before is
   * written. The cut keeps where it took effect, so that what it removes
   * (process) and what it counts (removed_before) agree. */
  cuts_.push_back ({ last_effect_, kTimeNone });
  open_ = true;
  if (late)
    late_events_++;
  return late ? EventOutcome::kLate : EventOutcome::kApplied;
}

EventOutcome
RecordingGate::resume (Time r)
{
  if (!open_)
    return EventOutcome::kIgnored;
  const bool late = position_ != kTimeNone && r < position_;
  last_effect_ = late ? position_ : r;
  cuts_.back ().r = std::max (last_effect_, cuts_.back ().p);
  open_ = false;
  if (late)
    late_events_++;
  return late ? EventOutcome::kLate : EventOutcome::kApplied;
}

std::uint64_t
RecordingGate::removed_before (Time t, Time origin, std::uint32_t rate) const
{
  if (mode_ != Mode::kCollapse || rate == 0)
    return 0;
  auto frame
      = [&] (Time x) { return x <= origin ? 0 : cut_index (x - origin, rate); };
  std::uint64_t removed = 0;
  for (const Cut &cut : cuts_)
    {
      const Time end = cut.r == kTimeNone ? t : std::min (cut.r, t);
      if (cut.p < end)
        removed += frame (end) - frame (cut.p);
    }
  return removed;
}

Time
RecordingGate::output_end () const
{
  if (!stream_open_)
    return kTimeNone;
  return mode_ == Mode::kCollapse
             ? stream_out_origin_ + samples_to_time (kept_, stream_rate_)
             : stream_origin_ + samples_to_time (stream_pos_, stream_rate_);
}

std::vector<RecordingGate::Span>
RecordingGate::process (Time pts, std::uint32_t rate, std::uint64_t samples,
                        Time &out_pts)
{
  if (!stream_open_ || restart_ || rate != stream_rate_)
    {
      /* Output stays contiguous across a new stream in collapse mode. */
      Time out_origin = pts;
      if (stream_open_ && mode_ == Mode::kCollapse)
        out_origin = stream_out_origin_ + samples_to_time (kept_, stream_rate_);
      stream_open_ = true;
      restart_ = false;
      stream_origin_
          = pts == kTimeNone ? (position_ == kTimeNone ? 0 : position_) : pts;
      stream_out_origin_
          = out_origin == kTimeNone ? stream_origin_ : out_origin;
      stream_rate_ = rate;
      stream_pos_ = 0;
      kept_ = 0;
    }

  const std::uint64_t first = stream_pos_;
  const std::uint64_t last = stream_pos_ + samples;

  /* Removed ranges, in stream sample indices, clipped to this buffer. */
  std::vector<std::pair<std::uint64_t, std::uint64_t>> removed;
  for (const Cut &cut : cuts_)
    {
      const std::uint64_t a = cut.p <= stream_origin_
                                  ? 0
                                  : cut_index (cut.p - stream_origin_, rate);
      const std::uint64_t b = cut.r == kTimeNone ? last
                              : cut.r <= stream_origin_
                                  ? 0
                                  : cut_index (cut.r - stream_origin_, rate);
      const std::uint64_t lo = std::max (a, first), hi = std::min (b, last);
      if (lo < hi)
        removed.emplace_back (lo, hi);
    }
  std::sort (removed.begin (), removed.end ());

  std::vector<Span> spans;
  const bool silence = mode_ == Mode::kSilence;
  out_pts = silence ? (pts == kTimeNone
                           ? stream_origin_ + samples_to_time (first, rate)
                           : pts)
                    : stream_out_origin_ + samples_to_time (kept_, rate);
  std::uint64_t pos = first;
  auto keep_until = [&] (std::uint64_t end) {
    if (end > pos)
      {
        spans.push_back ({ pos - first, end - pos, false });
        kept_ += end - pos;
        pos = end;
      }
  };
  for (const auto &[lo, hi] : removed)
    {
      keep_until (lo);
      if (hi > pos)
        {
          if (silence)
            {
              spans.push_back ({ pos - first, hi - pos, true });
              silence_samples_ += hi - pos;
            }
          pos = hi;
        }
    }
  keep_until (last);
  stream_pos_ = last;
  position_ = stream_origin_ + samples_to_time (last, rate);
  return spans;
}

} // namespace recorder
