/* recorderbin — what the recording says about itself (DESIGN sections 10
 * and 11): the recorderbin-mark messages, the marks-location log, the
 * per-pad report `pads` of recorderbin-done and `stats`, and one file per
 * pad (channel-mode=separate).
 *
 * Every pad is fed by the rig (recorder-rig.h), non-live, so the commit
 * horizon is moved by the pads without holdback: the agent's speech is
 * pushed before the mic passes it, and a control is applied before the
 * mic's audio passes its time (latches order the feeding threads). One
 * test runs live, on real audiotestsrc elements, for the "now" of a live
 * pipeline.
 *
 * Input frame f of every stream is scheduled at f / rate from running
 * time 0 (rtest::make_audio), so a stream's values are functions of the
 * absolute frame. Expected samples are computed with GStreamer's own
 * arithmetic: a cut at T on a run whose first sample is at t0 falls before
 * run sample gst_util_uint64_scale_round (T - t0, rate, GST_SECOND), that
 * run sample sits in the file at the run's own offset from the
 * recording's start plus its index, and n samples last
 * gst_util_uint64_scale (n, GST_SECOND, rate).
 *
 * The regression tests at the end each failed before the fix they
 * describe.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "recorder-files.h"
#include "recorder-rig.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

/* Last: gstcheck.h defines macros (fail, ...) that clash with C++ headers. */
#include <gst/check/gstcheck.h>

namespace
{

constexpr int kRate = 48000;
constexpr GstClockTime kMs = GST_MSECOND;
constexpr GstClockTime kS = GST_SECOND;
constexpr uint64_t kMicChunk = 480;    /* 10 ms */
constexpr uint64_t kAgentChunk = 1100; /* divides nothing */

using rtest::Input;

/* The sample a cut at t falls before, on a run whose first sample is at
 * `from`; also the file frame of running time t when `from` is the
 * recording's start. */
uint64_t
cut_at (GstClockTime from, GstClockTime t)
{
  return gst_util_uint64_scale_round (t - from, kRate, GST_SECOND);
}

/* The duration of n samples at `rate`, rounded down. */
GstClockTime
duration_of (uint64_t n, int rate = kRate)
{
  return gst_util_uint64_scale (n, GST_SECOND, rate);
}

GstAudioInfo
s16 (int channels)
{
  return rtest::audio_info (GST_AUDIO_FORMAT_S16LE, kRate, channels);
}

/* `pattern` with its %u (or %d) replaced by `index`. */
std::string
expand (const std::string &pattern, unsigned index)
{
  std::string out = pattern;
  size_t at = out.find ("%u");
  if (at == std::string::npos)
    at = out.find ("%d");
  fail_unless (at != std::string::npos, "no %%u in %s", pattern.c_str ());
  return out.replace (at, 2, std::to_string (index));
}

/* ---- the audio we expect ------------------------------------------------- */

/* A pad's stream as it is heard in the file: pieces of its input (frames
 * [first, first + n) of `fn`) placed at file frame `at`, zeros elsewhere. */
struct Track
{
  int channels = 1;
  rtest::ValueFn fn;
  struct Piece
  {
    uint64_t at, first, n;
  };
  std::vector<Piece> pieces;

  Track (rtest::ValueFn f, int ch = 1) : channels (ch), fn (std::move (f)) {}
  Track &put (uint64_t at, uint64_t first, uint64_t n)
  {
    pieces.push_back ({ at, first, n });
    return *this;
  }
  int16_t value (uint64_t frame, int ch) const
  {
    for (const Piece &p : pieces)
      if (frame >= p.at && frame < p.at + p.n)
        return (int16_t)std::lround (fn (p.first + frame - p.at, ch));
    return 0;
  }
};

/* A span of file frames the whole-recording pause removed: zeroed
 * (silence) or cut out (collapse). */
struct Span
{
  uint64_t from, to;
};

/* The file frames as they would be without the whole-recording pause
 * (`frames` of them), with `spans` zeroed or cut out. Channels: one per
 * track (mono tracks), or the one track's, or one (`mix`: the sum). */
struct Want
{
  std::vector<int16_t> data;
  int channels = 0;
  uint64_t frames () const { return data.size () / channels; }
};

Want
render (const std::vector<const Track *> &tracks, uint64_t frames,
        bool mix = false, const std::vector<Span> &spans = {},
        bool collapse = false)
{
  Want w;
  w.channels = mix                   ? 1
               : tracks.size () == 1 ? tracks[0]->channels
                                     : (int)tracks.size ();
  for (uint64_t f = 0; f < frames; f++)
    {
      bool gated = false;
      for (const Span &s : spans)
        gated = gated || (f >= s.from && f < s.to);
      if (gated && collapse)
        continue;
      for (int c = 0; c < w.channels; c++)
        {
          int v = 0;
          if (!gated)
            {
              if (mix)
                for (const Track *t : tracks)
                  v += t->value (f, 0);
              else if (tracks.size () == 1)
                v = tracks[0]->value (f, c);
              else
                v = tracks[c]->value (f, 0);
            }
          w.data.push_back ((int16_t)v);
        }
    }
  return w;
}

/* `pcm` is `want` sample for sample, at the recording's rate. */
void
check_samples (const rtest::Pcm &pcm, const Want &want, const char *what)
{
  fail_unless_equals_int (pcm.rate, kRate);
  fail_unless (pcm.channels == want.channels, "%s: %d channels, want %d", what,
               pcm.channels, want.channels);
  const size_t n = std::min (pcm.samples.size (), want.data.size ());
  for (size_t i = 0; i < n; i++)
    if (pcm.samples[i] != want.data[i])
      fail ("%s: frame %u channel %d is %d, want %d (the file has %u "
            "frames, want %u)",
            what, (unsigned)(i / want.channels), (int)(i % want.channels),
            pcm.samples[i], want.data[i], (unsigned)pcm.frames (),
            (unsigned)want.frames ());
  fail_unless (pcm.frames () == want.frames (), "%s: %u frames, want %u", what,
               (unsigned)pcm.frames (), (unsigned)want.frames ());
}

/* ---- what the bin must say ----------------------------------------------- */

/* A recorderbin-mark. */
struct WantMark
{
  const char *kind;
  const char *pad; /* NULL for the whole-recording kinds */
  GstClockTime running_time;
  guint64 sample;
  bool late = false;
};

void
check_uint64 (const GstStructure *s, const char *field, guint64 want,
              const std::string &what)
{
  guint64 v = G_MAXUINT64;
  fail_unless (gst_structure_get_uint64 (s, field, &v), "%s: no guint64 %s: %s",
               what.c_str (), field, rtest::structure_string (s).c_str ());
  fail_unless (
      v == want,
      "%s: %s is %" G_GUINT64_FORMAT ", want %" G_GUINT64_FORMAT " (%s)",
      what.c_str (), field, v, want, rtest::structure_string (s).c_str ());
}

/* The marks posted, in order, are `want`, each with exactly its fields.
 * With `by_sample`, the order is by sample only: with one file per pad,
 * each file's marks are posted as that file's output passes them, and
 * the outputs run side by side. */
void
check_marks (std::vector<GstStructure *> got, const std::vector<WantMark> &want,
             bool by_sample = false)
{
  if (by_sample)
    std::stable_sort (got.begin (), got.end (),
                      [] (const GstStructure *a, const GstStructure *b) {
                        guint64 x = 0, y = 0;
                        gst_structure_get_uint64 (a, "sample", &x);
                        gst_structure_get_uint64 (b, "sample", &y);
                        return x < y;
                      });
  std::string all;
  for (const GstStructure *m : got)
    all += rtest::structure_string (m) + " ";
  fail_unless (got.size () == want.size (), "%u marks, want %u: %s",
               (unsigned)got.size (), (unsigned)want.size (), all.c_str ());
  for (size_t i = 0; i < want.size (); i++)
    {
      const GstStructure *m = got[i];
      const WantMark &w = want[i];
      const std::string what
          = "mark " + std::to_string (i) + " (" + w.kind + ")";
      fail_unless (gst_structure_has_name (m, "recorderbin-mark"), "%s",
                   rtest::structure_string (m).c_str ());
      const char *kind = gst_structure_get_string (m, "kind");
      fail_unless (kind && g_str_equal (kind, w.kind), "%s: %s", what.c_str (),
                   rtest::structure_string (m).c_str ());
      const char *pad = gst_structure_get_string (m, "pad");
      if (w.pad)
        fail_unless (pad && g_str_equal (pad, w.pad), "%s: %s, want pad %s",
                     what.c_str (), rtest::structure_string (m).c_str (),
                     w.pad);
      else
        fail_if (gst_structure_has_field (m, "pad"), "%s: %s", what.c_str (),
                 rtest::structure_string (m).c_str ());
      check_uint64 (m, "running-time", w.running_time, what);
      check_uint64 (m, "sample", w.sample, what);
      gboolean late = !w.late;
      fail_unless (gst_structure_get_boolean (m, "late", &late), "%s: %s",
                   what.c_str (), rtest::structure_string (m).c_str ());
      fail_unless (!late == !w.late, "%s: late is %d: %s", what.c_str (), late,
                   rtest::structure_string (m).c_str ());
    }
}

/* One pad's entry of the per-pad report; counts in samples at kRate. */
struct WantPad
{
  int channel = 0;
  GstClockTime first_audio = GST_CLOCK_TIME_NONE;
  uint64_t committed = 0, interrupted = 0, silence = 0, overlap = 0;
  uint64_t late = 0, marks = 0;
  std::string location; /* separate mode only */
};

/* The counters and the per-pad report. */
struct WantReport
{
  GstClockTime start = 0; /* the recording's start */
  std::vector<WantPad> pads;
  uint64_t recording_late = 0; /* late whole-recording events */
};

/* `s` (recorderbin-done or `stats`) holds the counters, each the sum of
 * the pads' (their times back in samples at kRate), and `pads`: one
 * recorderbin-pad per pad in pad order, each field exact. */
void
check_report (const GstStructure *s, const WantReport &want,
              const std::string &what)
{
  const GValue *pads = gst_structure_get_value (s, "pads");
  fail_unless (pads && GST_VALUE_HOLDS_ARRAY (pads), "%s: no pads array: %s",
               what.c_str (), rtest::structure_string (s).c_str ());
  fail_unless (gst_value_array_get_size (pads) == want.pads.size (),
               "%s: %u pads, want %u: %s", what.c_str (),
               gst_value_array_get_size (pads), (unsigned)want.pads.size (),
               rtest::structure_string (s).c_str ());
  WantPad total;
  uint64_t sums[4] = { 0, 0, 0, 0 };
  static const char *const times[] = { "committed-time", "interrupted-time",
                                       "silence-time", "overlap-time" };
  for (size_t i = 0; i < want.pads.size (); i++)
    {
      const WantPad &w = want.pads[i];
      const GValue *v = gst_value_array_get_value (pads, i);
      fail_unless (GST_VALUE_HOLDS_STRUCTURE (v), "%s: pads[%u]", what.c_str (),
                   (unsigned)i);
      const GstStructure *p = gst_value_get_structure (v);
      const std::string name = "sink_" + std::to_string (i);
      const std::string pw = what + " " + name;
      fail_unless (gst_structure_has_name (p, "recorderbin-pad"), "%s: %s",
                   pw.c_str (), rtest::structure_string (p).c_str ());
      const char *pad = gst_structure_get_string (p, "pad");
      fail_unless (pad && name == pad, "%s: %s", pw.c_str (),
                   rtest::structure_string (p).c_str ());
      gint channel = -2;
      fail_unless (gst_structure_get_int (p, "channel", &channel), "%s: %s",
                   pw.c_str (), rtest::structure_string (p).c_str ());
      fail_unless (channel == w.channel, "%s: channel %d, want %d", pw.c_str (),
                   channel, w.channel);
      const char *location = gst_structure_get_string (p, "location");
      if (w.location.empty ())
        fail_if (gst_structure_has_field (p, "location"), "%s: %s", pw.c_str (),
                 rtest::structure_string (p).c_str ());
      else
        fail_unless (location && w.location == location,
                     "%s: location %s, want %s", pw.c_str (),
                     location ? location : "NULL", w.location.c_str ());
      check_uint64 (p, "first-audio", w.first_audio, pw);
      check_uint64 (p, "start-offset",
                    GST_CLOCK_TIME_IS_VALID (w.first_audio)
                        ? w.first_audio - want.start
                        : GST_CLOCK_TIME_NONE,
                    pw);
      const uint64_t counts[4]
          = { w.committed, w.interrupted, w.silence, w.overlap };
      for (int k = 0; k < 4; k++)
        {
          check_uint64 (p, times[k], duration_of (counts[k]), pw);
          guint64 t = 0;
          gst_structure_get_uint64 (p, times[k], &t);
          sums[k] += gst_util_uint64_scale_round (t, kRate, GST_SECOND);
        }
      check_uint64 (p, "late-events", w.late, pw);
      check_uint64 (p, "marks", w.marks, pw);
      total.late += w.late;
    }
  /* The totals: the pads' times as samples, and the expected counts. */
  static const char *const counters[]
      = { "committed-samples", "interrupted-samples", "silence-samples",
          "overlap-samples" };
  for (int k = 0; k < 4; k++)
    check_uint64 (s, counters[k], sums[k], what + " (the pads' sum)");
  check_uint64 (s, "late-events", total.late + want.recording_late, what);
}

/* Reads the `stats` property. */
GstStructure *
read_stats (GstElement *bin)
{
  GstStructure *s = NULL;
  g_object_get (bin, "stats", &s, NULL);
  fail_unless (s != NULL, "no stats");
  return s;
}

/* Structures taken during the recording, from the feeding threads. */
struct Snapshots
{
  std::mutex lock;
  std::vector<GstStructure *> taken;
  ~Snapshots ()
  {
    for (GstStructure *s : taken)
      gst_structure_free (s);
  }
  /* A step of `in` that reads `stats`. */
  void take (Input &in)
  {
    in.call ([this] (GstElement *bin) {
      GstStructure *s = read_stats (bin);
      std::lock_guard<std::mutex> lk (lock);
      taken.push_back (s);
    });
  }
};

/* ---- the marks-location file --------------------------------------------- */

/* The members of `o`, sorted, as "a,b,c". */
std::string
members_of (JsonObject *o)
{
  GList *names = json_object_get_members (o);
  names = g_list_sort (names, (GCompareFunc)g_strcmp0);
  std::string out;
  for (GList *l = names; l; l = l->next)
    out += std::string (out.empty () ? "" : ",")
           + static_cast<const char *> (l->data);
  g_list_free (names);
  return out;
}

JsonNode *
member (JsonObject *o, const char *name, GType type, const std::string &what)
{
  JsonNode *n = json_object_get_member (o, name);
  fail_unless (n != NULL, "%s: no %s", what.c_str (), name);
  fail_unless (JSON_NODE_HOLDS_VALUE (n)
                   && json_node_get_value_type (n) == type,
               "%s: %s is not a %s", what.c_str (), name, g_type_name (type));
  return n;
}

/* The marks-location file at `path` says what the messages said: one line
 * per mark, in order, with the same kind, pad, running-time, sample and
 * late, plus seconds = sample / rate; then the done line with the done
 * message's status (and error), duration, samples and counters. Every
 * line is whole (ends with a newline) and holds exactly those members. */
void
check_mark_log (const std::string &path, const rtest::RunResult &r,
                int rate = kRate)
{
  fail_unless_equals_int ((int)r.done.size (), 1);
  gchar *contents = NULL;
  gsize len = 0;
  fail_unless (g_file_get_contents (path.c_str (), &contents, &len, NULL),
               "cannot read %s", path.c_str ());
  const std::string text (contents, len);
  g_free (contents);
  fail_unless (!text.empty () && text.back () == '\n',
               "the mark log does not end with a whole line: '%s'",
               text.c_str ());
  std::vector<std::string> lines;
  for (size_t at = 0; at < text.size ();)
    {
      const size_t nl = text.find ('\n', at);
      lines.push_back (text.substr (at, nl - at));
      at = nl + 1;
    }
  fail_unless (lines.size () == r.marks.size () + 1,
               "%u lines for %u marks: '%s'", (unsigned)lines.size (),
               (unsigned)r.marks.size (), text.c_str ());

  static const char *const counters[]
      = { "committed-samples", "interrupted-samples", "silence-samples",
          "overlap-samples",   "late-events",         "errors" };
  for (size_t i = 0; i < lines.size (); i++)
    {
      const std::string what
          = "line " + std::to_string (i + 1) + " '" + lines[i] + "'";
      JsonParser *parser = json_parser_new ();
      GError *err = NULL;
      fail_unless (json_parser_load_from_data (parser, lines[i].c_str (),
                                               (gssize)lines[i].size (), &err),
                   "%s: %s", what.c_str (), err ? err->message : "");
      JsonNode *root = json_parser_get_root (parser);
      fail_unless (root && JSON_NODE_HOLDS_OBJECT (root), "%s", what.c_str ());
      JsonObject *o = json_node_get_object (root);
      const char *kind
          = json_node_get_string (member (o, "kind", G_TYPE_STRING, what));
      if (i < r.marks.size ())
        {
          const GstStructure *m = r.marks[i];
          fail_unless (g_strcmp0 (kind, gst_structure_get_string (m, "kind"))
                           == 0,
                       "%s: the message says %s", what.c_str (),
                       rtest::structure_string (m).c_str ());
          const char *pad = gst_structure_get_string (m, "pad");
          std::string names = "kind,late,running-time,sample,seconds";
          if (pad)
            {
              names = "kind,late,pad,running-time,sample,seconds";
              fail_unless (g_str_equal (json_node_get_string (member (
                                            o, "pad", G_TYPE_STRING, what)),
                                        pad),
                           "%s: pad, the message says %s", what.c_str (), pad);
            }
          fail_unless (members_of (o) == names, "%s: members %s, want %s",
                       what.c_str (), members_of (o).c_str (), names.c_str ());
          guint64 rt = 0, sample = 0;
          gboolean late = FALSE;
          gst_structure_get_uint64 (m, "running-time", &rt);
          gst_structure_get_uint64 (m, "sample", &sample);
          gst_structure_get_boolean (m, "late", &late);
          fail_unless ((guint64)json_node_get_int (
                           member (o, "running-time", G_TYPE_INT64, what))
                           == rt,
                       "%s: running-time, the message says %" G_GUINT64_FORMAT,
                       what.c_str (), rt);
          fail_unless ((guint64)json_node_get_int (
                           member (o, "sample", G_TYPE_INT64, what))
                           == sample,
                       "%s: sample, the message says %" G_GUINT64_FORMAT,
                       what.c_str (), sample);
          const double seconds = json_node_get_double (
              member (o, "seconds", G_TYPE_DOUBLE, what));
          fail_unless (std::fabs (seconds - (double)sample / rate) < 1e-9,
                       "%s: seconds %.12f, want %.12f", what.c_str (), seconds,
                       (double)sample / rate);
          fail_unless (
              !json_node_get_boolean (member (o, "late", G_TYPE_BOOLEAN, what))
                  == !late,
              "%s: late, the message says %d", what.c_str (), late);
        }
      else
        {
          const GstStructure *d = r.done[0];
          fail_unless (g_strcmp0 (kind, "done") == 0, "%s: not the done line",
                       what.c_str ());
          const char *status = gst_structure_get_string (d, "status");
          fail_unless (g_strcmp0 (json_node_get_string (member (
                                      o, "status", G_TYPE_STRING, what)),
                                  status)
                           == 0,
                       "%s: status, the message says %s", what.c_str (),
                       status);
          std::string names = "committed-samples,duration,errors,"
                              "interrupted-samples,kind,late-events,"
                              "overlap-samples,samples,silence-samples,status";
          GError *error = NULL;
          if (gst_structure_has_field (d, "error"))
            {
              gst_structure_get (d, "error", G_TYPE_ERROR, &error, NULL);
              fail_unless (error != NULL, "%s",
                           rtest::structure_string (d).c_str ());
              names = "committed-samples,duration,error,errors,"
                      "interrupted-samples,kind,late-events,"
                      "overlap-samples,samples,silence-samples,status";
              fail_unless (g_str_equal (json_node_get_string (member (
                                            o, "error", G_TYPE_STRING, what)),
                                        error->message),
                           "%s: error, the message says '%s'", what.c_str (),
                           error->message);
              g_error_free (error);
            }
          fail_unless (members_of (o) == names, "%s: members %s, want %s",
                       what.c_str (), members_of (o).c_str (), names.c_str ());
          std::vector<const char *> fields (std::begin (counters),
                                            std::end (counters));
          fields.push_back ("duration");
          fields.push_back ("samples");
          for (const char *f : fields)
            {
              guint64 v = G_MAXUINT64;
              fail_unless (gst_structure_get_uint64 (d, f, &v), "done: no %s",
                           f);
              fail_unless (
                  (guint64)json_node_get_int (member (o, f, G_TYPE_INT64, what))
                      == v,
                  "%s: %s, the message says %" G_GUINT64_FORMAT, what.c_str (),
                  f, v);
            }
        }
      g_object_unref (parser);
    }
}

/* ---- one recording ------------------------------------------------------- */

/* A new, empty directory in the tests' tmp dir. */
std::string
fresh_dir ()
{
  const char *root = g_getenv ("RECORDER_TEST_TMPDIR");
  gchar *dir = g_build_filename (root ? root : g_get_tmp_dir (),
                                 "report-XXXXXX", NULL);
  fail_unless (g_mkdtemp (dir) != NULL, "cannot create %s", dir);
  std::string path (dir);
  g_free (dir);
  return path;
}

/* A recording through the rig, to real files: `format`, `channel-mode`
 * (per-pad, mix or separate: then `location` holds %u), and a mark log. */
struct Recording
{
  rtest::Rig rig;
  rtest::RunResult &result;
  std::string format, mode;
  std::string location; /* the file, or the pattern */
  std::string marks;    /* the marks-location file */
  /* `stats` read at EOS (the pipeline still PLAYING) and after NULL. */
  GstStructure *at_eos = nullptr, *after_stop = nullptr;

  explicit Recording (const std::string &fmt = "wav",
                      const std::string &channel_mode = "per-pad",
                      const std::string &pattern = "%u")
      : rig (fmt), result (rig.result), format (fmt), mode (channel_mode)
  {
    rig.wait_started = true;
    const std::string ext = fmt == "wav"    ? "wav"
                            : fmt == "flac" ? "flac"
                                            : "ogg";
    /* One file per pad: in a directory of its own, so that no file of an
     * earlier run (of a process with the same id) is taken for one of
     * this recording's. */
    location = mode == "separate" ? fresh_dir () + G_DIR_SEPARATOR_S + "call-"
                                        + pattern + "." + ext
                                  : rtest::temp_path ("report", ext);
    marks = rtest::temp_path ("report-marks", "jsonl");
    g_object_set (rig.bin, "location", location.c_str (), "marks-location",
                  marks.c_str (), NULL);
    gst_util_set_object_arg (G_OBJECT (rig.bin), "channel-mode", mode.c_str ());
  }

  ~Recording ()
  {
    if (at_eos)
      gst_structure_free (at_eos);
    if (after_stop)
      gst_structure_free (after_stop);
  }
  Recording (const Recording &) = delete;
  Recording &operator= (const Recording &) = delete;

  /* The next pad, fed S16 caps at kRate and a TIME segment. */
  Input &feed (GstClockTime holdback = 0, int channels = 1)
  {
    Input &in = rig.input ("sink_%u", holdback);
    in.stream (s16 (channels));
    return in;
  }

  /* Pad `pad`'s file (the file, unless separate). */
  std::string file (unsigned pad = 0) const
  {
    return mode == "separate" ? expand (location, pad) : location;
  }

  /* Runs to EOS; with `clean`, asserts nothing went wrong: EOS, no ERROR
   * or WARNING, one done with status ok, every push accepted. Then checks
   * the mark log against the messages. */
  void run (bool clean = true)
  {
    rig.start ();
    rig.feed ();
    GstBus *bus = gst_element_get_bus (rig.pipeline);
    rtest::collect_until_eos (bus, result, rig.timeout, rig.stop_on_error);
    gst_object_unref (bus);
    at_eos = read_stats (rig.bin);
    fail_unless_equals_int (
        gst_element_set_state (rig.pipeline, GST_STATE_NULL),
        GST_STATE_CHANGE_SUCCESS);
    for (auto &in : rig.inputs)
      in->join ();
    after_stop = read_stats (rig.bin);
    if (clean)
      {
        rtest::assert_clean (result);
        for (const auto &in : rig.inputs)
          fail_unless (in->flow () == GST_FLOW_OK, "pad %s: %s",
                       in->name ().c_str (), gst_flow_get_name (in->flow ()));
      }
    check_mark_log (marks, result);
  }

  rtest::Pcm read (unsigned pad = 0) const
  {
    rtest::Pcm pcm;
    const std::string f = file (pad);
    if (format == "wav")
      fail_unless (rtest::read_wav (f, pcm), "cannot read %s", f.c_str ());
    else
      fail_unless (rtest::decode_file (f, pcm), "cannot decode %s", f.c_str ());
    return pcm;
  }

  /* The done message says `samples` frames (and their duration), the
   * location (in separate mode the pattern, and each file in
   * `locations`), and `want`; the `stats` property read at the end
   * carries the same counters and report. */
  void check_done (uint64_t samples, const WantReport &want)
  {
    fail_unless_equals_int ((int)result.done.size (), 1);
    const GstStructure *d = result.done[0];
    check_uint64 (d, "samples", samples, "done");
    check_uint64 (d, "duration", duration_of (samples), "done");
    const char *loc = gst_structure_get_string (d, "location");
    fail_unless (loc && location == loc, "done: location %s, want %s",
                 loc ? loc : "NULL", location.c_str ());
    const GValue *locs = gst_structure_get_value (d, "locations");
    if (mode == "separate")
      {
        fail_unless (locs && GST_VALUE_HOLDS_ARRAY (locs),
                     "done: no locations array: %s",
                     rtest::structure_string (d).c_str ());
        fail_unless_equals_int ((int)gst_value_array_get_size (locs),
                                (int)rig.inputs.size ());
        for (unsigned i = 0; i < rig.inputs.size (); i++)
          {
            const GValue *v = gst_value_array_get_value (locs, i);
            fail_unless (G_VALUE_HOLDS_STRING (v), "locations[%u]", i);
            fail_unless (file (i) == g_value_get_string (v),
                         "locations[%u] is %s, want %s", i,
                         g_value_get_string (v), file (i).c_str ());
          }
      }
    else
      fail_if (locs != NULL, "done: locations outside separate mode: %s",
               rtest::structure_string (d).c_str ());
    check_report (d, want, "done");
    fail_unless (at_eos != NULL);
    check_report (at_eos, want, "stats at EOS");
  }
};

/* pause-recording/resume-recording at t, from `from`'s thread: the action
 * signal, or the event sent to the bin. */
void
gate (Input &from, const char *what, GstClockTime t, bool use_event)
{
  const std::string w (what);
  from.call ([w, t, use_event] (GstElement *bin) {
    if (use_event)
      {
        GstEvent *ev = gst_event_new_custom (
            GST_EVENT_CUSTOM_DOWNSTREAM,
            gst_structure_new (("recorderbin-" + w).c_str (), "running-time",
                               G_TYPE_UINT64, (guint64)t, NULL));
        fail_unless (gst_element_send_event (bin, ev));
      }
    else
      {
        gboolean ret = FALSE;
        g_signal_emit_by_name (bin, w.c_str (), (guint64)t, &ret);
        fail_unless (ret, "%s returned FALSE", w.c_str ());
      }
  });
}

/* Frames [first, end) of `fn` on `in`, in buffers of `chunk`. */
void
push (Input &in, uint64_t first, uint64_t end, const rtest::ValueFn &fn,
      uint64_t chunk, int channels = 1)
{
  if (end > first)
    in.audio (s16 (channels), first, end - first, fn, chunk);
}

} // namespace

/* ---- the barge-in call --------------------------------------------------- */

/* The mic on sink_0 (no holdback) plays 3 s from mic_t0; the agent on
 * sink_1 (holdback 5 s) pushes 2 s of speech from agent_t0 before the mic
 * starts. The caller barges in at T = 1.5 s: an interrupt on sink_1,
 * emitted as the action signal from the mic's thread when the mic has
 * pushed exactly up to T, or sent as an event in the agent's stream while
 * the mic waits there. The agent's input stays open until the mic is done.
 * The `stats` property is read when the mic has pushed up to 1 s.
 * One mark: the interrupt, at the first sample after the agent's cut; the
 * per-pad report exact, during the recording and at its end. */
struct BargeIn
{
  bool use_event;
  GstClockTime mic_t0, agent_t0;
  bool agent_ends_at_once = false; /* EOS right after its interrupt */
};
static const BargeIn kBargeIns[] = {
  { false, 0, 500 * kMs },
  { true, 0, 500 * kMs },
  { false, 250 * kMs, 100 * kMs }, /* the agent starts the recording */
  { true, 250 * kMs, 100 * kMs },
};

void
barge_in (const BargeIn &c, bool issue_numbers)
{
  const GstClockTime t = 1500 * kMs;
  const GstClockTime start = std::min (c.mic_t0, c.agent_t0);
  const uint64_t mic_first = cut_at (0, c.mic_t0), mic_n = 3 * kRate;
  const uint64_t agent_first = cut_at (0, c.agent_t0), agent_n = 2 * kRate;
  const uint64_t at_1s = cut_at (0, kS), at_t = cut_at (0, t);
  const rtest::ValueFn mic_fn = rtest::mono_ramp_fn (0);
  const rtest::ValueFn agent_fn = rtest::mono_ramp_fn (5000);
  Snapshots during;

  Recording rec;
  Input &mic = rec.feed (0);
  Input &agent = rec.feed (5 * kS);
  mic.wait ("agent-queued");
  push (mic, mic_first, at_1s, mic_fn, kMicChunk);
  during.take (mic);
  push (mic, at_1s, at_t, mic_fn, kMicChunk);
  if (c.use_event)
    {
      mic.mark ("mic-at-t");
      mic.wait ("agent-cut");
    }
  else
    mic.signal ("interrupt", "sink_1", t);
  push (mic, at_t, mic_first + mic_n, mic_fn, kMicChunk);
  mic.mark ("mic-done");
  push (agent, agent_first, agent_first + agent_n, agent_fn, kAgentChunk);
  agent.mark ("agent-queued");
  if (c.use_event)
    {
      agent.wait ("mic-at-t");
      agent.control ("interrupt", t);
      agent.mark ("agent-cut");
    }
  if (!c.agent_ends_at_once)
    agent.wait ("mic-done");
  rec.run ();

  /* The agent keeps its run samples before the cut. */
  const uint64_t kept = cut_at (c.agent_t0, t);
  const uint64_t frames = cut_at (start, c.mic_t0) + mic_n;
  const uint64_t mark = cut_at (start, c.agent_t0) + kept;
  if (issue_numbers)
    fail_unless_equals_uint64 (mark, 72000);
  check_marks (rec.result.marks, { { "interrupt", "sink_1", t, mark } });

  Track mic_track (mic_fn), agent_track (agent_fn);
  mic_track.put (cut_at (start, c.mic_t0), mic_first, mic_n);
  agent_track.put (cut_at (start, c.agent_t0), agent_first, kept);
  check_samples (rec.read (), render ({ &mic_track, &agent_track }, frames),
                 "barge-in");
  rtest::check_finished_file (rec.file (), "wav", kRate, 2, frames, "barge-in");

  WantReport want;
  want.start = start;
  want.pads.resize (2);
  want.pads[0].channel = 0;
  want.pads[0].first_audio = c.mic_t0;
  want.pads[0].committed = mic_n;
  want.pads[0].silence = cut_at (start, c.mic_t0);
  want.pads[1].channel = 1;
  want.pads[1].first_audio = c.agent_t0;
  want.pads[1].committed = kept;
  want.pads[1].interrupted = agent_n - kept;
  want.pads[1].silence = frames - kept;
  want.pads[1].marks = 1;
  rec.check_done (frames, want);
  if (issue_numbers)
    {
      /* The issue's numbers, as durations. */
      check_uint64 (rec.result.done[0], "committed-samples", 192000, "done");
      const GValue *pads = gst_structure_get_value (rec.result.done[0], "pads");
      const GstStructure *agent_pad
          = gst_value_get_structure (gst_value_array_get_value (pads, 1));
      check_uint64 (agent_pad, "start-offset", 500 * kMs, "sink_1");
      check_uint64 (agent_pad, "committed-time", kS, "sink_1");
      check_uint64 (agent_pad, "interrupted-time", kS, "sink_1");
      check_uint64 (agent_pad, "silence-time", 2 * kS, "sink_1");
    }

  /* At 1 s of the mic: both pads committed up to 1 s, nothing cut yet. */
  fail_unless_equals_int ((int)during.taken.size (), 1);
  WantReport then = want;
  then.pads[0].committed = at_1s - mic_first;
  then.pads[1].committed = at_1s - agent_first;
  then.pads[1].interrupted = 0;
  then.pads[1].silence = cut_at (start, c.agent_t0);
  then.pads[1].marks = 0;
  check_report (during.taken[0], then, "stats at 1 s");
}

GST_START_TEST (test_barge_in)
{
  barge_in (kBargeIns[__i__], kBargeIns[__i__].agent_t0 == 500 * kMs);
}
GST_END_TEST;

/* The same call, the agent's input ending right after its interrupt (the
 * mic still at 1.5 s) instead of when the mic is done: the file is the
 * same, and so must be the report. The agent's channel is silent from the
 * cut to the end either way, and silence-time counts all of it (2 s), so
 * committed + silence makes up the channel. It used to count it only when
 * the mic moved the agent's horizon there before the agent's EOS (0.5 s
 * when the agent ended at once). */
GST_START_TEST (test_barge_in_agent_ends_early)
{
  BargeIn c = kBargeIns[1];
  c.agent_ends_at_once = true;
  barge_in (c, true);
}
GST_END_TEST;

/* ---- pause and resume on the agent's pad --------------------------------- */

/* The agent (sink_1, holdback 5 s) speaks 1 s from 0.5 s while the mic
 * plays 3 s from 0. Pause at P = 0.812345678 s, resume at R = 1.3000078 s
 * (both between two samples): as events in the agent's stream right after
 * its speech (before the mic starts), or as action signals from the mic's
 * thread when it has pushed up to 0.8 s and 1.3 s. The pause's mark is
 * the first sample of its silence (the agent's run sample
 * k = round ((P - 0.5 s) r), at its place in the file); the resume's the
 * first resumed sample, at R's place on the agent's grid. */
GST_START_TEST (test_pad_pause_resume)
{
  const bool from_mic = __i__;
  const GstClockTime t0 = 500 * kMs, p = 812345678, r = 1300 * kMs + 7777;
  const uint64_t n = kRate, first = cut_at (0, t0), mic_n = 3 * kRate;
  const rtest::ValueFn mic_fn = rtest::mono_ramp_fn (0);
  const rtest::ValueFn agent_fn = rtest::mono_ramp_fn (5000);

  Recording rec;
  Input &mic = rec.feed (0);
  Input &agent = rec.feed (5 * kS);
  mic.wait ("agent-queued");
  push (mic, 0, cut_at (0, 800 * kMs), mic_fn, kMicChunk);
  if (from_mic)
    mic.signal ("pause", "sink_1", p);
  push (mic, cut_at (0, 800 * kMs), cut_at (0, 1300 * kMs), mic_fn, kMicChunk);
  if (from_mic)
    mic.signal ("resume", "sink_1", r);
  push (mic, cut_at (0, 1300 * kMs), mic_n, mic_fn, kMicChunk);
  mic.mark ("mic-done");
  push (agent, first, first + n, agent_fn, kAgentChunk);
  if (!from_mic)
    {
      agent.control ("pause", p);
      agent.control ("resume", r);
    }
  agent.mark ("agent-queued");
  agent.wait ("mic-done");
  rec.run ();

  const uint64_t kp = cut_at (t0, p);
  const uint64_t at_p = cut_at (0, t0) + kp;
  const uint64_t at_r = cut_at (0, t0) + cut_at (t0, r);
  fail_unless_equals_uint64 (at_p, 38993);
  fail_unless_equals_uint64 (at_r, 62400);
  check_marks (rec.result.marks, { { "pause", "sink_1", p, at_p },
                                   { "resume", "sink_1", r, at_r } });

  Track mic_track (mic_fn), agent_track (agent_fn);
  mic_track.put (0, 0, mic_n);
  agent_track.put (cut_at (0, t0), first, kp);
  agent_track.put (at_r, first + kp, n - kp);
  check_samples (rec.read (), render ({ &mic_track, &agent_track }, mic_n),
                 "pause and resume");

  WantReport want;
  want.pads.resize (2);
  want.pads[0].first_audio = 0;
  want.pads[0].committed = mic_n;
  want.pads[1].channel = 1;
  want.pads[1].first_audio = t0;
  want.pads[1].committed = n;
  want.pads[1].silence = mic_n - n;
  want.pads[1].marks = 2;
  rec.check_done (mic_n, want);
}
GST_END_TEST;

/* ---- pause-recording and resume-recording -------------------------------- */

/* A call that starts at 0.25 s (the mic's first audio; 3 s of it), the
 * agent (holdback 5 s) speaking [0.5 s, 2.5 s): pause-recording at P1,
 * resume-recording at R1, again at P2 and R2, each sent from the mic's
 * thread when its audio has reached just that time (P2 and R2 are where
 * the mic stands, to the sample), then an interrupt on the agent at 2.2 s.
 * Marks count from the file's first sample (the recording's start). In
 * pause-mode=silence they sit at P and R on the grid, the file keeps its
 * length with zeros over both spans; in collapse both marks of a span sit
 * where it was cut out, the spans cut out before a mark are left out of
 * its sample (the interrupt's too), and the file is shorter by both.
 * Loop: (silence | collapse) x (signal | event sent to the bin). */
GST_START_TEST (test_recording_pause)
{
  const bool collapse = __i__ % 2;
  const bool use_event = __i__ / 2;
  const GstClockTime mic_t0 = 250 * kMs, agent_t0 = 500 * kMs;
  const GstClockTime p1 = 612345678, r1 = 900 * kMs + 11111;
  const GstClockTime p2 = 1700 * kMs + 43, r2 = 2000 * kMs, t = 2200 * kMs;
  const uint64_t mic_first = cut_at (0, mic_t0), mic_n = 3 * kRate;
  const uint64_t agent_first = cut_at (0, agent_t0), agent_n = 2 * kRate;
  const rtest::ValueFn mic_fn = rtest::mono_ramp_fn (0);
  const rtest::ValueFn agent_fn = rtest::mono_ramp_fn (5000);

  Recording rec;
  gst_util_set_object_arg (G_OBJECT (rec.rig.bin), "pause-mode",
                           collapse ? "collapse" : "silence");
  Input &mic = rec.feed (0);
  Input &agent = rec.feed (5 * kS);
  mic.wait ("agent-queued");
  uint64_t at = mic_first;
  auto mic_to = [&] (GstClockTime to) {
    push (mic, at, cut_at (0, to), mic_fn, kMicChunk);
    at = cut_at (0, to);
  };
  mic_to (600 * kMs);
  gate (mic, "pause-recording", p1, use_event);
  mic_to (900 * kMs);
  gate (mic, "resume-recording", r1, use_event);
  mic_to (1700 * kMs);
  gate (mic, "pause-recording", p2, use_event);
  mic_to (2000 * kMs);
  gate (mic, "resume-recording", r2, use_event);
  mic_to (t);
  mic.signal ("interrupt", "sink_1", t);
  push (mic, at, mic_first + mic_n, mic_fn, kMicChunk);
  mic.mark ("mic-done");
  push (agent, agent_first, agent_first + agent_n, agent_fn, kAgentChunk);
  agent.mark ("agent-queued");
  agent.wait ("mic-done");
  rec.run ();

  const GstClockTime start = mic_t0;
  const uint64_t kp1 = cut_at (start, p1), kr1 = cut_at (start, r1);
  const uint64_t kp2 = cut_at (start, p2), kr2 = cut_at (start, r2);
  const uint64_t cut1 = kr1 - kp1, cut2 = kr2 - kp2;
  const uint64_t kept = cut_at (agent_t0, t);
  const uint64_t at_t = cut_at (start, agent_t0) + kept;
  const uint64_t frames = mic_n;
  /* collapse: the spans cut out before a mark move it back. */
  const uint64_t back1 = collapse ? cut1 : 0, back2 = collapse ? cut2 : 0;
  check_marks (rec.result.marks,
               { { "pause-recording", NULL, p1, kp1 },
                 { "resume-recording", NULL, r1, kr1 - back1 },
                 { "pause-recording", NULL, p2, kp2 - back1 },
                 { "resume-recording", NULL, r2, kr2 - back1 - back2 },
                 { "interrupt", "sink_1", t, at_t - back1 - back2 } });

  Track mic_track (mic_fn), agent_track (agent_fn);
  mic_track.put (0, mic_first, mic_n);
  agent_track.put (cut_at (start, agent_t0), agent_first, kept);
  const Want want_file = render ({ &mic_track, &agent_track }, frames, false,
                                 { { kp1, kr1 }, { kp2, kr2 } }, collapse);
  fail_unless_equals_uint64 (want_file.frames (),
                             collapse ? frames - cut1 - cut2 : frames);
  check_samples (rec.read (), want_file, "pause-recording");
  rtest::check_finished_file (rec.file (), "wav", kRate, 2, want_file.frames (),
                              "pause-recording");

  WantReport want;
  want.start = start;
  want.pads.resize (2);
  const uint64_t gated = collapse ? 0 : cut1 + cut2;
  want.pads[0].first_audio = mic_t0;
  want.pads[0].committed = mic_n;
  want.pads[0].silence = gated;
  want.pads[1].channel = 1;
  want.pads[1].first_audio = agent_t0;
  want.pads[1].committed = kept;
  want.pads[1].interrupted = agent_n - kept;
  want.pads[1].silence = frames - kept + gated;
  want.pads[1].marks = 1;
  rec.check_done (want_file.frames (), want);
}
GST_END_TEST;

/* ---- late events --------------------------------------------------------- */

/* An event that comes after some of the audio it names was committed: a
 * late mark (late=true) at the first sample it could still change, one
 * WARNING, one late event on the pad. The mic (sink_0) plays 2 s from 0;
 * the agent (sink_1) speaks [0.5 s, 1.5 s).
 * 0: agent holdback 10 s; the mic has committed it up to 1 s when an
 *    interrupt at 0.8 s comes: the held rest from 1 s is cut, the mark at
 *    1 s.
 * 1: the same with a pause at 0.8 s, then a resume at 1.3 s (in time):
 *    the pause's mark at 1 s (its silence starts there), the resume's at
 *    1.3 s with the unheard rest.
 * 2: agent holdback 0: all of its speech was committed as it arrived; an
 *    interrupt at 0.8 s after it changes nothing and is marked at the end
 *    of the pad's committed audio, 1.5 s. */
GST_START_TEST (test_late_events)
{
  const int c = __i__;
  const GstClockTime t0 = 500 * kMs, late_t = 800 * kMs;
  const uint64_t n = kRate, first = cut_at (0, t0), mic_n = 2 * kRate;
  const uint64_t at_1s = cut_at (0, kS), at_r = cut_at (0, 1300 * kMs);
  const rtest::ValueFn mic_fn = rtest::mono_ramp_fn (0);
  const rtest::ValueFn agent_fn = rtest::mono_ramp_fn (5000);

  Recording rec;
  Input &mic = rec.feed (0);
  Input &agent = rec.feed (c < 2 ? 10 * kS : 0);
  if (c < 2)
    {
      mic.wait ("agent-queued");
      push (mic, 0, at_1s, mic_fn, kMicChunk);
      mic.signal (c == 0 ? "interrupt" : "pause", "sink_1", late_t);
      if (c == 1)
        {
          push (mic, at_1s, at_r, mic_fn, kMicChunk);
          mic.signal ("resume", "sink_1", 1300 * kMs);
          push (mic, at_r, mic_n, mic_fn, kMicChunk);
        }
      else
        push (mic, at_1s, mic_n, mic_fn, kMicChunk);
      mic.mark ("mic-done");
      push (agent, first, first + n, agent_fn, kAgentChunk);
      agent.mark ("agent-queued");
      agent.wait ("mic-done");
    }
  else
    {
      /* The mic's first audio lets the recording start (at 0) once the
       * agent has audio; then the agent's speech is committed as it comes,
       * whatever the mic does meanwhile. */
      push (mic, 0, kMicChunk, mic_fn, kMicChunk);
      mic.mark ("mic-started");
      push (mic, kMicChunk, mic_n, mic_fn, kMicChunk);
      agent.wait ("mic-started");
      push (agent, first, first + n, agent_fn, kAgentChunk);
      agent.control ("interrupt", late_t);
    }
  rec.run (false);

  fail_unless (rec.result.got_eos);
  fail_unless (rec.result.errors.empty (), "%s",
               rtest::describe_messages (rec.result.errors).c_str ());
  fail_unless (rec.result.warnings.size () == 1, "warnings: %s",
               rec.rig.warning_texts ().c_str ());
  fail_unless (
      rtest::contains (rtest::message_text (rec.result.warnings[0]), "sink_1"),
      "%s", rtest::message_text (rec.result.warnings[0]).c_str ());
  {
    const std::string status = rec.result.done_status ();
    fail_unless_equals_string (status.c_str (), "ok");
  }

  Track mic_track (mic_fn), agent_track (agent_fn);
  mic_track.put (0, 0, mic_n);
  WantReport want;
  want.pads.resize (2);
  want.pads[0].first_audio = 0;
  want.pads[0].committed = mic_n;
  WantPad &a = want.pads[1];
  a.channel = 1;
  a.first_audio = t0;
  a.late = 1;
  const uint64_t heard = at_1s - first; /* committed before the event */
  if (c == 0)
    {
      check_marks (rec.result.marks,
                   { { "interrupt", "sink_1", late_t, at_1s, true } });
      agent_track.put (first, first, heard);
      a.committed = heard;
      a.interrupted = n - heard;
      a.marks = 1;
    }
  else if (c == 1)
    {
      check_marks (rec.result.marks,
                   { { "pause", "sink_1", late_t, at_1s, true },
                     { "resume", "sink_1", 1300 * kMs, at_r } });
      agent_track.put (first, first, heard);
      agent_track.put (at_r, first + heard, n - heard);
      a.committed = n;
      a.marks = 2;
    }
  else
    {
      check_marks (rec.result.marks,
                   { { "interrupt", "sink_1", late_t, first + n, true } });
      agent_track.put (first, first, n);
      a.committed = n;
      a.marks = 1;
    }
  /* Its silence: the rest of its channel. Before its first audio, (0, 1)
   * after its cut, and in case 2 from its end at 1.5 s to the recording's
   * end: a pad that ended is silence there (DESIGN section 2). */
  a.silence = mic_n - a.committed;
  check_samples (rec.read (), render ({ &mic_track, &agent_track }, mic_n),
                 "late event");
  rec.check_done (mic_n, want);
}
GST_END_TEST;

/* Bytes of samples in the WAV file being written at `path` (0 if none). */
uint64_t
wav_data_bytes (const std::string &path)
{
  rtest::WavHeader h;
  if (!rtest::read_wav_header (path, h) || h.file_size < h.data_offset)
    return 0;
  return h.file_size - h.data_offset;
}

/* A late pause-recording. One pad plays 2 s, pushed up to 1 s; once its
 * file holds more than 0.85 s (so the whole-recording gate has passed
 * P = 0.8 s), pause-recording at P and resume-recording at R = 1.2 s come,
 * then the rest. The gate then stands at some X in [0.85 s, 1 s] (the
 * output writes in blocks, so where exactly is up to it), and the file
 * says where: its audio is changed from X on. The pause is late: its mark
 * at X, the first sample it could still change, late=true, one WARNING,
 * one late event in the totals (none on the pad). silence: zeros over
 * [X, R), the resume's mark at R; collapse: [X, R) cut out, both marks at
 * X, where the span was cut out. Then, in time, pause-recording at 1.5 s
 * and resume-recording at 1.6 s: marked where they are in the file. In
 * collapse the late pair's marks used to come out at P, the span the
 * pause asked for (from P) counted as cut out though only [X, R) was, so
 * the later pair too was marked X - P samples early. */
GST_START_TEST (test_late_recording_pause)
{
  const bool collapse = __i__;
  const uint64_t n = 2 * kRate, at_1s = cut_at (0, kS);
  const uint64_t passed = cut_at (0, 850 * kMs);
  const GstClockTime p = 800 * kMs, r = 1200 * kMs;
  const GstClockTime p2 = 1500 * kMs, r2 = 1600 * kMs;
  const uint64_t kr = cut_at (0, r), kp2 = cut_at (0, p2);
  const uint64_t kr2 = cut_at (0, r2);
  const rtest::ValueFn fn = rtest::mono_ramp_fn (0); /* never 0 */

  Recording rec;
  gst_util_set_object_arg (G_OBJECT (rec.rig.bin), "pause-mode",
                           collapse ? "collapse" : "silence");
  Input &mic = rec.feed (0);
  push (mic, 0, at_1s, fn, kMicChunk);
  const std::string path = rec.file ();
  auto seen = std::make_shared<uint64_t> (0);
  mic.call ([path, passed, seen] (GstElement *) {
    for (int i = 0; i < 1000 && wav_data_bytes (path) < passed * 2; i++)
      g_usleep (10000);
    *seen = wav_data_bytes (path) / 2;
    fail_unless (*seen >= passed,
                 "the file holds %" G_GUINT64_FORMAT " frames, not 0.85 s",
                 *seen);
  });
  gate (mic, "pause-recording", p, false);
  gate (mic, "resume-recording", r, false);
  push (mic, at_1s, kp2, fn, kMicChunk);
  gate (mic, "pause-recording", p2, false);
  gate (mic, "resume-recording", r2, false);
  push (mic, kp2, n, fn, kMicChunk);
  rec.run (false);

  fail_unless (rec.result.got_eos);
  fail_unless (rec.result.errors.empty (), "%s",
               rtest::describe_messages (rec.result.errors).c_str ());
  fail_unless (rec.result.warnings.size () == 1, "warnings: %s",
               rec.rig.warning_texts ().c_str ());
  fail_unless (rtest::contains (rtest::message_text (rec.result.warnings[0]),
                                "pause-recording"),
               "%s", rtest::message_text (rec.result.warnings[0]).c_str ());
  const rtest::Pcm pcm = rec.read ();
  uint64_t x = 0;
  if (collapse)
    {
      /* The file is short by [X, R) and [P2, R2). */
      const uint64_t back = kr + (kr2 - kp2);
      fail_unless (pcm.frames () + back >= n
                       && pcm.frames () + back - n <= at_1s,
                   "the file has %u frames", (unsigned)pcm.frames ());
      x = pcm.frames () + back - n;
    }
  else
    while (x < pcm.frames () && pcm.at (x, 0) != 0)
      x++;
  fail_unless (x >= *seen && x <= at_1s,
               "the gate stood at frame %" G_GUINT64_FORMAT
               " (the file had %" G_GUINT64_FORMAT ")",
               x, *seen);
  const uint64_t back = collapse ? kr - x : 0;
  check_marks (
      rec.result.marks,
      { { "pause-recording", NULL, p, x, true },
        { "resume-recording", NULL, r, collapse ? x : kr },
        { "pause-recording", NULL, p2, kp2 - back },
        { "resume-recording", NULL, r2, collapse ? kp2 - back : kr2 } });
  Track track (fn);
  track.put (0, 0, n);
  const Want want_file
      = render ({ &track }, n, false, { { x, kr }, { kp2, kr2 } }, collapse);
  check_samples (pcm, want_file, "late pause-recording");

  WantReport want;
  want.pads.resize (1);
  want.pads[0].first_audio = 0;
  want.pads[0].committed = n;
  want.pads[0].silence = collapse ? 0 : (kr - x) + (kr2 - kp2);
  want.recording_late = 1;
  rec.check_done (want_file.frames (), want);
}
GST_END_TEST;

/* ---- "now" in a live pipeline -------------------------------------------- */

/* Two live audiotestsrc (10 ms buffers) record to WAV; sink_1 holds 1 s.
 * From the test's thread, 150 ms apart: interrupt, pause and resume on
 * sink_1 and pause-recording, resume-recording, all at "now"
 * (GST_CLOCK_TIME_NONE), each bracketed by reading the pipeline's running
 * time before and after. Each mark's running-time is the clock's at the
 * call, inside that bracket; its sample counts from the recording's start
 * S (the earliest first-audio of the per-pad report): for the recording
 * kinds gst_util_uint64_scale_round (running-time - S, rate, GST_SECOND);
 * for sink_1's the same on sink_1's own grid (its first sample at its
 * offset from S, the cut that many samples after it), which is that when
 * sink_1's first audio is S, and never a sample off. None is late. */
GST_START_TEST (test_now_live)
{
  const std::string path = rtest::temp_path ("report-live", "wav");
  const std::string marks = rtest::temp_path ("report-live-marks", "jsonl");
  const char *caps = "audio/x-raw,format=S16LE,rate=48000,channels=1";
  gchar *desc = g_strdup_printf (
      "recorderbin name=rec format=wav location=\"%s\" "
      "marks-location=\"%s\" "
      "audiotestsrc is-live=true samplesperbuffer=480 ! %s ! rec.sink_0 "
      "audiotestsrc is-live=true samplesperbuffer=480 wave=ticks ! %s ! "
      "rec.sink_1",
      path.c_str (), marks.c_str (), caps, caps);
  GError *err = NULL;
  GstElement *pipeline = gst_parse_launch (desc, &err);
  g_free (desc);
  fail_unless (pipeline != NULL, "%s", err ? err->message : "");
  {
    GstElement *bin = gst_bin_get_by_name (GST_BIN (pipeline), "rec");
    GstPad *held = gst_element_get_static_pad (bin, "sink_1");
    fail_unless (held != NULL);
    g_object_set (held, "holdback", (guint64)kS, NULL);
    gst_object_unref (held);
    gst_object_unref (bin);
  }
  rtest::Rig rig (pipeline, "rec");
  rig.start ();
  fail_unless (gst_element_get_state (pipeline, NULL, NULL, 10 * kS)
               != GST_STATE_CHANGE_FAILURE);
  GstClock *clock = gst_pipeline_get_clock (GST_PIPELINE (pipeline));
  fail_unless (clock != NULL);
  const GstClockTime base = gst_element_get_base_time (pipeline);
  auto now = [clock, base] { return gst_clock_get_time (clock) - base; };

  /* Both pads have audio: the recording has started. */
  bool started = false;
  for (int i = 0; i < 500 && !started; i++)
    {
      GstStructure *st = read_stats (rig.bin);
      const GValue *pads = gst_structure_get_value (st, "pads");
      started = pads && gst_value_array_get_size (pads) == 2;
      for (guint k = 0; started && k < 2; k++)
        {
          guint64 first = GST_CLOCK_TIME_NONE;
          gst_structure_get_uint64 (
              gst_value_get_structure (gst_value_array_get_value (pads, k)),
              "first-audio", &first);
          started = GST_CLOCK_TIME_IS_VALID (first);
        }
      gst_structure_free (st);
      if (!started)
        g_usleep (10000);
    }
  fail_unless (started, "no audio on both pads");

  struct Call
  {
    const char *what, *pad;
    GstClockTime before = 0, after = 0;
  };
  std::vector<Call> calls = { { "interrupt", "sink_1" },
                              { "pause", "sink_1" },
                              { "resume", "sink_1" },
                              { "pause-recording", NULL },
                              { "resume-recording", NULL } };
  for (Call &c : calls)
    {
      g_usleep (150000);
      gboolean ret = FALSE;
      c.before = now ();
      if (c.pad)
        g_signal_emit_by_name (rig.bin, c.what, c.pad, GST_CLOCK_TIME_NONE,
                               &ret);
      else
        g_signal_emit_by_name (rig.bin, c.what, GST_CLOCK_TIME_NONE, &ret);
      c.after = now ();
      fail_unless (ret, "%s returned FALSE", c.what);
    }
  g_usleep (150000);
  gst_object_unref (clock);
  fail_unless (gst_element_send_event (pipeline, gst_event_new_eos ()));
  const rtest::RunResult &r = rig.finish ();

  rtest::assert_clean (r);
  const GValue *pads = gst_structure_get_value (r.done[0], "pads");
  fail_unless (pads && gst_value_array_get_size (pads) == 2);
  guint64 first[2] = { 0, 0 };
  for (guint k = 0; k < 2; k++)
    fail_unless (gst_structure_get_uint64 (
        gst_value_get_structure (gst_value_array_get_value (pads, k)),
        "first-audio", &first[k]));
  const GstClockTime start = std::min (first[0], first[1]);
  const GstClockTime a = first[1]; /* sink_1's first sample */

  fail_unless_equals_int ((int)r.marks.size (), (int)calls.size ());
  for (size_t i = 0; i < calls.size (); i++)
    {
      const Call &c = calls[i];
      const GstStructure *m = r.marks[i];
      const std::string what = std::string ("mark ") + c.what;
      const char *kind = gst_structure_get_string (m, "kind");
      fail_unless (kind && g_str_equal (kind, c.what), "%s: %s", what.c_str (),
                   rtest::structure_string (m).c_str ());
      guint64 rt = 0, sample = 0;
      fail_unless (gst_structure_get_uint64 (m, "running-time", &rt));
      fail_unless (gst_structure_get_uint64 (m, "sample", &sample));
      fail_unless (rt >= c.before && rt <= c.after,
                   "%s: running-time %" GST_TIME_FORMAT
                   " outside [%" GST_TIME_FORMAT ", %" GST_TIME_FORMAT "]",
                   what.c_str (), GST_TIME_ARGS (rt), GST_TIME_ARGS (c.before),
                   GST_TIME_ARGS (c.after));
      const uint64_t from_start = cut_at (start, rt);
      const uint64_t on_grid = cut_at (start, a) + cut_at (a, rt);
      fail_unless (on_grid + 1 >= from_start && on_grid <= from_start + 1);
      if (a == start)
        fail_unless_equals_uint64 (on_grid, from_start);
      const std::string firsts = " (sink_0's first audio "
                                 + std::to_string (first[0]) + ", sink_1's "
                                 + std::to_string (first[1]) + ")";
      /* sink_1's marks on its grid (test_marks_on_offset_grid); the
       * recording's on the file's. */
      check_uint64 (m, "sample", c.pad ? on_grid : from_start, what + firsts);
      if (c.pad)
        fail_unless (
            g_strcmp0 (gst_structure_get_string (m, "pad"), c.pad) == 0,
            "%s: %s", what.c_str (), rtest::structure_string (m).c_str ());
      gboolean late = TRUE;
      fail_unless (gst_structure_get_boolean (m, "late", &late));
      fail_if (late, "%s is late: %s", what.c_str (),
               rtest::structure_string (m).c_str ());
    }
  guint64 samples = 0;
  fail_unless (gst_structure_get_uint64 (r.done[0], "samples", &samples));
  fail_unless (samples > 0);
  rtest::check_finished_file (path, "wav", kRate, 2, samples, "live");
  check_mark_log (marks, r);
}
GST_END_TEST;

/* ---- the mark log while recording ---------------------------------------- */

/* Lines of the file at `path` so far ("" if none). */
std::string
read_text (const std::string &path)
{
  gchar *contents = NULL;
  gsize len = 0;
  if (!g_file_get_contents (path.c_str (), &contents, &len, NULL))
    return "";
  std::string text (contents, len);
  g_free (contents);
  return text;
}

/* The barge-in call (interrupt at 1.5 s from the mic's thread): when the
 * mic has pushed 2 s, the output writes past the cut and the mark is
 * posted; the mark log then holds that one line, whole and flushed, while
 * the recording goes on (the bin keeps the file open until its end). At
 * the end the log is the messages, then the done line. */
GST_START_TEST (test_mark_log_flushed)
{
  const GstClockTime t = 1500 * kMs;
  const rtest::ValueFn mic_fn = rtest::mono_ramp_fn (0);
  const rtest::ValueFn agent_fn = rtest::mono_ramp_fn (5000);
  Recording rec;
  Input &mic = rec.feed (0);
  Input &agent = rec.feed (5 * kS);
  mic.wait ("agent-queued");
  push (mic, 0, cut_at (0, t), mic_fn, kMicChunk);
  mic.signal ("interrupt", "sink_1", t);
  push (mic, cut_at (0, t), cut_at (0, 2 * kS), mic_fn, kMicChunk);
  auto seen = std::make_shared<std::string> ();
  const std::string path = rec.marks;
  mic.call ([path, seen] (GstElement *) {
    for (int i = 0; i < 1000 && read_text (path).empty (); i++)
      g_usleep (10000);
    *seen = read_text (path);
  });
  push (mic, cut_at (0, 2 * kS), 3 * kRate, mic_fn, kMicChunk);
  mic.mark ("mic-done");
  push (agent, 24000, 24000 + 2 * kRate, agent_fn, kAgentChunk);
  agent.mark ("agent-queued");
  agent.wait ("mic-done");
  rec.run ();

  /* The log at the end is the messages (Recording::run checked it); while
   * recording it was its first line, whole. */
  check_marks (rec.result.marks, { { "interrupt", "sink_1", t, 72000 } });
  const std::string all = read_text (rec.marks);
  const std::string first_line = all.substr (0, all.find ('\n') + 1);
  fail_unless (!first_line.empty () && first_line.back () == '\n', "'%s'",
               all.c_str ());
  fail_unless (*seen == first_line,
               "the log while recording: '%s', its first line at the end: "
               "'%s'",
               seen->c_str (), first_line.c_str ());
}
GST_END_TEST;

/* ---- the same marks in every channel mode -------------------------------- */

/* Small values, so that the mix of two is their exact sum; never 0. */
double
mic_value (uint64_t f, int)
{
  return (double)(f % 1000) + 1;
}
double
agent_value (uint64_t f, int)
{
  return -(double)((f * 7) % 3000) - 5;
}

/* One call in channel-mode per-pad, mix and separate, pause-mode silence
 * and collapse: the mic (sink_0, no holdback) plays [0, 3 s); the agent
 * (sink_1, holdback 5 s) pushes A [0.5 s, 1.5 s) with a pause at P and a
 * resume at R in its stream, then B [2 s, 2.8 s), before the mic starts;
 * from the mic's thread pause-recording at G1, resume-recording at G2 and
 * an interrupt on the agent at T = 2.5 s. The marks are the same in every
 * mode (the sample valid in every file of separate mode); the files are
 * the pads' channels, their mix, or one each, all of the same length. */
static const char *const kModes[] = { "per-pad", "mix", "separate" };

GST_START_TEST (test_marks_every_mode)
{
  const std::string mode = kModes[__i__ / 2];
  const bool collapse = __i__ % 2;
  const bool mix = mode == "mix", separate = mode == "separate";
  const GstClockTime p = 712300000, r = 900 * kMs, t = 2500 * kMs;
  const GstClockTime g1 = 1200 * kMs + 43, g2 = 1600 * kMs;
  const GstClockTime a0 = 500 * kMs, b0 = 2000 * kMs;
  const uint64_t a_first = cut_at (0, a0), a_n = kRate;
  const uint64_t b_first = cut_at (0, b0), b_n = cut_at (0, 800 * kMs);
  const uint64_t mic_n = 3 * kRate;

  Recording rec ("wav", mode);
  gst_util_set_object_arg (G_OBJECT (rec.rig.bin), "pause-mode",
                           collapse ? "collapse" : "silence");
  Input &mic = rec.feed (0);
  Input &agent = rec.feed (5 * kS);
  mic.wait ("agent-queued");
  push (mic, 0, cut_at (0, 1200 * kMs), mic_value, kMicChunk);
  gate (mic, "pause-recording", g1, false);
  push (mic, cut_at (0, 1200 * kMs), cut_at (0, g2), mic_value, kMicChunk);
  gate (mic, "resume-recording", g2, true);
  push (mic, cut_at (0, g2), cut_at (0, t), mic_value, kMicChunk);
  mic.signal ("interrupt", "sink_1", t);
  push (mic, cut_at (0, t), mic_n, mic_value, kMicChunk);
  mic.mark ("mic-done");
  push (agent, a_first, a_first + a_n, agent_value, kAgentChunk);
  agent.control ("pause", p);
  agent.control ("resume", r);
  push (agent, b_first, b_first + b_n, agent_value, kAgentChunk);
  agent.mark ("agent-queued");
  agent.wait ("mic-done");
  rec.run ();

  /* On the agent's grid (its first audio at a0, the recording's start 0). */
  const uint64_t kp = cut_at (a0, p);
  const uint64_t at_p = a_first + kp, at_r = a_first + cut_at (a0, r);
  const uint64_t kept_b = cut_at (b0, t), at_t = b_first + kept_b;
  const uint64_t kg1 = cut_at (0, g1), kg2 = cut_at (0, g2);
  const uint64_t cut = kg2 - kg1, back = collapse ? cut : 0;
  check_marks (rec.result.marks,
               { { "pause", "sink_1", p, at_p },
                 { "resume", "sink_1", r, at_r },
                 { "pause-recording", NULL, g1, kg1 },
                 { "resume-recording", NULL, g2, kg2 - back },
                 { "interrupt", "sink_1", t, at_t - back } },
               separate);

  Track mic_track (mic_value), agent_track (agent_value);
  mic_track.put (0, 0, mic_n);
  agent_track.put (a_first, a_first, kp);
  agent_track.put (at_r, a_first + kp, a_n - kp);
  agent_track.put (b_first, b_first, kept_b);
  const std::vector<Span> spans = { { kg1, kg2 } };
  const uint64_t frames = collapse ? mic_n - cut : mic_n;
  if (separate)
    {
      check_samples (rec.read (0),
                     render ({ &mic_track }, mic_n, false, spans, collapse),
                     "sink_0's file");
      check_samples (rec.read (1),
                     render ({ &agent_track }, mic_n, false, spans, collapse),
                     "sink_1's file");
      for (unsigned i = 0; i < 2; i++)
        rtest::check_finished_file (rec.file (i), "wav", kRate, 1, frames,
                                    rec.file (i));
    }
  else
    {
      const Want want_file
          = render ({ &mic_track, &agent_track }, mic_n, mix, spans, collapse);
      check_samples (rec.read (), want_file, mode.c_str ());
      rtest::check_finished_file (rec.file (), "wav", kRate, mix ? 1 : 2,
                                  frames, mode);
    }

  WantReport want;
  want.pads.resize (2);
  const uint64_t gated = collapse ? 0 : cut;
  for (unsigned i = 0; i < 2; i++)
    {
      WantPad &w = want.pads[i];
      w.channel = mix ? -1 : separate ? 0 : (int)i;
      if (separate)
        w.location = rec.file (i);
    }
  want.pads[0].first_audio = 0;
  want.pads[0].committed = mic_n;
  want.pads[0].silence = gated;
  want.pads[1].first_audio = a0;
  want.pads[1].committed = a_n + kept_b;
  want.pads[1].interrupted = b_n - kept_b;
  want.pads[1].silence = mic_n - (a_n + kept_b) + gated;
  want.pads[1].marks = 3;
  rec.check_done (frames, want);
}
GST_END_TEST;

/* ---- one file per pad ---------------------------------------------------- */

/* sink_0 stereo [0.2 s, 1.7 s), sink_1 mono [0.5 s, 1.7 s), no holdback,
 * channel-mode=separate. Each file keeps its pad's channels and runs from
 * the recording's start (0.2 s) to its end (1.7 s): sink_1's starts with
 * silence; both 72000 frames. (With sink_0 ending at 1.2 s,
 * test_separate_files_end_together.) */
struct TwoFiles
{
  GstClockTime t0[2] = { 200 * kMs, 500 * kMs };
  GstClockTime end[2] = { 1700 * kMs, 1700 * kMs };
  int channels[2] = { 2, 1 };
  rtest::ValueFn fn[2] = { rtest::ramp_fn (0), rtest::mono_ramp_fn (7000) };

  void feed (Recording &rec)
  {
    for (unsigned i = 0; i < 2; i++)
      {
        Input &in = rec.feed (0, channels[i]);
        push (in, cut_at (0, t0[i]), cut_at (0, end[i]), fn[i], 960,
              channels[i]);
      }
  }
  GstClockTime start () const { return std::min (t0[0], t0[1]); }
  uint64_t frames () const
  {
    return cut_at (start (), std::max (end[0], end[1]));
  }
  Track track (unsigned i) const
  {
    Track tr (fn[i], channels[i]);
    tr.put (cut_at (start (), t0[i]), cut_at (0, t0[i]),
            cut_at (t0[i], end[i]));
    return tr;
  }
  WantReport report (const Recording &rec) const
  {
    WantReport want;
    want.start = start ();
    want.pads.resize (2);
    for (unsigned i = 0; i < 2; i++)
      {
        WantPad &w = want.pads[i];
        w.location = rec.file (i);
        w.first_audio = t0[i];
        w.committed = cut_at (t0[i], end[i]);
        /* Before its first audio, and from its end to the recording's
         * end: the rest of its file. */
        w.silence = frames () - w.committed;
      }
    return want;
  }
};

/* Loop: location with %u, with %d. Each WAV file bit-exact, both of the
 * same length, `locations` in pad order, the per-pad report with each
 * pad's file and channel 0. */
GST_START_TEST (test_separate_wav)
{
  TwoFiles two;
  Recording rec ("wav", "separate", __i__ ? "%d" : "%u");
  two.feed (rec);
  rec.run ();
  fail_unless_equals_uint64 (two.frames (), 72000);
  for (unsigned i = 0; i < 2; i++)
    {
      const Track tr = two.track (i);
      check_samples (rec.read (i), render ({ &tr }, two.frames ()),
                     rec.file (i).c_str ());
      rtest::check_finished_file (rec.file (i), "wav", kRate, two.channels[i],
                                  two.frames (), rec.file (i));
    }
  fail_unless (rec.file (0) != rec.file (1));
  rec.check_done (two.frames (), two.report (rec));
}
GST_END_TEST;

/* The same to Ogg/Opus: each file decodes to exactly the recording's
 * frames with its pad's channels, and ogginfo passes. */
GST_START_TEST (test_separate_opus)
{
  TwoFiles two;
  Recording rec ("ogg-opus", "separate");
  two.feed (rec);
  rec.run ();
  for (unsigned i = 0; i < 2; i++)
    rtest::check_finished_file (rec.file (i), "ogg-opus", kRate,
                                two.channels[i], two.frames (), rec.file (i));
  rec.check_done (two.frames (), two.report (rec));
}
GST_END_TEST;

/* The bin's children, recursively, made by `factory`. */
std::vector<GstElement *>
children_of (GstElement *bin, const char *factory)
{
  std::vector<GstElement *> out;
  GstIterator *it = gst_bin_iterate_recurse (GST_BIN (bin));
  GValue v = G_VALUE_INIT;
  while (gst_iterator_next (it, &v) == GST_ITERATOR_OK)
    {
      GstElement *e = GST_ELEMENT (g_value_get_object (&v));
      GstElementFactory *f = gst_element_get_factory (e);
      if (f && g_str_equal (GST_OBJECT_NAME (f), factory))
        out.push_back (GST_ELEMENT (gst_object_ref (e)));
      g_value_reset (&v);
    }
  g_value_unset (&v);
  gst_iterator_free (it);
  return out;
}

/* An `encoder` (opusenc at 16 kbit/s, constant bitrate, 40 ms frames) in
 * separate mode: it encodes sink_0's file, and sink_1's gets a copy, the
 * element encoder_1 inside the bin while recording: an opusenc with the
 * same property values. Both files decode to the recording's frames and
 * have the size of 2 s at 16 kbit/s (the default bitrate would make them
 * several times larger). */
GST_START_TEST (test_separate_encoder_copied)
{
  Recording rec ("ogg-opus", "separate");
  GstElement *enc = gst_element_factory_make ("opusenc", "my-encoder");
  fail_unless (enc != NULL, "opusenc missing");
  g_object_set (enc, "bitrate", 16000, NULL);
  gst_util_set_object_arg (G_OBJECT (enc), "bitrate-type", "cbr");
  gst_util_set_object_arg (G_OBJECT (enc), "frame-size", "40");
  g_object_set (rec.rig.bin, "encoder", enc, NULL);

  struct Seen
  {
    bool mine_inside = false, copy_found = false, copy_is_mine = false;
    std::string copy_factory;
    gint bitrate = 0, bitrate_type = -1, frame_size = -1;
    unsigned opusencs = 0;
  };
  auto seen = std::make_shared<Seen> ();
  const uint64_t n = 2 * kRate;
  Input &in0 = rec.feed (0);
  Input &in1 = rec.feed (0);
  push (in0, 0, n / 2, rtest::mono_ramp_fn (0), 960);
  in0.call ([seen, enc] (GstElement *bin) {
    GstElement *mine = gst_bin_get_by_name (GST_BIN (bin), "my-encoder");
    seen->mine_inside = mine == enc;
    if (mine)
      gst_object_unref (mine);
    std::vector<GstElement *> all = children_of (bin, "opusenc");
    seen->opusencs = all.size ();
    for (GstElement *e : all)
      gst_object_unref (e);
    GstElement *copy = gst_bin_get_by_name (GST_BIN (bin), "encoder_1");
    if (!copy)
      return;
    seen->copy_found = true;
    seen->copy_is_mine = copy == enc;
    seen->copy_factory = GST_OBJECT_NAME (gst_element_get_factory (copy));
    g_object_get (copy, "bitrate", &seen->bitrate, "bitrate-type",
                  &seen->bitrate_type, "frame-size", &seen->frame_size, NULL);
    gst_object_unref (copy);
  });
  push (in0, n / 2, n, rtest::mono_ramp_fn (0), 960);
  push (in1, 0, n, rtest::mono_ramp_fn (7000), 960);
  rec.run ();

  gint want_type = -1, want_frame = -1;
  g_object_get (enc, "bitrate-type", &want_type, "frame-size", &want_frame,
                NULL);
  fail_unless (seen->mine_inside, "the encoder given is not in the bin");
  fail_unless (seen->copy_found, "no encoder_1 in the bin");
  fail_if (seen->copy_is_mine);
  fail_unless_equals_string (seen->copy_factory.c_str (), "opusenc");
  fail_unless_equals_int (seen->opusencs, 2);
  fail_unless_equals_int (seen->bitrate, 16000);
  fail_unless_equals_int (seen->bitrate_type, want_type);
  fail_unless_equals_int (seen->frame_size, want_frame);
  for (unsigned i = 0; i < 2; i++)
    {
      rtest::check_finished_file (rec.file (i), "ogg-opus", kRate, 1, n,
                                  rec.file (i));
      GStatBuf st;
      fail_unless (g_stat (rec.file (i).c_str (), &st) == 0);
      /* 4000 bytes of packets, plus headers and pages. */
      fail_unless (st.st_size > 4000 && st.st_size < 6000,
                   "%s: %d bytes for 2 s at 16 kbit/s", rec.file (i).c_str (),
                   (int)st.st_size);
    }
}
GST_END_TEST;

/* One file's sink cannot write: sink_1's file is a symlink to /dev/full.
 * sink_0's file is complete and exact; one WARNING (on-error=contain)
 * from sink_1's chain naming the failed write; the done status is error,
 * carrying it, counted once; the mark log's done line says so. */
GST_START_TEST (test_separate_one_file_fails)
{
  if (rtest::leak_checked ())
    return; /* wavenc's own leak on the failed write */
  Recording rec ("wav", "separate");
  rec.rig.stop_on_error = false;
  const std::string full = rec.file (1);
  fail_unless (symlink ("/dev/full", full.c_str ()) == 0, "symlink %s",
               full.c_str ());
  const uint64_t n = kRate;
  Input &in0 = rec.feed (0);
  Input &in1 = rec.feed (0);
  push (in0, 0, n, rtest::mono_ramp_fn (0), 960);
  push (in1, 0, n, rtest::mono_ramp_fn (7000), 960);
  rec.run (false);

  const rtest::RunResult &r = rec.result;
  fail_unless (r.got_eos, "no EOS (timed out: %d)", r.timed_out);
  fail_unless (r.errors.empty (), "%s",
               rtest::describe_messages (r.errors).c_str ());
  fail_unless (r.warnings.size () == 1, "%s",
               rtest::describe_messages (r.warnings).c_str ());
  GError *warning = NULL;
  gchar *debug = NULL;
  gst_message_parse_warning (r.warnings[0], &warning, &debug);
  fail_unless (rec.rig.in_bin (r.warnings[0]));
  fail_unless (warning->domain == GST_RESOURCE_ERROR
                   && (warning->code == GST_RESOURCE_ERROR_NO_SPACE_LEFT
                       || warning->code == GST_RESOURCE_ERROR_WRITE),
               "%s", rtest::describe_messages (r.warnings).c_str ());
  const std::string said
      = std::string (warning->message) + " " + (debug ? debug : "");
  fail_unless (rtest::contains (said, "space")
                   || rtest::contains (said, "writ"),
               "'%s'", said.c_str ());
  g_free (debug);
  fail_unless_equals_int ((int)r.done.size (), 1);
  {
    const std::string status = r.done_status ();
    fail_unless_equals_string (status.c_str (), "error");
  }
  GError *error = NULL;
  fail_unless (
      gst_structure_get (r.done[0], "error", G_TYPE_ERROR, &error, NULL));
  fail_unless (error->domain == warning->domain && error->code == warning->code,
               "done error: %s", error->message);
  g_error_free (error);
  g_error_free (warning);
  check_uint64 (r.done[0], "errors", 1, "done");
  for (unsigned i = 0; i < 2; i++)
    fail_unless_equals_int (rec.rig.inputs[i]->flow (), GST_FLOW_OK);

  Track tr (rtest::mono_ramp_fn (0));
  tr.put (0, 0, n);
  check_samples (rec.read (0), render ({ &tr }, n), "sink_0's file");
  rtest::check_finished_file (rec.file (0), "wav", kRate, 1, n, "sink_0");
  const GValue *pads = gst_structure_get_value (r.done[0], "pads");
  fail_unless (pads && gst_value_array_get_size (pads) == 2);
  for (unsigned i = 0; i < 2; i++)
    {
      const GstStructure *p
          = gst_value_get_structure (gst_value_array_get_value (pads, i));
      const char *loc = gst_structure_get_string (p, "location");
      fail_unless (loc && rec.file (i) == loc, "%s",
                   rtest::structure_string (p).c_str ());
    }
  const GstStructure *p0
      = gst_value_get_structure (gst_value_array_get_value (pads, 0));
  check_uint64 (p0, "committed-time", duration_of (n), "sink_0");
}
GST_END_TEST;

/* Start errors: (0) channel-mode=separate with a location without %u;
 * (1) with a `sink` element, which cannot be shared; (2) a marks-location
 * that cannot be created. READY->PAUSED fails with one ERROR from the bin
 * naming the cause, and no file is written. */
GST_START_TEST (test_start_errors)
{
  const int c = __i__;
  Recording rec ("wav", c < 2 ? "separate" : "per-pad");
  std::string names;
  if (c == 0)
    {
      rec.location = rtest::temp_path ("report-no-pattern", "wav");
      g_object_set (rec.rig.bin, "location", rec.location.c_str (), NULL);
      names = rec.location;
    }
  else if (c == 1)
    {
      GstElement *sink = gst_element_factory_make ("filesink", "my-sink");
      g_object_set (rec.rig.bin, "sink", sink, NULL);
      names = "sink";
    }
  else
    {
      rec.marks = rtest::temp_path ("report-no-such-dir", "d") + "/marks.jsonl";
      g_object_set (rec.rig.bin, "marks-location", rec.marks.c_str (), NULL);
      names = rec.marks;
    }
  rec.feed (0);
  rec.feed (0);
  fail_unless_equals_int (
      gst_element_set_state (rec.rig.pipeline, GST_STATE_PAUSED),
      GST_STATE_CHANGE_FAILURE);
  GstBus *bus = gst_element_get_bus (rec.rig.pipeline);
  std::vector<GstMessage *> errors;
  while (GstMessage *m = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR))
    errors.push_back (m);
  gst_object_unref (bus);
  const std::string all = rtest::describe_messages (errors);
  fail_unless (errors.size () == 1, "%s", all.c_str ());
  fail_unless (g_str_equal (GST_MESSAGE_SRC_NAME (errors[0]), "rec"), "%s",
               all.c_str ());
  fail_unless (rtest::contains (rtest::message_text (errors[0]), names),
               "'%s' does not name %s",
               rtest::message_text (errors[0]).c_str (), names.c_str ());
  if (c == 0)
    fail_unless (rtest::contains (rtest::message_text (errors[0]), "%u"), "%s",
                 all.c_str ());
  for (GstMessage *m : errors)
    gst_message_unref (m);
  fail_unless_equals_int (
      gst_element_set_state (rec.rig.pipeline, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  fail_if (g_file_test (rec.location.c_str (), G_FILE_TEST_EXISTS));
  for (unsigned i = 0; i < 2; i++)
    if (c == 1)
      fail_if (
          g_file_test (expand (rec.location, i).c_str (), G_FILE_TEST_EXISTS));
}
GST_END_TEST;

/* ---- regressions --------------------------------------------------------- */

/* A mark is where its event takes effect in the file, also on a
 * pad whose first audio lies between two of the file's samples. The mic
 * (sink_0, from 0) starts the recording; the agent (sink_1, holdback 5 s)
 * speaks 2 s from t0 = 0.5 s + 0.7 sample, paused at P, resumed at R and
 * interrupted at T, each 0.6 sample past a sample of its run. The file
 * shows where each took effect: the agent's first silent sample after
 * the pause, its first resumed sample, its first silent sample after the
 * cut. The marks must be those frames. The file follows the pad's grid
 * (its first sample at round ((t0 - S) r), a resumed segment's origin R
 * at that plus round ((R - t0) r), docs/timeline.md), and so does the
 * marks: the resume's mark, and the interrupt's on the resumed audio, used
 * to come out one sample early (round ((R - S) r), the output's rounding
 * of the resume's time, not the pad's). */
GST_START_TEST (test_marks_on_offset_grid)
{
  const GstClockTime t0 = 500 * kMs + 14583; /* 0.7 sample */
  auto at = [=] (double samples) {
    return t0 + (GstClockTime)std::llround (samples * 1e9 / kRate);
  };
  const GstClockTime p = at (14992.6), r = at (38400.6);
  const GstClockTime t = r + (at (24000.6) - t0);
  const uint64_t n = 2 * kRate, mic_n = 3 * kRate;
  Recording rec;
  Input &mic = rec.feed (0);
  Input &agent = rec.feed (5 * kS);
  mic.wait ("agent-queued");
  push (mic, 0, mic_n, rtest::mono_ramp_fn (1000), kMicChunk);
  mic.mark ("mic-done");
  agent.ramp (t0, n, 0, kAgentChunk); /* never 0 */
  agent.control ("pause", p);
  agent.control ("resume", r);
  agent.control ("interrupt", t);
  agent.mark ("agent-queued");
  agent.wait ("mic-done");
  rec.run ();

  /* Where the file says each took effect. */
  const rtest::Pcm pcm = rec.read ();
  fail_unless_equals_int (pcm.channels, 2);
  uint64_t f = 0;
  auto next = [&] (bool silent) {
    while (f < pcm.frames () && (pcm.at (f, 1) == 0) != silent)
      f++;
    return f;
  };
  const uint64_t begin = next (false), paused = next (true);
  const uint64_t resumed = next (false), cut = next (true);
  fail_unless (cut < pcm.frames (), "no cut in the agent's channel");
  /* The pad's grid. */
  const uint64_t kp = cut_at (t0, p), kr = cut_at (t0, r);
  const uint64_t k = kp + cut_at (r, t);
  fail_unless_equals_uint64 (begin, cut_at (0, t0));
  fail_unless_equals_uint64 (paused, begin + kp);
  fail_unless_equals_uint64 (resumed, begin + kr);
  fail_unless_equals_uint64 (cut, resumed + (k - kp));
  fail_unless_equals_int (pcm.at (resumed, 1), rtest::ramp_value (kp));
  fail_unless_equals_int (pcm.at (cut - 1, 1), rtest::ramp_value (k - 1));
  check_marks (rec.result.marks, { { "pause", "sink_1", p, paused },
                                   { "resume", "sink_1", r, resumed },
                                   { "interrupt", "sink_1", t, cut } });
}
GST_END_TEST;

/* Every file of a separate recording ends at the recording's
 * end: sink_0's audio ends at 1.2 s, sink_1's at 1.7 s, so sink_0's file
 * ends with 0.5 s of silence. It used to end at 1.2 s about once in 20
 * (48000 frames, not 72000): its output, its pad ended, found the other
 * pad not finished yet and did not extend the file, then found it
 * finished and wrote EOS. 100 recordings, to cross the race. */
GST_START_TEST (test_separate_files_end_together)
{
  for (int round = 0; round < 100; round++)
    {
      TwoFiles two;
      two.end[0] = 1200 * kMs;
      Recording rec ("wav", "separate");
      two.feed (rec);
      rec.run ();
      for (unsigned i = 0; i < 2; i++)
        {
          const Track tr = two.track (i);
          check_samples (rec.read (i), render ({ &tr }, two.frames ()),
                         rec.file (i).c_str ());
        }
      rec.check_done (two.frames (), two.report (rec));
    }
}
GST_END_TEST;

/* Silence after a pad's audio is silent whatever the pads'
 * formats: the mic (sink_0, no holdback) plays [0, 1 s); the agent
 * (sink_1, holdback 5 s) speaks [0.2 s, 0.4 s) and nothing after. (0)
 * channel-mode=mix: the file is the mic from 0.4 s on; (1) per-pad with a
 * stereo agent, mixed down to its channel: zeros from 0.4 s on. The
 * agent's converter used to be fed "no input" for silence
 * (gst_audio_converter_samples with in=NULL), which GStreamer 1.22 fills
 * with silence only in its first quarter when it converts through S32
 * (do_unpack passes a sample count as a byte count): the rest kept the
 * converter's previous audio. */
GST_START_TEST (test_silence_is_silent)
{
  const bool mix = __i__ == 0;
  const int agent_channels = mix ? 1 : 2;
  const uint64_t n = kRate, a_from = cut_at (0, 200 * kMs);
  const uint64_t a_to = cut_at (0, 400 * kMs);
  Recording rec ("wav", mix ? "mix" : "per-pad");
  Input &mic = rec.feed (0);
  Input &agent = rec.feed (5 * kS, agent_channels);
  /* The same value on both of a stereo agent's channels: its mono
   * downmix is that value. */
  const rtest::ValueFn agent_fn
      = [] (uint64_t f, int) { return agent_value (f, 0); };
  mic.wait ("agent-queued");
  push (mic, 0, n, mic_value, kMicChunk);
  mic.mark ("mic-done");
  push (agent, a_from, a_to, agent_fn, kAgentChunk, agent_channels);
  agent.mark ("agent-queued");
  agent.wait ("mic-done");
  rec.run ();

  Track mic_track (mic_value), agent_track (agent_value);
  mic_track.put (0, 0, n);
  agent_track.put (a_from, a_from, a_to - a_from);
  check_samples (rec.read (), render ({ &mic_track, &agent_track }, n, mix),
                 mix ? "mix" : "per-pad, stereo agent");
}
GST_END_TEST;

/* `stats` read after the recording, the pipeline back in NULL,
 * says what recorderbin-done said: DESIGN section 6 makes it readable at
 * any time. Two pads of 1 s, a whole-recording pause over [0.3 s, 0.5 s)
 * in pause-mode=silence. After NULL, every pad's `channel` used to be 0
 * and the pause's silence was gone from `silence-time` and
 * `silence-samples`. */
GST_START_TEST (test_stats_after_stop)
{
  Recording rec;
  Input &mic = rec.feed (0);
  Input &other = rec.feed (0);
  push (mic, 0, cut_at (0, 250 * kMs), rtest::mono_ramp_fn (0), kMicChunk);
  gate (mic, "pause-recording", 300 * kMs, false);
  gate (mic, "resume-recording", 500 * kMs, false);
  push (mic, cut_at (0, 250 * kMs), kRate, rtest::mono_ramp_fn (0), kMicChunk);
  push (other, 0, kRate, rtest::mono_ramp_fn (5000), kAgentChunk);
  rec.run ();

  const uint64_t gated = cut_at (0, 500 * kMs) - cut_at (0, 300 * kMs);
  WantReport want;
  want.pads.resize (2);
  for (unsigned i = 0; i < 2; i++)
    {
      want.pads[i].channel = (int)i;
      want.pads[i].first_audio = 0;
      want.pads[i].committed = kRate;
      want.pads[i].silence = gated;
    }
  rec.check_done (kRate, want);
  check_report (rec.after_stop, want, "stats after NULL");
}
GST_END_TEST;

static Suite *
report_suite (void)
{
  Suite *s = suite_create ("report");
  TCase *tc = tcase_create ("general");
  tcase_set_timeout (tc, 120);
  suite_add_tcase (s, tc);
  tcase_add_loop_test (tc, test_barge_in, 0, G_N_ELEMENTS (kBargeIns));
  tcase_add_loop_test (tc, test_pad_pause_resume, 0, 2);
  tcase_add_loop_test (tc, test_recording_pause, 0, 4);
  tcase_add_loop_test (tc, test_late_events, 0, 3);
  tcase_add_loop_test (tc, test_late_recording_pause, 0, 2);
  tcase_add_test (tc, test_now_live);
  tcase_add_test (tc, test_mark_log_flushed);
  tcase_add_loop_test (tc, test_marks_every_mode, 0, 2 * G_N_ELEMENTS (kModes));
  tcase_add_loop_test (tc, test_separate_wav, 0, 2);
  tcase_add_test (tc, test_separate_opus);
  tcase_add_test (tc, test_separate_encoder_copied);
  tcase_add_test (tc, test_separate_one_file_fails);
  tcase_add_loop_test (tc, test_start_errors, 0, 3);
  tcase_add_test (tc, test_barge_in_agent_ends_early);
  tcase_add_test (tc, test_stats_after_stop);
  tcase_add_test (tc, test_separate_files_end_together);
  tcase_add_test (tc, test_marks_on_offset_grid);
  tcase_add_loop_test (tc, test_silence_is_silent, 0, 2);
  return s;
}

GST_CHECK_MAIN (report);
