/* recorderbin — the finisher. See finisher.h and docs/finishing.md.
 *
 * The recording is finished, once, when every input has ended and every
 * output that can still write has written its end (its sink posted EOS); or
 * when the eos-timeout deadline armed at the end of input passes; or when a
 * teardown runs out of time. Finishing posts recorderbin-done, then EOS.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "finisher.h"

GST_DEBUG_CATEGORY_EXTERN (gst_recorder_bin_debug);
#define GST_CAT_DEFAULT gst_recorder_bin_debug

namespace recorder
{

namespace
{
/* What the clock entry of the deadline holds: no reference to the bin, so
 * that the clock's thread never drops the last one (disposing the bin, and
 * with it maybe the system clock, from the clock's own thread). */
struct DeadlineData
{
  GWeakRef bin;
  Finisher *finisher;
};

void
free_deadline_data (gpointer p)
{
  auto *d = static_cast<DeadlineData *> (p);
  g_weak_ref_clear (&d->bin);
  delete d;
}

/* The deadline's work, handed from the clock's thread to GStreamer's
 * thread pool, which keeps the bin alive meanwhile. */
struct DeadlineCall
{
  Finisher *finisher;
  GstClockID id;
};

void
free_deadline_call (gpointer p)
{
  auto *c = static_cast<DeadlineCall *> (p);
  gst_clock_id_unref (c->id);
  delete c;
}

void
post_message (GstElement *bin, bool error, GQuark domain, gint code,
              const std::string &text, const std::string &debug)
{
  GError *err = g_error_new_literal (domain, code, text.c_str ());
  const gchar *dbg = debug.empty () ? NULL : debug.c_str ();
  GstMessage *msg = error
                        ? gst_message_new_error (GST_OBJECT (bin), err, dbg)
                        : gst_message_new_warning (GST_OBJECT (bin), err, dbg);
  g_error_free (err);
  gst_element_post_message (bin, msg);
}
} // namespace

Finisher::Finisher (GstElement *bin, Hooks hooks)
    : bin_ (bin), hooks_ (std::move (hooks))
{
}

Finisher::~Finisher ()
{
  cancel_deadline ();
  g_clear_error (&first_error_);
}

void
Finisher::start (unsigned outputs, Time eos_timeout, ErrorMode mode)
{
  cancel_deadline ();
  std::lock_guard<std::mutex> lk (lock_);
  running_ = true;
  outputs_ = outputs;
  output_ended_.assign (outputs, false);
  output_failed_.assign (outputs, false);
  output_stalled_.assign (outputs, false);
  inputs_ended_ = finished_ = deadline_passed_ = false;
  errors_ = 0;
  g_clear_error (&first_error_);
  eos_timeout_ = eos_timeout;
  mode_ = mode;
  in_flight_ = 0;
  finish_pending_ = false;
}

void
Finisher::stop ()
{
  cancel_deadline ();
  std::lock_guard<std::mutex> lk (lock_);
  running_ = false;
}

bool
Finisher::finished () const
{
  std::lock_guard<std::mutex> lk (lock_);
  return finished_;
}

bool
Finisher::running () const
{
  std::lock_guard<std::mutex> lk (lock_);
  return running_;
}

std::uint64_t
Finisher::errors () const
{
  std::lock_guard<std::mutex> lk (lock_);
  return errors_;
}

bool
Finisher::record_failure_locked (const GError *error)
{
  errors_++;
  if (!first_error_ && error)
    first_error_ = g_error_copy (error);
  return true;
}

Finisher::Forward
Finisher::chain_error (unsigned output, const GError *error)
{
  bool first;
  ErrorMode mode;
  {
    std::lock_guard<std::mutex> lk (lock_);
    first = running_ && !finished_ && output < outputs_
            && !output_failed_[output];
    if (first)
      {
        output_failed_[output] = true;
        record_failure_locked (error);
      }
    else if (running_ && !finished_)
      {
        /* One failure, one message: what its chain says next about it is
         * its consequence. */
        GST_DEBUG_OBJECT (bin_, "output %u already failed: dropping '%s'",
                          output, error->message);
        return Forward::kDrop;
      }
    in_flight_++;
    if (!running_)
      return Forward::kAsIs; /* a start-up error fails the state change */
    mode = mode_;
  }
  if (first)
    {
      hooks_.fail_output (output, false);
      if (mode == ErrorMode::kPropagate)
        hooks_.end_inputs ();
    }
  return mode == ErrorMode::kContain ? Forward::kAsWarning : Forward::kAsIs;
}

void
Finisher::forward (const std::function<void ()> &post)
{
  post ();
  std::unique_lock<std::mutex> lk (lock_);
  in_flight_--;
  maybe_finish_locked (lk);
}

void
Finisher::input_error (GQuark domain, gint code, const std::string &text,
                       const std::string &debug)
{
  {
    std::lock_guard<std::mutex> lk (lock_);
    GError *err = g_error_new_literal (domain, code, text.c_str ());
    if (running_ && !finished_)
      record_failure_locked (err);
    g_error_free (err);
    in_flight_++;
  }
  GST_WARNING_OBJECT (bin_, "%s", text.c_str ());
  forward ([&] { post_message (bin_, true, domain, code, text, debug); });
}

void
Finisher::chain_flow_error (unsigned output, GstFlowReturn ret,
                            const std::string &caps)
{
  const bool negotiation = ret == GST_FLOW_NOT_NEGOTIATED;
  const GQuark domain = negotiation ? GST_CORE_ERROR : GST_STREAM_ERROR;
  const gint code = negotiation ? (gint)GST_CORE_ERROR_NEGOTIATION
                                : (gint)GST_STREAM_ERROR_FAILED;
  const std::string text
      = negotiation
            ? "The recording chain cannot take the recording's audio: caps "
                  + caps
            : std::string ("The recording chain failed: ")
                  + gst_flow_get_name (ret);
  GError *err = g_error_new_literal (domain, code, text.c_str ());
  const Forward f = chain_error (output, err);
  g_error_free (err);
  if (f == Forward::kDrop)
    return;
  forward ([&] {
    post_message (bin_, f == Forward::kAsIs, domain, code, text, "");
  });
}

void
Finisher::output_stalled (unsigned output, const std::string &pad)
{
  ErrorMode mode;
  Time timeout;
  {
    std::lock_guard<std::mutex> lk (lock_);
    if (!running_ || finished_ || output >= outputs_ || output_stalled_[output])
      return;
    output_stalled_[output] = true;
    output_failed_[output] = true;
    errors_++;
    in_flight_++;
    mode = mode_;
    timeout = eos_timeout_;
  }
  hooks_.fail_output (output, true);
  gchar *t = g_strdup_printf ("%" GST_TIME_FORMAT, GST_TIME_ARGS (timeout));
  std::string text = std::string ("The recording's output made no progress "
                                  "for ")
                     + t + " on pad " + pad;
  g_free (t);
  if (mode == ErrorMode::kContain)
    text += ": discarding its input";
  {
    std::lock_guard<std::mutex> lk (lock_);
    if (!first_error_)
      first_error_ = g_error_new_literal (
          GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_WRITE, text.c_str ());
  }
  if (mode == ErrorMode::kPropagate)
    hooks_.end_inputs ();
  forward ([&] {
    post_message (bin_, mode == ErrorMode::kPropagate, GST_RESOURCE_ERROR,
                  GST_RESOURCE_ERROR_WRITE, text, "");
  });
}

void
Finisher::warning (GQuark domain, gint code, const std::string &text,
                   const std::string &debug)
{
  GST_INFO_OBJECT (bin_, "%s", text.c_str ());
  post_message (bin_, false, domain, code, text, debug);
}

bool
Finisher::open_mark_log (const std::string &path, std::string *why)
{
  mark_log_.close ();
  return path.empty () || mark_log_.open (path, why);
}

void
Finisher::post_marks_now (std::vector<GstStructure *> &marks, int rate)
{
  for (GstStructure *s : marks)
    {
      GST_INFO_OBJECT (bin_, "%" GST_PTR_FORMAT, s);
      mark_log_.write_mark (s, rate);
      gst_element_post_message (bin_,
                                gst_message_new_element (GST_OBJECT (bin_), s));
    }
  marks.clear ();
}

void
Finisher::post_marks (std::vector<GstStructure *> marks, int rate)
{
  if (marks.empty ())
    return;
  {
    std::lock_guard<std::mutex> lk (lock_);
    in_flight_++;
  }
  forward ([&] { post_marks_now (marks, rate); });
}

void
Finisher::inputs_ended ()
{
  {
    std::unique_lock<std::mutex> lk (lock_);
    if (!running_ || inputs_ended_)
      return;
    inputs_ended_ = true;
    maybe_finish_locked (lk);
    if (finished_ || finish_pending_)
      return;
  }
  arm_deadline ();
}

void
Finisher::output_ended (unsigned output)
{
  std::unique_lock<std::mutex> lk (lock_);
  if (!running_ || output >= outputs_)
    return;
  output_ended_[output] = true;
  maybe_finish_locked (lk);
}

Finisher::Status
Finisher::status_locked () const
{
  for (unsigned i = 0; i < outputs_; i++)
    if (output_stalled_[i])
      return Status::kTimeout;
  if (deadline_passed_)
    return errors_ > 0 ? Status::kError : Status::kTimeout;
  return errors_ > 0 ? Status::kError : Status::kOk;
}

void
Finisher::maybe_finish_locked (std::unique_lock<std::mutex> &lk)
{
  if (!running_ || finished_)
    return;
  bool done = deadline_passed_;
  if (inputs_ended_ && !done)
    {
      /* A stalled output never finishes: the others decide. */
      done = true;
      for (unsigned i = 0; i < outputs_; i++)
        if (!output_ended_[i] && !output_stalled_[i])
          done = false;
    }
  if (!done)
    return;
  if (in_flight_ > 0)
    {
      /* An ERROR being posted reaches the bus before the done message. */
      finish_pending_ = true;
      return;
    }
  finish_locked (lk, status_locked ());
}

void
Finisher::finish_locked (std::unique_lock<std::mutex> &lk, Status status)
{
  finished_ = true;
  finish_pending_ = false;
  GError *error = first_error_ ? g_error_copy (first_error_) : nullptr;
  if (status == Status::kError && !error)
    error = g_error_new_literal (GST_STREAM_ERROR, GST_STREAM_ERROR_FAILED,
                                 "The recording chain failed");
  const std::uint64_t errors = errors_;
  lk.unlock ();
  cancel_deadline ();

  const char *name = status == Status::kOk      ? "ok"
                     : status == Status::kError ? "error"
                                                : "timeout";
  int rate = 0;
  std::vector<GstStructure *> marks = hooks_.flush_marks (&rate);
  post_marks_now (marks, rate);
  GstStructure *s = hooks_.report ();
  gst_structure_set (s, "status", G_TYPE_STRING, name, "errors", G_TYPE_UINT64,
                     errors, NULL);
  if (status == Status::kError)
    gst_structure_set (s, "error", G_TYPE_ERROR, error, NULL);
  if (error)
    g_error_free (error);
  GST_INFO_OBJECT (bin_, "finished: %" GST_PTR_FORMAT, s);
  mark_log_.write_done (s);
  mark_log_.close ();
  gst_element_post_message (bin_,
                            gst_message_new_element (GST_OBJECT (bin_), s));
  gst_element_post_message (bin_, gst_message_new_eos (GST_OBJECT (bin_)));
  lk.lock ();
  finished_cond_.notify_all ();
}

void
Finisher::arm_deadline ()
{
  Time timeout;
  {
    std::lock_guard<std::mutex> lk (lock_);
    timeout = eos_timeout_;
  }
  GstClock *clock = gst_system_clock_obtain ();
  GstClockID id = gst_clock_new_single_shot_id (
      clock, gst_clock_get_time (clock) + timeout);
  gst_object_unref (clock);
  {
    std::lock_guard<std::mutex> lk (lock_);
    if (deadline_ || finished_ || !running_)
      {
        gst_clock_id_unref (id);
        return;
      }
    deadline_ = gst_clock_id_ref (id);
  }
  /* The entry owns the data from here on, even if cancel_deadline ()
   * unscheduled it meanwhile: it is freed with the entry. */
  auto *data = new DeadlineData;
  g_weak_ref_init (&data->bin, bin_);
  data->finisher = this;
  gst_clock_id_wait_async (id, on_deadline, data, free_deadline_data);
  gst_clock_id_unref (id);
}

void
Finisher::cancel_deadline ()
{
  GstClockID id;
  {
    std::lock_guard<std::mutex> lk (lock_);
    id = deadline_;
    deadline_ = nullptr;
  }
  if (id)
    {
      gst_clock_id_unschedule (id);
      gst_clock_id_unref (id);
    }
}

gboolean
Finisher::on_deadline (GstClock *, GstClockTime, GstClockID id,
                       gpointer user_data)
{
  auto *d = static_cast<DeadlineData *> (user_data);
  GstElement *bin = GST_ELEMENT (g_weak_ref_get (&d->bin));
  if (!bin)
    return TRUE;
  gst_element_call_async (
      bin,
      [] (GstElement *, gpointer p) {
        auto *c = static_cast<DeadlineCall *> (p);
        c->finisher->deadline_reached (c->id);
      },
      new DeadlineCall{ d->finisher, gst_clock_id_ref (id) },
      free_deadline_call);
  gst_object_unref (bin); /* the call holds one of its own */
  return TRUE;
}

void
Finisher::deadline_reached (GstClockID id)
{
  std::unique_lock<std::mutex> lk (lock_);
  if (deadline_ != id || finished_)
    return;
  GST_WARNING_OBJECT (bin_, "the chain did not finish within eos-timeout");
  deadline_passed_ = true;
  maybe_finish_locked (lk);
}

void
Finisher::teardown ()
{
  std::unique_lock<std::mutex> lk (lock_);
  if (!running_ || finished_)
    return;
  const Time budget = std::min (eos_timeout_, kTeardownBudget);
  finished_cond_.wait_for (lk, std::chrono::nanoseconds (budget),
                           [&] { return finished_; });
  if (finished_)
    return;
  GST_WARNING_OBJECT (bin_,
                      "teardown: the chain did not finish in %" GST_TIME_FORMAT,
                      GST_TIME_ARGS (budget));
  deadline_passed_ = true;
  for (unsigned i = 0; i < outputs_; i++)
    if (!output_ended_[i] && !output_failed_[i])
      output_stalled_[i] = true; /* it could not write its end in time */
  finish_locked (lk, status_locked ());
}

} // namespace recorder
