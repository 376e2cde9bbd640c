/* recorderbin — the state the pads of one recording share: every pad's
 * timeline, the recording's start time, the commit horizon, and what each
 * clip element has to push next.
 *
 * Locking: Session::lock is the only lock recorderbin's own code takes. It
 * guards bookkeeping only and is never held across a push, a query, a state
 * change, a property set on another element or posting a message. GStreamer
 * object locks may be taken inside it (reading a clock), never the reverse.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/audio/audio.h>
#include <gst/gst.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

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

/* Something a clip element pushes downstream, in order. */
struct Outgoing
{
  Chunk chunk;      /* samples == 0: end of stream */
  FormatRef format; /* for silence: the format to render it in */
};

/* How often a live pad with holdback commits as the clock runs. */
constexpr Time kLiveTick = 10 * GST_MSECOND;
/* How late, beyond its upstream latency, a live pad's audio may arrive and
 * still be recorded; the clip elements add it to the latency they report. */
constexpr Time kLiveMargin = 2 * kLiveTick;

enum class ErrorMode
{
  kContain,
  kPropagate
};

class Session
{
public:
  struct Pad
  {
    unsigned index = 0;
    std::string name; /* the bin's pad name, "sink_%u" */
    PadTimeline timeline;
    FormatRef format;          /* current input format */
    FormatRef last_out_format; /* last format pushed downstream */
    Time gap_end = kTimeNone;  /* furthest end of a GAP seen */
    Time upstream_latency = 0;
    bool eos = false;      /* input ended */
    bool finished = false; /* timeline finished, EOS queued */
    bool flushing = true;
    std::deque<Outgoing> outbox;
    Time outbox_duration = 0;
    std::uint64_t popped = 0; /* items the task took, for stall detection */
    GstFlowReturn last_flow = GST_FLOW_OK;
    bool warned_holdback = false;
  };

  Session ();

  std::mutex lock;
  /* Signalled when an outbox gains or loses items, the horizon moves, a pad
   * starts flushing, or the session fails. */
  std::condition_variable wake;

  /* ---- everything below is guarded by `lock` ---- */
  std::map<unsigned, std::unique_ptr<Pad>> pads;
  bool live = false;
  GstClock *clock = nullptr; /* set while PLAYING, owned */
  GstClockTime base_time = 0;
  Time start = kTimeNone;   /* the recording's start: first audio of any pad */
  unsigned output_rate = 0; /* 0 until known when the rate property is 0 */
  int output_channels = 0;  /* single-pad per-pad mode: first input's */
  ErrorMode error_mode = ErrorMode::kContain;
  bool failed = false;  /* an internal element failed, or stalled */
  bool stalled = false; /* the output made no progress */
  bool all_eos_reported = false;
  std::uint64_t errors = 0;
  RecordingGate gate;

  Pad *find (const std::string &name);
  /* Running time now: the clock's in a live pipeline, else kTimeNone. */
  Time clock_now () const;
  /* The running time "now" means for events on `pad` (DESIGN section 4). */
  Time now_for (const Pad &pad) const;
  /* Decides the start when it can, moves the horizon and commits every pad
   * as far as it may; fills outboxes. Returns true if any outbox grew or
   * the start was just decided: the clip tasks have something new to do. */
  bool advance ();
  bool all_input_eos () const;
  PadStats totals () const;
  /* pause-recording / resume-recording at running time t (kTimeNone: now). */
  EventOutcome recording_event (bool pause, Time t);
  void reset_for_start ();

  /* Called outside the lock once per run, before a clip element first
   * pushes: configures what waits for the start time and output format. */
  std::function<void (Time start)> on_start;
  std::shared_ptr<std::once_flag> started_once
      = std::make_shared<std::once_flag> ();
  /* Called outside the lock by the thread that saw the last input EOS. */
  std::function<void ()> on_all_eos;
  /* How long a full outbox may make no progress before the output counts
   * as stalled (the bin's eos-timeout). */
  Time stall_timeout = 5 * kSecond;

private:
  bool try_start ();
  void commit_pad (Pad &pad, Time horizon);
  void queue_chunks (Pad &pad, std::vector<Chunk> &chunks);
  Time reach () const;
};

} // namespace recorder
