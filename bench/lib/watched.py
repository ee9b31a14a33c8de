"""Child programs watched from one loop: their stdout lines (timestamped), one process's VmRSS.

Run.start(name, cmd, env) starts a program; Run.wait_until(cond, seconds) reads lines until cond()
holds, the deadline passes or a program dies; Run.hold(seconds) keeps everyone running; with
Run.app set, VmRSS of that process is sampled every SAMPLE_EVERY seconds into Run.samples."""
import os
import selectors
import signal
import subprocess
import time

SAMPLE_EVERY = 0.25
START_DEADLINE = 60  # s for a program to print that it is ready


def status_kib(pid, field):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


class Child:
    """A program whose stdout lines are collected, each with the time it arrived."""

    def __init__(self, name, cmd, log_path, env=None):
        self.name = name
        self.err = open(log_path, "w")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self.err, env=env)
        os.set_blocking(self.proc.stdout.fileno(), False)
        self.buf = b""
        self.lines = []  # (monotonic time, text)
        self.open = True

    @property
    def pid(self):
        return self.proc.pid

    def read(self):
        try:
            chunk = os.read(self.proc.stdout.fileno(), 65536)
        except BlockingIOError:
            return
        if not chunk:
            self.open = False
            return
        self.buf += chunk
        *done, self.buf = self.buf.split(b"\n")
        now = time.monotonic()
        self.lines += [(now, l.decode("utf-8", "replace")) for l in done]

    def first(self, prefix):
        return next(((t, l) for t, l in self.lines if l.startswith(prefix)), None)

    def stop(self, wait=10):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(wait)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.err.close()
        return self.proc.returncode


class Run:
    """Every child of one measurement, one selector over their stdout, the app's RSS samples."""

    def __init__(self, logs, tag):
        self.logs = logs
        self.tag = tag
        self.children = []
        self.sel = selectors.DefaultSelector()
        self.app = None
        self.t0 = time.monotonic()
        self.samples = []  # (seconds since t0, VmRSS KiB)
        self.last_sample = 0.0
        self.gl_visuals_cached = None

    def start(self, name, cmd, env=None):
        c = Child(name, cmd, os.path.join(self.logs, f"app-memory-{self.tag}-{name}.stderr"), env)
        self.children.append(c)
        self.sel.register(c.proc.stdout, selectors.EVENT_READ, c)
        return c

    def retire(self, c):
        """Stops a child before the others and forgets it."""
        if c.open:
            self.sel.unregister(c.proc.stdout)
        c.stop()
        self.children.remove(c)

    def pump(self, timeout):
        for key, _ in self.sel.select(timeout):
            c = key.data
            c.read()
            if not c.open:
                self.sel.unregister(key.fileobj)
        now = time.monotonic()
        if self.app and now - self.last_sample >= SAMPLE_EVERY and self.app.proc.poll() is None:
            self.last_sample = now
            rss = status_kib(self.app.pid, "VmRSS")
            if rss is not None:
                self.samples.append((round(now - self.t0, 2), rss))

    def wait_until(self, done, seconds):
        """Pumps until done() holds (True) or the deadline passes or a child dies (False)."""
        end = time.monotonic() + seconds
        while not done():
            if time.monotonic() >= end:
                return False
            if any(c.proc.poll() is not None for c in self.children):
                self.pump(0.05)  # its last lines
                return done()
            self.pump(0.2)
        return True

    def hold(self, seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if any(c.proc.poll() is not None for c in self.children):
                return False
            self.pump(min(0.2, max(0.0, end - time.monotonic())))
        return True

    def ready_line(self, child, prefix):
        if not self.wait_until(lambda: child.first(prefix) is not None, START_DEADLINE):
            raise RuntimeError(f"{child.name} did not print '{prefix}' (see {child.err.name})")
        return child.first(prefix)[1][len(prefix):].strip()

    def stop_all(self):
        """The app first (it leaves the call as Quit would), then everything else, newest first."""
        codes = {}
        order = ([self.app] if self.app else []) + [c for c in reversed(self.children) if c is not self.app]
        for c in order:
            codes[c.name] = c.stop()
            self.pump(0)
        return codes
