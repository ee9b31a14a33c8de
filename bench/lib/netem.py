#!/usr/bin/env python3
"""Voice over bad links: two shotcall-peer processes in two network namespaces (A, B), routed
through a third (R) whose links carry the impairment in each direction: `tc netem` on R's two
veths, or, on a kernel without sch_netem, shotcall-bad-link (tests/nat/bad_link.hpp: the same loss
and normally distributed delay in user space) on a TUN device R routes everything through.
shotcall-signal runs in A.

For each link condition both peers send a tone (audiotestsrc) for --seconds and record each
other; each recording is judged by shotcall-tone-share (tests/support/wav_analysis.*: the share of
20 ms windows in which the sender's tone is present, from its first to its last window). Writes
OUT/voice-netem.json: per condition and direction the share, the longest gap, the tone's span
against the call's wall-clock span, the packets opusdec rebuilt for lost ones, the peers' own loss
and jitter figures (report.json), and how libopus codes the test tones (FEC-capable or not).

  netem.py --bin BUILD/bin --seconds S --out DIR [--logs DIR] [--only NAME,...]

Needs root and iproute2 (ip, tc); otherwise the JSON says why nothing ran. The namespaces are
named sctn-<pid>-<tag>-{a,r,b} like the tests' (tests/support/netns.hpp), so a run killed
half-way is cleaned up by the next test run, and this script removes its own on exit.
"""
import argparse
import glob
import json
import os
import random
import selectors
import shutil
import signal
import string
import subprocess
import sys
import tempfile
import time

TONE = {"a": 440, "b": 660}
ADDR = {"a": "10.77.1.2", "b": "10.77.2.2"}
GATEWAY = {"a": "10.77.1.1", "b": "10.77.2.1"}
TUN = "blk0"

# name, impairment (per direction), extra shotcall-peer arguments. The first five are the figures
# the issue asks for, with the defaults (the jitter-buffer depth follows the link); the last four
# fix the depth: at the old default of 20 ms, and at 100 ms.
J30 = {"delay": 30, "jitter": 30}
FIXED_20 = ["--jitter-ms", "20"]
FIXED_100 = ["--jitter-ms", "100"]
CONDITIONS = [
    ("clean", {}, []),
    ("loss 2%", {"loss": 2}, []),
    ("loss 5%", {"loss": 5}, []),
    ("jitter 30 ms", J30, []),
    ("loss 2% + jitter 30 ms", {**J30, "loss": 2}, []),
    ("jitter 30 ms, fixed 20 ms jitter buffer", J30, FIXED_20),
    ("loss 2% + jitter 30 ms, fixed 20 ms jitter buffer", {**J30, "loss": 2}, FIXED_20),
    ("jitter 30 ms, fixed 100 ms jitter buffer", J30, FIXED_100),
    ("loss 2% + jitter 30 ms, fixed 100 ms jitter buffer", {**J30, "loss": 2}, FIXED_100),
]


def netem_args(im):
    """The tc netem arguments for an impairment: delay D J distribution normal, loss P%."""
    args = []
    if im.get("delay") or im.get("jitter"):
        args += ["delay", f"{im.get('delay', 0)}ms"]
        if im.get("jitter"):
            args += [f"{im['jitter']}ms", "distribution", "normal"]
    if im.get("loss"):
        args += ["loss", f"{im['loss']}%"]
    return args


def sh(*cmd, check=True):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if check and r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)}: {r.stdout}{r.stderr}".strip())
    return r


def unavailable():
    if os.geteuid() != 0:
        return "needs root (network namespaces, tc)"
    for tool in ("ip", "tc"):
        if not shutil.which(tool, path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin"):
            return f"{tool} (iproute2) is not installed"
    return None


class Link:
    """A and B, each in its namespace, routed through a router namespace R whose two veths carry
    the impairment: tc netem on both (each direction leaves R once), or, on a kernel without
    sch_netem, shotcall-bad-link's TUN device, through which R routes everything it forwards."""

    def __init__(self, bad_link_bin, logs):
        tag = "".join(random.choice(string.ascii_lowercase + string.digits) for _ in range(5))
        self.ns = {side: f"sctn-{os.getpid()}-{tag}-{side}" for side in ("a", "r", "b")}
        self.bad_link_bin = bad_link_bin
        self.logs = logs
        self.emulator = None
        try:
            self.build()
        except Exception:
            self.remove()
            raise

    def build(self):
        for ns in self.ns.values():
            sh("ip", "netns", "add", ns)
            # IPv4 only: ICE then sees just the address given with --ice-address.
            for key in ("all", "default"):
                self.sysctl(ns, f"net.ipv6.conf.{key}.disable_ipv6", 1)
            sh("ip", "-n", ns, "link", "set", "lo", "up")
        r = self.ns["r"]
        for side, dev in (("a", "ra"), ("b", "rb")):
            sh("ip", "-n", r, "link", "add", dev, "type", "veth", "peer", "name", "eth0", "netns", self.ns[side])
            sh("ip", "-n", r, "addr", "add", GATEWAY[side] + "/24", "dev", dev)
            sh("ip", "-n", r, "link", "set", dev, "up")
            sh("ip", "-n", self.ns[side], "addr", "add", ADDR[side] + "/24", "dev", "eth0")
            sh("ip", "-n", self.ns[side], "link", "set", "eth0", "up")
            sh("ip", "-n", self.ns[side], "route", "add", "default", "via", GATEWAY[side])
        self.sysctl(r, "net.ipv4.ip_forward", 1)
        # Packets come back out of the TUN device with sources that route via ra/rb.
        for key in ("all", "default"):
            self.sysctl(r, f"net.ipv4.conf.{key}.rp_filter", 0)
        probe = sh("tc", "-n", r, "qdisc", "add", "dev", "ra", "root", "netem", "delay", "0ms", check=False)
        self.mode = "tc netem" if probe.returncode == 0 else "shotcall-bad-link (no sch_netem in this kernel)"
        if probe.returncode == 0:
            sh("tc", "-n", r, "qdisc", "del", "dev", "ra", "root")
        else:
            for dev in ("ra", "rb"):
                sh("ip", "-n", r, "rule", "add", "iif", dev, "lookup", "100")

    @staticmethod
    def sysctl(ns, key, value):
        sh("ip", "netns", "exec", ns, "sysctl", "-qw", f"{key}={value}")

    def impair(self, im):
        r = self.ns["r"]
        if self.mode == "tc netem":
            for dev in ("ra", "rb"):
                sh("tc", "-n", r, "qdisc", "del", "dev", dev, "root", check=False)
                if im:
                    sh("tc", "-n", r, "qdisc", "add", "dev", dev, "root", "netem", *netem_args(im))
            return
        self.stop_emulator()
        cmd = ["ip", "netns", "exec", r, self.bad_link_bin, "--dev", TUN,
               "--loss", str(im.get("loss", 0)), "--delay", str(im.get("delay", 0)),
               "--jitter", str(im.get("jitter", 0)), "--seed", str(random.randrange(1 << 31))]
        self.emulator = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        line = self.emulator.stdout.readline().strip()
        if line != f"ready {TUN}":
            raise RuntimeError(f"shotcall-bad-link did not start: {line}")
        self.sysctl(r, f"net.ipv4.conf.{TUN}.rp_filter", 0)
        sh("ip", "-n", r, "link", "set", TUN, "up")
        sh("ip", "-n", r, "route", "replace", "default", "dev", TUN, "table", "100")

    def stop_emulator(self):
        """The emulator's own count of packets and losses, or {}."""
        if not self.emulator:
            return {}
        self.emulator.send_signal(signal.SIGTERM)
        try:
            out, _ = self.emulator.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.emulator.kill()
            out, _ = self.emulator.communicate()
        self.emulator = None
        stats = {}
        for line in out.splitlines():
            if line.startswith("stats "):
                stats = {k: int(v) for k, v in (f.split("=") for f in line.split()[1:])}
        return stats

    def prefix(self, side):
        return ["ip", "netns", "exec", self.ns[side]]

    def remove(self):
        self.stop_emulator()
        for ns in self.ns.values():
            pids = sh("ip", "netns", "pids", ns, check=False).stdout.split()
            for pid in pids:
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except (OSError, ValueError):
                    pass
            sh("ip", "netns", "del", ns, check=False)


def stop(procs):
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in procs:
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def start_server(link, binary, logs):
    errf = open(os.path.join(logs, "netem-signal.stderr"), "w")
    # A fresh state directory of its own (the server's default is ./shotcall-state, shared with
    # every other run started from the same folder: its identity bindings refuse new keys).
    state_dir = os.path.join(logs, "netem-signal-state")
    shutil.rmtree(state_dir, ignore_errors=True)
    server = subprocess.Popen(link.prefix("a") + [binary, "--bind", ADDR["a"], "--port", "0", "--state-dir", state_dir],
                              stdout=subprocess.PIPE, stderr=errf, text=True)
    line = server.stdout.readline().strip()
    if not line.startswith("listening on "):
        stop([server])
        raise RuntimeError("shotcall-signal did not start: " + line)
    return server, line[len("listening on "):]


def report_peer(path):
    """The report's one teammate, with the peer's own jitter-buffer depth at exit beside it."""
    try:
        with open(path) as f:
            report = json.load(f)
        peers = report.get("peers", [])
        return {**(peers[0] if peers else {}), "jitterBufferMs": report.get("jitterBufferMs")}
    except (OSError, ValueError):
        return {}


def opus_modes(hz, seconds=3, bitrate=32000, frame_ms=10, loss_percent=5):
    """How libopus codes the test tone with the engine's encoder settings (make_opus_encoder):
    packets per mode from each packet's TOC byte. Only SILK and hybrid packets can carry in-band
    FEC (it is a SILK-layer feature); CELT-only packets carry none, whatever inband-fec says."""
    path = tempfile.mktemp(prefix="shotcall-netem-", suffix=".ogg")
    pipeline = (f"audiotestsrc num-buffers={int(seconds * 100)} samplesperbuffer=480 wave=sine freq={hz} "
                "volume=0.3 ! audio/x-raw,rate=48000,channels=1 ! opusenc audio-type=voice "
                f"bitrate={bitrate} frame-size={frame_ms} inband-fec=true packet-loss-percentage={loss_percent} "
                f"dtx=true ! oggmux ! filesink location={path}")
    try:
        subprocess.run(["gst-launch-1.0", "-q", *pipeline.split()], check=True, capture_output=True, timeout=60)
        data = open(path, "rb").read()
    except (OSError, subprocess.SubprocessError):
        return None
    finally:
        if os.path.exists(path):
            os.unlink(path)
    packets, cur, pos = [], b"", 0
    while pos + 27 <= len(data) and data[pos:pos + 4] == b"OggS":
        nseg = data[pos + 26]
        body = pos + 27 + nseg
        for size in data[pos + 27:pos + 27 + nseg]:
            cur += data[body:body + size]
            body += size
            if size < 255:
                packets.append(cur)
                cur = b""
        pos = body
    modes = {"SILK": 0, "hybrid": 0, "CELT": 0}
    for p in packets[2:]:  # after OpusHead and OpusTags
        if p:
            config = p[0] >> 3
            modes["SILK" if config < 12 else "hybrid" if config < 16 else "CELT"] += 1
    return {"bitrate": bitrate, "frame_ms": frame_ms, "expected_loss_percent": loss_percent, "packets": modes}


def count_lines(path, needle):
    try:
        with open(path, errors="replace") as f:
            return sum(needle in line for line in f)
    except OSError:
        return None


def judge(tool, path, hz):
    r = subprocess.run([tool, path, str(hz)], capture_output=True, text=True)
    try:
        return json.loads(r.stdout)
    except ValueError:
        return {"ok": False, "why": (r.stdout + r.stderr).strip()[:300]}


def run_condition(link, bins, url, name, extra, seconds, game, logs, work):
    riot = {side: f"Netem{side.upper()}#BENCH" for side in ("a", "b")}
    procs, started, first_audio = {}, {}, {}
    for side in ("a", "b"):
        d = os.path.join(work, side)
        os.makedirs(d, exist_ok=True)
        cmd = link.prefix(side) + [
            bins["peer"], "--server", url, "--riot-id", riot[side], "--game", game, "--team", "100",
            "--teammates", ",".join(riot.values()), "--ice-address", ADDR[side], "--no-dsp",
            "--source", f"audiotestsrc is-live=true wave=sine volume=0.3 freq={TONE[side]}",
            "--sink", "fakesink sync=true", "--record-dir", d, "--report", os.path.join(d, "report.json"),
            "--duration", str(seconds)] + extra
        errf = open(os.path.join(logs, f"netem-{game}-{side}.stderr"), "w")
        # opusdec's LOG lines tell each packet it decoded in order from each one it rebuilt for a
        # lost predecessor (from the next packet's in-band FEC when it carries some, else by PLC).
        env = {**os.environ, "GST_DEBUG": "opusdec:6", "GST_DEBUG_NO_COLOR": "1"}
        procs[side] = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=errf, text=True, bufsize=1,
                                       env=env)
        procs[side].errpath = errf.name
        started[side] = time.monotonic()
    ended = {}
    sel = selectors.DefaultSelector()
    for side, p in procs.items():
        sel.register(p.stdout, selectors.EVENT_READ, side)
    deadline = time.monotonic() + seconds + 30
    # Lines as they come until both peers exit by themselves (--duration); first-audio marks
    # the call up for that listener, its stdout closing marks its exit.
    while len(ended) < len(procs) and time.monotonic() < deadline:
        for key, _ in sel.select(timeout=0.5):
            side = key.data
            line = key.fileobj.readline()
            if not line:
                sel.unregister(key.fileobj)
                ended[side] = time.monotonic()
            elif line.startswith("first-audio ") and side not in first_audio:
                first_audio[side] = time.monotonic()
    stop(list(procs.values()))
    out = {"condition": name, "peer_args": extra, "exit_codes": {s: p.returncode for s, p in procs.items()}}
    for listener, speaker in (("b", "a"), ("a", "b")):
        wavs = sorted(glob.glob(os.path.join(work, listener, "*.wav")))
        direction = f"{speaker}->{listener}"
        d = {"recordings": len(wavs)}
        if wavs:
            d.update(judge(bins["judge"], wavs[0], TONE[speaker]))
        if listener in first_audio and listener in ended:
            # The call as the listener lived it: first audio to its own exit. A recording much
            # shorter than this lost audio outright rather than concealing it.
            d["call_seconds"] = round(ended[listener] - first_audio[listener], 3)
        d["packets_rebuilt_from_next"] = count_lines(procs[listener].errpath, "reconstructing last buffer")
        d["packets_decoded_in_order"] = count_lines(procs[listener].errpath, "decoding last delayed buffer")
        rep = report_peer(os.path.join(work, listener, "report.json"))
        d["packets_lost"] = rep.get("packetsLost")
        d["jitter_ms"] = rep.get("jitterMs")
        d["jitter_buffer_ms"] = rep.get("jitterBufferMs")
        out[direction] = d
    # The decoder's log is megabytes: kept only when that peer failed.
    for p in procs.values():
        if p.returncode == 0:
            os.unlink(p.errpath)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--out", required=True)
    ap.add_argument("--logs")
    ap.add_argument("--only", help="comma-separated condition names")
    a = ap.parse_args()
    out_path = os.path.join(a.out, "voice-netem.json")
    logs = a.logs or os.path.join(os.path.dirname(os.path.abspath(a.out)), "logs")
    os.makedirs(logs, exist_ok=True)
    bins = {"peer": os.path.join(a.bin, "shotcall-peer"), "signal": os.path.join(a.bin, "shotcall-signal"),
            "judge": os.path.join(a.bin, "shotcall-tone-share"),
            "bad_link": os.path.join(a.bin, "shotcall-bad-link")}
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    result = {"seconds": a.seconds, "tones_hz": TONE, "runs": [],
              "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
              "git_commit": sh("git", "-C", root, "rev-parse", "HEAD", check=False).stdout.strip(),
              "bin": os.path.abspath(a.bin)}
    missing = [b for b in bins.values() if not os.access(b, os.X_OK)]
    why = unavailable() or (f"not built: {', '.join(map(os.path.basename, missing))}" if missing else None)
    if why:
        result["not_run"] = why
        json.dump(result, open(out_path, "w"))
        print(json.dumps(result))
        return 0
    # Whether in-band FEC can help this signal at all: the encoder's modes for each tone, with the
    # defaults and with settings that keep it in a FEC-capable mode.
    result["opus_modes"] = {str(hz): [opus_modes(hz), opus_modes(hz, bitrate=24000)] for hz in TONE.values()}
    wanted = set(a.only.split(",")) if a.only else None
    server = None
    work = tempfile.mkdtemp(prefix="shotcall-netem-")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        link = Link(bins["bad_link"], logs)
    except RuntimeError as e:
        result["not_run"] = f"cannot build the namespaces: {e}"
        json.dump(result, open(out_path, "w"))
        print(json.dumps(result))
        return 0
    result["impairment_by"] = link.mode
    try:
        server, url = start_server(link, bins["signal"], logs)
        for n, (name, im, extra) in enumerate(CONDITIONS):
            if wanted and name not in wanted:
                continue
            link.impair(im)
            run_dir = os.path.join(work, str(n))
            r = run_condition(link, bins, url, name, extra, a.seconds, f"NETEM{n}", logs, run_dir)
            r["netem"] = " ".join(netem_args(im))
            stats = link.stop_emulator()
            if stats:
                r["emulator"] = stats
            result["runs"].append(r)
            print(json.dumps(r), flush=True)
    finally:
        if server:
            stop([server])
        link.remove()
        shutil.rmtree(work, ignore_errors=True)
    json.dump(result, open(out_path, "w"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
