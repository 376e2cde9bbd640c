/* recorderbin — the mux element's private state, shared by its input side
 * (gstrecordermux.cpp) and its output side (gstrecordermux-output.cpp).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "gstrecordermux.h"

GST_DEBUG_CATEGORY_EXTERN (gst_recorder_mux_debug);

namespace recorder
{
class Finisher;

/* What the sink pad's streaming thread keeps; touched by it alone, except
 * where noted. */
struct InputGlue
{
  GstRecorderMux *mux = nullptr;
  GstPad *pad = nullptr;
  unsigned index = 0;
  std::string name; /* the bin's pad name */
  GstSegment segment;
  bool latency_queried = false;
  bool warned_partial_frame = false;
  bool caps_error = false;    /* its caps were refused */
  bool segment_error = false; /* its segment is not TIME at rate 1.0 */
  bool before_caps_reported = false;
};

/* What one output's task keeps; touched by it alone (and by activation,
 * while it is stopped), except the atomics, and `mix`, which it sets under
 * Session::lock so that the finisher may read its grid. */
struct OutputGlue
{
  GstRecorderMux *mux = nullptr;
  GstPad *pad = nullptr;
  unsigned index = 0;
  OutputPlan plan;
  std::unique_ptr<Mixdown> mix;
  GstCaps *caps = nullptr;
  /* The recording's start. The file's timeline starts at 0 there: muxers
   * (oggmux) place a stream by its running time, so blocks are stamped,
   * and run, from 0. */
  Time segment_base = 0;
  bool eos_sent = false;
  bool pads_ended = false;   /* all its pads ended: waits for the others */
  bool chain_failed = false; /* a push failed: push no more audio */
  std::atomic<guint64> written{ 0 };
  std::atomic<gint> rate{ 0 };
  std::vector<std::pair<unsigned, Outgoing>> items; /* (slot, item) */

  void reset ()
  {
    mix.reset ();
    if (caps)
      gst_caps_unref (caps);
    caps = nullptr;
    segment_base = 0;
    eos_sent = pads_ended = chain_failed = false;
    written = 0;
    rate = 0;
    items.clear ();
  }
};
} // namespace recorder

struct GstRecorderMuxPrivate
{
  std::shared_ptr<recorder::Session> session;
  recorder::Finisher *finisher = nullptr; /* the bin's; outlives the mux */
  /* Changed only while the pads are inactive (pad request, READY). */
  std::map<unsigned, std::unique_ptr<recorder::InputGlue>> inputs;
  std::vector<std::unique_ptr<recorder::OutputGlue>> outputs;
};

struct _GstRecorderMux
{
  GstElement parent;
  GstRecorderMuxPrivate *priv;
};

/* The output side's pad functions. */
gboolean gst_recorder_mux_src_activate_mode (GstPad *pad, GstObject *parent,
                                             GstPadMode mode, gboolean active);
gboolean gst_recorder_mux_src_query (GstPad *pad, GstObject *parent,
                                     GstQuery *query);
gboolean gst_recorder_mux_src_event (GstPad *pad, GstObject *parent,
                                     GstEvent *event);
