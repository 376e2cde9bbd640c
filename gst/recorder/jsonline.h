/* recorderbin — one JSON object per line, written by json-glib.
 *
 * json-glib is not linked but loaded (GModule) the first time a mark log
 * is opened: linked, it and what it needs (libgio, libmount, libblkid,
 * libselinux) would add about 880 KiB to every process that loads the
 * plugin, recording marks or not (docs/performance.md).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include <string>

namespace recorder
{

/* Loads json-glib once (thread-safe); false with the reason if it cannot
 * be loaded. A JsonLine may be made only after it returned true. */
bool json_available (std::string *why);

/* One JSON object, its members in the order added. */
class JsonLine
{
public:
  JsonLine ();
  ~JsonLine ();
  JsonLine (const JsonLine &) = delete;
  JsonLine &operator= (const JsonLine &) = delete;

  /* `value` is made valid UTF-8 first (a file name in an error message may
   * not be). */
  void add_string (const char *name, const char *value);
  void add_uint (const char *name, guint64 value);
  void add_double (const char *name, double value);
  void add_bool (const char *name, bool value);
  /* The object, on one line. */
  std::string finish ();

private:
  void *builder_;
};

} // namespace recorder
