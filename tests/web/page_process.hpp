// The page shotcall-signal serves, open in headless Chromium through the
// Playwright driver (tests/web/e2e/page_driver.mjs): a by-hand join link, Join
// pressed once the page is ready, a sine tone (or a refused microphone) as its
// input, and one stdout line per page event for the tests to wait on.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/server_process.hpp"
#include "tests/ui/child_process.hpp"

namespace shotcall::test {

inline constexpr auto kPageCallTimeout = std::chrono::seconds(120);

class Page {
 public:
  struct Options {
    std::string riot_id;
    std::vector<std::string> teammates;
    std::string game = "E2E_WEB";
    // "tone:<Hz>", "refused", or "refused:<Hz>" (playing that tone once allowed)
    std::string mic = "tone:440";
    int hear_seconds = 4;          // record this much of each teammate (0: none)
    bool screenshots = false;
    bool reload = false;
    bool link_on_bound = false;  // press "Link to my other device" when the Riot ID is bound
    bool proof_twice = false;    // in the channel, double-click it, then click it once more
    std::string token_on_refusal;  // typed into the access token field after `unauthorized`
    bool allow_mic_later = false;  // mic "refused": allow it once in the call, Leave, Join
    // mic "refused": allow it after the first "heard", and press nothing
    bool allow_mic_in_call = false;
    bool old_autojoin = false;     // the link ends in autojoin=1, as links made before did
    bool ptt_note = false;         // in the channel, choose push to talk and report its note
    bool verify_when_asked = false;  // press "Verify with Riot" when the server asks for it
    bool verify_on_bound = false;    // press "Verify with Riot" when the Riot ID is bound
    bool leave_after_join = false;   // press Leave once in the channel
    bool unplug_mic = false;     // after the first "heard", end the microphone as unplugging does
    bool watch = false;  // before Join, choose the server's watch instead of the link's game
    bool fake_clock = false;     // the page's clock can be moved on: command("forward <ms>")
    std::string name = "page";   // prefix of the files it writes
  };

  Page(const ServerProcess& server, const Options& options, const std::string& out_dir);

  ChildProcess& process() { return *process_; }
  // A command for the driver (page_driver.mjs): "approve <code>", "unlink".
  bool command(const std::string& line) { return process_->write_line(line); }
  bool wait(const std::string& prefix, std::size_t count = 1,
            std::chrono::milliseconds timeout = kPageCallTimeout) {
    return process_->wait_for_lines(prefix, count, timeout);
  }
  // The first line starting with `prefix`, or "".
  std::string line(const std::string& prefix) const { return process_->find_line(prefix); }
  std::vector<std::string> lines(const std::string& prefix) const;
  // The WAV the page recorded of `riot_id` ("heard <riotId> <path>"), or "".
  std::string heard_file(const std::string& riot_id) const;
  std::string transcript() const { return process_->transcript(); }
  const std::string& url() const { return url_; }

 private:
  std::string url_;
  std::unique_ptr<ChildProcess> process_;
};

// Where the pages' recordings and screenshots go (test-output/web in the build
// tree), created.
std::string page_output_dir();

}  // namespace shotcall::test
