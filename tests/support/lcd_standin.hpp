// A stand-in for League's Live Client Data API: an HTTPS SoupServer on 127.0.0.1 with a
// throwaway certificate, whose phase the caller sets, as the game's port behaves:
//   Down     nothing listens (connection refused): no game running
//   Loading  every request gets 404 with a JSON error body: the loading screen
//   InGame   GET /liveclientdata/allgamedata serves the given document; other paths 404
// It counts requests and how many are in flight at once (a request is in flight from the moment
// it has been read until its answer is written, or until the client hangs up on it), and can
// delay its answers. Runs on the thread-default GMainContext of its creator; single-threaded.
//
// Used by the poller tests, end-to-end tests (one stand-in per simulated player, each serving
// that player's side of one game) and, through the lcd-standin executable, the desktop demo.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "tests/support/lcd_certs.hpp"

namespace shotcall::test {

enum class LcdPhase { Down, Loading, InGame };

struct LcdStandinOptions {
  // Where ca.pem, server.pem and server.key live. Empty: a fresh temporary directory, removed
  // by the destructor. Existing files are reused when `reuse_certificates` (so several stand-ins
  // can share one CA); otherwise, or when any is missing, new ones are written.
  std::string cert_dir;
  bool reuse_certificates = true;
  LcdCertificateSpec certificate;  // for newly written certificates
  std::uint16_t port = 0;          // 0: any free port (kept across Down/up)
  // The IPv4 address to listen on: 127.0.0.1 by default; a LAN stand-in listens on another one
  // (127.0.0.2, or a test network namespace's address) with the game's 127.0.0.1 certificate.
  std::string listen_address = "127.0.0.1";
  LcdPhase initial_phase = LcdPhase::Down;
};

class LcdStandin {
 public:
  // nullptr with *error when certificates cannot be made or loaded or the port is taken.
  static std::unique_ptr<LcdStandin> create(const LcdStandinOptions& options, std::string* error);
  ~LcdStandin();
  LcdStandin(const LcdStandin&) = delete;
  LcdStandin& operator=(const LcdStandin&) = delete;

  std::uint16_t port() const;
  std::string base_url() const;  // "https://<listen_address>:<port>", what the poller takes
  const std::string& ca_file() const;

  // Down stops listening and closes every connection (requests in flight are dropped). Leaving
  // Down listens again on the same port; false with *error if that fails.
  bool set_phase(LcdPhase phase, std::string* error = nullptr);
  LcdPhase phase() const;

  void set_document(std::string body);  // what InGame serves
  bool set_document_file(const std::string& path, std::string* error);
  // Answers to requests read from now on wait this long (zero: answer at once).
  void set_response_delay(std::chrono::milliseconds delay);

  std::uint64_t requests() const;            // requests read, any path, any phase
  std::uint64_t game_data_answers() const;   // 200 answers with the document
  int in_flight() const;
  int max_in_flight() const;                 // the most in flight at once since the last reset
  std::uint64_t abandoned() const;           // delayed requests the client hung up on
  void reset_counters();

  struct Impl;

 private:
  explicit LcdStandin(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace shotcall::test
