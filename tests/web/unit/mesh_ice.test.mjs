// The page's ICE servers: every entry of `connected.iceServers` (issue 14: STUN, TURN over UDP,
// TCP and TLS, time-limited credentials) reaches RTCPeerConnection's configuration unchanged.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Mesh } from '../../../web/js/mesh.js';
import { parseServerFrame } from '../../../web/js/protocol.js';

// A `connected` frame as shotcall-signal writes it with --stun twice, --turn three times and
// --turn-secret-env.
const connectedFrame = JSON.stringify({
  type: 'connected',
  id: 'r1',
  peerId: '5f0c9a3e2b7d41e6a8c0f1d2e3b4a596',
  iceServers: [
    { urls: ['stun:stun.example.org:3478', 'stun:[2001:db8::1]:3478'] },
    {
      urls: [
        'turn:relay.example.org:3478?transport=udp',
        'turn:relay.example.org:3478?transport=tcp',
        'turns:relay.example.org:5349',
      ],
      username: '1700043200:5f0c9a3e2b7d41e6a8c0f1d2e3b4a596',
      credential: '4nu1JHnU1TzwPe68P1ItsR/ObMQ=',
    },
  ],
  server: { name: 'shotcall-signal', version: '1' },
  identity: 'none',
});

test('every server and credential of connected.iceServers is kept', () => {
  const mesh = new Mesh({ send() {}, onTrack() {}, onState() {} });
  const msg = parseServerFrame(connectedFrame);
  mesh.setIceServers(msg.iceServers);
  assert.deepEqual(mesh.iceServers, JSON.parse(connectedFrame).iceServers);
});

test('a later connected replaces the servers (fresh credentials on every registration)', () => {
  const mesh = new Mesh({ send() {}, onTrack() {}, onState() {} });
  mesh.setIceServers(parseServerFrame(connectedFrame).iceServers);
  const stunOnly = [{ urls: ['stun:stun.example.org:3478'] }];
  mesh.setIceServers(stunOnly);
  assert.deepEqual(mesh.iceServers, stunOnly);
  mesh.setIceServers(undefined);
  assert.deepEqual(mesh.iceServers, []);
});
