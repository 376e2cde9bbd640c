/* recorderbin tests — shared helpers: ramps, pipelines fed by appsrc, running
 * to EOS while collecting messages, reading WAV files and decoding any file.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/app/app.h>
#include <gst/audio/audio.h>
#include <gst/gst.h>

#include <cstdint>
#include <string>
#include <vector>

namespace rtest
{

/* Whether a leak checker (valgrind's memcheck, LeakSanitizer) watches this
 * process. wavenc (gst-plugins-good 1.22) leaks the buffer whose push
 * fails (gst_wavenc_chain returns the flow error without unreffing it), so
 * a test writing WAV to /dev/full skips itself there. */
bool leak_checked ();

/* The text of an ERROR or WARNING message (its GError's message). */
std::string message_text (GstMessage *msg);
/* Whether `text` holds `part`. */
bool contains (const std::string &text, const std::string &part);
/* gst_structure_to_string, as a string. */
std::string structure_string (const GstStructure *s);

/* A fresh path for an output file, removed when the test binary's tmp dir is
 * cleaned; `ext` without the dot. */
std::string temp_path (const std::string &stem, const std::string &ext);

/* Value of sample `n` of a ramp: distinct, non-zero S16 values that do not
 * repeat for 30000 samples (n % 30000 + 1), offset by `base` (mod 32767). */
int16_t ramp_value (uint64_t n, int base = 0);

/* An S16LE interleaved buffer of `samples` frames of `channels` channels;
 * channel c carries ramp_value (first + i, base + c * 1000). pts/duration
 * from sample counts at `rate` (pts = first / rate unless given). */
GstBuffer *ramp_buffer_s16 (uint64_t first, uint64_t samples, int channels,
                            int rate, int base = 0,
                            GstClockTime pts = GST_CLOCK_TIME_NONE);

/* Caps for S16LE interleaved audio. */
GstCaps *caps_s16 (int rate, int channels);

/* Messages collected while a pipeline ran. */
struct RunResult
{
  bool got_eos = false;
  bool timed_out = false;
  double seconds = 0; /* wall time until EOS/ERROR/timeout */
  std::vector<GstMessage *> errors;
  std::vector<GstMessage *> warnings;
  std::vector<GstStructure *> done;  /* recorderbin-done structures */
  std::vector<GstStructure *> marks; /* recorderbin-mark structures */
  ~RunResult ();
  /* First done structure's string field, or "" */
  std::string done_status () const;
};

/* Asserts a clean run: EOS, no ERROR, `warnings` WARNINGs (none unless
 * the test caused them), one recorderbin-done with status ok. */
void assert_clean (const RunResult &r, std::size_t warnings = 0);

/* Pops `bus` until EOS, until an ERROR when stop_on_error, or until
 * `timeout`, keeping the ERROR, WARNING, recorderbin-done and
 * recorderbin-mark messages; then takes what is left on the bus. */
void collect_until_eos (GstBus *bus, RunResult &result,
                        GstClockTime timeout = 20 * GST_SECOND,
                        bool stop_on_error = true);

/* Sets `pipeline` to PLAYING and collects its bus (collect_until_eos); then
 * sets it to NULL and asserts that returns SUCCESS. */
void run_to_eos (GstElement *pipeline, RunResult &result,
                 GstClockTime timeout = 20 * GST_SECOND,
                 bool stop_on_error = true);

/* "[error from src: domain code 'message'] ..." for failure messages. */
std::string describe_messages (const std::vector<GstMessage *> &msgs);

/* Samples of a 16-bit PCM WAV file, interleaved. */
struct Pcm
{
  int rate = 0;
  int channels = 0;
  std::vector<int16_t> samples; /* interleaved */
  uint64_t frames () const { return channels ? samples.size () / channels : 0; }
  int16_t at (uint64_t frame, int channel) const
  {
    return samples[frame * channels + channel];
  }
};
bool read_wav (const std::string &path, Pcm &pcm);

/* Decodes any file GStreamer can read (uridecodebin) to S16LE at its own
 * rate and channel count. Returns false on a decoding error. */
bool decode_file (const std::string &path, Pcm &pcm);

} // namespace rtest
