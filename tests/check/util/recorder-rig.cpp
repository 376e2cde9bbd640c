/* recorderbin tests — the rig. See recorder-rig.h.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "recorder-rig.h"

#include <chrono>
#include <cmath>
#include <utility>

/* Last: gstcheck.h defines macros (fail, ...) that clash with C++ headers. */
#include <gst/check/gstcheck.h>

namespace rtest
{

/* ---- audio to feed ------------------------------------------------------ */

GstAudioInfo
audio_info (GstAudioFormat format, int rate, int channels,
            GstAudioLayout layout)
{
  GstAudioInfo info;
  gst_audio_info_set_format (&info, format, rate, channels, NULL);
  info.layout = layout;
  return info;
}

GstBuffer *
make_audio (const GstAudioInfo &info, uint64_t first, uint64_t n,
            const ValueFn &fn, GstClockTime pts)
{
  const int channels = GST_AUDIO_INFO_CHANNELS (&info);
  const int width = GST_AUDIO_INFO_WIDTH (&info) / 8;
  const bool planar
      = GST_AUDIO_INFO_LAYOUT (&info) == GST_AUDIO_LAYOUT_NON_INTERLEAVED;
  const bool f32 = GST_AUDIO_INFO_FORMAT (&info) == GST_AUDIO_FORMAT_F32LE;
  GstBuffer *buf = gst_buffer_new_allocate (NULL, n * channels * width, NULL);
  GstMapInfo map;
  gst_buffer_map (buf, &map, GST_MAP_WRITE);
  for (uint64_t i = 0; i < n; i++)
    for (int c = 0; c < channels; c++)
      {
        const uint64_t idx = planar ? c * n + i : i * channels + c;
        const double v = fn (first + i, c);
        if (f32)
          reinterpret_cast<float *> (map.data)[idx] = (float)(v / 32768.0);
        else
          reinterpret_cast<int16_t *> (map.data)[idx]
              = (int16_t)std::lround (v);
      }
  gst_buffer_unmap (buf, &map);
  if (planar)
    gst_buffer_add_audio_meta (buf, &info, n, NULL);
  const int rate = GST_AUDIO_INFO_RATE (&info);
  if (pts == kNoPts)
    GST_BUFFER_PTS (buf) = GST_CLOCK_TIME_NONE;
  else
    GST_BUFFER_PTS (buf)
        = GST_CLOCK_TIME_IS_VALID (pts)
              ? pts
              : gst_util_uint64_scale_int (first, GST_SECOND, rate);
  GST_BUFFER_DURATION (buf)
      = gst_util_uint64_scale_int (first + n, GST_SECOND, rate)
        - gst_util_uint64_scale_int (first, GST_SECOND, rate);
  return buf;
}

ValueFn
ramp_fn (int base)
{
  return [base] (uint64_t frame, int ch) {
    return (double)ramp_value (frame, base + ch * 1000);
  };
}

ValueFn
mono_ramp_fn (int base)
{
  return
      [base] (uint64_t frame, int) { return (double)ramp_value (frame, base); };
}

/* ---- latches --------------------------------------------------------------
 */

void
Latches::set (const std::string &name)
{
  {
    std::lock_guard<std::mutex> lk (lock_);
    set_.insert (name);
  }
  cond_.notify_all ();
}

bool
Latches::wait (const std::string &name, GstClockTime timeout)
{
  std::unique_lock<std::mutex> lk (lock_);
  return cond_.wait_for (lk, std::chrono::nanoseconds (timeout),
                         [&] { return set_.count (name) > 0; });
}

/* ---- one input -------------------------------------------------------------
 */

namespace
{
/* The test's pads answer the latency query as a non-live source. */
gboolean
input_query (GstPad *pad, GstObject *parent, GstQuery *query)
{
  if (GST_QUERY_TYPE (query) == GST_QUERY_LATENCY)
    {
      gst_query_set_latency (query, FALSE, 0, GST_CLOCK_TIME_NONE);
      return TRUE;
    }
  return gst_pad_query_default (pad, parent, query);
}
} // namespace

Input::Input (Rig &rig, const char *pad_name, GstClockTime holdback)
    : rig_ (rig)
{
  binpad_ = gst_element_request_pad_simple (rig.bin, pad_name);
  fail_unless (binpad_ != NULL, "could not request %s", pad_name);
  if (holdback)
    g_object_set (binpad_, "holdback", (guint64)holdback, NULL);
  gchar *name = g_strdup_printf ("feed_%s", GST_OBJECT_NAME (binpad_));
  src_ = gst_pad_new (name, GST_PAD_SRC);
  g_free (name);
  gst_pad_set_query_function (src_, input_query);
  fail_unless_equals_int (gst_pad_link (src_, binpad_), GST_PAD_LINK_OK);
  gst_pad_set_active (src_, TRUE);
  gst_audio_info_init (&info_);
}

Input::~Input ()
{
  join ();
  for (Step &s : steps_)
    if (s.object)
      gst_mini_object_unref (s.object);
  gst_pad_set_active (src_, FALSE);
  gst_pad_unlink (src_, binpad_);
  gst_object_unref (src_);
  gst_object_unref (binpad_);
}

std::string
Input::name () const
{
  return GST_OBJECT_NAME (binpad_);
}

Input &
Input::stream (const GstAudioInfo &info, bool segment)
{
  caps (info);
  if (segment)
    {
      GstSegment seg;
      gst_segment_init (&seg, GST_FORMAT_TIME);
      event (gst_event_new_segment (&seg));
    }
  return *this;
}

Input &
Input::caps (const GstAudioInfo &info)
{
  info_ = info;
  GstCaps *c = gst_audio_info_to_caps (&info);
  event (gst_event_new_caps (c));
  gst_caps_unref (c);
  return *this;
}

Input &
Input::event (GstEvent *e)
{
  Step s;
  s.object = GST_MINI_OBJECT_CAST (e);
  steps_.push_back (std::move (s));
  return *this;
}

Input &
Input::buffer (GstBuffer *b)
{
  Step s;
  s.object = GST_MINI_OBJECT_CAST (b);
  steps_.push_back (std::move (s));
  return *this;
}

Input &
Input::gap (GstClockTime ts, GstClockTime duration)
{
  return event (gst_event_new_gap (ts, duration));
}

Input &
Input::audio (const GstAudioInfo &info, uint64_t first, uint64_t n,
              const ValueFn &fn, uint64_t chunk)
{
  for (uint64_t done = 0; done < n; done += chunk)
    buffer (make_audio (info, first + done, std::min (chunk, n - done), fn));
  return *this;
}

Input &
Input::ramp (GstClockTime t0, uint64_t n, int base, uint64_t per_buffer,
             uint64_t first)
{
  fail_unless (GST_AUDIO_INFO_FORMAT (&info_) == GST_AUDIO_FORMAT_S16LE,
               "%s: a ramp needs S16LE caps first", name ().c_str ());
  const int rate = GST_AUDIO_INFO_RATE (&info_);
  const int channels = GST_AUDIO_INFO_CHANNELS (&info_);
  for (uint64_t off = first; off < first + n; off += per_buffer)
    {
      const uint64_t len = std::min (per_buffer, first + n - off);
      buffer (ramp_buffer_s16 (
          off, len, channels, rate, base,
          t0 + gst_util_uint64_scale_int (off, GST_SECOND, rate)));
    }
  return *this;
}

Input &
Input::custom (GstStructure *structure)
{
  return event (gst_event_new_custom (GST_EVENT_CUSTOM_DOWNSTREAM, structure));
}

Input &
Input::control (const char *what, GstClockTime t)
{
  gchar *name = g_strdup_printf ("recorderbin-%s", what);
  custom (gst_structure_new (name, "running-time", G_TYPE_UINT64, (guint64)t,
                             NULL));
  g_free (name);
  return *this;
}

Input &
Input::call (std::function<void (GstElement *bin)> fn)
{
  Step s;
  s.call = std::move (fn);
  steps_.push_back (std::move (s));
  return *this;
}

Input &
Input::signal (const char *what, const char *pad, GstClockTime t)
{
  std::string w (what), p (pad);
  return call ([w, p, t] (GstElement *bin) {
    gboolean ret = FALSE;
    g_signal_emit_by_name (bin, w.c_str (), p.c_str (), (guint64)t, &ret);
    fail_unless (ret, "signal %s on %s returned FALSE", w.c_str (), p.c_str ());
  });
}

Input &
Input::mark (const std::string &latch)
{
  Step s;
  s.mark = latch;
  steps_.push_back (std::move (s));
  return *this;
}

Input &
Input::wait (const std::string &latch)
{
  Step s;
  s.wait = latch;
  steps_.push_back (std::move (s));
  return *this;
}

void
Input::start ()
{
  thread_ = std::thread ([this] { run (); });
}

void
Input::join ()
{
  if (thread_.joinable ())
    thread_.join ();
}

void
Input::run ()
{
  gchar *id = g_strdup_printf ("recorderbin-test-%s", name ().c_str ());
  gst_pad_push_event (src_, gst_event_new_stream_start (id));
  g_free (id);
  GstAudioInfo pushed; /* the caps in force */
  gst_audio_info_init (&pushed);
  for (Step &s : steps_)
    {
      GstMiniObject *o = s.object;
      s.object = nullptr;
      if (o && GST_IS_BUFFER (o))
        {
          const gsize size = gst_buffer_get_size (GST_BUFFER_CAST (o));
          const GstFlowReturn ret = gst_pad_push (src_, GST_BUFFER_CAST (o));
          if (ret != GST_FLOW_OK && flow_ == GST_FLOW_OK)
            flow_ = ret;
          if (ret == GST_FLOW_OK && GST_AUDIO_INFO_BPF (&pushed) > 0)
            accepted_[GST_AUDIO_INFO_RATE (&pushed)]
                += size / GST_AUDIO_INFO_BPF (&pushed);
        }
      else if (o)
        {
          if (GST_EVENT_TYPE (o) == GST_EVENT_CAPS)
            {
              GstCaps *caps;
              gst_event_parse_caps (GST_EVENT_CAST (o), &caps);
              if (!gst_audio_info_from_caps (&pushed, caps))
                gst_audio_info_init (&pushed);
            }
          gst_pad_push_event (src_, GST_EVENT_CAST (o));
        }
      else if (s.call)
        s.call (rig_.bin);
      else if (!s.mark.empty ())
        rig_.latches.set (s.mark);
      else if (!s.wait.empty () && !rig_.latches.wait (s.wait)
               && flow_ == GST_FLOW_OK)
        flow_ = GST_FLOW_ERROR;
    }
  if (send_eos)
    gst_pad_push_event (src_, gst_event_new_eos ());
}

/* ---- the rig ----------------------------------------------------------------
 */

Rig::Rig (const std::string &format, const std::string &location)
{
  pipeline = gst_pipeline_new (NULL);
  bin = gst_element_factory_make ("recorderbin", "rec");
  fail_unless (bin != NULL, "recorderbin not found");
  if (!format.empty ())
    gst_util_set_object_arg (G_OBJECT (bin), "format", format.c_str ());
  if (!location.empty ())
    g_object_set (bin, "location", location.c_str (), NULL);
  gst_bin_add (GST_BIN (pipeline), bin);
  gst_object_ref (bin);
  watch ();
}

Rig::Rig (GstElement *p, const char *bin_name) : pipeline (p)
{
  bin = gst_bin_get_by_name (GST_BIN (pipeline), bin_name);
  fail_unless (bin != NULL, "no element %s", bin_name);
  watch ();
  GstIterator *it = gst_element_iterate_sink_pads (bin);
  GValue v = G_VALUE_INIT;
  while (gst_iterator_next (it, &v) == GST_ITERATOR_OK)
    {
      watch_pad (GST_PAD (g_value_get_object (&v)));
      g_value_reset (&v);
    }
  g_value_unset (&v);
  gst_iterator_free (it);
}

Rig::~Rig ()
{
  gst_element_set_state (pipeline, GST_STATE_NULL);
  inputs.clear ();
  GstBus *bus = gst_element_get_bus (pipeline);
  gst_bus_set_sync_handler (bus, NULL, NULL, NULL);
  gst_object_unref (bus);
  if (stats)
    gst_structure_free (stats);
  gst_object_unref (bin);
  gst_object_unref (pipeline);
}

void
Rig::watch ()
{
  GstBus *bus = gst_element_get_bus (pipeline);
  gst_bus_set_sync_handler (bus, on_sync, this, NULL);
  gst_object_unref (bus);
}

void
Rig::watch_pad (GstPad *pad)
{
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, on_pad_event,
                     this, NULL);
}

GstPadProbeReturn
Rig::on_pad_event (GstPad *pad, GstPadProbeInfo *info, gpointer self)
{
  Rig *rig = static_cast<Rig *> (self);
  if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) == GST_EVENT_EOS)
    {
      std::lock_guard<std::mutex> lk (rig->lock_);
      rig->input_eos_.emplace (GST_OBJECT_NAME (pad), g_get_monotonic_time ());
    }
  return GST_PAD_PROBE_OK;
}

bool
Rig::in_bin (GstMessage *m) const
{
  GstObject *src = GST_MESSAGE_SRC (m);
  if (!src)
    return false;
  if (src == GST_OBJECT (bin)
      || gst_object_has_as_ancestor (src, GST_OBJECT (bin)))
    return true;
  return src != GST_OBJECT (pipeline)
         && !gst_object_has_as_ancestor (src, GST_OBJECT (pipeline));
}

GstBusSyncReply
Rig::on_sync (GstBus *, GstMessage *msg, gpointer self)
{
  Rig *rig = static_cast<Rig *> (self);
  Posted p;
  p.type = GST_MESSAGE_TYPE (msg);
  p.at_us = g_get_monotonic_time ();
  p.from_bin = rig->in_bin (msg);
  switch (p.type)
    {
    case GST_MESSAGE_ERROR:
    case GST_MESSAGE_WARNING:
      {
        GError *e = NULL;
        if (p.type == GST_MESSAGE_ERROR)
          gst_message_parse_error (msg, &e, NULL);
        else
          gst_message_parse_warning (msg, &e, NULL);
        if (e)
          {
            p.domain = e->domain;
            p.code = e->code;
            g_error_free (e);
          }
        break;
      }
    case GST_MESSAGE_EOS:
      break;
    case GST_MESSAGE_ELEMENT:
      {
        const GstStructure *s = gst_message_get_structure (msg);
        if (!s || !gst_structure_has_name (s, "recorderbin-done"))
          return GST_BUS_PASS;
        const gchar *st = gst_structure_get_string (s, "status");
        p.status = st ? st : "";
        break;
      }
    default:
      return GST_BUS_PASS;
    }
  std::lock_guard<std::mutex> lk (rig->lock_);
  rig->posted_.push_back (std::move (p));
  return GST_BUS_PASS;
}

Input &
Rig::input (const char *pad_name, GstClockTime holdback)
{
  inputs.push_back (std::make_unique<Input> (*this, pad_name, holdback));
  watch_pad (inputs.back ()->pad ());
  return *inputs.back ();
}

void
Rig::start ()
{
  fail_if (gst_element_set_state (pipeline, GST_STATE_PLAYING)
               == GST_STATE_CHANGE_FAILURE,
           "the recording failed to start");
  if (wait_started)
    fail_unless_equals_int (
        gst_element_get_state (pipeline, NULL, NULL, 10 * GST_SECOND),
        GST_STATE_CHANGE_SUCCESS);
}

void
Rig::feed ()
{
  for (auto &in : inputs)
    in->start ();
}

const RunResult &
Rig::finish ()
{
  run_to_eos (pipeline, result, timeout, stop_on_error);
  for (auto &in : inputs)
    in->join ();
  if (stats)
    gst_structure_free (stats);
  stats = NULL;
  g_object_get (bin, "stats", &stats, NULL);
  return result;
}

const RunResult &
Rig::run ()
{
  start ();
  feed ();
  return finish ();
}

guint64
Rig::stat (const char *field) const
{
  guint64 v = G_MAXUINT64;
  fail_unless (stats != NULL, "no stats read");
  fail_unless (gst_structure_get_uint64 (stats, field, &v), "no %s", field);
  return v;
}

guint64
Rig::done (const char *field) const
{
  guint64 v = G_MAXUINT64;
  fail_unless (!result.done.empty (), "no done message");
  fail_unless (gst_structure_get_uint64 (result.done[0], field, &v),
               "no %s in done", field);
  return v;
}

std::string
Rig::warning_texts () const
{
  std::string s;
  for (GstMessage *m : result.warnings)
    {
      GError *err = NULL;
      gst_message_parse_warning (m, &err, NULL);
      s += std::string ("[") + (err ? err->message : "?") + "] ";
      g_clear_error (&err);
    }
  return s;
}

std::vector<Posted>
Rig::posted () const
{
  std::lock_guard<std::mutex> lk (lock_);
  return posted_;
}

std::vector<std::string>
Rig::done_statuses () const
{
  std::vector<std::string> out;
  for (const Posted &p : posted ())
    if (p.type == GST_MESSAGE_ELEMENT)
      out.push_back (p.status);
  return out;
}

gint64
Rig::first_fault_us () const
{
  for (const Posted &p : posted ())
    if ((p.type == GST_MESSAGE_ERROR || p.type == GST_MESSAGE_WARNING)
        && p.from_bin)
      return p.at_us;
  return 0;
}

gint64
Rig::input_eos_us (const std::string &pad_name) const
{
  std::lock_guard<std::mutex> lk (lock_);
  auto it = input_eos_.find (pad_name);
  return it == input_eos_.end () ? 0 : it->second;
}

/* ---- the file we expect ---------------------------------------------------
 */

void
Expected::put (uint64_t at, uint64_t first, uint64_t n, int base,
               int src_channels, int channel)
{
  fail_unless ((at + n) * channels <= data.size (),
               "expected placement beyond the end");
  for (uint64_t i = 0; i < n; i++)
    for (int c = 0; c < src_channels; c++)
      data[(at + i) * channels + channel + c]
          = ramp_value (first + i, base + c * 1000);
}

void
check_pcm (const Pcm &pcm, const Expected &want)
{
  fail_unless_equals_int (pcm.rate, want.rate);
  fail_unless_equals_int (pcm.channels, want.channels);
  const uint64_t n
      = std::min<uint64_t> (pcm.samples.size (), want.data.size ());
  for (uint64_t i = 0; i < n; i++)
    if (pcm.samples[i] != want.data[i])
      fail ("sample mismatch at frame %" G_GUINT64_FORMAT " channel %d: got "
            "%d, want %d (file has %" G_GUINT64_FORMAT
            " frames, want %" G_GUINT64_FORMAT ")",
            i / want.channels, (int)(i % want.channels), pcm.samples[i],
            want.data[i], pcm.frames (), want.frames ());
  fail_unless_equals_uint64 (pcm.frames (), want.frames ());
}

} // namespace rtest
