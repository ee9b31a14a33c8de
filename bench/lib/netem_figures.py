"""Figures of the bad-link benchmark (bench/lib/netem.py → raw/voice-netem.json)."""
import os

from figures import load, num

TARGET_SHARE = 0.95


def pct(v):
    return "n/a" if v is None else f"{v * 100:.1f}"


def direction(run, key):
    d = run.get(key) or {}
    return d if d.get("ok") else None


def voice_netem(raw, params):
    d = load(os.path.join(raw, "voice-netem.json"), {}) or {}
    runs = d.get("runs", [])
    out_rows = []
    by = {}
    for r in runs:
        ab, ba = direction(r, "a->b"), direction(r, "b->a")
        shares = [x["share"] for x in (ab, ba) if x]
        by[r["condition"]] = min(shares) if len(shares) == 2 else None
        if "--jitter-ms" in r["peer_args"]:
            jb = r["peer_args"][r["peer_args"].index("--jitter-ms") + 1] + " (fixed)"
        else:  # the depth each listener had reached when the call ended
            reached = [str(x["jitter_buffer_ms"]) for x in (ab, ba) if x and x.get("jitter_buffer_ms") is not None]
            jb = "follows: " + "/".join(reached) if reached else "follows the link"
        gaps = [x["longest_gap_ms"] for x in (ab, ba) if x]
        rebuilt = [x.get("packets_rebuilt_from_next") for x in (ab, ba) if x]
        em = r.get("emulator", {})
        span = [f"{x['end_s'] - x['begin_s']:.1f}/{x['call_seconds']:.1f}" for x in (ab, ba)
                if x and x.get("call_seconds") is not None]
        out_rows.append([r["condition"], r.get("netem") or "none", jb, pct(ab and ab["share"]),
                         pct(ba and ba["share"]), max(gaps) if gaps else "n/a",
                         f"{em['lost']}/{em['packets']}" if em else "n/a",
                         "+".join(str(x) for x in rebuilt) if rebuilt else "n/a", ", ".join(span) or "n/a"])
    targets = []
    if d.get("not_run"):
        targets.append({"what": "tone in 20 ms windows at 2 % loss, both directions", "target": "≥ 95 %",
                        "value": "not measurable", "met": None})
    elif "loss 2%" in by:
        v = by["loss 2%"]
        targets.append({"what": "tone in 20 ms windows at 2 % loss, both directions (the lower)",
                        "target": "≥ 95 %", "value": f"{pct(v)} %", "met": v is not None and v >= TARGET_SHARE})
    notes = [
        "Two shotcall-peer processes in two network namespaces, routed through a third whose links carry the "
        "impairment in each direction; shotcall-signal in the first. Each sends a sine (A 440 Hz, B 660 Hz) "
        "and records the other. Share = 20 ms windows in which the sender's tone is present (at least half the "
        "call's level and half the window's energy) from the first to the last such window "
        "(tests/support/wav_analysis.hpp, tone_window_share); concealment that keeps the tone audible counts.",
        f"Measured {d.get('measured_at', '?')} at commit {(d.get('git_commit') or '?')[:12]} (working tree) with "
        f"{d.get('bin', '?')}. Impairment by: {d.get('impairment_by', 'n/a')}; {num(d.get('seconds'))} s per condition; defaults: "
        "10 ms Opus frames at 32 kbit/s, in-band FEC on (expected loss 5 %), a jitter-buffer depth that follows "
        "the link (starts at 20 ms; 'follows: B/A' is the depth each listener had at the end of the call).",
        "'lost by the link' counts packets both ways (RTP, RTCP, signaling). 'rebuilt' = packets opusdec "
        "decoded for a lost predecessor from the following packet (its in-band FEC when present, else PLC), "
        "per direction; 'tone span / call' = seconds between the first and last window with the tone against "
        "the listener's first audio to its exit (a much shorter span would mean audio dropped outright).",
    ]
    if d.get("not_run"):
        notes.insert(0, f"Not run: {d['not_run']}.")
    crashed = [f"{r['condition']} {r['exit_codes']}" for r in runs
               if any(c != 0 for c in r.get("exit_codes", {}).values())]
    if crashed:
        notes.insert(0, "Peers did not exit 0 (negative: killed by that signal): " + "; ".join(crashed) + ".")
    for base in ("jitter 30 ms", "loss 2% + jitter 30 ms"):
        fixed20, fixed100 = by.get(f"{base}, fixed 20 ms jitter buffer"), by.get(f"{base}, fixed 100 ms jitter buffer")
        if by.get(base) is not None and fixed20 is not None and fixed100 is not None:
            notes.append(f"Jitter buffer, {base}: {pct(by[base])} % with the depth following the link, "
                         f"{pct(fixed20)} % fixed at 20 ms (the old default), {pct(fixed100)} % fixed at 100 ms: "
                         "packets later than the buffer are concealed as lost.")
    for hz, pair in (d.get("opus_modes") or {}).items():
        if not pair or None in pair:
            continue
        default, low = pair

        def celt(m):
            n = sum(m["packets"].values())
            return m["packets"]["CELT"] / n if n else 0

        notes.append(f"Opus in-band FEC, {hz} Hz tone: with the defaults opusenc codes {pct(celt(default))} % of "
                     "packets CELT-only, which carries no in-band FEC (a SILK-layer feature; libopus's analysis "
                     "takes a steady tone for music), so the losses above are mostly concealed by PLC, which a "
                     f"steady tone survives; at {low['bitrate'] // 1000} kbit/s it is {pct(celt(low))} % CELT-only. "
                     "The receiver's side works: opusdec (plc, use-inband-fec) gets the jitter buffer's lost-packet "
                     "events and rebuilds each lost packet from the next one ('rebuilt').")
    return {
        "description": "Voice over bad links (loss, jitter): the share of 20 ms windows in which the sender's "
                       "tone is present at the listener, per direction.",
        "parameters": {"seconds": d.get("seconds"), "impairment_by": d.get("impairment_by")},
        "figures": {"columns": ["link (each direction)", "netem", "jitter buffer ms", "A→B tone %", "B→A tone %",
                                "longest gap ms", "lost by the link", "rebuilt A→B+B→A", "tone span / call s"],
                    "rows": out_rows},
        "targets": targets,
        "notes": notes,
        "raw": d,
    }
