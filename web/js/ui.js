// The page's DOM: reading the form, drawing teammates, chat and status. State the tests (and
// assistive technology) read is kept in data attributes and ARIA, never only in colour.
import { identityLabel } from './protocol.js';
import { routeWords } from './link_route.js';

export const $ = (id) => document.getElementById(id);

// Every change of the page's state is also a `shotcall` event on window (and a console line),
// for people and for tests (tests/web/e2e/page_driver.mjs prints them).
export function announce(name, detail = {}) {
  window.dispatchEvent(new CustomEvent('shotcall', { detail: { name, ...detail } }));
  console.info(`shotcall:${name}`, JSON.stringify({ ...detail, stream: undefined }));
}

export function setPageState(key, value) {
  document.body.dataset[key] = value;
}

export function setStatus(text) {
  $('status').textContent = text;
}

const CONN_TEXT = {
  idle: 'Not connected',
  connecting: 'Connecting…',
  open: 'Connected',
  reconnecting: 'Reconnecting…',
  closed: 'Disconnected',
};

export function setConnection(state) {
  setPageState('conn', state);
  $('conn-status').textContent = CONN_TEXT[state] ?? state;
}

export function showProblem(id, text) {
  const p = $(id);
  p.textContent = text ?? '';
  p.hidden = !text;
}

export function readJoinForm() {
  return {
    riot: $('riot-id').value.trim(),
    mode: document.querySelector('input[name="mode"]:checked').value,
    game: $('game-id').value.trim(),
    team: $('team-id').value,
    teammates: $('teammates').value.split(',').map((s) => s.trim()).filter(Boolean),
  };
}

export function fillJoinForm(link) {
  if (link.riot) $('riot-id').value = link.riot;
  // A link names a game by hand, whatever mode the browser restored on a reload.
  if (link.game) {
    $('mode-manual').checked = true;
    showManualFields(true);
  }
  if (link.game) $('game-id').value = link.game;
  if (link.team) $('team-id').value = link.team;
  if (link.teammates.length) $('teammates').value = link.teammates.join(', ');
}

export function showManualFields(show) {
  $('manual-fields').hidden = !show;
  $('watch-note').hidden = show;  // the server's watch, and what Riot hides from it
}

export function setJoined(joined) {
  $('join-button').disabled = joined;
  $('leave-button').disabled = !joined;
  for (const id of ['chat-input', 'chat-send']) $(id).disabled = !joined;
  for (const el of $('join-form').querySelectorAll('input, select')) el.disabled = joined;
}

export function setPressed(id, pressed) {
  $(id).setAttribute('aria-pressed', String(pressed));
}

export function setIdentityBadge(badge, level) {
  badge.dataset.identity = level;
  badge.textContent = identityLabel(level);
  badge.title = level === 'riot' ? 'Verified with Riot' : level === 'key' ?
    'Same browser as before, not verified with Riot' : 'Not verified';
}

// One teammate's row: name, identity, speaking dot, link quality, volume.
export class MateRow {
  // `key` names the teammate for the page's lifetime (their peerId changes on reconnects).
  constructor(key, riotId, identity, volume, onVolume) {
    const li = document.createElement('li');
    li.dataset.key = key;
    li.dataset.riotId = riotId;
    li.dataset.link = 'new';
    li.dataset.audio = 'waiting';
    this.li = li;

    this.dot = document.createElement('span');
    this.dot.className = 'speaking';
    this.dot.setAttribute('role', 'img');
    this.dot.setAttribute('aria-label', 'not speaking');

    const name = document.createElement('span');
    name.className = 'mate-name';
    name.textContent = riotId;
    this.badge = document.createElement('span');
    this.badge.className = 'badge';
    name.append(' ', this.badge);

    this.detail = document.createElement('span');
    this.detail.className = 'mate-detail';
    this.detail.textContent = 'connecting…';

    const vol = document.createElement('span');
    vol.className = 'mate-volume';
    const id = `vol-${encodeURIComponent(key).replace(/[^A-Za-z0-9_-]/g, '_')}`;
    const label = document.createElement('label');
    label.htmlFor = id;
    label.className = 'visually-hidden';
    label.textContent = `Volume for ${riotId}`;
    const range = document.createElement('input');
    range.type = 'range';
    range.id = id;
    range.min = '0';
    range.max = '100';
    range.value = String(Math.round(volume * 100));
    range.addEventListener('input', () => onVolume(Number(range.value) / 100));
    vol.append(label, range);

    li.append(this.dot, name, vol, this.detail);
    this.setIdentity(identity ?? 'none');
    this.link = 'new';
    this.quality = null;
  }

  setIdentity(level) {
    this.li.dataset.identity = level;
    setIdentityBadge(this.badge, level);
  }

  setLink(state) {
    this.link = state;
    this.li.dataset.link = state;
    this.#drawDetail();
  }

  setQuality(q) {
    this.quality = q;
    if (q?.receiving) this.li.dataset.audio = 'flowing';
    this.#drawDetail();
  }

  setSpeaking(speaking) {
    const v = String(speaking);
    if (this.dot.dataset.speaking === v) return;
    this.dot.dataset.speaking = v;
    this.li.dataset.speaking = v;
    this.dot.setAttribute('aria-label', speaking ? 'speaking' : 'not speaking');
  }

  #drawDetail() {
    const words = { new: 'connecting…', connecting: 'connecting…', connected: 'connected',
                    disconnected: 'connection interrupted', failed: 'connection failed',
                    closed: 'left' };
    let text = words[this.link] ?? this.link;
    const q = this.quality;
    const [routeWord, routeMeaning] = routeWords(this.link === 'connected' ? q?.route : null);
    if (this.link === 'connected' && q) {
      if (q.rttMs !== null) text += ` · ${q.rttMs} ms`;
      text += ` · ${q.lossPct}% loss`;
      if (routeWord) text += ` · ${routeWord}`;
    }
    this.detail.textContent = text;
    // Direct or relayed, explained on hover and to a screen reader.
    this.li.dataset.route = routeWord || 'unknown';
    this.detail.title = routeMeaning;
    if (routeMeaning) this.detail.setAttribute('aria-description', routeMeaning);
    else this.detail.removeAttribute('aria-description');
  }
}

export function appendChat({ riotId, text, ts }) {
  const li = document.createElement('li');
  const who = document.createElement('span');
  who.className = 'who';
  who.textContent = riotId;
  const body = document.createElement('span');
  body.textContent = text;
  const time = document.createElement('time');
  const d = new Date(ts);
  time.dateTime = d.toISOString();
  time.textContent = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  li.append(who, body, time);
  const log = $('chat-log');
  log.append(li);
  log.scrollTop = log.scrollHeight;
}
