/* recorderbin — plugin registration only.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/gst.h>

#include "gstrecorderbin.h"

static gboolean
plugin_init (GstPlugin *plugin)
{
  return GST_ELEMENT_REGISTER (recorderbin, plugin);
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, recorder,
                   "Records voice calls: what was heard, aligned, always "
                   "finished",
                   plugin_init, VERSION, "LGPL", GST_PACKAGE_NAME,
                   GST_PACKAGE_ORIGIN)
