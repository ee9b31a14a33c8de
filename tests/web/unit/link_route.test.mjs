// The web client's direct/relayed word for each teammate, from getStats() entries shaped as
// Chrome and Firefox report them.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { linkRoute, routeWords } from '../../../web/js/link_route.js';

const candidates = (localType, remoteType) => [
  { id: 'L1', type: 'local-candidate', candidateType: localType },
  { id: 'R1', type: 'remote-candidate', candidateType: remoteType },
];

test('Chrome: the transport names the selected pair', () => {
  const report = [
    { id: 'T1', type: 'transport', selectedCandidatePairId: 'P2' },
    { id: 'P1', type: 'candidate-pair', localCandidateId: 'L0', remoteCandidateId: 'R1',
      nominated: true, state: 'succeeded' },
    { id: 'P2', type: 'candidate-pair', localCandidateId: 'L1', remoteCandidateId: 'R1',
      nominated: true, state: 'succeeded' },
    { id: 'L0', type: 'local-candidate', candidateType: 'host' },
    ...candidates('relay', 'srflx'),
  ];
  assert.deepEqual(linkRoute(report),
                   { route: 'relayed', localCandidate: 'relay', remoteCandidate: 'srflx' });
});

test('Firefox: the pair marked selected', () => {
  const report = new Map([
    ['P1', { id: 'P1', type: 'candidate-pair', localCandidateId: 'L1', remoteCandidateId: 'R1',
             selected: true, nominated: true, state: 'succeeded' }],
    ...candidates('host', 'prflx').map((c) => [c.id, c]),
  ]);
  assert.deepEqual(linkRoute(report.values()),
                   { route: 'direct', localCandidate: 'host', remoteCandidate: 'prflx' });
});

test('a relay at the remote end is relayed; a nominated, succeeded pair is the fallback', () => {
  const report = [
    { id: 'P1', type: 'candidate-pair', localCandidateId: 'L1', remoteCandidateId: 'R1',
      nominated: true, state: 'succeeded' },
    ...candidates('srflx', 'relay'),
  ];
  assert.equal(linkRoute(report).route, 'relayed');
});

test('unknown while no pair is selected or its candidates are missing', () => {
  const unknown = { route: 'unknown', localCandidate: null, remoteCandidate: null };
  assert.deepEqual(linkRoute([]), unknown);
  assert.deepEqual(linkRoute([
    { id: 'P1', type: 'candidate-pair', localCandidateId: 'L1', remoteCandidateId: 'R1',
      nominated: false, state: 'in-progress' },
    ...candidates('host', 'host'),
  ]), unknown);
  assert.deepEqual(linkRoute([
    { id: 'T1', type: 'transport', selectedCandidatePairId: 'P1' },
    { id: 'P1', type: 'candidate-pair', localCandidateId: 'L1', remoteCandidateId: 'gone' },
    ...candidates('host', 'host'),
  ]), unknown);
});

test('words for the row and the screen reader', () => {
  assert.equal(routeWords('direct')[0], 'direct');
  assert.match(routeWords('relayed')[1], /relay \(TURN\)/);
  assert.deepEqual(routeWords('unknown'), ['', '']);
});
