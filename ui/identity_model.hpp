// What Preferences → Identity shows, as plain data (identity-1, shared/protocol-identity.md):
// Riot verification step by step, linking this device and approving another, the devices bound
// to the player's Riot ID, and every refusal in words. The controller feeds it the server's
// identity messages and the requests it sent; the page only reads view(). Pure: no GTK, no IO.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "signaling/protocol/messages.hpp"
#include "ui/status_text.hpp"

namespace shotcall::ui {

// One bound device in the list.
struct DeviceRowView {
  std::string key;          // base64url, what unlink-device names
  std::string fingerprint;  // 8 characters, as the new device showed them while linking
  std::string level;        // "verified with Riot" / "device key"
  std::string bound;        // "bound 3 Dec 2026, 10:15"
  std::string last_used;    // "last used 3 Dec 2026, 10:20" / "never used"
  bool this_device = false;
  friend bool operator==(const DeviceRowView&, const DeviceRowView&) = default;
};

struct IdentityView {
  // Whether requests can be sent now, and why not.
  bool can_act = false;
  std::string server_text;  // what the server offers (its policy), or why nothing works now

  // Riot verification.
  bool verify_enabled = false;
  bool check_enabled = false;
  std::optional<int> icon_id;  // the icon to set now
  int round = 0;               // 1 or 2 while an icon is shown
  std::string verify_text;     // the instruction, the progress or the result
  Tone verify_tone = Tone::Neutral;

  // This device's key and linking it.
  std::string my_fingerprint;  // empty without a key
  bool link_enabled = false;
  std::string link_code;       // shown big while waiting for approval
  std::string link_text;

  // Approving another device.
  bool approve_enabled = false;
  std::string approve_text;
  Tone approve_tone = Tone::Neutral;

  // The devices bound to our Riot ID.
  std::vector<DeviceRowView> devices;
  std::string devices_text;
  Tone devices_tone = Tone::Neutral;

  friend bool operator==(const IdentityView&, const IdentityView&) = default;
};

class IdentityModel {
 public:
  // This installation's key for the server (base64url), empty without one; and whether proofs
  // may go to this server at all (wss://, or a loopback address).
  void set_device_key(const std::string& key_base64url, bool proofs_allowed);
  // The session (re)started or stopped; `riot_id` names the player.
  void on_session(bool running, const std::string& riot_id);
  // Registered with the server (requests can go out), or not.
  void on_registered(bool registered);

  // Server messages.
  void on_hello(const protocol::HelloReply& hello);
  void on_server_is_v1();  // the server answered `hello` with unknown-type
  void on_challenge(const protocol::VerifyRiotChallenge& challenge);
  void on_verified(const protocol::Verified& verified);
  void on_link_code(const protocol::LinkCodeIssued& code);
  void on_link_approved(const protocol::LinkApproved& approved);
  void on_devices(const protocol::DeviceList& list);
  void on_device_unlinked(const protocol::DeviceUnlinked& unlinked);
  // An `error`; true when it answered one of this page's requests (then it is shown here).
  bool on_error(const protocol::Error& error);

  // Requests the player made (the controller sent them).
  void on_verify_requested();
  void on_check_requested();
  void on_link_requested();
  void on_approve_requested(const std::string& code);
  void on_unlink_requested(const std::string& key);
  // A request could not be sent (not connected, no key, a mistyped code): `why` in words,
  // shown in that request's part of the page.
  enum class Part { Verify, Link, Approve, Devices };
  void on_request_failed(Part part, const std::string& why);

  // Whether the server offers Riot verification (its hello lists `riot-verify`).
  bool riot_verify_offered() const;
  // True while this device waits for another to approve it.
  bool linking() const { return link_ == Link::Asking || link_ == Link::CodeShown; }
  IdentityView view() const;

 private:
  enum class Verify { Idle, Starting, IconShown, Checking, Verified, Failed };
  enum class Link { Idle, Asking, CodeShown, Linked, Failed };
  enum class Approve { Idle, Sent, Approved, Failed };

  std::string my_key_;
  bool proofs_allowed_ = false;
  bool running_ = false;
  bool registered_ = false;
  protocol::IdentityLevel my_level_ = protocol::IdentityLevel::None;
  std::string riot_id_;
  std::optional<protocol::HelloReply> hello_;
  bool server_v1_ = false;

  Verify verify_ = Verify::Idle;
  std::optional<protocol::VerifyRiotChallenge> challenge_;
  bool icon_not_seen_ = false;  // a check answered with the same icon again
  std::string verify_problem_;

  Link link_ = Link::Idle;
  std::optional<protocol::LinkCodeIssued> code_;
  std::string link_problem_;

  Approve approve_ = Approve::Idle;
  std::string approved_key_;
  std::string approve_problem_;

  std::optional<protocol::DeviceList> devices_;
  std::string devices_note_;
  Tone devices_tone_ = Tone::Neutral;
};

// The fingerprint two screens compare (protocol-identity.md, `link-approve`) of a base64url
// key; empty when the key does not decode to 32 bytes.
std::string fingerprint_of(const std::string& key_base64url);
// "3 Dec 2026, 10:15" in local time, from milliseconds since the epoch.
std::string date_in_words(std::int64_t epoch_ms);
// "ABCD-EFGH" for "ABCDEFGH": easier to read aloud and type (the server ignores the dash).
std::string link_code_in_words(const std::string& code);

}  // namespace shotcall::ui
