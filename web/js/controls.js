// The player's controls once the page runs: the microphone (opened on joining), mute, deafen,
// push to talk, sound the browser held back, chat, and the identity buttons (verify, link,
// approve). They act on main.js's page state (`app`) and reach the server only through what
// main.js hands them: its join, leave, send and proven requests.
import { LevelMeter, MIC_PROBLEM_TEXT, openMicrophone } from './audio.js';
import { normaliseLinkCode } from './identity.js';
import { build, chatText, isRiotId, requestId } from './protocol.js';
import {
  $, announce, readJoinForm, setPageState, setPressed, setStatus, showManualFields, showProblem,
} from './ui.js';

export function transmitting(app) {
  return Boolean(app.micTrack) && !app.muted && (app.talkMode === 'open' || app.pttHeld);
}

export function applyTransmit(app) {
  if (app.micTrack) app.micTrack.enabled = transmitting(app);
  setPageState('mic', !app.micTrack ? document.body.dataset.mic : transmitting(app) ? 'live' : 'silent');
}

export async function ensureAudio(app) {
  if (!app.audioContext) {
    try {
      app.audioContext = new AudioContext();
    } catch {
      app.audioContext = null;
    }
  }
  if (app.audioContext?.state === 'suspended') app.audioContext.resume().catch(() => {});
  // Asked again on every join until there is one: the player may have allowed it in the address
  // bar, or plugged a headset in, since the last refusal.
  if (app.mic) return;
  const { stream, problem } = await openMicrophone();
  if (stream && (app.mic || !app.want)) {
    // Left while the browser asked, or a Join pressed again meanwhile got its own first: this
    // one is not needed, and must not go on recording.
    for (const track of stream.getTracks()) track.stop();
    return;
  }
  if (stream) {
    stopWatchingForMicrophone(app);
    $('mute').disabled = false;
    app.mic = stream;
    app.micTrack = stream.getAudioTracks()[0] ?? null;
    app.micTrack?.addEventListener('ended', () => microphoneEnded(app, stream), { once: true });
    feedLinks(app);
    if (app.audioContext) app.selfMeter = new LevelMeter(app.audioContext, stream);
    showProblem('mic-problem', null);
    applyTransmit(app);
  } else {
    // Another attempt (devicechange fires several times for one headset) may have opened one
    // while this one failed: that one stands.
    if (app.mic) return;
    feedLinks(app);
    setPageState('mic', problem);
    showProblem('mic-problem', MIC_PROBLEM_TEXT[problem]);
    $('mute').disabled = true;
    // Not allowed here (http) never changes; anything else may, in the call.
    if (app.want && problem !== 'insecure') watchForMicrophone(app);
  }
  announce('mic', { state: document.body.dataset.mic });
}

// The microphone ended by itself during a call (a headset unplugged, the device taken away):
// the links would send nothing from then on while the page said "live". Open the default one
// again (a laptop's own, say), and while there is none, say so and watch for one.
async function microphoneEnded(app, stream) {
  if (app.mic !== stream) return;  // released or replaced already
  releaseMicrophone(app);
  if (!app.want) return;
  watchForMicrophone(app);  // first: the unplug's own devicechange may come meanwhile
  await reopenMicrophone(app, true);
}

// Another try at a microphone that is wanted and missing. `unplugged`: the one in use ended,
// which the page says (rather than "no microphone found") until one opens.
async function reopenMicrophone(app, unplugged = document.body.dataset.mic === 'unplugged') {
  // Checked first too: ensureAudio without a want would open a microphone only to stop it.
  if (app.mic || !app.want) return stopWatchingForMicrophone(app);
  await ensureAudio(app);
  if (app.mic || !app.want || !unplugged) return;
  // Refused (the permission was withdrawn) or not allowed here: ensureAudio said what to do.
  const problem = document.body.dataset.mic;
  if (problem === 'refused' || problem === 'insecure') return;
  setPageState('mic', 'unplugged');
  showProblem('mic-problem', MIC_PROBLEM_TEXT.unplugged);
  announce('mic', { state: 'unplugged' });
}

// While a microphone is wanted and there is none, the page tries again whenever one may have
// become usable: a device appeared (plugged in), or the microphone was allowed (the icon in the
// address bar). The links send silence meanwhile and take the microphone in its place
// (feedLinks), so the player never has to Leave and Join for it. Ends when one opens, or on
// Leave.
function watchForMicrophone(app) {
  if (app.micWatch) return;
  const watch = {
    retry: () => reopenMicrophone(app),
    permission: null,
    // Allowed, or reset to be asked again (the browser then asks, on the player's own move);
    // never on 'denied'.
    onPermission: () => {
      if (watch.permission?.state !== 'denied') watch.retry();
    },
  };
  app.micWatch = watch;
  navigator.mediaDevices?.addEventListener('devicechange', watch.retry);
  // Not every browser can say (Firefox has no 'microphone' permission to query): there, a
  // microphone allowed during the call is taken up on the next Join, as the texts say.
  navigator.permissions?.query({ name: 'microphone' }).then((status) => {
    if (app.micWatch !== watch) return;
    watch.permission = status;
    status.addEventListener('change', watch.onPermission);
    // Allowed between the refusal and this answer: no change will come for it.
    if (status.state === 'granted') watch.retry();
  }).catch(() => {});
}

function stopWatchingForMicrophone(app) {
  const watch = app.micWatch;
  if (!watch) return;
  app.micWatch = null;
  navigator.mediaDevices?.removeEventListener('devicechange', watch.retry);
  watch.permission?.removeEventListener('change', watch.onPermission);
}

// What the links send: the microphone, or while there is none (refused, not allowed here,
// unplugged) silence from the page's audio context, never nothing. A link that carries no audio
// from us looks dead to the desktop app, which fails a link on which nothing arrives for seconds
// (its media watchdog: webrtcbin 1.22 has no consent checks) and so rebuilt it over and over;
// and a link negotiated receive-only could not take a microphone that comes later without a new
// offer, which the app cannot answer on a live link. With a track from the start, a microphone
// that comes later replaces it in place (Mesh.setMicrophone). Receive-only remains where the
// browser cannot make the silence (no audio context, or too old for these nodes). The silence
// needs the audio context running, as sound from teammates does (showSoundBlocked).
function feedLinks(app) {
  if (app.silence === null && app.audioContext) {
    try {
      const ctx = app.audioContext;
      const destination = ctx.createMediaStreamDestination();
      // Fed by a source of zeros: a destination with nothing connected renders nothing, and
      // Chromium then sends no packet at all on the link.
      const zero = new ConstantSourceNode(ctx, { offset: 0 });
      zero.connect(destination);
      zero.start();
      app.silence = destination.stream;
    } catch {
      app.silence = false;  // tried once: receive-only
    }
  }
  const stream = app.mic ?? (app.silence || null);
  app.mesh.setMicrophone(stream?.getAudioTracks()[0] ?? null, stream);
}

// Stops the microphone (Leave, replaced, or ended by itself): the browser no longer records, the
// links still up send silence, and the links of the next call get the track the next Join opens.
export function releaseMicrophone(app) {
  stopWatchingForMicrophone(app);
  if (!app.mic) return;
  for (const track of app.mic.getTracks()) track.stop();
  const live = app.mic.getTracks().filter((t) => t.readyState === 'live').length;
  app.mic = null;
  app.micTrack = null;
  app.selfMeter?.close();
  app.selfMeter = null;
  feedLinks(app);
  $('self-level').value = 0;
  $('self-speaking').dataset.speaking = 'false';
  setPageState('mic', 'off');
  announce('mic', { state: 'off', live });  // `live`: tracks still recording (none, or a bug)
}

export function showSoundBlocked(app, blocked) {
  app.soundBlocked = blocked;
  $('sound-blocked').hidden = !blocked;
}

export function bindControls(app, { join, leave, send, proofFor }) {
  $('join-form').addEventListener('submit', (e) => {
    e.preventDefault();
    join(readJoinForm()).catch((err) => console.error('shotcall: join', err));
  });
  $('leave-button').addEventListener('click', leave);
  for (const r of document.querySelectorAll('input[name="mode"]'))
    r.addEventListener('change', () => showManualFields(readJoinForm().mode === 'manual'));
  $('copy-link').addEventListener('click', () => {
    navigator.clipboard?.writeText($('share-link').value).then(
      () => setStatus('Link copied.'), () => $('share-link').select());
  });
  $('mute').addEventListener('click', () => {
    app.muted = !app.muted;
    setPressed('mute', app.muted);
    applyTransmit(app);
  });
  $('deafen').addEventListener('click', () => {
    app.deafened = !app.deafened;
    setPressed('deafen', app.deafened);
    for (const m of app.mates.values()) m.voice?.setDeafened(app.deafened);
  });
  $('talk-mode').addEventListener('change', () => {
    app.talkMode = $('talk-mode').value;
    $('ptt-key').hidden = app.talkMode !== 'ptt';
    $('ptt-note').hidden = app.talkMode !== 'ptt';
    applyTransmit(app);
  });
  $('ptt-key').addEventListener('click', () => {
    $('ptt-key').textContent = 'Press a key…';
    window.addEventListener('keydown', (e) => {
      e.preventDefault();
      app.pttKey = e.code;
      $('ptt-key').textContent = `Key: ${e.code}`;
    }, { once: true, capture: true });
  });
  // Push to talk while the page has focus: hold the key anywhere but in a text field.
  const typing = (e) => e.target instanceof HTMLInputElement && e.target.type !== 'range';
  window.addEventListener('keydown', (e) => {
    if (app.talkMode !== 'ptt' || e.code !== app.pttKey || typing(e) || e.repeat) return;
    e.preventDefault();
    app.pttHeld = true;
    applyTransmit(app);
  });
  window.addEventListener('keyup', (e) => {
    if (e.code !== app.pttKey) return;
    app.pttHeld = false;
    applyTransmit(app);
  });
  window.addEventListener('blur', () => {
    app.pttHeld = false;
    applyTransmit(app);
  });
  $('enable-sound').addEventListener('click', async () => {
    app.audioContext?.resume().catch(() => {});
    let ok = true;
    for (const m of app.mates.values()) if (m.voice) ok = (await m.voice.play()) && ok;
    showSoundBlocked(app, !ok);
  });
  $('chat-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const text = chatText($('chat-input').value);
    if (!text || !app.channelId) return;
    send(build.chat(app.channelId, text));
    $('chat-input').value = '';
  });
  $('verify-riot').addEventListener('click', async () => {
    const riot = app.want?.riot ?? $('riot-id').value.trim();
    if (!isRiotId(riot) || !app.ws) return setStatus('Join first, then verify.');
    const proof = await proofFor('verify-riot', riot);
    if (proof) send(build.verifyRiot(riot, proof, requestId('v')));
  });
  $('verify-check').addEventListener('click', () => send(build.verifyRiotCheck(requestId('v'))));
  $('link-request').addEventListener('click', async () => {
    const riot = app.want?.riot ?? $('riot-id').value.trim();
    if (!isRiotId(riot) || !app.ws) return setStatus('Join first, then link.');
    const proof = await proofFor('link-request', riot);
    if (proof) send(build.linkRequest(riot, proof, requestId('k')));
  });
  $('approve-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const code = normaliseLinkCode($('approve-code').value);
    if (code.length === 8) send(build.linkApprove(code, requestId('a')));
  });
  $('unlink-approved').addEventListener('click', () => {
    if (app.approvedKey) send(build.unlinkDevice(app.approvedKey, requestId('u')));
  });
  // A reload may give the form back the player's choices (Firefox does): the page follows what
  // the controls show, rather than a push-to-talk menu over an open microphone.
  showManualFields(readJoinForm().mode === 'manual');
  $('talk-mode').dispatchEvent(new Event('change'));
}
