#!/usr/bin/env python3
"""Five shotcall-peer processes meet through a real shotcall-signal on loopback.

Measures, per peer: peak resident memory (VmHWM, polled from /proc while it runs), CPU share,
and the time from the last peer's `joined` line to the last `first-audio` line (lines are
timestamped as they arrive; the peer flushes each one). Writes OUT/voice-peers.json. (The desktop
app's memory is measured by app_memory.py.)

With --muted every peer starts muted (`--mute`; push-to-talk released is the same engine call,
VoiceEngine::set_muted with MuteKind::Stopped): only a silent keepalive frame every half second
flows (app/media/capture_gate.hpp), so the CPU window opens once all twenty directed links are
connected, and links that fail in it are counted. Writes
OUT/voice-peers-muted.json.

Each microphone is a steady test tone, or with --input speech espeak-ng speech (speech_files):
then the file is OUT/voice-peers-speech.json (voice-peers-muted-speech.json muted). --peer-arg
passes an option on to every peer (a diagnosis: --peer-arg=--frame-ms --peer-arg=20).

  peer_mesh.py --bin BUILD/bin --seconds S --out DIR [--muted] [--input tone|speech]
               [--peer-arg ARG]...
"""
import argparse
import json
import os
import selectors
import signal
import subprocess
import tempfile
import time

from watched import status_kib

TONES = [300, 400, 500, 600, 700]
# --input speech: what each player says, over and over (espeak-ng), as League teammates would.
LINES = [
    "The enemy jungler is on the top side, ward the river.",
    "Dragon spawns in thirty seconds, everyone group at mid.",
    "Their support has no flash, we can fight now.",
    "Flash is down on their carry.",
    "I am going back to base, wait for me.",
    "Do not engage before my ultimate is ready.",
    "Baron is up in one minute, push the bottom lane first.",
]
VOICES = ["en-us", "en", "en-us+f3", "en+m3", "en-us+f2"]


def speech_files(directory, seconds):
    """One WAV per peer (48 kHz mono S16): espeak-ng lines back to back, with the pauses speech
    has between words and sentences, over a microphone's noise floor (pink noise at about
    -60 dBFS), longer than `seconds`. Returns the paths, or raises with what failed."""
    paths = []
    for i, voice in enumerate(VOICES):
        said = os.path.join(directory, f"said{i}.wav")
        text = " ".join(LINES[(i + k) % len(LINES)] for k in range(len(LINES)))
        subprocess.run(["espeak-ng", "-v", voice, "-w", said, text], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        voiced = os.path.join(directory, f"voiced{i}.wav")
        # -20 dBFS-ish speech: espeak-ng's full-scale output brought down 14 dB.
        subprocess.run(["sox", said, "-r", "48000", "-c", "1", "-b", "16", voiced, "gain", "-14"],
                       check=True, stderr=subprocess.PIPE)
        length = float(subprocess.run(["soxi", "-D", voiced], check=True, capture_output=True,
                                      text=True).stdout)
        repeats = int((seconds + 20) // length) + 1
        looped = os.path.join(directory, f"looped{i}.wav")
        subprocess.run(["sox", voiced, looped, "repeat", str(repeats)], check=True,
                       stderr=subprocess.PIPE)
        total = length * (repeats + 1)
        noise = os.path.join(directory, f"noise{i}.wav")
        subprocess.run(["sox", "-n", "-r", "48000", "-c", "1", "-b", "16", noise, "synth",
                        f"{total:.2f}", "pinknoise", "vol", "0.001"], check=True, stderr=subprocess.PIPE)
        out = os.path.join(directory, f"peer{i}.wav")
        subprocess.run(["sox", "-m", looped, noise, out], check=True, stderr=subprocess.PIPE)
        paths.append(out)
    return paths


def cpu_seconds(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def stderr_tails(procs):
    tails = []
    for p in procs:
        f = getattr(p, "errf", None)
        if f is None:
            tails.append("")
            continue
        f.flush()
        f.seek(0)
        tails.append(f.read())
    return tails


def stop(procs):
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 8
    for p in procs:
        try:
            p.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def start_server(binary, state_dir):
    # A state directory of its own: identity bindings from an earlier run would refuse our peers.
    server = subprocess.Popen([binary, "--port", "0", "--state-dir", state_dir], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = server.stdout.readline().strip()
    if not line.startswith("listening on "):
        stop([server])
        raise RuntimeError("shotcall-signal did not start")
    return server, line[len("listening on "):]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--out", required=True)
    ap.add_argument("--muted", action="store_true")
    # tone: a steady sine per peer; speech: espeak-ng lines with their pauses (speech_files).
    ap.add_argument("--input", choices=["tone", "speech"], default="tone")
    # Extra shotcall-peer options for every peer (e.g. --peer-arg=--frame-ms --peer-arg=20).
    ap.add_argument("--peer-arg", action="append", default=[])
    a = ap.parse_args()
    name = "voice-peers-muted" if a.muted else "voice-peers"
    out_path = os.path.join(a.out, name + ("-speech" if a.input == "speech" else "") + ".json")
    peer_bin = os.path.join(a.bin, "shotcall-peer")
    signal_bin = os.path.join(a.bin, "shotcall-signal")
    result = {"notes": [], "muted": a.muted, "input": a.input, "peer_args": a.peer_arg}
    if not os.access(peer_bin, os.X_OK):
        result["not_built"] = "shotcall-peer not built"
        json.dump(result, open(out_path, "w"))
        return 0
    # Beside OUT (bench/results/raw) run-all keeps logs/, which is not published.
    logs = os.path.join(os.path.dirname(os.path.abspath(a.out)), "logs")
    os.makedirs(logs, exist_ok=True)
    state = tempfile.TemporaryDirectory(prefix="shotcall-bench-state-")
    server, url = start_server(signal_bin, state.name)
    riot = [f"p{i}#BENCH" for i in range(5)]
    # 10 ms buffers: the period the engine asks of a microphone (device_buffer_ms).
    sources = [f"audiotestsrc is-live=true wave=sine volume=0.3 freq={t} samplesperbuffer=480"
               for t in TONES]
    if a.input == "speech":
        # A file plays as fast as it is read: clocksync releases each buffer at its time, as a
        # microphone delivers it.
        sources = [f"filesrc location={w} ! wavparse ! clocksync"
                   for w in speech_files(state.name, a.seconds)]
    procs = []
    try:
        sel = selectors.DefaultSelector()
        for i in range(5):
            cmd = [peer_bin, "--server", url, "--riot-id", riot[i], "--game", "7777", "--team", "100",
                   "--teammates", ",".join(riot), "--ice-address", "127.0.0.1",
                   "--source", sources[i],
                   "--sink", "fakesink sync=true", "--duration", str(a.seconds)]
            if a.muted:
                cmd.append("--mute")
            cmd += a.peer_arg
            # Named like the JSON file, so the speech run keeps the tone run's logs.
            errf = open(os.path.join(logs, f"{name}-speech-{i}.stderr" if a.input == "speech"
                                     else f"peer{i}{'-muted' if a.muted else ''}.stderr"), "w+")
            p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=errf, text=True, bufsize=1)
            p.errf = errf
            procs.append(p)
            sel.register(p.stdout, selectors.EVENT_READ, i)
        joined, first_audio = {}, []
        connected, failed_in_window = set(), []
        hwm = [0] * 5
        cpu0 = [None] * 5
        cpu_last = [None] * 5
        t_cpu0 = None
        open_pipes = 5
        deadline = time.monotonic() + a.seconds + 15
        last_poll = 0.0
        while open_pipes and time.monotonic() < deadline:
            for key, _ in sel.select(timeout=0.2):
                i = key.data
                line = key.fileobj.readline()
                if not line:
                    sel.unregister(key.fileobj)
                    open_pipes -= 1
                    continue
                now = time.monotonic()
                if line.startswith("joined "):
                    joined[i] = now
                elif line.startswith("first-audio "):
                    first_audio.append(now)
                elif line.startswith("peer "):  # "peer <riot id> <phase>[: reason]"
                    words = line.split()
                    if len(words) >= 3 and words[2] == "connected":
                        connected.add((i, words[1]))
                    elif len(words) >= 3 and words[2].startswith("failed") and t_cpu0 is not None:
                        failed_in_window.append(line.strip())
            now = time.monotonic()
            if now - last_poll >= 0.25:
                last_poll = now
                for i, p in enumerate(procs):
                    if p.poll() is None:
                        hwm[i] = max(hwm[i], status_kib(p.pid, "VmHWM") or 0)
                        c = cpu_seconds(p.pid)
                        # CPU is counted from the moment all twenty links have audio (muted:
                        # are connected).
                        ready = len(connected) >= 20 if a.muted else len(first_audio) >= 20
                        if ready and c is not None:
                            if t_cpu0 is None:
                                t_cpu0 = now
                            if cpu0[i] is None:
                                cpu0[i] = c
                            cpu_last[i] = (c, now)
        for p in procs:
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                pass
        codes = [p.poll() for p in procs]
        result["peer_exit_codes"] = codes
        result["peer_hwm_kib"] = hwm
        result["peer_hwm_kib_max"] = max(hwm) if any(hwm) else None
        result["links_with_audio"] = len(first_audio)
        result["links_connected"] = len(connected)
        result["links_failed_in_window"] = failed_in_window
        if a.muted:
            if len(joined) != 5 or len(connected) < 20:
                result["failure"] = f"{len(joined)} joined, {len(connected)} of 20 links connected"
            elif failed_in_window:
                result["failure"] = f"{len(failed_in_window)} links failed while muted"
        elif len(joined) == 5 and len(first_audio) >= 20:
            result["mesh_ms"] = (max(first_audio[:20]) - max(joined.values())) * 1000
        else:
            result["failure"] = f"{len(joined)} joined, {len(first_audio)} of 20 links with audio"
        crashed = [c for c in codes if c not in (0, None)]
        if crashed:
            result["failure"] = (result.get("failure", "mesh formed") +
                                 f"; peers exited with {codes} (negative: killed by that signal)")
            result["peer_stderr_tail"] = [e[-400:] for e in stderr_tails(procs)]
        shares = [(cl[0] - c0) / (cl[1] - t_cpu0) for c0, cl in zip(cpu0, cpu_last)
                  if c0 is not None and cl is not None and cl[1] > t_cpu0]
        if shares:
            result["peer_cpu_share_mean"] = sum(shares) / len(shares)
            result["peer_cpu_share_max"] = max(shares)
            result["peer_cpu_shares"] = shares
            result["cpu_window_s"] = max(cl[1] for cl in cpu_last if cl) - t_cpu0
            result["loadavg"] = open("/proc/loadavg").read().split()[:3]
    finally:
        stop(procs)
        stop([server])
        state.cleanup()
    json.dump(result, open(out_path, "w"))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
