/* recorderbin tests — the rig every element suite records with.
 *
 * A Rig is a pipeline holding one recorderbin. Each Input requests one of
 * the bin's sink pads and links a plain GstPad of the test to it; at run()
 * a thread of its own pushes the Input's script through that pad: buffers,
 * events, calls on the bin (signals, property reads), and marks and waits
 * on latches that order steps across the inputs. Buffers and events reach
 * the bin exactly in the order written, one streaming thread per pad. The
 * rig runs the pipeline to EOS while collecting the ERROR, WARNING and
 * recorderbin-done messages (rtest::RunResult), keeps a log of what the
 * bin posted and when, and reads the `stats` property at the end.
 *
 * A Rig can also adopt a pipeline built elsewhere (gst_parse_launch, an
 * appsrc, ...), fed by its own sources: run() then only plays it to EOS.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "recorder-test-util.h"

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace rtest
{

/* ---- audio to feed ------------------------------------------------------ */

/* Value (in S16 units) of frame `frame`, channel `ch`, of an input stream. */
using ValueFn = std::function<double (uint64_t frame, int ch)>;

GstAudioInfo audio_info (GstAudioFormat format, int rate, int channels,
                         GstAudioLayout layout = GST_AUDIO_LAYOUT_INTERLEAVED);

/* As a `pts` argument: the buffer gets no PTS. */
constexpr GstClockTime kNoPts = GST_CLOCK_TIME_NONE - 1;

/* A buffer of frames [first, first + n) of `fn` in `info` (S16 or F32, any
 * layout; non-interleaved buffers carry a GstAudioMeta). PTS is
 * first / rate unless given; duration from the sample counts. */
GstBuffer *make_audio (const GstAudioInfo &info, uint64_t first, uint64_t n,
                       const ValueFn &fn,
                       GstClockTime pts = GST_CLOCK_TIME_NONE);

/* ramp_value (frame, base + ch * 1000): what ramp_buffer_s16 writes. */
ValueFn ramp_fn (int base = 0);
/* A mono stream's ramp: the same values whichever channel it ends up in. */
ValueFn mono_ramp_fn (int base = 0);

/* ---- latches: order steps across the feeding threads --------------------- */

class Latches
{
public:
  void set (const std::string &name);
  /* False if `name` was not set within `timeout`. */
  bool wait (const std::string &name, GstClockTime timeout = 20 * GST_SECOND);

private:
  std::mutex lock_;
  std::condition_variable cond_;
  std::set<std::string> set_;
};

/* ---- one input ----------------------------------------------------------- */

class Rig;

class Input
{
public:
  Input (Rig &rig, const char *pad_name, GstClockTime holdback);
  ~Input ();
  Input (const Input &) = delete;
  Input &operator= (const Input &) = delete;

  GstPad *pad () const { return binpad_; } /* the bin's pad */
  std::string name () const;

  /* The script, pushed in order after a stream-start, then EOS. */
  /* Caps of `info`, then a TIME segment from 0 if `segment`. */
  Input &stream (const GstAudioInfo &info, bool segment = true);
  Input &caps (const GstAudioInfo &info);
  Input &event (GstEvent *event);    /* transfer full */
  Input &buffer (GstBuffer *buffer); /* transfer full */
  Input &gap (GstClockTime ts, GstClockTime duration);
  /* Frames [first, first + n) of `fn` in `info`, in buffers of `chunk`. */
  Input &audio (const GstAudioInfo &info, uint64_t first, uint64_t n,
                const ValueFn &fn, uint64_t chunk = 960);
  /* Samples [first, first + n) of a run of S16 ramp samples (base `base`),
   * in the format of the last caps, whose sample 0 is scheduled at t0
   * (sample m at t0 + m / rate), in buffers of `per_buffer`. */
  Input &ramp (GstClockTime t0, uint64_t n, int base, uint64_t per_buffer,
               uint64_t first = 0);
  /* A serialized custom downstream event carrying `structure`. */
  Input &custom (GstStructure *structure);
  /* A recorderbin-{interrupt,pause,resume} event at running time t. */
  Input &control (const char *what, GstClockTime t);
  /* fn (bin), run on this input's thread at this point of the script. */
  Input &call (std::function<void (GstElement *bin)> fn);
  /* The interrupt/pause/resume action signal for `pad` at t; it must
   * return TRUE. */
  Input &signal (const char *what, const char *pad, GstClockTime t);
  /* Sets the rig's latch `latch`, or waits (20 s at most) until it is. */
  Input &mark (const std::string &latch);
  Input &wait (const std::string &latch);

  /* Whether EOS follows the script (true). */
  bool send_eos = true;
  /* The first push that did not return GST_FLOW_OK (GST_FLOW_ERROR for a
   * wait that timed out); GST_FLOW_OK if none. Read after the run. */
  GstFlowReturn flow () const { return flow_; }
  /* Frames the bin took (pushes that returned GST_FLOW_OK), by the rate
   * of the caps they were pushed in. Read after the run. */
  const std::map<int, uint64_t> &accepted () const { return accepted_; }
  /* Waits until the script was pushed (run () does it itself). */
  void join ();

private:
  friend class Rig;
  struct Step
  {
    GstMiniObject *object = nullptr; /* a buffer or an event */
    std::function<void (GstElement *bin)> call;
    std::string mark, wait;
  };
  void start ();
  void run ();

  Rig &rig_;
  GstPad *binpad_ = nullptr;
  GstPad *src_ = nullptr;
  GstAudioInfo info_;
  std::vector<Step> steps_;
  std::thread thread_;
  GstFlowReturn flow_ = GST_FLOW_OK;
  std::map<int, uint64_t> accepted_;
};

/* ---- the rig ------------------------------------------------------------- */

/* What the bin posted, as seen by a bus sync handler (in posting order,
 * also what the bus drops when the pipeline goes to NULL). */
struct Posted
{
  GstMessageType type;
  gint64 at_us;      /* g_get_monotonic_time () */
  bool from_bin;     /* from the bin or an element inside it */
  GQuark domain = 0; /* ERROR, WARNING */
  gint code = 0;
  std::string status; /* recorderbin-done */
};

class Rig
{
public:
  /* A pipeline holding a recorderbin named "rec"; `format` and `location`
   * are set unless empty. */
  explicit Rig (const std::string &format = "wav",
                const std::string &location = "");
  /* Adopts `pipeline` (transfer full); its recorderbin is `bin_name`. */
  Rig (GstElement *pipeline, const char *bin_name);
  ~Rig ();
  Rig (const Rig &) = delete;
  Rig &operator= (const Rig &) = delete;

  GstElement *pipeline = nullptr;
  GstElement *bin = nullptr;

  /* Requests `pad_name` (sink_%u: the next free pad) with `holdback`. */
  Input &input (const char *pad_name = "sink_%u", GstClockTime holdback = 0);
  std::vector<std::unique_ptr<Input>> inputs;
  Latches latches;

  /* How run () goes. */
  GstClockTime timeout = 20 * GST_SECOND; /* for EOS on the bus */
  bool stop_on_error = true;              /* stop at the first ERROR */
  bool wait_started = false; /* PLAYING must complete within 10 s */

  /* start (), feed (), finish (). */
  const RunResult &run ();
  /* Sets PLAYING (which must not fail). */
  void start ();
  /* Starts every input's thread. */
  void feed ();
  /* Runs to EOS (rtest::run_to_eos: the pipeline ends in NULL), joins the
   * inputs' threads and reads `stats`. */
  const RunResult &finish ();

  RunResult result;
  GstStructure *stats = nullptr; /* read by finish () */

  /* A guint64 of `stats` / of the (first) done message; fails if absent. */
  guint64 stat (const char *field) const;
  guint64 done (const char *field) const;
  /* The done message's status, "" if none. */
  std::string status () const { return result.done_status (); }
  /* "[message] [message] ..." of the warnings collected. */
  std::string warning_texts () const;

  /* The posting log. */
  std::vector<Posted> posted () const;
  /* The statuses of every done message posted. */
  std::vector<std::string> done_statuses () const;
  /* When the first ERROR or WARNING from inside the bin was posted, 0 if
   * none. */
  gint64 first_fault_us () const;
  /* When EOS reached the bin's pad `pad_name`, 0 if not yet. */
  gint64 input_eos_us (const std::string &pad_name = "sink_0") const;

  /* Whether `m` comes from the bin or an element inside it. The bin removes
   * its chain when it stops, so an element that is no longer in the
   * pipeline at all was in the bin. */
  bool in_bin (GstMessage *m) const;

private:
  static GstBusSyncReply on_sync (GstBus *, GstMessage *msg, gpointer self);
  static GstPadProbeReturn on_pad_event (GstPad *pad, GstPadProbeInfo *info,
                                         gpointer self);
  void watch ();
  void watch_pad (GstPad *pad);

  mutable std::mutex lock_;
  std::vector<Posted> posted_;              /* guarded by lock_ */
  std::map<std::string, gint64> input_eos_; /* guarded by lock_ */
};

/* ---- the file we expect ---------------------------------------------------
 */

/* Interleaved S16 samples, zeros where silent, built from ramp pieces. */
struct Expected
{
  int rate;
  int channels;
  std::vector<int16_t> data;

  Expected (int r, int ch, uint64_t frames)
      : rate (r), channels (ch), data (frames * ch, 0)
  {
  }
  uint64_t frames () const { return data.size () / channels; }
  /* Ramp samples [first, first + n) of a ramp with base `base` and
   * `src_channels` channels, at output frame `at`, into channels
   * [channel, channel + src_channels). */
  void put (uint64_t at, uint64_t first, uint64_t n, int base,
            int src_channels = 1, int channel = 0);
};

/* `pcm` is `want`, sample for sample. */
void check_pcm (const Pcm &pcm, const Expected &want);

} // namespace rtest
