/* recorderbin — libFuzzer target for the pure core as the session drives it:
 * two or three recorder::PadTimeline, the recorder::HorizonPolicy that
 * decides the start and the commit horizons, and the recorder::RecordingGate
 * of each output, applied exactly as Session::advance and the mux element
 * apply them (session.cpp, gstrecordermux.cpp), with no GStreamer object.
 *
 * The input bytes are a header (live or not, one output or one per pad,
 * silence or collapse, per pad: rate, holdback, upstream latency, caps or
 * none) and a sequence of operations: pushes (continuing, jittered, gapped,
 * backwards, untimestamped, at another rate), GAP events, SEGMENT and caps
 * changes (end_run + set_rate), flushes, bad input (the pad goes silent and
 * comes back), interrupt / pause / resume on a pad, pause-recording /
 * resume-recording, clock ticks (live), output pulls through the gates, EOS
 * on a pad; at the end EOS on every pad, or a teardown (interrupt the held
 * pads at "now", then end every input). kTimeNone ("now") is resolved as
 * Session::now_for and Session::now_for_recording do.
 *
 * Every pushed sample carries its identity in its payload (Ramp: pad, pad
 * sequence number, run, run index, scheduled time).
 *
 * REFERENCE MODEL (PadModel). Each pad has a second, independent model of
 * docs/timeline.md written per sample, not per piece: every sample has its
 * own fate (held, pending, committed, interrupted, overlap, flushed), its
 * own segment (start, origin) and heard time origin + floor((m - start) *
 * 1e9 / rate), and its grid position round((origin - A) * rate / 1e9) +
 * (m - start) from the pad's anchor A. Cuts fall before run sample start +
 * round((t - origin) * rate / 1e9) (DESIGN 4); a pause moves the held
 * samples at or after P and the open run's later ones to pending; a resume
 * moves each run's pending block so that its first sample is heard at R
 * (when it was due before R) and adds [P, max(P, R)) to the pauses that
 * later runs go through; an interrupt discards the held samples at or after
 * T and all pending ones; a newcomer loses every sample whose grid position
 * is taken by held audio (at hold) or lies before the committed end (at
 * commit); a commit at h emits, in grid order, the held samples before the
 * cut at h and fills silence up to h, never over held audio; committed
 * audio never changes. How many pending samples a pause that outlasts the
 * holdback drops is taken from PadTimeline::push's return value (the exact
 * count depends on how the implementation's pieces are cut), checked to be
 * within one sample of what the holdback allows, and the model drops that
 * many of its oldest pending samples itself.
 *
 * EXACT CHECKS, for every pad whose model is exact (below): after every
 * operation, the implementation's output equals the model's sample for
 * sample (which sample of which run, or silence, at which grid position,
 * with which pts), and so do newest_end, first_audio, committed_end,
 * paused, holds_audio, every PadStats counter and every event outcome
 * (applied, late, ignored); pending drops are within one sample of the
 * holdback. A pad's model is exact unless its rate changes (caps to
 * another rate) while it holds or has pending audio, or it receives a push
 * at a rate other than its grid's: from then on (mixed-rate held audio,
 * overlaps decided by time) that pad gets the invariant checks only.
 *
 * INVARIANT CHECKS, for every pad, always:
 *  - the chunks tile the pad's output from the recording's start: samples
 *    > 0, each pts is the previous end and lies on the grid (origin +
 *    floor(n * 1e9 / rate), a new grid only where the rate changes);
 *  - audio chunks stay inside their payload, have its rate and its pad;
 *  - every sample is emitted at most once, a flushed one never, and the
 *    samples of a run in increasing run order;
 *  - each sample is emitted no earlier than its scheduled time and no later
 *    than it plus the sum of that pad's applied pauses (3 samples slack);
 *  - stats: committed and silence samples equal the output; once nothing
 *    is held, and after finish, committed + interrupted + overlap +
 *    flushed == pushed; late_events counts exactly the events before the
 *    furthest horizon committed (every event after EOS);
 *  - outcomes: kIgnored exactly for a pause while paused and a resume while
 *    not paused;
 *  - HorizonPolicy agrees with the start rule of docs/design.md and the
 *    horizon table of docs/timeline.md; a non-silent, unpaused pad never
 *    holds audio heard before its newest end minus its holdback;
 *  - RecordingGate, on every block an output pulls (frames at the output
 *    rate from the start, pts on the grid): the kept / silenced / removed
 *    frames and the output pts equal an interval model of the cuts
 *    [cut_index(P - S), cut_index(R - S)) (open: to the end), as they stand
 *    when the block passes; outcomes, late events, silence samples and
 *    position agree.
 *
 * Environment: RECORDER_FUZZ_TRACE=1 prints every operation to stderr.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "fuzz-common.h"
#include "horizon.h"
#include "recordinggate.h"
#include "timeline.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <vector>

namespace
{

using recorder::Chunk;
using recorder::cut_index;
using recorder::EventOutcome;
using recorder::HorizonPolicy;
using recorder::kSecond;
using recorder::kTimeNone;
using recorder::later_of;
using recorder::PadProgress;
using recorder::PadTimeline;
using recorder::RecordingGate;
using recorder::samples_to_time;
using recorder::Time;

unsigned g_op = 0; /* the operation being checked, for failure messages */

/* RECORDER_FUZZ_STATS=1: how much of the input the exact model covered,
 * summed over the run and printed at exit (to tune the decoder). */
struct Coverage
{
  unsigned long inputs = 0, pads = 0, exact_pads = 0;
  unsigned long exact_samples = 0, exact_committed = 0, exact_overlap = 0,
                exact_interrupted = 0, exact_late = 0, exact_resumes = 0,
                exact_drops = 0, exact_flushed = 0, exact_multi_rate = 0;
  ~Coverage ()
  {
    if (inputs == 0)
      return;
    std::fprintf (stderr,
                  "fuzz_session: %lu inputs, %lu of %lu pads exact to the "
                  "end; in those: %lu samples, %lu committed, %lu overlap, "
                  "%lu interrupted, %lu flushed, %lu late events, %lu "
                  "resumes, %lu pending drops, %lu with a rate change\n",
                  inputs, exact_pads, pads, exact_samples, exact_committed,
                  exact_overlap, exact_interrupted, exact_flushed, exact_late,
                  exact_resumes, exact_drops, exact_multi_rate);
  }
};
Coverage *
coverage ()
{
  static Coverage *c = [] () -> Coverage * {
    static Coverage cov;
    return fuzz::env_flag ("RECORDER_FUZZ_STATS") ? &cov : nullptr;
  }();
  return c;
}

} // namespace

[[noreturn]] void
fuzz::fail (const char *file, int line, const char *what)
{
  std::fprintf (stderr, "fuzz_session: %s:%d: check failed at op %u: %s\n",
                file, line, g_op, what);
  std::abort ();
}

namespace
{

long long
ll (Time t)
{
  return t == kTimeNone ? -1 : static_cast<long long> (t);
}

const char *
outcome_name (EventOutcome o)
{
  return o == EventOutcome::kApplied ? "applied"
         : o == EventOutcome::kLate  ? "late"
                                     : "ignored";
}

using fuzz::Bytes;

const std::uint32_t kRates[] = { 8000, 11025, 16000, 22050, 44100, 48000 };
constexpr std::uint32_t kFallbackRate = 48000; /* session.cpp */
constexpr std::uint64_t kNoCut = UINT64_MAX;

Time
one_sample (std::uint32_t rate)
{
  return samples_to_time (1, rate);
}

/* Pushed audio: samples [seq, seq + count) of pad `pad`, which are run
 * samples [index, index + count) of run `run`, scheduled from run_origin. */
class Ramp : public recorder::Payload
{
public:
  Ramp (unsigned p, std::uint64_t s, std::uint64_t r, std::uint64_t i,
        std::uint64_t n, std::uint32_t rt, Time origin)
      : pad (p), seq (s), run (r), index (i), count (n), rate (rt),
        run_origin (origin)
  {
  }
  unsigned pad;
  std::uint64_t seq;
  std::uint64_t run;
  std::uint64_t index;
  std::uint64_t count;
  std::uint32_t rate;
  Time run_origin;
};

/* ---- the reference model of one pad ------------------------------------ */

enum class Fate : std::uint8_t
{
  kHeld,
  kPending,
  kCommitted,
  kInterrupted,
  kOverlap,
  kFlushed,
};

/* A stretch of the model's output: samples [seq, seq + count) (or silence,
 * seq < 0) at grid positions [pos, pos + count) of the grid that starts at
 * `origin` at `rate`. */
struct MOut
{
  std::int64_t seq;
  std::uint64_t count;
  std::uint32_t rate;
  Time origin;
  std::int64_t pos;
};

class PadModel
{
public:
  explicit PadModel (Time holdback) : holdback_ (holdback) {}

  bool exact = true;
  unsigned long resumes = 0, drops = 0, rate_changes = 0;
  std::uint64_t committed = 0, interrupted = 0, overlap = 0, silence = 0,
                late = 0, flushed = 0;
  std::vector<MOut> out;

  Time newest_end () const { return newest_end_; }
  Time first_audio () const { return first_audio_; }
  bool paused () const { return paused_; }
  bool started () const { return started_; }
  bool holds () const { return !held_.empty () || !pending_.empty (); }
  std::uint32_t grid_rate () const { return grate_; }
  Time committed_end () const
  {
    return started_ ? grid_time (gpos_) : kTimeNone;
  }

  void end_run () { run_.open = false; }

  void set_rate (std::uint32_t rate)
  {
    if (rate == 0 || rate == grate_)
      return;
    if (holds ())
      {
        exact = false; /* mixed rates: not modelled */
        return;
      }
    if (grate_ != 0)
      rate_changes++;
    if (started_ && gpos_ > 0)
      {
        origin_ = grid_time (gpos_);
        gpos_ = 0;
        anchor_ = origin_;
      }
    grate_ = rate;
  }

  /* `dropped`: what PadTimeline::push returned (see the header). */
  void push (Time pts, std::uint32_t rate, std::uint64_t n,
             std::uint64_t dropped)
  {
    if (rate != grate_)
      {
        exact = false; /* mixed rates: not modelled */
        return;
      }
    bool continues = run_.open && run_.rate == rate;
    if (continues && pts != kTimeNone)
      {
        const Time end = run_.sched + samples_to_time (run_.n, rate);
        const Time diff = pts > end ? pts - end : end - pts;
        continues = diff <= one_sample (rate);
      }
    if (!continues)
      {
        const Time start = pts != kTimeNone           ? pts
                           : newest_end_ != kTimeNone ? newest_end_
                           : started_                 ? committed_end ()
                                                      : 0;
        run_ = Run{};
        run_.open = true;
        run_.id = next_run_++;
        run_.rate = rate;
        run_.sched = start;
        run_.segs = { { 0, start } };
        /* Pauses that are over apply to a new run, in order. */
        for (const auto &[p, r] : history_)
          {
            const std::uint64_t m = run_.index_at (p);
            const Seg &seg = run_.seg_for (m);
            if (seg.origin + samples_to_time (m - seg.start, rate) >= r)
              continue;
            drop_switches_from (m);
            if (m == run_.segs[0].start)
              run_.segs[0].origin = r;
            else
              run_.segs.push_back ({ m, r });
          }
        if (paused_)
          run_.cut = run_.index_at (pause_at_);
      }
    if (!anchored_)
      {
        anchor_ = run_.segs[0].origin;
        anchored_ = true;
      }
    bool to_pending = false;
    for (std::uint64_t k = 0; k < n; k++)
      {
        const std::uint64_t j = run_.n + k;
        const Seg &seg = run_.seg_for (j);
        FUZZ_CHECK (j >= seg.start);
        Sample s{ run_.id, j, seg.start, seg.origin, 0, rate, Fate::kHeld };
        const Time heard = heard_start (s);
        if (first_audio_ == kTimeNone || heard < first_audio_)
          first_audio_ = heard;
        const std::uint64_t seq = samples_.size ();
        samples_.push_back (s);
        if (paused_ && run_.cut != kNoCut && j >= run_.cut)
          {
            samples_[seq].fate = Fate::kPending;
            pending_.push_back (seq);
            newest_end_ = later_of (newest_end_, heard_end (s));
            to_pending = true;
          }
        else
          hold (seq);
      }
    run_.n += n;
    while (run_.segs.size () > 1 && run_.segs[1].start <= run_.n)
      run_.segs.erase (run_.segs.begin ());

    /* A pause that outlasts the holdback drops the oldest pending audio. */
    if (!to_pending)
      {
        FUZZ_CHECK (dropped == 0);
        return;
      }
    const long double ns = 1e9L / rate;
    const long double before = pending_.size () * ns;
    FUZZ_CHECK (dropped <= pending_.size ());
    if (dropped == 0)
      {
        FUZZ_CHECK (before <= holdback_ + ns);
        return;
      }
    FUZZ_CHECK (before > holdback_);
    for (std::uint64_t k = 0; k < dropped; k++)
      samples_[pending_[k]].fate = Fate::kInterrupted;
    pending_.erase (pending_.begin (),
                    pending_.begin () + static_cast<std::ptrdiff_t> (dropped));
    interrupted += dropped;
    drops++;
    const long double after = pending_.size () * ns;
    FUZZ_CHECK (after <= holdback_ + ns);
    FUZZ_CHECK (pending_.empty () || after + ns >= holdback_);
  }

  EventOutcome pause (Time p)
  {
    if (paused_)
      return EventOutcome::kIgnored;
    const bool is_late = late_at (p);
    /* Held samples heard at or after p are unheard now. */
    std::vector<std::uint64_t> moved;
    for (auto it = scan_from (p); it != held_.end ();)
      {
        Sample &s = samples_[it->second];
        if (s.j >= cut_in (s, p))
          {
            moved.push_back (it->second);
            s.fate = Fate::kPending;
            it = held_.erase (it);
          }
        else
          ++it;
      }
    pending_.insert (pending_.end (), moved.begin (), moved.end ());
    if (run_.open)
      {
        run_.cut = run_.index_at (p);
        drop_switches_from (run_.cut);
      }
    paused_ = true;
    pause_at_ = p;
    return outcome (is_late);
  }

  EventOutcome resume (Time r)
  {
    if (!paused_)
      return EventOutcome::kIgnored;
    const bool is_late = late_at (r);
    /* Each run's pending block moves as one: its first sample at r, if it
     * was due before r. */
    struct Group
    {
      std::uint64_t run, first;
      bool shift;
    };
    std::vector<Group> groups;
    std::vector<std::uint64_t> pending;
    pending.swap (pending_);
    for (const std::uint64_t seq : pending)
      {
        Sample &s = samples_[seq];
        auto g = std::find_if (groups.begin (), groups.end (),
                               [&] (const Group &x) { return x.run == s.run; });
        if (g == groups.end ())
          {
            groups.push_back ({ s.run, s.j, heard_start (s) < r });
            g = groups.end () - 1;
          }
        if (g->shift)
          {
            s.o = r;
            s.f = g->first;
          }
        FUZZ_CHECK (s.j >= s.f);
        hold (seq);
      }
    if (run_.open && run_.cut != kNoCut)
      {
        auto g
            = std::find_if (groups.begin (), groups.end (),
                            [&] (const Group &x) { return x.run == run_.id; });
        std::uint64_t first;
        bool shift;
        if (g != groups.end ())
          {
            first = g->first;
            shift = g->shift;
          }
        else
          {
            first = std::max (run_.cut, run_.n);
            const Seg &seg = run_.seg_for (first);
            shift = seg.origin + samples_to_time (first - seg.start, run_.rate)
                    < r;
          }
        if (shift && run_.n > first)
          run_.segs[0] = { first, r };
        else if (shift)
          run_.segs.push_back ({ first, r });
        run_.cut = kNoCut;
      }
    history_.push_back ({ pause_at_, std::max (r, pause_at_) });
    paused_ = false;
    resumes++;
    return outcome (is_late);
  }

  EventOutcome interrupt (Time t)
  {
    const bool is_late = late_at (t);
    for (auto it = scan_from (t); it != held_.end ();)
      {
        Sample &s = samples_[it->second];
        if (s.j >= cut_in (s, t))
          {
            s.fate = Fate::kInterrupted;
            interrupted++;
            it = held_.erase (it);
          }
        else
          ++it;
      }
    if (paused_)
      {
        for (const std::uint64_t seq : pending_)
          samples_[seq].fate = Fate::kInterrupted;
        interrupted += pending_.size ();
        pending_.clear ();
        paused_ = false;
      }
    if (newest_end_ != kTimeNone && newest_end_ > t)
      {
        const Time newest = newest_held_end ();
        newest_end_ = (newest == kTimeNone || newest < t) ? t : newest;
      }
    run_.open = false;
    return outcome (is_late);
  }

  std::uint64_t flush ()
  {
    std::uint64_t n = held_.size () + pending_.size ();
    for (const auto &[pos, seq] : held_)
      samples_[seq].fate = Fate::kFlushed;
    for (const std::uint64_t seq : pending_)
      samples_[seq].fate = Fate::kFlushed;
    held_.clear ();
    pending_.clear ();
    paused_ = false;
    run_.open = false;
    flushed += n;
    return n;
  }

  void start (Time s)
  {
    started_ = true;
    origin_ = s;
    gpos_ = 0;
    if (!anchored_)
      {
        anchor_ = s;
        anchored_ = true;
      }
  }

  void commit (Time h)
  {
    if (!started_)
      return;
    ct_ = (h == kTimeNone || ct_ == kTimeNone) ? kTimeNone : std::max (ct_, h);
    /* In grid order, what is before the cut at h. */
    while (!held_.empty ())
      {
        const auto it = held_.begin ();
        const Sample &s = samples_[it->second];
        if (h != kTimeNone && (heard_start (s) >= h || s.j >= cut_in (s, h)))
          break;
        const std::uint64_t seq = it->second;
        held_.erase (it);
        emit (seq);
      }
    if (h != kTimeNone && grate_ != 0)
      {
        /* Silence up to h, but not over held audio. */
        std::int64_t until = offset () + anchored (h, grate_);
        if (!held_.empty ())
          until = std::min (until, offset () + held_.begin ()->first);
        emit_silence (until);
      }
  }

  void finish ()
  {
    if (paused_)
      {
        for (const std::uint64_t seq : pending_)
          samples_[seq].fate = Fate::kInterrupted;
        interrupted += pending_.size ();
        pending_.clear ();
        paused_ = false;
      }
    commit (kTimeNone);
  }

  /* Heard start of the held samples, the earliest; kTimeNone if none. */
  Time earliest_held () const
  {
    Time t = kTimeNone;
    for (const auto &[pos, seq] : held_)
      {
        const Time h = heard_start (samples_[seq]);
        t = t == kTimeNone ? h : std::min (t, h);
        if (pos > held_.begin ()->first + 2)
          break;
      }
    return t;
  }

private:
  struct Seg
  {
    std::uint64_t start;
    Time origin;
  };
  struct Run
  {
    bool open = false;
    std::uint64_t id = 0;
    std::uint32_t rate = 0;
    Time sched = 0;
    std::uint64_t n = 0;
    std::vector<Seg> segs{ { 0, 0 } }; /* [0]: current, then switches */
    std::uint64_t cut = kNoCut;        /* while paused */

    const Seg &seg_for (std::uint64_t m) const
    {
      const Seg *s = &segs[0];
      for (const Seg &x : segs)
        if (x.start <= m)
          s = &x;
      return *s;
    }
    /* First run index heard at or after t. */
    std::uint64_t index_at (Time t) const
    {
      for (std::size_t i = 0; i < segs.size (); i++)
        {
          if (t <= segs[i].origin)
            return segs[i].start;
          const std::uint64_t m
              = segs[i].start + cut_index (t - segs[i].origin, rate);
          if (i + 1 == segs.size () || m < segs[i + 1].start)
            return m;
        }
      return segs[0].start;
    }
  };
  struct Sample
  {
    std::uint64_t run;
    std::uint64_t j; /* run index */
    std::uint64_t f; /* its segment: run index f is heard at o */
    Time o;
    std::int64_t apos; /* grid position from the anchor, once held */
    std::uint32_t rate;
    Fate fate;
  };

  static Time heard_start (const Sample &s)
  {
    return s.o + samples_to_time (s.j - s.f, s.rate);
  }
  static Time heard_end (const Sample &s)
  {
    return s.o + samples_to_time (s.j + 1 - s.f, s.rate);
  }
  /* The run index a cut at t falls before, in the sample's segment. */
  static std::uint64_t cut_in (const Sample &s, Time t)
  {
    return t > s.o ? s.f + cut_index (t - s.o, s.rate) : s.f;
  }

  std::int64_t anchored (Time t, std::uint32_t rate) const
  {
    if (t >= anchor_)
      return static_cast<std::int64_t> (cut_index (t - anchor_, rate));
    return -static_cast<std::int64_t> (cut_index (anchor_ - t, rate));
  }
  std::int64_t offset () const { return -anchored (origin_, grate_); }
  Time grid_time (std::int64_t pos) const
  {
    if (grate_ == 0)
      return origin_;
    return origin_ + samples_to_time (static_cast<std::uint64_t> (pos), grate_);
  }
  bool late_at (Time t) const
  {
    return started_ && (ct_ == kTimeNone || t < ct_);
  }
  EventOutcome outcome (bool is_late)
  {
    if (is_late)
      late++;
    return is_late ? EventOutcome::kLate : EventOutcome::kApplied;
  }
  void drop_switches_from (std::uint64_t m)
  {
    while (run_.segs.size () > 1 && run_.segs.back ().start >= m)
      run_.segs.pop_back ();
  }
  /* Held samples a cut at t can reach start at most one grid position
   * before t's (a position is rounded once per segment): the ones before
   * are left alone. */
  std::map<std::int64_t, std::uint64_t>::iterator scan_from (Time t)
  {
    if (held_.empty ())
      return held_.end ();
    const std::uint32_t rate = samples_[held_.begin ()->second].rate;
    return held_.lower_bound (anchored (t, rate) - 2);
  }
  Time newest_held_end () const
  {
    Time t = kTimeNone;
    for (auto it = held_.rbegin (); it != held_.rend (); ++it)
      {
        if (it->first + 3 < held_.rbegin ()->first)
          break;
        t = later_of (t, heard_end (samples_[it->second]));
      }
    return t;
  }

  void hold (std::uint64_t seq)
  {
    Sample &s = samples_[seq];
    s.apos = anchored (s.o, s.rate) + static_cast<std::int64_t> (s.j - s.f);
    if (held_.count (s.apos))
      {
        s.fate = Fate::kOverlap; /* held audio keeps its place */
        overlap++;
        return;
      }
    held_[s.apos] = seq;
    s.fate = Fate::kHeld;
    newest_end_ = later_of (newest_end_, heard_end (s));
  }

  void append (std::int64_t seq, std::uint64_t n)
  {
    if (!out.empty ())
      {
        MOut &last = out.back ();
        const bool same_kind
            = seq < 0 ? last.seq < 0
                      : last.seq >= 0
                            && last.seq + static_cast<std::int64_t> (last.count)
                                   == seq;
        if (same_kind && last.rate == grate_ && last.origin == origin_
            && last.pos + static_cast<std::int64_t> (last.count) == gpos_)
          {
            last.count += n;
            gpos_ += static_cast<std::int64_t> (n);
            return;
          }
      }
    out.push_back ({ seq, n, grate_, origin_, gpos_ });
    gpos_ += static_cast<std::int64_t> (n);
  }

  void emit_silence (std::int64_t until)
  {
    if (grate_ == 0 || until <= gpos_)
      return;
    const std::uint64_t n = static_cast<std::uint64_t> (until - gpos_);
    silence += n;
    append (-1, n);
  }

  void emit (std::uint64_t seq)
  {
    Sample &s = samples_[seq];
    const std::int64_t p = offset () + s.apos;
    if (p < gpos_)
      {
        s.fate = Fate::kOverlap; /* committed audio keeps its place */
        overlap++;
        return;
      }
    emit_silence (p);
    append (static_cast<std::int64_t> (seq), 1);
    s.fate = Fate::kCommitted;
    committed++;
  }

  Time holdback_;
  Run run_;
  std::uint64_t next_run_ = 1;
  std::vector<std::pair<Time, Time>> history_;
  bool paused_ = false;
  Time pause_at_ = 0;
  std::vector<Sample> samples_;                /* by pad sequence number */
  std::map<std::int64_t, std::uint64_t> held_; /* grid position -> seq */
  std::vector<std::uint64_t> pending_;         /* oldest first */
  Time first_audio_ = kTimeNone;
  Time newest_end_ = kTimeNone;
  bool started_ = false;
  bool anchored_ = false;
  Time anchor_ = 0;
  Time origin_ = 0;
  std::uint32_t grate_ = 0;
  std::int64_t gpos_ = 0;
  Time ct_ = 0; /* the furthest horizon committed; kTimeNone after finish */
};

/* ---- invariants over one pad's output ----------------------------------- */

class PadChecker
{
public:
  PadChecker (unsigned pad) : pad_ (pad) {}

  std::uint64_t audio = 0, silence = 0;
  Time shift_bound = 0; /* sum of the pad's applied pauses */

  void started (Time s)
  {
    end_ = s;
    start_ = s;
  }
  /* The grid may start anew at a chunk boundary from now on (its rate
   * changed, or audio of another rate was pushed: emitting it rebases the
   * grid even if all of it loses to committed audio), until the pad holds
   * no audio. */
  void rebase () { rebase_ = true; }
  void settled ()
  {
    once_ = once_ || rebase_; /* the last one may not be seen yet */
    rebase_ = false;
  }
  void pushed (std::uint64_t n) { state_.resize (state_.size () + n, 0); }
  /* Samples not emitted so far never will be. */
  void flushed ()
  {
    for (std::uint8_t &s : state_)
      if (s == 0)
        s = 2;
  }
  Time end () const { return end_; }

  void feed (const Chunk &c)
  {
    TRACE ("    pad %u chunk %lld +%llu @%u (%lld ns): %s %lld\n", pad_,
           ll (c.pts), (unsigned long long)c.samples, c.rate, ll (c.duration),
           c.payload ? "seq" : "silence",
           c.payload
               ? ll (static_cast<const Ramp &> (*c.payload).seq + c.offset)
               : 0);
    FUZZ_CHECK (c.samples > 0);
    FUZZ_CHECK (c.rate > 0);
    FUZZ_CHECK (end_ != kTimeNone);
    FUZZ_CHECK (c.pts == end_);
    /* The grids the chunks so far are on (more than one while a rebase at
     * the same rate cannot be told apart yet). */
    if (c.rate != rate_)
      {
        rate_ = c.rate;
        grids_.clear ();
      }
    if (grids_.empty () || rebase_ || once_)
      grids_.push_back ({ c.pts, 0 });
    once_ = false;
    std::vector<std::pair<Time, std::uint64_t>> on;
    for (const auto &[origin, pos] : grids_)
      if (c.pts == origin + samples_to_time (pos, rate_)
          && c.pts + c.duration
                 == origin + samples_to_time (pos + c.samples, rate_)
          && (on.empty () || on.back ().first != origin))
        on.push_back ({ origin, pos + c.samples });
    FUZZ_CHECK (!on.empty ()); /* on the grid */
    grids_.swap (on);
    end_ = c.pts + c.duration;
    if (!c.payload)
      {
        silence += c.samples;
        return;
      }
    const Ramp *p = dynamic_cast<const Ramp *> (c.payload.get ());
    FUZZ_CHECK (p != nullptr);
    FUZZ_CHECK (p->pad == pad_);
    FUZZ_CHECK (p->rate == c.rate);
    FUZZ_CHECK (c.offset + c.samples <= p->count);
    for (std::uint64_t k = 0; k < c.samples; k++)
      {
        std::uint8_t &s = state_.at (p->seq + c.offset + k);
        FUZZ_CHECK (s != 1); /* at most once */
        FUZZ_CHECK (s != 2); /* never after its flush */
        s = 1;
      }
    const std::uint64_t first = p->index + c.offset;
    auto it = next_.find (p->run);
    if (it != next_.end ())
      FUZZ_CHECK (first >= it->second); /* a run in order */
    next_[p->run] = first + c.samples;
    const Time sched = p->run_origin + samples_to_time (first, c.rate);
    const Time slack = 3 * one_sample (c.rate);
    FUZZ_CHECK (c.pts + slack >= sched);
    FUZZ_CHECK (c.pts <= sched + shift_bound + slack);
    audio += c.samples;
  }

private:
  unsigned pad_;
  Time start_ = kTimeNone;
  Time end_ = kTimeNone;
  std::uint32_t rate_ = 0;
  std::vector<std::pair<Time, std::uint64_t>> grids_; /* origin, position */
  bool rebase_ = false, once_ = false;
  std::vector<std::uint8_t> state_; /* per seq: 0 not yet, 1 emitted, 2 dead */
  std::map<std::uint64_t, std::uint64_t> next_; /* run -> next index */
};

/* ---- the whole-recording gate's model ----------------------------------- */

/* Frames of one block: kept, silenced or removed, as runs. */
enum class Frame : std::uint8_t
{
  kKeep,
  kSilence,
  kRemove,
};
using FrameRuns = std::vector<std::pair<Frame, std::uint64_t>>;

void
add_run (FrameRuns &runs, Frame f, std::uint64_t n)
{
  if (n == 0)
    return;
  if (!runs.empty () && runs.back ().first == f)
    runs.back ().second += n;
  else
    runs.emplace_back (f, n);
}

class GateModel
{
public:
  std::uint64_t silence = 0, late = 0;
  Time position = kTimeNone;
  bool collapse = false;

  EventOutcome pause (Time p)
  {
    if (open_)
      return EventOutcome::kIgnored;
    const bool is_late = position != kTimeNone && p < position;
    cuts_.push_back ({ p, kTimeNone });
    open_ = true;
    return outcome (is_late);
  }
  EventOutcome resume (Time r)
  {
    if (!open_)
      return EventOutcome::kIgnored;
    const bool is_late = position != kTimeNone && r < position;
    cuts_.back ().second = std::max (r, cuts_.back ().first);
    open_ = false;
    return outcome (is_late);
  }

  /* Frames [first, first + n) at `rate` of the stream from `origin`. */
  FrameRuns process (Time origin, std::uint32_t rate, std::uint64_t first,
                     std::uint64_t n, Time pts, Time &out_pts)
  {
    if (!began_)
      {
        began_ = true;
        out_origin_ = pts;
      }
    /* The removed frames: the union of the cuts, clipped to the block. */
    std::vector<std::pair<std::uint64_t, std::uint64_t>> removed;
    for (const auto &[p, r] : cuts_)
      {
        const std::uint64_t a = p <= origin ? 0 : cut_index (p - origin, rate);
        const std::uint64_t b = r == kTimeNone ? first + n
                                : r <= origin  ? 0
                                               : cut_index (r - origin, rate);
        const std::uint64_t lo = std::max (a, first);
        const std::uint64_t hi = std::min (b, first + n);
        if (lo < hi)
          removed.emplace_back (lo, hi);
      }
    std::sort (removed.begin (), removed.end ());
    std::vector<std::pair<std::uint64_t, std::uint64_t>> merged;
    for (const auto &iv : removed)
      if (!merged.empty () && iv.first <= merged.back ().second)
        merged.back ().second = std::max (merged.back ().second, iv.second);
      else
        merged.push_back (iv);
    out_pts = collapse ? out_origin_ + samples_to_time (kept_, rate) : pts;
    FrameRuns runs;
    std::uint64_t at = first;
    for (const auto &[lo, hi] : merged)
      {
        add_run (runs, Frame::kKeep, lo - at);
        kept_ += lo - at;
        add_run (runs, collapse ? Frame::kRemove : Frame::kSilence, hi - lo);
        if (!collapse)
          silence += hi - lo;
        at = hi;
      }
    add_run (runs, Frame::kKeep, first + n - at);
    kept_ += first + n - at;
    position = origin + samples_to_time (first + n, rate);
    return runs;
  }

private:
  EventOutcome outcome (bool is_late)
  {
    if (is_late)
      late++;
    return is_late ? EventOutcome::kLate : EventOutcome::kApplied;
  }
  std::vector<std::pair<Time, Time>> cuts_;
  bool open_ = false;
  bool began_ = false;
  Time out_origin_ = 0;
  std::uint64_t kept_ = 0;
};

/* ---- the pads and outputs, as Session holds them ------------------------- */

struct Pad
{
  Pad (unsigned i, Time holdback)
      : index (i), tl (holdback), model (holdback), check (i)
  {
  }
  unsigned index;
  PadTimeline tl;
  PadModel model;
  PadChecker check;
  Time gap_end = kTimeNone;
  Time latency = 0;
  bool eos = false, finished = false, failed = false;
  std::uint32_t rate = 0; /* the current caps' rate; 0: no caps yet */
  Time ct = 0;            /* the furthest horizon committed */

  std::vector<Chunk> out;
  std::size_t fed = 0; /* chunks the checker has seen */
  /* Comparison cursors: impl chunk / sample, model entry / sample. */
  std::size_t ci = 0, mi = 0;
  std::uint64_t ck = 0, mk = 0;

  /* The run as the harness sees it (for the payloads). */
  bool open = false;
  std::uint64_t run = 0;
  Time run_origin = 0;
  std::uint64_t run_n = 0;
  std::uint32_t run_rate = 0;
  Time pause_at = kTimeNone;
  Time last_event = 0;
  std::uint64_t pushed = 0, flushed = 0;
};

struct Output
{
  std::vector<unsigned> pads;
  RecordingGate gate;
  GateModel model;
  std::uint64_t frames = 0; /* pulled so far */
};

class Rig
{
public:
  bool live = false;
  bool tame = false;
  Time clock = 0; /* running time of the clock, when live */
  Time start = kTimeNone;
  std::uint32_t output_rate = 0;
  std::vector<std::unique_ptr<Pad>> pads;
  std::vector<Output> outputs;

  Time clock_now () const { return live ? clock : kTimeNone; }

  /* Session::now_for */
  Time now_for (const Pad &pad) const
  {
    const Time now = clock_now ();
    if (now != kTimeNone)
      return now;
    if (pad.tl.started ())
      return pad.tl.committed_end ();
    const Time seen = later_of (pad.tl.newest_end (), pad.gap_end);
    return seen == kTimeNone ? 0 : seen;
  }

  /* Session::now_for_recording */
  Time now_for_recording () const
  {
    Time t = clock_now ();
    if (t == kTimeNone)
      t = HorizonPolicy::reach (progress ());
    if (t == kTimeNone)
      for (const auto &pad : pads)
        t = later_of (t, pad->tl.committed_end ());
    if (t == kTimeNone)
      t = start != kTimeNone ? start : 0;
    return t;
  }

  /* Session::progress */
  std::vector<PadProgress> progress () const
  {
    std::vector<PadProgress> out;
    for (const auto &pad : pads)
      out.push_back (recorder::progress_of (pad->tl, pad->gap_end, pad->latency,
                                            pad->eos, pad->failed));
    return out;
  }

  bool all_ended () const
  {
    for (const auto &pad : pads)
      if (!pad->eos)
        return false;
    return true;
  }

  /* Session::advance, with the checks. */
  void advance ()
  {
    const bool had_start = start != kTimeNone;
    if (!had_start)
      decide_start ();
    if (start == kTimeNone)
      {
        if (all_ended ())
          for (auto &pad : pads)
            if (!pad->finished)
              finish_pad (*pad);
        verify ();
        return;
      }
    const HorizonPolicy policy (live);
    const Time now = clock_now ();
    std::vector<PadProgress> prog = progress ();
    std::vector<Time> h = policy.horizons (prog, now);
    check_horizons (prog, now, h);
    for (std::size_t i = 0; i < pads.size (); i++)
      if (pads[i]->tl.holdback () == 0 && !pads[i]->failed)
        commit_pad (*pads[i], h[i]);
    prog = progress ();
    h = policy.horizons (prog, now);
    check_horizons (prog, now, h);
    for (std::size_t i = 0; i < pads.size (); i++)
      if (pads[i]->tl.holdback () > 0 || pads[i]->failed)
        commit_pad (*pads[i], h[i]);
    for (auto &pad : pads)
      if (pad->eos && !pad->finished)
        finish_pad (*pad);
    verify ();
    check_holdback ();
  }

  /* Output pulls: every frame all of an output's pads have committed. */
  void pull (Bytes *in)
  {
    if (start == kTimeNone)
      return;
    for (Output &o : outputs)
      {
        const std::uint32_t rate = output_rate ? output_rate : kFallbackRate;
        std::uint64_t target = UINT64_MAX, longest = 0;
        for (unsigned i : o.pads)
          {
            const Pad &pad = *pads[i];
            const Time end = pad.tl.committed_end ();
            const std::uint64_t f
                = end <= start ? 0 : cut_index (end - start, rate);
            longest = std::max (longest, f);
            if (!pad.finished)
              target = std::min (target, f);
          }
        if (target == UINT64_MAX)
          target = longest;
        while (o.frames < target)
          {
            std::uint64_t n = target - o.frames;
            if (in && !in->empty ())
              n = std::min<std::uint64_t> (n, 1 + in->u16 ());
            gate_block (o, rate, n);
          }
      }
  }

  void verify_final ()
  {
    for (auto &pad : pads)
      {
        FUZZ_CHECK (pad->finished);
        const recorder::PadStats &s = pad->tl.stats ();
        FUZZ_CHECK (!pad->tl.holds_audio ());
        FUZZ_CHECK (s.committed_samples + s.interrupted_samples
                        + s.overlap_samples + pad->flushed
                    == pad->pushed);
        if (pad->model.exact)
          FUZZ_CHECK (pad->ci == pad->out.size ());
      }
    for (Output &o : outputs)
      {
        FUZZ_CHECK (o.gate.silence_samples () == o.model.silence);
        FUZZ_CHECK (o.gate.late_events () == o.model.late);
        FUZZ_CHECK (o.gate.position () == o.model.position);
      }
  }

  void decide_start ()
  {
    const std::vector<PadProgress> prog = progress ();
    const Time s = HorizonPolicy (live).start (prog, clock_now ());
    FUZZ_CHECK (s == expected_start (prog));
    if (s == kTimeNone)
      return;
    TRACE ("  start %lld\n", ll (s));
    start = s;
    for (auto &pad : pads)
      {
        if (pad->tl.grid_rate () == 0)
          {
            const std::uint32_t r = output_rate ? output_rate : kFallbackRate;
            pad->tl.set_rate (r);
            pad->model.set_rate (r);
          }
        pad->tl.start (s);
        pad->model.start (s);
        pad->check.started (s);
      }
  }

  void commit_pad (Pad &pad, Time h)
  {
    if (pad.finished || h == kTimeNone)
      return;
    pad.tl.commit (h, pad.out);
    if (pad.model.exact)
      pad.model.commit (h);
    pad.ct = std::max (pad.ct, h);
  }

  void finish_pad (Pad &pad)
  {
    TRACE ("  finish pad %u\n", pad.index);
    if (start != kTimeNone)
      {
        pad.tl.finish (pad.out);
        FUZZ_CHECK (!pad.tl.paused ());
        FUZZ_CHECK (!pad.tl.holds_audio ());
        if (pad.model.exact)
          pad.model.finish ();
        pad.ct = kTimeNone;
      }
    pad.finished = true;
  }

  /* After every operation: the outputs so far, the stats, the state. */
  void verify ()
  {
    for (auto &pp : pads)
      {
        Pad &pad = *pp;
        for (; pad.fed < pad.out.size (); pad.fed++)
          pad.check.feed (pad.out[pad.fed]);
        if (!pad.tl.holds_audio () && pad.tl.grid_rate () == pad.rate)
          pad.check.settled ();
        const recorder::PadStats &s = pad.tl.stats ();
        FUZZ_CHECK (s.committed_samples == pad.check.audio);
        FUZZ_CHECK (s.silence_samples == pad.check.silence);
        FUZZ_CHECK (s.committed_samples + s.interrupted_samples
                        + s.overlap_samples + pad.flushed
                    <= pad.pushed);
        if (!pad.tl.holds_audio ())
          FUZZ_CHECK (s.committed_samples + s.interrupted_samples
                          + s.overlap_samples + pad.flushed
                      == pad.pushed);
        if (pad.tl.started ())
          FUZZ_CHECK (pad.tl.committed_end () == pad.check.end ());
        if (pad.model.exact)
          compare (pad);
      }
  }

  void compare (Pad &pad)
  {
    const PadModel &m = pad.model;
    const recorder::PadStats &s = pad.tl.stats ();
    FUZZ_CHECK (pad.tl.newest_end () == m.newest_end ());
    FUZZ_CHECK (pad.tl.first_audio () == m.first_audio ());
    FUZZ_CHECK (pad.tl.committed_end () == m.committed_end ());
    FUZZ_CHECK (pad.tl.paused () == m.paused ());
    FUZZ_CHECK (pad.tl.holds_audio () == m.holds ());
    FUZZ_CHECK (s.committed_samples == m.committed);
    FUZZ_CHECK (s.interrupted_samples == m.interrupted);
    FUZZ_CHECK (s.overlap_samples == m.overlap);
    FUZZ_CHECK (s.silence_samples == m.silence);
    FUZZ_CHECK (s.late_events == m.late);
    FUZZ_CHECK (pad.flushed == m.flushed);
    /* The output, sample for sample. The model's last entry may still
     * grow, so the cursor stays on it once consumed. */
    while (pad.ci < pad.out.size ())
      {
        FUZZ_CHECK (pad.mi < m.out.size ());
        if (pad.mk == m.out[pad.mi].count)
          {
            pad.mi++;
            pad.mk = 0;
            continue;
          }
        const Chunk &c = pad.out[pad.ci];
        const MOut &e = m.out[pad.mi];
        FUZZ_CHECK (c.rate == e.rate);
        FUZZ_CHECK ((c.payload == nullptr) == (e.seq < 0));
        if (pad.ck == 0)
          FUZZ_CHECK (
              c.pts
              == e.origin
                     + samples_to_time (
                         static_cast<std::uint64_t> (
                             e.pos + static_cast<std::int64_t> (pad.mk)),
                         e.rate));
        if (c.payload)
          {
            const Ramp &p = static_cast<const Ramp &> (*c.payload);
            FUZZ_CHECK (p.seq + c.offset + pad.ck
                        == static_cast<std::uint64_t> (e.seq) + pad.mk);
          }
        const std::uint64_t n = std::min (c.samples - pad.ck, e.count - pad.mk);
        pad.ck += n;
        pad.mk += n;
        if (pad.ck == c.samples)
          {
            pad.ci++;
            pad.ck = 0;
          }
      }
    /* Both have committed as much. */
    FUZZ_CHECK (
        m.out.empty ()
        || (pad.mi + 1 == m.out.size () && pad.mk == m.out.back ().count));
  }

  /* The start rule of docs/design.md ("How the recording's start is
   * decided"). */
  Time expected_start (const std::vector<PadProgress> &prog) const
  {
    Time first = kTimeNone;
    for (const PadProgress &p : prog)
      if (p.first_audio != kTimeNone)
        first = first == kTimeNone ? p.first_audio
                                   : std::min (first, p.first_audio);
    if (first == kTimeNone)
      return kTimeNone;
    Time reach = kTimeNone;
    for (const PadProgress &p : prog)
      if (p.holdback == 0 && !p.silent)
        reach = later_of (reach, p.committed_end != kTimeNone
                                     ? later_of (p.committed_end, p.gap_end)
                                     : later_of (p.newest_end, p.gap_end));
    for (const PadProgress &p : prog)
      {
        if (p.first_audio != kTimeNone || p.ended || p.silent)
          continue;
        Time bound = p.gap_end;
        if (live)
          bound = later_of (bound, live_horizon (p));
        else if (p.holdback > 0)
          bound = later_of (bound, reach);
        if (bound == kTimeNone || bound < first)
          return kTimeNone;
      }
    return first;
  }

  Time live_horizon (const PadProgress &p) const
  {
    const Time behind = p.upstream_latency + recorder::kLiveMargin;
    return clock > behind ? clock - behind : 0;
  }

  /* The horizon table of docs/timeline.md. */
  void check_horizons (const std::vector<PadProgress> &prog, Time now,
                       const std::vector<Time> &h) const
  {
    (void)now;
    FUZZ_CHECK (h.size () == prog.size ());
    Time reach = kTimeNone;
    if (!live)
      for (const PadProgress &p : prog)
        if (p.holdback == 0 && !p.silent)
          reach = later_of (reach, p.committed_end != kTimeNone
                                       ? later_of (p.committed_end, p.gap_end)
                                       : later_of (p.newest_end, p.gap_end));
    for (std::size_t i = 0; i < prog.size (); i++)
      {
        const PadProgress &p = prog[i];
        Time e;
        if (p.silent)
          e = later_of (p.gap_end, reach);
        else if (p.holdback == 0)
          e = later_of (p.newest_end, p.gap_end);
        else
          {
            e = p.newest_end == kTimeNone   ? kTimeNone
                : p.newest_end > p.holdback ? p.newest_end - p.holdback
                                            : 0;
            if (p.gap_end != kTimeNone)
              e = later_of (e, p.gap_end > p.holdback ? p.gap_end - p.holdback
                                                      : 0);
            e = later_of (e, reach);
          }
        if (live)
          e = later_of (e, live_horizon (p));
        FUZZ_CHECK (h[i] == e);
      }
  }

  /* A pad never holds audio heard before its newest end minus its
   * holdback (once started, unless silent or paused). */
  void check_holdback () const
  {
    for (const auto &pad : pads)
      {
        const PadModel &m = pad->model;
        if (!m.exact || !m.started () || pad->failed || pad->finished
            || m.paused () || m.newest_end () == kTimeNone)
          continue;
        const Time hb = pad->tl.holdback ();
        const Time earliest = m.earliest_held ();
        if (earliest == kTimeNone || m.newest_end () <= hb)
          continue;
        FUZZ_CHECK (earliest + one_sample (m.grid_rate ())
                    >= m.newest_end () - hb);
      }
  }

  void gate_block (Output &o, std::uint32_t rate, std::uint64_t n)
  {
    const Time pts = start + samples_to_time (o.frames, rate);
    Time out_pts = 0, want_pts = 0;
    const std::vector<RecordingGate::Span> spans
        = o.gate.process (pts, rate, n, out_pts);
    const FrameRuns want
        = o.model.process (start, rate, o.frames, n, pts, want_pts);
    TRACE ("  gate: frames %llu +%llu at %lld: %zu spans\n",
           (unsigned long long)o.frames, (unsigned long long)n, ll (pts),
           spans.size ());
    FrameRuns got;
    std::uint64_t at = 0;
    for (const RecordingGate::Span &sp : spans)
      {
        FUZZ_CHECK (sp.samples > 0);
        FUZZ_CHECK (sp.offset >= at);
        FUZZ_CHECK (sp.offset + sp.samples <= n);
        add_run (got, Frame::kRemove, sp.offset - at);
        add_run (got, sp.silence ? Frame::kSilence : Frame::kKeep, sp.samples);
        at = sp.offset + sp.samples;
      }
    add_run (got, Frame::kRemove, n - at);
    FUZZ_CHECK (got == want);
    if (!spans.empty ())
      FUZZ_CHECK (out_pts == want_pts);
    FUZZ_CHECK (o.gate.position () == o.model.position);
    FUZZ_CHECK (o.gate.silence_samples () == o.model.silence);
    o.frames += n;
  }
};

/* Picks the time of an event on `pad`: "now" (kTimeNone), or near where
 * the pad's audio, output, open run or last event is. */
Time
pad_time (Bytes &in, const Rig &rig, const Pad &pad)
{
  const std::uint8_t sel = in.u8 ();
  if (sel < 40)
    return kTimeNone;
  Time base;
  switch (sel % 5)
    {
    case 0:
      base = pad.tl.newest_end ();
      break;
    case 1:
      base = pad.tl.committed_end ();
      break;
    case 2:
      base = pad.last_event;
      break;
    case 3:
      base = pad.run_origin
             + samples_to_time (pad.run_n, pad.run_rate ? pad.run_rate : 48000);
      break;
    default:
      base = rig.live ? rig.clock : HorizonPolicy::reach (rig.progress ());
      break;
    }
  if (base == kTimeNone)
    base = pad.last_event;
  const Time d = in.step ();
  if (sel & 0x80)
    return base > d ? base - d : 0;
  return base + d;
}

Time
recording_time (Bytes &in, const Rig &rig, Time last)
{
  const std::uint8_t sel = in.u8 ();
  if (sel < 40)
    return kTimeNone;
  Time base = (sel % 3) == 0   ? rig.now_for_recording ()
              : (sel % 3) == 1 ? last
                               : (rig.start == kTimeNone ? 0 : rig.start);
  const Time d = in.step ();
  if (sel & 0x80)
    return base > d ? base - d : 0;
  return base + d;
}

void
control (Rig &rig, Pad &pad, int kind, Time t)
{
  static const char *const names[] = { "interrupt", "pause", "resume" };
  const Time at = t == kTimeNone ? rig.now_for (pad) : t;
  const bool was_paused = pad.tl.paused ();
  const bool late_expected
      = pad.tl.started () && (pad.ct == kTimeNone || at < pad.ct);
  EventOutcome o, mo = EventOutcome::kApplied;
  switch (kind)
    {
    case 0:
      o = pad.tl.interrupt (at);
      if (pad.model.exact)
        mo = pad.model.interrupt (at);
      FUZZ_CHECK (o != EventOutcome::kIgnored);
      pad.pause_at = kTimeNone;
      break;
    case 1:
      o = pad.tl.pause (at);
      if (pad.model.exact)
        mo = pad.model.pause (at);
      FUZZ_CHECK ((o == EventOutcome::kIgnored) == was_paused);
      if (!was_paused)
        pad.pause_at = at;
      break;
    default:
      o = pad.tl.resume (at);
      if (pad.model.exact)
        mo = pad.model.resume (at);
      FUZZ_CHECK ((o == EventOutcome::kIgnored) == !was_paused);
      if (was_paused)
        {
          pad.check.shift_bound += std::max (at, pad.pause_at) - pad.pause_at;
          pad.pause_at = kTimeNone;
        }
      break;
    }
  TRACE ("%s pad %u at %lld%s: %s\n", names[kind], pad.index, ll (at),
         t == kTimeNone ? " (now)" : "", outcome_name (o));
  if (o != EventOutcome::kIgnored)
    FUZZ_CHECK ((o == EventOutcome::kLate) == late_expected);
  if (pad.model.exact)
    FUZZ_CHECK (o == mo);
  pad.last_event = at;
  if (kind == 0)
    pad.open = false;
}

void
push (Rig &rig, Pad &pad, Bytes &in)
{
  if (pad.eos || pad.failed || pad.rate == 0)
    return;
  std::uint32_t rate = pad.rate;
  const std::uint64_t n = 1 + in.u16 () % (rate / 10);
  const std::uint8_t how = in.u8 ();
  const Time one = one_sample (rate);
  const Time sched_end
      = pad.run_origin
        + samples_to_time (pad.run_n, pad.run_rate ? pad.run_rate : rate);
  const Time newest = pad.tl.newest_end ();
  Time pts;
  switch (how % 8)
    {
    case 0:
      pts = kTimeNone;
      break;
    case 1:
      pts = sched_end;
      break;
    case 2:
      pts = sched_end + (how >> 3) * one / 31;
      break;
    case 3:
      pts = std::max (sched_end, newest == kTimeNone ? 0 : newest)
            + in.u16 () * Time (20000) + in.u8 ();
      break;
    case 4:
      {
        const Time back = in.u16 () * Time (1000);
        pts = sched_end > back ? sched_end - back : 0;
        break;
      }
    case 5:
      {
        /* Near another pad's audio, or the clock. */
        const Pad &other = *rig.pads[in.u8 () % rig.pads.size ()];
        const Time base = rig.live ? rig.clock
                          : other.tl.newest_end () != kTimeNone
                              ? other.tl.newest_end ()
                              : 0;
        pts = base + in.step ();
        break;
      }
    case 6:
      pts = in.u16 () * Time (10000);
      break;
    default:
      if (!rig.tame && (how & 0x80))
        {
          /* A push at another rate than the caps' (the core allows it). */
          rate = kRates[(how >> 3) % 6];
          pts = kTimeNone;
        }
      else
        pts = sched_end + in.step ();
      break;
    }
  /* Where the core will place it: the payload records the schedule. */
  bool continues = pad.open && pad.run_rate == rate;
  if (continues && pts != kTimeNone)
    {
      const Time diff = pts > sched_end ? pts - sched_end : sched_end - pts;
      continues = diff <= one_sample (rate);
    }
  if (!continues)
    {
      pad.run++;
      pad.run_origin = pts != kTimeNone      ? pts
                       : newest != kTimeNone ? newest
                       : pad.tl.started ()   ? pad.tl.committed_end ()
                                             : 0;
      pad.run_n = 0;
      pad.run_rate = rate;
    }
  const auto payload = std::make_shared<Ramp> (
      pad.index, pad.pushed, pad.run, pad.run_n, n, rate, pad.run_origin);
  const std::uint64_t dropped = pad.tl.push (pts, rate, n, payload);
  TRACE ("push pad %u %s%lld @%u: %llu samples (seq %llu, run %llu from "
         "%llu): dropped %llu\n",
         pad.index, pts == kTimeNone ? "untimestamped, at " : "",
         ll (pts == kTimeNone ? pad.run_origin : pts), rate,
         (unsigned long long)n, (unsigned long long)pad.pushed,
         (unsigned long long)pad.run, (unsigned long long)pad.run_n,
         (unsigned long long)dropped);
  if (pad.model.exact)
    pad.model.push (pts, rate, n, dropped);
  if (rate != pad.rate)
    pad.check.rebase ();
  pad.check.pushed (n);
  pad.pushed += n;
  pad.run_n += n;
  pad.open = true;
  rig.advance ();
}

void
end_run (Pad &pad)
{
  pad.tl.end_run ();
  pad.model.end_run ();
  pad.open = false;
}

void
set_caps (Rig &rig, Pad &pad, std::uint32_t rate)
{
  if (rig.tame && pad.model.holds ())
    rate = pad.tl.grid_rate () ? pad.tl.grid_rate () : rate;
  TRACE ("caps pad %u: rate %u\n", pad.index, rate);
  end_run (pad);
  const std::uint32_t before = pad.tl.grid_rate ();
  pad.tl.set_rate (rate);
  if (pad.model.exact)
    pad.model.set_rate (rate);
  if (pad.tl.grid_rate () != before)
    pad.check.rebase ();
  pad.rate = rate;
  if (rig.output_rate == 0)
    rig.output_rate = rate;
}

} // namespace

extern "C" int
LLVMFuzzerTestOneInput (const std::uint8_t *data, std::size_t size)
{
  Bytes in (data, size);
  g_op = 0;
  Rig rig;
  const std::uint8_t flags = in.u8 ();
  rig.live = flags & 0x01;
  const bool separate = flags & 0x02;
  const bool collapse = flags & 0x04;
  const unsigned npads = (flags & 0x08) ? 3 : 2;
  rig.tame = flags & 0x10;
  const bool teardown = flags & 0x20;
  const bool rate_from_caps = flags & 0x40;
  rig.output_rate = rate_from_caps ? 0 : kRates[in.u8 () % 6];
  static const Time kHoldbacks[] = { 0,
                                     0,
                                     0,
                                     20 * 1000000ULL,
                                     150 * 1000000ULL,
                                     600 * 1000000ULL,
                                     3 * kSecond,
                                     1000 * kSecond };
  static const Time kLatencies[]
      = { 0, 10 * 1000000ULL, 50 * 1000000ULL, 200 * 1000000ULL };
  TRACE ("%s, %s, %s, %u pads, %s, output rate %u\n",
         rig.live ? "live" : "not live", separate ? "separate" : "one output",
         collapse ? "collapse" : "silence", npads, rig.tame ? "tame" : "wild",
         rig.output_rate);
  for (unsigned i = 0; i < npads; i++)
    {
      const std::uint8_t b = in.u8 ();
      const Time holdback = kHoldbacks[(b >> 3) & 7];
      auto pad = std::make_unique<Pad> (i, holdback);
      pad->latency = kLatencies[b >> 6];
      TRACE ("pad %u: holdback %lld, latency %lld, %s\n", i, ll (holdback),
             ll (pad->latency), (b & 7) < 6 ? "caps" : "no caps");
      rig.pads.push_back (std::move (pad));
      if ((b & 7) < 6)
        set_caps (rig, *rig.pads.back (), kRates[b & 7]);
    }
  if (separate)
    for (unsigned i = 0; i < npads; i++)
      rig.outputs.push_back (Output{ { i }, {}, {}, 0 });
  else
    {
      rig.outputs.push_back (Output{});
      for (unsigned i = 0; i < npads; i++)
        rig.outputs.back ().pads.push_back (i);
    }
  for (Output &o : rig.outputs)
    {
      o.gate.set_mode (collapse ? RecordingGate::Mode::kCollapse
                                : RecordingGate::Mode::kSilence);
      o.model.collapse = collapse;
    }
  rig.clock = in.u16 () * Time (10000);

  Time last_rec = 0;
  std::uint64_t total = 0;
  while (!in.empty () && g_op < 1500 && total < 300000)
    {
      g_op++;
      const std::uint8_t op = in.u8 ();
      Pad &pad = *rig.pads[in.u8 () % npads];
      switch (op % 20)
        {
        case 0:
        case 1:
        case 2:
        case 3:
        case 4:
          {
            const std::uint64_t before = pad.pushed;
            push (rig, pad, in);
            total += pad.pushed - before;
            break;
          }
        case 5:
          {
            /* GAP event: the run ends; known silence up to its end. */
            Time base = pad.tl.newest_end ();
            if (base == kTimeNone || (op & 0x80))
              base = later_of (pad.gap_end, rig.live ? rig.clock : 0);
            const Time end = (base == kTimeNone ? 0 : base) + in.step ();
            TRACE ("gap pad %u to %lld\n", pad.index, ll (end));
            end_run (pad);
            pad.gap_end = later_of (pad.gap_end, end);
            rig.advance ();
            break;
          }
        case 6:
        case 7:
          control (rig, pad, 0, pad_time (in, rig, pad));
          rig.advance ();
          break;
        case 8:
        case 9:
          control (rig, pad, 1, pad_time (in, rig, pad));
          rig.advance ();
          break;
        case 10:
        case 11:
          control (rig, pad, 2, pad_time (in, rig, pad));
          rig.advance ();
          break;
        case 12:
        case 13:
          {
            const bool pause = op % 20 == 12;
            const Time t = recording_time (in, rig, last_rec);
            const Time at = t == kTimeNone ? rig.now_for_recording () : t;
            for (Output &o : rig.outputs)
              {
                const EventOutcome got
                    = pause ? o.gate.pause (at) : o.gate.resume (at);
                const EventOutcome want
                    = pause ? o.model.pause (at) : o.model.resume (at);
                FUZZ_CHECK (got == want);
              }
            TRACE ("%s at %lld%s\n",
                   pause ? "pause-recording" : "resume-recording", ll (at),
                   t == kTimeNone ? " (now)" : "");
            last_rec = at;
            rig.advance ();
            break;
          }
        case 14:
          {
            TRACE ("flush pad %u\n", pad.index);
            const recorder::PadStats &s = pad.tl.stats ();
            const std::uint64_t inflight = pad.pushed - s.committed_samples
                                           - s.interrupted_samples
                                           - s.overlap_samples - pad.flushed;
            pad.tl.flush ();
            pad.pause_at = kTimeNone;
            if (pad.model.exact)
              FUZZ_CHECK (pad.model.flush () == inflight);
            pad.flushed += inflight;
            pad.check.flushed ();
            pad.open = false;
            FUZZ_CHECK (!pad.tl.holds_audio ());
            break;
          }
        case 15:
          /* A caps event: the run ends, maybe at another rate. */
          set_caps (rig, pad, kRates[in.u8 () % 6]);
          break;
        case 16:
          if (!pad.eos)
            {
              TRACE ("eos pad %u\n", pad.index);
              pad.eos = true;
              rig.advance ();
            }
          break;
        case 17:
          /* The clock runs (live); an output's task advances. */
          if (rig.live)
            rig.clock += in.step () * (1 + (op >> 6));
          TRACE ("tick: clock %lld\n", ll (rig.clock));
          rig.advance ();
          break;
        case 18:
          TRACE ("pull\n");
          rig.pull (&in);
          break;
        default:
          if (op & 0x80)
            {
              /* A segment: the run ends. */
              TRACE ("segment pad %u\n", pad.index);
              end_run (pad);
            }
          else
            {
              /* Bad input (refused caps or segment), or usable again. */
              pad.failed = !pad.failed;
              TRACE ("pad %u %s\n", pad.index,
                     pad.failed ? "fails" : "recovers");
              if (pad.failed)
                end_run (pad);
              rig.advance ();
            }
          break;
        }
      rig.verify ();
    }

  g_op++;
  if (teardown)
    {
      /* gst_recorder_mux_drop_unheard, then end_inputs. */
      TRACE ("teardown\n");
      for (auto &pad : rig.pads)
        if (!pad->eos && pad->tl.holdback () > 0)
          control (rig, *pad, 0, kTimeNone);
      rig.advance ();
      for (auto &pad : rig.pads)
        pad->eos = true;
      rig.advance ();
    }
  else
    for (auto &pad : rig.pads)
      if (!pad->eos)
        {
          TRACE ("eos pad %u\n", pad->index);
          pad->eos = true;
          rig.advance ();
        }
  rig.pull (nullptr);
  rig.verify_final ();
  if (Coverage *c = coverage ())
    {
      c->inputs++;
      for (const auto &pad : rig.pads)
        {
          c->pads++;
          const PadModel &m = pad->model;
          if (!m.exact)
            continue;
          c->exact_pads++;
          c->exact_samples += pad->pushed;
          c->exact_committed += m.committed;
          c->exact_overlap += m.overlap;
          c->exact_interrupted += m.interrupted;
          c->exact_flushed += m.flushed;
          c->exact_late += m.late;
          c->exact_resumes += m.resumes;
          c->exact_drops += m.drops;
          c->exact_multi_rate += m.rate_changes > 0;
        }
    }
  return 0;
}
