/* recorderbin — starting a recording: settings checked, one output per
 * file built. See startup.h.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "startup.h"

using namespace recorder;

namespace
{
bool
start_error (GstElement *bin, GQuark domain, gint code, const std::string &text)
{
  GError *err = g_error_new_literal (domain, code, text.c_str ());
  gst_element_post_message (
      bin, gst_message_new_error (GST_OBJECT (bin), err, NULL));
  g_error_free (err);
  return false;
}
} // namespace

/* `pattern` with its one %u or %d replaced by `index`; false if it has not
 * exactly one (or has any other conversion). */
static bool
expand_location (const std::string &pattern, unsigned index, std::string *out)
{
  int found = 0;
  out->clear ();
  for (std::size_t i = 0; i < pattern.size (); i++)
    {
      if (pattern[i] != '%')
        {
          *out += pattern[i];
          continue;
        }
      const char next = i + 1 < pattern.size () ? pattern[i + 1] : '\0';
      i++;
      if (next == '%')
        *out += '%';
      else if (next == 'u' || next == 'd')
        {
          *out += std::to_string (index);
          found++;
        }
      else
        return false;
    }
  return found == 1;
}

/* Checks the settings a start needs, and what the format can take. */
static bool
check_settings (GstElement *self, const StartSettings &s,
                const FormatSpec *spec, std::size_t n_pads)
{
  const bool separate
      = s.channel_mode == GST_RECORDER_BIN_CHANNEL_MODE_SEPARATE;
  if (!s.location && !s.sink)
    return start_error (self, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_FOUND,
                        "No file to record to: set the 'location' property "
                        "or give a 'sink' element");
  if (separate && s.sink)
    return start_error (
        self, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
        "channel-mode=separate writes one file per pad: a 'sink' element "
        "cannot be shared by them, set 'location' with %u instead");
  std::string unused;
  if (separate && !expand_location (s.location, 0, &unused))
    return start_error (
        self, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
        std::string ("channel-mode=separate needs a location with one %u "
                     "(or %d) for the pad's index, as in call-%u.ogg: '")
            + s.location + "' has none");
  if (n_pads == 0)
    return start_error (self, GST_CORE_ERROR, GST_CORE_ERROR_PAD,
                        "Nothing to record: request a sink_%u pad before "
                        "starting");
  if (!s.encoder && s.rate > 0 && !rate_allowed (*spec, s.rate))
    return start_error (self, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION,
                        std::string ("format=") + spec->nick
                            + " cannot record at rate="
                            + std::to_string (s.rate) + ": it takes "
                            + rates_text (spec->rates) + " Hz");
  if (s.channel_mode == GST_RECORDER_BIN_CHANNEL_MODE_PER_PAD && !s.encoder
      && n_pads > spec->max_channels)
    return start_error (self, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION,
                        std::string ("format=") + spec->nick + " holds at most "
                            + std::to_string (spec->max_channels)
                            + " channels: the recording has "
                            + std::to_string (n_pads) + " pads");
  return true;
}

/* The user's encoder must take the rate property's rate. */
static bool
check_encoder_rate (GstElement *self, GstElement *encoder, int rate)
{
  std::vector<int> rates;
  if (rate <= 0 || encoder_takes_rate (encoder, rate, &rates))
    return true;
  std::string text = std::string ("The encoder ") + GST_OBJECT_NAME (encoder)
                     + " cannot take rate=" + std::to_string (rate);
  if (!rates.empty ())
    text += ": it takes " + rates_text (rates) + " Hz";
  return start_error (self, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION, text);
}

static OutputPlan
plan_for (const StartSettings &s, const FormatSpec *spec, std::size_t n_pads)
{
  OutputPlan plan;
  plan.sample_format = spec->sample_format;
  plan.ask_encoder = s.encoder != nullptr;
  plan.max_channels = s.encoder ? kConverterMaxChannels : spec->max_channels;
  plan.empty = s.encoder ? EmptyFile::kZeroLengthBuffer : spec->empty;
  switch (s.channel_mode)
    {
    case GST_RECORDER_BIN_CHANNEL_MODE_MIX:
      plan.combine = Combine::kMix;
      plan.channels = 1;
      break;
    case GST_RECORDER_BIN_CHANNEL_MODE_SEPARATE:
      plan.combine = Combine::kKeep;
      break;
    default:
      plan.combine = n_pads > 1 ? Combine::kInterleave : Combine::kKeep;
      plan.channels = n_pads > 1 ? (unsigned)n_pads : 0;
      break;
    }
  return plan;
}

/* One output (file) per `groups` entry: its chain, the mux's source pad for
 * it, and the session's shared part. */
static bool
build_outputs (const StartContext &ctx, const StartSettings &s,
               const FormatSpec *spec,
               const std::vector<std::vector<unsigned>> &groups, Recording *rec)
{
  const bool separate
      = s.channel_mode == GST_RECORDER_BIN_CHANNEL_MODE_SEPARATE;
  for (std::size_t k = 0; k < groups.size (); k++)
    {
      ChainRequest r;
      r.spec = spec;
      if (separate)
        expand_location (s.location, groups[k][0], &r.location);
      else if (s.location)
        r.location = s.location;
      r.encoder = s.encoder;
      r.muxer = s.muxer;
      r.sink = s.sink;
      r.copy_user_stages = k > 0;
      r.suffix = separate ? "_" + std::to_string (groups[k][0]) : "";
      Chain chain;
      if (!build_chain (ctx.bin, r, chain))
        return false;
      rec->chains.push_back (chain);
      if (k == 0 && s.encoder
          && !check_encoder_rate (ctx.bin, chain.encoder, s.rate))
        return false;
      rec->locations.push_back (r.location);
      {
        auto out = std::make_unique<OutputShared> ();
        out->index = (unsigned)k;
        out->pads = groups[k];
        out->gate.set_mode (s.pause_mode == GST_RECORDER_BIN_PAUSE_MODE_COLLAPSE
                                ? RecordingGate::Mode::kCollapse
                                : RecordingGate::Mode::kSilence);
        std::lock_guard<std::mutex> lk (ctx.session.lock);
        for (unsigned index : groups[k])
          ctx.session.pad (index).output = (unsigned)k;
        ctx.session.outputs.push_back (std::move (out));
      }
      OutputPlan plan = plan_for (s, spec, groups[k].size ());
      plan.encoder = chain.encoder;
      GstPad *src = gst_recorder_mux_add_output (ctx.mux, (unsigned)k, plan);
      GstPad *sink = chain.sink_pad ();
      const GstPadLinkReturn link = gst_pad_link (src, sink);
      gst_object_unref (sink);
      if (link != GST_PAD_LINK_OK)
        return start_error (ctx.bin, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION,
                            std::string ("Cannot feed raw audio to the "
                                         "encoder ")
                                + GST_OBJECT_NAME (chain.encoder));
    }
  return true;
}

static void
reset_session (Session &session, const StartSettings &s)
{
  std::lock_guard<std::mutex> lk (session.lock);
  session.outputs.clear ();
  session.reset_for_start ();
  session.error_mode = s.on_error == GST_RECORDER_BIN_ON_ERROR_PROPAGATE
                           ? ErrorMode::kPropagate
                           : ErrorMode::kContain;
  session.stall_timeout = s.eos_timeout;
  session.live = false;
  session.output_rate = s.rate > 0 ? (unsigned)s.rate : 0;
}

bool
recorder::start_recording (const StartContext &ctx, const StartSettings &s,
                           const std::vector<unsigned> &pads, Recording *out)
{
  const FormatSpec *spec = format_spec (s.format);
  if (!spec)
    return start_error (ctx.bin, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION,
                        "Unknown format " + std::to_string ((int)s.format));
  if (!check_settings (ctx.bin, s, spec, pads.size ()))
    return false;
  const bool separate
      = s.channel_mode == GST_RECORDER_BIN_CHANNEL_MODE_SEPARATE;
  std::vector<std::vector<unsigned>> groups;
  if (separate)
    for (unsigned index : pads)
      groups.push_back ({ index });
  else
    groups.push_back (pads);

  reset_session (ctx.session, s);
  std::string why;
  if (!ctx.finisher.open_mark_log (s.marks_location ? s.marks_location : "",
                                   &why))
    return start_error (ctx.bin, GST_RESOURCE_ERROR,
                        GST_RESOURCE_ERROR_OPEN_WRITE,
                        std::string ("Cannot write the marks to '")
                            + s.marks_location + "': " + why);
  ctx.finisher.start ((unsigned)groups.size (), s.eos_timeout,
                      s.on_error == GST_RECORDER_BIN_ON_ERROR_PROPAGATE
                          ? ErrorMode::kPropagate
                          : ErrorMode::kContain);
  Recording rec;
  rec.location_pattern = s.location ? s.location : "";
  if (!build_outputs (ctx, s, spec, groups, &rec))
    {
      ctx.finisher.stop ();
      stop_recording (ctx, rec.chains);
      return false;
    }
  rec.layout.mix = s.channel_mode == GST_RECORDER_BIN_CHANNEL_MODE_MIX;
  rec.layout.separate = separate;
  rec.layout.locations = rec.locations;
  *out = std::move (rec);
  return true;
}

void
recorder::stop_recording (const StartContext &ctx, std::vector<Chain> &chains)
{
  gst_recorder_mux_remove_outputs (ctx.mux);
  for (Chain &c : chains)
    remove_chain (ctx.bin, c);
  chains.clear ();
  std::lock_guard<std::mutex> lk (ctx.session.lock);
  ctx.session.outputs.clear ();
}
