/* recorderbin — the bin's request pad type, GstRecorderBinPad (declared in
 * gstrecorderbin.h): a ghost pad with the `holdback` property.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <memory>

#include "gstrecorderbin.h"
#include "session.h"

/* A new sink pad `name` of `templ` for session pad `index`. */
GstPad *gst_recorder_bin_pad_new (GstPadTemplate *templ, const char *name,
                                  std::shared_ptr<recorder::Session> session,
                                  unsigned index);
unsigned gst_recorder_bin_pad_index (GstPad *pad);
