/* recorderbin — JSON lines through a json-glib loaded at run time. See
 * jsonline.h.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "jsonline.h"

#include <gmodule.h>
#include <json-glib/json-glib.h>

#include <cmath>

namespace recorder
{

namespace
{

/* The library Debian's libjson-glib-1.0-0 installs (json-glib >= 1.0). */
constexpr const char *kLibrary = "libjson-glib-1.0.so.0";

/* What the writer calls, resolved from the loaded library. */
struct Api
{
  decltype (&json_builder_new) builder_new;
  decltype (&json_builder_begin_object) begin_object;
  decltype (&json_builder_end_object) end_object;
  decltype (&json_builder_set_member_name) set_member_name;
  decltype (&json_builder_add_string_value) add_string_value;
  decltype (&json_builder_add_int_value) add_int_value;
  decltype (&json_builder_add_double_value) add_double_value;
  decltype (&json_builder_add_boolean_value) add_boolean_value;
  decltype (&json_builder_get_root) get_root;
  decltype (&json_generator_new) generator_new;
  decltype (&json_generator_set_root) set_root;
  decltype (&json_generator_to_data) to_data;
  decltype (&json_node_unref) node_unref;
};

Api api;
std::string load_error; /* empty once loaded */

template <typename F>
bool
resolve (GModule *module, const char *symbol, F *fn)
{
  gpointer p = nullptr;
  if (!g_module_symbol (module, symbol, &p) || !p)
    {
      load_error = std::string (kLibrary) + " has no " + symbol;
      return false;
    }
  *fn = reinterpret_cast<F> (p);
  return true;
}

bool
load ()
{
  GModule *module = g_module_open (kLibrary, G_MODULE_BIND_LOCAL);
  if (!module)
    {
      load_error = g_module_error ();
      return false;
    }
  /* Kept for the life of the process: GTypes it registered stay. */
  g_module_make_resident (module);
  return resolve (module, "json_builder_new", &api.builder_new)
         && resolve (module, "json_builder_begin_object", &api.begin_object)
         && resolve (module, "json_builder_end_object", &api.end_object)
         && resolve (module, "json_builder_set_member_name",
                     &api.set_member_name)
         && resolve (module, "json_builder_add_string_value",
                     &api.add_string_value)
         && resolve (module, "json_builder_add_int_value", &api.add_int_value)
         && resolve (module, "json_builder_add_double_value",
                     &api.add_double_value)
         && resolve (module, "json_builder_add_boolean_value",
                     &api.add_boolean_value)
         && resolve (module, "json_builder_get_root", &api.get_root)
         && resolve (module, "json_generator_new", &api.generator_new)
         && resolve (module, "json_generator_set_root", &api.set_root)
         && resolve (module, "json_generator_to_data", &api.to_data)
         && resolve (module, "json_node_unref", &api.node_unref);
}

JsonBuilder *
builder (void *b)
{
  return static_cast<JsonBuilder *> (b);
}

} // namespace

bool
json_available (std::string *why)
{
  static gsize once = 0;
  if (g_once_init_enter (&once))
    {
      if (load ())
        load_error.clear ();
      else if (load_error.empty ())
        load_error = "unknown error";
      g_once_init_leave (&once, 1);
    }
  if (!load_error.empty () && why)
    *why = "json-glib (" + std::string (kLibrary)
           + ") cannot be loaded: " + load_error;
  return load_error.empty ();
}

JsonLine::JsonLine () : builder_ (api.builder_new ())
{
  api.begin_object (builder (builder_));
}

JsonLine::~JsonLine () { g_object_unref (builder_); }

void
JsonLine::add_string (const char *name, const char *value)
{
  gchar *valid = g_utf8_make_valid (value ? value : "", -1);
  api.set_member_name (builder (builder_), name);
  api.add_string_value (builder (builder_), valid);
  g_free (valid);
}

void
JsonLine::add_uint (const char *name, guint64 value)
{
  api.set_member_name (builder (builder_), name);
  api.add_int_value (builder (builder_),
                     value > (guint64)G_MAXINT64 ? G_MAXINT64 : (gint64)value);
}

void
JsonLine::add_double (const char *name, double value)
{
  api.set_member_name (builder (builder_), name);
  api.add_double_value (builder (builder_), std::isfinite (value) ? value : 0);
}

void
JsonLine::add_bool (const char *name, bool value)
{
  api.set_member_name (builder (builder_), name);
  api.add_boolean_value (builder (builder_), value);
}

std::string
JsonLine::finish ()
{
  api.end_object (builder (builder_));
  JsonNode *root = api.get_root (builder (builder_));
  JsonGenerator *gen = api.generator_new ();
  api.set_root (gen, root);
  gchar *text = api.to_data (gen, nullptr);
  std::string line (text ? text : "{}");
  g_free (text);
  g_object_unref (gen);
  api.node_unref (root);
  return line;
}

} // namespace recorder
