// The page's controller: the signaling connection (hello, registration with a proof, finding and
// joining the team's channel, reconnecting) and the identity requests; the teammates and their
// links are in team.js, the player's controls in controls.js. Page state goes to <body data-*> (conn, state, mic, identity) and to each
// teammate's row, and every change is also announced as a `shotcall` event on window (ui.js
// `announce`), for people and for tests.
import { bindControls, ensureAudio, releaseMicrophone } from './controls.js';
import { IceRefresher } from './ice_refresh.js';
import { loadIdentity, makeProof } from './identity.js';
import {
  forgetIdentityRequests, onDeviceUnlinked, pollVerification, showApproved, showLinkCode,
  showSelfIdentity, showVerifyStep, stopVerification, takeLinkCodeDown,
} from './identity_card.js';
import { buildJoinLink, invitation, parseJoinLink, rosterFor } from './join_link.js';
import { Mesh } from './mesh.js';
import {
  backoffMs, build, channelRefusal, isRiotId, isUnknownType, mayProveOver, parseServerFrame,
  proofHost, registerRetryMs, replacedText, requestId, RIOT_ID_IN_USE_BUDGET_MS,
  RIOT_ID_REPLACING_BUDGET_MS, verifyRefusal, waitWords, wsUrlFor,
} from './protocol.js';
import {
  dropChannel, drawLevels, keyOfPeer, loseSignaling, onLinkGaveUp, onLinkState, onMember, onTrack,
  pollQuality, removeMate,
} from './team.js';
import {
  $, announce, appendChat, fillJoinForm, readJoinForm, setConnection,
  setJoined, setPageState, setStatus, showProblem,
} from './ui.js';

const WS_URL = wsUrlFor(location);
const QUALITY_INTERVAL_MS = 1000;
// A server started with --access-token admits only registrations that carry it. The token this
// browser last signed in with is kept (same origin: this server's) and sent again by itself.
const TOKEN_KEY = 'shotcall.token';
// The Riot ID this tab signed in as, kept across a reload and a Leave (sessionStorage is the
// tab's): after either, as after a dropped connection, the server may still hold our old session
// for a while if the network was down. A 4001 (replaced) ends it.
const SIGNED_IN_KEY = 'shotcall.signed-in-as';

const app = {
  want: null,         // the join the player asked for: {riot, mode, game, team, teammates}
  ws: null,
  attempt: 0,
  reconnectTimer: 0,
  registerRefusals: 0,  // riot-id-in-use or unavailable since the last `connected`
  channelRefinds: 0,    // no-such-channel answers in a row (protocol.js, channelRefusal)
  retryDelayMs: null,   // the next reconnect's delay when the page closed on purpose to retry
  registeredOn: null,   // the WebSocket whose register-user succeeded
  provedLastSignIn: false,  // the latest register-user carried a proof of our key
  pendingChallenge: null,  // {id, resolve}: a proven request waiting for its hello reply
  awaitingLink: false,  // this page asked to be linked and shows its code
  linkExpiry: 0,        // the timer that takes that code down when it expires
  approvedKey: null,    // the key of the device this page approved last, until unlinked or left
  verifyPoll: 0,        // the timer asking verify-riot-check while an icon is awaited
  verifyStep: null,     // "round/iconId" of the step shown
  verifyRefusal: null,  // the words of a verify-busy that may have been a limit (onError)
  lastNotice: null,     // the text of the latest `notice` on this connection
  challenge: null,
  features: [],
  peerId: null,
  channelId: null,
  selfIdentity: 'none',
  identity: null,     // {keyPair, key, fingerprint, persistent} or null
  mic: null,          // MediaStream or null
  micTrack: null,
  micWatch: null,     // while a wanted microphone is missing: what retries it (controls.js)
  muted: false,
  deafened: false,
  talkMode: 'open',
  pttKey: 'Space',
  pttHeld: false,
  audioContext: null,
  silence: null,      // what links send with no microphone (controls.js feedLinks); false: none
  selfMeter: null,
  // Teammates by folded Riot ID, as the app keys them: a link outlives a signaling outage, and
  // the teammate's peerId is only where their signals go for now.
  mates: new Map(),   // key -> {key, peerId, lastPeerId, sinceReregistration, row, voice, …}
  volumes: new Map(), // key -> the volume the player set for that teammate (their row may be rebuilt)
  soundBlocked: false,
  // Renews time-limited TURN credentials before they expire (refresh-ice-servers).
  iceRefresher: new IceRefresher({ send, frame: build.refreshIceServers }),
};

function setState(state, text) {
  setPageState('state', state);
  if (text !== undefined) setStatus(text);
  announce('state', { state });
}

// ---- signaling -------------------------------------------------------------------------------

function send(text) {
  if (app.ws?.readyState === WebSocket.OPEN) app.ws.send(text);
}

function connect() {
  clearTimeout(app.reconnectTimer);
  setConnection(app.attempt === 0 ? 'connecting' : 'reconnecting');
  const ws = new WebSocket(WS_URL);
  app.ws = ws;
  app.lastNotice = null;
  ws.onopen = () => {
    if (app.ws !== ws) return;
    setConnection('open');
    app.challenge = null;
    send(build.hello(requestId('h')));
  };
  ws.onmessage = (e) => {
    if (app.ws !== ws) return;
    const msg = parseServerFrame(e.data);
    if (msg) onServerMessage(msg).catch((err) => console.error('shotcall:', err));
  };
  ws.onclose = (e) => {
    if (app.ws !== ws) return;
    app.ws = null;
    app.iceRefresher.stop();  // the next `connected` brings new credentials
    settleProofRequest(null);  // a proven request in flight is lost with its connection
    forgetIdentityRequests(app, e.code !== 4001 && Boolean(app.want));
    if (e.code === 4001 || !app.want) dropChannel(app);
    else loseSignaling(app);
    if (e.code === 4001) {
      // "replaced": this Riot ID signed in elsewhere, or this device may no longer hold it (the
      // notice before the close said which); we must not fight it by signing in again.
      remember(SIGNED_IN_KEY, null);
      setConnection('closed');
      setState('replaced', replacedText(app.lastNotice));
      finishLeaving();
      return;
    }
    if (!app.want) return setConnection('closed');
    setConnection('reconnecting');
    if (app.retryDelayMs !== null) {
      // Closed by the page to sign in again later (onError); its status says why.
      app.reconnectTimer = setTimeout(connect, app.retryDelayMs);
      app.retryDelayMs = null;
      return;
    }
    const delay = backoffMs(app.attempt++);
    setState('reconnecting', `Lost the server; trying again in ${Math.ceil(delay / 1000)} s…`);
    app.reconnectTimer = setTimeout(connect, delay);
  };
}

async function register() {
  const riot = app.want.riot;
  let proof = null;
  if (app.challenge && app.identity?.persistent && mayProveOver(WS_URL)) {
    proof = await makeProof(app.identity, 'register', proofHost(WS_URL), app.challenge, riot);
    app.challenge = null;  // used up by this request, whatever the answer
  }
  app.provedLastSignIn = Boolean(proof);
  setState('registering', `Signing in as ${riot}…`);
  send(build.registerUser(riot, proof, requestId('r'), app.want.token));
}

function findGame() {
  const w = app.want;
  if (w.mode === 'watch') {
    setState('watching', 'Asking the server to watch for your game…');
    send(build.watchGame(requestId('w')));
  } else {
    setState('finding', 'Finding your team’s channel…');
    send(build.findOrCreateChannel(w.game, w.team, rosterFor(w.riot, w.teammates), requestId('f')));
  }
}

// A fresh challenge for each proven request (verify-riot, link-request): ask, then sign what
// comes back; null when there is none to be had. One at a time: a second click while the first
// waits (a double click) is ignored, since its hello reply would otherwise be taken for the
// connection's own and sign in again, which the server refuses and the page took as fatal.
async function proofFor(purpose, riot) {
  if (app.pendingChallenge) return null;
  if (app.ws?.readyState !== WebSocket.OPEN) {
    setStatus('Not connected to the server right now: try again once the page says it is connected.');
    return null;
  }
  const id = requestId('h');
  const challenge = await new Promise((resolve) => {
    app.pendingChallenge = { id, resolve };
    send(build.hello(id));
  });
  return challenge ? makeProof(app.identity, purpose, proofHost(WS_URL), challenge, riot) : null;
}

// Whether this tab has signed in as the wanted Riot ID (SIGNED_IN_KEY).
function signedInBefore() {
  try {
    return Boolean(app.want) && sessionStorage.getItem(SIGNED_IN_KEY) === app.want.riot;
  } catch {
    return false;  // storage refused: as if never
  }
}

function remember(key, value) {
  try {
    if (value === null) sessionStorage.removeItem(key);
    else sessionStorage.setItem(key, value);
  } catch {
    // storage refused (a sandboxed frame): riot-id-in-use is then not waited out
  }
}

// Whether the current connection's register-user succeeded (a hello then never signs in again).
function signedInHere() {
  return app.registeredOn !== null && app.registeredOn === app.ws;
}

function settleProofRequest(challenge) {
  const pending = app.pendingChallenge;
  app.pendingChallenge = null;
  pending?.resolve(challenge);
}

async function onServerMessage(msg) {
  switch (msg.type) {
    case 'hello':
      app.features = Array.isArray(msg.features) ? msg.features : [];
      if (app.pendingChallenge && msg.id === app.pendingChallenge.id)
        return settleProofRequest(msg.challenge);  // that request's, not the sign-in's
      app.challenge = msg.challenge;
      // Signed in on this connection already: nothing to do with a stray reply.
      if (signedInHere()) return;
      setPageState('serverIdentity', app.features.includes('identity-1') ? 'yes' : 'no');
      showSelfIdentity(app);  // linking and verifying need a server that checks keys
      announce('hello', { identity: document.body.dataset.serverIdentity, policy: msg.policy });
      return register();
    case 'connected':
      app.registeredOn = app.ws;
      remember(SIGNED_IN_KEY, app.want?.riot ?? null);
      if (app.want?.token) localStorage.setItem(TOKEN_KEY, app.want.token);
      app.peerId = msg.peerId;
      // The server forgot our channel with the old connection; links to teammates live on.
      for (const mate of app.mates.values()) mate.sinceReregistration = true;
      app.registerRefusals = 0;
      // The pause before reconnecting grows again only from here: a server that takes the
      // socket and closes it (full, shutting down) is not asked again every half second.
      app.attempt = 0;
      app.selfIdentity = msg.identity ?? 'none';
      showSelfIdentity(app);
      app.mesh.setIceServers(msg.iceServers);
      app.iceRefresher.onServers(msg.iceServers);
      announce('registered', { peerId: msg.peerId, identity: app.selfIdentity,
                               key: app.identity?.key ?? null });
      return findGame();
    case 'ice-servers':
      // Renewed credentials: the RTCPeerConnections of later games are built with them.
      app.mesh.setIceServers(msg.iceServers);
      app.iceRefresher.onServers(msg.iceServers);
      return announce('ice-servers', { count: msg.iceServers?.length ?? 0 });
    case 'channel-created':
      return send(build.joinChannel(msg.channelId, requestId('j')));
    case 'channel-available': {
      // Only a roster the server built from Riot's data (anyone may name us on one they make);
      // a server older than identity-1 sends no origin, which reads as `client`.
      const origin = msg.origin ?? 'client';
      const taken = app.want?.mode === 'watch' && !app.channelId && origin === 'riot';
      announce('channel-offer', { channelId: msg.channelId, origin, taken });
      if (taken) send(build.joinChannel(msg.channelId, requestId('j')));
      return;
    }
    case 'watching':
      // Riot's live-game lookup leaves out players in streamer mode: say why a call may not come.
      return setState('watching', `The server is watching for ${msg.riotId}’s next game. Riot ` +
                      'hides games in streamer mode from it: if your call does not start when ' +
                      'your game does, leave and enter the game by hand.');
    case 'joined-channel':
      return onJoined(msg);
    case 'user-joined-channel':
      if (msg.channelId !== app.channelId || !msg.member) return;
      onMember(app, msg.member, false);
      setStatus(`${msg.member.riotId} joined the call.`);
      return;
    case 'user-left-channel':
      if (msg.channelId === app.channelId) removeMate(app, keyOfPeer(app, msg.peerId));
      return;
    case 'left-channel':
      return;
    case 'game-ended':
      if (msg.channelId === app.channelId) {
        send(build.leaveChannel(app.channelId, requestId('l')));
        dropChannel(app);
        setState('watching', 'The game has ended. Waiting for your next one…');
      }
      return;
    case 'signal': {
      const key = keyOfPeer(app, msg.from);
      return key ? app.mesh.onSignal(key, msg.data) : undefined;
    }
    case 'chat':
      if (msg.channelId === app.channelId) {
        appendChat(msg);
        announce('chat', { riotId: msg.riotId, text: msg.text });
      }
      return;
    case 'notice':
      app.lastNotice = msg.text;  // the reason, should a 4001 close follow (replacedText)
      setStatus(msg.text);
      return announce('notice', { level: msg.level, text: msg.text });
    case 'user-identity': {
      const mate = app.mates.get(keyOfPeer(app, msg.peerId));
      if (mate) mate.row.setIdentity(msg.identity);
      if (msg.peerId === app.peerId) {
        app.selfIdentity = msg.identity;
        showSelfIdentity(app);
      }
      return;
    }
    case 'verify-riot-challenge':
      return showVerifyStep(app, msg, send);
    case 'verified':
      stopVerification(app);
      takeLinkCodeDown(app);  // this key holds the Riot ID now: no link is needed any more
      app.selfIdentity = msg.identity ?? 'riot';
      showSelfIdentity(app);
      app.iceRefresher.refreshNow();  // under policy riot the relay comes with this level
      announce('verified', { identity: app.selfIdentity });
      // Under policy riot the channel waited for this: ask for it again.
      if (app.want && !app.channelId && document.body.dataset.state === 'verify-needed') {
        setStatus('Verified. Joining your team’s channel…');
        return findGame();
      }
      // Verified while not signed in (the Riot ID was bound to another device): this key is now
      // the Riot ID's only one, so sign in with it, as after a link from that device.
      if (app.want && !signedInHere()) {
        setStatus('Verified with Riot. Signing in…');
        return send(build.hello(requestId('h')));
      }
      return setStatus('Verified: your team now sees you as verified.');
    case 'link-code':
      return showLinkCode(app, msg);
    case 'link-approved':
      if (msg.key === app.identity?.key && (app.awaitingLink || !signedInHere())) {
        // Our own code was approved on a bound device: this key now holds the seat, so sign in
        // again with a fresh challenge. (Possibly just after the page took the code down: the
        // server counts its 10 minutes from an earlier moment than the page does.)
        takeLinkCodeDown(app);
        showProblem('identity-note', null);
        announce('link-approved', { key: msg.key, mine: true });
        setStatus('This browser is linked. Signing in…');
        return send(build.hello(requestId('h')));
      }
      $('approve-code').value = '';
      return showApproved(app, msg.key);
    case 'device-unlinked':
      return onDeviceUnlinked(app, msg);
    case 'error':
      return onError(msg);
    default:
      return;
  }
}

function onError(msg) {
  if (app.iceRefresher.onError(msg)) return;  // about our own renewal, nothing to show
  announce('server-error', { code: msg.code, re: msg.re });
  if (msg.re === 'hello' && isUnknownType(msg, 'hello')) {
    // A server without the identity extension: protocol v1, no proof.
    setPageState('serverIdentity', 'no');
    announce('hello', { identity: 'no' });
    if (app.pendingChallenge) return settleProofRequest(null);  // that request's, as above
    if (signedInHere()) return;
    return register();
  }
  if (msg.re === 'watch-game' && (msg.code === 'watch-unavailable' || msg.code === 'unknown-type')) {
    setState('error', 'This server cannot watch games. Enter the game by hand instead.');
    return leave();
  }
  if (msg.re === 'register-user' && app.want && app.ws) {
    // Refusals for now (protocol.js, registerRetryMs): sign in again later on a new connection
    // (a fresh hello, and the server's three tries per connection start again). The links to
    // teammates live on meanwhile.
    const delay = registerRetryMs(msg.code, app.registerRefusals + 1, Math.random, {
      inUseBudgetMs: signedInBefore() ? RIOT_ID_IN_USE_BUDGET_MS
        : app.provedLastSignIn ? RIOT_ID_REPLACING_BUDGET_MS : 0,
    });
    if (delay !== null) {
      app.registerRefusals += 1;
      const wait = `${Math.ceil(delay / 1000)} s`;
      setState('registering', msg.code === 'unavailable'
        ? `The server cannot check sign-ins right now; trying again in ${wait}. ` +
          'Your call goes on meanwhile.'
        : `${app.want.riot} is still signed in elsewhere` +
          (signedInBefore() ? ' (this page before the network dropped?)' : '') +
          `; trying again in ${wait}…`);
      app.retryDelayMs = delay;
      app.ws.close();
      return;
    }
  }
  if (msg.re === 'register-user' && msg.code === 'riot-id-in-use') {
    setState('error', `${app.want?.riot ?? 'This Riot ID'} is signed in elsewhere right now ` +
             '(another tab, or Shotcall on another computer). Leave the call there, then press ' +
             'Join here.');
    return leave();
  }
  if (msg.re === 'register-user' && msg.code === 'unauthorized') {
    // The token is missing or no longer the server's: ask for it where the player can type it.
    const hadOne = Boolean(app.want?.token);
    localStorage.removeItem(TOKEN_KEY);
    $('token-row').hidden = false;
    setState('error', hadOne
      ? 'The server did not accept this access token. Enter the current one, then press Join.'
      : 'This server admits only players with its access token. Enter the one its operator ' +
        'gave you, then press Join.');
    leave();
    return $('access-token').focus();
  }
  if (msg.re === 'register-user' && msg.code === 'riot-id-bound' && app.identity?.persistent &&
      document.body.dataset.serverIdentity === 'yes') {
    // Another device holds this Riot ID. Stay connected: linking this browser from that device
    // (link-request, then approve there) lets it sign in right here.
    setState('bound', `${app.want.riot} belongs to another device. To use it here, press ` +
             '“Link to my other device” and approve the code on that device.');
    return;
  }
  if (msg.code === 'proof-required' && app.want &&
      ['find-or-create-channel', 'join-channel', 'watch-game'].includes(msg.re)) {
    return needVerification();
  }
  if (msg.re === 'verify-riot' || msg.re === 'verify-riot-check') {
    const next = verifyRefusal(msg, { step: app.verifyStep, refusal: app.verifyRefusal });
    app.verifyRefusal = next.refusal;
    if (next.show) {
      stopVerification(app);
      return showProblem('identity-note', next.show);
    }
    if (next.then === 'poll' && !app.verifyPoll) pollVerification(app, send);
    if (next.then === 'stop') stopVerification(app);
  }
  if (msg.re === 'find-or-create-channel' || msg.re === 'join-channel') {
    // In a call already (a late answer to an earlier request), or gone: nothing to change.
    if (!app.want || app.channelId) return;
    const why = msg.message || msg.code;
    switch (channelRefusal(msg.code, { watching: app.want.mode === 'watch',
                                       refinds: app.channelRefinds })) {
      case 'find':
        app.channelRefinds += 1;
        findGame();
        return setStatus('Your team’s channel closed just before this page joined it. Asking ' +
                         'for it again…');
      case 'wait':
        return setState('watching', `This page could not join your team’s channel (${why}). ` +
                        'It keeps watching for your games.');
      default:
        setState('error', why);
        return leave();
    }
  }
  if (msg.re === 'register-user') {
    setState('error', msg.message || msg.code);
    return leave();
  }
  // A signal to a teammate who just left, or sent as we left: their row goes with
  // user-left-channel; nothing for the player to do.
  if (msg.re === 'signal') return;
  if (['link-request', 'link-approve', 'unlink-device'].includes(msg.re))
    return showProblem('identity-note', msg.message || msg.code);
  // rate-limited with no `re` is the per-second message limit, about no request in particular.
  if (msg.code !== 'rate-limited' || msg.re) setStatus(msg.message || msg.code);
}

// Under policy riot (identity-1) a team's channel is for players verified with Riot. The page stays
// signed in, so that the player can verify here; `verified` then asks for the channel again.
function needVerification() {
  if (!app.features.includes('riot-verify')) {
    setState('error', 'This server lets only players verified with Riot into a team’s call, but ' +
             'it cannot verify anyone now (it has no Riot API key). Tell its operator.');
    return leave();
  }
  if (!app.identity?.persistent) {
    setState('error', 'This server lets only players verified with Riot into a team’s call, and ' +
             'this browser cannot keep the key a verification is tied to (a private window?). ' +
             'Open Shotcall in a normal window to verify.');
    return leave();
  }
  setState('verify-needed', 'This server lets only players verified with Riot into a team’s ' +
           'call. Press “Verify with Riot” below and follow its two steps: you join your team’s ' +
           'channel as soon as you are verified.');
  $('verify-riot').focus();
}

function onJoined(msg) {
  app.channelId = msg.channelId;
  app.channelRefinds = 0;
  setJoined(true);
  setState('in-channel', msg.members.length ? 'In the call.' :
    'In the call. Waiting for your teammates…');
  announce('joined', { channelId: msg.channelId, members: msg.members.length });
  // We joined: we offer to each member already there.
  for (const m of msg.members) onMember(app, m, true);
}

async function join(want) {
  if (!isRiotId(want.riot)) return showProblem('form-problem', 'Enter your Riot ID as Name#TAG.');
  if (want.mode === 'manual') {
    if (!want.game) return showProblem('form-problem', 'Enter the game (any name your team agrees on).');
    if (!want.teammates.every(isRiotId))
      return showProblem('form-problem', 'Write teammates as Name#TAG, separated by commas.');
  }
  showProblem('form-problem', null);
  const wanted = { ...want, token: $('access-token').value.trim() || localStorage.getItem(TOKEN_KEY) ||
                                   undefined };
  app.want = wanted;
  setJoined(true);
  localStorage.setItem('shotcall.riot', want.riot);
  showShareLink(want);
  await ensureAudio(app);
  if (!app.identity) {
    app.identity = await loadIdentity(proofHost(WS_URL)).catch(() => null);
    showSelfIdentity(app);
  }
  // Left (Leave is live from the press of Join) while the browser asked for the microphone.
  if (app.want !== wanted) return;  // Leave or Join again while the browser asked (ensureAudio)
  app.attempt = 0;
  app.registerRefusals = 0;
  app.channelRefinds = 0;
  app.retryDelayMs = null;
  connect();
}

function leave() {
  if (app.channelId) send(build.leaveChannel(app.channelId, requestId('l')));
  forgetIdentityRequests(app, false);
  finishLeaving();
  const ws = app.ws;
  app.ws = null;
  ws?.close(1000);
  settleProofRequest(null);
  dropChannel(app);
  setConnection('idle');
}

function finishLeaving() {
  app.want = null;
  // Signed out: no level to show, nothing to approve or unlink, no relay credentials to renew.
  app.peerId = null;
  app.selfIdentity = 'none';
  app.approvedKey = null;
  $('approved-box').hidden = true;
  app.iceRefresher.stop();
  showSelfIdentity(app);
  // The browser's recording indicator goes off with the call; the next Join opens it again.
  releaseMicrophone(app);
  clearTimeout(app.reconnectTimer);
  setJoined(false);
  if (document.body.dataset.state === 'in-channel') setState('idle', 'You left the call.');
}

function showShareLink(want) {
  if (want.mode !== 'manual') return ($('share-row').hidden = true);
  const link = buildJoinLink(location.href, {
    game: want.game, team: want.team, teammates: rosterFor(want.riot, want.teammates),
  });
  $('share-link').value = link;
  $('share-row').hidden = false;
}

function start() {
  app.mesh = new Mesh({
    // Signals go to the teammate's current peerId; while we have none (the server is away)
    // there is nobody to relay them, and trickled candidates are simply not needed then.
    send: (key, data) => {
      const peerId = app.mates.get(key)?.peerId;
      if (peerId) send(build.signal(peerId, data));
    },
    onTrack: (key, stream) => onTrack(app, key, stream),
    onState: (key, state) => onLinkState(app, key, state),
    onGiveUp: (key) => onLinkGaveUp(app, key),
  });
  bindControls(app, { join, leave, send, proofFor });
  const link = parseJoinLink(location.search);
  const saved = localStorage.getItem('shotcall.riot');
  if (saved && !link.riot) $('riot-id').value = saved;
  fillJoinForm(link);
  if (link.problems.length) showProblem('form-problem', `The link had problems: ${link.problems.join('; ')}`);
  // A link fills the form and says what it invites to; joining waits for the player's press.
  const invited = invitation(readJoinForm());
  if (!isSecureContext) setStatus('Open this page over https:// to use your microphone.');
  else if (invited) setStatus(invited.text);
  if (invited) $(invited.focus).focus();
  setInterval(() => pollQuality(app), QUALITY_INTERVAL_MS);
  requestAnimationFrame(() => drawLevels(app));
  setPageState('ready', 'true');
  announce('ready');
}

start();
