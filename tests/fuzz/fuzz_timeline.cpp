/* recorderbin — libFuzzer target for the per-pad timeline core.
 *
 * The input bytes are decoded into a sequence of operations on one
 * recorder::PadTimeline (push, pause, resume, interrupt, commit, end_run,
 * set_rate, finish). Audio is a ramp (sample value = global sample number),
 * always scheduled in order (a new run starts no earlier than the newest
 * audio is heard); events come in time order. After every operation the
 * output is checked, and abort() is called on the first violation of the
 * invariants of DESIGN.md section 4:
 *
 *  - the chunks tile the output timeline from the recording start: each
 *    starts where the previous one ended, has samples > 0, a duration of
 *    samples / rate rounded either way, and the timestamps do not drift;
 *  - audio chunks stay inside their payload;
 *  - every pushed sample is emitted at most once;
 *  - the stats agree with the output (committed / silence samples), count
 *    every sample push() reports dropped, and once nothing is held,
 *    committed + interrupted + overlap == pushed; after finish() nothing is
 *    held and the sum is exact; late_events grows by at most one per event;
 *  - event outcomes: kIgnored exactly for a pause while paused and a resume
 *    while not paused.
 *
 * The first byte picks a rate and two modes:
 *  - ordered (bit 7): a pause only ever cuts the newest run and no run starts
 *    while another waits for a resume, so no two runs land on each other;
 *    DESIGN 4 then implies every sample is emitted in push order, checked.
 *  - differential (bit 6): commits only reach up to where no later event or
 *    audio reaches back, and a second timeline gets the same pushes and
 *    events but commits only at the end. Committing only makes things
 *    irrevocable, so both outputs must be identical, sample for sample.
 *
 * Environment: RECORDER_FUZZ_NO_ORDER=1 skips the push-order check (to look
 * past an ordering bug for other ones); RECORDER_FUZZ_TRACE=1 prints every
 * operation and chunk to stderr (to read a failing input).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "fuzz-common.h"
#include "timeline.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <vector>

[[noreturn]] void
fuzz::fail (const char *file, int line, const char *what)
{
  std::fprintf (stderr, "fuzz_timeline: %s:%d: invariant failed: %s\n", file,
                line, what);
  std::abort ();
}

namespace
{

using recorder::Chunk;
using recorder::kSecond;
using recorder::kTimeNone;
using recorder::PadTimeline;
using recorder::Time;

bool
order_checked ()
{
  static const bool checked = !fuzz::env_flag ("RECORDER_FUZZ_NO_ORDER");
  return checked;
}

unsigned long long
ull (std::uint64_t v)
{
  return static_cast<unsigned long long> (v);
}

/* Samples [first, first + count) of the ramp. */
class RampPayload : public recorder::Payload
{
public:
  RampPayload (std::uint64_t f, std::uint64_t n) : first (f), count (n) {}
  std::uint64_t first;
  std::uint64_t count;
};

using fuzz::Bytes;

const std::uint32_t kRates[] = { 8000, 11025, 16000, 22050, 44100, 48000 };

class Checker
{
public:
  Checker (Time start, bool check_order)
      : end_ (start), start_ (start), check_order_ (check_order)
  {
  }

  void feed (const std::vector<Chunk> &chunks)
  {
    for (; fed_ < chunks.size (); fed_++)
      feed_one (chunks[fed_]);
  }

  std::uint64_t audio = 0;
  std::uint64_t silence = 0;
  std::uint64_t reanchors = 1;

private:
  void feed_one (const Chunk &c)
  {
    if (const RampPayload *p
        = dynamic_cast<const RampPayload *> (c.payload.get ()))
      TRACE ("    chunk %llu +%llu @%u: samples %llu..%llu\n", ull (c.pts),
             ull (c.samples), c.rate, ull (p->first + c.offset),
             ull (p->first + c.offset + c.samples - 1));
    else
      TRACE ("    chunk %llu +%llu @%u: silence\n", ull (c.pts),
             ull (c.samples), c.rate);
    FUZZ_CHECK (c.samples > 0);
    FUZZ_CHECK (c.rate > 0);
    FUZZ_CHECK (c.pts == end_);
    if (c.rate != last_rate_)
      reanchors++;
    last_rate_ = c.rate;
    const unsigned __int128 d
        = static_cast<unsigned __int128> (c.duration) * c.rate;
    const unsigned __int128 x
        = static_cast<unsigned __int128> (c.samples) * kSecond;
    FUZZ_CHECK ((d > x ? d - x : x - d) < c.rate);
    end_ = c.pts + c.duration;
    per_rate_[c.rate] += c.samples;
    long double exact = 0;
    for (const auto &kv : per_rate_)
      exact += static_cast<long double> (kv.second) * kSecond / kv.first;
    const long double drift = static_cast<long double> (end_ - start_) - exact;
    FUZZ_CHECK (drift < 0.01L);
    FUZZ_CHECK (drift > -1.01L * static_cast<long double> (reanchors));

    if (!c.payload)
      {
        silence += c.samples;
        return;
      }
    const RampPayload *p = dynamic_cast<const RampPayload *> (c.payload.get ());
    FUZZ_CHECK (p != nullptr);
    FUZZ_CHECK (c.offset + c.samples <= p->count);
    const std::uint64_t lo = p->first + c.offset;
    const std::uint64_t hi = lo + c.samples;
    /* At most once: no emitted range may intersect another. */
    auto it = emitted_.upper_bound (lo);
    if (it != emitted_.begin ())
      FUZZ_CHECK (std::prev (it)->second <= lo);
    if (it != emitted_.end ())
      FUZZ_CHECK (it->first >= hi);
    emitted_.emplace (lo, hi);
    /* In push order. */
    if (check_order_)
      FUZZ_CHECK (!any_ || lo >= last_hi_);
    any_ = true;
    last_hi_ = hi;
    audio += c.samples;
  }

  Time end_;
  Time start_;
  bool check_order_;
  std::uint32_t last_rate_ = 0;
  std::size_t fed_ = 0;
  std::map<std::uint32_t, std::uint64_t> per_rate_;
  std::map<std::uint64_t, std::uint64_t> emitted_; /* lo -> hi */
  bool any_ = false;
  std::uint64_t last_hi_ = 0;
};

/* Both outputs, sample by sample: the same audio samples (payload ramp value)
 * and silences at the same rates. One may run on with silence where the
 * other has ended (a commit horizon past the audio adds silence). */
void
compare_outputs (const std::vector<Chunk> &a, const std::vector<Chunk> &b)
{
  auto value = [] (const Chunk &c, std::uint64_t k) -> std::int64_t {
    if (!c.payload)
      return -1;
    const RampPayload *p = static_cast<const RampPayload *> (c.payload.get ());
    return static_cast<std::int64_t> (p->first + c.offset + k);
  };
  std::size_t i = 0, j = 0;
  std::uint64_t ki = 0, kj = 0;
  while (i < a.size () && j < b.size ())
    {
      const std::uint64_t n = std::min (a[i].samples - ki, b[j].samples - kj);
      FUZZ_CHECK (a[i].rate == b[j].rate);
      FUZZ_CHECK ((a[i].payload == nullptr) == (b[j].payload == nullptr));
      FUZZ_CHECK (value (a[i], ki) == value (b[j], kj));
      /* Within a chunk the samples are contiguous: the last ones match too. */
      FUZZ_CHECK (value (a[i], ki + n - 1) == value (b[j], kj + n - 1));
      ki += n;
      kj += n;
      if (ki == a[i].samples)
        {
          i++;
          ki = 0;
        }
      if (kj == b[j].samples)
        {
          j++;
          kj = 0;
        }
    }
  for (; i < a.size (); i++)
    FUZZ_CHECK (!a[i].payload);
  for (; j < b.size (); j++)
    FUZZ_CHECK (!b[j].payload);
}

} // namespace

extern "C" int
LLVMFuzzerTestOneInput (const std::uint8_t *data, std::size_t size)
{
  Bytes in (data, size);
  const std::uint8_t head = in.u8 ();
  std::uint32_t rate = kRates[head % 6];
  const bool ordered = (head & 0x80) != 0;
  const bool differential = (head & 0x40) != 0;
  const std::uint8_t hb = in.u8 ();
  /* holdback: 0 (a quarter of the inputs), else up to ~1.3 s, or "never" */
  const Time holdback = hb < 64    ? 0
                        : hb < 250 ? Time (hb) * 5 * 1000000
                                   : 1000 * kSecond;
  const Time start = kSecond + in.u16 () * Time (15259);

  TRACE ("%s%s: rate %u holdback %llu start %llu\n",
         ordered ? "ordered" : "wild", differential ? ", differential" : "",
         rate, ull (holdback), ull (start));
  PadTimeline tl (holdback);
  PadTimeline shadow (holdback); /* differential: commits only at the end */
  for (PadTimeline *t : { &tl, &shadow })
    {
      t->set_rate (rate);
      t->start (start);
    }
  std::vector<Chunk> out, shadow_out;
  Checker check (start, ordered && order_checked ());

  std::uint64_t pushed = 0;
  std::uint64_t dropped = 0;
  std::uint64_t late = 0;
  bool open = false;       /* the run the core has open */
  Time run_origin = start; /* its schedule */
  std::uint64_t run_samples = 0;
  Time run_heard = start;    /* where the newest run starts being heard */
  Time pause_at = kTimeNone; /* while paused */
  Time now = start;          /* the latest event */
  Time horizon = 0;          /* differential: the furthest commit */
  unsigned ops = 0;

  auto verify = [&] (bool finished) {
    check.feed (out);
    const recorder::PadStats &s = tl.stats ();
    FUZZ_CHECK (s.committed_samples == check.audio);
    FUZZ_CHECK (s.silence_samples == check.silence);
    FUZZ_CHECK (s.interrupted_samples >= dropped);
    FUZZ_CHECK (s.committed_samples + s.interrupted_samples + s.overlap_samples
                <= pushed);
    if (finished || !tl.holds_audio ())
      FUZZ_CHECK (s.committed_samples + s.interrupted_samples
                      + s.overlap_samples
                  == pushed);
    if (finished)
      FUZZ_CHECK (!tl.holds_audio () && !tl.paused ());
    FUZZ_CHECK (tl.paused () == (pause_at != kTimeNone));
    FUZZ_CHECK (s.late_events >= late && s.late_events <= late + 1);
    late = s.late_events;
    FUZZ_CHECK (
        tl.committed_end ()
        == (out.empty () ? start : out.back ().pts + out.back ().duration));
  };
  /* An event on both timelines, with the same outcome. */
  auto event = [&] (const char *name,
                    recorder::EventOutcome (PadTimeline::*ev) (Time)) {
    const recorder::EventOutcome o = (tl.*ev) (now);
    TRACE ("%s %llu: %d\n", name, ull (now), (int)o);
    if (differential)
      FUZZ_CHECK ((shadow.*ev) (now) == o);
    return o;
  };
  auto end_run = [&] () {
    TRACE ("end_run\n");
    tl.end_run ();
    shadow.end_run ();
    open = false;
  };

  while (!in.empty () && ops++ < 4000 && pushed < 50000000)
    {
      const std::uint8_t op = in.u8 ();
      const Time newest = tl.newest_end ();
      const bool waiting
          = pause_at != kTimeNone && newest != kTimeNone && newest > pause_at;
      switch (op % 12)
        {
        case 0:
        case 1:
        case 2:
        case 3:
          {
            const std::uint64_t n = 1 + in.u16 () % (rate / 10);
            const std::uint8_t how = in.u8 ();
            const Time one = recorder::samples_to_time (1, rate);
            const Time sched_end
                = run_origin + recorder::samples_to_time (run_samples, rate);
            Time pts;
            if (open && how % 4 == 0)
              pts = kTimeNone; /* continues */
            else if (open && how % 4 == 1)
              pts = sched_end; /* continues */
            else if (open && how % 4 == 2)
              pts = sched_end + (how >> 2) * one / 63; /* continues */
            else if (ordered && waiting)
              break;
            else if (how % 4 == 0 && !differential)
              /* A new run right after the newest audio. (Not compared: where
               * that is depends on what is committed, e.g. after an
               * interrupt at T it is T once the cut audio is committed, its
               * end, up to half a sample off T, while it is held.) */
              pts = kTimeNone;
            else
              {
                /* A new run, maybe right after the newest audio. */
                pts = std::max (sched_end, newest == kTimeNone ? 0 : newest);
                if (how & 0x80)
                  pts = std::max (pts, now);
                if (differential)
                  pts = std::max (pts, horizon);
                if (how & 0x40)
                  pts += in.u16 () * Time (20000) + in.u8 ();
                if (open && pts <= sched_end + one)
                  end_run ();
              }
            if (!open || (pts != kTimeNone && pts > sched_end + one))
              {
                /* Untimestamped, it starts at the newest audio's end. */
                run_origin = pts != kTimeNone      ? pts
                             : newest != kTimeNone ? newest
                                                   : tl.committed_end ();
                run_samples = 0;
                run_heard = run_origin;
              }
            const auto payload = std::make_shared<RampPayload> (pushed, n);
            const std::uint64_t d = tl.push (pts, rate, n, payload);
            TRACE ("push %s%llu @%u samples %llu..%llu: dropped %llu, newest "
                   "end %llu\n",
                   pts == kTimeNone ? "untimestamped at " : "",
                   ull (pts == kTimeNone ? run_origin : pts), rate,
                   ull (pushed), ull (pushed + n - 1), ull (d),
                   ull (tl.newest_end ()));
            if (differential)
              FUZZ_CHECK (shadow.push (pts, rate, n, payload) == d);
            pushed += n;
            dropped += d;
            open = true;
            run_samples += n;
            break;
          }
        case 4:
        case 5:
          {
            Time h;
            if (differential)
              {
                /* Nothing later reaches back before the latest event, nor
                 * before the end of the audio pushed so far, nor before
                 * the open run's scheduled end: its next samples are heard
                 * no earlier than scheduled, but may be heard before the
                 * newest end (which may belong to another run's block, or
                 * to audio a pause dropped since). */
                Time lim = now;
                if (newest != kTimeNone)
                  lim = std::min (lim, newest);
                if (open)
                  lim = std::min (
                      lim, run_origin
                               + recorder::samples_to_time (run_samples, rate));
                if (lim <= horizon)
                  break;
                h = horizon + (lim - horizon) * in.u8 () / 255;
                horizon = h;
              }
            else
              h = op % 12 == 4 ? tl.holdback_horizon ()
                               : now + in.u16 () * Time (10000);
            TRACE ("commit %llu\n", ull (h));
            tl.commit (h, out);
            break;
          }
        case 6:
          {
            now += in.step ();
            FUZZ_CHECK (event ("interrupt", &PadTimeline::interrupt)
                        != recorder::EventOutcome::kIgnored);
            open = false;
            pause_at = kTimeNone;
            break;
          }
        case 7:
          {
            now += in.step ();
            if (ordered && pause_at == kTimeNone)
              now = std::max (now, run_heard);
            FUZZ_CHECK ((event ("pause", &PadTimeline::pause)
                         == recorder::EventOutcome::kIgnored)
                        == (pause_at != kTimeNone));
            if (pause_at == kTimeNone)
              pause_at = now;
            break;
          }
        case 8:
          {
            now += in.step ();
            FUZZ_CHECK ((event ("resume", &PadTimeline::resume)
                         == recorder::EventOutcome::kIgnored)
                        == (pause_at == kTimeNone));
            if (pause_at != kTimeNone)
              {
                if (run_heard >= pause_at && run_heard < now)
                  run_heard = now;
                pause_at = kTimeNone;
              }
            break;
          }
        case 9:
          end_run ();
          break;
        case 10:
          {
            /* A format change: the run ends, maybe at another rate (not in
             * differential mode, where re-anchoring the grid at a different
             * point may round differently). */
            end_run ();
            const std::uint32_t r = kRates[in.u8 () % 6];
            if (differential)
              break;
            /* set_rate () may re-anchor the grid (up to 1 ns lost). */
            check.reanchors++;
            rate = r;
            TRACE ("set_rate %u\n", rate);
            tl.set_rate (rate);
            break;
          }
        default:
          /* Nothing: the op byte is spent. */
          break;
        }
      verify (false);
    }
  TRACE ("finish\n");
  tl.finish (out);
  pause_at = kTimeNone;
  verify (true);
  if (differential)
    {
      FUZZ_CHECK (tl.stats ().late_events == 0);
      shadow.finish (shadow_out);
      TRACE ("the timeline committing only at the end:\n");
      Checker shadow_check (start, ordered && order_checked ());
      shadow_check.feed (shadow_out);
      compare_outputs (out, shadow_out);
      const recorder::PadStats &a = tl.stats (), &b = shadow.stats ();
      FUZZ_CHECK (a.committed_samples == b.committed_samples);
      FUZZ_CHECK (a.interrupted_samples == b.interrupted_samples);
      FUZZ_CHECK (a.overlap_samples == b.overlap_samples);
      FUZZ_CHECK (a.late_events == b.late_events);
      FUZZ_CHECK (b.committed_samples == shadow_check.audio);
      FUZZ_CHECK (b.silence_samples == shadow_check.silence);
    }
  return 0;
}
