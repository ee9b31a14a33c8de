// The identity module's pure parts: the text a proof signs, the encodings, the fingerprint, and
// a proof made with a real Ed25519 key (Node's WebCrypto) verifying over exactly that text.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  base64url, crockford32, fingerprint, fromBase64url, makeProof, normaliseLinkCode, proofText,
} from '../../../web/js/identity.js';

test('the proof text is the spec\'s six lines, joined by \\n, no trailing newline', () => {
  assert.equal(proofText('register', '127.0.0.1:7800', 'Y2hhbA', 'a2V5', 'Foo#EUW'),
               'shotcall-identity-1\nregister\n127.0.0.1:7800\nY2hhbA\na2V5\nFoo#EUW');
});

test('base64url: RFC 4648 §5, no padding', () => {
  assert.equal(base64url(new Uint8Array([])), '');
  assert.equal(base64url(new Uint8Array([0xfb, 0xff])), '-_8');
  assert.equal(base64url(new TextEncoder().encode('foobar')), 'Zm9vYmFy');
  assert.equal(base64url(new TextEncoder().encode('fo')), 'Zm8');
  assert.equal(base64url(new Uint8Array(32)).length, 43);
  assert.equal(base64url(new Uint8Array(64)).length, 86);
});

test('base64url read back: the bytes, or null for what is not base64url', () => {
  for (const bytes of [[], [0xfb, 0xff], [...new TextEncoder().encode('foobar')], Array(32).fill(9)])
    assert.deepEqual([...fromBase64url(base64url(new Uint8Array(bytes)))], bytes);
  for (const bad of ['a+b', 'a/b', 'abcde', 'ab=', null, 42]) assert.equal(fromBase64url(bad), null);
});

test('Crockford base32 and the 8-character fingerprint', async () => {
  assert.equal(crockford32(new Uint8Array([0])), '00');
  assert.equal(crockford32(new Uint8Array([0xff])), 'ZW');
  assert.equal(crockford32(new TextEncoder().encode('f')), 'CR');
  const raw = new Uint8Array(32).fill(7);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', raw));
  const fp = await fingerprint(raw);
  assert.equal(fp, crockford32(digest).slice(0, 8));
  assert.match(fp, /^[0-9A-HJKMNP-TV-Z]{8}$/);
});

test('link codes read case-insensitively, with Crockford\'s look-alikes', () => {
  assert.equal(normaliseLinkCode('abcd-efgh'), 'ABCDEFGH');
  assert.equal(normaliseLinkCode('o1il 2345'), '01112345');
});

test('a proof signs the UTF-8 of the proof text with the key it names', async () => {
  const keyPair = await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify']);
  assert.equal(keyPair.privateKey.extractable, false);
  const raw = new Uint8Array(await crypto.subtle.exportKey('raw', keyPair.publicKey));
  const identity = { keyPair, key: base64url(raw) };
  const p = await makeProof(identity, 'register', '127.0.0.1:7800', 'chal', 'Straße#DE');
  assert.equal(p.key, identity.key);
  assert.equal(p.host, '127.0.0.1:7800');
  assert.match(p.proof, /^[A-Za-z0-9_-]{86}$/);
  const sig = Buffer.from(p.proof, 'base64url');
  const text = new TextEncoder().encode(proofText('register', '127.0.0.1:7800', 'chal', identity.key, 'Straße#DE'));
  assert.ok(await crypto.subtle.verify({ name: 'Ed25519' }, keyPair.publicKey, sig, text));
  const other = new TextEncoder().encode(proofText('register', '127.0.0.1:7800', 'chal', identity.key, 'strasse#de'));
  assert.ok(!(await crypto.subtle.verify({ name: 'Ed25519' }, keyPair.publicKey, sig, other)));
});
