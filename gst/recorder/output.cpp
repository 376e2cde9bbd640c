/* recorderbin — one output's mixdown. See output.h.
 *
 * Each pad keeps one GstAudioConverter (format, channel mix and resampling
 * in one) for as long as its input format stays the same. At a format
 * change and at the pad's end the converter is drained: fed silence until
 * it has given every frame up to where the pad's audio ends, and cut
 * exactly there, so the resampler's tail is kept and later audio lands at
 * its running time (DESIGN section 9).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "output.h"

#include <algorithm>
#include <cstring>

namespace recorder
{

/* The converted audio of one pad not written out yet: bytes appended at the
 * end, consumed from the front, never zero-filled (every byte appended is
 * written before it is read). Its storage can be handed to a GstBuffer
 * whole, so a kept pad's block needs no copy. */
class Mixdown::Fifo
{
public:
  Fifo () = default;
  ~Fifo () { g_free (buf_); }
  Fifo (const Fifo &) = delete;
  Fifo &operator= (const Fifo &) = delete;

  std::size_t size () const { return tail_ - head_; }
  const guint8 *data () const { return buf_ + head_; }
  /* Room for `n` more bytes at the end; returns where they go. */
  guint8 *append (std::size_t n)
  {
    if (tail_ + n > cap_ && head_ > 0)
      {
        memmove (buf_, buf_ + head_, size ());
        tail_ -= head_;
        head_ = 0;
      }
    if (tail_ + n > cap_)
      {
        cap_ = std::max (tail_ + n, 2 * cap_);
        buf_ = static_cast<guint8 *> (g_realloc (buf_, cap_));
      }
    guint8 *at = buf_ + tail_;
    tail_ += n;
    return at;
  }
  void consume (std::size_t n)
  {
    head_ += std::min (n, size ());
    if (head_ == tail_)
      head_ = tail_ = 0;
  }
  void drop_back (std::size_t n) { tail_ -= std::min (n, size ()); }
  /* Everything in it as a buffer that owns the storage; it starts over
   * with new storage of the same capacity. */
  GstBuffer *take_all ()
  {
    GstBuffer *buf = gst_buffer_new_wrapped_full ((GstMemoryFlags)0, buf_, cap_,
                                                  head_, size (), buf_, g_free);
    buf_ = static_cast<guint8 *> (g_malloc (cap_));
    head_ = tail_ = 0;
    return buf;
  }

private:
  guint8 *buf_ = nullptr;
  std::size_t cap_ = 0, head_ = 0, tail_ = 0;
};

struct Mixdown::Stage
{
  GstAudioInfo out;                  /* the stage's format */
  GstAudioConverter *conv = nullptr; /* null: none yet, or passthrough */
  FormatRef in;                      /* the converter's input format */
  bool passthrough = false;
  bool resampling = false;
  std::uint64_t produced = 0; /* output frame after the last one produced */
  std::uint64_t fed_end = 0;  /* output frame where the input fed ends */
  std::uint64_t base = 0;     /* output frame of data's first byte */
  Fifo data;
  std::vector<guint8> scratch;
  /* Input too short for the converter to give a frame yet, kept for the
   * next call: GStreamer's converter cannot be asked for no output. One
   * vector per plane of the input format. */
  std::vector<std::vector<guint8>> carry;
  gsize carry_frames = 0;
  bool ended = false;

  std::size_t bpf () const { return GST_AUDIO_INFO_BPF (&out); }
  void free_converter ()
  {
    if (conv)
      gst_audio_converter_free (conv);
    conv = nullptr;
    in.reset ();
    passthrough = resampling = false;
    carry.clear ();
    carry_frames = 0;
  }
  /* Room for `frames` more frames; returns where they go (never null:
   * a converter that gives no frame yet still needs somewhere to write). */
  guint8 *grow (std::uint64_t frames)
  {
    if (frames == 0)
      {
        scratch.resize (64);
        return scratch.data ();
      }
    produced += frames;
    return data.append (frames * bpf ());
  }
};

namespace
{
GstStructure *
converter_config ()
{
  /* As audioconvert and audioresample do by default, but never dithered:
   * 16-bit input stays bit-exact through F32. */
  return gst_structure_new (
      "config", GST_AUDIO_CONVERTER_OPT_DITHER_METHOD,
      GST_TYPE_AUDIO_DITHER_METHOD, GST_AUDIO_DITHER_NONE,
      GST_AUDIO_CONVERTER_OPT_NOISE_SHAPING_METHOD,
      GST_TYPE_AUDIO_NOISE_SHAPING_METHOD, GST_AUDIO_NOISE_SHAPING_NONE,
      GST_AUDIO_CONVERTER_OPT_RESAMPLER_METHOD, GST_TYPE_AUDIO_RESAMPLER_METHOD,
      GST_AUDIO_RESAMPLER_METHOD_KAISER, NULL);
}

GstAudioInfo
mono_of (const GstAudioInfo &info, GstAudioFormat format)
{
  GstAudioInfo m;
  gst_audio_info_set_format (&m, format, GST_AUDIO_INFO_RATE (&info), 1, NULL);
  return m;
}

template <typename T>
void
interleave (guint8 *dst, const guint8 *src, std::uint64_t frames,
            unsigned channels, unsigned channel)
{
  T *d = reinterpret_cast<T *> (dst) + channel;
  const T *s = reinterpret_cast<const T *> (src);
  for (std::uint64_t i = 0; i < frames; i++, d += channels)
    *d = s[i];
}
} // namespace

Mixdown::Mixdown (Combine combine, unsigned pads, const GstAudioInfo &out,
                  Time start)
    : combine_ (combine), out_ (out), start_ (start)
{
  switch (combine_)
    {
    case Combine::kKeep:
      stage_ = out_;
      break;
    case Combine::kInterleave:
      stage_ = mono_of (out_, GST_AUDIO_INFO_FORMAT (&out_));
      break;
    case Combine::kMix:
      {
        stage_ = mono_of (out_, GST_AUDIO_FORMAT_F32);
        mix_out_ = gst_audio_converter_new (
            GST_AUDIO_CONVERTER_FLAG_NONE, &stage_, &out_, converter_config ());
        break;
      }
    }
  for (unsigned i = 0; i < pads; i++)
    {
      auto s = std::make_unique<Stage> ();
      s->out = stage_;
      stages_.push_back (std::move (s));
    }
}

Mixdown::~Mixdown ()
{
  for (auto &s : stages_)
    s->free_converter ();
  if (mix_out_)
    gst_audio_converter_free (mix_out_);
}

std::uint64_t
Mixdown::frame_of (Time t) const
{
  return t <= start_ ? 0 : cut_index (t - start_, GST_AUDIO_INFO_RATE (&out_));
}

Time
Mixdown::time_of (std::uint64_t n) const
{
  return start_ + samples_to_time (n, GST_AUDIO_INFO_RATE (&out_));
}

void
Mixdown::append_silence (Stage &s, std::uint64_t frames)
{
  if (frames == 0)
    return;
  guint8 *dst = s.grow (frames);
  gst_audio_format_info_fill_silence (s.out.finfo, dst, frames * s.bpf ());
}

void
Mixdown::trim_to (Stage &s, std::uint64_t target)
{
  /* Only frames not written out yet can go. */
  target = std::max (target, std::max (s.base, written_));
  if (s.produced <= target)
    return;
  const std::uint64_t extra = s.produced - target;
  s.data.drop_back (extra * s.bpf ());
  s.produced = target;
}

void
Mixdown::drain_to (Stage &s, std::uint64_t target)
{
  if (s.conv && s.resampling)
    {
      /* The resampler holds its newest input back: feed it silence until
       * it has given out everything up to the target. */
      const gsize latency = gst_audio_converter_get_max_latency (s.conv);
      const gint in_rate = GST_AUDIO_INFO_RATE (&s.in->info);
      const gint out_rate = GST_AUDIO_INFO_RATE (&s.out);
      for (int round = 0; round < 8 && s.produced < target; round++)
        {
          const std::uint64_t missing = target - s.produced;
          const gsize in = latency + 2
                           + (gsize)scale_floor (missing, (guint64)in_rate,
                                                 (guint64)out_rate);
          feed (s, nullptr, in);
        }
    }
  if (s.produced < target)
    append_silence (s, target - s.produced);
  else
    trim_to (s, target);
}

void
Mixdown::feed (Stage &s, gpointer const *in, gsize frames)
{
  const GstAudioInfo &info = s.in->info;
  const bool planar
      = GST_AUDIO_INFO_LAYOUT (&info) == GST_AUDIO_LAYOUT_NON_INTERLEAVED;
  const gsize planes = planar ? (gsize)GST_AUDIO_INFO_CHANNELS (&info) : 1;
  const gsize stride = planar ? (gsize)GST_AUDIO_INFO_BPS (&info)
                              : (gsize)GST_AUDIO_INFO_BPF (&info);
  const gsize total = s.carry_frames + frames;
  const gsize n = gst_audio_converter_get_out_frames (s.conv, total);
  if (n == 0 || s.carry_frames > 0)
    {
      /* Gather: the carried input, then this (or silence). */
      s.carry.resize (planes);
      for (gsize p = 0; p < planes; p++)
        {
          std::vector<guint8> &c = s.carry[p];
          const gsize at = c.size ();
          c.resize (at + frames * stride);
          if (in)
            memcpy (c.data () + at, in[p], frames * stride);
          else
            gst_audio_format_info_fill_silence (info.finfo, c.data () + at,
                                                frames * stride);
        }
      s.carry_frames = total;
      if (n == 0)
        return;
      std::vector<gpointer> gathered (planes);
      for (gsize p = 0; p < planes; p++)
        gathered[p] = s.carry[p].data ();
      gpointer out[1] = { s.grow (n) };
      gst_audio_converter_samples (s.conv, GST_AUDIO_CONVERTER_FLAG_NONE,
                                   gathered.data (), total, out, n);
      s.carry.clear ();
      s.carry_frames = 0;
      return;
    }
  std::vector<std::vector<guint8>> zeros;
  std::vector<gpointer> silent;
  if (!in)
    {
      /* Explicit silence: GStreamer 1.22's converter, given no input,
       * fills only part of its work buffer with silence (a sample count
       * used as a byte count), so earlier audio would leak through. */
      zeros.resize (planes);
      for (gsize p = 0; p < planes; p++)
        {
          zeros[p].resize (frames * stride);
          gst_audio_format_info_fill_silence (info.finfo, zeros[p].data (),
                                              zeros[p].size ());
          silent.push_back (zeros[p].data ());
        }
      in = silent.data ();
    }
  gpointer out[1] = { s.grow (n) };
  gst_audio_converter_samples (s.conv, GST_AUDIO_CONVERTER_FLAG_NONE,
                               const_cast<gpointer *> (in), frames, out, n);
}

bool
Mixdown::ensure_converter (Stage &s, const FormatRef &format, std::string *why)
{
  if (s.in && gst_audio_info_is_equal (&s.in->info, &format->info))
    return true;
  s.free_converter ();
  s.in = format;
  const GstAudioInfo &in = format->info;
  s.resampling = GST_AUDIO_INFO_RATE (&in) != GST_AUDIO_INFO_RATE (&s.out);
  s.passthrough = gst_audio_info_is_equal (&in, &s.out);
  if (s.passthrough)
    return true;
  GstAudioInfo in_copy = in, out_copy = s.out;
  s.conv = gst_audio_converter_new (GST_AUDIO_CONVERTER_FLAG_NONE, &in_copy,
                                    &out_copy, converter_config ());
  if (!s.conv)
    {
      GstCaps *out = gst_audio_info_to_caps (&s.out);
      gchar *from = gst_caps_to_string (format->caps);
      gchar *to = gst_caps_to_string (out);
      *why = std::string ("cannot convert ") + from + " to " + to;
      g_free (from);
      g_free (to);
      gst_caps_unref (out);
      s.in.reset ();
      return false;
    }
  return true;
}

bool
Mixdown::convert (Stage &s, const Outgoing &item, std::string *why)
{
  const Chunk &chunk = item.chunk;
  const std::uint64_t begin = frame_of (chunk.pts);
  const std::uint64_t end = frame_of (chunk.pts + chunk.duration);

  if (!chunk.payload
      && !(s.in && (unsigned)GST_AUDIO_INFO_RATE (&s.in->info) == chunk.rate))
    {
      /* Silence at a rate no converter of this pad takes: it needs none. */
      drain_to (s, begin);
      s.free_converter ();
      drain_to (s, end);
      s.fed_end = end;
      return true;
    }
  if (chunk.payload)
    {
      const FormatRef &format = item.format;
      if (!s.in || !gst_audio_info_is_equal (&s.in->info, &format->info))
        {
          drain_to (s, begin);
          if (!ensure_converter (s, format, why))
            return false;
        }
    }
  if (!s.resampling)
    drain_to (s, begin); /* keeps a same-rate pad exactly on the grid */

  const GstAudioInfo &in = s.in->info;
  if (s.passthrough)
    {
      guint8 *dst = s.grow (chunk.samples);
      const std::size_t bytes = chunk.samples * s.bpf ();
      if (!chunk.payload)
        gst_audio_format_info_fill_silence (s.out.finfo, dst, bytes);
      else
        {
          auto &p = static_cast<const BufferPayload &> (*chunk.payload);
          gst_buffer_extract (
              p.buffer (), chunk.offset * GST_AUDIO_INFO_BPF (&in), dst, bytes);
        }
    }
  else
    {
      if (!chunk.payload)
        feed (s, nullptr, chunk.samples);
      else
        {
          auto &p = static_cast<const BufferPayload &> (*chunk.payload);
          GstAudioBuffer abuf;
          GstAudioInfo info = in;
          if (!gst_audio_buffer_map (&abuf, &info, p.buffer (), GST_MAP_READ))
            {
              *why = "cannot map an input buffer";
              return false;
            }
          const gint planes = GST_AUDIO_BUFFER_N_PLANES (&abuf);
          std::vector<gpointer> in_planes ((std::size_t)planes);
          const gsize stride
              = GST_AUDIO_INFO_LAYOUT (&in) == GST_AUDIO_LAYOUT_INTERLEAVED
                    ? (gsize)GST_AUDIO_INFO_BPF (&in)
                    : (gsize)GST_AUDIO_INFO_BPS (&in);
          for (gint i = 0; i < planes; i++)
            in_planes[(std::size_t)i] = static_cast<guint8 *> (abuf.planes[i])
                                        + chunk.offset * stride;
          feed (s, in_planes.data (), chunk.samples);
          gst_audio_buffer_unmap (&abuf);
        }
    }
  s.fed_end = end;
  return true;
}

bool
Mixdown::take (unsigned slot, const Outgoing &item, std::string *why)
{
  Stage &s = *stages_.at (slot);
  if (s.ended)
    return true;
  if (item.chunk.samples == 0)
    {
      end_pad (slot);
      return true;
    }
  return convert (s, item, why);
}

void
Mixdown::end_pad (unsigned slot)
{
  Stage &s = *stages_.at (slot);
  if (s.ended)
    return;
  drain_to (s, s.fed_end);
  s.free_converter ();
  s.ended = true;
}

bool
Mixdown::all_ended () const
{
  for (const auto &s : stages_)
    if (!s->ended)
      return false;
  return true;
}

std::uint64_t
Mixdown::ready () const
{
  std::uint64_t until = UINT64_MAX, longest = written_;
  for (const auto &s : stages_)
    {
      longest = std::max (longest, s->produced);
      if (!s->ended)
        until = std::min (until, s->produced);
    }
  if (until == UINT64_MAX) /* every pad ended: the longest one decides */
    until = std::max (longest, end_floor_);
  return until > written_ ? until - written_ : 0;
}

void
Mixdown::fill_block (guint8 *dst, std::uint64_t frames)
{
  const std::size_t out_bpf = GST_AUDIO_INFO_BPF (&out_);
  /* Silence first only where a pad has less than the block. */
  bool short_pad = false;
  for (const auto &s : stages_)
    short_pad = short_pad || s->produced < written_ + frames;
  if (combine_ != Combine::kMix && short_pad)
    gst_audio_format_info_fill_silence (out_.finfo, dst, frames * out_bpf);
  std::vector<float> sum;
  if (combine_ == Combine::kMix)
    sum.assign (frames, 0.0f);

  const unsigned channels = (unsigned)stages_.size ();
  for (unsigned p = 0; p < channels; p++)
    {
      Stage &s = *stages_[p];
      /* Frames [written_, written_ + frames) the stage has. */
      const std::uint64_t have_end = std::min (s.produced, written_ + frames);
      const std::uint64_t n = have_end > written_ ? have_end - written_ : 0;
      if (n == 0)
        continue; /* before the check, data () may be null */
      const guint8 *src = s.data.data () + (written_ - s.base) * s.bpf ();
      switch (combine_)
        {
        case Combine::kKeep:
          memcpy (dst, src, n * s.bpf ());
          break;
        case Combine::kInterleave:
          switch (s.bpf ())
            {
            case 2:
              interleave<guint16> (dst, src, n, channels, p);
              break;
            case 4:
              interleave<guint32> (dst, src, n, channels, p);
              break;
            case 8:
              interleave<guint64> (dst, src, n, channels, p);
              break;
            default:
              for (std::uint64_t i = 0; i < n; i++)
                memcpy (dst + (i * channels + p) * s.bpf (), src + i * s.bpf (),
                        s.bpf ());
              break;
            }
          break;
        case Combine::kMix:
          {
            const float *f = reinterpret_cast<const float *> (src);
            for (std::uint64_t i = 0; i < n; i++)
              sum[i] += f[i];
            break;
          }
        }
    }
  if (combine_ == Combine::kMix)
    {
      gpointer in[1] = { sum.data () };
      gpointer out[1] = { dst };
      gst_audio_converter_samples (mix_out_, GST_AUDIO_CONVERTER_FLAG_NONE, in,
                                   frames, out, frames);
    }
}

GstBuffer *
Mixdown::take_block (std::uint64_t frames)
{
  const std::size_t bytes = frames * GST_AUDIO_INFO_BPF (&out_);
  GstBuffer *buf;
  Stage *only = stages_.size () == 1 ? stages_[0].get () : nullptr;
  if (combine_ == Combine::kKeep && only && only->base == written_
      && only->data.size () == bytes)
    {
      /* A kept pad's converted audio is the block: no copy. */
      buf = only->data.take_all ();
      only->base += frames;
    }
  else
    {
      buf = gst_buffer_new_allocate (NULL, bytes, NULL);
      GstMapInfo map;
      gst_buffer_map (buf, &map, GST_MAP_WRITE);
      fill_block (map.data, frames);
      gst_buffer_unmap (buf, &map);
    }
  GST_BUFFER_PTS (buf) = time_of (written_);
  GST_BUFFER_DURATION (buf) = time_of (written_ + frames) - time_of (written_);
  GST_BUFFER_OFFSET (buf) = written_;
  GST_BUFFER_OFFSET_END (buf) = written_ + frames;

  written_ += frames;
  for (auto &s : stages_)
    {
      /* Drop what was written out. */
      const std::uint64_t upto = std::min (written_, s->produced);
      if (upto > s->base)
        {
          s->data.consume ((upto - s->base) * s->bpf ());
          s->base = upto;
        }
    }
  return buf;
}

} // namespace recorder
