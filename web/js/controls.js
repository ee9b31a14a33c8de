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
    $('mute').disabled = false;
    app.mic = stream;
    app.micTrack = stream.getAudioTracks()[0] ?? null;
    app.micTrack?.addEventListener('ended', () => microphoneEnded(app, stream), { once: true });
    app.mesh.setMicrophone(app.micTrack, stream);
    if (app.audioContext) app.selfMeter = new LevelMeter(app.audioContext, stream);
    showProblem('mic-problem', null);
    applyTransmit(app);
  } else {
    // Another attempt (devicechange fires several times for one headset) may have opened one
    // while this one failed: that one stands.
    if (app.mic) return;
    setPageState('mic', problem);
    showProblem('mic-problem', MIC_PROBLEM_TEXT[problem]);
    $('mute').disabled = true;
  }
  announce('mic', { state: document.body.dataset.mic });
}

// The microphone ended by itself during a call (a headset unplugged, the device taken away):
// the links would send nothing from then on while the page said "live". Open the default one
// again (a laptop's own, say), and while there is none, try again whenever a device appears;
// the links up now get the new track in place of the dead one (Mesh.setMicrophone). Links made
// meanwhile are receive-only, as with a refused microphone: Leave and Join again for those.
async function microphoneEnded(app, stream) {
  if (app.mic !== stream) return;  // released or replaced already
  releaseMicrophone(app);
  if (app.want) watchForMicrophone(app);  // first: the unplug's own devicechange may come meanwhile
  await reopenMicrophone(app);
}

async function reopenMicrophone(app) {
  // Checked first too: ensureAudio without a want would open a microphone only to stop it.
  if (app.mic || !app.want) return stopWatchingForMicrophone(app);
  await ensureAudio(app);
  if (app.mic || !app.want) return stopWatchingForMicrophone(app);
  const problem = document.body.dataset.mic;
  // Refused (the permission was withdrawn) or not allowed here: no device will change that, and
  // ensureAudio said what to do.
  if (problem === 'refused' || problem === 'insecure') return stopWatchingForMicrophone(app);
  setPageState('mic', 'unplugged');
  showProblem('mic-problem', MIC_PROBLEM_TEXT.unplugged);
  announce('mic', { state: 'unplugged' });
}

function watchForMicrophone(app) {
  const devices = navigator.mediaDevices;
  if (!devices || app.micWatch) return;
  app.micWatch = () => reopenMicrophone(app);
  devices.addEventListener('devicechange', app.micWatch);
}

function stopWatchingForMicrophone(app) {
  if (!app.micWatch) return;
  navigator.mediaDevices?.removeEventListener('devicechange', app.micWatch);
  app.micWatch = null;
}

// Stops the microphone (Leave, replaced): the browser no longer records, and the links of the
// next call get the track the next Join opens.
export function releaseMicrophone(app) {
  stopWatchingForMicrophone(app);
  if (!app.mic) return;
  for (const track of app.mic.getTracks()) track.stop();
  const live = app.mic.getTracks().filter((t) => t.readyState === 'live').length;
  app.mic = null;
  app.micTrack = null;
  app.selfMeter?.close();
  app.selfMeter = null;
  app.mesh.setMicrophone(null, null);
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
  // A reload may give the form back the player's choices (Firefox does): the page follows what
  // the controls show, rather than a push-to-talk menu over an open microphone.
  showManualFields(readJoinForm().mode === 'manual');
  $('talk-mode').dispatchEvent(new Event('change'));
}
