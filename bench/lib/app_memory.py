#!/usr/bin/env python3
"""The desktop app `shotcall` in a call with four teammates: its peak resident memory.

On loopback, with no sound card, as tests/ui/app_e2e_test.cpp runs it: Xvfb, shotcall-signal, the
stand-in of League's Live Client Data API (lcd-standin) serving a 5v5 where the player and four
teammates are on ORDER, four shotcall-peer teammates (test tones in, fakesink out) and the real
app pointed at both. It waits on the app's `--events` lines and the teammates' stdout until audio
flows on all eight directed links between the app and its teammates, keeps the call up for S
seconds sampling the app's VmRSS, then reads its VmHWM and where its resident pages are
(/proc/<pid>/smaps). A run of the app with its window up and no game (the stand-in answering 404,
as a loading game does) gives the idle baseline. Each run has its own Xvfb on which a GTK client
(the app, up to its window) has run first, as on a desktop (see warm_display). --cold-display
adds both runs with the app as the first GTK client of the X server; --variant NAME:VAR=VALUE
both runs with more environment. Writes OUT/voice-app.json; a failure is recorded there
(`failure`), never waited on past the deadlines.

  app_memory.py --bin BUILD/bin --lcd-standin BUILD/tests/game/lcd-standin
                --schema-dir BUILD/data/schemas --fixture FILE --seconds S --out DIR
                [--cold-display] [--variant NAME:VAR=VALUE[,VAR=VALUE]]...
"""
import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from smaps import rss_breakdown  # noqa: E402
from watched import START_DEADLINE, Run, status_kib  # noqa: E402

# The fixture's ORDER side (tests/game/fixtures/classic_order_view.json): the player first.
TEAM = ["Shotcaller#EUW", "Ñandú#ÁÉ", "Саша#RU1", "ジンクス好き#JP1", "Lane Bully#NA1"]
APP_TONE = 440
PEER_TONES = [300, 650, 850, 1100]
CALL_DEADLINE = 180    # s from the app's start to audio on all eight links


def app_env(root, schema_dir, display, extra):
    """What the e2e test gives the app: private settings, the build tree's schema, no session bus."""
    env = dict(os.environ)
    for k in ("WAYLAND_DISPLAY", "GTK_THEME"):
        env.pop(k, None)
    env.update({
        "DISPLAY": display, "GSETTINGS_BACKEND": "keyfile", "GSETTINGS_SCHEMA_DIR": schema_dir,
        "XDG_CONFIG_HOME": f"{root}/config", "XDG_DATA_HOME": f"{root}/data", "XDG_CACHE_HOME": f"{root}/cache",
        "DBUS_SESSION_BUS_ADDRESS": f"unix:path={root}/no-session-bus", "NO_AT_BRIDGE": "1", "GST_DEBUG": "1",
    })
    env.update(extra or {})
    return env


def warm_gst_registry(root):
    if not shutil.which("gst-inspect-1.0"):
        return False
    env = dict(os.environ, XDG_CACHE_HOME=f"{root}/cache")
    try:
        return subprocess.run(["gst-inspect-1.0", "coreelements"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, timeout=300).returncode == 0
    except subprocess.TimeoutExpired:
        return False


def gl_visuals_cached(display):
    """Whether GDK's GL visual choice is cached on the root window (None: xprop missing)."""
    if not shutil.which("xprop"):
        return None
    out = subprocess.run(["xprop", "-display", display, "-root", "GDK_VISUALS"], capture_output=True, text=True,
                         timeout=30).stdout
    return "=" in out


def warm_display(run, a, env):
    """Runs the app once up to its window on this display, as any GTK 3 program of a desktop
    session would have: GDK 3 on X11 probes GLX for its visuals in the first GTK client of an X
    server (which loads Mesa and LLVM) and caches the choice in the root window's GDK_VISUALS
    property, which every later GTK client reads instead."""
    warm = run.start("warm-up", [os.path.join(a.bin, "shotcall"), "--server", "ws://127.0.0.1:1/ws",
                                 "--lcd-url", "https://127.0.0.1:1", "--events"], env)
    ok = run.wait_until(lambda: warm.first("window-mapped") is not None, START_DEADLINE)
    run.retire(warm)
    if not ok:
        raise RuntimeError(f"the warm-up app did not map its window (see {warm.err.name})")


def start_world(run, a, root, loading, extra_env, warm=True):
    """Xvfb, the server and the game stand-in; returns (env, server URL, stand-in URL, CA file).
    warm: the display has seen a GTK client before (a desktop session); else this app is the
    first GTK client of a fresh X server."""
    xvfb = run.start("xvfb", ["Xvfb", "-displayfd", "1", "-screen", "0", "1280x900x24", "-nolisten", "tcp", "-noreset"])
    display = ":" + run.ready_line(xvfb, "")
    env = app_env(root, a.schema_dir, display, extra_env)
    if warm:
        warm_display(run, a, env)
    run.gl_visuals_cached = gl_visuals_cached(display)
    # A state directory for each run: identity bindings of an earlier one (the server's default is
    # ./shotcall-state; the warm and the cold-display call share `root`) refused the teammates,
    # whose keys are new with each server's port.
    server = run.start("signal", [os.path.join(a.bin, "shotcall-signal"), "--bind", "127.0.0.1", "--port", "0",
                                  "--state-dir", f"{root}/signal-state-{run.tag}"])
    url = run.ready_line(server, "listening on ")
    lcd_cmd = [a.lcd_standin, "--port", "0", "--cert-dir", f"{root}/lcd", "--document", a.fixture]
    if loading:
        lcd_cmd += ["--loading-seconds", "86400"]  # a game that never finishes loading: no call
    lcd = run.start("lcd-standin", lcd_cmd)
    lcd_url = run.ready_line(lcd, "listening on ")
    return env, url, lcd_url, f"{root}/lcd/ca.pem"


def start_app(run, a, env, url, lcd_url, ca):
    source = f"audiotestsrc is-live=true wave=sine volume=0.3 freq={APP_TONE}"
    run.app = run.start("app", [os.path.join(a.bin, "shotcall"), "--server", url, "--lcd-url", lcd_url,
                                "--lcd-ca", ca, "--source", source, "--sink", "fakesink",
                                "--ice-address", "127.0.0.1", "--events"], env)
    run.t0 = time.monotonic()
    return run.app


def app_figures(run, app):
    """What /proc says about the app now (it must still be running)."""
    out = {"hwm_kib": status_kib(app.pid, "VmHWM"), "rss_kib": status_kib(app.pid, "VmRSS"),
           "threads": status_kib(app.pid, "Threads"), "gdk_gl_visuals_cached_before": run.gl_visuals_cached}
    out.update(rss_breakdown(app.pid))
    out["rss_samples"] = run.samples
    out["events"] = [[round(t - run.t0, 3), l] for t, l in app.lines][:200]
    return out


def idle_run(a, root, logs, seconds, extra_env=None, tag="idle", warm=True):
    """The app with its window up, polling a game that is still loading: no session, no engine."""
    run = Run(logs, tag)
    result = {"seconds": seconds}
    try:
        env, url, lcd_url, ca = start_world(run, a, root, True, extra_env, warm)
        app = start_app(run, a, env, url, lcd_url, ca)
        if not run.wait_until(lambda: app.first("window-mapped") and app.first("detector loading"), START_DEADLINE):
            result["failure"] = "the window or the 'detector loading' event did not come"
        elif not run.hold(seconds):
            result["failure"] = "a process exited while idle"
        else:
            result.update(app_figures(run, app))
    except RuntimeError as e:
        result["failure"] = str(e)
    finally:
        result["exit_codes"] = run.stop_all()
    return result


def call_run(a, root, logs, seconds, extra_env=None, tag="call", warm=True):
    """The app finds the game, joins its team and talks with four shotcall-peer teammates."""
    run = Run(logs, tag)
    result = {"seconds": seconds, "team": TEAM}
    peers = []
    try:
        env, url, lcd_url, ca = start_world(run, a, root, False, extra_env, warm)
        roster = ",".join(TEAM)
        for i, riot_id in enumerate(TEAM[1:]):
            source = f"audiotestsrc is-live=true wave=sine volume=0.3 freq={PEER_TONES[i]}"
            peers.append(run.start(f"peer{i + 1}", [
                os.path.join(a.bin, "shotcall-peer"), "--server", url, "--riot-id", riot_id, "--game", "BENCH_APP",
                "--team", "100", "--teammates", roster, "--source", source, "--sink", "fakesink sync=true",
                "--ice-address", "127.0.0.1"], dict(os.environ, XDG_DATA_HOME=f"{root}/peer-data-{run.tag}")))
        app = start_app(run, a, env, url, lcd_url, ca)
        # "first-audio <Riot ID> <ms>"; a Riot ID may hold spaces.
        heard = lambda: {l[len("first-audio "):].rsplit(" ", 1)[0]  # noqa: E731
                         for _, l in app.lines if l.startswith("first-audio ")}
        milestones = {
            "window-mapped": lambda: app.first("window-mapped"),
            "game found": lambda: app.first("game lcd-"),
            "joined": lambda: app.first("joined "),
            "app hears all four": lambda: heard() >= set(TEAM[1:]),
            "all four hear the app": lambda: all(p.first("first-audio " + TEAM[0]) for p in peers),
        }
        reached = {}
        for name, cond in milestones.items():
            left = CALL_DEADLINE - (time.monotonic() - run.t0)
            if not run.wait_until(cond, max(0.0, left)):
                break
            reached[name] = round(time.monotonic() - run.t0, 3)
        result["milestones_s"] = reached
        if len(reached) < len(milestones):
            missing = [m for m in milestones if m not in reached]
            result["failure"] = (f"no '{missing[0]}' within {CALL_DEADLINE} s of the app's start "
                                 f"(app heard {sorted(heard())})")
        else:
            game_t = app.first("game lcd-")[0]
            last = max([t for t, l in app.lines if l.startswith("first-audio ")] +
                       [p.first("first-audio " + TEAM[0])[0] for p in peers])
            result["game_to_eight_links_ms"] = round((last - game_t) * 1000, 1)
            result["links_with_audio"] = 8
            if not run.hold(seconds):
                result["failure"] = "a process exited during the call"
        if app.proc.poll() is None:
            result.update(app_figures(run, app))
            result["peer_hwm_kib"] = [status_kib(p.pid, "VmHWM") for p in peers]
    except RuntimeError as e:
        result["failure"] = str(e)
    finally:
        result["exit_codes"] = run.stop_all()
        if run.app:
            result["app_said_quit"] = run.app.first("quit") is not None
    return result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--lcd-standin", required=True)
    ap.add_argument("--schema-dir", required=True)
    ap.add_argument("--fixture", required=True)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--idle-seconds", type=float, default=None, help="default: min(seconds, 10)")
    ap.add_argument("--variant", action="append", default=[], metavar="NAME:VAR=VALUE[,VAR=VALUE]",
                    help="also measure the app idle and in the call with this environment (diagnosis)")
    ap.add_argument("--cold-display", action="store_true",
                    help="also measure the app as the first GTK client of a fresh X server (diagnosis)")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    out_path = os.path.join(a.out, "voice-app.json")
    result = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
              "seconds": a.seconds}
    missing = [p for p in (os.path.join(a.bin, "shotcall"), os.path.join(a.bin, "shotcall-peer"),
                           os.path.join(a.bin, "shotcall-signal"), a.lcd_standin) if not os.access(p, os.X_OK)]
    if missing:
        result["not_built"] = "not built: " + ", ".join(os.path.basename(p) for p in missing)
    elif not shutil.which("Xvfb"):
        result["not_built"] = "not measurable: Xvfb missing"
    else:
        logs = os.path.join(os.path.dirname(os.path.abspath(a.out)), "logs")  # beside raw/, as peer_mesh.py
        os.makedirs(logs, exist_ok=True)
        root = tempfile.mkdtemp(prefix="shotcall-app-memory-")
        try:
            # A player's app finds GStreamer's plugin registry already cached; a fresh
            # XDG_CACHE_HOME would make the first run rebuild it.
            result["gst_registry_warm"] = warm_gst_registry(root)
            idle_s = a.idle_seconds or min(a.seconds, 10)
            result["idle"] = idle_run(a, root, logs, idle_s)
            result["call"] = call_run(a, root, logs, a.seconds)
            # Diagnosis only (the target is judged on the app as shipped): shorter windows.
            result["variants"] = {}
            if a.cold_display:
                result["variants"]["cold-display"] = {
                    "env": {}, "what": "as the first GTK client of a fresh X server",
                    "idle": idle_run(a, root, logs, min(idle_s, 5), None, "cold-display-idle", warm=False),
                    "call": call_run(a, root, logs, min(a.seconds, 10), None, "cold-display-call", warm=False)}
            for v in a.variant:
                name, _, assignments = v.partition(":")
                env = dict(kv.split("=", 1) for kv in assignments.split(",") if "=" in kv)
                result["variants"][name] = {
                    "env": env, "idle": idle_run(a, root, logs, min(idle_s, 5), env, f"{name}-idle"),
                    "call": call_run(a, root, logs, min(a.seconds, 10), env, f"{name}-call")}
        finally:
            shutil.rmtree(root, ignore_errors=True)
    with open(out_path, "w") as f:
        json.dump(result, f)
    skip = ("rss_samples", "events", "smaps_top", "smaps_rollup", "rss_by_kind_kib")
    brief = {k: v for k, v in result.items() if k not in ("idle", "call", "variants")}
    for k in ("idle", "call"):
        if k in result:
            brief[k] = {x: y for x, y in result[k].items() if x not in skip}
    for name, v in result.get("variants", {}).items():
        brief[name] = {k: v[k].get("hwm_kib", v[k].get("failure")) for k in ("idle", "call")}
    print(json.dumps(brief, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
