/* recorderbin — per-pad timeline core: cut indices, runs, pause shifts,
 * commit horizon and the contiguous output grid. docs/timeline.md explains
 * the model with examples.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "timeline.h"

#include <algorithm>
#include <limits>

namespace recorder
{

namespace
{
using u128 = unsigned __int128;

std::uint64_t
saturate (u128 v)
{
  return v > std::numeric_limits<std::uint64_t>::max ()
             ? std::numeric_limits<std::uint64_t>::max ()
             : static_cast<std::uint64_t> (v);
}
} // namespace

std::uint64_t
scale_round (std::uint64_t val, std::uint64_t num, std::uint64_t denom)
{
  return saturate ((static_cast<u128> (val) * num + denom / 2) / denom);
}

std::uint64_t
scale_floor (std::uint64_t val, std::uint64_t num, std::uint64_t denom)
{
  return saturate (static_cast<u128> (val) * num / denom);
}

Time
samples_to_time (std::uint64_t n, std::uint32_t rate)
{
  return scale_floor (n, kSecond, rate);
}

std::uint64_t
cut_index (Time dt, std::uint32_t rate)
{
  return scale_round (dt, rate, kSecond);
}

/* ---- PadTimeline::Piece ------------------------------------------------ */

Time
PadTimeline::Piece::time_of (std::uint64_t m) const
{
  return origin + samples_to_time (m - seg_start, rate);
}

std::uint64_t
PadTimeline::Piece::index_at (Time t) const
{
  const std::uint64_t end_index = run_index + count;
  if (t == kTimeNone)
    return end_index;
  std::uint64_t m = seg_start;
  if (t > origin)
    m += cut_index (t - origin, rate);
  return std::clamp (m, run_index, end_index);
}

void
PadTimeline::Piece::trim_head (std::uint64_t m)
{
  const std::uint64_t dropped = m - run_index;
  offset += dropped;
  count -= dropped;
  run_index = m;
}

/* ---- PadTimeline --------------------------------------------------------- */

PadTimeline::RateCounts &
PadTimeline::counts (std::uint32_t rate)
{
  for (RateCounts &c : counts_)
    if (c.rate == rate)
      return c;
  counts_.push_back (RateCounts{ rate });
  return counts_.back ();
}

PadStats
PadTimeline::stats () const
{
  PadStats s;
  s.late_events = late_events_;
  for (const RateCounts &c : counts_)
    {
      s.committed_samples += c.committed;
      s.interrupted_samples += c.interrupted;
      s.silence_samples += c.silence;
      s.overlap_samples += c.overlap;
      if (c.rate == 0)
        continue;
      s.committed_time += samples_to_time (c.committed, c.rate);
      s.interrupted_time += samples_to_time (c.interrupted, c.rate);
      s.silence_time += samples_to_time (c.silence, c.rate);
      s.overlap_time += samples_to_time (c.overlap, c.rate);
    }
  return s;
}

Time
PadTimeline::effect_at (Time t) const
{
  Time effect = t;
  for (const auto &[start, piece] : held_)
    if (piece.start () < t && piece.end () > t)
      effect = piece.time_of (piece.index_at (t));
  if (is_late (effect) && committed_through_ != kTimeNone)
    effect = std::max (effect, committed_through_);
  return effect;
}

void
PadTimeline::set_rate (std::uint32_t rate)
{
  if (rate == 0 || rate == grid_rate_)
    return;
  if (started_ && grid_pos_ > 0)
    rebase_grid (rate);
  else
    grid_rate_ = rate;
}

void
PadTimeline::apply_past_pauses ()
{
  /* Pauses that are over still apply, in order, to a run that spans them:
   * its part from P on is heard from R on (an utterance scheduled to start
   * inside a pause starts when it ended). */
  for (const Pause &pause : history_)
    {
      const std::uint64_t m = run_.index_at (pause.p);
      const Segment &seg = run_.segment_for (m);
      if (seg.origin + samples_to_time (m - seg.start, run_.rate) >= pause.r)
        continue;
      while (!run_.switches.empty () && run_.switches.back ().start >= m)
        run_.switches.pop_back ();
      if (m == run_.current.start)
        run_.current.origin = pause.r;
      else
        run_.switches.push_back ({ m, pause.r });
    }
}

void
PadTimeline::hold (Piece piece)
{
  if (piece.count == 0)
    return;
  /* Audio already placed keeps its place: the newcomer loses the samples
   * that would overlap it, wherever they are. */
  std::vector<Piece> parts{ std::move (piece) };
  const Time slack = samples_to_time (1, parts[0].rate);
  const Time first = parts[0].start (), last = parts[0].end () + slack;
  for (const auto &[start, placed] : held_)
    {
      if (start >= last)
        break;
      if (placed.end () + slack <= first)
        continue;
      std::vector<Piece> rest;
      for (Piece &part : parts)
        {
          /* The newcomer's run indices [a, b) that fall on placed audio:
           * by whole sample indices where the rates agree. */
          std::uint64_t a, b;
          if (placed.rate == part.rate)
            {
              const std::int64_t p0 = anchored_index (part);
              const std::int64_t e0 = anchored_index (placed);
              const std::int64_t lo
                  = std::max (p0, e0),
                  hi = std::min<std::int64_t> (
                      p0 + static_cast<std::int64_t> (part.count),
                      e0 + static_cast<std::int64_t> (placed.count));
              a = b = part.run_index;
              if (lo < hi)
                {
                  a = part.run_index + static_cast<std::uint64_t> (lo - p0);
                  b = part.run_index + static_cast<std::uint64_t> (hi - p0);
                }
            }
          else
            {
              a = part.index_at (placed.start ());
              b = part.index_at (placed.end ());
            }
          if (a >= b)
            {
              rest.push_back (std::move (part));
              continue;
            }
          counts (part.rate).overlap += b - a;
          if (a > part.run_index)
            {
              Piece left = part;
              left.count = a - part.run_index;
              rest.push_back (std::move (left));
            }
          if (b < part.run_index + part.count)
            {
              part.trim_head (b);
              rest.push_back (std::move (part));
            }
        }
      parts.swap (rest);
    }
  for (Piece &part : parts)
    {
      const Time end = part.end ();
      if (newest_end_ == kTimeNone || end > newest_end_)
        newest_end_ = end;
      held_.emplace (part.start (), std::move (part));
    }
}

const PadTimeline::Segment &
PadTimeline::Run::segment_for (std::uint64_t m) const
{
  const Segment *seg = &current;
  for (const Segment &sw : switches)
    if (sw.start <= m)
      seg = &sw;
  return *seg;
}

std::uint64_t
PadTimeline::Run::index_at (Time t) const
{
  std::vector<Segment> segs{ current };
  segs.insert (segs.end (), switches.begin (), switches.end ());
  for (std::size_t i = 0; i < segs.size (); i++)
    {
      const Segment &seg = segs[i];
      if (t <= seg.origin)
        return seg.start;
      const std::uint64_t m = seg.start + cut_index (t - seg.origin, rate);
      if (i + 1 == segs.size () || m < segs[i + 1].start)
        return m;
    }
  return current.start;
}

std::uint64_t
PadTimeline::push (Time pts, std::uint32_t rate, std::uint64_t samples,
                   PayloadRef payload)
{
  if (samples == 0 || rate == 0)
    return 0;

  bool continues = run_.open && run_.rate == rate;
  if (continues && pts != kTimeNone)
    {
      const Time sched_end
          = run_.sched_origin + samples_to_time (run_.samples, rate);
      const Time diff = pts > sched_end ? pts - sched_end : sched_end - pts;
      continues = diff <= samples_to_time (1, rate);
    }

  if (!continues)
    {
      Time start = pts;
      if (start == kTimeNone)
        start = newest_end_ != kTimeNone ? newest_end_
                : started_               ? committed_end ()
                                         : 0;
      run_ = Run{};
      run_.open = true;
      run_.id = next_run_id_++;
      run_.rate = rate;
      run_.sched_origin = start;
      run_.current = { 0, start };
      apply_past_pauses ();
      if (paused_)
        run_.pause_cut = run_.index_at (pause_at_);
    }

  if (!anchored_)
    {
      anchor_ = run_.current.origin;
      anchored_ = true;
    }
  const std::uint64_t begin = run_.samples, end = begin + samples;
  run_.samples = end;

  /* Split where a segment starts and where an open pause cuts the run. */
  std::vector<std::uint64_t> bounds;
  for (const Segment &sw : run_.switches)
    if (sw.start > begin && sw.start < end)
      bounds.push_back (sw.start);
  const bool cutting = paused_ && run_.pause_cut != Run::kNoCut;
  if (cutting && run_.pause_cut > begin && run_.pause_cut < end)
    bounds.push_back (run_.pause_cut);
  std::sort (bounds.begin (), bounds.end ());
  bounds.push_back (end);

  bool to_pending = false;
  std::uint64_t a = begin;
  for (const std::uint64_t b : bounds)
    {
      if (b <= a)
        continue;
      const Segment &seg = run_.segment_for (a);
      Piece part{ payload, a - begin, b - a,      rate,
                  run_.id, a,         seg.origin, seg.start };
      if (first_audio_ == kTimeNone || part.start () < first_audio_)
        first_audio_ = part.start ();
      if (cutting && a >= run_.pause_cut)
        {
          if (newest_end_ == kTimeNone || part.end () > newest_end_)
            newest_end_ = part.end ();
          pending_.push_back (std::move (part));
          to_pending = true;
        }
      else
        hold (std::move (part));
      a = b;
    }

  /* Segments the run has reached become its current mapping. */
  while (!run_.switches.empty () && run_.switches.front ().start <= end)
    {
      run_.current = run_.switches.front ();
      run_.switches.erase (run_.switches.begin ());
    }
  return to_pending ? enforce_pending_holdback () : 0;
}

std::uint64_t
PadTimeline::enforce_pending_holdback ()
{
  Time held = 0;
  for (const Piece &p : pending_)
    held += samples_to_time (p.count, p.rate);
  std::uint64_t dropped = 0;
  while (held > holdback_ && !pending_.empty ())
    {
      Piece &oldest = pending_.front ();
      const Time excess = held - holdback_;
      const Time duration = samples_to_time (oldest.count, oldest.rate);
      if (duration <= excess)
        {
          dropped += oldest.count;
          counts (oldest.rate).interrupted += oldest.count;
          held -= duration;
          pending_.erase (pending_.begin ());
          continue;
        }
      std::uint64_t n = cut_index (excess, oldest.rate);
      n = std::max<std::uint64_t> (n, 1);
      dropped += n;
      counts (oldest.rate).interrupted += n;
      oldest.trim_head (oldest.run_index + n);
      break;
    }
  return dropped;
}

void
PadTimeline::flush ()
{
  held_.clear ();
  pending_.clear ();
  paused_ = false;
  run_.open = false;
}

void
PadTimeline::split_off_pending (Time p)
{
  /* Everything held that would be heard at or after p is unheard now. */
  std::vector<Piece> moved;
  for (auto it = held_.begin (); it != held_.end ();)
    {
      Piece &piece = it->second;
      if (piece.end () <= p)
        {
          ++it;
          continue;
        }
      const std::uint64_t m = piece.index_at (p);
      Piece tail = piece;
      tail.trim_head (m);
      if (tail.count > 0)
        moved.push_back (std::move (tail));
      if (m == piece.run_index)
        it = held_.erase (it);
      else
        {
          piece.count = m - piece.run_index;
          ++it;
        }
    }
  pending_.insert (pending_.end (), moved.begin (), moved.end ());
}

EventOutcome
PadTimeline::pause (Time p)
{
  if (paused_)
    return EventOutcome::kIgnored;
  const bool late = is_late (p);
  last_effect_ = effect_at (p);

  split_off_pending (p);
  if (run_.open)
    {
      /* Samples of the open run heard at or after p, arrived or not, are
       * unheard; later segments are superseded by where resume puts them. */
      run_.pause_cut = run_.index_at (p);
      while (!run_.switches.empty ()
             && run_.switches.back ().start >= run_.pause_cut)
        run_.switches.pop_back ();
    }
  paused_ = true;
  pause_at_ = p;
  if (late)
    late_events_++;
  return late ? EventOutcome::kLate : EventOutcome::kApplied;
}

EventOutcome
PadTimeline::resume (Time r)
{
  if (!paused_)
    return EventOutcome::kIgnored;
  const bool late = is_late (r);
  last_effect_ = late && committed_through_ != kTimeNone
                     ? std::max (r, committed_through_)
                     : r;

  /* Each run's unheard part moves as one block: its first unheard sample is
   * heard at r (unless it was scheduled at or after r anyway). */
  struct Group
  {
    std::uint64_t run_id;
    std::uint64_t first;
    bool shift;
  };
  std::vector<Group> groups;
  std::vector<Piece> pending;
  pending.swap (pending_);
  for (Piece &piece : pending)
    {
      auto g
          = std::find_if (groups.begin (), groups.end (), [&] (const Group &x) {
              return x.run_id == piece.run_id;
            });
      if (g == groups.end ())
        {
          groups.push_back (
              { piece.run_id, piece.run_index, piece.start () < r });
          g = groups.end () - 1;
        }
      if (g->shift)
        {
          piece.origin = r;
          piece.seg_start = g->first;
        }
      hold (std::move (piece));
    }

  if (run_.open && run_.pause_cut != Run::kNoCut)
    {
      auto g
          = std::find_if (groups.begin (), groups.end (),
                          [&] (const Group &x) { return x.run_id == run_.id; });
      std::uint64_t first;
      bool shift;
      if (g != groups.end ())
        {
          first = g->first;
          shift = g->shift;
        }
      else
        {
          /* Nothing of the run is pending (yet, or any more): its next
           * sample is the first unheard one. */
          first = std::max (run_.pause_cut, run_.samples);
          const Segment &seg = run_.segment_for (first);
          shift
              = seg.origin + samples_to_time (first - seg.start, run_.rate) < r;
        }
      if (shift && run_.samples > first)
        run_.current = { first, r };
      else if (shift)
        run_.switches.push_back ({ first, r });
      run_.pause_cut = Run::kNoCut;
    }

  history_.push_back ({ pause_at_, std::max (r, pause_at_) });
  paused_ = false;
  if (late)
    late_events_++;
  return late ? EventOutcome::kLate : EventOutcome::kApplied;
}

EventOutcome
PadTimeline::interrupt (Time t)
{
  const bool late = is_late (t);
  last_effect_ = effect_at (t);

  Time newest = kTimeNone;
  for (auto it = held_.begin (); it != held_.end ();)
    {
      Piece &piece = it->second;
      if (piece.end () > t)
        {
          const std::uint64_t m = piece.index_at (t);
          counts (piece.rate).interrupted += piece.run_index + piece.count - m;
          if (m == piece.run_index)
            {
              it = held_.erase (it);
              continue;
            }
          piece.count = m - piece.run_index;
        }
      if (newest == kTimeNone || piece.end () > newest)
        newest = piece.end ();
      ++it;
    }
  if (paused_)
    {
      for (const Piece &piece : pending_)
        counts (piece.rate).interrupted += piece.count;
      pending_.clear ();
      paused_ = false;
    }
  if (newest_end_ != kTimeNone && newest_end_ > t)
    newest_end_ = (newest == kTimeNone || newest < t) ? t : newest;
  run_.open = false;
  if (late)
    late_events_++;
  return late ? EventOutcome::kLate : EventOutcome::kApplied;
}

void
PadTimeline::start (Time recording_start)
{
  started_ = true;
  grid_origin_ = recording_start;
  grid_pos_ = 0;
  if (!anchored_)
    {
      anchor_ = recording_start;
      anchored_ = true;
    }
}

Time
PadTimeline::grid_time (std::int64_t index) const
{
  if (grid_rate_ == 0)
    return grid_origin_;
  return grid_origin_
         + samples_to_time (static_cast<std::uint64_t> (index), grid_rate_);
}

std::int64_t
PadTimeline::anchored_index (Time t, std::uint32_t rate) const
{
  if (t >= anchor_)
    return static_cast<std::int64_t> (cut_index (t - anchor_, rate));
  return -static_cast<std::int64_t> (cut_index (anchor_ - t, rate));
}

std::int64_t
PadTimeline::anchored_index (const Piece &piece) const
{
  /* Every sample of a segment sits a whole number of samples after its
   * origin, which is rounded to the grid once. */
  return anchored_index (piece.origin, piece.rate)
         + static_cast<std::int64_t> (piece.run_index - piece.seg_start);
}

std::int64_t
PadTimeline::grid_offset () const
{
  return -anchored_index (grid_origin_, grid_rate_);
}

std::int64_t
PadTimeline::grid_index_of (Time t) const
{
  return grid_offset () + anchored_index (t, grid_rate_);
}

Time
PadTimeline::on_grid (Time t) const
{
  if (!started_ || grid_rate_ == 0 || t == kTimeNone)
    return t;
  const std::int64_t index = grid_index_of (t);
  return index <= 0 ? grid_origin_ : grid_time (index);
}

bool
PadTimeline::is_late (Time t) const
{
  /* Late if the commit horizon has passed the event's time: what it would
   * change may already be written. */
  return started_
         && (committed_through_ == kTimeNone || t < committed_through_);
}

void
PadTimeline::rebase_grid (std::uint32_t rate)
{
  grid_origin_ = grid_time (grid_pos_);
  grid_pos_ = 0;
  grid_rate_ = rate;
  anchor_ = grid_origin_;
}

Time
PadTimeline::committed_end () const
{
  return started_ ? grid_time (grid_pos_) : kTimeNone;
}

Time
PadTimeline::holdback_horizon () const
{
  if (newest_end_ == kTimeNone)
    return kTimeNone;
  return newest_end_ > holdback_ ? newest_end_ - holdback_ : 0;
}

void
PadTimeline::emit_silence (std::int64_t until, std::vector<Chunk> &out)
{
  if (grid_rate_ == 0 || until <= grid_pos_)
    return;
  const std::uint64_t n = static_cast<std::uint64_t> (until - grid_pos_);
  const Time pts = grid_time (grid_pos_);
  grid_pos_ = until;
  out.push_back (
      { nullptr, 0, n, grid_rate_, pts, grid_time (grid_pos_) - pts });
  counts (grid_rate_).silence += n;
}

void
PadTimeline::emit_piece (const Piece &piece, std::vector<Chunk> &out)
{
  if (grid_rate_ != piece.rate)
    {
      if (grid_pos_ > 0)
        rebase_grid (piece.rate);
      else
        grid_rate_ = piece.rate;
    }
  Piece part = piece;
  std::int64_t at = grid_offset () + anchored_index (part);
  if (at < grid_pos_)
    {
      /* Overlaps what is already committed: the newcomer loses. */
      const std::uint64_t lost = std::min<std::uint64_t> (
          part.count, static_cast<std::uint64_t> (grid_pos_ - at));
      counts (part.rate).overlap += lost;
      part.trim_head (part.run_index + lost);
      at += static_cast<std::int64_t> (lost);
      if (part.count == 0)
        return;
    }
  emit_silence (at, out);
  const Time pts = grid_time (grid_pos_);
  grid_pos_ += static_cast<std::int64_t> (part.count);
  out.push_back ({ part.payload, part.offset, part.count, part.rate, pts,
                   grid_time (grid_pos_) - pts });
  counts (part.rate).committed += part.count;
}

void
PadTimeline::commit (Time horizon, std::vector<Chunk> &out)
{
  if (!started_)
    return;
  if (horizon == kTimeNone || committed_through_ == kTimeNone)
    committed_through_ = kTimeNone;
  else
    committed_through_ = std::max (committed_through_, horizon);
  while (!held_.empty ())
    {
      auto it = held_.begin ();
      if (horizon != kTimeNone && it->first >= horizon)
        break;
      Piece piece = std::move (it->second);
      const std::uint64_t m = piece.index_at (horizon);
      if (m == piece.run_index)
        {
          /* Starts less than half a sample before the horizon. */
          it->second = std::move (piece);
          break;
        }
      held_.erase (it);
      if (m < piece.run_index + piece.count)
        {
          Piece tail = piece;
          tail.trim_head (m);
          held_.emplace (tail.start (), std::move (tail));
          piece.count = m - piece.run_index;
        }
      emit_piece (piece, out);
    }
  if (horizon != kTimeNone && grid_rate_ != 0)
    {
      /* Silence up to the horizon, but not over held audio that starts less
       * than half a sample before it. */
      std::int64_t until = grid_index_of (horizon);
      if (!held_.empty () && held_.begin ()->second.rate == grid_rate_)
        {
          const Piece &next = held_.begin ()->second;
          until = std::min (until, grid_offset () + anchored_index (next));
        }
      emit_silence (until, out);
    }
}

void
PadTimeline::finish (std::vector<Chunk> &out)
{
  if (paused_)
    {
      for (const Piece &piece : pending_)
        counts (piece.rate).interrupted += piece.count;
      pending_.clear ();
      paused_ = false;
    }
  commit (kTimeNone, out);
}

void
PadTimeline::fill_to (Time end)
{
  if (!started_ || grid_rate_ == 0 || end == kTimeNone)
    return;
  std::vector<Chunk> written_by_the_output;
  emit_silence (grid_index_of (end), written_by_the_output);
}

} // namespace recorder
