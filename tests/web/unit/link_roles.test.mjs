// The page's rules for links when the server names a teammate again and when a link fails
// (web/js/link_roles.js): the same outcomes the app's session core is held to in
// tests/session/session_core_test.cpp, so that a page and the app agree after a server restart.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { keepsLinkOnMember, roleForRebuild } from '../../../web/js/link_roles.js';

const back = (link, more = {}) =>
  ({ stayed: false, linkedBefore: true, hasLink: true, link, ...more });

test('a link that is up stays when the teammate comes back with a new peerId', () => {
  assert.equal(keepsLinkOnMember(back('connected'), true), true);
  assert.equal(keepsLinkOnMember(back('connected'), false), true);
  assert.equal(keepsLinkOnMember(back('disconnected'), false), true);
});

test('a link that is not up is built again when the teammate comes back with a new peerId', () => {
  // Waiting for an offer on a fresh connection ('new'), being built, failed or gone.
  for (const link of ['new', 'connecting', 'failed', 'closed']) {
    assert.equal(keepsLinkOnMember(back(link), true), false, link);
    assert.equal(keepsLinkOnMember(back(link), false), false, link);
  }
  assert.equal(keepsLinkOnMember(back('connected', { hasLink: false }), false), false);
});

test('we came back while they kept their connection: we offer on a new link', () => {
  assert.equal(keepsLinkOnMember(back('connected', { stayed: true }), true), false);
  // Linked only since our latest registration: nothing they could have dropped.
  assert.equal(
    keepsLinkOnMember(back('connected', { stayed: true, linkedBefore: false }), true), true);
});

test('the same peerId named again keeps a link that has not failed', () => {
  const again = (link) => back(link, { stayed: true, linkedBefore: false });
  assert.equal(keepsLinkOnMember(again('connecting'), true), true);
  assert.equal(keepsLinkOnMember(again('new'), false), true);
  assert.equal(keepsLinkOnMember(again('failed'), true), false);
});

test('a failed link kept with the roles of before is built with this membership\'s', () => {
  assert.equal(roleForRebuild({ linkOffers: true, memberOffers: false, inChannel: true }), false);
  assert.equal(roleForRebuild({ linkOffers: false, memberOffers: true, inChannel: true }), true);
});

test('a failed link with this membership\'s roles is left to its own rebuilds', () => {
  assert.equal(roleForRebuild({ linkOffers: true, memberOffers: true, inChannel: true }), null);
  assert.equal(roleForRebuild({ linkOffers: false, memberOffers: false, inChannel: true }), null);
  // Out of the channel (the server is away): no membership to follow yet.
  assert.equal(roleForRebuild({ linkOffers: true, memberOffers: false, inChannel: false }), null);
});
