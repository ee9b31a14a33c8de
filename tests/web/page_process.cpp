#include "tests/web/page_process.hpp"

#include <glib.h>
#include <glib/gstdio.h>

namespace shotcall::test {

namespace {

std::string url_escape(const std::string& s) {
  gchar* e = g_uri_escape_string(s.c_str(), nullptr, FALSE);
  std::string out = e;
  g_free(e);
  return out;
}

const char* boolean(bool b) { return b ? "true" : "false"; }

}  // namespace

Page::Page(const ServerProcess& server, const Options& o, const std::string& out_dir) {
  std::string mates;
  for (const auto& m : o.teammates) mates += (mates.empty() ? "" : ",") + m;
  url_ = server.http_url("/?riot=" + url_escape(o.riot_id) + "&game=" + url_escape(o.game) +
                         "&team=100&teammates=" + url_escape(mates) +
                         (o.old_autojoin ? "&autojoin=1" : ""));
  const std::string config =
      std::string{"{\"url\":\""} + url_ + "\",\"out\":\"" + out_dir + "\",\"name\":\"" + o.name +
      "\",\"mic\":\"" + o.mic + "\",\"hearSeconds\":" + std::to_string(o.hear_seconds) +
      ",\"screenshots\":" + boolean(o.screenshots) + ",\"reload\":" + boolean(o.reload) +
      ",\"linkOnBound\":" + boolean(o.link_on_bound) + ",\"proofTwice\":" + boolean(o.proof_twice) +
      ",\"tokenOnRefusal\":\"" + o.token_on_refusal + "\"" +
      ",\"allowMicLater\":" + boolean(o.allow_mic_later) +
      ",\"allowMicInCall\":" + boolean(o.allow_mic_in_call) +
      ",\"pttNote\":" + boolean(o.ptt_note) +
      ",\"verifyWhenAsked\":" + boolean(o.verify_when_asked) +
      ",\"verifyOnBound\":" + boolean(o.verify_on_bound) +
      ",\"leaveAfterJoin\":" + boolean(o.leave_after_join) + ",\"watch\":" + boolean(o.watch) +
      ",\"unplugMic\":" + boolean(o.unplug_mic) + ",\"fakeClock\":" + boolean(o.fake_clock) + "}";
  process_ =
      std::make_unique<ChildProcess>(std::vector<std::string>{"node", SHOTCALL_WEB_DRIVER, config},
                                     std::map<std::string, std::string>{}, true);
}

std::vector<std::string> Page::lines(const std::string& prefix) const {
  std::vector<std::string> out;
  for (const auto& l : process_->lines())
    if (l.rfind(prefix, 0) == 0) out.push_back(l);
  return out;
}

std::string Page::heard_file(const std::string& riot_id) const {
  const std::string l = line("heard " + riot_id + " ");
  return l.empty() ? "" : l.substr(std::string{"heard "}.size() + riot_id.size() + 1);
}

std::string page_output_dir() {
  const std::string dir = SHOTCALL_WEB_TEST_OUTPUT;
  g_mkdir_with_parents(dir.c_str(), 0755);
  return dir;
}

}  // namespace shotcall::test
