// Shotcall signaling protocol v1 (docs/protocol.md) and the identity extension
// (shared/protocol-identity.md): building and reading frames. Pure: no DOM, no sockets, so Node's
// test runner checks it as it is.

export const MAX_RIOT_ID_BYTES = 96;
export const MAX_CHAT_CHARS = 500;

const encoder = new TextEncoder();

// A Riot ID as the server accepts it: at most 96 bytes of UTF-8, exactly one '#', a name before
// it and a tag after it, no control characters.
export function isRiotId(text) {
  if (typeof text !== 'string') return false;
  if (encoder.encode(text).length > MAX_RIOT_ID_BYTES) return false;
  if (/[\u0000-\u001f\u007f-\u009f]/u.test(text)) return false;
  const parts = text.split('#');
  return parts.length === 2 && parts[0].length > 0 && parts[1].length > 0;
}

// Riot IDs compare case-insensitively after NFC; full case folding is the server's job, this
// is for the page's own decisions (is this name mine? which row is this teammate's?).
export const foldRiotId = (id) => id.normalize('NFC').toLowerCase();

export function sameRiotId(a, b) {
  return foldRiotId(a) === foldRiotId(b);
}

// Riot's numeric game ids go as JSON numbers (as the app sends them), anything else as a string.
export function gameIdValue(text) {
  const t = String(text).trim();
  if (/^[1-9][0-9]{0,15}$/.test(t) && Number.isSafeInteger(Number(t))) return Number(t);
  return t;
}

// The WebSocket address of the server that served `location` (the page's own origin).
export function wsUrlFor(location) {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ws`;
}

// The `host` a proof names: the name the client dialed, lower case, IPv6 in brackets, with
// :port unless it is the scheme's default (80 for ws, 443 for wss). The URL parser does exactly
// that for ws:/wss: (both are "special" schemes with those defaults).
export function proofHost(wsUrl) {
  return new URL(wsUrl).host.toLowerCase();
}

// Proofs go only over wss:// or to a loopback address (the spec's rule, so a proof is never
// readable on the way).
export function mayProveOver(wsUrl) {
  const u = new URL(wsUrl);
  if (u.protocol === 'wss:') return true;
  const h = u.hostname.toLowerCase();
  return h === 'localhost' || h === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

let nextId = 1;
// A request id the server copies into its direct reply.
export function requestId(prefix) {
  return `${prefix}${nextId++}`;
}

function frame(type, fields, id) {
  const out = { type };
  if (id !== undefined) out.id = id;
  for (const [k, v] of Object.entries(fields)) if (v !== undefined && v !== null) out[k] = v;
  return JSON.stringify(out);
}

export const build = {
  hello: (id) => frame('hello', {}, id),
  // `proof` is {key, proof, host} or null (v1 registration).
  registerUser: (riotId, proof, id, token) =>
    frame('register-user', { riotId, token, ...(proof ?? {}) }, id),
  findOrCreateChannel: (gameId, teamId, teammates, id) =>
    frame('find-or-create-channel', { gameId: gameIdValue(gameId), teamId: Number(teamId), teammates }, id),
  joinChannel: (channelId, id) => frame('join-channel', { channelId }, id),
  leaveChannel: (channelId, id) => frame('leave-channel', { channelId }, id),
  signal: (to, data) => frame('signal', { to, data }),
  chat: (channelId, text) => frame('chat', { channelId, text }),
  watchGame: (id) => frame('watch-game', {}, id),
  unwatchGame: (id) => frame('unwatch-game', {}, id),
  refreshIceServers: (id) => frame('refresh-ice-servers', {}, id),
  verifyRiot: (riotId, proof, id) => frame('verify-riot', { riotId, ...proof }, id),
  verifyRiotCheck: (id) => frame('verify-riot-check', {}, id),
  linkRequest: (riotId, proof, id) => frame('link-request', { riotId, ...proof }, id),
  linkApprove: (code, id) => frame('link-approve', { code }, id),
  unlinkDevice: (key, id) => frame('unlink-device', { key }, id),
};

// `signal.data` shapes: exactly a browser's RTCSessionDescription and RTCIceCandidate fields.
export function sdpData(description) {
  return { sdp: { type: description.type, sdp: description.sdp } };
}

export function iceData(candidate) {
  return { ice: { candidate: candidate.candidate, sdpMLineIndex: candidate.sdpMLineIndex ?? 0 } };
}

// What a relayed `signal.data` holds, or null when it is neither shape.
export function readSignalData(data) {
  if (!data || typeof data !== 'object') return null;
  const s = data.sdp;
  if (s && typeof s === 'object' && (s.type === 'offer' || s.type === 'answer') &&
      typeof s.sdp === 'string')
    return { kind: 'sdp', type: s.type, sdp: s.sdp };
  const c = data.ice;
  if (c && typeof c === 'object' && typeof c.candidate === 'string' &&
      Number.isInteger(c.sdpMLineIndex) && c.sdpMLineIndex >= 0)
    return { kind: 'ice', candidate: c.candidate, sdpMLineIndex: c.sdpMLineIndex };
  return null;
}

// A server frame as an object with a string `type`, or null for anything else.
export function parseServerFrame(text) {
  let v;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (!v || typeof v !== 'object' || Array.isArray(v) || typeof v.type !== 'string') return null;
  return v;
}

// A member's identity level as the page says it ("verified" only for riot).
export function identityLabel(level) {
  return level === 'riot' ? 'verified' : 'not verified';
}

// Whether an `error` frame says the server does not know a request type (an older server).
export function isUnknownType(msg, type) {
  return msg.type === 'error' && msg.code === 'unknown-type' && (!type || msg.re === type);
}

// Chat text as the server counts it: 1 to 500 code points after trimming.
export function chatText(text) {
  const t = String(text).trim();
  const n = [...t].length;
  return n >= 1 && n <= MAX_CHAT_CHARS ? t : null;
}

// Reconnect delays: 0.5 s doubling to 15 s, with up to 20 % jitter so a whole team does not
// knock on a restarted server in step.
export function backoffMs(attempt, random = Math.random) {
  return Math.round(nominalBackoffMs(attempt) * (0.8 + 0.4 * random()));
}

function nominalBackoffMs(attempt) {
  return Math.min(15000, 500 * 2 ** Math.min(attempt, 5));
}

// The page signs in again, later, after these refusals of register-user:
// - riot-id-in-use: our own old session may still hold the name (the network dropped and the
//   server has not noticed yet; it drops a silent connection after three keepalive intervals,
//   a minute by default). Tried for `inUseBudgetMs` in all, then the page gives up: pass
//   RIOT_ID_IN_USE_BUDGET_MS when this page was signed in before; RIOT_ID_REPLACING_BUDGET_MS
//   when it never was but proved its key (the server replaces a stale session of the same key,
//   which on another instance takes a moment); 0 otherwise: someone else holds the Riot ID
//   (Shotcall on another computer), and waiting would only hide that. The app's rule
//   (app/net/signaling_client.cpp).
// - unavailable: the server cannot read its identity store ("retry later"); the call goes on
//   peer to peer meanwhile, so the page keeps trying for as long as the player wants the call.
export const RIOT_ID_IN_USE_BUDGET_MS = 90000;
export const RIOT_ID_REPLACING_BUDGET_MS = 10000;

// What the page says when the server closes it with 4001 ("replaced"). The server's notice just
// before the close says why (this device signed in elsewhere, a verification on another device,
// this device unlinked or unbound): it is kept. Without one, the likeliest reason.
export function replacedText(notice) {
  const why = notice?.trim() || 'You joined from another tab or device.';
  return `${why} This page left the call.`;
}

// The delay before sign-in attempt number `refusals + 1` after the `refusals`-th refusal with
// `code` (backoffMs's growth, from 1 s), or null when the page should stop trying.
export function registerRetryMs(code, refusals, random = Math.random,
                                { inUseBudgetMs = RIOT_ID_IN_USE_BUDGET_MS } = {}) {
  if (refusals < 1) return null;
  if (code === 'unavailable') return backoffMs(refusals, random);
  if (code !== 'riot-id-in-use') return null;
  let waited = 0;
  for (let k = 1; k <= refusals; ++k) waited += nominalBackoffMs(k);
  return waited <= inUseBudgetMs ? backoffMs(refusals, random) : null;
}

// A wait the server gave (`retryAfterMs`) in words: "40 s", "12 min", "3 h", rounded up.
export function waitWords(ms) {
  const s = Math.max(1, Math.ceil((Number(ms) || 0) / 1000));
  if (s < 60) return `${s} s`;
  if (s < 90 * 60) return `${Math.ceil(s / 60)} min`;
  return `${Math.ceil(s / 3600)} h`;
}

// What the page does with an error answer to verify-riot or verify-riot-check
// (protocol-identity.md, "Riot verification"), given the step shown (null before an icon was
// named) and the words of a refusal kept from an earlier answer (null if none). Returns
// { refusal, show, then }: the refusal to keep, the words for the identity note (null: none),
// and 'poll' (the verification is pending: keep checking), 'stop' (it ended) or 'keep'.
// A verify-busy before any icon was named is either the server's Riot budget (the verification
// is pending, and a check moves it on) or one of its limits (two under way, ten a day, five an
// hour from this address): nothing is then pending, so the next check fails with `re`
// verify-riot-check, and the limit's words are the ones to show. A failure of the first lookup
// itself (Riot knows no such account) answers the verify-riot, and says so in its own words.
export function verifyRefusal(msg, { step, refusal }) {
  let kept = refusal;
  if (msg.code === 'verify-busy' && msg.re === 'verify-riot' && !step) {
    kept = `${msg.message || 'Verification is busy'}. Press Verify with Riot again in ` +
      `${waitWords(msg.retryAfterMs)}.`;
  }
  if (msg.code === 'verify-failed' && kept && !step && msg.re === 'verify-riot-check')
    return { refusal: null, show: kept, then: 'stop' };
  if (msg.code === 'verify-busy') return { refusal: kept, show: null, then: 'poll' };
  // Its database away, or too many requests: still pending, and the next check tries again.
  if (msg.code === 'unavailable' || msg.code === 'rate-limited')
    return { refusal: kept, show: null, then: 'keep' };
  return { refusal: null, show: null, then: 'stop' };
}

// How many times in a row the page asks again for a channel that was gone when it came to join.
export const MAX_CHANNEL_REFINDS = 3;

// What the page does when the server refuses it a channel (an error with `re`
// find-or-create-channel or join-channel; proof-required is needVerification's). Like the app's
// session core (app/session/session_core.cpp) it asks again for a channel that was gone and
// stays signed in while watching; unlike it, the page gives up after a few gone channels in a
// row, and by hand it leaves on other refusals and says why (as it did before it asked again),
// where the app sits signed in with the problem shown:
//   'find'  the channel went between its creation and our join (swept, or emptied): ask for the
//           team's channel again, at most MAX_CHANNEL_REFINDS times in a row;
//   'wait'  watching: the server's next offer or the next game brings a channel; stay signed in
//           and say why this one failed;
//   'fail'  a game entered by hand whose channel cannot be joined (full, not on its roster):
//           nothing changes until the player does something, so the page leaves and says why.
export function channelRefusal(code, { watching, refinds }) {
  if (watching) return 'wait';
  return code === 'no-such-channel' && refinds < MAX_CHANNEL_REFINDS ? 'find' : 'fail';
}
