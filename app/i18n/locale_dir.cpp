#include "app/i18n/locale_dir.hpp"

#include <filesystem>
#include <system_error>

namespace shotcall::i18n {

namespace fs = std::filesystem;

std::string choose_locale_dir(const std::string& exe, const std::string& build_bin_dir,
                              const std::string& build_locale_dir,
                              const std::string& installed_locale_dir) {
  if (exe.empty() || build_bin_dir.empty()) return installed_locale_dir;
  std::error_code ec;
  // Both sides resolved: the build directory may be reached through a symbolic link.
  const fs::path exe_dir = fs::weakly_canonical(fs::path{exe}, ec).parent_path();
  if (ec) return installed_locale_dir;
  const fs::path bin_dir = fs::weakly_canonical(fs::path{build_bin_dir}, ec);
  if (ec || exe_dir != bin_dir) return installed_locale_dir;
  if (!fs::is_directory(build_locale_dir, ec)) return installed_locale_dir;
  return build_locale_dir;
}

std::string running_program() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string{} : exe.string();
}

}  // namespace shotcall::i18n
