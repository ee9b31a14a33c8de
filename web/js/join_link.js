// The by-hand join link: query parameters riot, game, team (100 or 200) and teammates
// (comma-separated Riot IDs). Pure: the page fills its form from parseJoinLink, says what the
// link invites to (invitation) and shares buildJoinLink's address. Links shared before carry
// autojoin=1, which is ignored like any other parameter the page does not know.
import { foldRiotId, isRiotId } from './protocol.js';

export const TEAMS = ['100', '200'];

function teammateList(text) {
  return String(text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

// What a link (its `search` part, or a URLSearchParams) asks for. Values that are not valid are
// left out and named in `problems`, so the form shows what it could use and says what it could
// not.
export function parseJoinLink(search) {
  const q = search instanceof URLSearchParams ? search : new URLSearchParams(search);
  const out = { riot: '', game: '', team: '', teammates: [], problems: [] };
  const riot = (q.get('riot') ?? '').trim();
  if (riot) {
    if (isRiotId(riot)) out.riot = riot;
    else out.problems.push(`riot: "${riot}" is not a Riot ID (Name#TAG)`);
  }
  const game = (q.get('game') ?? '').trim();
  if (game) {
    if (new TextEncoder().encode(game).length <= 64) out.game = game;
    else out.problems.push('game: longer than 64 bytes');
  }
  const team = (q.get('team') ?? '').trim();
  if (team) {
    if (TEAMS.includes(team)) out.team = team;
    else out.problems.push(`team: must be 100 or 200, not "${team}"`);
  }
  const seen = new Set();
  for (const mate of teammateList(q.get('teammates'))) {
    if (!isRiotId(mate)) {
      out.problems.push(`teammates: "${mate}" is not a Riot ID (Name#TAG)`);
      continue;
    }
    const folded = foldRiotId(mate);
    if (seen.has(folded)) continue;
    seen.add(folded);
    out.teammates.push(mate);
  }
  if (out.teammates.length > 5) {
    out.problems.push('teammates: a team has at most five players');
    out.teammates = out.teammates.slice(0, 5);
  }
  return out;
}

const SIDES = { 100: 'blue side', 200: 'red side' };

// What the page says once a link has filled its form (`form`: {riot, game, team, teammates}, as
// the form now reads), and which control takes the focus; null when no game is named. A link
// never joins by itself: only the player's press of Join turns the microphone on. A link can
// name any game, and one that joined on opening would put whoever sent it in a call with the
// player's microphone open (where the browser remembers the permission, without a prompt).
export function invitation(form) {
  if (!form.game) return null;
  const mates = form.teammates.filter((m) => foldRiotId(m) !== foldRiotId(form.riot ?? ''));
  const where = `game “${form.game}”` + (SIDES[form.team] ? `, ${SIDES[form.team]}` : '') +
    (mates.length ? `, with ${mates.join(', ')}` : '');
  if (!isRiotId(form.riot ?? '')) {
    return { focus: 'riot-id', text: `Type your Riot ID, then press Join to talk in ${where}.` };
  }
  return { focus: 'join-button',
           text: `Press Join to talk in ${where}. Your microphone turns on when you join.` };
}

// The roster a by-hand join sends: the teammates, with the player added when missing.
export function rosterFor(riot, teammates) {
  const list = [...teammates];
  if (riot && !list.some((m) => foldRiotId(m) === foldRiotId(riot))) list.unshift(riot);
  return list;
}

// The link for `join` ({riot?, game, team, teammates}) on the page at `base` (its
// origin and path; any query or fragment is dropped). Leave `riot` out for a link meant for
// the whole team: each teammate types their own.
export function buildJoinLink(base, join) {
  const u = new URL(base);
  u.search = '';
  u.hash = '';
  const q = new URLSearchParams();
  if (join.riot) q.set('riot', join.riot);
  if (join.game) q.set('game', join.game);
  if (join.team) q.set('team', String(join.team));
  if (join.teammates?.length) q.set('teammates', join.teammates.join(','));
  u.search = q.toString();
  return u.toString();
}
