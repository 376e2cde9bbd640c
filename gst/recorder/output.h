/* recorderbin — one output's mixdown: each pad's committed audio converted
 * to the output's format and rate on one sample grid that starts at the
 * recording's start, then combined (kept, interleaved one channel per pad,
 * or mixed to mono) into blocks of whole frames.
 *
 * Used by one output task only; not thread-safe. Positions are output
 * frames counted from the recording's start: a chunk heard from running
 * time t lands at cut_index (t - start, rate), so a pad's audio is placed
 * by its running time even across format changes.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/audio/audio.h>
#include <gst/gst.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "session.h"

namespace recorder
{

enum class Combine
{
  kKeep,       /* one pad, its channels kept */
  kInterleave, /* one mono channel per pad, in pad order */
  kMix,        /* all pads summed into one mono channel */
};

class Mixdown
{
public:
  /* `pads`: how many pads feed it (slots 0..pads-1); `out`: the format the
   * blocks are in; `start`: the running time of output frame 0. */
  Mixdown (Combine combine, unsigned pads, const GstAudioInfo &out, Time start);
  ~Mixdown ();
  Mixdown (const Mixdown &) = delete;
  Mixdown &operator= (const Mixdown &) = delete;

  /* Converts one committed item of pad `slot` (an end drains the pad's
   * resampler exactly to where its audio ends). Returns false, with a
   * reason, when the pad's format cannot be converted. */
  bool take (unsigned slot, const Outgoing &item, std::string *why);
  /* A pad that can give nothing more: it contributes silence. */
  void end_pad (unsigned slot);

  /* The output ends no earlier than frame `frames`: silence fills up to
   * it after every pad ended (files of one recording end together). */
  void extend_to (std::uint64_t frames) { end_floor_ = frames; }
  /* Frames every pad can give now (pads that ended give silence). */
  std::uint64_t ready () const;
  bool all_ended () const;
  /* The next `frames` output frames as one buffer, PTS on the grid. */
  GstBuffer *take_block (std::uint64_t frames);
  /* Running time of output frame `n`. */
  Time time_of (std::uint64_t n) const;
  std::uint64_t written () const { return written_; }
  const GstAudioInfo &info () const { return out_; }
  /* The format each pad is converted to. */
  const GstAudioInfo &stage_info () const { return stage_; }
  /* Output frame of running time t on this grid. */
  std::uint64_t frame_of (Time t) const;

private:
  class Fifo;
  struct Stage;
  void drain_to (Stage &s, std::uint64_t target);
  /* Feeds `frames` input frames (planes `in`, or silence when null) to the
   * stage's converter. */
  void feed (Stage &s, gpointer const *in, gsize frames);
  bool convert (Stage &s, const Outgoing &item, std::string *why);
  void append_silence (Stage &s, std::uint64_t frames);
  void trim_to (Stage &s, std::uint64_t target);
  bool ensure_converter (Stage &s, const FormatRef &format, std::string *why);
  void fill_block (guint8 *dst, std::uint64_t frames);

  Combine combine_;
  GstAudioInfo out_;                     /* the blocks' format */
  GstAudioInfo stage_;                   /* each pad's converted format */
  GstAudioConverter *mix_out_ = nullptr; /* kMix: F32 mono -> out_ */
  Time start_;
  std::uint64_t written_ = 0;
  std::uint64_t end_floor_ = 0;
  std::vector<std::unique_ptr<Stage>> stages_;
};

} // namespace recorder
