// Drives the page shotcall-signal serves in Debian's headless Chromium (Playwright), for the C++
// end-to-end tests (web_e2e_test.cpp) that also run the server and shotcall-peer and judge the
// recordings. One JSON argument says what to do:
//   url          the page, usually a by-hand join link; the driver presses Join as a player
//                would, each time the page is ready (the page never joins by itself)
//   out          folder for what the page heard (WAV) and screenshots
//   name         prefix of those files
//   mic          "tone:<Hz>" (Chromium's fake capture plays a sox-made sine), "refused", or
//                "refused:<Hz>" (refused, and playing that sine once allowed)
//   hearSeconds  record this many seconds of each teammate the page receives (0: none)
//   screenshots  take light and dark screenshots once the call is up (before the first "heard")
//   reload       after the first "registered", reload the page once (identity across reloads)
//   linkOnBound  when the server says the Riot ID is bound to another device, press the page's
//                "Link to my other device" and print what the page then shows:
//                "link-shown <code> <fingerprint>" (read from the page, not from the event)
//   proofTwice   once in the channel, click "Link to my other device" twice within one task (a
//                double click no reply can come between), and once more after the first code is
//                shown; each code shown prints "link-shown …" as with linkOnBound
//   tokenOnRefusal  when the server refuses the sign-in as unauthorized, type this into the
//                access token field the page then shows and press Join
//   allowMicLater  with mic "refused": once in the channel, allow the microphone for the page
//                (as a player would in the address bar), then press Leave and Join
//   allowMicInCall  with mic "refused": after the first "heard", allow the microphone for the
//                page as allowMicLater does, and press nothing; prints "mic-allowed" too
//   pttNote      once in the channel, choose push to talk, print "ptt-note <shown> <text>" (the
//                note under it), and choose voice activity again; before Join, choose the
//                server's watch likewise and print "watch-note <shown> <text>"
//   verifyWhenAsked  when the page says the server wants a Riot verification (state
//                verify-needed), print "verify-asked <json>" ({focused, status}) and press
//                "Verify with Riot"; the test then sets each icon the page asks for in the
//                stand-in Riot API, and the page sees it by itself
//   verifyOnBound  when the server says the Riot ID is bound to another device, press "Verify
//                with Riot" (the test sets the icons as with verifyWhenAsked)
//   leaveAfterJoin  once in the channel, press Leave, and print "left {badge, approve}": whether
//                the level badge shows and Approve is enabled right after
//   unplugMic    after the first "heard", end the page's microphone as unplugging it does (its
//                tracks stop and fire `ended`; Chromium's fake device cannot be unplugged) and
//                print "unplugged <tracks>"
//   watch        before Join, choose the server's watch (the page then follows the server's
//                offers instead of the link's game)
//   fakeClock    the page's clock is Playwright's (it runs as time does), so that the test can
//                move it on with the "forward" command
//   profile      user-data-dir to use (default: a fresh temporary one)
// It prints one line per event on stdout, for the test to wait on:
//   event <name> <json>   the page's own `shotcall` events (state, registered, joined, link, …)
//   heard <riotId> <wav>  a teammate's audio as the page received it, 48 kHz mono PCM16
//   request <url> / websocket <url> / csp <header> / csp-violation <text> / screenshot <png>
//   before-join <json>    before pressing Join: {joinDisabled, focused, status, websockets} (the
//                         control in focus, the status line, web sockets opened since loading)
//   join-pressed          Join was pressed
//   console-error <text>  an error the page logged (a handler that threw, caught and logged)
//   error <text>          the driver failed (it also exits non-zero)
//   approved-shown <text>  what the page says after approving another device's code
//   link-expired-shown <json>  after the page's link-expired event: {boxHidden, note}
//   forwarded             the page's clock moved on (the "forward" command)
//   approve-pressed / unlink-pressed  a command from stdin was carried out
// Commands, one per line on stdin: "approve <code>" types the code into "Approve another device's
// code" and presses Approve; "unlink" presses "Unlink that device"; "forward <ms>" (with
// fakeClock) moves the page's clock on by that much, firing the timers due meanwhile.
// It keeps the page open until SIGTERM, then closes the browser and prints "closed".
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import { chromium } from 'playwright-core';

const cfg = JSON.parse(process.argv[2] ?? '{}');
const say = (line) => process.stdout.write(`${line}\n`);
const fail = (text) => {
  say(`error ${text}`);
  process.exit(1);
};

const scratch = mkdtempSync(join(tmpdir(), 'shotcall-web-'));
const profile = cfg.profile ?? join(scratch, 'profile');
const args = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--use-fake-device-for-media-stream', '--autoplay-policy=no-user-gesture-required',
];
const micMatch = /^(tone|refused):(\d+)$/.exec(cfg.mic ?? '');
if (micMatch) {
  const wav = join(scratch, `tone-${micMatch[2]}.wav`);
  const sox = spawnSync('sox', ['-n', '-r', '48000', '-c', '1', '-b', '16', wav, 'synth', '10',
                                'sine', micMatch[2], 'vol', '0.5']);
  if (sox.status !== 0) fail(`sox: ${sox.stderr}`);
  args.push(`--use-file-for-fake-audio-capture=${wav}`);
}
if (micMatch?.[1] === 'tone') args.push('--use-fake-ui-for-media-stream');
else if (micMatch || cfg.mic === 'refused') args.push('--deny-permission-prompts');
else fail(`mic must be tone:<Hz>, refused or refused:<Hz>, not ${cfg.mic}`);

let context;
let closing = false;
async function shutdown(code) {
  if (closing) return;
  closing = true;
  await context?.close().catch(() => {});
  if (!cfg.profile) rmSync(scratch, { recursive: true, force: true });
  say('closed');
  process.exit(code);
}
process.on('SIGTERM', () => shutdown(0));
process.on('SIGINT', () => shutdown(0));

try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium', headless: true, args, viewport: { width: 760, height: 1000 },
  });
} catch (e) {
  fail(`cannot launch chromium: ${String(e.message).split('\n')[0]}`);
}
const page = context.pages()[0] ?? (await context.newPage());

page.on('request', (r) => say(`request ${r.url()}`));
let websocketsSinceLoad = 0;
page.on('websocket', (ws) => {
  ++websocketsSinceLoad;
  say(`websocket ${ws.url()}`);
});
page.on('framenavigated', (frame) => {
  if (frame === page.mainFrame()) websocketsSinceLoad = 0;
});
page.on('console', (m) => {
  if (/Content.Security.Policy/i.test(m.text())) say(`csp-violation ${m.text().replace(/\n/g, ' ')}`);
  else if (m.type() === 'error') say(`console-error ${m.text().replace(/\n/g, ' ')}`);
});
page.on('pageerror', (e) => say(`page-error ${String(e.message).replace(/\n/g, ' ')}`));
page.on('response', (r) => {
  if (r.request().isNavigationRequest()) say(`csp ${r.headers()['content-security-policy'] ?? ''}`);
});

// "recorded" events carry the audio: it is written as a WAV instead of printed.
function wavOf(pcm) {
  const h = Buffer.alloc(44);
  h.write('RIFF', 0);
  h.writeUInt32LE(36 + pcm.length, 4);
  h.write('WAVE', 8);
  h.write('fmt ', 12);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);  // PCM
  h.writeUInt16LE(1, 22);  // mono
  h.writeUInt32LE(48000, 24);
  h.writeUInt32LE(96000, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36);
  h.writeUInt32LE(pcm.length, 40);
  return Buffer.concat([h, pcm]);
}

let reloaded = false;
let screenshotsTaken = false;
let doubleClicked = false;
let codesShown = 0;
let micAllowed = false;
let pttChecked = false;
let unplugged = false;
async function onEvent(name, detail) {
  if (name === 'recorded') {
    const { riotId, pcm } = JSON.parse(detail);
    const path = join(cfg.out, `${cfg.name}-heard-${riotId.replace(/[^A-Za-z0-9._-]/g, '_')}.wav`);
    writeFileSync(path, wavOf(Buffer.from(pcm, 'base64')));
    // The pictures come first: once "heard" is out the test may end the call.
    if (cfg.screenshots && !screenshotsTaken) {
      screenshotsTaken = true;
      for (const scheme of ['light', 'dark']) {
        await page.emulateMedia({ colorScheme: scheme });
        const png = join(cfg.out, `${cfg.name}-${scheme}.png`);
        await page.screenshot({ path: png, fullPage: true });
        say(`screenshot ${png}`);
      }
      await page.emulateMedia({ colorScheme: null });
      // What the pictures show of the team, for the test to check against the call.
      say(`shown-mates ${await page.locator('#team li').count()} empty-note ${
        await page.locator('#team-empty').isVisible()}`);
    }
    say(`heard ${riotId} ${path}`);
    if (cfg.allowMicInCall && !micAllowed) {
      micAllowed = true;
      await context.grantPermissions(['microphone'], { origin: new URL(cfg.url).origin });
      say('mic-allowed');
    }
    if (cfg.unplugMic && !unplugged) {
      unplugged = true;
      const tracks = await page.evaluate(() => {
        const live = (window.__shotcallMicTracks ?? []).filter((t) => t.readyState === 'live');
        for (const track of live) {
          track.stop();
          track.dispatchEvent(new Event('ended'));
        }
        return live.length;
      });
      say(`unplugged ${tracks}`);
    }
    return;
  }
  say(`event ${name} ${detail}`);
  if (name === 'ready') {
    const before = await page.evaluate(() => ({
      joinDisabled: document.querySelector('#join-button').disabled,
      focused: document.activeElement?.id ?? '',
      status: document.querySelector('#status').textContent,
    }));
    say(`before-join ${JSON.stringify({ ...before, websockets: websocketsSinceLoad })}`);
    if (cfg.pttNote) {
      // The form's note on the server's watch (streamer mode), then back to the link's choice.
      await page.locator('label[for="mode-watch"]').click();
      const note = page.locator('#watch-note');
      say(`watch-note ${await note.isVisible()} ${(await note.textContent()).replace(/\s+/g, ' ').trim()}`);
      await page.locator('label[for="mode-manual"]').click();
    }
    if (cfg.watch) await page.locator('label[for="mode-watch"]').click();
    await page.locator('#join-button').click();
    say('join-pressed');
    return;
  }
  if (name === 'state' && cfg.verifyWhenAsked && JSON.parse(detail).state === 'verify-needed') {
    const asked = await page.evaluate(() => ({
      focused: document.activeElement?.id ?? null,
      status: document.getElementById('status').textContent,
    }));
    say(`verify-asked ${JSON.stringify(asked)}`);
    await page.locator('#verify-riot').click();
    return;
  }
  if (name === 'joined' && cfg.leaveAfterJoin) {
    await page.locator('#leave-button').click();
    // What still shows this page as signed in, right after Leave.
    const shown = await page.evaluate(() => ({
      badge: !document.getElementById('self-identity').hidden,
      approve: !document.getElementById('approve-button').disabled,
    }));
    say(`left ${JSON.stringify(shown)}`);
    return;
  }
  if (name === 'joined' && cfg.pttNote && !pttChecked) {
    pttChecked = true;
    await page.locator('#talk-mode').selectOption('ptt');
    const note = page.locator('#ptt-note');
    say(`ptt-note ${await note.isVisible()} ${(await note.textContent()).replace(/\s+/g, ' ').trim()}`);
    await page.locator('#talk-mode').selectOption('open');
    return;
  }
  if (name === 'joined' && cfg.allowMicLater && !micAllowed) {
    micAllowed = true;
    await context.grantPermissions(['microphone'], { origin: new URL(cfg.url).origin });
    await page.locator('#leave-button').click();
    await page.locator('#join-button').click();
    say('mic-allowed');
    return;
  }
  if (name === 'joined' && cfg.proofTwice && !doubleClicked) {
    doubleClicked = true;
    await page.evaluate(() => {
      const button = document.querySelector('#link-request');
      button.click();
      button.click();
    });
    say('double-clicked');
    return;
  }
  if (name === 'server-error' && cfg.tokenOnRefusal && JSON.parse(detail).code === 'unauthorized') {
    await page.locator('#access-token').fill(cfg.tokenOnRefusal);
    await page.locator('#join-button').click();
    say('token-entered');
    return;
  }
  if (name === 'server-error' && cfg.verifyOnBound && JSON.parse(detail).code === 'riot-id-bound') {
    await page.locator('#verify-riot').click();
    return;
  }
  if (name === 'link-approved' && !JSON.parse(detail).mine) {
    await page.locator('#approved-box').waitFor({ state: 'visible' });
    say(`approved-shown ${(await page.locator('#approved-text').textContent()).replace(/\s+/g, ' ').trim()}`);
    return;
  }
  if (name === 'server-error' && cfg.linkOnBound && JSON.parse(detail).code === 'riot-id-bound') {
    await page.locator('#link-request').click();
    return;
  }
  if (name === 'link-expired') {
    const boxHidden = await page.locator('#link-box').isHidden();
    const note = (await page.locator('#identity-note').textContent()).replace(/\s+/g, ' ').trim();
    say(`link-expired-shown ${JSON.stringify({ boxHidden, note })}`);
    return;
  }
  if (name === 'link-code') {
    await page.locator('#link-box').waitFor({ state: 'visible' });
    const code = await page.locator('#link-code').textContent();
    const fingerprint = await page.locator('#link-fingerprint').textContent();
    const png = join(cfg.out, `${cfg.name}-link-code.png`);
    await page.locator('#identity-card').screenshot({ path: png });
    say(`screenshot ${png}`);
    say(`link-shown ${code} ${fingerprint}`);
    if (cfg.proofTwice && ++codesShown === 1) await page.locator('#link-request').click();
    return;
  }
  if (name === 'registered' && cfg.reload && !reloaded) {
    reloaded = true;
    say('reloading');
    await page.reload();
  }
}

// The page's `shotcall` events reach onEvent through a binding; the recorder runs in the page.
await page.exposeBinding('__shotcallEvent', (_source, name, detail) => {
  onEvent(name, detail).catch((e) => say(`driver-error ${String(e.message).split('\n')[0]}`));
});

await page.addInitScript(({ hearSeconds }) => {
  // The microphone tracks the page opened, for unplugMic.
  const devices = navigator.mediaDevices;
  if (devices?.getUserMedia) {
    const open = devices.getUserMedia.bind(devices);
    window.__shotcallMicTracks = [];
    devices.getUserMedia = async (constraints) => {
      const stream = await open(constraints);
      window.__shotcallMicTracks.push(...stream.getAudioTracks());
      return stream;
    };
  }
  window.addEventListener('shotcall', (e) => {
    const { name, stream, ...rest } = e.detail;
    window.__shotcallEvent(name, JSON.stringify(rest));
    if (name === 'track' && hearSeconds > 0) window.__shotcallRecord(rest.riotId, stream, hearSeconds);
  });
  // Records `seconds` of a received stream once it carries sound, as 16-bit PCM in base64.
  window.__shotcallRecord = async (riotId, stream, seconds) => {
    const ctx = new AudioContext({ sampleRate: 48000 });
    await ctx.resume();
    const source = ctx.createMediaStreamSource(stream);
    const tap = ctx.createScriptProcessor(4096, 1, 1);
    const silent = ctx.createGain();
    silent.gain.value = 0;
    const samples = new Int16Array(seconds * 48000);
    let n = 0;
    let heardSound = false;
    tap.onaudioprocess = (ev) => {
      const data = ev.inputBuffer.getChannelData(0);
      if (!heardSound) heardSound = data.some((x) => Math.abs(x) > 0.01);
      if (!heardSound) return;
      for (let i = 0; i < data.length && n < samples.length; ++i)
        samples[n++] = Math.max(-32768, Math.min(32767, Math.round(data[i] * 32767)));
      if (n < samples.length) return;
      tap.onaudioprocess = null;
      source.disconnect();
      tap.disconnect();
      ctx.close();
      let bin = '';
      const bytes = new Uint8Array(samples.buffer);
      for (let i = 0; i < bytes.length; i += 0x8000)
        bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      window.__shotcallEvent('recorded', JSON.stringify({ riotId, pcm: btoa(bin) }));
    };
    source.connect(tap);
    tap.connect(silent);
    silent.connect(ctx.destination);
  };
}, { hearSeconds: cfg.hearSeconds ?? 0 });


// The test's commands, for steps that need what another process printed (a link code).
createInterface({ input: process.stdin }).on('line', (line) => {
  const [command, arg] = line.trim().split(/\s+/);
  const run = async () => {
    if (command === 'approve') {
      await page.locator('#approve-code').fill(arg ?? '');
      await page.locator('#approve-button').click();
      say('approve-pressed');
    } else if (command === 'forward') {
      await page.clock.fastForward(Number(arg));
      say('forwarded');
    } else if (command === 'unlink') {
      await page.locator('#unlink-approved').click();
      say('unlink-pressed');
    } else {
      say(`driver-error unknown command ${command}`);
    }
  };
  run().catch((e) => say(`driver-error ${String(e.message).split('\n')[0]}`));
});

if (cfg.fakeClock) await page.clock.install();
try {
  await page.goto(cfg.url);
} catch (e) {
  fail(`cannot open ${cfg.url}: ${String(e.message).split('\n')[0]}`);
}
say('loaded');
