// Which link to a teammate the page keeps when the server names them as a member again, and with
// which roles a failed link is built again. The app's rules (app/session/session_core.cpp
// on_member and on_engine_link_down), so that the page and the app agree after a server restart
// about which links stay and who offers. One old difference: a failed link named again with the
// same peerId is built again here, where the app keeps it, failed. Pure: team.js applies them.

// `mate`: `stayed` (the same peerId as when we last saw them), `linkedBefore` (linked before our
// latest registration), `hasLink` (the mesh holds a link to them), `link` (its connection state).
// `weOffer`: the role this membership event gives us (we joined: we offer).
export function keepsLinkOnMember({ stayed, linkedBefore, hasLink, link }, weOffer) {
  if (!hasLink) return false;
  // We came back with a new connection while they kept theirs: they dropped their side when our
  // old connection left, so we build the link again (we joined, so we offer).
  if (weOffer && linkedBefore && stayed) return false;
  if (stayed) return !['failed', 'closed'].includes(link);
  // Back with a new peerId (the server restarted): a link that is up stays, the voice never
  // stopped ('disconnected' is ICE's passing doubt, which the app does not see). One that is not
  // is built again with this event's roles: kept, it may wait for an offer from a side that gave
  // up while the server was away and answers now.
  return link === 'connected' || link === 'disconnected';
}

// A link failed. `linkOffers`: we offer on it (the mesh's role on it now); `memberOffers`: we offer by the
// event that first named the teammate's current peerId. A link kept across a server restart may
// follow the roles of before: it is built again with this membership's, since the teammate, if
// they saw it fail first, rebuilt with those already, and the old ones would leave both sides
// answering, or both offering, for good. Returns whether to offer on the new link, or null when
// the link's own rules rebuild it (mesh.js).
export function roleForRebuild({ linkOffers, memberOffers, inChannel }) {
  return inChannel && linkOffers !== memberOffers ? memberOffers : null;
}
