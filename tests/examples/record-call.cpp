/* record-call — a two-party call recorded with recorderbin.
 *
 *   caller: audiotestsrc is-live=true          -> sink_0 (left channel)
 *   agent:  appsrc, speech pushed ahead        -> sink_1 (right channel,
 *           of playback with timestamps           holdback 10 s)
 *
 * The agent's whole utterance (0.5 s .. 3.5 s) is pushed at once, as a
 * speech synthesizer does. At 2 s the caller barges in: the application
 * emits `interrupt` for sink_1 at "now", and the unplayed rest of the
 * utterance never reaches the file. At 3 s it sends EOS and waits for the
 * `recorderbin-done` message, which it prints.
 *
 *   GST_PLUGIN_PATH=build/gst/recorder build/tests/examples/record-call [out]
 *
 * Exits 0 only if the done message arrived with status "ok" and the barge-in
 * discarded audio.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/app/gstappsrc.h>
#include <gst/gst.h>

#include <cmath>
#include <cstdio>
#include <string>

namespace
{
constexpr int kAgentRate = 16000;
constexpr GstClockTime kSpeechStart = 500 * GST_MSECOND;
constexpr GstClockTime kSpeechEnd = 3500 * GST_MSECOND;
constexpr GstClockTime kBufferDuration = 100 * GST_MSECOND;
constexpr GstClockTime kBargeIn = 2 * GST_SECOND;
constexpr GstClockTime kStop = 3 * GST_SECOND;
constexpr guint kGiveUpMs = 8000;

struct App
{
  GMainLoop *loop = nullptr;
  GstElement *pipeline = nullptr;
  GstElement *recorder = nullptr;
  GstElement *agent = nullptr;
  bool interrupted = false;
  bool eos_sent = false;
  bool done = false;
  bool ok = false;
  guint64 interrupted_samples = 0;
};

/* The agent's utterance: a 600 Hz tone, 100 ms per buffer, stamped with the
 * running times it is scheduled to be played at. */
void
push_agent_speech (App &app)
{
  const guint samples = (guint)gst_util_uint64_scale_round (
      kBufferDuration, kAgentRate, GST_SECOND);
  guint64 n
      = gst_util_uint64_scale_round (kSpeechStart, kAgentRate, GST_SECOND);
  for (GstClockTime pts = kSpeechStart; pts < kSpeechEnd;
       pts += kBufferDuration)
    {
      GstBuffer *buf = gst_buffer_new_allocate (NULL, samples * 2, NULL);
      GstMapInfo map;
      gst_buffer_map (buf, &map, GST_MAP_WRITE);
      auto *s = reinterpret_cast<gint16 *> (map.data);
      for (guint i = 0; i < samples; i++, n++)
        s[i] = (gint16)(8000.0
                        * std::sin (2.0 * G_PI * 600.0 * (double)n
                                    / kAgentRate));
      gst_buffer_unmap (buf, &map);
      GST_BUFFER_PTS (buf) = pts;
      GST_BUFFER_DURATION (buf) = kBufferDuration;
      gst_app_src_push_buffer (GST_APP_SRC (app.agent), buf);
    }
}

GstClockTime
running_time (GstElement *pipeline)
{
  GstClock *clock = gst_element_get_clock (pipeline);
  if (!clock)
    return GST_CLOCK_TIME_NONE;
  const GstClockTime now = gst_clock_get_time (clock);
  gst_object_unref (clock);
  const GstClockTime base = gst_element_get_base_time (pipeline);
  return now > base ? now - base : 0;
}

/* Every 10 ms: barge in at 2 s, stop at 3 s of running time. */
gboolean
on_tick (gpointer user_data)
{
  App &app = *static_cast<App *> (user_data);
  if (GST_STATE (app.pipeline) != GST_STATE_PLAYING)
    return G_SOURCE_CONTINUE;
  const GstClockTime now = running_time (app.pipeline);
  if (!GST_CLOCK_TIME_IS_VALID (now))
    return G_SOURCE_CONTINUE;

  if (!app.interrupted && now >= kBargeIn)
    {
      app.interrupted = true;
      gboolean found = FALSE;
      /* GST_CLOCK_TIME_NONE: cut at the clock's running time, now. */
      g_signal_emit_by_name (app.recorder, "interrupt", "sink_1",
                             GST_CLOCK_TIME_NONE, &found);
      g_print ("barge-in at %" GST_TIME_FORMAT ": interrupt sink_1 -> %s\n",
               GST_TIME_ARGS (now), found ? "applied" : "no such pad");
    }
  if (!app.eos_sent && now >= kStop)
    {
      app.eos_sent = true;
      g_print ("stop at %" GST_TIME_FORMAT ": sending EOS\n",
               GST_TIME_ARGS (now));
      gst_element_send_event (app.pipeline, gst_event_new_eos ());
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

gboolean
print_field (GQuark field, const GValue *value, gpointer)
{
  std::string text;
  if (G_VALUE_HOLDS (value, G_TYPE_ERROR))
    {
      const GError *err
          = static_cast<const GError *> (g_value_get_boxed (value));
      text = err ? err->message : "(none)";
    }
  else
    {
      gchar *s = gst_value_serialize (value);
      text = s ? s : "(null)";
      g_free (s);
    }
  g_print ("  %-20s %s\n", g_quark_to_string (field), text.c_str ());
  return TRUE;
}

void
on_done (App &app, const GstStructure *s)
{
  app.done = true;
  g_print ("recorderbin-done:\n");
  gst_structure_foreach (s, print_field, nullptr);
  const gchar *status = gst_structure_get_string (s, "status");
  gst_structure_get_uint64 (s, "interrupted-samples", &app.interrupted_samples);
  app.ok = status && g_str_equal (status, "ok");
}

gboolean
on_bus_message (GstBus *, GstMessage *msg, gpointer user_data)
{
  App &app = *static_cast<App *> (user_data);
  switch (GST_MESSAGE_TYPE (msg))
    {
    case GST_MESSAGE_ELEMENT:
      {
        const GstStructure *s = gst_message_get_structure (msg);
        if (GST_MESSAGE_SRC (msg) == GST_OBJECT (app.recorder) && s
            && gst_structure_has_name (s, "recorderbin-done"))
          on_done (app, s);
        break;
      }
    case GST_MESSAGE_WARNING:
    case GST_MESSAGE_ERROR:
      {
        GError *err = nullptr;
        gchar *debug = nullptr;
        const bool error = GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR;
        if (error)
          gst_message_parse_error (msg, &err, &debug);
        else
          gst_message_parse_warning (msg, &err, &debug);
        g_printerr ("%s from %s: %s\n", error ? "ERROR" : "WARNING",
                    GST_MESSAGE_SRC_NAME (msg), err->message);
        g_clear_error (&err);
        g_free (debug);
        if (error)
          g_main_loop_quit (app.loop);
        break;
      }
    case GST_MESSAGE_EOS:
      g_print ("end of stream\n");
      g_main_loop_quit (app.loop);
      break;
    default:
      break;
    }
  return G_SOURCE_CONTINUE;
}

gboolean
on_give_up (gpointer user_data)
{
  App &app = *static_cast<App *> (user_data);
  g_printerr ("no end of stream after %u ms: giving up\n", kGiveUpMs);
  g_main_loop_quit (app.loop);
  return G_SOURCE_REMOVE;
}
} // namespace

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  const gchar *location = argc > 1 ? argv[1] : "call.ogg";

  App app;
  app.pipeline = gst_pipeline_new ("call");
  app.recorder = gst_element_factory_make ("recorderbin", "recorder");
  GstElement *caller = gst_element_factory_make ("audiotestsrc", "caller");
  app.agent = gst_element_factory_make ("appsrc", "agent");
  if (!app.recorder || !caller || !app.agent)
    {
      g_printerr ("recorderbin, audiotestsrc or appsrc is missing (set "
                  "GST_PLUGIN_PATH to the directory of libgstrecorder.so)\n");
      return 1;
    }
  app.loop = g_main_loop_new (NULL, FALSE);

  g_object_set (app.recorder, "location", location, "format", 0 /* ogg-opus */,
                "eos-timeout", (guint64)2 * GST_SECOND, NULL);
  g_object_set (caller, "is-live", TRUE, "freq", 300.0, "volume", 0.3, NULL);
  GstCaps *caps = gst_caps_new_simple (
      "audio/x-raw", "format", G_TYPE_STRING, "S16LE", "layout", G_TYPE_STRING,
      "interleaved", "rate", G_TYPE_INT, kAgentRate, "channels", G_TYPE_INT, 1,
      NULL);
  g_object_set (app.agent, "caps", caps, "format", GST_FORMAT_TIME, NULL);
  gst_caps_unref (caps);

  gst_bin_add_many (GST_BIN (app.pipeline), caller, app.agent, app.recorder,
                    NULL);
  /* Request the pads before the recorder leaves READY. */
  GstPad *caller_pad = gst_element_request_pad_simple (app.recorder, "sink_0");
  GstPad *agent_pad = gst_element_request_pad_simple (app.recorder, "sink_1");
  /* The agent's speech is pushed up to 3 s ahead: hold up to 10 s of it so
   * that a barge-in can still cut it. */
  g_object_set (agent_pad, "holdback", (guint64)10 * GST_SECOND, NULL);
  GstPad *src = gst_element_get_static_pad (caller, "src");
  gst_pad_link (src, caller_pad);
  gst_object_unref (src);
  src = gst_element_get_static_pad (app.agent, "src");
  gst_pad_link (src, agent_pad);
  gst_object_unref (src);

  GstBus *bus = gst_element_get_bus (app.pipeline);
  gst_bus_add_watch (bus, on_bus_message, &app);
  gst_object_unref (bus);

  if (gst_element_set_state (app.pipeline, GST_STATE_PLAYING)
      == GST_STATE_CHANGE_FAILURE)
    {
      g_printerr ("cannot start recording to %s\n", location);
      return 1;
    }
  push_agent_speech (app);
  g_timeout_add (10, on_tick, &app);
  g_timeout_add (kGiveUpMs, on_give_up, &app);
  g_main_loop_run (app.loop);

  gst_element_set_state (app.pipeline, GST_STATE_NULL);
  gst_element_release_request_pad (app.recorder, caller_pad);
  gst_element_release_request_pad (app.recorder, agent_pad);
  gst_object_unref (caller_pad);
  gst_object_unref (agent_pad);
  gst_object_unref (app.pipeline);
  g_main_loop_unref (app.loop);

  if (!app.done)
    {
      g_printerr ("FAIL: no recorderbin-done message\n");
      return 1;
    }
  if (!app.ok)
    {
      g_printerr ("FAIL: the recording did not finish with status ok\n");
      return 1;
    }
  if (app.interrupted_samples == 0)
    {
      g_printerr ("FAIL: the barge-in discarded nothing\n");
      return 1;
    }
  g_print ("recorded %s\n", location);
  return 0;
}
