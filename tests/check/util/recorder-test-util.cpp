/* recorderbin tests — shared helpers.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "recorder-test-util.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <unistd.h>

/* Last: gstcheck.h defines macros (fail, ...) that clash with C++ headers. */
#include <glib/gstdio.h>
#include <gst/check/gstcheck.h>

#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define RTEST_HAVE_VALGRIND 1
#endif
#if defined(__SANITIZE_ADDRESS__)
#define RTEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RTEST_ASAN 1
#endif
#endif

namespace rtest
{

bool
leak_checked ()
{
#ifdef RTEST_ASAN
  return true;
#else
#ifdef RTEST_HAVE_VALGRIND
  return RUNNING_ON_VALGRIND;
#else
  return false;
#endif
#endif
}

void
assert_clean (const RunResult &r, std::size_t warnings)
{
  fail_unless (r.got_eos, "no EOS (timed out: %d)", r.timed_out);
  fail_unless (r.errors.empty (), "%s", describe_messages (r.errors).c_str ());
  fail_unless (r.warnings.size () == warnings, "%s",
               describe_messages (r.warnings).c_str ());
  fail_unless_equals_int ((int)r.done.size (), 1);
  const std::string status = r.done_status ();
  fail_unless_equals_string (status.c_str (), "ok");
}

std::string
message_text (GstMessage *msg)
{
  GError *err = NULL;
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR)
    gst_message_parse_error (msg, &err, NULL);
  else
    gst_message_parse_warning (msg, &err, NULL);
  std::string s = err ? err->message : "";
  g_clear_error (&err);
  return s;
}

bool
contains (const std::string &text, const std::string &part)
{
  return text.find (part) != std::string::npos;
}

std::string
structure_string (const GstStructure *s)
{
  gchar *str = gst_structure_to_string (s);
  std::string text (str);
  g_free (str);
  return text;
}

std::string
temp_path (const std::string &stem, const std::string &ext)
{
  static std::atomic<int> counter{ 0 };
  const char *dir = g_getenv ("RECORDER_TEST_TMPDIR");
  gchar *name = g_strdup_printf ("%s-%d-%d.%s", stem.c_str (), (int)getpid (),
                                 counter++, ext.c_str ());
  gchar *path = g_build_filename (dir ? dir : g_get_tmp_dir (), name, NULL);
  std::string result (path);
  g_free (name);
  g_free (path);
  g_unlink (result.c_str ());
  return result;
}

int16_t
ramp_value (uint64_t n, int base)
{
  return (int16_t)(((n % 30000) + 1 + (uint64_t)base) % 32767);
}

GstCaps *
caps_s16 (int rate, int channels)
{
  GstAudioInfo info;
  gst_audio_info_set_format (&info, GST_AUDIO_FORMAT_S16LE, rate, channels,
                             NULL);
  return gst_audio_info_to_caps (&info);
}

GstBuffer *
ramp_buffer_s16 (uint64_t first, uint64_t samples, int channels, int rate,
                 int base, GstClockTime pts)
{
  GstBuffer *buf = gst_buffer_new_allocate (
      NULL, samples * channels * sizeof (int16_t), NULL);
  GstMapInfo map;
  gst_buffer_map (buf, &map, GST_MAP_WRITE);
  auto *data = reinterpret_cast<int16_t *> (map.data);
  for (uint64_t i = 0; i < samples; i++)
    for (int c = 0; c < channels; c++)
      data[i * channels + c] = ramp_value (first + i, base + c * 1000);
  gst_buffer_unmap (buf, &map);
  if (!GST_CLOCK_TIME_IS_VALID (pts))
    pts = gst_util_uint64_scale_int (first, GST_SECOND, rate);
  GST_BUFFER_PTS (buf) = pts;
  GST_BUFFER_DURATION (buf)
      = gst_util_uint64_scale_int (first + samples, GST_SECOND, rate)
        - gst_util_uint64_scale_int (first, GST_SECOND, rate);
  return buf;
}

RunResult::~RunResult ()
{
  for (GstMessage *m : errors)
    gst_message_unref (m);
  for (GstMessage *m : warnings)
    gst_message_unref (m);
  for (GstStructure *s : done)
    gst_structure_free (s);
  for (GstStructure *s : marks)
    gst_structure_free (s);
}

std::string
RunResult::done_status () const
{
  if (done.empty ())
    return "";
  const gchar *s = gst_structure_get_string (done[0], "status");
  return s ? s : "";
}

void
collect_until_eos (GstBus *bus, RunResult &result, GstClockTime timeout,
                   bool stop_on_error)
{
  const auto t0 = std::chrono::steady_clock::now ();
  const GstClockTime deadline = gst_util_get_timestamp () + timeout;
  auto keep = [&result] (GstMessage *msg) {
    switch (GST_MESSAGE_TYPE (msg))
      {
      case GST_MESSAGE_ERROR:
        result.errors.push_back (msg);
        return true;
      case GST_MESSAGE_WARNING:
        result.warnings.push_back (msg);
        return true;
      case GST_MESSAGE_ELEMENT:
        {
          const GstStructure *s = gst_message_get_structure (msg);
          if (s && gst_structure_has_name (s, "recorderbin-done"))
            result.done.push_back (gst_structure_copy (s));
          else if (s && gst_structure_has_name (s, "recorderbin-mark"))
            result.marks.push_back (gst_structure_copy (s));
          return false;
        }
      default:
        return false;
      }
  };
  for (;;)
    {
      const GstClockTime now = gst_util_get_timestamp ();
      if (now >= deadline)
        {
          result.timed_out = true;
          break;
        }
      GstMessage *msg = gst_bus_timed_pop (bus, deadline - now);
      if (!msg)
        continue;
      if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS)
        {
          result.got_eos = true;
          gst_message_unref (msg);
          break;
        }
      const bool error = GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR;
      if (!keep (msg))
        gst_message_unref (msg);
      if (error && stop_on_error)
        break;
    }
  result.seconds
      = std::chrono::duration<double> (std::chrono::steady_clock::now () - t0)
            .count ();
  /* Collect what was posted with EOS (a done message is posted before it). */
  while (GstMessage *msg = gst_bus_pop (bus))
    if (!keep (msg))
      gst_message_unref (msg);
}

void
run_to_eos (GstElement *pipeline, RunResult &result, GstClockTime timeout,
            bool stop_on_error)
{
  GstBus *bus = gst_element_get_bus (pipeline);
  const auto t0 = std::chrono::steady_clock::now ();
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  const double starting
      = std::chrono::duration<double> (std::chrono::steady_clock::now () - t0)
            .count ();
  collect_until_eos (bus, result, timeout, stop_on_error);
  result.seconds += starting; /* wall time from the state change */
  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_NULL),
                          GST_STATE_CHANGE_SUCCESS);
  gst_object_unref (bus);
}

std::string
describe_messages (const std::vector<GstMessage *> &msgs)
{
  std::string out;
  for (GstMessage *m : msgs)
    {
      GError *e = NULL;
      if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_ERROR)
        gst_message_parse_error (m, &e, NULL);
      else if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_WARNING)
        gst_message_parse_warning (m, &e, NULL);
      gchar *s = g_strdup_printf (
          "[%s from %s: %s %d '%s'] ", GST_MESSAGE_TYPE_NAME (m),
          GST_MESSAGE_SRC_NAME (m), e ? g_quark_to_string (e->domain) : "-",
          e ? e->code : -1, e ? e->message : "");
      out += s;
      g_free (s);
      g_clear_error (&e);
    }
  return out;
}

static uint32_t
le32 (const unsigned char *p)
{
  return p[0] | (p[1] << 8) | (p[2] << 16) | ((uint32_t)p[3] << 24);
}

bool
read_wav (const std::string &path, Pcm &pcm)
{
  gchar *contents;
  gsize len;
  if (!g_file_get_contents (path.c_str (), &contents, &len, NULL))
    return false;
  const auto *d = reinterpret_cast<const unsigned char *> (contents);
  bool ok = false;
  if (len >= 12 && !memcmp (d, "RIFF", 4) && !memcmp (d + 8, "WAVE", 4))
    {
      gsize pos = 12;
      int bits = 0;
      while (pos + 8 <= len)
        {
          const uint32_t size = le32 (d + pos + 4);
          if (!memcmp (d + pos, "fmt ", 4) && pos + 8 + 16 <= len)
            {
              pcm.channels = d[pos + 10] | (d[pos + 11] << 8);
              pcm.rate = (int)le32 (d + pos + 12);
              bits = d[pos + 22] | (d[pos + 23] << 8);
            }
          else if (!memcmp (d + pos, "data", 4) && bits == 16)
            {
              /* A file cut short by a failure may carry a stale size. */
              const gsize avail = len - pos - 8;
              gsize n = (size == 0 || size > avail ? avail : size) / 2;
              pcm.samples.resize (n);
              memcpy (pcm.samples.data (), d + pos + 8, n * 2);
              ok = true;
              break;
            }
          pos += 8 + size + (size & 1);
        }
    }
  g_free (contents);
  return ok;
}

bool
decode_file (const std::string &path, Pcm &pcm)
{
  gchar *uri = gst_filename_to_uri (path.c_str (), NULL);
  gchar *desc = g_strdup_printf (
      "uridecodebin uri=\"%s\" ! audioconvert dithering=none ! "
      "audio/x-raw,format=S16LE,layout=interleaved ! appsink name=out "
      "sync=false",
      uri);
  GError *err = NULL;
  GstElement *pipeline = gst_parse_launch (desc, &err);
  g_free (desc);
  g_free (uri);
  if (!pipeline)
    {
      g_clear_error (&err);
      return false;
    }
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), "out");
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  bool ok = true;
  pcm.samples.clear ();
  for (;;)
    {
      GstSample *sample
          = gst_app_sink_try_pull_sample (GST_APP_SINK (sink), 30 * GST_SECOND);
      if (!sample)
        {
          ok = gst_app_sink_is_eos (GST_APP_SINK (sink));
          break;
        }
      GstAudioInfo info;
      gst_audio_info_from_caps (&info, gst_sample_get_caps (sample));
      pcm.rate = info.rate;
      pcm.channels = info.channels;
      GstBuffer *buf = gst_sample_get_buffer (sample);
      GstMapInfo map;
      gst_buffer_map (buf, &map, GST_MAP_READ);
      const auto *s = reinterpret_cast<const int16_t *> (map.data);
      pcm.samples.insert (pcm.samples.end (), s, s + map.size / 2);
      gst_buffer_unmap (buf, &map);
      gst_sample_unref (sample);
    }
  GstBus *bus = gst_element_get_bus (pipeline);
  if (GstMessage *m = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR))
    {
      ok = false;
      gst_message_unref (m);
    }
  gst_object_unref (bus);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (sink);
  gst_object_unref (pipeline);
  return ok;
}

} // namespace rtest
