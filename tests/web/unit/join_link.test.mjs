// The by-hand join link: what a link fills in, what it refuses, and round trips.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { buildJoinLink, invitation, parseJoinLink, rosterFor } from '../../../web/js/join_link.js';

test('a complete link fills every field; an old link\'s autojoin is ignored', () => {
  const l = parseJoinLink('?riot=Me%23EUW&game=6789&team=200&teammates=Me%23EUW,%20You%23EUW&autojoin=1');
  assert.deepEqual(l, { riot: 'Me#EUW', game: '6789', team: '200', teammates: ['Me#EUW', 'You#EUW'],
                        problems: [] });
});

test('bad values are left out and named', () => {
  const l = parseJoinLink('riot=nohash&team=300&teammates=a%23b,,bad,A%23B');
  assert.equal(l.riot, '');
  assert.equal(l.team, '');
  assert.deepEqual(l.teammates, ['a#b']);  // the same player twice counts once
  assert.equal(l.problems.length, 3);
  assert.match(l.problems.join('\n'), /riot/);
  assert.match(l.problems.join('\n'), /team: must be 100 or 200/);
  assert.match(l.problems.join('\n'), /"bad"/);
});

test('at most five teammates; an over-long game is refused', () => {
  const mates = ['a', 'b', 'c', 'd', 'e', 'f'].map((x) => `${x}%23T`).join(',');
  const l = parseJoinLink(`teammates=${mates}&game=${'g'.repeat(65)}`);
  assert.equal(l.teammates.length, 5);
  assert.equal(l.game, '');
  assert.equal(l.problems.length, 2);
});

test('a built link parses back to the same join, and drops the page\'s old query', () => {
  const join = { riot: 'Straße#DE', game: 'lcd-0123456789abcdef', team: '100',
                 teammates: ['Straße#DE', 'Σίσυφος#GR', 'a b#1'] };
  const url = buildJoinLink('http://127.0.0.1:7800/?old=1#frag', join);
  assert.ok(url.startsWith('http://127.0.0.1:7800/?'));
  assert.ok(!url.includes('old=') && !url.includes('#frag'));
  const back = parseJoinLink(new URL(url).search);
  assert.deepEqual(back, { ...join, problems: [] });
});

test('a team link leaves riot out; the roster always holds the player', () => {
  const url = buildJoinLink('http://h/', { game: 'g', team: 100, teammates: ['x#1'] });
  assert.equal(new URL(url).searchParams.get('riot'), null);
  assert.deepEqual(rosterFor('Me#1', ['x#1']), ['Me#1', 'x#1']);
  assert.deepEqual(rosterFor('me#1', ['x#1', 'ME#1']), ['x#1', 'ME#1']);
});

test('a link invites to press Join, naming the game, the side and the others', () => {
  const form = { riot: 'me#EUW', game: 'Clash-1', team: '200', teammates: ['Me#EUW', 'You#EUW'] };
  assert.deepEqual(invitation(form), {
    focus: 'join-button',
    text: 'Press Join to talk in game “Clash-1”, red side, with You#EUW. ' +
      'Your microphone turns on when you join.',
  });
});

test('a team link with no Riot ID asks for it first; no game, no invitation', () => {
  const form = { riot: '', game: 'g', team: '100', teammates: ['A#1', 'B#1'] };
  assert.deepEqual(invitation(form), {
    focus: 'riot-id', text: 'Type your Riot ID, then press Join to talk in game “g”, blue side, with A#1, B#1.',
  });
  assert.equal(invitation({ ...form, riot: 'nohash' }).focus, 'riot-id');
  assert.equal(invitation({ riot: 'Me#1', game: '', team: '100', teammates: [] }), null);
});
