// The page renews time-limited TURN credentials before they expire (web/js/ice_refresh.js): the
// schedule as a pure function of the list and the clock, and the refresher with a fake clock and
// fake timers, so nothing waits.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  EXPIRED_DELAY_MS, IceRefresher, NO_ANSWER_MS, RECHECK_MS, REQUEST_ID, iceRefreshAt,
  turnCredentialsExpiry,
} from '../../../web/js/ice_refresh.js';
import { build, parseServerFrame } from '../../../web/js/protocol.js';

const NOW_S = 1_700_000_000;
const NOW_MS = NOW_S * 1000;
const STUN = { urls: ['stun:stun.example.org:3478'] };
const turn = (expiryS, opaque = '3f9c2a7d41e0b865') => ({
  urls: ['turn:relay.example.org:3478?transport=udp', 'turns:relay.example.org:5349'],
  username: `${expiryS}:${opaque}`,
  credential: 'c2VjcmV0',
});

test('nothing to renew without a time-limited TURN username', () => {
  assert.equal(iceRefreshAt([], NOW_MS), null);
  assert.equal(iceRefreshAt(undefined, NOW_MS), null);
  assert.equal(iceRefreshAt([STUN], NOW_MS), null);
  assert.equal(iceRefreshAt([{ urls: 'turn:t:3478', username: 'user', credential: 'p' }], NOW_MS), null);
  assert.equal(iceRefreshAt([{ urls: 'stun:s:3478', username: '1700000600:p' }], NOW_MS), null);
  for (const name of [':p', '17000006OO:p', '-1700000600:p', '1700000600', '1700000600 :p'])
    assert.equal(iceRefreshAt([{ urls: ['turn:t'], username: name }], NOW_MS), null, name);
});

test('the schedule matches the app: a tenth before, at least a minute, at most halfway', () => {
  assert.equal(iceRefreshAt([STUN, turn(NOW_S + 12 * 3600)], NOW_MS), NOW_MS + 38_880_000);
  assert.equal(iceRefreshAt([turn(NOW_S + 600)], NOW_MS), NOW_MS + 540_000);
  assert.equal(iceRefreshAt([turn(NOW_S + 60)], NOW_MS), NOW_MS + 30_000);  // --turn-ttl 60
  assert.equal(iceRefreshAt([turn(NOW_S + 600)], NOW_MS + 400), NOW_MS + 540_000);
  assert.equal(iceRefreshAt([turn(NOW_S + 1)], NOW_MS), NOW_MS + 1000);  // never sooner than 1 s
  assert.equal(iceRefreshAt([turn(NOW_S - 5)], NOW_MS), NOW_MS + EXPIRED_DELAY_MS);
  // One `urls` string, as RTCIceServer allows; the earliest expiry decides.
  assert.equal(turnCredentialsExpiry([{ ...turn(NOW_S + 900), urls: 'turn:t' }, turn(NOW_S + 600)]),
               NOW_S + 600);
});

// A clock and timers the test moves by hand.
function fakeTime(startMs) {
  const t = { now: startMs, timers: [], sent: [], logs: [] };
  t.setTimer = (fn, ms) => {
    const timer = { fn, at: t.now + ms, cleared: false };
    t.timers.push(timer);
    return timer;
  };
  t.clearTimer = (timer) => { timer.cleared = true; };
  t.pending = () => t.timers.filter((x) => !x.cleared && !x.fired);
  // Advances to the next timer and runs it.
  t.runNext = () => {
    const next = t.pending().sort((a, b) => a.at - b.at)[0];
    assert.ok(next, 'no timer armed');
    t.now = Math.max(t.now, next.at);
    next.fired = true;
    next.fn();
  };
  // Runs timers (rechecks included) until `n` requests went out.
  t.runUntilSent = (n) => {
    for (let i = 0; i < 1000 && t.sent.length < n; ++i) t.runNext();
    assert.equal(t.sent.length, n);
  };
  t.refresher = () => new IceRefresher({
    send: (f) => t.sent.push({ at: t.now, frame: JSON.parse(f) }),
    frame: build.refreshIceServers,
    now: () => t.now,
    setTimer: t.setTimer,
    clearTimer: t.clearTimer,
    log: (text) => t.logs.push(text),
  });
  return t;
}

test('asks at the scheduled time and reschedules from the answer', () => {
  const t = fakeTime(NOW_MS);
  const r = t.refresher();
  r.onServers([STUN, turn(NOW_S + 600)]);
  t.runUntilSent(1);
  assert.deepEqual(t.sent, [{ at: NOW_MS + 540_000, frame: { type: 'refresh-ice-servers', id: REQUEST_ID } }]);
  // The server's answer names a later expiry: the next request waits for it.
  const reply = parseServerFrame(JSON.stringify({ type: 'ice-servers', id: REQUEST_ID,
                                                  iceServers: [STUN, turn(NOW_S + 540 + 600)] }));
  r.onServers(reply.iceServers);
  t.runUntilSent(2);
  assert.equal(t.sent[1].at, NOW_MS + 1_080_000);
});

test('a long lifetime is rechecked by the wall clock, not trusted to one long timer', () => {
  const t = fakeTime(NOW_MS);
  const r = t.refresher();
  r.onServers([turn(NOW_S + 12 * 3600)]);
  assert.equal(t.pending()[0].at, NOW_MS + RECHECK_MS);
  // The computer slept: the wall clock jumped past the due time before the timer fired.
  t.now = NOW_MS + 11 * 3600 * 1000;
  t.runNext();
  assert.equal(t.sent.length, 1);
  assert.equal(t.sent[0].at, NOW_MS + 11 * 3600 * 1000);
});

test('after verification it asks at once, not at the next expiry', () => {
  const t = fakeTime(NOW_MS);
  const r = t.refresher();
  r.onServers([STUN]);  // below level riot: STUN only, nothing scheduled
  r.refreshNow();
  t.runUntilSent(1);
  assert.deepEqual(t.sent, [{ at: NOW_MS, frame: { type: 'refresh-ice-servers', id: REQUEST_ID } }]);
});

test('without an answer it asks again a minute later', () => {
  const t = fakeTime(NOW_MS);
  const r = t.refresher();
  r.onServers([turn(NOW_S + 60)]);
  t.runNext();
  t.runNext();
  assert.deepEqual(t.sent.map((s) => s.at), [NOW_MS + 30_000, NOW_MS + 30_000 + NO_ANSWER_MS]);
});

test('an older server (unknown-type) is never asked again, and it is logged once', () => {
  const t = fakeTime(NOW_MS);
  const r = t.refresher();
  r.onServers([turn(NOW_S + 60)]);
  t.runNext();
  const mine = r.onError({ type: 'error', id: REQUEST_ID, code: 'unknown-type',
                           message: 'unknown message type', re: 'refresh-ice-servers' });
  assert.equal(mine, true);
  assert.equal(t.pending().length, 0);
  r.onServers([turn(NOW_S + 60)]);  // a reconnect to the same server
  assert.equal(t.pending().length, 0);
  assert.equal(t.sent.length, 1);
  assert.equal(t.logs.length, 1);
});

test('errors about other requests are not the refresher’s', () => {
  const t = fakeTime(NOW_MS);
  const r = t.refresher();
  assert.equal(r.onError({ type: 'error', code: 'unknown-type', re: 'hello' }), false);
  assert.equal(r.onError({ type: 'error', id: 'j1', code: 'no-such-channel', re: 'join-channel' }), false);
  // A passing error about ours: try again later.
  r.onServers([turn(NOW_S + 60)]);
  t.runNext();
  assert.equal(r.onError({ type: 'error', id: REQUEST_ID, code: 'rate-limited', re: 'refresh-ice-servers' }), true);
  t.runNext();
  assert.equal(t.sent.length, 2);
});

test('a lost connection stops the schedule', () => {
  const t = fakeTime(NOW_MS);
  const r = t.refresher();
  r.onServers([turn(NOW_S + 600)]);
  r.stop();
  assert.equal(t.pending().length, 0);
});

// A browser's setTimeout and clearTimeout throw "Illegal invocation" when called as a method of
// another object; the refresher's own timers must call them as plain functions. (This broke the
// page wherever the server hands out time-limited TURN credentials, and on every `verified`.)
test('the default timers are called as a browser allows', (t) => {
  const calls = [];
  const strict = (name) => function timer(...args) {
    if (this !== undefined && this !== globalThis) throw new TypeError(`Illegal invocation of ${name}`);
    calls.push(name);
    return name === 'setTimeout' ? 7 : undefined;
  };
  t.mock.method(globalThis, 'setTimeout', strict('setTimeout'));
  t.mock.method(globalThis, 'clearTimeout', strict('clearTimeout'));
  const r = new IceRefresher({ send() {}, frame: build.refreshIceServers, log() {} });
  r.onServers([turn(Math.floor(Date.now() / 1000) + 3600)]);
  r.refreshNow();
  r.stop();
  assert.deepEqual(calls, ['setTimeout', 'clearTimeout', 'setTimeout', 'clearTimeout']);
});
