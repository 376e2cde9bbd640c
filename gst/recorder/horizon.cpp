/* recorderbin — the start and commit-horizon policy. See horizon.h and
 * docs/design.md ("How the recording's start is decided").
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "horizon.h"

#include <algorithm>

namespace recorder
{

PadProgress
progress_of (const PadTimeline &timeline, Time gap_end, Time upstream_latency,
             bool ended, bool silent)
{
  PadProgress p;
  p.holdback = timeline.holdback ();
  p.first_audio = timeline.first_audio ();
  p.newest_end = timeline.newest_end ();
  p.gap_end = gap_end;
  p.committed_end = timeline.committed_end ();
  p.holdback_horizon = timeline.holdback_horizon ();
  p.upstream_latency = upstream_latency;
  p.ended = ended;
  p.silent = silent;
  return p;
}

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
HorizonPolicy::clock_horizon (const PadProgress &pad, Time now)
{
  if (now == kTimeNone)
    return kTimeNone;
  const Time behind = pad.upstream_latency + kLiveMargin;
  return now > behind ? now - behind : 0;
}

Time
HorizonPolicy::reach (const std::vector<PadProgress> &pads)
{
  Time r = kTimeNone;
  for (const PadProgress &pad : pads)
    if (pad.holdback == 0 && !pad.silent)
      r = later_of (r, pad.committed_end != kTimeNone
                           ? later_of (pad.committed_end, pad.gap_end)
                           : later_of (pad.newest_end, pad.gap_end));
  return r;
}

Time
HorizonPolicy::start (const std::vector<PadProgress> &pads, Time now) const
{
  Time first = kTimeNone;
  for (const PadProgress &pad : pads)
    if (pad.first_audio != kTimeNone
        && (first == kTimeNone || pad.first_audio < first))
      first = pad.first_audio;
  if (first == kTimeNone)
    return kTimeNone;

  /* A pad without audio yet must be known to have none before `first`. */
  const Time r = reach (pads);
  for (const PadProgress &pad : pads)
    {
      if (pad.first_audio != kTimeNone || pad.ended || pad.silent)
        continue;
      Time bound = pad.gap_end;
      if (live_)
        bound = later_of (bound, clock_horizon (pad, now));
      else if (pad.holdback > 0)
        bound = later_of (bound, r);
      if (bound == kTimeNone || bound < first)
        return kTimeNone;
    }
  return first;
}

std::vector<Time>
HorizonPolicy::horizons (const std::vector<PadProgress> &pads, Time now) const
{
  const Time r = live_ ? kTimeNone : reach (pads);
  std::vector<Time> out;
  out.reserve (pads.size ());
  for (const PadProgress &pad : pads)
    {
      Time h;
      if (pad.silent)
        h = later_of (pad.gap_end, r);
      else if (pad.holdback == 0)
        h = later_of (pad.newest_end, pad.gap_end);
      else
        {
          const Time gap = pad.gap_end == kTimeNone ? kTimeNone
                           : pad.gap_end > pad.holdback
                               ? pad.gap_end - pad.holdback
                               : 0;
          h = later_of (later_of (pad.holdback_horizon, gap), r);
        }
      if (live_)
        h = later_of (h, clock_horizon (pad, now));
      out.push_back (h);
    }
  return out;
}

} // namespace recorder
