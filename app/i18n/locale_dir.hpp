// Where a program finds its compiled catalogs: the build tree's when it runs from the build tree
// (so a developer's build speaks the language of the po/ files it was built from), the
// installed ones otherwise.
#pragma once

#include <string>

namespace shotcall::i18n {

// `exe` is the running program's path (/proc/self/exe, links resolved); `build_bin_dir` the
// directory the build puts it in, `build_locale_dir` the build tree's catalogs and
// `installed_locale_dir` the installed ones. The build tree's only when `exe` lies directly in
// `build_bin_dir` and `build_locale_dir` exists: an installed copy (or one copied elsewhere)
// never reads a build tree that happens to remain on the machine.
std::string choose_locale_dir(const std::string& exe, const std::string& build_bin_dir,
                              const std::string& build_locale_dir,
                              const std::string& installed_locale_dir);

// The running program's path, read from /proc/self/exe; "" when it cannot be read.
std::string running_program();

}  // namespace shotcall::i18n
