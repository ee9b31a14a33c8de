// The by-hand join link: query parameters riot, game, team (100 or 200), teammates
// (comma-separated Riot IDs) and autojoin=1. Pure: the page fills its form from parseJoinLink and
// shares buildJoinLink's address.
import { isRiotId } from './protocol.js';

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
  const out = { riot: '', game: '', team: '', teammates: [], autojoin: false, problems: [] };
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
    const folded = mate.normalize('NFC').toLowerCase();
    if (seen.has(folded)) continue;
    seen.add(folded);
    out.teammates.push(mate);
  }
  if (out.teammates.length > 5) {
    out.problems.push('teammates: a team has at most five players');
    out.teammates = out.teammates.slice(0, 5);
  }
  out.autojoin = q.get('autojoin') === '1';
  return out;
}

// Whether a parsed link names a whole by-hand game (what autojoin needs).
export function isCompleteJoin(link) {
  return Boolean(link.riot && link.game && link.team && link.teammates.length > 0);
}

// The roster a by-hand join sends: the teammates, with the player added when missing.
export function rosterFor(riot, teammates) {
  const folded = (s) => s.normalize('NFC').toLowerCase();
  const list = [...teammates];
  if (riot && !list.some((m) => folded(m) === folded(riot))) list.unshift(riot);
  return list;
}

// The link for `join` ({riot?, game, team, teammates, autojoin?}) on the page at `base` (its
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
  if (join.autojoin) q.set('autojoin', '1');
  u.search = q.toString();
  return u.toString();
}
