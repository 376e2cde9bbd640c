/* recorderbin — the start and commit-horizon policy (DESIGN section 4).
 *
 * Pure arithmetic over what each pad has shown so far; "now" is an argument,
 * so the policy is unit-tested and fuzzed without a clock. The session feeds
 * it and applies its answers to the pads' timelines.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <vector>

#include "timeline.h"

namespace recorder
{

/* How late, beyond its upstream latency, a live pad's audio may arrive and
 * still be recorded. */
constexpr Time kLiveMargin = 20 * 1000000ULL;

/* What the policy needs to know of one pad. */
struct PadProgress
{
  Time holdback = 0;
  Time first_audio = kTimeNone;      /* heard time of its earliest audio */
  Time newest_end = kTimeNone;       /* heard end of its newest audio */
  Time gap_end = kTimeNone;          /* furthest end of a GAP */
  Time committed_end = kTimeNone;    /* end of its output; none before start */
  Time holdback_horizon = kTimeNone; /* newest_end - holdback */
  Time upstream_latency = 0;
  bool ended = false;  /* EOS: everything it has is committed */
  bool silent = false; /* its input failed: it holds nobody back */
};

/* A pad's progress as its timeline shows it, with what only its input
 * knows: the furthest GAP end, its upstream latency, EOS, a failed input. */
PadProgress progress_of (const PadTimeline &timeline, Time gap_end,
                         Time upstream_latency, bool ended, bool silent);

/* The later of two times, where kTimeNone means "no time yet". */
Time later_of (Time a, Time b);

class HorizonPolicy
{
public:
  explicit HorizonPolicy (bool live) : live_ (live) {}

  /* The recording's start, once it can be decided: the earliest first audio
   * of any pad, when every pad without audio is known to have none before
   * it. kTimeNone while undecided. `now` is the clock's running time in a
   * live pipeline (kTimeNone otherwise). */
  Time start (const std::vector<PadProgress> &pads, Time now) const;

  /* How far each pad may commit, once started: its own progress for a pad
   * without holdback; for a held pad, its holdback horizon, or in a non-live
   * pipeline the reach of the pads without holdback, or in a live one the
   * clock minus the pad's latency. kTimeNone: nothing to commit yet. */
  std::vector<Time> horizons (const std::vector<PadProgress> &pads,
                              Time now) const;

  /* The furthest point the pads without holdback have reached (DESIGN:
   * the non-live commit horizon); kTimeNone if none. */
  static Time reach (const std::vector<PadProgress> &pads);

  /* The clock's horizon for a live pad: now minus its latency and margin. */
  static Time clock_horizon (const PadProgress &pad, Time now);

private:
  bool live_;
};

} // namespace recorder
