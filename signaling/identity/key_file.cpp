// KeyPair::load_or_create: the client's private seed on disk, readable only by its user.
#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>  // renameat2, RENAME_NOREPLACE (glibc ≥ 2.28)
#include <cstring>

#include "signaling/identity/ed25519.hpp"

namespace shotcall::identity {
namespace {

namespace fs = std::filesystem;

std::string quoted(const fs::path& p) { return "'" + p.string() + "'"; }

std::string system_error_text(int err) { return std::strerror(err); }

// Closes a descriptor when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  // Closes now and reports whether close succeeded (a late write error shows up here).
  bool close() {
    const int fd = fd_;
    fd_ = -1;
    return ::close(fd) == 0;
  }

 private:
  int fd_;
};

// Creates each missing directory of `dir` with mode 0700; directories that exist are left alone.
bool make_private_dirs(const fs::path& dir, std::string& error) {
  fs::path prefix;
  for (const fs::path& part : dir) {
    prefix /= part;
    if (::mkdir(prefix.c_str(), 0700) == 0 || errno == EEXIST) continue;
    error = "cannot create the directory " + quoted(prefix) +
            " for the identity key: " + system_error_text(errno) +
            ". Create it (mode 700) or choose another key location.";
    return false;
  }
  return true;
}

bool read_exactly(int fd, std::uint8_t* out, std::size_t size) {
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = ::read(fd, out + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

bool write_exactly(int fd, const std::uint8_t* data, std::size_t size) {
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = ::write(fd, data + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

std::optional<KeyPair> load_from(int fd, const fs::path& file, std::string& error) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    error = "cannot read the identity key file " + quoted(file) + ": " + system_error_text(errno);
    return std::nullopt;
  }
  if (!S_ISREG(st.st_mode)) {
    error = "the identity key file " + quoted(file) +
            " is not a regular file. Move it away so a new key can be created there.";
    return std::nullopt;
  }
  if (st.st_uid != ::geteuid()) {
    error = "the identity key file " + quoted(file) +
            " belongs to another user. Only the user who runs Shotcall may own it; delete it to "
            "create a new key (this device then has to be linked to your Riot ID again).";
    return std::nullopt;
  }
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 0777));
    error = "the identity key file " + quoted(file) + " has mode " + mode +
            ": other users can read or change it, so it is not used. If nobody else could have "
            "copied it, run `chmod 600 " +
            quoted(file) +
            "`; otherwise delete it to create a new key (this device then has to be linked to "
            "your Riot ID again).";
    return std::nullopt;
  }
  if (st.st_size != static_cast<off_t>(kSeedBytes)) {
    error = "the identity key file " + quoted(file) + " is " + std::to_string(st.st_size) +
            " bytes long, not " + std::to_string(kSeedBytes) +
            ": it is damaged or not a Shotcall key. Move it away or delete it to create a new key "
            "(this device then has to be linked to your Riot ID again).";
    return std::nullopt;
  }
  std::array<std::uint8_t, kSeedBytes> seed{};
  const bool read_ok = read_exactly(fd, seed.data(), seed.size());
  std::optional<KeyPair> pair;
  if (read_ok) pair = KeyPair::from_seed(seed);
  OPENSSL_cleanse(seed.data(), seed.size());
  if (!read_ok) {
    error = "cannot read the identity key file " + quoted(file) + ": " + system_error_text(errno);
  } else if (!pair) {
    error = "OpenSSL could not load the identity key from " + quoted(file) + ".";
  }
  return pair;
}

// Opens an existing key file; nullopt (with errno set) when it cannot be opened.
std::optional<KeyPair> load_existing(const fs::path& file, std::string& error, bool& missing) {
  missing = false;
  const Fd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (fd.get() < 0) {
    missing = errno == ENOENT;
    if (!missing) {
      error = "cannot open the identity key file " + quoted(file) + ": " +
              system_error_text(errno) + ". Fix its permissions or choose another key location.";
    }
    return std::nullopt;
  }
  return load_from(fd.get(), file, error);
}

// A name beside `file` that nobody else will pick: ".<name>.tmp-<16 hex digits>".
std::optional<fs::path> temporary_name(const fs::path& file) {
  std::array<std::uint8_t, 8> random{};
  if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) return std::nullopt;
  std::string suffix;
  for (const std::uint8_t b : random) {
    static constexpr char kHex[] = "0123456789abcdef";
    suffix += kHex[b >> 4];
    suffix += kHex[b & 15];
  }
  return file.parent_path() / ("." + file.filename().string() + ".tmp-" + suffix);
}

// Moves `from` to `to` unless `to` exists. 0 on success, else the errno (EEXIST when it exists).
int rename_no_replace(const fs::path& from, const fs::path& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return 0;
  if (errno != EINVAL && errno != ENOSYS) return errno;
  // A file system without RENAME_NOREPLACE: link() does not replace either.
  if (::link(from.c_str(), to.c_str()) != 0) return errno;
  ::unlink(from.c_str());
  return 0;
}

}  // namespace

std::optional<KeyPair> KeyPair::load_or_create(const fs::path& file, std::string& error) {
  error.clear();
  bool missing = false;
  if (auto pair = load_existing(file, error, missing); pair || !missing) return pair;

  if (!make_private_dirs(file.parent_path(), error)) return std::nullopt;
  std::optional<KeyPair> pair = generate();
  const std::optional<fs::path> temp = temporary_name(file);
  if (!pair || !temp) {
    error = "OpenSSL could not generate an identity key.";
    return std::nullopt;
  }

  // O_EXCL: never write into a file (or through a link) that someone placed at this name.
  Fd fd(::open(temp->c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (fd.get() < 0) {
    error = "cannot create the identity key file in " + quoted(file.parent_path()) + ": " +
            system_error_text(errno) + ". Make the directory writable or choose another location.";
    return std::nullopt;
  }
  bool written =
      write_exactly(fd.get(), pair->seed().data(), pair->seed().size()) && ::fsync(fd.get()) == 0;
  int write_errno = errno;
  if (!fd.close() && written) {
    written = false;
    write_errno = errno;
  }
  if (!written) {
    ::unlink(temp->c_str());
    error = "cannot write the identity key file " + quoted(*temp) + ": " +
            system_error_text(write_errno) + ".";
    return std::nullopt;
  }

  const int rename_errno = rename_no_replace(*temp, file);
  if (rename_errno == EEXIST) {
    // Another Shotcall process created the key first; both must use that one.
    ::unlink(temp->c_str());
    return load_existing(file, error, missing);
  }
  if (rename_errno != 0) {
    ::unlink(temp->c_str());
    error = "cannot put the identity key file in place at " + quoted(file) + ": " +
            system_error_text(rename_errno) + ".";
    return std::nullopt;
  }
  // Make the new directory entry durable too (best effort: the key is usable either way).
  const fs::path dir = file.parent_path().empty() ? fs::path(".") : file.parent_path();
  const Fd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir_fd.get() >= 0) ::fsync(dir_fd.get());
  return pair;
}

}  // namespace shotcall::identity
