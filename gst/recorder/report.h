/* recorderbin — what the recording says about itself (DESIGN sections 6
 * and 10): the counters of `stats` and recorderbin-done, the per-pad
 * report, the recorderbin-mark messages, and the JSON Lines file of
 * `marks-location`.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

#include "session.h"

namespace recorder
{

/* How the pads sit in the files, for the per-pad report. */
struct PadLayout
{
  bool mix = false;                   /* channel -1 */
  bool separate = false;              /* channel 0, a file each */
  std::vector<std::string> locations; /* separate: by output */
};

/* Sets the counters of DESIGN section 6 and `pads` (section 10) on `s`.
 * Called with Session::lock held. */
void set_counters (GstStructure *s, const Session &session,
                   const PadLayout &layout, std::uint64_t errors);

/* A recorderbin-mark structure for `mark` at file sample `sample`. Called
 * with Session::lock held. */
GstStructure *mark_structure (const Session &session, const Mark &mark,
                              std::uint64_t sample);

/* The marks-location file: one JSON object per line, each written whole
 * and flushed. Thread-safe. */
class MarkLog
{
public:
  ~MarkLog ();
  /* Creates (truncates) the file; false with the reason on failure. */
  bool open (const std::string &path, std::string *why);
  void close ();
  bool is_open () const;
  /* A mark, with `seconds` = sample / rate. */
  void write_mark (const GstStructure *mark, int rate);
  /* The last line: {"kind": "done", ...} with the done message's status,
   * duration, samples and counters. */
  void write_done (const GstStructure *done);

private:
  void write_line (const std::string &line);

  mutable std::mutex lock_;
  FILE *file_ = nullptr;
};

} // namespace recorder
