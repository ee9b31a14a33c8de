// The team on the page: one row per teammate, keyed by folded Riot ID as the app keys them (a
// link outlives a signaling outage; a peerId is only where their signals go for now), their
// links in the mesh, their voices, levels and link quality. The rules for who stays and who
// offers are the app's session core's (app/session/session_core.cpp), so that the page and the
// app agree after a server restart. Every function acts on main.js's page state (`app`).
import { LevelMeter, SPEAKING_LEVEL, Voice } from './audio.js';
import { showSoundBlocked, transmitting } from './controls.js';
import { keepsLinkOnMember, roleForRebuild } from './link_roles.js';
import { foldRiotId } from './protocol.js';
import { $, MateRow, announce } from './ui.js';

export function keyOfPeer(app, peerId) {
  for (const [key, mate] of app.mates) if (mate.peerId === peerId) return key;
  return null;
}

// A member of our channel, seen on joining (`weOffer`) or when they join. The same rules as the
// app's session core (app/session/session_core.cpp), so the page and the app agree after a
// server restart about which links stay and who offers.
export function onMember(app, member, weOffer) {
  const key = foldRiotId(member.riotId);
  if (!member.peerId || key === foldRiotId(app.want?.riot ?? '')) return;
  let mate = app.mates.get(key);
  if (mate) {
    const stayed = mate.lastPeerId === member.peerId;
    const linkedBefore = mate.sinceReregistration;
    mate.sinceReregistration = false;
    // Who offers by the event that first named this peerId (a repeated member list says nothing
    // new): a link kept across a server restart may follow the roles of before (onLinkState).
    if (!stayed) mate.memberOffers = weOffer;
    mate.peerId = member.peerId;
    mate.lastPeerId = member.peerId;
    if (member.identity) mate.row.setIdentity(member.identity);
    const keep = keepsLinkOnMember(
        { stayed, linkedBefore, hasLink: app.mesh.has(key), link: mate.row.link }, weOffer);
    if (keep) return;
    removeMate(app, key);
  }
  mate = addMate(app, key, member.peerId, member.riotId, member.identity, weOffer);
  if (weOffer) app.mesh.offerTo(key, member.riotId).catch((e) => console.error('shotcall: offer', e));
  else app.mesh.expect(key, member.riotId);
}

// Leaves the channel's mesh (we leave, or the server replaced us).
export function dropChannel(app) {
  app.channelId = null;
  app.mesh.closeAll();
  for (const key of [...app.mates.keys()]) removeMate(app, key);
}

// The signaling connection is gone: the links to teammates carry on peer to peer, and their
// peerIds are forgotten until we are back in the channel.
export function loseSignaling(app) {
  app.channelId = null;
  app.peerId = null;
  for (const mate of app.mates.values()) mate.peerId = null;
  // A link the mesh gave up on has no rebuild left that could reach them (onLinkGaveUp).
  for (const key of [...app.mates.keys()]) if (app.mesh.gaveUp(key)) removeMate(app, key);
}

// `weOffer`: we offer on the link about to be built (the membership's roles).
export function addMate(app, key, peerId, riotId, identity, weOffer) {
  const mate = { key, peerId, lastPeerId: peerId, sinceReregistration: false, memberOffers: weOffer,
                 row: null, voice: null, meter: null, volume: app.volumes.get(key) ?? 1 };
  mate.row = new MateRow(key, riotId, identity, mate.volume, (v) => {
    mate.volume = v;
    app.volumes.set(key, v);
    mate.voice?.setVolume(v);
  });
  app.mates.set(key, mate);
  $('team').append(mate.row.li);
  announce('mate', { peerId, riotId, identity: identity ?? 'none' });
  $('team-empty').hidden = true;
  return mate;
}

export function removeMate(app, key) {
  const mate = app.mates.get(key);
  if (!mate) return;
  app.mates.delete(key);
  mate.voice?.close();
  mate.meter?.close();
  mate.row.li.remove();
  app.mesh.remove(key);
  $('team-empty').hidden = app.mates.size > 0;
  announce('mate-left', { peerId: mate.peerId, riotId: mate.row.li.dataset.riotId });
}

export async function onTrack(app, key, stream) {
  const mate = app.mates.get(key);
  if (!mate || mate.voice?.stream === stream) return;
  // A rebuilt link brings a new stream: it replaces the dead one.
  mate.voice?.close();
  mate.meter?.close();
  mate.meter = null;
  mate.voice = new Voice(stream);
  mate.voice.setVolume(mate.volume);
  mate.voice.setDeafened(app.deafened);
  if (!(await mate.voice.play())) showSoundBlocked(app, true);
  if (app.audioContext) mate.meter = new LevelMeter(app.audioContext, stream);
  // The stream goes with the event so a recorder (the browser tests) can listen in as well.
  announce('track', { peerId: mate.peerId, riotId: mate.row.li.dataset.riotId, stream });
}

export function onLinkState(app, key, state) {
  const mate = app.mates.get(key);
  if (!mate) return;
  mate.row.setLink(state);
  announce('link', { peerId: mate.peerId, riotId: mate.row.li.dataset.riotId, state });
  // After the mesh has taken the failure in (it may already be rebuilding).
  if (state === 'failed') setTimeout(() => takeMembersRoles(app, key), 0);
}

// A link kept across a server restart may follow the roles of before (link_roles.js). One the
// mesh gave up on stays as it is (onLinkGaveUp).
function takeMembersRoles(app, key) {
  const mate = app.mates.get(key);
  const linkOffers = app.mesh.offers(key);
  if (!mate || !mate.peerId || linkOffers === null || app.mesh.gaveUp(key)) return;
  const offer = roleForRebuild({
    linkOffers, memberOffers: mate.memberOffers, inChannel: Boolean(app.channelId),
  });
  if (offer === null) return;
  const riotId = mate.row.li.dataset.riotId;
  app.mesh.remove(key);
  if (offer) app.mesh.offerTo(key, riotId).catch((e) => console.error('shotcall: offer', e));
  else app.mesh.expect(key, riotId);
}

// The mesh stopped rebuilding the link (mesh.js: the failure after its last rebuild). A
// teammate who is not in our channel then (they left while the server was away, or have not come
// back to it) is let go, as the app lets go when its engine gives up
// (SessionCore::on_engine_peer_failed): no "connection failed" row stays behind. Should they be
// in the channel when we are, they come back as a member. Before that, a link that fails while
// the server is away keeps its rebuilds: its offer goes out once both are back.
export function onLinkGaveUp(app, key) {
  if (app.mates.get(key) && !app.mates.get(key).peerId) removeMate(app, key);
}

export async function pollQuality(app) {
  for (const [key, mate] of app.mates) {
    const q = await app.mesh.quality(key).catch(() => null);
    if (!q) continue;
    const wasFlowing = mate.row.li.dataset.audio === 'flowing';
    mate.row.setQuality(q);
    if (!wasFlowing && q.receiving)
      announce('audio', { peerId: mate.peerId, riotId: mate.row.li.dataset.riotId });
  }
}

export function drawLevels(app) {
  if (app.selfMeter) {
    const level = app.selfMeter.level();
    $('self-level').value = Math.min(1, level * 8);
    $('self-speaking').dataset.speaking = String(transmitting(app) && level > SPEAKING_LEVEL);
  }
  for (const mate of app.mates.values())
    if (mate.meter) mate.row.setSpeaking(!app.deafened && mate.meter.level() > SPEAKING_LEVEL);
  requestAnimationFrame(() => drawLevels(app));
}
