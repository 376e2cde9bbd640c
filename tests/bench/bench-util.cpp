/* recorderbin benchmark: shared helpers. See bench-util.h.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "bench-util.h"

#include <gst/audio/audio.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <dirent.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

namespace bench
{

namespace
{
double
clock_seconds (clockid_t id)
{
  struct timespec ts;
  clock_gettime (id, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
} // namespace

Usage
usage_now ()
{
  Usage u;
  u.cpu_s = clock_seconds (CLOCK_PROCESS_CPUTIME_ID);
  u.wall_s = clock_seconds (CLOCK_MONOTONIC);
  struct rusage ru;
  getrusage (RUSAGE_SELF, &ru);
  u.vcsw = (double)ru.ru_nvcsw;
  u.icsw = (double)ru.ru_nivcsw;
  return u;
}

Usage
usage_since (const Usage &start)
{
  Usage now = usage_now ();
  now.cpu_s -= start.cpu_s;
  now.wall_s -= start.wall_s;
  now.vcsw -= start.vcsw;
  now.icsw -= start.icsw;
  return now;
}

long
proc_status_kib (const char *key)
{
  FILE *f = fopen ("/proc/self/status", "r");
  if (!f)
    return -1;
  const size_t len = strlen (key);
  long kib = -1;
  char line[256];
  while (fgets (line, sizeof line, f))
    if (strncmp (line, key, len) == 0 && line[len] == ':')
      {
        kib = strtol (line + len + 1, NULL, 10);
        break;
      }
  fclose (f);
  return kib;
}

int
thread_count ()
{
  DIR *d = opendir ("/proc/self/task");
  if (!d)
    return -1;
  int n = 0;
  while (struct dirent *e = readdir (d))
    if (e->d_name[0] != '.')
      n++;
  closedir (d);
  return n;
}

/* ---- statistics --------------------------------------------------------- */

double
median (std::vector<double> v)
{
  if (v.empty ())
    return 0;
  std::sort (v.begin (), v.end ());
  const size_t n = v.size ();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

Spread
spread (const std::vector<double> &v)
{
  Spread s;
  s.n = v.size ();
  if (v.empty ())
    return s;
  s.median = median (v);
  s.min = *std::min_element (v.begin (), v.end ());
  s.max = *std::max_element (v.begin (), v.end ());
  return s;
}

std::vector<double>
pair_ratios (const std::vector<double> &num, const std::vector<double> &den)
{
  std::vector<double> r;
  for (size_t i = 0; i < std::min (num.size (), den.size ()); i++)
    if (den[i] > 0)
      r.push_back (num[i] / den[i]);
  return r;
}

std::string
fmt (double v, const char *format)
{
  char buf[64];
  g_snprintf (buf, sizeof buf, format, v);
  return buf;
}

std::string
fmt_ratio (double num, double den)
{
  if (den <= 0 || num < 0)
    return "nan";
  return fmt (num / den);
}

std::string
fmt_spread (const Spread &s, const char *format)
{
  if (s.n == 0)
    return "n/a";
  if (s.n == 1)
    return fmt (s.median, format);
  return fmt (s.median, format) + " [" + fmt (s.min, format) + "-"
         + fmt (s.max, format) + "]";
}

const char *
verdict (double ratio, double target)
{
  if (target <= 0)
    return "(no target)";
  if (!(ratio > 0))
    return "n/a";
  return ratio <= target ? "PASS" : "MISS";
}

/* ---- pipelines ---------------------------------------------------------- */

GstElement *
make (const char *factory, GstElement *bin)
{
  GstElement *e = gst_element_factory_make (factory, NULL);
  if (!e)
    {
      g_printerr ("bench-recorder: element '%s' is missing\n", factory);
      exit (2);
    }
  gst_bin_add (GST_BIN (bin), e);
  return e;
}

GstCaps *
raw_caps (const char *format, int channels)
{
  return gst_caps_new_simple ("audio/x-raw", "format", G_TYPE_STRING, format,
                              "layout", G_TYPE_STRING, "interleaved", "rate",
                              G_TYPE_INT, kRate, "channels", G_TYPE_INT,
                              channels, NULL);
}

GstElement *
make_s16_capsfilter (GstElement *bin, int channels)
{
  GstElement *caps = make ("capsfilter", bin);
  GstCaps *c = raw_caps ("S16LE", channels);
  g_object_set (caps, "caps", c, NULL);
  gst_caps_unref (c);
  return caps;
}

void
link_or_die (GstElement *a, GstElement *b, const char *what)
{
  if (!gst_element_link (a, b))
    {
      g_printerr ("bench-recorder: cannot link %s (%s ! %s)\n", what,
                  GST_OBJECT_NAME (a), GST_OBJECT_NAME (b));
      exit (2);
    }
}

void
set_fl_fr_positions (GstElement *interleave)
{
  GValue positions = G_VALUE_INIT, v = G_VALUE_INIT;
  g_value_init (&positions, GST_TYPE_ARRAY);
  g_value_init (&v, GST_TYPE_AUDIO_CHANNEL_POSITION);
  g_value_set_enum (&v, GST_AUDIO_CHANNEL_POSITION_FRONT_LEFT);
  gst_value_array_append_value (&positions, &v);
  g_value_set_enum (&v, GST_AUDIO_CHANNEL_POSITION_FRONT_RIGHT);
  gst_value_array_append_value (&positions, &v);
  g_object_set_property (G_OBJECT (interleave), "channel-positions",
                         &positions);
  g_value_unset (&v);
  g_value_unset (&positions);
}

GstElement *
find_by_factory (GstElement *bin, const char *factory)
{
  GstElement *found = NULL;
  GstIterator *it = gst_bin_iterate_recurse (GST_BIN (bin));
  GValue item = G_VALUE_INIT;
  while (!found && gst_iterator_next (it, &item) == GST_ITERATOR_OK)
    {
      GstElement *e = GST_ELEMENT (g_value_get_object (&item));
      GstElementFactory *f = gst_element_get_factory (e);
      if (f && g_str_equal (GST_OBJECT_NAME (f), factory))
        found = GST_ELEMENT (gst_object_ref (e));
      g_value_reset (&item);
    }
  g_value_unset (&item);
  gst_iterator_free (it);
  return found;
}

int
encoder_channels (GstElement *bin)
{
  int channels = 0;
  for (const char *factory : { "opusenc", "wavenc" })
    {
      GstElement *e = find_by_factory (bin, factory);
      if (!e)
        continue;
      GstPad *pad = gst_element_get_static_pad (e, "sink");
      GstCaps *caps = pad ? gst_pad_get_current_caps (pad) : NULL;
      if (caps)
        {
          gst_structure_get_int (gst_caps_get_structure (caps, 0), "channels",
                                 &channels);
          gst_caps_unref (caps);
        }
      if (pad)
        gst_object_unref (pad);
      gst_object_unref (e);
    }
  return channels;
}

std::string
describe_message (GstMessage *msg)
{
  GError *err = NULL;
  const bool error = GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR;
  if (error)
    gst_message_parse_error (msg, &err, NULL);
  else
    gst_message_parse_warning (msg, &err, NULL);
  gchar *src = gst_object_get_path_string (GST_MESSAGE_SRC (msg));
  std::string s = std::string (error ? "ERROR" : "WARNING") + " from "
                  + (src ? src : "?") + ": " + (err ? err->message : "?");
  g_free (src);
  g_clear_error (&err);
  return s;
}

/* ---- files -------------------------------------------------------------- */

std::string
temp_file (const Options &opt, const char *variant, const char *ext)
{
  static int counter = 0;
  gchar *name = g_strdup_printf ("bench-%s-%d-%d.%s", variant, (int)getpid (),
                                 counter++, ext);
  gchar *path = g_build_filename (opt.tmpdir.c_str (), name, NULL);
  std::string result (path);
  g_free (name);
  g_free (path);
  return result;
}

long long
file_size (const std::string &path)
{
  struct stat st;
  return stat (path.c_str (), &st) == 0 ? (long long)st.st_size : -1;
}

/* Read in small pieces: the child processes measure their peak memory, and
 * reading the file whole would show in it. */
std::string
wav_data_sha1 (const std::string &path, long long *data_bytes)
{
  *data_bytes = -1;
  FILE *f = fopen (path.c_str (), "rb");
  if (!f)
    return "";
  guint8 hdr[12];
  if (fread (hdr, 1, 12, f) != 12 || memcmp (hdr, "RIFF", 4) != 0
      || memcmp (hdr + 8, "WAVE", 4) != 0)
    {
      fclose (f);
      return "";
    }
  guint8 chunk[8];
  std::string hex;
  while (fread (chunk, 1, 8, f) == 8)
    {
      const guint32 size = (guint32)chunk[4] | ((guint32)chunk[5] << 8)
                           | ((guint32)chunk[6] << 16)
                           | ((guint32)chunk[7] << 24);
      if (memcmp (chunk, "data", 4) != 0)
        {
          if (fseek (f, (long)(size + (size & 1)), SEEK_CUR) != 0)
            break;
          continue;
        }
      GChecksum *sum = g_checksum_new (G_CHECKSUM_SHA1);
      guchar buf[16384];
      long long left = size;
      while (left > 0)
        {
          const size_t n = fread (
              buf, 1, (size_t)std::min<long long> (left, sizeof buf), f);
          if (n == 0)
            break;
          g_checksum_update (sum, buf, (gssize)n);
          left -= (long long)n;
        }
      if (left == 0)
        {
          *data_bytes = size;
          hex = g_checksum_get_string (sum);
        }
      g_checksum_free (sum);
      break;
    }
  fclose (f);
  return hex;
}

OpusFile
opus_file_info (const std::string &path)
{
  OpusFile info;
  FILE *f = fopen (path.c_str (), "rb");
  if (!f)
    return info;
  /* First page: OpusHead (version, channels, pre-skip). */
  guint8 head[512];
  const size_t got = fread (head, 1, sizeof head, f);
  long preskip = -1;
  if (got >= 27 && memcmp (head, "OggS", 4) == 0)
    {
      const size_t body = 27 + head[26];
      if (got >= body + 12 && memcmp (head + body, "OpusHead", 8) == 0)
        {
          info.channels = head[body + 9];
          preskip = head[body + 10] | (head[body + 11] << 8);
        }
    }
  /* Last page: its granule position is the end of the stream. */
  const long long size = file_size (path);
  const long long tail = std::min<long long> (size, 70000);
  std::vector<guint8> buf ((size_t)std::max<long long> (tail, 0));
  long long granule = -1;
  if (preskip >= 0 && tail > 27 && fseek (f, (long)(size - tail), SEEK_SET) == 0
      && fread (buf.data (), 1, buf.size (), f) == buf.size ())
    for (long long i = tail - 27; i >= 0; i--)
      if (memcmp (&buf[(size_t)i], "OggS", 4) == 0 && buf[(size_t)i + 4] == 0)
        {
          guint64 g = 0;
          for (int b = 7; b >= 0; b--)
            g = (g << 8) | buf[(size_t)i + 6 + (size_t)b];
          granule = (long long)g;
          break;
        }
  fclose (f);
  if (granule >= preskip && preskip >= 0)
    info.samples = granule - preskip;
  return info;
}

/* ---- child processes ---------------------------------------------------- */

std::map<std::string, double>
run_child (const Options &opt, const std::vector<std::string> &args)
{
  std::vector<std::string> argv_s{ opt.self_exe, "--child" };
  argv_s.insert (argv_s.end (), args.begin (), args.end ());
  argv_s.push_back ("--tmpdir");
  argv_s.push_back (opt.tmpdir);
  std::vector<char *> argv;
  for (std::string &s : argv_s)
    argv.push_back (&s[0]);
  argv.push_back (NULL);

  std::map<std::string, double> result;
  int fds[2];
  if (pipe (fds) != 0)
    return result;
  fflush (stdout);
  fflush (stderr);
  pid_t pid = fork ();
  if (pid < 0)
    {
      close (fds[0]);
      close (fds[1]);
      return result;
    }
  if (pid == 0)
    {
      close (fds[0]);
      dup2 (fds[1], STDOUT_FILENO);
      close (fds[1]);
      execv (argv[0], argv.data ());
      _exit (127);
    }
  close (fds[1]);
  std::string out;
  char buf[256];
  ssize_t n;
  while ((n = read (fds[0], buf, sizeof buf)) != 0)
    {
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        break;
      out.append (buf, (size_t)n);
    }
  close (fds[0]);
  int wstatus = 0;
  pid_t w;
  do
    w = waitpid (pid, &wstatus, 0);
  while (w < 0 && errno == EINTR);
  if (w != pid || !WIFEXITED (wstatus) || WEXITSTATUS (wstatus) != 0)
    {
      std::string what;
      for (const std::string &a : args)
        what += " " + a;
      g_printerr ("bench-recorder: child%s failed (status 0x%x)\n",
                  what.c_str (), wstatus);
      return result;
    }
  gchar **lines = g_strsplit (out.c_str (), "\n", -1);
  for (gchar **l = lines; *l; l++)
    {
      gchar **kv = g_strsplit (*l, " ", 2);
      if (kv[0] && kv[1])
        result[kv[0]] = g_ascii_strtod (kv[1], NULL);
      g_strfreev (kv);
    }
  g_strfreev (lines);
  return result;
}

void
child_report (const char *key, double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  printf ("%s %s\n", key, g_ascii_dtostr (buf, sizeof buf, value));
  fflush (stdout);
}

} // namespace bench
