// PeerLink's conversation with its webrtcbin: ICE setup, offer/answer, candidates, stats, the
// DTLS transport. Signal handlers and promise callbacks run on GStreamer threads; they read
// only their immutable token and hop to the main loop with what they learnt.
#include <gst/sdp/sdp.h>

#include "app/i18n/translate.hpp"
#include "app/media/peer_link.hpp"
#include "app/media/stats_reader.hpp"

namespace shotcall::media {
namespace {

using TokenPtr = std::shared_ptr<const LinkToken>;

void delete_token(gpointer data, GClosure*) { delete static_cast<TokenPtr*>(data); }
void delete_token_notify(gpointer data) { delete static_cast<TokenPtr*>(data); }
const TokenPtr& token_of(gpointer data) { return *static_cast<TokenPtr*>(data); }

struct PadAddedData {
  TokenPtr token;
  GstElement* depay;  // outlives the handler: webrtcbin stops before the link drops it
};

void on_pad_added(GstElement*, GstPad* pad, gpointer data) {
  if (GST_PAD_DIRECTION(pad) != GST_PAD_SRC) return;
  auto* d = static_cast<PadAddedData*>(data);
  // Linked here, on the streaming thread, because data follows at once; only GStreamer
  // objects are touched.
  GPtr<GstPad> sink(gst_element_get_static_pad(d->depay, "sink"));
  if (gst_pad_is_linked(sink.get())) return;
  if (gst_pad_link(pad, sink.get()) != GST_PAD_LINK_OK) {
    hop_to_main(d->token, [](LinkListener& l, const LinkToken& t) {
      // Translators: why a teammate's voice link broke (this and the reasons below).
      l.link_failure(t, i18n::tr("cannot link the incoming stream"));
    });
  }
}

void on_ice_candidate(GstElement*, guint mline, gchar* candidate, gpointer data) {
  mesh::IceCandidate c{candidate ? candidate : "", mline};
  hop_to_main(token_of(data), [c](LinkListener& l, const LinkToken& t) {
    l.link_local_candidate(t, c);
  });
}

void on_connection_state(GstElement* webrtc, GParamSpec*, gpointer data) {
  GstWebRTCPeerConnectionState s;
  g_object_get(webrtc, "connection-state", &s, nullptr);
  mesh::ConnState state = mesh::ConnState::New;
  switch (s) {
    case GST_WEBRTC_PEER_CONNECTION_STATE_CONNECTING: state = mesh::ConnState::Connecting; break;
    case GST_WEBRTC_PEER_CONNECTION_STATE_CONNECTED: state = mesh::ConnState::Connected; break;
    case GST_WEBRTC_PEER_CONNECTION_STATE_DISCONNECTED: state = mesh::ConnState::Disconnected; break;
    case GST_WEBRTC_PEER_CONNECTION_STATE_FAILED: state = mesh::ConnState::Failed; break;
    case GST_WEBRTC_PEER_CONNECTION_STATE_CLOSED: state = mesh::ConnState::Closed; break;
    default: break;
  }
  hop_to_main(token_of(data), [state](LinkListener& l, const LinkToken& t) {
    l.link_connection_state(t, state);
  });
}

void on_ice_connection_state(GstElement* webrtc, GParamSpec*, gpointer data) {
  GstWebRTCICEConnectionState s;
  g_object_get(webrtc, "ice-connection-state", &s, nullptr);
  if (s != GST_WEBRTC_ICE_CONNECTION_STATE_FAILED) return;
  hop_to_main(token_of(data), [](LinkListener& l, const LinkToken& t) {
    l.link_failure(t, std::string{kIceFailedReason});
  });
}

void on_dtls_state(GstWebRTCDTLSTransport* dtls, GParamSpec*, gpointer data) {
  GstWebRTCDTLSTransportState s;
  g_object_get(dtls, "state", &s, nullptr);
  if (s == GST_WEBRTC_DTLS_TRANSPORT_STATE_CONNECTED) {
    hop_to_main(token_of(data), [](LinkListener& l, const LinkToken& t) {
      l.link_dtls_connected(t);
    });
  } else if (s == GST_WEBRTC_DTLS_TRANSPORT_STATE_FAILED) {
    hop_to_main(token_of(data), [](LinkListener& l, const LinkToken& t) {
      l.link_failure(t, i18n::tr("the encrypted link could not be set up (DTLS)"));
    });
  }
}

// The reply's "error" field, if webrtcbin put one there.
std::string promise_error(GstPromise* promise) {
  if (gst_promise_wait(promise) != GST_PROMISE_RESULT_REPLIED) return "interrupted";
  const GstStructure* reply = gst_promise_get_reply(promise);
  GError* err = nullptr;
  if (reply && gst_structure_has_field(reply, "error") &&
      gst_structure_get(reply, "error", G_TYPE_ERROR, &err, nullptr)) {
    std::string why = err ? err->message : "unknown error";
    g_clear_error(&err);
    return why;
  }
  return {};
}

struct DescPromise {
  TokenPtr token;
  mesh::SdpType type;
};

void on_description_created(GstPromise* promise, gpointer data) {
  auto* d = static_cast<DescPromise*>(data);
  std::string why = promise_error(promise);
  const char* field = d->type == mesh::SdpType::Offer ? "offer" : "answer";
  GstWebRTCSessionDescription* desc = nullptr;
  const GstStructure* reply = why.empty() ? gst_promise_get_reply(promise) : nullptr;
  if (reply) gst_structure_get(reply, field, GST_TYPE_WEBRTC_SESSION_DESCRIPTION, &desc, nullptr);
  if (!desc) {
    // Translators: {error} is GStreamer's own message (often English).
    std::string reason =
        d->type == mesh::SdpType::Offer
            ? (why.empty()
                   ? i18n::tr("creating the offer failed")
                   : i18n::fill(i18n::tr("creating the offer failed: {error}"), {{"error", why}}))
            : (why.empty()
                   ? i18n::tr("creating the answer failed")
                   : i18n::fill(i18n::tr("creating the answer failed: {error}"), {{"error", why}}));
    hop_to_main(d->token, [reason](LinkListener& l, const LinkToken& t) {
      l.link_failure(t, reason);
    });
    return;
  }
  gchar* text = gst_sdp_message_as_text(desc->sdp);
  std::string sdp(text);
  g_free(text);
  gst_webrtc_session_description_free(desc);
  mesh::SdpType type = d->type;
  hop_to_main(d->token, [type, sdp = std::move(sdp)](LinkListener& l, const LinkToken& t) mutable {
    l.link_local_description(t, type, std::move(sdp));
  });
}

void on_description_set(GstPromise* promise, gpointer data) {
  std::string why = promise_error(promise);
  if (why.empty() || why == "interrupted") return;
  hop_to_main(token_of(data), [why](LinkListener& l, const LinkToken& t) {
    // Translators: {error} is GStreamer's own message (often English).
    l.link_failure(
        t, i18n::fill(i18n::tr("setting a session description failed: {error}"), {{"error", why}}));
  });
}

void on_stats(GstPromise* promise, gpointer data) {
  if (gst_promise_wait(promise) != GST_PROMISE_RESULT_REPLIED) return;
  PeerStats stats = read_webrtc_stats(gst_promise_get_reply(promise));
  hop_to_main(token_of(data), [stats](LinkListener& l, const LinkToken& t) {
    l.link_stats(t, stats);
  });
}

GstPadProbeReturn on_first_buffer(GstPad*, GstPadProbeInfo*, gpointer data) {
  const std::int64_t now = g_get_monotonic_time();
  hop_to_main(token_of(data), [now](LinkListener& l, const LinkToken& t) {
    l.link_first_audio(t, now);
  });
  return GST_PAD_PROBE_REMOVE;
}

}  // namespace

void PeerLink::configure_ice(const LinkSettings& settings) {
  g_object_set(webrtc_, "ice-transport-policy",
               settings.ice_transport_policy == IceTransportPolicy::Relay
                   ? GST_WEBRTC_ICE_TRANSPORT_POLICY_RELAY
                   : GST_WEBRTC_ICE_TRANSPORT_POLICY_ALL,
               nullptr);
  if (settings.stun_uri) g_object_set(webrtc_, "stun-server", settings.stun_uri->c_str(), nullptr);
  for (const auto& turn : settings.turn_uris) {
    gboolean ok = FALSE;
    g_signal_emit_by_name(webrtc_, "add-turn-server", turn.c_str(), &ok);
  }
  GstWebRTCICE* ice = nullptr;
  g_object_get(webrtc_, "ice-agent", &ice, nullptr);
  if (!ice) return;
  // libnice asks the LAN's router for a port mapping over UPnP by default: SSDP multicast on
  // every interface for each link, and a router changed behind the user's back. STUN and TURN
  // are how we cross NATs; UPnP stays off.
  if (g_object_class_find_property(G_OBJECT_GET_CLASS(ice), "agent")) {
    GObject* agent = nullptr;
    g_object_get(ice, "agent", &agent, nullptr);
    if (agent && g_object_class_find_property(G_OBJECT_GET_CLASS(agent), "upnp"))
      g_object_set(agent, "upnp", FALSE, nullptr);
    if (agent) g_object_unref(agent);
  }
  // Host candidates only on the addresses we were given (tests: loopback only).
  for (const auto& address : settings.local_addresses) {
    gboolean ok = FALSE;
    g_signal_emit_by_name(ice, "add-local-ip-address", address.c_str(), &ok);
  }
  gst_object_unref(ice);
}

void PeerLink::connect_signals() {
  auto connect = [this](const char* signal, GCallback cb) {
    webrtc_handlers_.push_back(g_signal_connect_data(webrtc_, signal, cb, new TokenPtr(token_),
                                                     delete_token, GConnectFlags(0)));
  };
  connect("on-ice-candidate", G_CALLBACK(on_ice_candidate));
  connect("notify::connection-state", G_CALLBACK(on_connection_state));
  connect("notify::ice-connection-state", G_CALLBACK(on_ice_connection_state));
  webrtc_handlers_.push_back(g_signal_connect_data(
      webrtc_, "pad-added", G_CALLBACK(on_pad_added), new PadAddedData{token_, depay_},
      [](gpointer d, GClosure*) { delete static_cast<PadAddedData*>(d); }, GConnectFlags(0)));
  GPtr<GstPad> dec_src(gst_element_get_static_pad(decoder_, "src"));
  gst_pad_add_probe(dec_src.get(), GST_PAD_PROBE_TYPE_BUFFER, on_first_buffer,
                    new TokenPtr(token_), delete_token_notify);
}

void PeerLink::create_offer() {
  GstPromise* p = gst_promise_new_with_change_func(
      on_description_created, new DescPromise{token_, mesh::SdpType::Offer},
      [](gpointer d) { delete static_cast<DescPromise*>(d); });
  g_signal_emit_by_name(webrtc_, "create-offer", nullptr, p);
  gst_promise_unref(p);
}

void PeerLink::create_answer() {
  GstPromise* p = gst_promise_new_with_change_func(
      on_description_created, new DescPromise{token_, mesh::SdpType::Answer},
      [](gpointer d) { delete static_cast<DescPromise*>(d); });
  g_signal_emit_by_name(webrtc_, "create-answer", nullptr, p);
  gst_promise_unref(p);
}

static void set_description(GstElement* webrtc, const char* signal,
                            const mesh::SessionDescription& desc,
                            const std::shared_ptr<const LinkToken>& token) {
  GstSDPMessage* sdp = nullptr;
  // webrtcbin 1.22 accepts an SDP with no media and then waits forever: refuse it here.
  if (gst_sdp_message_new_from_text(desc.sdp.c_str(), &sdp) != GST_SDP_OK || !sdp ||
      gst_sdp_message_medias_len(sdp) == 0) {
    if (sdp) gst_sdp_message_free(sdp);
    hop_to_main(token, [](LinkListener& l, const LinkToken& t) {
      l.link_failure(t, i18n::tr("the session description does not parse or has no media"));
    });
    return;
  }
  GstWebRTCSessionDescription* d = gst_webrtc_session_description_new(
      desc.type == mesh::SdpType::Offer ? GST_WEBRTC_SDP_TYPE_OFFER : GST_WEBRTC_SDP_TYPE_ANSWER,
      sdp);  // takes the message
  GstPromise* p = gst_promise_new_with_change_func(on_description_set, new TokenPtr(token),
                                                   delete_token_notify);
  g_signal_emit_by_name(webrtc, signal, d, p);
  gst_promise_unref(p);
  gst_webrtc_session_description_free(d);
}

void PeerLink::set_local(const mesh::SessionDescription& desc) {
  set_description(webrtc_, "set-local-description", desc, token_);
}

void PeerLink::set_remote(const mesh::SessionDescription& desc) {
  set_description(webrtc_, "set-remote-description", desc, token_);
}

void PeerLink::add_candidate(const mesh::IceCandidate& candidate) {
  g_signal_emit_by_name(webrtc_, "add-ice-candidate", candidate.mline_index,
                        candidate.candidate.c_str());
}

void PeerLink::request_stats() {
  GstPromise* p = gst_promise_new_with_change_func(on_stats, new TokenPtr(token_),
                                                   delete_token_notify);
  g_signal_emit_by_name(webrtc_, "get-stats", nullptr, p);
  gst_promise_unref(p);
}

void PeerLink::allow_media() {
  g_object_set(send_valve_, "drop", FALSE, nullptr);
  g_object_set(recv_valve_, "drop", FALSE, nullptr);
}

void PeerLink::set_volume(double volume) { g_object_set(volume_, "volume", volume, nullptr); }
void PeerLink::set_muted(bool muted) { g_object_set(volume_, "mute", muted, nullptr); }
void PeerLink::set_jitter_ms(int ms) {
  g_object_set(webrtc_, "latency", static_cast<guint>(std::max(0, ms)), nullptr);
}
void PeerLink::set_encoder_bitrate(int bps) {
  if (encoder_) g_object_set(encoder_, "bitrate", bps, nullptr);
}

bool PeerLink::dtls_connected() {
  if (!dtls_) {
    GstWebRTCRTPTransceiver* trans = nullptr;
    g_signal_emit_by_name(webrtc_, "get-transceiver", 0, &trans);
    if (!trans) return false;
    GstWebRTCRTPReceiver* receiver = nullptr;
    g_object_get(trans, "receiver", &receiver, nullptr);
    gst_object_unref(trans);
    if (!receiver) return false;
    GstWebRTCDTLSTransport* dtls = nullptr;
    g_object_get(receiver, "transport", &dtls, nullptr);
    gst_object_unref(receiver);
    if (!dtls) return false;  // not made until both descriptions are set
    dtls_.reset(dtls);
    dtls_handler_ = g_signal_connect_data(dtls, "notify::state", G_CALLBACK(on_dtls_state),
                                          new TokenPtr(token_), delete_token, GConnectFlags(0));
  }
  GstWebRTCDTLSTransportState s;
  g_object_get(dtls_.get(), "state", &s, nullptr);
  return s == GST_WEBRTC_DTLS_TRANSPORT_STATE_CONNECTED;
}

std::string PeerLink::remote_certificate_pem() {
  if (!dtls_connected()) return {};
  gchar* pem = nullptr;
  g_object_get(dtls_.get(), "remote-certificate", &pem, nullptr);
  std::string out = pem ? pem : "";
  g_free(pem);
  return out;
}

}  // namespace shotcall::media
