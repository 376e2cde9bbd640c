/* recorderbin — the mux: the internal element every pad of the bin leads
 * into. Its sink pads feed the pads' timelines (session.h); each of its
 * source pads is one file's output, with a streaming task of its own that
 * converts, aligns and writes what the pads committed (output.h).
 * Internal to recorderbin; not registered as a plugin feature.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

#include <memory>
#include <vector>

#include "chain.h"
#include "control.h"
#include "output.h"
#include "session.h"

G_BEGIN_DECLS

#define GST_TYPE_RECORDER_MUX (gst_recorder_mux_get_type ())
G_DECLARE_FINAL_TYPE (GstRecorderMux, gst_recorder_mux, GST, RECORDER_MUX,
                      GstElement)

G_END_DECLS

namespace recorder
{
class Finisher;

/* What one output writes and how it is fed. */
struct OutputPlan
{
  Combine combine = Combine::kKeep;
  /* The encoder's input: this format, or when `ask_encoder` (an encoder
   * given by the user) this one if it takes it, else the first it lists. */
  GstAudioFormat sample_format = GST_AUDIO_FORMAT_S16LE;
  bool ask_encoder = false;
  unsigned channels = 0; /* 0: the first input's (Combine::kKeep) */
  unsigned max_channels = kConverterMaxChannels; /* of the file */
  EmptyFile empty = EmptyFile::kZeroLengthBuffer;
  GstElement *encoder = nullptr; /* not owned: the empty-file probe */
};
} // namespace recorder

GstElement *gst_recorder_mux_new (std::shared_ptr<recorder::Session> session,
                                  recorder::Finisher *finisher);

/* A sink pad for the bin's pad `name`, session pad `index`. */
GstPad *gst_recorder_mux_add_input (GstRecorderMux *mux, unsigned index,
                                    const char *name);
void gst_recorder_mux_remove_input (GstRecorderMux *mux, unsigned index);

/* A source pad "src_N" for session output `output`. */
GstPad *gst_recorder_mux_add_output (GstRecorderMux *mux, unsigned output,
                                     const recorder::OutputPlan &plan);
void gst_recorder_mux_remove_outputs (GstRecorderMux *mux);

/* Applies a control to pad `index` (a pad kind) or to the recording;
 * posts the WARNING when it is late or ignored. Any thread. */
void gst_recorder_mux_control (GstRecorderMux *mux, unsigned index,
                               const recorder::Control &control);

/* Ends every input as if each pad had had EOS. Any thread. */
void gst_recorder_mux_end_inputs (GstRecorderMux *mux);
/* Teardown: what was not heard by now is dropped from every pad that has
 * not ended. Any thread. */
void gst_recorder_mux_drop_unheard (GstRecorderMux *mux);

/* Every mark not posted yet, as recorderbin-mark structures (for the
 * finisher, when an output could not finish), and the output rate. */
std::vector<GstStructure *> gst_recorder_mux_take_marks (GstRecorderMux *mux,
                                                         gint *rate);

/* Frames written to output `output` so far (after the whole-recording
 * gate), and its rate (0 before it is known). */
guint64 gst_recorder_mux_written (GstRecorderMux *mux, unsigned output,
                                  gint *rate);
