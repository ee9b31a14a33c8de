#include "tests/peer/mesh_processes.hpp"

#include <glib/gstdio.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>

#include "tests/support/wav_analysis.hpp"

namespace shotcall::test {

ToneTeam::ToneTeam(const std::string& tag, std::vector<double> tones) {
  gchar* dir = g_dir_make_tmp("shotcall-e2e-XXXXXX", nullptr);
  root_ = dir ? dir : "/tmp";
  g_free(dir);
  for (std::size_t i = 0; i < tones.size(); ++i) {
    TeamMember m;
    m.riot_id = "Tone" + std::to_string(i + 1) + "#" + tag;
    m.tone_hz = tones[i];
    m.dir = root_ + "/peer" + std::to_string(i + 1);
    g_mkdir_with_parents(m.dir.c_str(), 0755);
    members_.push_back(std::move(m));
  }
}

ToneTeam::~ToneTeam() {
  // Keep the recordings of a failed run for a person to listen to.
  if (g_getenv("SHOTCALL_KEEP_TEST_FILES")) {
    std::fprintf(stderr, "recordings kept in %s\n", root_.c_str());
    return;
  }
  for (const auto& m : members_) {
    GDir* d = g_dir_open(m.dir.c_str(), 0, nullptr);
    if (!d) continue;
    while (const gchar* name = g_dir_read_name(d)) g_unlink((m.dir + "/" + name).c_str());
    g_dir_close(d);
    g_rmdir(m.dir.c_str());
  }
  g_rmdir(root_.c_str());
}

std::vector<std::string> ToneTeam::riot_ids() const {
  std::vector<std::string> ids;
  for (const auto& m : members_) ids.push_back(m.riot_id);
  return ids;
}

std::vector<double> ToneTeam::tones() const {
  std::vector<double> t;
  for (const auto& m : members_) t.push_back(m.tone_hz);
  return t;
}

std::vector<std::string> ToneTeam::peer_args(std::size_t i, const std::string& server_url,
                                             const std::string& game_id) const {
  std::string teammates;
  for (const auto& m : members_) teammates += (teammates.empty() ? "" : ",") + m.riot_id;
  char source[160];
  std::snprintf(source, sizeof source, "audiotestsrc is-live=true wave=sine volume=0.3 freq=%.0f",
                members_[i].tone_hz);
  return {"--server",     server_url,           "--riot-id",     members_[i].riot_id,
          "--game",       game_id,              "--team",        "100",
          "--teammates",  teammates,            "--source",      source,
          "--sink",       "fakesink",           "--record-dir",  members_[i].dir,
          "--no-dsp",
          "--ice-address", "127.0.0.1",         "--report",      report(i)};
}

std::vector<std::string> ToneTeam::recordings(std::size_t i, std::size_t from) const {
  std::vector<std::string> paths;
  const std::string first = recording(i, from);
  const std::string stem = first.substr(0, first.size() - 4);  // without ".wav"
  if (g_file_test(first.c_str(), G_FILE_TEST_EXISTS)) paths.push_back(first);
  for (int n = 2;; ++n) {
    const std::string next = stem + "-" + std::to_string(n) + ".wav";
    if (!g_file_test(next.c_str(), G_FILE_TEST_EXISTS)) break;
    paths.push_back(next);
  }
  return paths;
}

std::size_t ToneTeam::recorded_bytes(std::size_t i, std::size_t from) const {
  std::size_t total = 0;
  for (const auto& path : recordings(i, from)) total += file_size(path);
  return total;
}

std::string ToneTeam::recording(std::size_t i, std::size_t from) const {
  // The file is named from the Riot ID: '#' is outside [A-Za-z0-9._-] and becomes '_'.
  std::string name = members_[from].riot_id;
  for (char& c : name)
    if (!g_ascii_isalnum(c) && c != '.' && c != '_' && c != '-') c = '_';
  return members_[i].dir + "/" + name + ".wav";
}

ToneVerdict judge_recording(const std::string& path, const std::vector<double>& tones) {
  ToneVerdict v;
  const auto wav = read_wav(path, &v.why);
  if (!wav) return v;
  if (wav->channels != 1 || wav->rate != 48000) {
    v.why = path + " is not 48 kHz mono";
    return v;
  }
  return judge_tone(*wav, tones);
}

std::size_t ToneTeam::file_size(const std::string& path) {
  GStatBuf st;
  return g_stat(path.c_str(), &st) == 0 ? static_cast<std::size_t>(st.st_size) : 0;
}

}  // namespace shotcall::test
