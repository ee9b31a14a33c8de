// Which path a link's audio takes, from RTCPeerConnection.getStats(): "direct" (host, srflx or
// prflx candidates at both ends) or "relayed" (either end a TURN relay candidate). Pure: takes
// the report's entries, so node tests feed it plain objects.

// The selected candidate pair: the one the transport names (Chrome, Safari), else the one marked
// selected (Firefox), else a nominated pair that succeeded.
function selectedPair(byId, entries) {
  for (const s of entries) {
    if (s.type === 'transport' && s.selectedCandidatePairId && byId.has(s.selectedCandidatePairId))
      return byId.get(s.selectedCandidatePairId);
  }
  const pairs = entries.filter((s) => s.type === 'candidate-pair');
  return pairs.find((p) => p.selected === true) ??
         pairs.find((p) => p.nominated && p.state === 'succeeded') ?? null;
}

// entries: the values of an RTCStatsReport (any iterable of stats objects).
// Returns { route: 'direct' | 'relayed' | 'unknown', localCandidate, remoteCandidate }, the
// candidate types ('host', 'srflx', 'prflx', 'relay') being null while unknown.
export function linkRoute(entries) {
  const list = [...entries];
  const byId = new Map(list.map((s) => [s.id, s]));
  const unknown = { route: 'unknown', localCandidate: null, remoteCandidate: null };
  const pair = selectedPair(byId, list);
  if (!pair) return unknown;
  const local = byId.get(pair.localCandidateId)?.candidateType;
  const remote = byId.get(pair.remoteCandidateId)?.candidateType;
  if (!local || !remote) return unknown;
  const relayed = local === 'relay' || remote === 'relay';
  return { route: relayed ? 'relayed' : 'direct', localCandidate: local, remoteCandidate: remote };
}

// What the row says and what a screen reader hears: ['direct', 'Direct connection: ...'].
export function routeWords(route) {
  if (route === 'direct')
    return ['direct', 'Direct connection: your voices travel straight between your computers.'];
  if (route === 'relayed')
    return ['relayed', "Relayed connection: your voices pass through the server's relay (TURN), " +
                       'still encrypted end to end.'];
  return ['', ''];
}
