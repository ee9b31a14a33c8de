// The page's protocol module: frames as docs/protocol.md writes them, and what it accepts.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  backoffMs, build, channelRefusal, chatText, gameIdValue, iceData, identityLabel, isRiotId,
  isUnknownType, MAX_CHANNEL_REFINDS, mayProveOver, parseServerFrame, proofHost, readSignalData,
  registerRetryMs, replacedText, RIOT_ID_IN_USE_BUDGET_MS, RIOT_ID_REPLACING_BUDGET_MS, sdpData,
  verifyRefusal, waitWords, wsUrlFor,
} from '../../../web/js/protocol.js';

test('Riot IDs: one #, both parts, at most 96 bytes, no control characters', () => {
  assert.ok(isRiotId('Hide on bush#KR1'));
  assert.ok(isRiotId('ÄÖÜ#ÉÈ'));
  assert.ok(!isRiotId('NoTag'));
  assert.ok(!isRiotId('#KR1'));
  assert.ok(!isRiotId('Name#'));
  assert.ok(!isRiotId('a#b#c'));
  assert.ok(!isRiotId('tab\there#X'));
  assert.ok(isRiotId(`${'a'.repeat(90)}#12345`));       // 96 bytes
  assert.ok(!isRiotId(`${'a'.repeat(91)}#12345`));      // 97 bytes
  assert.ok(!isRiotId(`${'é'.repeat(46)}#12345`));      // 98 bytes in 52 characters
});

test('register-user carries the proof fields only when there is a proof', () => {
  assert.deepEqual(JSON.parse(build.registerUser('A#1', null, 'r1')),
                   { type: 'register-user', id: 'r1', riotId: 'A#1' });
  const proof = { key: 'k', proof: 'p', host: '127.0.0.1:7800' };
  assert.deepEqual(JSON.parse(build.registerUser('A#1', proof, 'r2')),
                   { type: 'register-user', id: 'r2', riotId: 'A#1', key: 'k', proof: 'p',
                     host: '127.0.0.1:7800' });
  assert.deepEqual(JSON.parse(build.hello('h1')), { type: 'hello', id: 'h1' });
});

test('find-or-create sends Riot game ids as numbers and team as the number 100 or 200', () => {
  const f = JSON.parse(build.findOrCreateChannel('6789012345', '200', ['a#1', 'b#1'], 'x'));
  assert.deepEqual(f, { type: 'find-or-create-channel', id: 'x', gameId: 6789012345, teamId: 200,
                        teammates: ['a#1', 'b#1'] });
  assert.equal(gameIdValue('E2E_1'), 'E2E_1');
  assert.equal(gameIdValue('0123'), '0123');  // a leading zero is not Riot's number
  assert.equal(gameIdValue('99999999999999999999'), '99999999999999999999');
});

test('signal data has exactly the browser shapes, and only those are read', () => {
  assert.deepEqual(sdpData({ type: 'offer', sdp: 'v=0\r\n', extra: 1 }),
                   { sdp: { type: 'offer', sdp: 'v=0\r\n' } });
  assert.deepEqual(iceData({ candidate: 'candidate:1 1 UDP 1 127.0.0.1 5000 typ host',
                             sdpMLineIndex: 0, sdpMid: '0' }),
                   { ice: { candidate: 'candidate:1 1 UDP 1 127.0.0.1 5000 typ host',
                            sdpMLineIndex: 0 } });
  assert.deepEqual(readSignalData({ sdp: { type: 'answer', sdp: 'x' } }),
                   { kind: 'sdp', type: 'answer', sdp: 'x' });
  assert.deepEqual(readSignalData({ ice: { candidate: 'c', sdpMLineIndex: 1 } }),
                   { kind: 'ice', candidate: 'c', sdpMLineIndex: 1 });
  assert.equal(readSignalData({ sdp: { type: 'pranswer', sdp: 'x' } }), null);
  assert.equal(readSignalData({ ice: { candidate: 'c', sdpMLineIndex: -1 } }), null);
  assert.equal(readSignalData({ ice: { candidate: 'c' } }), null);
  assert.equal(readSignalData(null), null);
});

test('server frames are objects with a string type; anything else is dropped', () => {
  assert.deepEqual(parseServerFrame('{"type":"chat","text":"gg"}'), { type: 'chat', text: 'gg' });
  assert.equal(parseServerFrame('[1]'), null);
  assert.equal(parseServerFrame('{"type":1}'), null);
  assert.equal(parseServerFrame('not json'), null);
  assert.ok(isUnknownType({ type: 'error', code: 'unknown-type', re: 'hello' }, 'hello'));
  assert.ok(!isUnknownType({ type: 'error', code: 'bad-json', re: 'hello' }, 'hello'));
});

test('the WebSocket is the page origin\'s /ws, and the proof host is the dialed name', () => {
  assert.equal(wsUrlFor({ protocol: 'http:', host: '127.0.0.1:7800' }), 'ws://127.0.0.1:7800/ws');
  assert.equal(wsUrlFor({ protocol: 'https:', host: 'voice.example.org' }), 'wss://voice.example.org/ws');
  assert.equal(proofHost('ws://127.0.0.1:7800/ws'), '127.0.0.1:7800');
  assert.equal(proofHost('wss://Voice.Example.ORG:443/ws'), 'voice.example.org');
  assert.equal(proofHost('ws://LOCALHOST:80/ws'), 'localhost');
  assert.equal(proofHost('wss://voice.example.org:8443/ws'), 'voice.example.org:8443');
  assert.equal(proofHost('ws://[::1]:7800/ws'), '[::1]:7800');
});

test('proofs go only over wss:// or to loopback', () => {
  assert.ok(mayProveOver('wss://voice.example.org/ws'));
  assert.ok(mayProveOver('ws://127.0.0.1:7800/ws'));
  assert.ok(mayProveOver('ws://127.9.9.9:7800/ws'));
  assert.ok(mayProveOver('ws://localhost:7800/ws'));
  assert.ok(mayProveOver('ws://[::1]:7800/ws'));
  assert.ok(!mayProveOver('ws://192.168.1.5:7800/ws'));
  assert.ok(!mayProveOver('ws://127.0.0.1.example.org/ws'));
});

test('identity levels: only riot reads as verified', () => {
  assert.equal(identityLabel('riot'), 'verified');
  assert.equal(identityLabel('key'), 'not verified');
  assert.equal(identityLabel('none'), 'not verified');
  assert.equal(identityLabel(undefined), 'not verified');
});

test('chat text is 1 to 500 code points after trimming', () => {
  assert.equal(chatText('  gg  '), 'gg');
  assert.equal(chatText('   '), null);
  assert.equal(chatText('👋'.repeat(500)), '👋'.repeat(500));
  assert.equal(chatText('👋'.repeat(501)), null);
});

test('reconnect backoff doubles from 0.5 s up to 15 s, with bounded jitter', () => {
  const mid = () => 0.5;
  assert.deepEqual([0, 1, 2, 3, 4, 5, 9].map((a) => backoffMs(a, mid)),
                   [500, 1000, 2000, 4000, 8000, 15000, 15000]);
  assert.equal(backoffMs(0, () => 0), 400);
  assert.equal(backoffMs(0, () => 1), 600);
});

test('sign-in refusals for now: riot-id-in-use for a minute and a half, unavailable for good', () => {
  const mid = () => 0.5;
  // riot-id-in-use: our own dead session may hold the name until the server has missed three
  // keepalives (a minute by default), so the page keeps trying past that, with growing pauses.
  const delays = [];
  for (let n = 1; registerRetryMs('riot-id-in-use', n, mid) !== null; ++n)
    delays.push(registerRetryMs('riot-id-in-use', n, mid));
  assert.deepEqual(delays, [1000, 2000, 4000, 8000, 15000, 15000, 15000, 15000, 15000]);
  assert.ok(delays.reduce((a, b) => a + b, 0) <= RIOT_ID_IN_USE_BUDGET_MS);
  assert.ok(delays.reduce((a, b) => a + b, 0) >= 75000);
  // unavailable ("retry later"): the call goes on peer to peer, so the page never gives up.
  assert.equal(registerRetryMs('unavailable', 1, mid), 1000);
  assert.equal(registerRetryMs('unavailable', 500, mid), 15000);
  // Anything else is not "for now".
  for (const code of ['riot-id-bound', 'bad-proof', 'unauthorized', 'already-registered'])
    assert.equal(registerRetryMs(code, 1, mid), null);
  assert.equal(registerRetryMs('riot-id-in-use', 0, mid), null);
});

test('riot-id-in-use is waited out only as long as the holder may be this browser', () => {
  const mid = () => 0.5;
  const tries = (inUseBudgetMs) => {
    const delays = [];
    for (let n = 1; registerRetryMs('riot-id-in-use', n, mid, { inUseBudgetMs }) !== null; ++n)
      delays.push(registerRetryMs('riot-id-in-use', n, mid, { inUseBudgetMs }));
    return delays;
  };
  // Never signed in here and no key proved: someone else (the app on another computer) holds the
  // Riot ID; the page says so at once, as the app does.
  assert.deepEqual(tries(0), []);
  // Never signed in, key proved: a stale session of this key being replaced, a few seconds.
  assert.deepEqual(tries(RIOT_ID_REPLACING_BUDGET_MS), [1000, 2000, 4000]);
  // Signed in before: our own dead session, until the server notices (the test above).
  assert.equal(tries(RIOT_ID_IN_USE_BUDGET_MS).length, 9);
  // The server's own trouble is waited out either way.
  assert.equal(registerRetryMs('unavailable', 1, mid, { inUseBudgetMs: 0 }), 1000);
});

test('a wait the server gives is said in words, rounded up', () => {
  assert.deepEqual([0, 400, 1000, 59_001, 60_000, 61_000, 12 * 60_000, 89 * 60_000 + 1, 5_400_000,
                    3 * 3_600_000].map(waitWords),
                   ['1 s', '1 s', '1 s', '1 min', '1 min', '2 min', '12 min', '90 min', '2 h', '3 h']);
});

test('a 4001 close keeps the server\'s reason, or says the likeliest one', () => {
  assert.equal(replacedText('Ahri#EUW was verified with Riot on another device. '),
               'Ahri#EUW was verified with Riot on another device. This page left the call.');
  assert.equal(replacedText(null), 'You joined from another tab or device. This page left the call.');
  assert.equal(replacedText('  '), 'You joined from another tab or device. This page left the call.');
});

test('a refused channel: asked again when it was gone, waited out when watching, else given up', () => {
  const byHand = { watching: false, refinds: 0 };
  assert.equal(channelRefusal('no-such-channel', byHand), 'find');
  assert.equal(channelRefusal('channel-full', byHand), 'fail');
  assert.equal(channelRefusal('not-on-roster', byHand), 'fail');
  assert.equal(channelRefusal('rate-limited', byHand), 'fail');
  // A server that keeps answering so is not chased.
  assert.equal(channelRefusal('no-such-channel', { watching: false, refinds: MAX_CHANNEL_REFINDS - 1 }),
               'find');
  assert.equal(channelRefusal('no-such-channel', { watching: false, refinds: MAX_CHANNEL_REFINDS }),
               'fail');
  // Watching, the next offer or game brings another channel: the page stays signed in.
  for (const code of ['no-such-channel', 'channel-full', 'not-on-roster', 'rate-limited'])
    assert.equal(channelRefusal(code, { watching: true, refinds: 0 }), 'wait', code);
  assert.equal(channelRefusal('no-such-channel', { watching: true, refinds: 9 }), 'wait');
});

// A verify-busy before any icon was named, then the answer to the check that followed.
function afterBusy(failed) {
  const busy = { type: 'error', code: 'verify-busy', re: 'verify-riot', retryAfterMs: 5000,
                 message: 'too many verifications from your address this hour' };
  const first = verifyRefusal(busy, { step: null, refusal: null });
  assert.equal(first.then, 'poll');
  assert.equal(first.show, null);
  return verifyRefusal(failed, { step: null, refusal: first.refusal });
}

test('verification: a limit that refused the start is shown in its own words', () => {
  // Nothing was pending, so the check failed: the limit, not the check, says why.
  const shown = afterBusy({ type: 'error', code: 'verify-failed', re: 'verify-riot-check',
                            message: 'no verification is pending on this connection' });
  assert.equal(shown.then, 'stop');
  assert.equal(shown.show, 'too many verifications from your address this hour. Press Verify ' +
                           'with Riot again in 5 s.');
});

test('verification: an unknown Riot ID after a busy budget is not reported as busy', () => {
  // The budget was busy, the check moved the lookup on, and Riot knows no such account: the
  // verify-riot's own answer, which the page shows as it does any other failure.
  const failed = afterBusy({ type: 'error', code: 'verify-failed', re: 'verify-riot',
                             message: 'Riot knows no account named Ahri#EUX' });
  assert.deepEqual(failed, { refusal: null, show: null, then: 'stop' });
});

test('verification: busy after an icon was named keeps checking; a store away changes nothing', () => {
  const step = '1/7';
  const busy = verifyRefusal({ type: 'error', code: 'verify-busy', re: 'verify-riot-check',
                               retryAfterMs: 10000 }, { step, refusal: null });
  assert.deepEqual(busy, { refusal: null, show: null, then: 'poll' });
  for (const code of ['unavailable', 'rate-limited'])
    assert.equal(verifyRefusal({ type: 'error', code, re: 'verify-riot-check' },
                               { step, refusal: null }).then, 'keep');
  assert.equal(verifyRefusal({ type: 'error', code: 'verify-failed', re: 'verify-riot-check' },
                             { step, refusal: null }).then, 'stop');
});
