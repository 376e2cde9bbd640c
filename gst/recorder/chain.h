/* recorderbin — the formats and the encode/mux/sink chain of each file.
 *
 * One table row per format says which encoder and muxer it uses, what the
 * encoder is fed, how many channels and which rates it takes, and how a
 * recording with no audio still makes a valid file. The builder makes one
 * stage per function (create_encoder, create_muxer, create_sink), as
 * splitmuxsink does, and posts the ERROR that names what is wrong.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/audio/audio.h>
#include <gst/gst.h>

#include <string>
#include <vector>

namespace recorder
{

/* GStreamer's audio converter mixes at most this many channels. */
constexpr unsigned kConverterMaxChannels = 63;

/* How a recording with no audio still gets a valid, empty file. */
enum class EmptyFile
{
  kZeroLengthBuffer, /* the encoder writes its header for an empty buffer */
  kHeadersOnly,      /* encode one frame of silence, keep only the headers */
  kClippedFrame,     /* encode one frame of silence, clipped to nothing */
};

struct FormatSpec
{
  int id; /* GstRecorderBinFormat */
  const char *nick;
  const char *encoder;
  const char *muxer; /* nullptr: the encoder writes the file itself */
  const char *package;
  GstAudioFormat sample_format; /* what the encoder is fed */
  unsigned max_channels;
  std::vector<int> rates; /* empty: any rate */
  EmptyFile empty;
};

/* The row of `format`; nullptr if there is none. */
const FormatSpec *format_spec (int format);
/* "8000, 12000, 16000, 24000 or 48000". */
std::string rates_text (const std::vector<int> &rates);
bool rate_allowed (const FormatSpec &spec, int rate);

/* The stages of one file's chain. Each pointer is one reference owned by
 * the Chain; the elements are children of the bin while it is built. */
struct Chain
{
  GstElement *encoder = nullptr;
  GstElement *muxer = nullptr; /* may be null */
  GstElement *sink = nullptr;
  /* The user's encoder/muxer/sink was used (not a copy of ours). */
  bool user_sink = false;

  bool contains (GstObject *object) const;
  GstPad *sink_pad () const; /* the encoder's sink pad, a new reference */
};

struct ChainRequest
{
  const FormatSpec *spec = nullptr;
  std::string location;          /* may be empty when a sink is given */
  GstElement *encoder = nullptr; /* the user's, or null */
  GstElement *muxer = nullptr;   /* the user's, or null */
  GstElement *sink = nullptr;    /* the user's, or null */
  bool copy_user_stages = false; /* use copies of encoder and muxer */
  std::string suffix;            /* "" or "_N": element names */
};

/* Makes encoder [! muxer] ! sink in `bin` and links them. On failure posts
 * an ERROR from `bin` naming the cause, leaves nothing in the bin and
 * returns false. */
bool build_chain (GstElement *bin, const ChainRequest &request, Chain &chain);
/* Sets the chain's elements to NULL and takes them out of `bin`. */
void remove_chain (GstElement *bin, Chain &chain);
/* A new element of the same factory with the same property values. */
GstElement *copy_element (GstElement *element, const char *name);

/* Whether the encoder's sink pad can take `rate` Hz; `rates` gets the
 * rates it lists when it cannot (empty for a range). */
bool encoder_takes_rate (GstElement *encoder, int rate,
                         std::vector<int> *rates);

/* Makes `encoder` write a valid file with no audio in it (see EmptyFile):
 * installs what that needs on the encoder's source pad and returns the one
 * buffer, in `info`, to push before EOS. */
GstBuffer *prepare_empty_file (EmptyFile how, GstElement *encoder,
                               const GstAudioInfo &info);

/* The caps fed to a chain: `format` at `rate` with `channels` channels;
 * mono and FL+FR up to two, beyond that the positions of `mask`, or none
 * (unpositioned) when it is 0. */
GstAudioInfo output_info (GstAudioFormat format, int rate, int channels,
                          guint64 mask);

} // namespace recorder
