#!/usr/bin/env python3
"""Two shotcall-signal instances sharing one Redis and one port (SO_REUSEPORT) hold a population
driven by two shotcall-loadgen processes, each with half of it.

  scaleout.py --bin BUILD/bin --sessions-per-half N --ramp-step S --rate R --relay-rate RR
              --hold H --ramp-deadline D --out RAW --logs LOGS

Starts a real redis-server on a free loopback port (no persistence), instance `a` on a free port
and instance `b` on the same one, then both load generators (`--gated`, distinct Riot ID tags,
source addresses and game ids). Each ramps its half up in steps, forming teams of five as it
goes; the kernel spreads a team's five connections over both instances, so teammates meet across
instances through Redis. When both print `event ready`, every instance's /metrics, /proc figures
and Redis's INFO are read, everyone is held H seconds, then each session signals a teammate once
(SIGUSR1), the metrics are read again, and everything stops. Waits are on the programs' output
lines with deadlines; a missed deadline is recorded as the result. Writes
OUT/signaling-scaleout.json (raw) and, per half, OUT/signaling-scaleout-loadgen-{A,B}.json.
"""
import argparse
import json
import os
import selectors
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import postgres  # noqa: E402
import scaleout_probe as probe  # noqa: E402

HALVES = [  # tag, first source address 127.0.0.x, game id base
    ("A", 10, 7_000_000_000),
    ("B", 40, 8_000_000_000),
]
SOURCES = 8
SAMPLE_EVERY = 5.0  # s between samples of the servers during the ramp
START_DEADLINE = 30.0
LOG_EVENTS = ["instance-mark-lost", "dead-instance-cleanup", "redis-restored", "redis-lost",
              "redis-fetch-failed", "redis-commit-failed"]


class Child:
    """A started program; its stdout (or stderr) lines are read through the selector."""

    def __init__(self, name, cmd, stdout, stderr, watch):
        self.name = name
        self.proc = subprocess.Popen(cmd, stdout=stdout, stderr=stderr)
        self.stream = {"stdout": self.proc.stdout, "stderr": self.proc.stderr}.get(watch)
        self.buf = b""
        self.lines = []  # (monotonic time, text)
        self.copy = None  # a log file the watched lines are copied to
        if self.stream is not None:
            os.set_blocking(self.stream.fileno(), False)

    @property
    def pid(self):
        return self.proc.pid

    def read(self):
        try:
            chunk = os.read(self.stream.fileno(), 65536)
        except BlockingIOError:
            return True
        if not chunk:
            return False
        if self.copy:
            self.copy.write(chunk)
            self.copy.flush()
        self.buf += chunk
        *done, self.buf = self.buf.split(b"\n")
        now = time.monotonic()
        self.lines += [(now, l.decode("utf-8", "replace")) for l in done]
        return True

    def find(self, needle):
        return next((l for _, l in self.lines if needle in l), None)

    def stop(self, sig=signal.SIGTERM, wait=30.0):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(wait)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


class Run:
    def __init__(self, logs):
        self.logs = logs
        self.children = []
        self.sel = selectors.DefaultSelector()
        self.t0 = time.monotonic()

    def start(self, name, cmd, watch, stdout_path=None):
        """watch='stdout': stdout is read (stderr to LOGS/scaleout-NAME.err); watch='stderr':
        stderr is read and copied to LOGS/scaleout-NAME.err, stdout goes to stdout_path."""
        err_path = os.path.join(self.logs, f"scaleout-{name}.err")
        if watch == "stdout":
            c = Child(name, cmd, subprocess.PIPE, open(err_path, "wb"), watch)
        else:
            c = Child(name, cmd, open(stdout_path, "wb"), subprocess.PIPE, watch)
            c.copy = open(err_path, "wb")
        self.children.append(c)
        self.sel.register(c.stream, selectors.EVENT_READ, c)
        return c

    def pump(self, timeout):
        for key, _ in self.sel.select(timeout):
            if not key.data.read():
                self.sel.unregister(key.fileobj)

    def wait_until(self, done, seconds, watched=()):
        """Pumps until done() (True), the deadline, or one of `watched` exits (False)."""
        end = time.monotonic() + seconds
        while not done():
            if time.monotonic() >= end:
                return False
            if any(c.proc.poll() is not None for c in watched):
                self.pump(0.05)
                return done()
            self.pump(min(0.5, max(0.0, end - time.monotonic())))
        return True

    def stop_all(self, wait=30.0):
        """SIGTERM to every child but Redis at once, then to Redis (so that no instance logs
        losing it); SIGKILL to any still there after its share of `wait` s."""
        codes = {}
        first = [c for c in self.children if c.name != "redis"]
        for wave in (first, [c for c in self.children if c not in first]):
            for c in wave:
                if c.proc.poll() is None:
                    c.proc.send_signal(signal.SIGTERM)
            end = time.monotonic() + wait / 2
            for c in wave:
                try:
                    c.proc.wait(max(0.05, end - time.monotonic()))
                except subprocess.TimeoutExpired:
                    c.proc.kill()
                    c.proc.wait()
                codes[c.name] = c.proc.returncode
        return codes


def wait_line(run, child, needle, seconds=START_DEADLINE):
    if not run.wait_until(lambda: child.find(needle) is not None, seconds, [child]):
        raise RuntimeError(f"{child.name} did not print '{needle}' within {seconds:.0f} s "
                           f"(exit status {child.proc.poll()})")
    return child.find(needle)


def event_fields(line):
    """'loadgen: event ready registered=5 ok=1 ...' -> {'event': 'ready', 'registered': 5, ...}"""
    words = line.split("event", 1)[1].split()
    out = {"event": words[0]}
    for w in words[1:]:
        k, _, v = w.partition("=")
        out[k] = int(v) if v.lstrip("-").isdigit() else v
    return out


def interrupted(*_):
    raise KeyboardInterrupt()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--sessions-per-half", type=int, required=True)
    ap.add_argument("--ramp-step", type=int, default=1000)
    ap.add_argument("--rate", type=float, default=500, help="offered joins/s per half")
    ap.add_argument("--relay-rate", type=float, default=2000, help="signals/s per half")
    ap.add_argument("--hold", type=float, default=10)
    ap.add_argument("--ramp-deadline", type=float, default=2700)
    ap.add_argument("--no-teams", action="store_true",
                    help="a diagnosis: sessions only register (no channels, no relay)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--logs", required=True)
    a = ap.parse_args()

    # SIGTERM (run-all's cleanup) unwinds through the finally below like Ctrl-C does.
    signal.signal(signal.SIGTERM, interrupted)
    run = Run(a.logs)
    result = {"parameters": {"instances": 2, "halves": len(HALVES), "sessions_per_half": a.sessions_per_half,
                             "sessions": a.sessions_per_half * len(HALVES), "ramp_step": a.ramp_step,
                             "joins_per_s_per_half": a.rate, "relay_per_s_per_half": a.relay_rate,
                             "hold_s": a.hold, "ramp_deadline_s": a.ramp_deadline,
                             "sources_per_half": SOURCES, "nofile_limit": probe.nofile_limit(),
                             "teams": not a.no_teams},
              "failures": []}
    fail = result["failures"].append
    stop_wait = 30.0
    lat_paths = {tag: os.path.join(a.logs, f"scaleout-latencies-{tag}.txt") for tag, _, _ in HALVES}
    pg_root = None
    try:
        # ---- Redis, then two instances on one port ----
        redis_port = probe.free_port()
        redis = run.start("redis", ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1",
                                    "--save", "", "--appendonly", "no", "--loglevel", "notice"], "stdout")
        wait_line(run, redis, "Ready to accept connections")
        # Identity bindings are shared through PostgreSQL (required with --redis).
        pg_root = postgres.prepare()
        pg_port = probe.free_port()
        pg = run.start("postgres", postgres.command(pg_root, pg_port), "stderr", os.devnull)
        wait_line(run, pg, postgres.READY_LINE)
        common = ["--bind", "127.0.0.1", "--reuse-port", "--redis", f"redis://127.0.0.1:{redis_port}",
                  "--database", postgres.url(pg_port),
                  "--max-connections-per-ip", "0", "--max-connections", "100000"]
        inst_a = run.start("instance-a", [f"{a.bin}/shotcall-signal", "--port", "0", "--instance-id", "a"] + common,
                           "stdout")
        url = wait_line(run, inst_a, "listening on ").split("listening on ", 1)[1].strip()
        port = int(url.rsplit(":", 1)[1].split("/", 1)[0])
        inst_b = run.start("instance-b", [f"{a.bin}/shotcall-signal", "--port", str(port), "--instance-id", "b"] + common,
                           "stdout")
        wait_line(run, inst_b, "listening on ")
        instances = {"a": inst_a.pid, "b": inst_b.pid}
        # Both in the port's group and linked to Redis: each answers /metrics with redis_up 1.
        end = time.monotonic() + START_DEADLINE
        while True:
            m = probe.scrape_each(port, instances)
            if all(m.get(n, {}).get("shotcall_redis_up") == 1 for n in instances):
                break
            if time.monotonic() > end:
                raise RuntimeError(f"instances not both up with Redis: {sorted(m)}")
            run.pump(0.2)  # (runs the wait on the children's output, not a bare sleep)
        result["url"] = url
        result["start"] = probe.snapshot(port, instances, redis.pid, redis_port)

        # ---- two load generators, one half each ----
        gens = {}
        for tag, source_base, game_base in HALVES:
            cmd = [f"{a.bin}/shotcall-loadgen", "--url", url, "--scenario", "scaleout", "--gated",
                   "--sessions", str(a.sessions_per_half), "--ramp-step", str(a.ramp_step),
                   "--rate", str(a.rate), "--relay-rate", str(a.relay_rate), "--tag", tag,
                   "--sources", str(SOURCES), "--source-base", str(source_base), "--game-base", str(game_base),
                   "--gate-timeout", str(a.ramp_deadline + 600), "--latencies-out", lat_paths[tag]]
            if a.no_teams:
                cmd.append("--no-teams")
            gens[tag] = run.start(f"loadgen-{tag}", cmd, "stderr",
                                  os.path.join(a.out, f"signaling-scaleout-loadgen-{tag}.json"))
        ramp_t0 = time.monotonic()
        result["ramp_started_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        samples = result["samples"] = []
        pids = dict(instances, redis=redis.pid)

        def sample():
            s = {"t": round(time.monotonic() - ramp_t0, 1),
                 "proc": {n: {k: v for k, v in probe.proc(p).items() if k != "vmhwm_kib"} for n, p in pids.items()},
                 "metrics": {n: probe.sample_pick(m) for n, m in probe.scrape_each(port, instances).items()}}
            samples.append(s)

        def all_said(name):
            return all(g.find(f"event {name}") is not None for g in gens.values())

        # The ramp: sampled every SAMPLE_EVERY s until both halves are ready.
        ready = False
        end = ramp_t0 + a.ramp_deadline
        while not ready:
            sample()
            ready = run.wait_until(lambda: all_said("ready"), min(SAMPLE_EVERY, max(0.0, end - time.monotonic())),
                                   gens.values())
            if not ready and (time.monotonic() >= end or any(g.proc.poll() is not None for g in gens.values())):
                break
        result["ramp_s"] = round(time.monotonic() - ramp_t0, 1)
        if not ready:
            fail(f"ramp: not both halves ready after {result['ramp_s']} s "
                 f"(exit codes {[g.proc.poll() for g in gens.values()]})")
        else:
            result["ready_events"] = {t: event_fields(g.find("event ready")) for t, g in gens.items()}
            result["held"] = probe.snapshot(port, instances, redis.pid, redis_port,
                                            {t: g.pid for t, g in gens.items()})
            # Hold: everyone connected, silent, answering the servers' pings.
            run.wait_until(lambda: False, a.hold, gens.values())
            if any(g.proc.poll() is not None for g in gens.values()):
                fail("hold: a load generator exited while holding")
            result["hold_end"] = probe.snapshot(port, instances, redis.pid, redis_port)
            for g in gens.values():
                g.proc.send_signal(signal.SIGUSR1)
            relay_deadline = 60 + 3.0 * a.sessions_per_half / a.relay_rate
            if not run.wait_until(lambda: all_said("relayed"), relay_deadline, gens.values()):
                fail(f"relay: not both halves done within {relay_deadline:.0f} s")
            result["relayed_events"] = {t: event_fields(g.find("event relayed"))
                                        for t, g in gens.items() if g.find("event relayed")}
            result["after_relay"] = probe.snapshot(port, instances, redis.pid, redis_port)
        # Release whatever still waits at a gate; each half prints its JSON and closes.
        for g in gens.values():
            if g.proc.poll() is None:
                g.proc.send_signal(signal.SIGUSR1)
        if not run.wait_until(lambda: all(g.proc.poll() is not None for g in gens.values()), 120):
            fail("load generators did not exit within 120 s of their release")
        result["loadgen_exit"] = {t: g.stop() for t, g in gens.items()}
        result["end"] = probe.snapshot(port, instances, redis.pid, redis_port)
    except KeyboardInterrupt:
        fail("interrupted")
        stop_wait = 4.0  # run-all's cleanup kills this script 5 s after its SIGTERM
        raise
    except Exception as e:  # noqa: BLE001: recorded as the result
        fail(f"{type(e).__name__}: {e}")
    finally:
        result["exit_codes"] = run.stop_all(stop_wait)
        if pg_root:
            postgres.cleanup(pg_root)
        result["halves"] = {}
        for tag, _, _ in HALVES:
            path = os.path.join(a.out, f"signaling-scaleout-loadgen-{tag}.json")
            result["halves"][tag] = probe.load_json(path)
        result["latencies"] = probe.merge_latencies(list(lat_paths.values()))
        # An instance whose main loop stalls past its liveness mark (2 s) is taken for dead by
        # the other, which evicts its players from their channels: count those events.
        result["instance_log_events"] = {
            n: probe.log_events(os.path.join(a.logs, f"scaleout-instance-{n}.err"), LOG_EVENTS) for n in ("a", "b")}
        with open(os.path.join(a.out, "signaling-scaleout.json"), "w") as f:
            json.dump(result, f, separators=(",", ":"))
            f.write("\n")
    print(json.dumps({"failures": result["failures"], "ramp_s": result.get("ramp_s")}))
    return 0 if not result["failures"] else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # stopped: the children are stopped and the raw file written
        sys.exit(130)
