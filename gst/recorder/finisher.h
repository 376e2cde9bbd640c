/* recorderbin — the finisher: whatever happens inside, once every input has
 * ended the bin posts one recorderbin-done and then EOS, within eos-timeout
 * (DESIGN section 5). It owns every piece of finishing state: the failures
 * and how they were reported, which outputs have ended, the deadline, and
 * whether the recording is finished. docs/finishing.md follows it point by
 * point.
 *
 * Locking: lock_ guards the fields marked [finisher]. It is never held
 * together with Session::lock, nor across posting a message, a clock call
 * or a hook; see session.h for the whole order.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "report.h"
#include "session.h"

namespace recorder
{

/* A teardown waits at most this long for the file to be finished, so that
 * setting NULL returns within a second whatever eos-timeout is. */
constexpr Time kTeardownBudget = 800 * 1000000ULL;

class Finisher
{
public:
  enum class Forward
  {
    kAsIs,      /* post the ERROR as it is */
    kAsWarning, /* post it as a WARNING carrying the same error */
    kDrop,      /* a consequence of a failure already reported */
  };

  struct Hooks
  {
    /* Builds the recorderbin-done structure: everything but status and
     * error. */
    std::function<GstStructure *()> report;
    /* An output's chain failed or stalled: stop writing to it. */
    std::function<void (unsigned output, bool stalled)> fail_output;
    /* on-error=propagate: end every input now. */
    std::function<void ()> end_inputs;
    /* Every mark not posted yet (an output that never finished), with the
     * output's rate. */
    std::function<std::vector<GstStructure *> (int *rate)> flush_marks;
  };

  Finisher (GstElement *bin, Hooks hooks);
  ~Finisher ();

  /* READY->PAUSED: a new recording with `outputs` files. */
  void start (unsigned outputs, Time eos_timeout, ErrorMode mode);
  /* PAUSED->READY: cancels the deadline. */
  void stop ();

  /* An ERROR from an element of output `output`'s chain; says how the bin
   * posts it. The first one per output counts as its failure. */
  Forward chain_error (unsigned output, const GError *error);
  /* Posts, from the bin, the ERROR for a pad's bad input and counts it. */
  void input_error (GQuark domain, gint code, const std::string &text,
                    const std::string &debug);
  /* A push into output `output`'s chain failed with `ret` and no element
   * said why: posts the failure (naming `caps` for not-negotiated). */
  void chain_flow_error (unsigned output, GstFlowReturn ret,
                         const std::string &caps);
  /* Output `output` made no progress for eos-timeout. */
  void output_stalled (unsigned output, const std::string &pad);
  /* marks-location: the file each mark and the done line go to ("" for
   * none), for the recording about to start. */
  bool open_mark_log (const std::string &path, std::string *why);
  /* Posts recorderbin-mark messages (taking the structures) and writes
   * their lines; the done message waits for them. */
  void post_marks (std::vector<GstStructure *> marks, int rate);
  /* Posts a WARNING from the bin (late or ignored events, dropped audio). */
  void warning (GQuark domain, gint code, const std::string &text,
                const std::string &debug);

  /* Every input has ended. */
  void inputs_ended ();
  /* Output `output`'s sink posted EOS. */
  void output_ended (unsigned output);
  /* The thread stopping the pipeline: ends nothing itself, waits up to
   * kTeardownBudget (or eos-timeout if shorter) for the recording to be
   * finished, then finishes it with status timeout. */
  void teardown ();

  bool finished () const;
  bool running () const;
  std::uint64_t errors () const;

  /* Runs the bin's handler for an ERROR it forwards (or posts), keeping the
   * done message behind it on the bus. */
  void forward (const std::function<void ()> &post);

private:
  enum class Status
  {
    kOk,
    kError,
    kTimeout,
  };

  bool record_failure_locked (const GError *error);
  void maybe_finish_locked (std::unique_lock<std::mutex> &lk);
  void finish_locked (std::unique_lock<std::mutex> &lk, Status status);
  void arm_deadline ();
  void cancel_deadline ();
  static gboolean on_deadline (GstClock *, GstClockTime, GstClockID,
                               gpointer user_data);
  void deadline_reached (GstClockID id);
  Status status_locked () const;

  void post_marks_now (std::vector<GstStructure *> &marks, int rate);

  GstElement *bin_; /* not owned: the finisher is part of it */
  Hooks hooks_;
  MarkLog mark_log_; /* thread-safe itself */

  mutable std::mutex lock_;
  std::condition_variable finished_cond_;
  /* ---- [finisher] ---- */
  bool running_ = false;
  unsigned outputs_ = 0;
  std::vector<bool> output_ended_;
  std::vector<bool> output_failed_;
  std::vector<bool> output_stalled_;
  bool inputs_ended_ = false;
  bool finished_ = false;
  bool deadline_passed_ = false;
  std::uint64_t errors_ = 0;
  GError *first_error_ = nullptr;
  Time eos_timeout_ = 5 * kSecond;
  ErrorMode mode_ = ErrorMode::kContain;
  GstClockID deadline_ = nullptr;
  int in_flight_ = 0; /* messages being posted: done waits for them */
  bool finish_pending_ = false;
};

} // namespace recorder
