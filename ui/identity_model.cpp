#include "ui/identity_model.hpp"

#include <glib.h>

#include <algorithm>

#include "app/i18n/translate.hpp"
#include "signaling/identity/base64url.hpp"
#include "signaling/identity/fingerprint.hpp"

namespace shotcall::ui {

namespace {

using i18n::fill;
using i18n::tr;
using protocol::ErrorCode;
using protocol::IdentityLevel;

bool has(const std::vector<std::string>& list, const char* item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// The requests this page sends: their errors are shown here.
bool ours(const std::optional<std::string>& re) {
  if (!re) return false;
  for (const char* type : {"verify-riot", "verify-riot-check", "link-request", "link-approve",
                           "list-devices", "unlink-device"})
    if (*re == type) return true;
  return false;
}

std::string error_words(const protocol::Error& e) {
  std::string words = identity_error_text(e.code, e.retry_after_ms);
  if (!words.empty()) return words;
  if (e.code == ErrorCode::NotRegistered)
    return tr("Shotcall is not signed in to the server yet. Try again once it is connected.");
  if (e.code == ErrorCode::RateLimited)
    return tr("The server asks to slow down: try again in a few minutes.");
  // The server's own words (English, from the server) are shown as it sent them.
  return e.message.empty() ? tr("The server refused.") : e.message + ".";
}

std::string until(std::int64_t expires_at_ms) {
  const std::string when = date_in_words(expires_at_ms);
  const auto comma = when.find(", ");
  return comma == std::string::npos ? when : when.substr(comma + 2);  // the time of day
}

}  // namespace

std::string fingerprint_of(const std::string& key_base64url) {
  const auto raw = identity::base64url_decode(key_base64url);
  if (!raw || raw->size() != 32) return "";
  return identity::key_fingerprint(std::span<const std::uint8_t, 32>(raw->data(), 32));
}

std::string date_in_words(std::int64_t epoch_ms) {
  GDateTime* t = g_date_time_new_from_unix_local(epoch_ms / 1000);
  if (!t) return "";
  gchar* text = g_date_time_format(t, "%-d %b %Y, %H:%M");
  std::string out = text ? text : "";
  g_free(text);
  g_date_time_unref(t);
  return out;
}

std::string link_code_in_words(const std::string& code) {
  if (code.size() != 8) return code;
  return code.substr(0, 4) + "-" + code.substr(4);
}

void IdentityModel::set_device_key(const std::string& key_base64url, bool proofs_allowed) {
  my_key_ = key_base64url;
  proofs_allowed_ = proofs_allowed && !key_base64url.empty();
}

void IdentityModel::on_session(bool running, const std::string& riot_id) {
  running_ = running;
  registered_ = false;
  if (riot_id != riot_id_) {
    // Another player: nothing of the last one's page applies.
    verify_ = Verify::Idle;
    challenge_.reset();
    devices_.reset();
    approve_ = Approve::Idle;
  }
  riot_id_ = riot_id;
  hello_.reset();
  server_v1_ = false;
  // A verification lives on its connection: a new session starts over.
  if (verify_ != Verify::Verified && verify_ != Verify::Failed) {
    verify_ = Verify::Idle;
    challenge_.reset();
  }
  if (!running && link_ != Link::Linked) link_ = Link::Idle;
}

void IdentityModel::on_registered(bool registered) {
  registered_ = registered;
  if (registered && linking()) link_ = Link::Linked;
}

void IdentityModel::on_hello(const protocol::HelloReply& hello) {
  hello_ = hello;
  server_v1_ = false;
}

void IdentityModel::on_server_is_v1() {
  hello_.reset();
  server_v1_ = true;
}

bool IdentityModel::riot_verify_offered() const {
  return hello_ && has(hello_->features, "identity-1") && has(hello_->features, "riot-verify");
}

void IdentityModel::on_challenge(const protocol::VerifyRiotChallenge& c) {
  // The same icon again: Riot does not show it yet.
  icon_not_seen_ = verify_ == Verify::Checking && challenge_ && challenge_->round == c.round &&
                   challenge_->icon_id == c.icon_id;
  challenge_ = c;
  verify_ = Verify::IconShown;
  verify_problem_.clear();
}

void IdentityModel::on_verified(const protocol::Verified& v) {
  verify_ = Verify::Verified;
  challenge_.reset();
  my_level_ = v.identity;
  verify_problem_.clear();
}

void IdentityModel::on_link_code(const protocol::LinkCodeIssued& code) {
  code_ = code;
  link_ = Link::CodeShown;
  link_problem_.clear();
}

void IdentityModel::on_link_approved(const protocol::LinkApproved& approved) {
  if (linking()) {
    // This device was approved: the handshake signs in with it now.
    link_ = Link::Linked;
    return;
  }
  approve_ = Approve::Approved;
  approved_key_ = approved.key;
  approve_problem_.clear();
}

void IdentityModel::on_devices(const protocol::DeviceList& list) {
  devices_ = list;
  for (const auto& d : list.devices)
    if (d.key == my_key_) my_level_ = d.identity;
  if (devices_tone_ != Tone::Error) devices_note_.clear();
}

void IdentityModel::on_device_unlinked(const protocol::DeviceUnlinked& unlinked) {
  if (devices_) {
    auto& d = devices_->devices;
    d.erase(std::remove_if(d.begin(), d.end(),
                           [&](const protocol::Device& x) { return x.key == unlinked.key; }),
            d.end());
  }
  const std::string fp = fingerprint_of(unlinked.key);
  // Translators: {fingerprint} is a device's 8-character key fingerprint.
  devices_note_ = fill(tr("Unlinked the device {fingerprint}: it can no longer use your Riot ID "
                          "on this server, and its connections were closed."),
                       {{"fingerprint", fp}});
  devices_tone_ = Tone::Good;
}

bool IdentityModel::on_error(const protocol::Error& e) {
  if (!ours(e.re)) return false;
  const std::string words = error_words(e);
  const std::string& re = *e.re;
  if (re == "verify-riot" || re == "verify-riot-check") {
    verify_ = Verify::Failed;
    verify_problem_ = words;
  } else if (re == "link-request") {
    link_ = Link::Failed;
    link_problem_ = words;
  } else if (re == "link-approve") {
    approve_ = Approve::Failed;
    approve_problem_ = words;
  } else {
    devices_note_ = words;
    devices_tone_ = Tone::Error;
  }
  return true;
}

void IdentityModel::on_verify_requested() {
  verify_ = Verify::Starting;
  challenge_.reset();
  icon_not_seen_ = false;
  verify_problem_.clear();
}

void IdentityModel::on_check_requested() {
  if (verify_ == Verify::IconShown) verify_ = Verify::Checking;
}

void IdentityModel::on_link_requested() {
  link_ = Link::Asking;
  code_.reset();
  link_problem_.clear();
}

void IdentityModel::on_approve_requested(const std::string&) {
  approve_ = Approve::Sent;
  approve_problem_.clear();
}

void IdentityModel::on_unlink_requested(const std::string&) {
  devices_note_.clear();
  devices_tone_ = Tone::Neutral;
}

void IdentityModel::on_request_failed(Part part, const std::string& why) {
  switch (part) {
    case Part::Verify:
      verify_ = Verify::Failed;
      verify_problem_ = why;
      break;
    case Part::Link:
      link_ = Link::Failed;
      link_problem_ = why;
      break;
    case Part::Approve:
      approve_ = Approve::Failed;
      approve_problem_ = why;
      break;
    case Part::Devices:
      devices_note_ = why;
      devices_tone_ = Tone::Error;
      break;
  }
}

IdentityView IdentityModel::view() const {
  IdentityView v;
  const bool identity_server = hello_ && has(hello_->features, "identity-1");
  v.can_act = running_ && registered_ && identity_server && proofs_allowed_;
  v.my_fingerprint = fingerprint_of(my_key_);

  // The server, and what stops every action.
  if (!running_) {
    v.server_text =
        tr("Shotcall is not connected to your server now (it connects when your game "
           "starts, or at once with server-side detection). Identity actions need "
           "that connection.");
  } else if (my_key_.empty()) {
    v.server_text =
        tr("This device has no key for this server (its key file could not be read "
           "or created), so it cannot prove who it is.");
  } else if (!proofs_allowed_) {
    v.server_text =
        tr("This device proves its key only over a secure connection: your server "
           "address starts with ws:// and is not this computer. Use the server's "
           "wss:// address.");
  } else if (server_v1_) {
    v.server_text =
        tr("Your server is an older Shotcall server that checks no identities: "
           "anyone may use any Riot ID there.");
  } else if (!hello_ || !registered_) {
    v.server_text = tr("Connecting to your server…");
  } else if (!identity_server) {
    v.server_text = tr("Your server checks no identities.");
  } else {
    const std::string& p = hello_->policy;
    v.server_text = p == "riot" ? tr("Your server admits to calls only players verified with Riot.")
                    : p == "key"
                        ? tr("Your server keeps each Riot ID for the first device that uses it.")
                        : tr("Your server keeps a Riot ID for its devices once one signs in with a "
                             "key; a Riot ID that was never used with Shotcall is not protected.");
    // A second sentence, after the policy's.
    if (my_level_ == IdentityLevel::Riot)
      v.server_text += std::string{" "} + tr("You are verified.");
    else if (my_level_ == IdentityLevel::Key)
      v.server_text += std::string{" "} + tr("This device holds your Riot ID.");
  }

  // Riot verification.
  const bool offered = riot_verify_offered();
  switch (verify_) {
    case Verify::Idle:
      if (identity_server && !offered) {
        v.verify_text =
            tr("Your server does not offer Riot verification: it cannot ask Riot "
               "(it runs without a Riot API key). Your Riot ID is kept by this "
               "device's key instead.");
      } else if (my_level_ == IdentityLevel::Riot) {
        v.verify_text = tr("You are verified with Riot on this server.");
        v.verify_tone = Tone::Good;
      } else {
        v.verify_text =
            riot_id_.empty()
                ? tr("Prove that your Riot ID is yours: you set two profile icons the server "
                     "picks, in the League client, one after the other.")
                // Translators: {riot_id} is the player's Riot ID, "Name#TAG".
                : fill(tr("Prove that {riot_id} is yours: you set two profile icons the server "
                          "picks, in the League client, one after the other."),
                       {{"riot_id", riot_id_}});
      }
      break;
    case Verify::Starting:
      v.verify_text = tr("Asking the server for an icon…");
      break;
    case Verify::IconShown:
    case Verify::Checking:
      if (challenge_) {
        v.icon_id = challenge_->icon_id;
        v.round = challenge_->round;
        const std::string icon = std::to_string(challenge_->icon_id);
        // Translators: {step} is 1 or 2; {icon} the number of a League profile icon; {time} a
        // time of day ("10:15"). "Check" is the button's label.
        v.verify_text = fill(tr("Step {step} of 2: set your profile icon to icon {icon} (one of "
                                "the default icons) in the League client, then press Check. "
                                "Before {time}."),
                             {{"step", std::to_string(challenge_->round)},
                              {"icon", icon},
                              {"time", until(challenge_->expires_at_ms)}});
        if (verify_ == Verify::Checking) {
          v.verify_text = tr("Checking with Riot…");
        } else if (icon_not_seen_) {
          // Translators: {icon} is the number of a League profile icon; "Check" is a button.
          v.verify_text = fill(tr("Riot does not show icon {icon} yet: its data can lag a minute. "
                                  "Check that it is set in the League client, wait a little and "
                                  "press Check again."),
                               {{"icon", icon}});
          v.verify_tone = Tone::Warning;
        }
      }
      break;
    case Verify::Verified:
      // Translators: {riot_id} is the player's Riot ID, "Name#TAG".
      v.verify_text = fill(tr("Verified: Riot confirms that you control {riot_id}. Your team sees "
                              "you as verified, and only this device and the devices you link can "
                              "use your Riot ID here. You can set your icon back."),
                           {{"riot_id", riot_id_}});
      v.verify_tone = Tone::Good;
      break;
    case Verify::Failed:
      v.verify_text = verify_problem_;
      v.verify_tone = Tone::Error;
      break;
  }
  v.verify_enabled = v.can_act && offered && verify_ != Verify::Starting &&
                     verify_ != Verify::Checking;
  v.check_enabled = v.can_act && verify_ == Verify::IconShown;

  // Linking this device.
  switch (link_) {
    case Link::Idle:
      v.link_text =
          tr("If your Riot ID is already used on another device, link this one: it "
             "gets a code to approve on that device.");
      break;
    case Link::Asking:
      v.link_text = tr("Asking the server for a link code…");
      break;
    case Link::CodeShown:
      if (code_) {
        v.link_code = link_code_in_words(code_->code);
        // Translators: {riot_id} is "Name#TAG"; "Preferences → Identity → Approve another
        // device" names the window, its page and the part of it (keep them as translated
        // there); {fingerprint} is 8 characters; {time} a time of day ("10:15").
        v.link_text = fill(tr("On a device already signed in as {riot_id}, open Preferences → "
                              "Identity → Approve another device and type this code. That device "
                              "must show the fingerprint {fingerprint} for this device. The code "
                              "works once, until {time}."),
                           {{"riot_id", riot_id_},
                            {"fingerprint", code_->fingerprint},
                            {"time", until(code_->expires_at_ms)}});
      }
      break;
    case Link::Linked:
      v.link_text = tr("This device is linked to your Riot ID.");
      break;
    case Link::Failed: v.link_text = link_problem_; break;
  }
  // Linking restarts the session asking for a code; it needs the key, not a registration.
  v.link_enabled = running_ && proofs_allowed_ && !linking() && identity_server;

  // Approving another device.
  switch (approve_) {
    case Approve::Idle:
    case Approve::Sent:
      v.approve_text =
          tr("Type the code the new device shows. Approve only a code you see on "
             "your own device right now: it gets your Riot ID. Then compare "
             "fingerprints: the one shown here must be the one on the new device.");
      break;
    case Approve::Approved:
      // Translators: {fingerprint} is 8 characters; "Unlink" is the button next to each device.
      v.approve_text = fill(tr("Approved the device with fingerprint {fingerprint}. The new device "
                               "must show the same fingerprint; if it does not, press Unlink next "
                               "to that device below at once."),
                            {{"fingerprint", fingerprint_of(approved_key_)}});
      v.approve_tone = Tone::Good;
      break;
    case Approve::Failed:
      v.approve_text = approve_problem_;
      v.approve_tone = Tone::Error;
      break;
  }
  v.approve_enabled = v.can_act && approve_ != Approve::Sent;

  // Bound devices.
  if (devices_) {
    for (const auto& d : devices_->devices) {
      DeviceRowView row;
      row.key = d.key;
      row.fingerprint = fingerprint_of(d.key);
      // Translators: how a bound device proved itself, in a list ("verified with Riot · bound
      // 3 Dec 2026, 10:15 · last used …").
      row.level = d.identity == IdentityLevel::Riot ? tr("verified with Riot") : tr("device key");
      // Translators: {date} is a date and time ("3 Dec 2026, 10:15"), in a device's details.
      row.bound = fill(tr("bound {date}"), {{"date", date_in_words(d.bound_at_ms)}});
      row.last_used = d.last_used_ms > 0
                          // Translators: {date} is a date and time ("3 Dec 2026, 10:15").
                          ? fill(tr("last used {date}"), {{"date", date_in_words(d.last_used_ms)}})
                          : std::string{tr("never used")};
      row.this_device = d.key == my_key_;
      v.devices.push_back(std::move(row));
    }
  }
  v.devices_text = devices_note_;
  v.devices_tone = devices_tone_;
  if (v.devices_text.empty()) {
    if (!devices_)
      v.devices_text = v.can_act ? tr("Loading the devices…")
                                 : tr("The devices bound to your Riot ID show here once this "
                                      "device is connected.");
    else if (v.devices.empty())
      v.devices_text = tr("No device is bound to your Riot ID on this server.");
  }
  return v;
}

}  // namespace shotcall::ui
