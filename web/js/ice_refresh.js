// Renewing time-limited TURN credentials (docs/protocol.md, "Fresh ICE servers"): the page stays
// connected for hours, while a `turn:` username `<expiry unix seconds>:…` stops working at its
// expiry. The same schedule as the app's (app/net/ice_refresh.cpp): a tenth of the remaining
// lifetime before the expiry, at least a minute before, never later than halfway through, never
// sooner than a second from now; an expired list is asked for again after a minute.

export const MIN_MARGIN_MS = 60_000;
export const MIN_DELAY_MS = 1_000;
export const EXPIRED_DELAY_MS = 60_000;
// Timers are armed for at most this long and the wall clock decides when they fire: a computer
// that slept through the expiry asks at once when it wakes.
export const RECHECK_MS = 5 * 60_000;
// Asked, but no answer (or a passing error): ask again after this long.
export const NO_ANSWER_MS = 60_000;
export const REQUEST_ID = 'ice-refresh';

const urlsOf = (server) => (Array.isArray(server?.urls) ? server.urls : [server?.urls]);
const isTurnUrl = (url) => typeof url === 'string' && /^turns?:/.test(url);

// The earliest expiry (unix seconds) among TURN entries with a time-limited username, or null.
export function turnCredentialsExpiry(iceServers) {
  let earliest = null;
  for (const server of Array.isArray(iceServers) ? iceServers : []) {
    if (typeof server?.username !== 'string' || !urlsOf(server).some(isTurnUrl)) continue;
    const m = /^(\d{1,15}):/.exec(server.username);
    if (!m) continue;
    const expiry = Number(m[1]);
    if (earliest === null || expiry < earliest) earliest = expiry;
  }
  return earliest;
}

// When (unix ms) to send refresh-ice-servers for a list received at `nowMs`; null: never.
export function iceRefreshAt(iceServers, nowMs) {
  const expiry = turnCredentialsExpiry(iceServers);
  if (expiry === null) return null;
  const remaining = expiry * 1000 - nowMs;
  if (remaining <= 0) return nowMs + EXPIRED_DELAY_MS;
  const margin = Math.min(Math.max(MIN_MARGIN_MS, Math.floor(remaining / 10)),
                          Math.floor(remaining / 2));
  return nowMs + Math.max(remaining - margin, MIN_DELAY_MS);
}

// The schedule on a connection. `send(frame)` sends a text frame; the clock and the timers can
// be replaced (tests). Give it every `connected.iceServers` and `ice-servers` list, every
// `error`, and stop() when the connection is lost.
export class IceRefresher {
  // The timers are called as plain functions: a browser's setTimeout called as a method of this
  // object throws "Illegal invocation".
  constructor({ send, frame, now = () => Date.now(), setTimer = (fn, ms) => setTimeout(fn, ms),
                clearTimer = (t) => clearTimeout(t), log = (text) => console.info(text) }) {
    Object.assign(this, { send, frame, now, setTimer, clearTimer, log });
    this.due = null;
    this.timer = null;
    this.unsupported = false;
  }

  onServers(iceServers) {
    if (this.unsupported) return;
    this.due = iceRefreshAt(iceServers, this.now());
    this.arm();
  }

  // Ask now: under policy riot a connection gets its relay with the level it has just reached.
  refreshNow() {
    if (this.unsupported) return;
    this.due = this.now();
    this.arm();
  }

  // True when `msg` answered our own request (the page need not show it).
  onError(msg) {
    if (msg?.type !== 'error' || (msg.id !== REQUEST_ID && msg.re !== 'refresh-ice-servers'))
      return false;
    if (msg.code === 'unknown-type') {
      // A server older than the extension: asking again would only repeat this answer.
      this.unsupported = true;
      this.stop();
      this.log('shotcall: the server cannot renew TURN credentials (no refresh-ice-servers)');
    } else {
      this.due = this.now() + NO_ANSWER_MS;
      this.arm();
    }
    return true;
  }

  stop() {
    this.due = null;
    this.arm();
  }

  arm() {
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
    if (this.due === null) return;
    const wait = Math.min(Math.max(this.due - this.now(), 0), RECHECK_MS);
    this.timer = this.setTimer(() => this.fire(), wait);
  }

  fire() {
    this.timer = null;
    if (this.due === null) return;
    if (this.due - this.now() > 50) return this.arm();  // a recheck, or a timer that ran early
    this.send(this.frame(REQUEST_ID));
    this.due = this.now() + NO_ANSWER_MS;  // the answer reschedules
    this.arm();
  }
}
