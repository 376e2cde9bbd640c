/* recorderbin — the state the pads of one recording share: every pad's
 * timeline and outbox, the recording's start, and what each output (one per
 * file) has to take next. The mux element's pads and tasks work on it.
 *
 * Locking (the only place it is written down; docs/design.md repeats it):
 *   1. The bin's object lock guards the bin's property values. It is never
 *      held while taking any other lock below.
 *   2. Session::lock guards every field of Session, InputPad and
 *      OutputShared marked "[session]". A clock's object lock may be taken
 *      inside it (reading the time), nothing else.
 *   3. Finisher::lock (finisher.h) guards the finishing state. It is never
 *      held together with Session::lock, in either order.
 * No lock of ours is held across a push, a query, a state change, a
 * property set on another element or posting a message.
 * Fields marked "[fixed]" are written before the pads are active (pad
 * request, READY->PAUSED) and only read while they are.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/audio/audio.h>
#include <gst/gst.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "control.h"
#include "horizon.h"
#include "recordinggate.h"
#include "timeline.h"

namespace recorder
{

/* An input format, shared by the buffers that arrived in it. */
struct Format
{
  GstAudioInfo info;
  GstCaps *caps = nullptr;

  explicit Format (const GstAudioInfo &i);
  ~Format ();
  Format (const Format &) = delete;
  Format &operator= (const Format &) = delete;
};
using FormatRef = std::shared_ptr<const Format>;

/* A GstBuffer of input audio, as the timeline core sees it. */
class BufferPayload : public Payload
{
public:
  BufferPayload (GstBuffer *buffer, FormatRef format)
      : buffer_ (buffer), format_ (std::move (format))
  {
  }
  ~BufferPayload () override { gst_buffer_unref (buffer_); }
  GstBuffer *buffer () const { return buffer_; }
  const FormatRef &format () const { return format_; }

private:
  GstBuffer *buffer_; /* owned */
  FormatRef format_;
};

/* Committed audio or silence for an output to take, in order. */
struct Outgoing
{
  Chunk chunk;      /* samples == 0: the pad's end */
  FormatRef format; /* the input format of the audio, or of the silence's
                       rate when the pad had one; may be null for silence */
};

/* An applied interrupt, pause, resume, pause-recording or
 * resume-recording, until its place in the file is decided and it is
 * posted as recorderbin-mark (DESIGN section 10). */
struct Mark
{
  ControlKind kind = ControlKind::kInterrupt;
  int pad = -1;          /* session pad index; -1: the whole recording */
  Time running_time = 0; /* as applied, "now" resolved */
  Time effect = 0;       /* running time where it takes effect */
  bool late = false;
  unsigned output = 0; /* the output whose writing decides it */
};

enum class ErrorMode
{
  kContain,
  kPropagate
};

/* How much committed audio a pad may queue for its output (outbox plus what
 * the output converted but has not written yet) before its input waits,
 * and the block an output wakes for: once the audio every one of its pads
 * committed grew by this much, it writes (in blocks, not buffer by
 * buffer). Live recordings write often, so that a killed process loses
 * little; non-live ones run as fast as the machine goes, and bigger blocks
 * mean fewer hand-offs between threads (docs/performance.md). */
constexpr Time kQueueLimitLive = 200 * 1000000ULL;
constexpr Time kOutputBlockLive = 100 * 1000000ULL;
constexpr Time kQueueLimitOffline = 1000 * 1000000ULL;
constexpr Time kOutputBlockOffline = 500 * 1000000ULL;
/* How long committed audio may wait for the rest of its block when the
 * input idles: the output then writes what it has. */
constexpr Time kIdleFlush = 100 * 1000000ULL;
/* How often an output commits held audio as a live clock runs. */
constexpr Time kLiveTick = 50 * 1000000ULL;

struct InputPad
{
  unsigned index = 0;  /* [fixed] */
  std::string name;    /* [fixed] the bin's pad name, "sink_%u" */
  unsigned output = 0; /* [fixed] the output it feeds */

  /* ---- [session] ---- */
  PadTimeline timeline;
  FormatRef format;       /* current accepted input format */
  FormatRef first_format; /* the first one: a kept pad's output layout */
  Time gap_end = kTimeNone;
  Time upstream_latency = 0;
  bool eos = false;      /* input ended */
  bool finished = false; /* timeline finished, its end queued */
  bool flushing = true;
  bool input_failed = false; /* bad input: records silence until usable
                                input comes again */
  std::deque<Outgoing> outbox;
  Time outbox_duration = 0;
  Time staged_duration = 0; /* taken by the output, not written yet */
  bool warned_holdback = false;
  std::uint64_t marks_posted = 0;
  /* Input the output converted, handed back for the pad's own streaming
   * thread to release: memory is freed by the thread that allocated it,
   * whose allocator it would otherwise contend for. */
  std::vector<PayloadRef> spent;

  Time queued () const { return outbox_duration + staged_duration; }
};

struct OutputShared
{
  unsigned index = 0;         /* [fixed] */
  std::vector<unsigned> pads; /* [fixed] pad indices, ascending */

  /* ---- [session] ---- */
  std::condition_variable work; /* data, an end, a flush or a failure */
  /* There is something worth taking: a block of every pad, an end, the
   * start, an input waiting for room, a failure, a live tick. The task
   * takes only then, so it writes in blocks even while it keeps up. */
  bool take_now = false;
  bool flushing = true;
  bool failed = false;  /* its chain failed: take, but write no more */
  bool stalled = false; /* its chain made no progress */
  GstFlowReturn last_flow = GST_FLOW_OK; /* what failed, for propagate */
  /* Bumped whenever the task takes or writes, and whether it is inside a
   * push into the chain: written by the task without the lock (it sets
   * them around every push), read by inputs judging a stall. */
  std::atomic<std::uint64_t> progress{ 0 };
  std::atomic<bool> in_push{ false };
  Time notified_until = kTimeNone; /* committed time it was woken for */
  bool ended_pending = false;      /* a pad's end it was not woken for */
  RecordingGate gate;

  /* Tells the task to take (call with Session::lock held). */
  void wake () { take_now = true, work.notify_all (); }
};

/* Outputs to wake once Session::lock is released: one woken while the
 * lock is held wakes only to wait for it. */
class Wakes
{
public:
  void add (std::condition_variable &cv) { cvs_.push_back (&cv); }
  /* Wakes every condition added (call without Session::lock). */
  void notify ()
  {
    for (std::condition_variable *cv : cvs_)
      cv->notify_one ();
    cvs_.clear ();
  }

private:
  std::vector<std::condition_variable *> cvs_;
};

class Session
{
public:
  std::mutex lock;
  /* Signalled when queued audio drops, a pad starts flushing, or an output
   * fails or stalls: what inputs waiting for room wait on. */
  std::condition_variable room;

  /* ---- [session] ---- */
  std::map<unsigned, std::unique_ptr<InputPad>> pads;
  std::vector<std::unique_ptr<OutputShared>> outputs; /* [fixed] list */
  bool live = false;
  GstClock *clock = nullptr; /* while PLAYING, owned */
  GstClockTime base_time = 0;
  Time start = kTimeNone;   /* the recording's start */
  unsigned output_rate = 0; /* 0 until known when the rate property is 0 */
  ErrorMode error_mode = ErrorMode::kContain;
  Time stall_timeout = 5 * kSecond;
  bool inputs_ended_reported = false; /* the finisher was told */
  std::deque<Mark> marks;             /* applied, not posted yet */

  Time queue_limit () const
  {
    return live ? kQueueLimitLive : kQueueLimitOffline;
  }
  Time output_block () const
  {
    return live ? kOutputBlockLive : kOutputBlockOffline;
  }
  /* Running time now: the clock's in a live pipeline, else kTimeNone. */
  Time clock_now () const;
  /* The running time "now" means for events on `pad` (DESIGN section 4). */
  Time now_for (const InputPad &pad) const;
  /* "now" for the whole-recording events. */
  Time now_for_recording () const;

  /* Decides the start when it can, commits every pad as far as the horizon
   * policy allows, finishes the pads that ended, and wakes each output that
   * has a block to write (or an end, or the start) to take: at once, or,
   * given `later`, when the caller notifies it after unlocking. */
  void advance (Wakes *later = nullptr);
  bool all_input_ended () const;
  /* Every pad's timeline is finished: the recording's end is known. */
  bool all_pads_finished () const;
  /* The recording's end: the latest end of any pad's output; kTimeNone
   * before the start. */
  Time recording_end () const;
  PadStats totals () const;
  void reset_for_start ();

  InputPad &pad (unsigned index) { return *pads.at (index); }
  OutputShared &output_of (const InputPad &pad)
  {
    return *outputs.at (pad.output);
  }

private:
  std::vector<PadProgress> progress () const;
  void decide_start ();
  void commit_pad (InputPad &pad, Time horizon);
  void finish_pad (InputPad &pad);
  void queue_chunks (InputPad &pad, std::vector<Chunk> &chunks);
  void wake_ready_outputs (bool started_now, Wakes *later);
};

} // namespace recorder
