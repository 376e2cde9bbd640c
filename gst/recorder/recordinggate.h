/* recorderbin — the whole-recording pause (pause-recording and
 * resume-recording, DESIGN section 4) on the aligned output stream: which
 * spans of each output buffer are kept, silenced or cut out.
 *
 * Plain C++ like the timeline core; an output's task applies it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <cstdint>
#include <vector>

#include "timeline.h"

namespace recorder
{

/* The whole-recording pause (pause-recording / resume-recording), applied to
 * the one contiguous stream after the pads are aligned. */
class RecordingGate
{
public:
  enum class Mode
  {
    kSilence,
    kCollapse
  };
  struct Span
  {
    std::uint64_t offset; /* within the input buffer */
    std::uint64_t samples;
    bool silence; /* replace by silence; otherwise keep */
  };

  void set_mode (Mode mode) { mode_ = mode; }
  Mode mode () const { return mode_; }
  EventOutcome pause (Time p);
  EventOutcome resume (Time r);
  bool paused () const { return open_; }
  /* Resets the stream origin (format change, new segment). */
  void new_stream () { restart_ = true; }

  /* A contiguous input buffer of `samples` at `rate` from `pts`: returns the
   * parts to output, in order, and the pts of the first output sample. */
  std::vector<Span> process (Time pts, std::uint32_t rate,
                             std::uint64_t samples, Time &out_pts);
  /* Where the last pause or resume takes effect: its time, or for a late
   * one the first time it could still change. */
  Time last_effect () const { return last_effect_; }
  /* In collapse mode, the frames at `rate` of a stream starting at
   * `origin` that the cuts remove before running time t; 0 in silence
   * mode. */
  std::uint64_t removed_before (Time t, Time origin, std::uint32_t rate) const;
  /* Where the output processed so far ends: after the last span process ()
   * returned (the next output's pts). */
  Time output_end () const;
  /* Running time reached by the input so far; kTimeNone if none. */
  Time position () const { return position_; }
  std::uint64_t late_events () const { return late_events_; }
  std::uint64_t silence_samples () const { return silence_samples_; }

private:
  struct Cut
  {
    Time p, r; /* r == kTimeNone while open */
  };
  Mode mode_ = Mode::kSilence;
  std::vector<Cut> cuts_;
  bool open_ = false;
  bool stream_open_ = false;
  bool restart_ = false;
  Time stream_origin_ = 0;
  Time stream_out_origin_ = 0;
  std::uint32_t stream_rate_ = 0;
  std::uint64_t stream_pos_ = 0; /* input samples so far */
  std::uint64_t kept_ = 0;       /* output samples so far (collapse) */
  Time position_ = kTimeNone;
  Time last_effect_ = kTimeNone;
  std::uint64_t late_events_ = 0;
  std::uint64_t silence_samples_ = 0;
};

} // namespace recorder
