#include "ui/schema_location.hpp"

#include <gio/gio.h>

#include <vector>

namespace shotcall::ui {

namespace {

bool dir_has_schema(const std::string& dir, const std::string& schema_id) {
  const std::string compiled = dir + "/gschemas.compiled";
  if (!g_file_test(compiled.c_str(), G_FILE_TEST_EXISTS)) return false;
  GSettingsSchemaSource* source =
      g_settings_schema_source_new_from_directory(dir.c_str(), nullptr, TRUE, nullptr);
  if (!source) return false;
  GSettingsSchema* schema = g_settings_schema_source_lookup(source, schema_id.c_str(), FALSE);
  const bool found = schema != nullptr;
  if (schema) g_settings_schema_unref(schema);
  g_settings_schema_source_unref(source);
  return found;
}

}  // namespace

std::string use_build_tree_schema_if_needed(const std::string& schema_id,
                                            const std::string& build_schema_dir) {
  // Where GLib looks: $GSETTINGS_SCHEMA_DIR, then the user's and the system's data dirs.
  std::vector<std::string> dirs;
  const char* env = g_getenv("GSETTINGS_SCHEMA_DIR");
  if (env && *env) {
    gchar** parts = g_strsplit(env, G_SEARCHPATH_SEPARATOR_S, -1);
    for (gchar** p = parts; *p; ++p) dirs.emplace_back(*p);
    g_strfreev(parts);
  }
  dirs.push_back(std::string{g_get_user_data_dir()} + "/glib-2.0/schemas");
  for (const gchar* const* d = g_get_system_data_dirs(); *d; ++d)
    dirs.push_back(std::string{*d} + "/glib-2.0/schemas");
  for (const auto& dir : dirs)
    if (dir_has_schema(dir, schema_id)) return "";

  if (!dir_has_schema(build_schema_dir, schema_id)) return "";
  const std::string value =
      env && *env ? build_schema_dir + G_SEARCHPATH_SEPARATOR_S + env : build_schema_dir;
  g_setenv("GSETTINGS_SCHEMA_DIR", value.c_str(), TRUE);
  return build_schema_dir;
}

}  // namespace shotcall::ui
