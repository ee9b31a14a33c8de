// KeyPair::load_or_create against a real directory under the test's temporary folder.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "signaling/identity/ed25519.hpp"

namespace shotcall::identity {
namespace {

namespace fs = std::filesystem;

class KeyFile : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "shotcall-identity-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
  }
  void TearDown() override { fs::remove_all(root_); }

  static unsigned mode_of(const fs::path& p) {
    struct stat st {};
    EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
    return st.st_mode & 07777;
  }
  static std::vector<char> contents_of(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }

  fs::path root_;
};

TEST_F(KeyFile, CreatesAPrivateFileAndPrivateDirectories) {
  const fs::path file = root_ / "config" / "shotcall" / "keys" / "voice.example.org.key";
  std::string error;
  const auto pair = KeyPair::load_or_create(file, error);
  ASSERT_TRUE(pair) << error;
  EXPECT_EQ(error, "");
  EXPECT_EQ(mode_of(file), 0600u);
  EXPECT_EQ(mode_of(root_ / "config"), 0700u);
  EXPECT_EQ(mode_of(root_ / "config" / "shotcall"), 0700u);
  EXPECT_EQ(mode_of(file.parent_path()), 0700u);
  // The file holds the seed and nothing else.
  const std::vector<char> bytes = contents_of(file);
  ASSERT_EQ(bytes.size(), 32u);
  EXPECT_TRUE(std::equal(bytes.begin(), bytes.end(), pair->seed().begin(),
                         [](char a, std::uint8_t b) { return static_cast<std::uint8_t>(a) == b; }));
  // No temporary file is left beside it.
  EXPECT_EQ(std::distance(fs::directory_iterator(file.parent_path()), fs::directory_iterator()), 1);
}

TEST_F(KeyFile, ReloadsTheSameKey) {
  const fs::path file = root_ / "id.key";
  std::string error;
  const auto first = KeyPair::load_or_create(file, error);
  ASSERT_TRUE(first) << error;
  const auto second = KeyPair::load_or_create(file, error);
  ASSERT_TRUE(second) << error;
  EXPECT_EQ(second->public_key, first->public_key);
  const auto message = std::vector<std::uint8_t>{'h', 'i'};
  EXPECT_EQ(ed25519_verify(first->public_key, message, second->sign(message)), VerifyResult::Ok);
}

TEST_F(KeyFile, LeavesExistingDirectoriesModesAlone) {
  fs::create_directory(root_ / "shared");
  ::chmod((root_ / "shared").c_str(), 0755);
  std::string error;
  ASSERT_TRUE(KeyPair::load_or_create(root_ / "shared" / "id.key", error)) << error;
  EXPECT_EQ(mode_of(root_ / "shared"), 0755u);
}

TEST_F(KeyFile, RefusesAGroupReadableFile) {
  const fs::path file = root_ / "id.key";
  std::string error;
  ASSERT_TRUE(KeyPair::load_or_create(file, error)) << error;
  ASSERT_EQ(::chmod(file.c_str(), 0640), 0);
  EXPECT_FALSE(KeyPair::load_or_create(file, error));
  EXPECT_NE(error.find("0640"), std::string::npos) << error;
  EXPECT_NE(error.find("chmod 600"), std::string::npos) << error;
  // Refused, not replaced: the file is untouched.
  EXPECT_EQ(mode_of(file), 0640u);
  EXPECT_EQ(contents_of(file).size(), 32u);
}

TEST_F(KeyFile, RefusesAnOtherReadableOrWritableFile) {
  const fs::path file = root_ / "id.key";
  std::string error;
  ASSERT_TRUE(KeyPair::load_or_create(file, error)) << error;
  for (const mode_t mode : {0604, 0602, 0620}) {
    ASSERT_EQ(::chmod(file.c_str(), mode), 0);
    EXPECT_FALSE(KeyPair::load_or_create(file, error)) << std::oct << mode;
    EXPECT_FALSE(error.empty());
  }
  // Back to 0600 it loads again.
  ASSERT_EQ(::chmod(file.c_str(), 0600), 0);
  EXPECT_TRUE(KeyPair::load_or_create(file, error)) << error;
}

TEST_F(KeyFile, RefusesAFileOfTheWrongSize) {
  const fs::path file = root_ / "id.key";
  for (const std::size_t size :
       {std::size_t{0}, std::size_t{31}, std::size_t{33}, std::size_t{64}}) {
    {
      std::ofstream out(file, std::ios::binary | std::ios::trunc);
      out << std::string(size, 'k');
    }
    ASSERT_EQ(::chmod(file.c_str(), 0600), 0);
    std::string error;
    EXPECT_FALSE(KeyPair::load_or_create(file, error)) << size;
    EXPECT_NE(error.find(std::to_string(size) + " bytes"), std::string::npos) << error;
    EXPECT_EQ(contents_of(file).size(), size);  // not overwritten
  }
}

TEST_F(KeyFile, RefusesADirectoryInItsPlace) {
  const fs::path file = root_ / "id.key";
  fs::create_directory(file);
  ::chmod(file.c_str(), 0700);
  std::string error;
  EXPECT_FALSE(KeyPair::load_or_create(file, error));
  EXPECT_NE(error.find("not a regular file"), std::string::npos) << error;
}

TEST_F(KeyFile, LoadsAKnownSeed) {
  // RFC 8032 TEST 1's seed written by hand gives TEST 1's public key.
  const fs::path file = root_ / "id.key";
  const std::uint8_t seed[32] = {0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60, 0xba, 0x84, 0x4a,
                                 0xf4, 0x92, 0xec, 0x2c, 0xc4, 0x44, 0x49, 0xc5, 0x69, 0x7b, 0x32,
                                 0x69, 0x19, 0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae, 0x7f, 0x60};
  {
    std::ofstream out(file, std::ios::binary);
    out.write(reinterpret_cast<const char*>(seed), sizeof seed);
  }
  ASSERT_EQ(::chmod(file.c_str(), 0600), 0);
  std::string error;
  const auto pair = KeyPair::load_or_create(file, error);
  ASSERT_TRUE(pair) << error;
  EXPECT_EQ(pair->public_base64url(), "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo");
}

TEST_F(KeyFile, ConcurrentCreatorsAgreeOnOneKey) {
  const fs::path file = root_ / "race" / "id.key";
  constexpr int kThreads = 8;
  std::vector<std::optional<KeyPair>> results(kThreads);
  std::vector<std::string> errors(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] { results[i] = KeyPair::load_or_create(file, errors[i]); });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kThreads; ++i) {
    ASSERT_TRUE(results[i]) << errors[i];
    EXPECT_EQ(results[i]->public_key, results[0]->public_key) << i;
  }
  EXPECT_EQ(std::distance(fs::directory_iterator(file.parent_path()), fs::directory_iterator()), 1);
}

}  // namespace
}  // namespace shotcall::identity
