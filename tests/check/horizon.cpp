/* recorderbin — unit tests of recorder::HorizonPolicy (gst/recorder/
 * horizon.h): when the recording starts and how far each pad may commit,
 * against DESIGN.md section 4 and docs/design.md ("How the recording's
 * start is decided"). The policy is pure arithmetic; "now" is an argument.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>

#include "horizon.h"

#include <vector>

namespace
{

using recorder::HorizonPolicy;
using recorder::kLiveMargin;
using recorder::kTimeNone;
using recorder::PadProgress;
using recorder::Time;

constexpr Time kMs = 1000000ULL;

/* A pad that has pushed audio over [first, newest) and holds `holdback`. */
PadProgress
audio (Time first, Time newest, Time holdback = 0)
{
  PadProgress p;
  p.holdback = holdback;
  p.first_audio = first;
  p.newest_end = newest;
  p.holdback_horizon = newest > holdback ? newest - holdback : 0;
  return p;
}

/* A pad that has shown nothing yet. */
PadProgress
idle (Time holdback = 0)
{
  PadProgress p;
  p.holdback = holdback;
  return p;
}

void
assert_time (Time got, Time want, const char *what)
{
  fail_unless (got == want,
               "%s: %" G_GUINT64_FORMAT ", want %" G_GUINT64_FORMAT, what, got,
               want);
}

} // namespace

GST_START_TEST (test_later_of)
{
  assert_time (recorder::later_of (kTimeNone, kTimeNone), kTimeNone, "none");
  assert_time (recorder::later_of (kTimeNone, 5), 5, "none, 5");
  assert_time (recorder::later_of (7, kTimeNone), 7, "7, none");
  assert_time (recorder::later_of (7, 5), 7, "7, 5");
  assert_time (recorder::later_of (0, 5), 5, "0 is a time");
}
GST_END_TEST;

/* The start is the earliest first audio, and only once every pad without
 * audio is known to have none before it. */
GST_START_TEST (test_start_waits_for_every_pad)
{
  const HorizonPolicy offline (false);
  assert_time (offline.start ({}, kTimeNone), kTimeNone, "no pads");
  assert_time (offline.start ({ idle () }, kTimeNone), kTimeNone, "no audio");
  assert_time (offline.start ({ audio (300 * kMs, 400 * kMs) }, kTimeNone),
               300 * kMs, "one pad");
  assert_time (offline.start ({ audio (300 * kMs, 400 * kMs),
                                audio (100 * kMs, 120 * kMs) },
                              kTimeNone),
               100 * kMs, "the earliest of two");

  /* An idle pad without holdback may still bring earlier audio. */
  std::vector<PadProgress> pads = { audio (300 * kMs, 400 * kMs), idle () };
  assert_time (offline.start (pads, kTimeNone), kTimeNone, "an idle pad");
  /* A GAP up to before the first audio is not enough; up to it is. */
  pads[1].gap_end = 299 * kMs;
  assert_time (offline.start (pads, kTimeNone), kTimeNone, "gap short of it");
  pads[1].gap_end = 300 * kMs;
  assert_time (offline.start (pads, kTimeNone), 300 * kMs, "gap to it");
  /* An ended or failed pad has nothing to bring. */
  pads[1].gap_end = kTimeNone;
  pads[1].ended = true;
  assert_time (offline.start (pads, kTimeNone), 300 * kMs, "ended");
  pads[1].ended = false;
  pads[1].silent = true;
  assert_time (offline.start (pads, kTimeNone), 300 * kMs, "failed");
}
GST_END_TEST;

/* Non-live: an idle held pad is moved along by the pads without holdback.
 * Live: by the clock, less its latency and the margin. */
GST_START_TEST (test_start_idle_held_pad)
{
  const HorizonPolicy offline (false), live (true);
  std::vector<PadProgress> pads
      = { audio (100 * kMs, 250 * kMs), idle (2000 * kMs) };
  assert_time (offline.start (pads, kTimeNone), 100 * kMs,
               "non-live: the others passed it");
  pads[0].newest_end = 99 * kMs; /* not possible, but: reach < first */
  assert_time (offline.start (pads, kTimeNone), kTimeNone,
               "non-live: the others short of it");

  pads[0].newest_end = 250 * kMs;
  pads[1].upstream_latency = 30 * kMs;
  const Time just = 100 * kMs + 30 * kMs + kLiveMargin;
  assert_time (live.start (pads, just - 1), kTimeNone,
               "live: clock just short");
  assert_time (live.start (pads, just), 100 * kMs, "live: clock there");
  assert_time (live.start (pads, kTimeNone), kTimeNone,
               "live without a clock yet");
}
GST_END_TEST;

GST_START_TEST (test_clock_horizon)
{
  PadProgress p = idle ();
  assert_time (HorizonPolicy::clock_horizon (p, kTimeNone), kTimeNone,
               "no clock");
  assert_time (HorizonPolicy::clock_horizon (p, 1000 * kMs),
               1000 * kMs - kLiveMargin, "margin");
  p.upstream_latency = 200 * kMs;
  assert_time (HorizonPolicy::clock_horizon (p, 1000 * kMs),
               800 * kMs - kLiveMargin, "latency");
  assert_time (HorizonPolicy::clock_horizon (p, 100 * kMs), 0, "not below 0");
}
GST_END_TEST;

/* reach: the furthest any pad without holdback got, its committed end
 * once started (what it has shown otherwise), a GAP included; held and
 * failed pads do not count. */
GST_START_TEST (test_reach)
{
  std::vector<PadProgress> pads
      = { audio (0, 500 * kMs), audio (0, 900 * kMs, 1000 * kMs) };
  assert_time (HorizonPolicy::reach (pads), 500 * kMs, "unstarted");
  pads[0].committed_end = 480 * kMs;
  assert_time (HorizonPolicy::reach (pads), 480 * kMs, "committed");
  pads[0].gap_end = 700 * kMs;
  assert_time (HorizonPolicy::reach (pads), 700 * kMs, "a GAP further");
  pads[0].silent = true;
  assert_time (HorizonPolicy::reach (pads), kTimeNone, "failed");
}
GST_END_TEST;

/* horizons, non-live: a pad without holdback commits what it has shown; a
 * held one its holdback horizon, or as far as the others reached, or a
 * GAP less its holdback; a failed one is moved along as silence. */
GST_START_TEST (test_horizons_offline)
{
  const HorizonPolicy offline (false);
  std::vector<PadProgress> pads
      = { audio (0, 600 * kMs), audio (0, 2500 * kMs, 2000 * kMs) };
  pads[0].committed_end = 600 * kMs;
  std::vector<Time> h = offline.horizons (pads, kTimeNone);
  fail_unless_equals_int ((int)h.size (), 2);
  assert_time (h[0], 600 * kMs, "no holdback: its own");
  assert_time (h[1], 600 * kMs, "held: the others' reach");

  pads[1].newest_end = 3000 * kMs;
  pads[1].holdback_horizon = 1000 * kMs;
  h = offline.horizons (pads, kTimeNone);
  assert_time (h[1], 1000 * kMs, "held: its holdback horizon, further");

  pads[1].gap_end = 3500 * kMs;
  h = offline.horizons (pads, kTimeNone);
  assert_time (h[1], 1500 * kMs, "held: a GAP less the holdback");
  pads[1].gap_end = 1500 * kMs;
  h = offline.horizons (pads, kTimeNone);
  assert_time (h[1], 1000 * kMs, "a short GAP: the holdback horizon");

  pads[0].gap_end = 900 * kMs;
  h = offline.horizons (pads, kTimeNone);
  assert_time (h[0], 900 * kMs, "no holdback: a GAP");

  PadProgress failed = audio (0, 100 * kMs);
  failed.silent = true;
  pads.push_back (failed);
  h = offline.horizons (pads, kTimeNone);
  assert_time (h[2], 900 * kMs, "failed: silence to the others' reach");
}
GST_END_TEST;

/* horizons, live: the clock moves every pad (held or not) to now less its
 * latency and the margin; audio a pad has shown still counts. */
GST_START_TEST (test_horizons_live)
{
  const HorizonPolicy live (true);
  std::vector<PadProgress> pads
      = { audio (0, 300 * kMs), audio (0, 200 * kMs, 2000 * kMs) };
  pads[1].upstream_latency = 100 * kMs;
  const Time now = 1000 * kMs;
  std::vector<Time> h = live.horizons (pads, now);
  assert_time (h[0], now - kLiveMargin, "no holdback: the clock");
  assert_time (h[1], now - 100 * kMs - kLiveMargin, "held: the clock");

  /* The others' reach does not move a held pad in a live pipeline. */
  pads[0].newest_end = 5000 * kMs;
  h = live.horizons (pads, now);
  assert_time (h[0], 5000 * kMs, "no holdback: what it has shown");
  assert_time (h[1], now - 100 * kMs - kLiveMargin, "held: still the clock");

  h = live.horizons (pads, kTimeNone);
  assert_time (h[1], 0, "held, no clock: its holdback horizon (none yet)");
}
GST_END_TEST;

static Suite *
horizon_suite (void)
{
  Suite *s = suite_create ("horizon");
  TCase *tc = tcase_create ("policy");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_later_of);
  tcase_add_test (tc, test_start_waits_for_every_pad);
  tcase_add_test (tc, test_start_idle_held_pad);
  tcase_add_test (tc, test_clock_horizon);
  tcase_add_test (tc, test_reach);
  tcase_add_test (tc, test_horizons_offline);
  tcase_add_test (tc, test_horizons_live);
  return s;
}

GST_CHECK_MAIN (horizon);
