// This browser's identity key for one server host (shared/protocol-identity.md, "Keys and
// proofs"): a non-extractable Ed25519 key pair in IndexedDB, and the proofs made with it. The
// text and encoding helpers at the top are pure (Node's test runner checks them); only
// loadIdentity touches IndexedDB.

export const PROOF_TAG = 'shotcall-identity-1';

// RFC 4648 §5 without padding.
export function base64url(bytes) {
  const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let bin = '';
  for (const x of b) bin += String.fromCharCode(x);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

// The bytes of RFC 4648 §5 text without padding, or null when it is not that.
export function fromBase64url(text) {
  if (typeof text !== 'string' || !/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1)
    return null;
  const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

// The text a proof signs, as UTF-8: every part exactly as sent.
export function proofText(purpose, host, challenge, key, riotId) {
  return `${PROOF_TAG}\n${purpose}\n${host}\n${challenge}\n${key}\n${riotId}`;
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

// Crockford base32, most significant bit first, without padding.
export function crockford32(bytes) {
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += CROCKFORD[(acc >>> (bits - 5)) & 31];
      bits -= 5;
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) out += CROCKFORD[(acc << (5 - bits)) & 31];
  return out;
}

// A key's fingerprint: the first 8 characters of Crockford base32 of SHA-256 over its 32 raw
// bytes. Shown on both screens when a device is linked.
export async function fingerprint(rawKey, subtle = globalThis.crypto.subtle) {
  const digest = new Uint8Array(await subtle.digest('SHA-256', rawKey));
  return crockford32(digest).slice(0, 8);
}

// Link codes are read case-insensitively, and Crockford's look-alikes (O, I, L) mean 0 and 1.
export function normaliseLinkCode(text) {
  return String(text).toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
}

// Signs `proofText(...)` with `identity` (from loadIdentity): the fields a request carries.
export async function makeProof(identity, purpose, host, challenge, riotId,
                                subtle = globalThis.crypto.subtle) {
  const text = proofText(purpose, host, challenge, identity.key, riotId);
  const sig = await subtle.sign({ name: 'Ed25519' }, identity.keyPair.privateKey,
                                new TextEncoder().encode(text));
  return { key: identity.key, proof: base64url(new Uint8Array(sig)), host };
}

const DB_NAME = 'shotcall-identity';
const STORE = 'keys';

function request(r) {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

function openDb() {
  const r = indexedDB.open(DB_NAME, 1);
  r.onupgradeneeded = () => r.result.createObjectStore(STORE);
  return request(r);
}

// This browser's key pair for `host` (created and stored on first use), with its base64url
// public key and fingerprint. `persistent` is false when IndexedDB refused to keep it (private
// browsing): the page then registers without a proof, as the spec asks.
export async function loadIdentity(host) {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return null;  // not a secure context: no WebCrypto, no identity
  let db = null;
  try {
    db = await openDb();
    const tx = db.transaction(STORE, 'readonly');
    const stored = await request(tx.objectStore(STORE).get(host));
    if (stored?.privateKey && stored?.publicKey) return await describe(stored, true);
  } catch {
    db = null;
  }
  let keyPair;
  try {
    keyPair = await subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify']);
  } catch {
    return null;  // no Ed25519 in this browser
  }
  let persistent = false;
  if (db) {
    try {
      const tx = db.transaction(STORE, 'readwrite');
      await request(tx.objectStore(STORE).put(keyPair, host));
      persistent = true;
    } catch {
      persistent = false;
    }
  }
  return describe(keyPair, persistent);
}

async function describe(keyPair, persistent) {
  const raw = new Uint8Array(await crypto.subtle.exportKey('raw', keyPair.publicKey));
  return { keyPair, key: base64url(raw), fingerprint: await fingerprint(raw), persistent };
}
