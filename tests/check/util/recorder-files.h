/* recorderbin tests — what a finished file says about itself, read
 * independently of GStreamer: WAV chunk sizes, FLAC STREAMINFO, the Ogg
 * pages and the codec's identification header; and the command-line tools
 * of the codecs (flac, ogginfo, opusinfo) as second opinions.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace rtest
{

struct WavHeader
{
  std::uint64_t file_size = 0;
  std::uint32_t riff_size = 0;
  std::uint32_t data_size = 0;
  std::uint64_t data_offset = 0; /* where the samples start */
  int channels = 0;
  int rate = 0;
  int bits = 0;
};
bool read_wav_header (const std::string &path, WavHeader &h);

struct FlacInfo
{
  int rate = 0;
  int channels = 0;
  int bits = 0;
  std::uint64_t total_samples = 0;
};
bool read_flac_info (const std::string &path, FlacInfo &info);

struct OggInfo
{
  std::string codec; /* "opus", "vorbis" */
  int channels = 0;
  int rate = 0; /* Opus: the input rate in OpusHead */
  int pages = 0;
  bool last_page_eos = false;
  std::uint64_t last_granule = 0;
};
bool read_ogg_info (const std::string &path, OggInfo &info);

/* Runs a command; true if it exits with status 0. `output` gets what it
 * printed (stdout and stderr). */
bool run_tool (const std::vector<std::string> &argv, std::string *output);

/* Checks, with fail_unless, that `path` is a finished file of `format`
 * (wav, flac, ogg-opus, ogg-vorbis) holding `frames` frames of `channels`
 * channels at `rate`: WAV chunk sizes agree with the file's size, FLAC's
 * STREAMINFO holds the total and `flac -t` passes, the Ogg stream's last
 * page carries EOS and the file decodes to exactly `frames` (for Opus and
 * Vorbis, and `ogginfo` passes for Opus). `what` names the case. */
void check_finished_file (const std::string &path, const std::string &format,
                          int rate, int channels, std::uint64_t frames,
                          const std::string &what);

} // namespace rtest
