/* recorderbin tests — finishing: EOS always completes (DESIGN sections 5
 * and 6), as a matrix of real faults (an encoder or muxer that errors, a file
 * that cannot be opened, a full disk, a file-size limit, a sink that never
 * returns, no audio at all, teardown at any moment, a killed process) crossed
 * with the `on-error` modes.
 *
 * Most tests record `audiotestsrc num-buffers=N` split by a tee: one branch
 * into the recorder, one into a fakesink counting what the source produced
 * (which a probe at the tee keeps). Under `contain` the counting branch
 * must see all N buffers: upstream never notices the failure. The pipeline is
 * adopted by the shared rig (recorder-rig.h), which runs it to EOS and logs
 * what the bin posts, and when.
 *
 * The binary doubles as the child of the SIGKILL test: when
 * RECORDER_CHILD_OUT is set, main() records live audio there forever.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "recorder-rig.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <poll.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define HAVE_VALGRIND_H 1
#endif
#endif

/* Last: gstcheck.h defines macros (fail, ...) that clash with C++ headers. */
#include <glib/gstdio.h>
#include <gst/check/gstcheck.h>

namespace
{

constexpr int kRate = 48000;
constexpr int kSpb = 480; /* samples per source buffer: 10 ms */

/* Under valgrind everything runs ~10-50x slower: stretch the eos-timeout
 * and the deadlines derived from it so that the same assertions hold. */
double
slow ()
{
#ifdef HAVE_VALGRIND_H
  if (RUNNING_ON_VALGRIND)
    return 10.0;
#endif
  return 1.0;
}

GstClockTime
eos_timeout ()
{
  return (GstClockTime)(2 * GST_SECOND * slow ());
}

/* The deadline of DESIGN section 5: EOS within eos-timeout (+1 s slack). */
double
eos_deadline_s ()
{
  return (double)eos_timeout () / GST_SECOND + 1.0 * slow ();
}

double
now_s ()
{
  return (double)g_get_monotonic_time () / G_USEC_PER_SEC;
}

const char *
mode_name (int mode)
{
  return mode == 0 ? "contain" : "propagate";
}

/* Sets an element-typed property, whether `e` is floating or not. */
void
set_element (GstElement *rec, const char *prop, GstElement *e)
{
  gst_object_ref_sink (e);
  g_object_set (rec, prop, e, NULL);
  gst_object_unref (e);
}

GstElement *
parse_bin (const char *desc)
{
  GError *err = NULL;
  GstElement *bin = gst_parse_bin_from_description (desc, TRUE, &err);
  fail_unless (bin != NULL, "cannot parse '%s': %s", desc,
               err ? err->message : "?");
  return bin;
}

/* Counts the audio frames leaving the element `name` inside `bin` (the
 * identity of a faulty encoder bin: what it passed before failing). */
GstPadProbeReturn
count_frames (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  auto *frames = static_cast<std::atomic<uint64_t> *> (user_data);
  GstCaps *caps = gst_pad_get_current_caps (pad);
  GstAudioInfo ainfo;
  if (caps && gst_audio_info_from_caps (&ainfo, caps) && ainfo.bpf > 0)
    *frames
        += gst_buffer_get_size (GST_PAD_PROBE_INFO_BUFFER (info)) / ainfo.bpf;
  if (caps)
    gst_caps_unref (caps);
  return GST_PAD_PROBE_OK;
}

void
watch_frames (GstElement *bin, const char *name, std::atomic<uint64_t> *frames)
{
  GstElement *e = gst_bin_get_by_name (GST_BIN (bin), name);
  fail_unless (e != NULL);
  GstPad *src = gst_element_get_static_pad (e, "src");
  gst_pad_add_probe (src, GST_PAD_PROBE_TYPE_BUFFER, count_frames, frames,
                     NULL);
  gst_object_unref (src);
  gst_object_unref (e);
}

/* A sink that never finishes rendering but honours unlock: it waits on the
 * clock for an hour before each buffer (and before EOS); a state change
 * or a flush releases it. */
GstElement *
stalling_sink ()
{
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);
  fail_unless (sink != NULL);
  g_object_set (sink, "sync", TRUE, "ts-offset", (gint64)(3600 * GST_SECOND),
                NULL);
  return sink;
}

/* The GError an ERROR or WARNING message carries (copy, or NULL). */
GError *
message_error (GstMessage *m)
{
  GError *e = NULL;
  gchar *dbg = NULL;
  if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_ERROR)
    gst_message_parse_error (m, &e, &dbg);
  else if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_WARNING)
    gst_message_parse_warning (m, &e, &dbg);
  g_free (dbg);
  return e;
}

/* How many of `msgs` come from inside the rig's bin and carry
 * domain/code. */
int
count_matching (const std::vector<GstMessage *> &msgs, const rtest::Rig &rig,
                GQuark domain, gint code)
{
  int n = 0;
  for (GstMessage *m : msgs)
    {
      if (!rig.in_bin (m))
        continue;
      GError *e = message_error (m);
      if (e && e->domain == domain && e->code == code)
        n++;
      if (e)
        g_error_free (e);
    }
  return n;
}

/* DESIGN section 6: every field of recorderbin-done, with its type. */
void
check_done_fields (const GstStructure *s, const char *location,
                   const char *status, GQuark domain, gint code)
{
  gchar *str = gst_structure_to_string (s);
  fail_unless (gst_structure_has_field_typed (s, "location", G_TYPE_STRING),
               "no location in %s", str);
  const gchar *loc = gst_structure_get_string (s, "location");
  if (location)
    fail_unless (loc && g_str_equal (loc, location), "location %s, expected %s",
                 loc ? loc : "NULL", location);
  else
    fail_unless (loc == NULL, "location %s, expected NULL", loc);
  for (const char *f :
       { "duration", "samples", "committed-samples", "interrupted-samples",
         "silence-samples", "overlap-samples", "late-events", "errors" })
    fail_unless (gst_structure_has_field_typed (s, f, G_TYPE_UINT64),
                 "no guint64 %s in %s", f, str);
  const gchar *st = gst_structure_get_string (s, "status");
  fail_unless (st && g_str_equal (st, status), "status %s, expected %s in %s",
               st ? st : "NULL", status, str);

  guint64 samples = 0, duration = 0, errors = 0;
  gst_structure_get_uint64 (s, "samples", &samples);
  gst_structure_get_uint64 (s, "duration", &duration);
  gst_structure_get_uint64 (s, "errors", &errors);
  /* duration is the samples' length at the output rate */
  const guint64 expect_dur = gst_util_uint64_scale (samples, GST_SECOND, kRate);
  fail_unless (duration == expect_dur || duration == expect_dur + 1,
               "duration %" G_GUINT64_FORMAT " for %" G_GUINT64_FORMAT
               " samples in %s",
               duration, samples, str);

  if (g_str_equal (status, "error"))
    {
      fail_unless (gst_structure_has_field_typed (s, "error", G_TYPE_ERROR),
                   "status error without a GError 'error' field: %s", str);
      const GError *e = static_cast<const GError *> (
          g_value_get_boxed (gst_structure_get_value (s, "error")));
      fail_unless (e != NULL, "NULL error in %s", str);
      fail_unless (e->domain == domain && e->code == code,
                   "error %s %d '%s', expected %s %d",
                   g_quark_to_string (e->domain), e->code, e->message,
                   g_quark_to_string (domain), code);
      fail_unless (errors >= 1, "errors=0 with status error: %s", str);
    }
  else
    fail_if (gst_structure_has_field (s, "error"),
             "an error field with status %s: %s", status, str);
  g_free (str);
}

/* ---- the tee rig ---------------------------------------------------------
 */

/* The pipeline, the bin, the run to EOS and the log of what the bin posted
 * are an rtest::Rig; the counting branch is kept here. */
struct TeeRig
{
  std::unique_ptr<rtest::Rig> recording;
  GstElement *pipeline = nullptr; /* the recording's */
  GstElement *rec = nullptr;      /* the recording's */
  std::string location;
  int num_buffers = 0;
  int mode = 0;

  std::mutex lock;
  std::vector<int16_t> source; /* what the source pushed into the tee */
  std::atomic<int> handoffs{ 0 };

  /* Stops the pipeline before what its handoffs write to goes. */
  ~TeeRig () { recording.reset (); }

  /* When the input's EOS reached the bin's pad, 0 if not yet. */
  gint64 eos_in_us () const { return recording->input_eos_us ("sink_0"); }
};

void
on_handoff (GstElement *, GstBuffer *, GstPad *, gpointer user_data)
{
  static_cast<TeeRig *> (user_data)->handoffs++;
}

/* Keeps what enters the tee: the counting sink renders only once the
 * pipeline is PLAYING, which a teardown right after the input's EOS may
 * never let it reach. */
GstPadProbeReturn
on_source_buffer (GstPad *, GstPadProbeInfo *info, gpointer user_data)
{
  TeeRig *rig = static_cast<TeeRig *> (user_data);
  GstMapInfo map;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  gst_buffer_map (buf, &map, GST_MAP_READ);
  {
    std::lock_guard<std::mutex> lk (rig->lock);
    const auto *s = reinterpret_cast<const int16_t *> (map.data);
    rig->source.insert (rig->source.end (), s, s + map.size / 2);
  }
  gst_buffer_unmap (buf, &map);
  return GST_PAD_PROBE_OK;
}

/* Every ERROR/WARNING from the bin ("ERROR:domain:code"), done and EOS as
 * posted, in order (also what the bus drops when the pipeline stops). */
std::vector<std::string>
posted_order (const rtest::Rig &rig)
{
  std::vector<std::string> out;
  for (const rtest::Posted &p : rig.posted ())
    switch (p.type)
      {
      case GST_MESSAGE_ERROR:
      case GST_MESSAGE_WARNING:
        if (p.from_bin)
          {
            gchar *s = g_strdup_printf (
                "%s:%s:%d", p.type == GST_MESSAGE_ERROR ? "ERROR" : "WARNING",
                g_quark_to_string (p.domain), p.code);
            out.push_back (s);
            g_free (s);
          }
        break;
      case GST_MESSAGE_EOS:
        out.push_back ("EOS");
        break;
      case GST_MESSAGE_ELEMENT:
        out.push_back ("done");
        break;
      default:
        break;
      }
  return out;
}

/* audiotestsrc num-buffers=N (10 ms each, S16LE mono 48 kHz, a sine) ! tee,
 * one branch into recorderbin `r`, one into a fakesink keeping the data.
 * num_buffers < 0: endless. */
void
rig_build (TeeRig &rig, int num_buffers, int mode, const char *format,
           const std::string &location, bool live = false)
{
  gchar *desc = g_strdup_printf (
      "audiotestsrc name=src num-buffers=%d samplesperbuffer=%d is-live=%s "
      "wave=sine freq=441 volume=0.5 ! "
      "audio/x-raw,format=S16LE,rate=%d,channels=1,layout=interleaved ! "
      "tee name=t t. ! queue name=qrec ! recorderbin name=r "
      "t. ! queue name=qcount ! fakesink name=count sync=false "
      "signal-handoffs=true",
      num_buffers, kSpb, live ? "true" : "false", kRate);
  GError *err = NULL;
  GstElement *pipeline = gst_parse_launch (desc, &err);
  fail_unless (pipeline != NULL, "%s", err ? err->message : "?");
  g_free (desc);
  rig.recording = std::make_unique<rtest::Rig> (pipeline, "r");
  rig.pipeline = pipeline;
  rig.rec = rig.recording->bin;
  rig.num_buffers = num_buffers;
  rig.mode = mode;
  rig.location = location;
  gst_util_set_object_arg (G_OBJECT (rig.rec), "format", format);
  gst_util_set_object_arg (G_OBJECT (rig.rec), "on-error", mode_name (mode));
  g_object_set (rig.rec, "eos-timeout", (guint64)eos_timeout (), NULL);
  if (!location.empty ())
    g_object_set (rig.rec, "location", location.c_str (), NULL);

  GstElement *count = gst_bin_get_by_name (GST_BIN (rig.pipeline), "count");
  g_signal_connect (count, "handoff", G_CALLBACK (on_handoff), &rig);
  gst_object_unref (count);
  GstElement *tee = gst_bin_get_by_name (GST_BIN (rig.pipeline), "t");
  GstPad *tee_sink = gst_element_get_static_pad (tee, "sink");
  gst_pad_add_probe (tee_sink, GST_PAD_PROBE_TYPE_BUFFER, on_source_buffer,
                     &rig, NULL);
  gst_object_unref (tee_sink);
  gst_object_unref (tee);

  GstPad *pad = gst_element_get_static_pad (rig.rec, "sink_0");
  fail_unless (pad != NULL);
  gst_object_unref (pad);
}

/* What a fault must end in. */
struct Expect
{
  const char *status = "ok";
  GQuark domain = 0; /* the failure's GError, when there is one */
  gint code = 0;
  const char *location = nullptr; /* expected `location` field */
};

/* Runs the rig to EOS and checks DESIGN sections 5 and 6 for `mode`:
 * EOS in time, one done with the right status, WARNING under contain and
 * ERROR under propagate (carrying the failure), every buffer reaching the
 * other tee branch under contain, and a prompt NULL. */
const rtest::RunResult &
run_and_check (TeeRig &rig, const Expect &ex)
{
  rtest::Rig &recording = *rig.recording;
  recording.timeout
      = (GstClockTime)((4 * slow () + eos_deadline_s ()) * GST_SECOND);
  recording.stop_on_error = false;
  const double t0 = now_s ();
  /* Plays from here: no state change before the clock starts. */
  const rtest::RunResult &res = recording.finish ();
  const double t_end = now_s ();
  const double eos_at = t0 + res.seconds;

  fail_if (res.timed_out, "no EOS on the bus after %.1f s (%s)", res.seconds,
           rtest::describe_messages (res.errors).c_str ());
  fail_unless (res.got_eos);

  /* EOS within eos-timeout of the input's EOS; under propagate the input
   * may never end (upstream stops on the flow error): then within
   * eos-timeout of the failure. */
  gint64 since = rig.eos_in_us ();
  if (!since && rig.mode == 1)
    since = recording.first_fault_us ();
  fail_unless (since != 0, "the input EOS never reached the bin");
  const double latency = eos_at - (double)since / G_USEC_PER_SEC;
  fail_unless (latency <= eos_deadline_s (),
               "EOS %.2f s after the input EOS%s (eos-timeout %.1f s)", latency,
               rig.eos_in_us () ? "" : " (failure)",
               (double)eos_timeout () / GST_SECOND);
  /* run_to_eos set the pipeline to NULL (asserting SUCCESS): promptly. */
  fail_unless (t_end - eos_at < 1.0 * slow (), "NULL took %.2f s",
               t_end - eos_at);

  /* The failure is reported before the done message, and that before EOS,
   * each once. */
  {
    const std::vector<std::string> posted = posted_order (recording);
    std::string order;
    for (const std::string &p : posted)
      order += p + " ";
    if (ex.domain)
      {
        gchar *fault
            = g_strdup_printf ("%s:%s:%d", rig.mode == 0 ? "WARNING" : "ERROR",
                               g_quark_to_string (ex.domain), ex.code);
        size_t i = 0;
        while (i < posted.size () && posted[i] != fault)
          i++;
        fail_unless (i < posted.size (), "no %s from the bin; posted: %s",
                     fault, order.c_str ());
        size_t d = 0;
        while (d < posted.size () && posted[d] != "done")
          d++;
        fail_unless (i < d, "%s posted after recorderbin-done: %s", fault,
                     order.c_str ());
        g_free (fault);
      }
    int dones = 0, eoses = 0;
    for (const std::string &p : posted)
      {
        dones += p == "done";
        eoses += p == "EOS";
        fail_unless (p != "done" || eoses == 0, "done after EOS: %s",
                     order.c_str ());
      }
    fail_unless_equals_int (dones, 1);
    fail_unless_equals_int (eoses, 1);
  }

  fail_unless_equals_int ((int)res.done.size (), 1);
  check_done_fields (res.done[0], ex.location, ex.status, ex.domain, ex.code);

  if (rig.mode == 0)
    {
      /* contain: upstream never sees the failure. */
      fail_unless (res.errors.empty (), "ERROR under contain: %s",
                   rtest::describe_messages (res.errors).c_str ());
      if (ex.domain)
        fail_unless (
            count_matching (res.warnings, recording, ex.domain, ex.code) >= 1,
            "no WARNING carrying %s %d from the bin: %s",
            g_quark_to_string (ex.domain), ex.code,
            rtest::describe_messages (res.warnings).c_str ());
      if (rig.num_buffers >= 0)
        fail_unless_equals_int (rig.handoffs.load (), rig.num_buffers);
    }
  else if (ex.domain)
    fail_unless (count_matching (res.errors, recording, ex.domain, ex.code)
                     >= 1,
                 "no ERROR carrying %s %d from the bin: %s",
                 g_quark_to_string (ex.domain), ex.code,
                 rtest::describe_messages (res.errors).c_str ());
  return res;
}

/* The first `n` frames of `pcm` (mono) are exactly the source's. */
void
check_prefix (TeeRig &rig, const rtest::Pcm &pcm, uint64_t n)
{
  std::lock_guard<std::mutex> lk (rig.lock);
  fail_unless_equals_int (pcm.channels, 1);
  fail_unless (pcm.frames () >= n);
  fail_unless (rig.source.size () >= n, "source has %zu samples, file %zu",
               rig.source.size (), (size_t)n);
  for (uint64_t i = 0; i < n; i++)
    if (pcm.samples[i] != rig.source[i])
      fail ("frame %" G_GUINT64_FORMAT ": %d in the file, %d from the source",
            i, pcm.samples[i], rig.source[i]);
}

guint64
done_samples (const rtest::RunResult &res)
{
  guint64 v = 0;
  gst_structure_get_uint64 (res.done[0], "samples", &v);
  return v;
}

} // namespace

/* ---- (1) an encoder that errors mid-stream ------------------------------ */

/* identity passes 2 blocks (of 500 ms, a non-live recording's) of the 3 s
 * to the encoder, then errors. */
static const struct
{
  const char *format, *ext, *encoder;
  /* The file holds exactly what identity passed, sample for sample (else:
   * readable up to the fault, at most what reached the encoder). */
  bool exact;
} kEncoderErrors[] = {
  { "ogg-opus", "ogg", "identity name=fault error-after=3 ! opusenc", false },
  { "wav", "wav", "identity name=fault error-after=3 ! wavenc", true },
};

/* Loop: encoder x mode. */
GST_START_TEST (test_encoder_error)
{
  const auto &c = kEncoderErrors[__i__ / 2];
  const int mode = __i__ % 2;
  TeeRig rig;
  const std::string path = rtest::temp_path ("enc-error", c.ext);
  rig_build (rig, 300, mode, c.format, path);
  GstElement *enc = parse_bin (c.encoder);
  std::atomic<uint64_t> passed{ 0 };
  watch_frames (enc, "fault", &passed);
  set_element (rig.rec, "encoder", enc);

  Expect ex;
  ex.status = "error";
  ex.domain = GST_CORE_ERROR;
  ex.code = GST_CORE_ERROR_FAILED;
  ex.location = path.c_str ();
  const rtest::RunResult &res = run_and_check (rig, ex);

  rtest::Pcm pcm;
  fail_unless (rtest::decode_file (path, pcm), "%s does not decode",
               path.c_str ());
  fail_unless (passed.load () > 0);
  if (c.exact)
    {
      /* every frame that reached the encoder, none after */
      fail_unless_equals_uint64 (pcm.frames (), passed.load ());
      check_prefix (rig, pcm, pcm.frames ());
    }
  else
    {
      fail_unless (pcm.frames () > 0);
      fail_unless (pcm.frames () <= passed.load (),
                   "%" G_GUINT64_FORMAT " frames, %" G_GUINT64_FORMAT
                   " reached the encoder",
                   pcm.frames (), (guint64)passed.load ());
    }
  fail_unless (done_samples (res) >= pcm.frames ());
}
GST_END_TEST;

/* ---- (2) a muxer that errors mid-stream ---------------------------------- */

/* Loop: mode. identity passes 39 Opus packets (20 ms each; the headers go in
 * the caps) to oggmux, then errors. The file keeps those, and what the
 * encoder still held from before the failure when EOS drained it (at most
 * the rest of one block the bin wrote: a non-live recording writes blocks
 * of 500 ms). */
GST_START_TEST (test_muxer_error)
{
  const int mode = __i__;
  TeeRig rig;
  const std::string path = rtest::temp_path ("mux-error", "ogg");
  rig_build (rig, 300, mode, "ogg-opus", path);
  set_element (rig.rec, "muxer",
               parse_bin ("oggmux name=m max-delay=200000000 "
                          "max-page-delay=200000000 "
                          "identity error-after=40 ! m.audio_%u"));

  Expect ex;
  ex.status = "error";
  ex.domain = GST_CORE_ERROR;
  ex.code = GST_CORE_ERROR_FAILED;
  ex.location = path.c_str ();
  run_and_check (rig, ex);

  rtest::Pcm pcm;
  fail_unless (rtest::decode_file (path, pcm), "%s does not decode",
               path.c_str ());
  fail_unless (pcm.frames () > 0);
  fail_unless (pcm.frames () <= 39 * 960 + kRate / 2,
               "%" G_GUINT64_FORMAT " frames", pcm.frames ());
}
GST_END_TEST;

/* ---- (3) a file that cannot be opened: a start-up error ------------------ */

/* Loop: mode (start-up errors are errors in both). */
GST_START_TEST (test_cannot_open)
{
  const int mode = __i__;
  TeeRig rig;
  const std::string dir = rtest::temp_path ("no-such-dir", "d");
  const std::string path = dir + "/out.ogg";
  rig_build (rig, 100, mode, "ogg-opus", path);

  const double t0 = now_s ();
  fail_unless_equals_int (
      gst_element_set_state (rig.pipeline, GST_STATE_PLAYING),
      GST_STATE_CHANGE_FAILURE);
  fail_unless (now_s () - t0 < 2.0 * slow ());

  GstBus *bus = gst_element_get_bus (rig.pipeline);
  GstMessage *msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (msg != NULL, "no ERROR for an unopenable file");
  fail_unless (rig.recording->in_bin (msg), "ERROR from %s",
               GST_MESSAGE_SRC_NAME (msg));
  GError *e = NULL;
  gchar *dbg = NULL;
  gst_message_parse_error (msg, &e, &dbg);
  fail_unless (e->domain == GST_RESOURCE_ERROR, "%s",
               g_quark_to_string (e->domain));
  /* A clear ERROR naming the cause: the file. */
  fail_unless (strstr (e->message, path.c_str ())
                   || (dbg && strstr (dbg, path.c_str ())),
               "the ERROR does not name %s: '%s' / '%s'", path.c_str (),
               e->message, dbg ? dbg : "");
  g_error_free (e);
  g_free (dbg);
  gst_message_unref (msg);
  gst_object_unref (bus);

  const double t1 = now_s ();
  fail_unless_equals_int (gst_element_set_state (rig.pipeline, GST_STATE_NULL),
                          GST_STATE_CHANGE_SUCCESS);
  fail_unless (now_s () - t1 < 1.0 * slow ());
  fail_if (g_file_test (path.c_str (), G_FILE_TEST_EXISTS));
}
GST_END_TEST;

/* ---- (4) a sink that cannot write: /dev/full ----------------------------- */

/* Loop: mode x format (ogg-opus, wav). */
GST_START_TEST (test_dev_full)
{
  const int mode = __i__ % 2;
  const char *format = __i__ / 2 ? "wav" : "ogg-opus";
  if (rtest::leak_checked () && g_str_equal (format, "wav"))
    return; /* wavenc's own leak on the failed write */
  TeeRig rig;
  rig_build (rig, 200, mode, format, "/dev/full");

  Expect ex;
  ex.status = "error";
  ex.domain = GST_RESOURCE_ERROR;
  ex.code = GST_RESOURCE_ERROR_NO_SPACE_LEFT;
  ex.location = "/dev/full";
  run_and_check (rig, ex);
}
GST_END_TEST;

/* Loop: mode. The failure (WARNING or ERROR) must reach the bus before the
 * done message and EOS, even when the input ends while the failure is
 * being handled: 50 buffers into /dev/full end the input about when the
 * first write fails. Repeated to cross the race. */
GST_START_TEST (test_failure_reported_before_done)
{
  const int mode = __i__;
  for (int round = 0; round < 10; round++)
    {
      TeeRig rig;
      rig_build (rig, 50, mode, "ogg-opus", "/dev/full");
      Expect ex;
      ex.status = "error";
      ex.domain = GST_RESOURCE_ERROR;
      ex.code = GST_RESOURCE_ERROR_NO_SPACE_LEFT;
      ex.location = "/dev/full";
      run_and_check (rig, ex);
    }
}
GST_END_TEST;

/* Loop: mode x format. A disk that fills mid-stream: the process may not
 * grow a file beyond 150000 bytes (RLIMIT_FSIZE; write() then fails with
 * EFBIG). The file keeps everything written before. */
GST_START_TEST (test_disk_fills_midstream)
{
  const int mode = __i__ % 2;
  const bool wav = __i__ / 2;
  const rlim_t limit = 150000;
  TeeRig rig;
  const std::string path
      = rtest::temp_path ("fsize-limit", wav ? "wav" : "ogg");
  /* 5 s: 480 kB of WAV, ~40 kB of Opus at 64 kbit/s */
  rig_build (rig, 500, mode, wav ? "wav" : "ogg-opus", path);
  if (!wav)
    set_element (rig.rec, "encoder", parse_bin ("opusenc bitrate=256000"));

  struct rlimit old_limit;
  fail_unless (getrlimit (RLIMIT_FSIZE, &old_limit) == 0);
  struct rlimit lim = old_limit;
  lim.rlim_cur = limit;
  void (*old_handler) (int) = signal (SIGXFSZ, SIG_IGN);
  fail_unless (setrlimit (RLIMIT_FSIZE, &lim) == 0);

  Expect ex;
  ex.status = "error";
  ex.domain = GST_RESOURCE_ERROR;
  ex.code = GST_RESOURCE_ERROR_WRITE;
  ex.location = path.c_str ();
  run_and_check (rig, ex);

  setrlimit (RLIMIT_FSIZE, &old_limit);
  signal (SIGXFSZ, old_handler);

  GStatBuf st;
  fail_unless (g_stat (path.c_str (), &st) == 0);
  fail_unless_equals_int ((int)st.st_size, (int)limit);

  rtest::Pcm pcm;
  fail_unless (rtest::decode_file (path, pcm), "%s does not decode",
               path.c_str ());
  if (wav)
    {
      /* 44-byte header, then every sample that fitted */
      fail_unless_equals_int ((int)pcm.frames (), (int)(limit - 44) / 2);
      check_prefix (rig, pcm, pcm.frames ());
    }
  else
    /* 150 kB at 256 kbit/s: ~4.6 s; allow for the unfinished last page */
    fail_unless (pcm.frames () > 3 * kRate, "%" G_GUINT64_FORMAT " frames",
                 pcm.frames ());
}
GST_END_TEST;

/* ---- (5) a sink that never returns ------------------------------------- */

/* A sink that never returns, with status timeout at the end either way:
 * (0) 50 ms of audio, the chain takes it all, then the sink sits on it;
 * EOS must come when eos-timeout runs out. (1) 5 s of non-live audio into
 * a sink that stalls on its first buffer: the chain backs up. Under contain
 * the input is accepted (after at most eos-timeout without progress) and
 * discarded; under propagate the failure reaches upstream as an ERROR. EOS
 * comes within eos-timeout of the input's EOS: the sink never finished. */
static const struct
{
  int num_buffers;
  bool midstream;
} kStalls[] = { { 5, false }, { 500, true } };

/* Loop: case x mode. */
GST_START_TEST (test_sink_stalls)
{
  const auto &c = kStalls[__i__ / 2];
  const int mode = __i__ % 2;
  TeeRig rig;
  rig_build (rig, c.num_buffers, mode, "wav", "");
  set_element (rig.rec, "sink", stalling_sink ());

  Expect ex;
  ex.status = "timeout";
  const rtest::RunResult &res = run_and_check (rig, ex);
  if (!c.midstream)
    fail_unless (res.errors.empty (), "%s",
                 rtest::describe_messages (res.errors).c_str ());
  else if (mode == 0)
    fail_unless (!res.warnings.empty (), "a stall without a WARNING");
  else
    {
      bool from_bin = false;
      for (GstMessage *m : res.errors)
        from_bin |= rig.recording->in_bin (m);
      fail_unless (from_bin,
                   "a stall under propagate without an ERROR from "
                   "the bin: %s",
                   rtest::describe_messages (res.errors).c_str ());
    }
}
GST_END_TEST;

/* ---- (6) EOS with no audio at all -------------------------------------- */

/* Loop: mode x format. */
GST_START_TEST (test_eos_without_audio)
{
  const int mode = __i__ % 2;
  const char *format = __i__ / 2 ? "wav" : "ogg-opus";
  TeeRig rig;
  const std::string path
      = rtest::temp_path ("no-audio", __i__ / 2 ? "wav" : "ogg");
  rig_build (rig, 0, mode, format, path);

  Expect ex;
  ex.status = "ok";
  ex.location = path.c_str ();
  const rtest::RunResult &res = run_and_check (rig, ex);
  fail_unless (res.errors.empty (), "%s",
               rtest::describe_messages (res.errors).c_str ());
  fail_unless (res.warnings.empty (), "%s",
               rtest::describe_messages (res.warnings).c_str ());
  guint64 v = 1;
  gst_structure_get_uint64 (res.done[0], "samples", &v);
  fail_unless_equals_uint64 (v, 0);
  gst_structure_get_uint64 (res.done[0], "duration", &v);
  fail_unless_equals_uint64 (v, 0);
  gst_structure_get_uint64 (res.done[0], "committed-samples", &v);
  fail_unless_equals_uint64 (v, 0);
}
GST_END_TEST;

/* ---- (7), (8): NULL while finishing, NULL while stalled ---------------- */

namespace
{
/* set_state (NULL), asserting SUCCESS within eos-timeout (+1 s): a
 * teardown may give the chain eos-timeout to finish the file, no more. */
void
null_in_time (GstElement *pipeline)
{
  const double t0 = now_s ();
  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_NULL),
                          GST_STATE_CHANGE_SUCCESS);
  const double took = now_s () - t0;
  fail_unless (took <= eos_deadline_s (), "NULL took %.2f s", took);
}
} // namespace

/* Loop: mode. The input has ended, the sink sits on the last buffer, the bin
 * waits for it; the application gives up and sets NULL. */
GST_START_TEST (test_null_while_waiting_for_eos)
{
  const int mode = __i__;
  TeeRig rig;
  rig_build (rig, 5, mode, "wav", "");
  set_element (rig.rec, "sink", stalling_sink ());

  gst_element_set_state (rig.pipeline, GST_STATE_PLAYING);
  const double t0 = now_s ();
  while (!rig.eos_in_us () && now_s () - t0 < 10.0 * slow ())
    g_usleep (10000);
  fail_unless (rig.eos_in_us () != 0, "the input never ended");
  g_usleep (300000);
  null_in_time (rig.pipeline);

  const std::vector<std::string> statuses = rig.recording->done_statuses ();
  fail_unless_equals_int ((int)statuses.size (), 1);
  fail_unless (statuses[0] == "timeout", "status %s", statuses[0].c_str ());
}
GST_END_TEST;

/* Loop: mode. A live recording whose sink stalls on its first buffer, set
 * to NULL without EOS, before and after the stall is detected. */
GST_START_TEST (test_null_while_sink_stalls)
{
  const int mode = __i__ % 2;
  const double wait
      = (__i__ / 2 ? 1.5 : 0.5) * (double)eos_timeout () / GST_SECOND;
  TeeRig rig;
  rig_build (rig, -1, mode, "wav", "", true);
  set_element (rig.rec, "sink", stalling_sink ());

  gst_element_set_state (rig.pipeline, GST_STATE_PLAYING);
  fail_unless_equals_int (
      gst_element_get_state (rig.pipeline, NULL, NULL, 10 * GST_SECOND),
      GST_STATE_CHANGE_SUCCESS);
  g_usleep ((gulong)(wait * G_USEC_PER_SEC));
  null_in_time (rig.pipeline);

  const std::vector<std::string> statuses = rig.recording->done_statuses ();
  fail_unless ((int)statuses.size () <= 1, "%zu done messages",
               statuses.size ());
}
GST_END_TEST;

/* A pipeline stopped before it reached PLAYING: its sinks wait in preroll,
 * the file's too. NULL still finishes the file with everything the bin
 * took: the bin lets the chain's sink render while it drains. */
GST_START_TEST (test_null_from_paused)
{
  for (int mode = 0; mode < 2; mode++)
    {
      TeeRig rig;
      const std::string path = rtest::temp_path ("null-from-paused", "wav");
      rig_build (rig, 50, mode, "wav", path);
      g_object_set (rig.pipeline, "auto-flush-bus", FALSE, NULL);
      fail_unless (gst_element_set_state (rig.pipeline, GST_STATE_PAUSED)
                   != GST_STATE_CHANGE_FAILURE);
      fail_unless_equals_int (
          gst_element_get_state (rig.pipeline, NULL, NULL, 10 * GST_SECOND),
          GST_STATE_CHANGE_SUCCESS);
      const double t0 = now_s ();
      while (!rig.eos_in_us () && now_s () - t0 < 10.0 * slow ())
        g_usleep (1000);
      fail_unless (rig.eos_in_us () != 0, "the input never ended");
      null_in_time (rig.pipeline);
      GstBus *bus = gst_element_get_bus (rig.pipeline);
      rtest::collect_until_eos (bus, rig.recording->result, 0, false);
      gst_object_unref (bus);
      const std::vector<std::string> statuses = rig.recording->done_statuses ();
      fail_unless_equals_int ((int)statuses.size (), 1);
      fail_unless_equals_string (statuses[0].c_str (), "ok");
      rtest::Pcm pcm;
      fail_unless (rtest::read_wav (path, pcm), "%s unreadable", path.c_str ());
      fail_unless_equals_uint64 (pcm.frames (), (guint64)(50 * kSpb));
      check_prefix (rig, pcm, pcm.frames ());
    }
}
GST_END_TEST;

/* NULL right after the input's EOS, while the bin drains into a working
 * file: no hang, no second done, the file stays decodable. Repeated to
 * cross the race at different points. */
GST_START_TEST (test_null_right_after_eos)
{
  for (int round = 0; round < 6; round++)
    {
      TeeRig rig;
      const std::string path = rtest::temp_path ("null-after-eos", "wav");
      rig_build (rig, 50, round % 2, "wav", path);
      gst_element_set_state (rig.pipeline, GST_STATE_PLAYING);
      const double t0 = now_s ();
      while (!rig.eos_in_us () && now_s () - t0 < 10.0 * slow ())
        g_usleep (100);
      fail_unless (rig.eos_in_us () != 0);
      if (round >= 2)
        g_usleep (1000 * (round - 1));
      null_in_time (rig.pipeline);
      {
        const std::vector<std::string> statuses
            = rig.recording->done_statuses ();
        fail_unless ((int)statuses.size () <= 1, "%zu done messages",
                     statuses.size ());
        if (!statuses.empty ())
          fail_unless (statuses[0] == "ok", "status %s", statuses[0].c_str ());
      }
      rtest::Pcm pcm;
      fail_unless (rtest::read_wav (path, pcm), "round %d: %s unreadable",
                   round, path.c_str ());
      check_prefix (rig, pcm, pcm.frames ());
    }
}
GST_END_TEST;

/* ---- (9) teardown mid-speech -------------------------------------------- */

/* A live call: the caller's microphone on sink_0, the agent's speech on
 * sink_1, pushed 10 s ahead of playback (holdback 30 s). After ~2 s the
 * application tears the pipeline down without EOS, mid-utterance. The file
 * keeps the agent's audio that was heard — up to about the clock time at
 * teardown — exactly, and not the unheard rest. */
GST_START_TEST (test_teardown_mid_speech)
{
  const std::string path = rtest::temp_path ("teardown", "wav");
  gchar *desc = g_strdup_printf (
      "recorderbin name=r format=wav location=\"%s\" "
      "audiotestsrc is-live=true samplesperbuffer=%d wave=sine volume=0.3 ! "
      "audio/x-raw,format=S16LE,rate=%d,channels=1 ! r.sink_0 "
      "appsrc name=agent is-live=true format=time max-bytes=0 ! r.sink_1",
      path.c_str (), kSpb, kRate);
  GError *err = NULL;
  GstElement *pipeline = gst_parse_launch (desc, &err);
  g_free (desc);
  fail_unless (pipeline != NULL, "%s", err ? err->message : "?");
  rtest::Rig rig (pipeline, "r");
  GstElement *rec = rig.bin;
  g_object_set (rec, "eos-timeout", (guint64)eos_timeout (), NULL);
  GstPad *agent_pad = gst_element_get_static_pad (rec, "sink_1");
  fail_unless (agent_pad != NULL);
  g_object_set (agent_pad, "holdback", (guint64)(30 * GST_SECOND), NULL);
  gst_object_unref (agent_pad);

  GstElement *agent = gst_bin_get_by_name (GST_BIN (pipeline), "agent");
  GstCaps *caps = rtest::caps_s16 (kRate, 1);
  g_object_set (agent, "caps", caps, NULL);
  gst_caps_unref (caps);
  /* 10 s of speech from 200 ms, queued before playback starts */
  const int chunk = kRate / 10;
  const GstClockTime speech_start = 200 * GST_MSECOND;
  for (int i = 0; i < 100; i++)
    fail_unless_equals_int (
        gst_app_src_push_buffer (
            GST_APP_SRC (agent),
            rtest::ramp_buffer_s16 ((uint64_t)i * chunk, chunk, 1, kRate, 0,
                                    speech_start + i * 100 * GST_MSECOND)),
        GST_FLOW_OK);
  fail_if (gst_element_set_state (pipeline, GST_STATE_PLAYING)
           == GST_STATE_CHANGE_FAILURE);
  fail_unless (gst_element_get_state (pipeline, NULL, NULL, 10 * GST_SECOND)
               != GST_STATE_CHANGE_FAILURE);
  GstClock *clock = gst_pipeline_get_clock (GST_PIPELINE (pipeline));
  const GstClockTime base = gst_element_get_base_time (pipeline);
  auto running = [&] () { return gst_clock_get_time (clock) - base; };
  while (running () < 2 * GST_SECOND)
    g_usleep (10000);

  const GstClockTime t0 = running ();
  null_in_time (pipeline);
  const GstClockTime t1 = running ();
  gst_object_unref (clock);

  {
    const std::vector<std::string> statuses = rig.done_statuses ();
    fail_unless ((int)statuses.size () <= 1, "%zu done messages",
                 statuses.size ());
  }

  gst_object_unref (agent);

  rtest::Pcm pcm;
  fail_unless (rtest::read_wav (path, pcm), "%s unreadable", path.c_str ());
  fail_unless_equals_int (pcm.channels, 2);
  fail_unless_equals_int (pcm.rate, kRate);
  if (slow () > 1.0)
    {
      /* Under valgrind a live pipeline cannot keep up with its clock (the
       * aggregator drops what comes late): only check the agent is there. */
      bool agent_audio = false;
      for (uint64_t f = 0; f < pcm.frames () && !agent_audio; f++)
        agent_audio = pcm.at (f, 1) != 0;
      fail_unless (agent_audio, "no agent audio in the file");
      return;
    }
  /* The agent's speech (right): silence until it starts at 200 ms (the
   * recording starts with the caller's first buffer, a few ms in), then
   * the ramp, sample for sample, up to what was heard. */
  uint64_t first = 0;
  while (first < pcm.frames () && pcm.at (first, 1) == 0)
    first++;
  fail_unless (first <= gst_util_uint64_scale (speech_start, kRate, GST_SECOND)
                   && first + kRate / 20 >= gst_util_uint64_scale (
                          speech_start, kRate, GST_SECOND),
               "the agent's speech starts at frame %" G_GUINT64_FORMAT, first);
  uint64_t heard = 0;
  while (first + heard < pcm.frames ()
         && pcm.at (first + heard, 1) == rtest::ramp_value (heard))
    heard++;
  /* running time of the end of what was kept */
  const GstClockTime kept_until
      = speech_start + gst_util_uint64_scale (heard, GST_SECOND, kRate);
  GST_INFO ("teardown between %" GST_TIME_FORMAT " and %" GST_TIME_FORMAT
            ": agent audio kept until %" GST_TIME_FORMAT
            ", file %" G_GUINT64_FORMAT " frames",
            GST_TIME_ARGS (t0), GST_TIME_ARGS (t1), GST_TIME_ARGS (kept_until),
            pcm.frames ());
  fail_unless (kept_until + (GstClockTime)(GST_SECOND / 10 * slow ()) >= t0,
               "agent audio kept until %" GST_TIME_FORMAT
               " (then %d, not the ramp's %d), teardown at %" GST_TIME_FORMAT,
               GST_TIME_ARGS (kept_until),
               first + heard < pcm.frames () ? pcm.at (first + heard, 1) : 0,
               rtest::ramp_value (heard), GST_TIME_ARGS (t0));
  fail_unless (kept_until <= t1 + GST_SECOND / 10,
               "unheard agent audio kept: until %" GST_TIME_FORMAT
               ", teardown by %" GST_TIME_FORMAT,
               GST_TIME_ARGS (kept_until), GST_TIME_ARGS (t1));
  const uint64_t hi = gst_util_uint64_scale (t1, kRate, GST_SECOND);
  /* After the cut, the agent's channel is silent. */
  for (uint64_t f = first + heard; f < pcm.frames (); f++)
    if (pcm.at (f, 1) != 0)
      fail ("agent frame %" G_GUINT64_FORMAT " is %d, neither the ramp's %d "
            "nor silence",
            f, pcm.at (f, 1), rtest::ramp_value (f - first));
  fail_unless (pcm.frames () <= hi + kRate / 2);
  /* The caller was recorded too. */
  bool mic = false;
  for (uint64_t f = 0; f < pcm.frames () && !mic; f++)
    mic = pcm.at (f, 0) != 0;
  fail_unless (mic, "the caller's channel is silent");
}
GST_END_TEST;

/* ---- a killed process ---------------------------------------------------- */

/* The child: records live audio to `out` until killed. */
static int
child_record (const char *out)
{
  gst_init (NULL, NULL);
  GError *err = NULL;
  gchar *desc = g_strdup_printf (
      "audiotestsrc is-live=true samplesperbuffer=%d wave=sine volume=0.5 ! "
      "recorderbin name=r location=\"%s\"",
      kSpb, out);
  GstElement *pipeline = gst_parse_launch (desc, &err);
  g_free (desc);
  if (!pipeline)
    return 2;
  if (gst_element_set_state (pipeline, GST_STATE_PLAYING)
      == GST_STATE_CHANGE_FAILURE)
    return 3;
  gst_element_get_state (pipeline, NULL, NULL, 10 * GST_SECOND);
  printf ("recording\n");
  fflush (stdout);
  GstBus *bus = gst_element_get_bus (pipeline);
  for (;;)
    {
      GstMessage *m = gst_bus_timed_pop_filtered (
          bus, GST_CLOCK_TIME_NONE,
          (GstMessageType)(GST_MESSAGE_ERROR | GST_MESSAGE_EOS));
      if (m)
        {
          fprintf (stderr, "child: unexpected %s\n", GST_MESSAGE_TYPE_NAME (m));
          return 4;
        }
    }
}

/* SIGKILL mid-recording: what is on disk decodes, up to its last second. */
GST_START_TEST (test_sigkill_mid_recording)
{
  const std::string path = rtest::temp_path ("killed", "ogg");
  gchar *self_exe = g_file_read_link ("/proc/self/exe", NULL);
  fail_unless (self_exe != NULL);
  /* rebuilt while running: the same program is at the same path */
  if (g_str_has_suffix (self_exe, " (deleted)"))
    self_exe[strlen (self_exe) - strlen (" (deleted)")] = '\0';
  gchar *argv[] = { self_exe, NULL };
  gchar **envp = g_get_environ ();
  envp = g_environ_setenv (envp, "RECORDER_CHILD_OUT", path.c_str (), TRUE);
  GPid pid;
  gint out_fd;
  GError *err = NULL;
  fail_unless (g_spawn_async_with_pipes (NULL, argv, envp,
                                         G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                         &pid, NULL, &out_fd, NULL, &err),
               "spawn: %s", err ? err->message : "?");
  g_strfreev (envp);
  g_free (self_exe);

  /* Wait for "recording\n" */
  char line[64] = { 0 };
  size_t got = 0;
  const double t_spawn = now_s ();
  while (!memchr (line, '\n', got) && got < sizeof line - 1
         && now_s () - t_spawn < 30.0)
    {
      struct pollfd pfd = { out_fd, POLLIN, 0 };
      if (poll (&pfd, 1, 100) > 0)
        {
          const ssize_t n = read (out_fd, line + got, sizeof line - 1 - got);
          if (n <= 0)
            break;
          got += (size_t)n;
        }
    }
  const double t_start = now_s ();
  const bool started = strstr (line, "recording") != NULL;
  if (started)
    g_usleep (3 * G_USEC_PER_SEC);
  const double elapsed = now_s () - t_start;
  kill (pid, SIGKILL);
  int status = 0;
  fail_unless (waitpid (pid, &status, 0) == pid);
  g_spawn_close_pid (pid);
  close (out_fd);
  fail_unless (started, "the child did not start recording ('%s')", line);
  fail_unless (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL,
               "child status %d", status);

  rtest::Pcm pcm;
  fail_unless (rtest::decode_file (path, pcm), "%s does not decode",
               path.c_str ());
  const double seconds = pcm.rate ? (double)pcm.frames () / pcm.rate : 0;
  fail_unless (seconds >= elapsed - 1.0,
               "%.2f s of audio after %.2f s of recording", seconds, elapsed);
  bool sound = false;
  for (size_t i = 0; i < pcm.samples.size () && !sound; i++)
    sound = pcm.samples[i] > 1000 || pcm.samples[i] < -1000;
  fail_unless (sound, "the decoded audio is silent");
}
GST_END_TEST;

static Suite *
finishing_suite (void)
{
  Suite *s = suite_create ("finishing");
  TCase *tc = tcase_create ("faults");
  suite_add_tcase (s, tc);
  /* loops over on-error: 0 contain, 1 propagate */
  tcase_add_loop_test (tc, test_encoder_error, 0,
                       2 * G_N_ELEMENTS (kEncoderErrors));
  tcase_add_loop_test (tc, test_muxer_error, 0, 2);
  tcase_add_loop_test (tc, test_cannot_open, 0, 2);
  tcase_add_loop_test (tc, test_dev_full, 0, 4);
  tcase_add_loop_test (tc, test_failure_reported_before_done, 0, 2);
  tcase_add_loop_test (tc, test_disk_fills_midstream, 0, 4);
  tcase_add_loop_test (tc, test_sink_stalls, 0, 2 * G_N_ELEMENTS (kStalls));
  tcase_add_loop_test (tc, test_eos_without_audio, 0, 4);
  tcase_add_loop_test (tc, test_null_while_waiting_for_eos, 0, 2);
  tcase_add_loop_test (tc, test_null_while_sink_stalls, 0, 4);
  tcase_add_test (tc, test_null_right_after_eos);
  tcase_add_test (tc, test_null_from_paused);
  tcase_add_test (tc, test_teardown_mid_speech);
  tcase_add_test (tc, test_sigkill_mid_recording);
  return s;
}

int
main (int argc, char **argv)
{
  if (const char *out = g_getenv ("RECORDER_CHILD_OUT"))
    return child_record (out);
  gst_check_init (&argc, &argv);
  return gst_check_run_suite (finishing_suite (), "finishing", __FILE__);
}
