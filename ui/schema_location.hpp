// Lets `shotcall` run from its build directory: when no installed copy of the app's GSettings
// schema can be found, GSETTINGS_SCHEMA_DIR is pointed at the one compiled in the build tree.
// Must run before anything touches GSettings (the default schema source is read once).
#pragma once

#include <string>

namespace shotcall::ui {

// Returns the directory it added, or "" when the schema was already reachable.
std::string use_build_tree_schema_if_needed(const std::string& schema_id,
                                            const std::string& build_schema_dir);

}  // namespace shotcall::ui
