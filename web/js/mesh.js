// One RTCPeerConnection per teammate, negotiated over `signal` exactly as protocol v1 says: the
// member who joins offers to each member already there, the others answer; candidates trickle.
// Works in both directions; without a track to send (no audio context to make the page's
// silence from, controls.js feedLinks) receive-only.
//
// A failed link is rebuilt, never renegotiated, by the rules the app follows
// (app/mesh/peer_state.hpp; GStreamer 1.22's webrtcbin can neither restart ICE nor renegotiate
// transports): the offerer, after a growing pause, makes a new RTCPeerConnection and offers
// again; the answerer makes a new one whenever an offer comes for a link that was already used,
// and, when no offer comes in time after a failure, makes one anyway, so that a failure only it
// saw reaches the offerer. A description that does not come within `offerWaitMs` (an offer or
// an answer lost on the way) counts as a failure too. After `retries` rebuilds with no connection
// in between, the next failure leaves the link failed (the app's RetryPolicy::max_retries: both
// sides of a link give up after the same number of tries).
import { linkRoute } from './link_route.js';
import { iceData, readSignalData, sdpData } from './protocol.js';

export const REBUILD = { retries: 5, baseMs: 500, capMs: 8000, offerWaitMs: 15000 };

// How long the offerer waits before its rebuild after `failures` failures (1, 2, ...).
export function rebuildDelayMs(failures, policy = REBUILD) {
  return Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, failures - 1));
}

export class Mesh {
  // send(peerId, data): relay `data` to that peer. events: onTrack(peerId, stream),
  // onState(peerId, state) with RTCPeerConnection's connectionState, onGiveUp(peerId) when a
  // link failed once more after its `retries` rebuilds and stays failed.
  constructor({ send, onTrack, onState, onGiveUp = () => {}, rebuild = REBUILD }) {
    this.send = send;
    this.onTrack = onTrack;
    this.onState = onState;
    this.onGiveUp = onGiveUp;
    this.rebuild = rebuild;
    this.iceServers = [];
    this.micTrack = null;
    this.micStream = null;
    this.links = new Map();  // peerId -> {pc, riotId, pendingIce, offerer, lastStats}
  }

  setIceServers(servers) {
    // Shotcall's server sends `urls` as an array; a single string is accepted as well.
    this.iceServers = (servers ?? []).map((s) => ({ ...s, urls: s.urls }));
  }

  // The track to send: the microphone, or the page's silence while there is none (null: receive
  // only). Applies to links made from now on and, by replacing the sender's track, to the ones
  // already up.
  setMicrophone(track, stream) {
    this.micTrack = track;
    this.micStream = stream;
    for (const link of this.links.values()) {
      const t = audioTransceiver(link.pc);
      if (t && track) t.sender.replaceTrack(track).catch(() => {});
    }
  }

  has(peerId) {
    return this.links.has(peerId);
  }

  // Whether we offer on the link to `peerId` (after answering a crossing offer: no); null
  // without a link.
  offers(peerId) {
    return this.links.get(peerId)?.offerer ?? null;
  }

  // Whether the link to `peerId` failed too often and is no longer rebuilt.
  gaveUp(peerId) {
    const link = this.links.get(peerId);
    return Boolean(link?.failed && link.failures > this.rebuild.retries);
  }

  riotIdOf(peerId) {
    return this.links.get(peerId)?.riotId;
  }

  // We joined and `peerId` was there: we offer.
  async offerTo(peerId, riotId, failures = 0) {
    const link = this.#create(peerId, riotId, true, failures);
    if (this.micTrack) link.pc.addTrack(this.micTrack, this.micStream);
    else link.pc.addTransceiver('audio', { direction: 'recvonly' });
    const offer = await link.pc.createOffer();
    await link.pc.setLocalDescription(offer);
    this.send(peerId, sdpData(link.pc.localDescription));
    this.#awaitRemote(peerId, link);
  }

  // `peerId` joined after us: it will offer.
  expect(peerId, riotId, failures = 0) {
    if (this.links.has(peerId)) return;
    this.#awaitRemote(peerId, this.#create(peerId, riotId, false, failures));
  }

  async onSignal(from, data) {
    const msg = readSignalData(data);
    if (!msg) return;
    let link = this.links.get(from);
    if (msg.kind === 'ice') {
      if (!link) return;
      const candidate = { candidate: msg.candidate, sdpMLineIndex: msg.sdpMLineIndex };
      if (!link.pc.remoteDescription) link.pendingIce.push(candidate);
      else await link.pc.addIceCandidate(candidate).catch(() => {});
      return;
    }
    if (msg.type === 'offer') {
      // An offer for a link already used is the offerer's rebuild: a new connection answers it.
      if (link && link.pc.remoteDescription) {
        this.#drop(link);
        link = this.#create(from, link.riotId, false, link.failures);
      }
      if (!link) link = this.#create(from, this.riotIdOf(from) ?? '', false);
      const pc = link.pc;
      // We answer on this link from now on (an offer crossing ours is answered, not ignored).
      link.offerer = false;
      clearTimeout(link.timer);
      link.timer = null;
      await pc.setRemoteDescription({ type: 'offer', sdp: msg.sdp });
      const t = audioTransceiver(pc);
      if (t && this.micTrack) {
        t.direction = 'sendrecv';
        await t.sender.replaceTrack(this.micTrack);
        if (this.micStream && t.sender.setStreams) t.sender.setStreams(this.micStream);
      } else if (t) {
        t.direction = 'recvonly';
      }
      await pc.setLocalDescription(await pc.createAnswer());
      this.send(from, sdpData(pc.localDescription));
    } else if (link && link.offerer && link.pc.signalingState === 'have-local-offer') {
      clearTimeout(link.timer);
      link.timer = null;
      await link.pc.setRemoteDescription({ type: 'answer', sdp: msg.sdp });
    } else {
      return;
    }
    for (const c of link.pendingIce.splice(0)) await link.pc.addIceCandidate(c).catch(() => {});
  }

  remove(peerId) {
    const link = this.links.get(peerId);
    if (!link) return;
    this.links.delete(peerId);
    this.#drop(link);
    this.onState(peerId, 'closed');
  }

  closeAll() {
    for (const id of [...this.links.keys()]) this.remove(id);
  }

  // Round-trip time (ms) of the selected candidate pair, packet loss (%) since the last call,
  // whether audio packets arrive at all, and the pair's route ('direct', 'relayed', 'unknown').
  async quality(peerId) {
    const link = this.links.get(peerId);
    if (!link) return null;
    const report = await link.pc.getStats();
    let rttMs = null;
    let lost = 0;
    let received = 0;
    report.forEach((s) => {
      if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded' &&
          typeof s.currentRoundTripTime === 'number')
        rttMs = Math.round(s.currentRoundTripTime * 1000);
      if (s.type === 'inbound-rtp' && s.kind === 'audio') {
        lost += Math.max(0, s.packetsLost ?? 0);
        received += s.packetsReceived ?? 0;
      }
    });
    const prev = link.lastStats;
    link.lastStats = { lost, received };
    const dLost = lost - prev.lost;
    const dAll = dLost + (received - prev.received);
    const lossPct = dAll > 0 ? Math.round((1000 * dLost) / dAll) / 10 : 0;
    const { route } = linkRoute(report.values());
    return { rttMs, lossPct, receiving: received > 0, route };
  }

  // `failures`: of the links to this peer before this one since one last connected.
  #create(peerId, riotId, offerer, failures = 0) {
    const pc = new RTCPeerConnection({ iceServers: this.iceServers, bundlePolicy: 'max-bundle' });
    const link = {
      pc, riotId, pendingIce: [], offerer, failures, timer: null, failed: false,
      lastStats: { lost: 0, received: 0 },
    };
    this.links.set(peerId, link);
    pc.onicecandidate = (e) => {
      // A null or empty candidate marks the end of gathering; v1 has no shape for it.
      if (e.candidate && e.candidate.candidate) this.send(peerId, iceData(e.candidate));
    };
    pc.ontrack = (e) => this.onTrack(peerId, e.streams[0] ?? new MediaStream([e.track]));
    pc.onconnectionstatechange = () => {
      if (this.links.get(peerId) !== link) return;
      this.onState(peerId, pc.connectionState);
      if (pc.connectionState === 'connected') link.failures = 0;
      if (pc.connectionState === 'failed') this.#failed(peerId, link);
    };
    this.onState(peerId, 'new');
    return link;
  }

  // The other side's description (the answer to our offer, or the offer we expect) has
  // `offerWaitMs` to come; after that the link counts as failed.
  #awaitRemote(peerId, link) {
    clearTimeout(link.timer);
    link.timer = setTimeout(() => {
      link.timer = null;
      if (this.links.get(peerId) !== link || link.pc.remoteDescription) return;
      this.onState(peerId, 'failed');
      this.#failed(peerId, link);
    }, this.rebuild.offerWaitMs);
  }

  // The link failed: rebuilt as the rules above say, unless it failed too often.
  #failed(peerId, link) {
    if (link.failed) return;  // one failure per connection
    link.failed = true;
    clearTimeout(link.timer);
    link.timer = null;
    if (++link.failures > this.rebuild.retries) return this.onGiveUp(peerId);
    const current = () => this.links.get(peerId) === link;
    if (link.offerer) {
      link.timer = setTimeout(() => {
        if (!current()) return;
        this.#drop(link);
        this.offerTo(peerId, link.riotId, link.failures)
          .catch((e) => console.error('shotcall: offer again', e));
      }, rebuildDelayMs(link.failures, this.rebuild));
    } else {
      link.timer = setTimeout(() => {
        if (!current()) return;  // an offer came: already rebuilt
        this.#drop(link);
        this.links.delete(peerId);
        this.expect(peerId, link.riotId, link.failures);
      }, this.rebuild.offerWaitMs);
    }
  }

  // Closes a link's connection and stops its timer (it is replaced or removed).
  #drop(link) {
    clearTimeout(link.timer);
    link.timer = null;
    link.pc.onconnectionstatechange = null;
    link.pc.close();
  }
}

function audioTransceiver(pc) {
  return pc.getTransceivers().find((t) => t.receiver.track?.kind === 'audio' && !t.stopped);
}
