/* recorderbin — per-pad timeline core.
 *
 * Plain C++ with no GStreamer object in it: it knows running times (ns),
 * sample rates and sample counts, and decides which samples of a pad are
 * heard where. The clip element is thin glue around it. See docs/timeline.md.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

namespace recorder
{

using Time = std::uint64_t; /* nanoseconds of running time */
constexpr Time kTimeNone = UINT64_MAX;
constexpr Time kSecond = 1000000000ULL;

/* round (val * num / denom), exact for all 64-bit inputs (denom > 0). */
std::uint64_t scale_round (std::uint64_t val, std::uint64_t num,
                           std::uint64_t denom);
/* floor (val * num / denom). */
std::uint64_t scale_floor (std::uint64_t val, std::uint64_t num,
                           std::uint64_t denom);
/* Time of sample index `n` at `rate`, relative to the first sample. */
Time samples_to_time (std::uint64_t n, std::uint32_t rate);
/* Index of the sample a cut at `dt` after the first sample falls before:
 * gst_util_uint64_scale_round (dt, rate, GST_SECOND), DESIGN section 4. */
std::uint64_t cut_index (Time dt, std::uint32_t rate);

/* What a piece of audio refers to; the element subclasses it to hold a
 * GstBuffer, the unit tests to hold sample values. */
class Payload
{
public:
  virtual ~Payload () = default;
};
using PayloadRef = std::shared_ptr<const Payload>;

/* One stretch of output. Consecutive chunks are sample-contiguous. */
struct Chunk
{
  PayloadRef payload;       /* nullptr: silence */
  std::uint64_t offset = 0; /* first sample inside payload */
  std::uint64_t samples = 0;
  std::uint32_t rate = 0;
  Time pts = 0; /* running time of the first sample */
  Time duration = 0;
};

struct PadStats
{
  std::uint64_t committed_samples = 0;
  std::uint64_t interrupted_samples = 0;
  std::uint64_t silence_samples = 0;
  std::uint64_t overlap_samples = 0;
  std::uint64_t late_events = 0;
  /* The same counts as durations: exact sums at each rate the pad had. */
  Time committed_time = 0;
  Time interrupted_time = 0;
  Time silence_time = 0;
  Time overlap_time = 0;
};

enum class EventOutcome
{
  kApplied, /* took full effect */
  kLate,    /* part of what it would change was already committed */
  kIgnored, /* pause while paused, resume while not paused */
};

/* The timeline of one pad: audio held back until it is committed, the cuts
 * and shifts that interrupt, pause and resume make, and the contiguous output
 * grid that starts at the recording's start time.
 *
 * Not thread-safe: the owner serialises every call. */
class PadTimeline
{
public:
  explicit PadTimeline (Time holdback = 0) : holdback_ (holdback) {}

  void set_holdback (Time holdback) { holdback_ = holdback; }
  Time holdback () const { return holdback_; }

  /* The rate of the pad's current format, used for silence before the pad's
   * first audio. */
  void set_rate (std::uint32_t rate);
  /* Rate of the output grid; 0 before any rate is known. */
  std::uint32_t grid_rate () const { return grid_rate_; }

  /* Audio: `samples` frames at `rate` scheduled from running time `pts`
   * (kTimeNone: right after the previous audio). Returns how many unheard
   * samples were dropped because a pause outlasted the holdback. */
  std::uint64_t push (Time pts, std::uint32_t rate, std::uint64_t samples,
                      PayloadRef payload);
  /* A run ends at a gap, a GAP event, a SEGMENT, a FLUSH_STOP, a format
   * change or an interrupt. */
  void end_run () { run_.open = false; }
  /* Drops everything held and pending, as after a flush. */
  void flush ();

  EventOutcome interrupt (Time t);
  EventOutcome pause (Time p);
  EventOutcome resume (Time r);
  /* Where the last event applied takes effect on this pad's output, as a
   * running time: an interrupt, the first sample after the audio it cut
   * (or t); a pause, the first sample of its silence; a resume, the first
   * sample of the resumed audio (r); a late event, the first sample it
   * could still change. */
  Time last_effect () const { return last_effect_; }
  /* The running time of the output sample `t` lands on, as this pad's
   * audio is placed (rounded once per segment from the pad's anchor, not
   * from the recording's start); t itself before the grid is known. */
  Time on_grid (Time t) const;
  bool paused () const { return paused_; }

  /* Anchors the output: the first chunk starts at `recording_start`. */
  void start (Time recording_start);
  bool started () const { return started_; }

  /* Emits everything heard before `horizon`, and silence up to it. */
  void commit (Time horizon, std::vector<Chunk> &out);
  /* End of stream: unheard audio of an open pause is discarded, the rest is
   * emitted. */
  void finish (std::vector<Chunk> &out);
  /* After finish: the recording goes on to `end`, and the pad contributes
   * silence up to there (DESIGN section 2). Counted as silence; the output
   * writes it, so nothing is emitted. */
  void fill_to (Time end);

  /* Heard time of the earliest audio pushed; kTimeNone if none yet. */
  Time first_audio () const { return first_audio_; }
  /* Heard end of the newest audio pushed; kTimeNone if none yet. */
  Time newest_end () const { return newest_end_; }
  /* End of the emitted output; kTimeNone before start(). */
  Time committed_end () const;
  /* The horizon the holdback alone imposes: newest_end - holdback. */
  Time holdback_horizon () const;
  bool holds_audio () const { return !held_.empty () || !pending_.empty (); }
  PadStats stats () const;

private:
  /* Samples [run_index, run_index + count) of one run, all from one payload.
   * Run sample m is heard at origin + (m - seg_start) / rate. */
  struct Piece
  {
    PayloadRef payload;
    std::uint64_t offset;
    std::uint64_t count;
    std::uint32_t rate;
    std::uint64_t run_id;
    std::uint64_t run_index;
    Time origin;
    std::uint64_t seg_start;

    Time time_of (std::uint64_t m) const;
    Time start () const { return time_of (run_index); }
    Time end () const { return time_of (run_index + count); }
    /* Run index of the cut before running time t, within this piece. */
    std::uint64_t index_at (Time t) const;
    /* Drops the samples before run index m. */
    void trim_head (std::uint64_t m);
  };

  /* Run sample m, from `start` until the next segment, is heard at
   * origin + (m - start) / rate. */
  struct Segment
  {
    std::uint64_t start;
    Time origin;
  };

  struct Run
  {
    bool open = false;
    std::uint64_t id = 0;
    std::uint32_t rate = 0;
    Time sched_origin = 0;
    std::uint64_t samples = 0;
    Segment current{ 0, 0 };
    /* Segments that start at samples not received yet (after a resume
     * whose cut the run had not reached), in index order. */
    std::vector<Segment> switches;
    /* While paused: the run's samples from here on are unheard. */
    static constexpr std::uint64_t kNoCut = UINT64_MAX;
    std::uint64_t pause_cut = kNoCut;

    const Segment &segment_for (std::uint64_t m) const;
    /* First run index heard at or after t, given the segments. */
    std::uint64_t index_at (Time t) const;
  };

  struct Pause
  {
    Time p, r;
  };

  void apply_past_pauses ();
  void hold (Piece piece);
  void split_off_pending (Time p);
  std::uint64_t enforce_pending_holdback ();
  void emit_piece (const Piece &piece, std::vector<Chunk> &out);
  void emit_silence (std::int64_t until, std::vector<Chunk> &out);
  void rebase_grid (std::uint32_t rate);
  /* Sample indices counted from the pad's anchor (its first audio, or the
   * time its output grid last changed rate), rounded once per segment:
   * overlaps and output positions are decided on them, so audio that meets
   * lands on neighbouring samples and a cut that keeps a sample keeps its
   * place. */
  std::int64_t anchored_index (Time t, std::uint32_t rate) const;
  std::int64_t anchored_index (const Piece &piece) const;
  /* Output index of the anchor. */
  std::int64_t grid_offset () const;
  std::int64_t grid_index_of (Time t) const;
  bool is_late (Time t) const;
  Time grid_time (std::int64_t index) const;

  /* Samples counted at one rate. */
  struct RateCounts
  {
    std::uint32_t rate;
    std::uint64_t committed = 0, interrupted = 0, silence = 0, overlap = 0;
  };
  RateCounts &counts (std::uint32_t rate);
  /* Where an event at t takes effect: the first held sample at or after
   * t, else t; no earlier than what is already committed. */
  Time effect_at (Time t) const;

  Time holdback_;
  Time last_effect_ = kTimeNone;
  std::uint64_t late_events_ = 0;
  std::vector<RateCounts> counts_;

  Run run_;
  std::uint64_t next_run_id_ = 1;
  std::vector<Pause> history_;
  bool paused_ = false;
  Time pause_at_ = 0;

  std::multimap<Time, Piece> held_; /* keyed by heard start */
  std::vector<Piece> pending_;      /* unheard during an open pause */

  Time first_audio_ = kTimeNone;
  Time newest_end_ = kTimeNone;

  /* Output grid: sample grid_pos_ of the grid at grid_rate_ is heard at
   * grid_origin_ + grid_pos_ / grid_rate_. */
  bool started_ = false;
  Time grid_origin_ = 0;
  std::uint32_t grid_rate_ = 0;
  std::int64_t grid_pos_ = 0;
  Time committed_through_ = 0; /* the furthest horizon committed */
  bool anchored_ = false;
  Time anchor_ = 0;
};

} // namespace recorder
