// The microphone and what the player hears: getUserMedia with the browser's speech processing,
// one <audio> element per teammate (volume, deafen), and level meters for speaking indicators.

export const SPEAKING_LEVEL = 0.015;  // RMS of a voice at a normal distance; silence is ~0.001

// The microphone, or why there is none: 'refused' (the player or the browser said no),
// 'missing' (no device), 'insecure' (the page is not on https:// or loopback), 'failed'.
export async function openMicrophone() {
  if (!navigator.mediaDevices?.getUserMedia) return { stream: null, problem: 'insecure' };
  try {
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
      video: false,
    });
    return { stream, problem: null };
  } catch (e) {
    if (e?.name === 'NotAllowedError' || e?.name === 'SecurityError')
      return { stream: null, problem: 'refused' };
    if (e?.name === 'NotFoundError' || e?.name === 'OverconstrainedError')
      return { stream: null, problem: 'missing' };
    return { stream: null, problem: 'failed' };
  }
}

export const MIC_PROBLEM_TEXT = {
  refused: 'Microphone access was refused: you can listen, but the team cannot hear you. To ' +
    'talk, allow the microphone for this page (the icon in the address bar); if the call does ' +
    'not take it up by itself, Leave and Join again.',
  missing: 'No microphone found: you can listen, but the team cannot hear you. Plug one in; ' +
    'if the call does not take it up by itself, Leave and Join again.',
  insecure: 'The microphone needs this page over https:// (or on this computer): listening only.',
  failed: 'The microphone could not be opened: you can listen, but the team cannot hear you.',
  unplugged: 'Your microphone stopped (unplugged?): the team cannot hear you. Plug one in; ' +
    'if the call does not take it up by itself, Leave and Join again.',
};

// Root-mean-square level of a stream, read on demand.
export class LevelMeter {
  constructor(context, stream) {
    this.source = context.createMediaStreamSource(stream);
    this.analyser = context.createAnalyser();
    this.analyser.fftSize = 1024;
    this.buffer = new Float32Array(this.analyser.fftSize);
    this.source.connect(this.analyser);
  }

  level() {
    this.analyser.getFloatTimeDomainData(this.buffer);
    let sum = 0;
    for (const x of this.buffer) sum += x * x;
    return Math.sqrt(sum / this.buffer.length);
  }

  close() {
    this.source.disconnect();
  }
}

// A teammate's voice: an <audio> element playing their stream. Chromium only feeds a remote
// WebRTC stream into Web Audio while a media element plays it, so the meter needs this too.
export class Voice {
  constructor(stream) {
    this.element = new Audio();
    this.element.autoplay = true;
    this.element.srcObject = stream;
    this.stream = stream;
    this.volume = 1;
    this.deafened = false;
  }

  // Resolves false when the browser blocks playback until the player interacts with the page.
  async play() {
    try {
      await this.element.play();
      return true;
    } catch {
      return false;
    }
  }

  setVolume(v) {
    this.volume = v;
    this.element.volume = Math.max(0, Math.min(1, v));
  }

  setDeafened(d) {
    this.deafened = d;
    this.element.muted = d;
  }

  close() {
    this.element.pause();
    this.element.srcObject = null;
  }
}
