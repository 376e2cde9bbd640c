/* recorderbin tests — reading finished files. See recorder-files.h.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "recorder-files.h"

#include "recorder-test-util.h"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

/* Last: gstcheck.h defines macros (fail, ...) that clash with C++ headers. */
#include <gst/check/gstcheck.h>

namespace rtest
{

namespace
{
std::vector<unsigned char>
slurp (const std::string &path)
{
  std::ifstream f (path, std::ios::binary);
  return std::vector<unsigned char> (std::istreambuf_iterator<char> (f), {});
}

std::uint32_t
le32 (const unsigned char *p)
{
  return p[0] | (p[1] << 8) | (p[2] << 16) | ((std::uint32_t)p[3] << 24);
}

std::uint16_t
le16 (const unsigned char *p)
{
  return (std::uint16_t) (p[0] | (p[1] << 8));
}
} // namespace

bool
read_wav_header (const std::string &path, WavHeader &h)
{
  const std::vector<unsigned char> b = slurp (path);
  h = WavHeader{};
  h.file_size = b.size ();
  if (b.size () < 12 || memcmp (b.data (), "RIFF", 4)
      || memcmp (b.data () + 8, "WAVE", 4))
    return false;
  h.riff_size = le32 (b.data () + 4);
  for (std::size_t i = 12; i + 8 <= b.size ();)
    {
      const std::uint32_t size = le32 (b.data () + i + 4);
      if (!memcmp (b.data () + i, "fmt ", 4) && i + 24 <= b.size ())
        {
          h.channels = le16 (b.data () + i + 10);
          h.rate = (int)le32 (b.data () + i + 12);
          h.bits = le16 (b.data () + i + 22);
        }
      if (!memcmp (b.data () + i, "data", 4))
        {
          h.data_size = size;
          h.data_offset = i + 8;
          return true;
        }
      i += 8 + size + (size & 1);
    }
  return false;
}

bool
read_flac_info (const std::string &path, FlacInfo &info)
{
  const std::vector<unsigned char> b = slurp (path);
  info = FlacInfo{};
  /* "fLaC", then STREAMINFO first: a 4-byte block header, 34 bytes. */
  if (b.size () < 42 || memcmp (b.data (), "fLaC", 4) || (b[4] & 0x7f) != 0)
    return false;
  const unsigned char *si = b.data () + 8;
  info.rate = (si[10] << 12) | (si[11] << 4) | (si[12] >> 4);
  info.channels = ((si[12] >> 1) & 0x7) + 1;
  info.bits = (((si[12] & 1) << 4) | (si[13] >> 4)) + 1;
  info.total_samples = ((std::uint64_t) (si[13] & 0xf) << 32)
                       | ((std::uint64_t)si[14] << 24) | (si[15] << 16)
                       | (si[16] << 8) | si[17];
  return true;
}

bool
read_ogg_info (const std::string &path, OggInfo &info)
{
  const std::vector<unsigned char> b = slurp (path);
  info = OggInfo{};
  std::size_t i = 0;
  while (i + 27 <= b.size ())
    {
      if (memcmp (b.data () + i, "OggS", 4))
        return false;
      const unsigned char type = b[i + 5];
      std::uint64_t granule = 0;
      for (int k = 7; k >= 0; k--)
        granule = (granule << 8) | b[i + 6 + k];
      const int segments = b[i + 26];
      if (i + 27 + segments > b.size ())
        return false;
      std::size_t body = 0;
      for (int k = 0; k < segments; k++)
        body += b[i + 27 + k];
      const unsigned char *payload = b.data () + i + 27 + segments;
      if (i + 27 + segments + body > b.size ())
        return false;
      if (info.pages == 0)
        {
          if (body >= 19 && !memcmp (payload, "OpusHead", 8))
            {
              info.codec = "opus";
              info.channels = payload[9];
              info.rate = (int)le32 (payload + 12);
            }
          else if (body >= 16 && !memcmp (payload, "\x01vorbis", 7))
            {
              info.codec = "vorbis";
              info.channels = payload[11];
              info.rate = (int)le32 (payload + 12);
            }
        }
      info.pages++;
      info.last_page_eos = (type & 0x04) != 0;
      info.last_granule = granule;
      i += 27 + segments + body;
    }
  return info.pages > 0 && i == b.size ();
}

bool
run_tool (const std::vector<std::string> &argv, std::string *output)
{
  std::vector<gchar *> args;
  for (const std::string &a : argv)
    args.push_back (const_cast<gchar *> (a.c_str ()));
  args.push_back (NULL);
  gchar *out = NULL, *err = NULL;
  gint status = 0;
  GError *error = NULL;
  const gboolean ran
      = g_spawn_sync (NULL, args.data (), NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                      &out, &err, &status, &error);
  if (output)
    *output = std::string (out ? out : "") + (err ? err : "")
              + (error ? error->message : "");
  g_free (out);
  g_free (err);
  g_clear_error (&error);
  return ran && g_spawn_check_wait_status (status, NULL);
}

void
check_finished_file (const std::string &path, const std::string &format,
                     int rate, int channels, std::uint64_t frames,
                     const std::string &what)
{
  const char *w = what.c_str ();
  std::string out;
  if (format == "wav")
    {
      WavHeader h;
      fail_unless (read_wav_header (path, h), "%s: %s is no WAV file", w,
                   path.c_str ());
      fail_unless_equals_int (h.rate, rate);
      fail_unless_equals_int (h.channels, channels);
      fail_unless (h.riff_size == h.file_size - 8,
                   "%s: RIFF size %u, the file has %" G_GUINT64_FORMAT " bytes",
                   w, h.riff_size, h.file_size);
      fail_unless (h.data_size == h.file_size - h.data_offset,
                   "%s: data size %u, the file has %" G_GUINT64_FORMAT
                   " bytes of samples",
                   w, h.data_size, h.file_size - h.data_offset);
      fail_unless (h.data_size == frames * channels * (h.bits / 8),
                   "%s: %u bytes of samples, want %" G_GUINT64_FORMAT " frames",
                   w, h.data_size, frames);
      return;
    }
  if (format == "flac")
    {
      FlacInfo info;
      fail_unless (read_flac_info (path, info), "%s: %s is no FLAC file", w,
                   path.c_str ());
      fail_unless_equals_int (info.rate, rate);
      fail_unless_equals_int (info.channels, channels);
      fail_unless_equals_uint64 (info.total_samples, frames);
      fail_unless (run_tool ({ "flac", "-t", "-s", path }, &out),
                   "%s: flac -t: %s", w, out.c_str ());
    }
  else
    {
      OggInfo info;
      fail_unless (read_ogg_info (path, info), "%s: %s is no Ogg file", w,
                   path.c_str ());
      fail_unless_equals_string (info.codec.c_str (),
                                 format == "ogg-opus" ? "opus" : "vorbis");
      fail_unless_equals_int (info.channels, channels);
      fail_unless_equals_int (info.rate, rate);
      fail_unless (info.last_page_eos, "%s: the last Ogg page has no EOS", w);
      if (format == "ogg-opus")
        fail_unless (run_tool ({ "ogginfo", path }, &out), "%s: ogginfo: %s", w,
                     out.c_str ());
    }
  if (frames == 0)
    return; /* nothing to decode */
  Pcm pcm;
  fail_unless (decode_file (path, pcm), "%s: %s does not decode", w,
               path.c_str ());
  fail_unless (pcm.frames () == frames,
               "%s: %" G_GUINT64_FORMAT
               " frames decoded, want %" G_GUINT64_FORMAT,
               w, pcm.frames (), frames);
}

} // namespace rtest
