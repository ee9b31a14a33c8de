// The page's card about this browser's identity (index.html #identity-card, and the level badge
// in the header): its key and level, the Riot verification's steps, a link code it shows, and the
// device it approved. State lives in main.js's `app`; requests go out through `send`.
import { fingerprint, fromBase64url } from './identity.js';
import { build, requestId } from './protocol.js';
import { $, announce, setIdentityBadge, setPageState, setStatus, showProblem } from './ui.js';

// While a Riot verification waits for an icon, the page asks whether Riot shows it yet. The
// server reads Riot at most every 10 s per verification, so asking more often costs Riot nothing.
const VERIFY_POLL_MS = 5000;

// The level badge, the key's fingerprint, and which identity buttons may be used now.
export function showSelfIdentity(app) {
  const badge = $('self-identity');
  const id = app.identity;
  setPageState('identity', app.selfIdentity);
  setIdentityBadge(badge, app.selfIdentity);
  badge.hidden = !app.peerId;
  const supported = document.body.dataset.serverIdentity === 'yes';
  if (!id) {
    $('identity-text').textContent = 'This browser cannot keep a key, so it signs in without one.';
  } else {
    $('identity-text').textContent =
      `Key fingerprint ${id.fingerprint}` + (id.persistent ? '' : ' (not kept: private window)') +
      (supported ? '' : '. This server does not check keys.');
  }
  const proven = supported && id?.persistent && app.peerId;
  for (const b of ['verify-riot', 'link-request']) $(b).disabled = !(supported && id?.persistent);
  for (const b of ['approve-code', 'approve-button']) $(b).disabled = !proven;
}

// A pending verification or link code belongs to the connection that asked (the server forgets
// it with that connection): shown after a reconnect, it could never complete. `dropped`: the
// connection was lost (not left), and the player is told what to do.
export function forgetIdentityRequests(app, dropped) {
  const pending = Boolean(app.verifyPoll) || app.awaitingLink;
  stopVerification(app);
  takeLinkCodeDown(app);
  showProblem('identity-note', dropped && pending
    ? 'The connection to the server dropped, and the verification or link code with it: press ' +
      'the button again once the page is connected.'
    : null);
}

// A step of a Riot verification: the icon to set. The same step again means Riot does not show
// the icon yet (a check's usual answer).
export function showVerifyStep(app, msg, send) {
  if (app.verifyPoll && app.verifyStep === `${msg.round}/${msg.iconId}`) return;
  app.verifyStep = `${msg.round}/${msg.iconId}`;
  showProblem('identity-note', null);
  $('verify-box').hidden = false;
  $('verify-text').textContent =
    `Step ${msg.round} of 2: in the League client, set your profile icon to icon number ` +
    `${msg.iconId} (one of the free default icons). This page sees the change by itself ` +
    'within a minute; the button below checks at once.';
  pollVerification(app, send);
  announce('verify-challenge', { round: msg.round, iconId: msg.iconId });
}

// Until the server says how it ended: `verified`, or `verify-failed` (the time ran out, among
// others: the server keeps the deadline, which a busy Riot budget moves).
export function pollVerification(app, send) {
  clearInterval(app.verifyPoll);
  app.verifyPoll = setInterval(() => send(build.verifyRiotCheck(requestId('v'))), VERIFY_POLL_MS);
}

// The verification ended (verified, refused, expired) or was lost with its connection: the
// server keeps a pending one per connection.
export function stopVerification(app) {
  clearInterval(app.verifyPoll);
  app.verifyPoll = 0;
  app.verifyStep = null;
  app.verifyRefusal = null;
  $('verify-box').hidden = true;
}

// A link code lives 10 minutes from its making (protocol-identity.md), counted here from its
// arrival: `expiresAtMs` is the server's clock, which this computer's may not match.
export const LINK_CODE_LIFE_MS = 10 * 60 * 1000;

// This browser asked to be linked: its code and fingerprint, for the player's other device.
// Taken down when it expires: approved after that, it would be refused, and typed again it
// counts towards the wrong codes that cancel the Riot ID's requests.
export function showLinkCode(app, msg) {
  showProblem('identity-note', null);
  takeLinkCodeDown(app);
  app.awaitingLink = true;
  $('link-box').hidden = false;
  $('link-code').textContent = msg.code;
  $('link-fingerprint').textContent = msg.fingerprint;
  app.linkExpiry = setTimeout(() => {
    takeLinkCodeDown(app);
    showProblem('identity-note', 'That link code expired (a code lasts 10 minutes): press “Link ' +
                'to my other device” for a new one.');
    announce('link-expired', { code: msg.code });
  }, LINK_CODE_LIFE_MS);
  announce('link-code', { code: msg.code, fingerprint: msg.fingerprint });
}

// The code shown is no longer awaited: approved, expired, or lost with its connection.
export function takeLinkCodeDown(app) {
  clearTimeout(app.linkExpiry);
  app.linkExpiry = 0;
  app.awaitingLink = false;
  $('link-box').hidden = true;
}

// The device just approved, by the fingerprint of its key: the player compares it with the one
// that device shows (the link is meant for theirs, not for whoever talked them into typing a
// code), and unlinks it here when they differ.
export async function showApproved(app, key) {
  const raw = fromBase64url(key);
  const print = raw?.length === 32 ? await fingerprint(raw) : '?';
  app.approvedKey = key;
  $('approved-text').textContent = `Linked the device with fingerprint ${print}. That device ` +
    'shows its fingerprint under its code: if it is not the same, press Unlink now.';
  $('approved-box').hidden = false;
  announce('link-approved', { key, mine: false, fingerprint: print });
  setStatus('The other device is linked: check its fingerprint below.');
}

export function onDeviceUnlinked(app, msg) {
  if (msg.key !== app.approvedKey) return;
  app.approvedKey = null;
  $('approved-box').hidden = true;
  announce('device-unlinked', { key: msg.key });
  setStatus('Unlinked that device: it is signed out and cannot sign in as you again.');
}
