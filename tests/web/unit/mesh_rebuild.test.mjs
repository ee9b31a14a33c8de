// A failed link is rebuilt, never renegotiated (web/js/mesh.js, the app's rules in
// app/mesh/peer_state.hpp): the offerer offers again on a new connection after a growing pause, the
// answerer answers a new offer on a new connection, and waits only so long for one. Driven with a
// stand-in RTCPeerConnection that records what the mesh does to it, and node's mock timers.
import assert from 'node:assert/strict';
import { mock, test } from 'node:test';

import { Mesh, REBUILD, rebuildDelayMs } from '../../../web/js/mesh.js';

class FakePc {
  static made = [];
  constructor() {
    this.connectionState = 'new';
    this.remoteDescription = null;
    this.localDescription = null;
    this.closed = false;
    this.transceivers = [];
    FakePc.made.push(this);
  }
  addTransceiver() {
    this.transceivers.push({ receiver: { track: { kind: 'audio' } }, sender: {}, stopped: false });
  }
  addTrack() {
    this.addTransceiver();
  }
  getTransceivers() {
    return this.transceivers;
  }
  async createOffer() {
    return { type: 'offer', sdp: `offer-${FakePc.made.indexOf(this)}` };
  }
  async createAnswer() {
    return { type: 'answer', sdp: `answer-${FakePc.made.indexOf(this)}` };
  }
  async setLocalDescription(d) {
    this.localDescription = d;
  }
  async setRemoteDescription(d) {
    this.remoteDescription = d;
    if (d.type === 'offer') this.addTransceiver();
  }
  async addIceCandidate() {}
  close() {
    this.closed = true;
  }
  // What the browser does when the connection's state changes.
  become(state) {
    this.connectionState = state;
    this.onconnectionstatechange?.();
  }
}
globalThis.RTCPeerConnection = FakePc;

function meshWithLog() {
  const sent = [];
  const states = [];
  const gaveUp = [];
  const mesh = new Mesh({
    send: (peer, data) => sent.push({ peer, data }),
    onTrack() {},
    onState: (peer, state) => states.push(state),
    onGiveUp: (peer) => gaveUp.push(peer),
  });
  return { mesh, sent, states, gaveUp };
}

// A test body run on node's mock timers (setTimeout), with no connection made yet.
const onFakeTime = (body) => async () => {
  FakePc.made = [];
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    await body();
  } finally {
    mock.timers.reset();
  }
};

const offersIn = (sent) => sent.filter((s) => s.data.sdp?.type === 'offer').length;
const flush = () => new Promise((resolve) => setImmediate(resolve));

test('the pause before each rebuild doubles up to its cap', () => {
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7].map((n) => rebuildDelayMs(n)),
                   [500, 1000, 2000, 4000, 8000, 8000, 8000]);
});

test('the offerer offers again after each failure, then gives up', onFakeTime(async () => {
  const { mesh, sent, states, gaveUp } = meshWithLog();
  await mesh.offerTo('mate', 'Mate#EUW');
  assert.equal(offersIn(sent), 1);
  for (let failure = 1; failure <= REBUILD.retries; ++failure) {
    const pc = FakePc.made.at(-1);
    pc.become('failed');
    mock.timers.tick(rebuildDelayMs(failure) - 1);
    await flush();
    assert.equal(offersIn(sent), failure, `no new offer before the pause (failure ${failure})`);
    mock.timers.tick(1);
    await flush();
    assert.ok(pc.closed, 'the failed connection is closed');
    assert.equal(offersIn(sent), failure + 1, `offered again after failure ${failure}`);
    assert.equal(FakePc.made.length, failure + 1);
    assert.deepEqual(gaveUp, [], `not given up after failure ${failure}`);
    assert.equal(mesh.gaveUp('mate'), false);
  }
  // The failure after the last rebuild: the link stays failed, and the mesh says so once. Five
  // rebuilds, as the app's RetryPolicy, so both sides of a link give up together.
  assert.equal(REBUILD.retries, 5);
  FakePc.made.at(-1).become('failed');
  assert.deepEqual(gaveUp, ['mate']);
  assert.equal(mesh.gaveUp('mate'), true);
  mock.timers.tick(60_000);
  await flush();
  assert.equal(offersIn(sent), REBUILD.retries + 1);
  assert.equal(FakePc.made.length, REBUILD.retries + 1);
  assert.equal(states.at(-1), 'failed');
}));

test('a connection in between starts the count again', onFakeTime(async () => {
  const { mesh, sent } = meshWithLog();
  await mesh.offerTo('mate', 'Mate#EUW');
  FakePc.made.at(-1).become('failed');
  mock.timers.tick(rebuildDelayMs(1));
  await flush();
  FakePc.made.at(-1).become('connected');
  FakePc.made.at(-1).become('failed');
  mock.timers.tick(rebuildDelayMs(1));  // the first pause again, not the second
  await flush();
  assert.equal(offersIn(sent), 3);
}));

test('an answer that never comes counts as a failure', onFakeTime(async () => {
  const { mesh, sent, states } = meshWithLog();
  await mesh.offerTo('mate', 'Mate#EUW');
  mock.timers.tick(REBUILD.offerWaitMs);
  assert.equal(states.at(-1), 'failed');
  mock.timers.tick(rebuildDelayMs(1));
  await flush();
  assert.equal(offersIn(sent), 2);
  // An answer in time keeps the new connection.
  await mesh.onSignal('mate', { sdp: { type: 'answer', sdp: 'late' } });
  mock.timers.tick(60_000);
  await flush();
  assert.equal(offersIn(sent), 2);
  assert.equal(FakePc.made.length, 2);
}));

test('the answerer answers an offer for a used link on a new connection', onFakeTime(async () => {
  const { mesh, sent } = meshWithLog();
  mesh.expect('mate', 'Mate#EUW');
  await mesh.onSignal('mate', { sdp: { type: 'offer', sdp: 'first' } });
  const first = FakePc.made.at(-1);
  first.become('connected');
  await mesh.onSignal('mate', { sdp: { type: 'offer', sdp: 'second' } });
  assert.ok(first.closed);
  assert.equal(FakePc.made.length, 2);
  assert.equal(FakePc.made[1].remoteDescription.sdp, 'second');
  assert.deepEqual(sent.map((s) => s.data.sdp?.type), ['answer', 'answer']);
  assert.equal(mesh.riotIdOf('mate'), 'Mate#EUW');
}));

test('a failed answerer with no new offer in time starts anew itself', onFakeTime(async () => {
  const { mesh, sent } = meshWithLog();
  mesh.expect('mate', 'Mate#EUW');
  await mesh.onSignal('mate', { sdp: { type: 'offer', sdp: 'first' } });
  const first = FakePc.made.at(-1);
  first.become('failed');
  mock.timers.tick(REBUILD.offerWaitMs - 1);
  assert.equal(FakePc.made.length, 1);
  mock.timers.tick(1);
  assert.ok(first.closed, 'its transport goes, so the offerer sees the failure');
  assert.equal(FakePc.made.length, 2);
  assert.equal(offersIn(sent), 0, 'the answerer never offers');
  // The offer that comes then is answered on that connection.
  await mesh.onSignal('mate', { sdp: { type: 'offer', sdp: 'again' } });
  assert.equal(FakePc.made.length, 2);
  assert.equal(FakePc.made[1].remoteDescription.sdp, 'again');
}));

test('an offer that never comes counts as a failure, up to the last', onFakeTime(async () => {
  const { mesh, sent, states, gaveUp } = meshWithLog();
  mesh.expect('mate', 'Mate#EUW');
  for (let failure = 1; failure <= REBUILD.retries; ++failure) {
    mock.timers.tick(REBUILD.offerWaitMs);  // no offer: failed
    assert.equal(states.at(-1), 'failed');
    mock.timers.tick(REBUILD.offerWaitMs);  // a new connection waits again
    assert.equal(FakePc.made.length, failure + 1);
  }
  assert.deepEqual(gaveUp, []);
  mock.timers.tick(REBUILD.offerWaitMs);
  mock.timers.tick(60_000);
  assert.deepEqual(gaveUp, ['mate']);
  assert.equal(FakePc.made.length, REBUILD.retries + 1);
  assert.equal(states.at(-1), 'failed');
  assert.equal(offersIn(sent), 0);
}));

test('an offer crossing ours makes us the answerer for the rebuilds', onFakeTime(async () => {
  const { mesh, sent } = meshWithLog();
  await mesh.offerTo('mate', 'Mate#EUW');
  await mesh.onSignal('mate', { sdp: { type: 'offer', sdp: 'crossing' } });
  FakePc.made.at(-1).become('failed');
  mock.timers.tick(rebuildDelayMs(1));
  await flush();
  assert.equal(offersIn(sent), 1, 'the other side offers again, not both');
  mock.timers.tick(REBUILD.offerWaitMs);
  assert.equal(FakePc.made.length, 2);
  assert.equal(offersIn(sent), 1);
}));

test('a removed link is never rebuilt', onFakeTime(async () => {
  const { mesh, sent, states } = meshWithLog();
  await mesh.offerTo('mate', 'Mate#EUW');
  FakePc.made.at(-1).become('failed');
  mesh.remove('mate');
  mock.timers.tick(60_000);
  await flush();
  assert.equal(offersIn(sent), 1);
  assert.equal(states.at(-1), 'closed');
}));
