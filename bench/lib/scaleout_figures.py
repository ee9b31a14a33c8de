"""signaling-scaleout: from raw/signaling-scaleout.json (bench/lib/scaleout.py) to figures, units
and the 20 000-sessions verdict. Same shape as the builders in figures.py."""
import os

from figures import get, load, measured_note, num


def mib(kib):
    return num(kib / 1024) if isinstance(kib, (int, float)) else "n/a"


def delta(later, earlier, *path):
    a, b = get(later, *path), get(earlier, *path)
    return a - b if isinstance(a, (int, float)) and isinstance(b, (int, float)) else None


def total(*values):
    vals = [v for v in values if isinstance(v, (int, float))]
    return sum(vals) if len(vals) == len(values) else None


def halves_sum(halves, *path):
    return sum(get(h, *path, default=0) or 0 for h in halves.values())


def signaling_scaleout(raw, params):
    r = load(os.path.join(raw, "signaling-scaleout.json"), {}) or {}
    p = r.get("parameters", {})
    halves = r.get("halves", {})
    start, held, hold_end = r.get("start", {}), r.get("held", {}), r.get("hold_end", {})
    relayed, end = r.get("after_relay", {}), r.get("end", {})
    names = ["a", "b"]
    target_n = p.get("sessions", 2 * (params.get("scaleout_sessions_per_half") or 0))

    def per(snap, metric):
        vals = [get(snap, "metrics", n, metric) for n in names]
        return vals + [total(*vals)]

    # Most registered sessions seen at once (the held snapshot, or the ramp's samples if the ramp
    # never finished).
    seen = [total(*(get(s, "metrics", n, "shotcall_registered_users") for n in names)) for s in r.get("samples", [])]
    most = max([v for v in seen if v is not None] + [per(held, "shotcall_registered_users")[2] or 0])
    problems = {k: halves_sum(halves, "problems", k) for k in ("errors", "unexpected_closes", "connect_failures")}
    lost = halves_sum(halves, "hold", "lost")
    halves_ok = bool(halves) and all(h.get("ok") for h in halves.values())
    held_n = per(held, "shotcall_registered_users")[2]
    clean = halves_ok and not r.get("failures") and not any(problems.values())
    # The sessions target is about holding them: every half's ramp finished and nothing was lost,
    # refused or answered with an error. A relay that outlasts its window is a latency figure
    # (its own row and note), not a session lost.
    ramps_ok = bool(halves) and all(get(h, "ramp", "ok", default=False) for h in halves.values())
    held_clean = ramps_ok and not r.get("failures") and not any(problems.values())

    def proc_row(label, unit, fn):
        return [label, unit] + [fn(n) for n in names + ["redis"]] + [""]

    def cpu(later, earlier):
        return lambda n: num(delta(later, earlier, "proc", n, "cpu_s"))

    hold_s = p.get("hold_s") or 0
    # The halves form teams at the same time: add up each one's joins per second of joining.
    rates = []
    for h in halves.values():
        st = get(h, "ramp", "steps", default=[]) or []
        secs = sum(x.get("join_s", 0) for x in st)
        rates.append(sum(x.get("joins", 0) for x in st) / secs if secs else None)
    achieved = total(*rates) if rates else None
    lat = r.get("latencies", {})
    relay_sent = halves_sum(halves, "relay", "messages")
    relay_got = halves_sum(halves, "relay", "received")
    relay_p99 = max([get(h, "relay", "latency_ms", "p99", default=0) or 0 for h in halves.values()] or [0])
    rows = [
        ["registered sessions held (shotcall_registered_users, after the ramp)", "sessions"]
        + per(held, "shotcall_registered_users")[:2] + ["", per(held, "shotcall_registered_users")[2]],
        ["open connections (shotcall_connections), after the ramp", "connections"]
        + per(held, "shotcall_connections")[:2] + ["", per(held, "shotcall_connections")[2]],
        [f"open connections after holding {num(hold_s)} s", "connections"]
        + per(hold_end, "shotcall_connections")[:2] + ["", per(hold_end, "shotcall_connections")[2]],
        ["connections lost, refused or reset; error frames (load generators)", "count", "", "", "",
         f"{problems['unexpected_closes'] + problems['connect_failures']}; {problems['errors']}"],
        ["time to open, register and team up every session (both halves)", "s", "", "", "", num(r.get("ramp_s"))],
        [f"join latency p50 during the ramp (offered {num(2 * (p.get('joins_per_s_per_half') or 0))} joins/s in all)",
         "ms", "", "", "", num(get(lat, "join_latency_ms", "p50"))],
        ["join latency p99 during the ramp", "ms", "", "", "", num(get(lat, "join_latency_ms", "p99"))],
        ["joins per second achieved during the ramp (both halves)", "joins/s", "", "", "", num(achieved)],
        ["team join latency p99 during the ramp", "ms", "", "", "", num(get(lat, "team_latency_ms", "p99"))],
        ["signals relayed inside teams after the hold (one per session)", "received / sent", "", "", "",
         f"{relay_got} / {relay_sent}" if relay_sent else "not run (the ramp failed)"],
        ["signal relay latency p99 (worse half)", "ms", "", "", "", num(relay_p99) if relay_sent else "not run"],
        proc_row("resident memory (VmRSS) with every session held", "MiB", lambda n: mib(get(held, "proc", n, "vmrss_kib"))),
        proc_row("peak resident memory (VmHWM) over the run", "MiB", lambda n: mib(get(end, "proc", n, "vmhwm_kib"))),
        ["Redis used_memory (INFO memory) / keys, every session held", "MiB / keys", "", "",
         f"{mib((get(held, 'redis', 'used_memory') or 0) / 1024)} / {get(held, 'redis', 'keys', default='n/a')}", ""],
        proc_row("CPU during the ramp", "CPU-s", cpu(held, start)),
        proc_row(f"CPU while holding ({num(hold_s)} s, silent)", "CPU-s", cpu(hold_end, held)),
        proc_row("CPU during the relay", "CPU-s", cpu(relayed, hold_end)),
        proc_row("CPU from start to the end of the relay", "CPU-s", cpu(relayed, start)),
        ["messages to the other instance (shotcall_remote_messages_sent_total)", "count"]
        + per(relayed, "shotcall_remote_messages_sent_total")[:2] + ["", per(relayed, "shotcall_remote_messages_sent_total")[2]],
        ["  of which during the relay", "count"]
        + [num(delta(relayed, hold_end, "metrics", n, "shotcall_remote_messages_sent_total")) for n in names]
        + ["", num(total(*(delta(relayed, hold_end, "metrics", n, "shotcall_remote_messages_sent_total") for n in names)))],
        ["messages for the other instance dropped", "count"]
        + per(relayed, "shotcall_remote_messages_dropped_total")[:2] + ["", per(relayed, "shotcall_remote_messages_dropped_total")[2]],
        ["store transactions (shotcall_store_calls_total)", "count"]
        + per(relayed, "shotcall_store_calls_total")[:2] + ["", per(relayed, "shotcall_store_calls_total")[2]],
        ["transactions retried: the other instance won (shotcall_store_conflicts_total)", "count"]
        + per(relayed, "shotcall_store_conflicts_total")[:2] + ["", per(relayed, "shotcall_store_conflicts_total")[2]],
        ["liveness mark lost: taken for dead by the other instance (log: instance-mark-lost)", "count"]
        + [get(r, "instance_log_events", n, "instance-mark-lost", "count") for n in names] + ["", ""],
        ["channels cleaned of the other instance's players (shotcall_dead_instance_evictions_total)", "count"]
        + per(relayed or held or end, "shotcall_dead_instance_evictions_total")[:2]
        + ["", per(relayed or held or end, "shotcall_dead_instance_evictions_total")[2]],
        ["slowest /metrics answer during the ramp (how late the main loop runs)", "ms"]
        + [num(max([get(x, "metrics", n, "answer_ms") or 0 for x in r.get("samples", [])] or [0])) for n in names]
        + ["", ""],
        ["error frames sent by the instance (shotcall_errors_sent_total)", "count"]
        + per(relayed, "shotcall_errors_sent_total")[:2] + ["", per(relayed, "shotcall_errors_sent_total")[2]],
        ["load generators' resident memory, every session held (A / B)", "MiB", "", "", "",
         " / ".join(str(mib(get(held, "loadgens", t, "vmrss_kib"))) for t in sorted(halves) or ["A", "B"])],
    ]
    for row in rows:
        row[2:] = ["n/a" if v is None else v for v in row[2:]]

    quick = (params.get("mode") == "quick") or (target_n or 0) < 20000
    if quick:
        target = {"what": "concurrent sessions on this machine (Shotcall: two instances + Redis)", "target": "≥ 20 000",
                  "value": f"{num(held_n) if held_n is not None else most} held of {target_n}, "
                           f"{'no' if clean else 'with'} errors",
                  "met": None, "verdict": "not measured (quick run)"}
    else:
        a_n, b_n = per(held, "shotcall_registered_users")[:2]
        marks = sum(get(r, "instance_log_events", n, "instance-mark-lost", "count", default=0) or 0 for n in names)
        why = (f"; ramp stopped on an error after the instances took each other for dead {marks} times "
               "(a mark not renewed within its 2 s TTL)" if marks and not clean else "")
        target = {"what": "concurrent sessions on this machine (Shotcall: two instances + Redis)", "target": "≥ 20 000",
                  "value": (f"{held_n} held (a: {a_n}, b: {b_n}), {lost} lost in {num(hold_s)} s{why}"
                            if held_n is not None else f"at most {most} at once; {'; '.join(r.get('failures', [])) or 'see notes'}"),
                  "met": bool(held_n is not None and held_n >= 20000 and held_clean and lost == 0)}
    notes = [f"failure: {f}" for f in r.get("failures", [])]
    for tag, h in sorted(halves.items()):
        if h and not h.get("ok"):
            why = (get(h, "problems", "first") or get(h, "ramp", "failure") or get(h, "relay", "failure")
                   or "see raw")
            notes.append(f"load generator {tag}: {why}")
    notes.append(measured_note(raw))
    notes.append("Each instance's /metrics is read through the shared port; the kernel picks the instance of each "
                 "connection, so each answer is attributed to the process holding the server side of its connection "
                 "(/proc/net/tcp and /proc/PID/fd).")
    return {
        "description": f"Two shotcall-signal instances (`--redis`, `--reuse-port`, instance ids a and b) listen on one "
                       f"port and share a local redis-server (no persistence); two load generators, {p.get('sessions_per_half')} "
                       f"sessions each (distinct Riot ID tags and 127.0.0.x sources), ramp up in steps of "
                       f"{p.get('ramp_step')}, forming teams of five at {num(p.get('joins_per_s_per_half'))} joins/s each; "
                       "the kernel spreads each team's connections over both instances, so teammates meet through "
                       f"Redis. Everyone is held {num(hold_s)} s, then each session signals a teammate once.",
        "parameters": p,
        "figures": {"columns": ["figure", "unit", "instance a", "instance b", "Redis", "all"], "rows": rows},
        "targets": [target], "notes": notes, "raw": r,
    }
