"""One gnuplot SVG per benchmark, drawn from its published JSON (report.py)."""
import subprocess

HEAD = """set terminal svg size 900,{h} dynamic enhanced font 'sans,12' background rgb 'white'
set output '{out}'
set grid ytics lc rgb '#dddddd'
set key top left opaque box
set style fill solid 0.85 border -1
"""
COLORS = {"Shotcall": "#3465a4", "reference": "#cc6600"}


def gnuplot(script):
    subprocess.run(["gnuplot"], input=script, text=True, check=True, capture_output=True, timeout=60)


def block(name, lines):
    return f"${name} << EOD\n" + "\n".join(lines) + "\nEOD\n"


def q(s):
    return '"' + str(s).replace('"', "'") + '"'


def val(v):
    return v if isinstance(v, (int, float)) and not isinstance(v, bool) else "NaN"


def bars(doc, out, title, picks, ylabel, logscale=False):
    """Grouped bars: picks = [(row label, figure name)], columns Shotcall and reference."""
    rows = {r[0]: r for r in doc["figures"]["rows"]}
    data = [f"{q(label)} {val(rows[key][2])} {val(rows[key][3])}" for label, key in picks if key in rows]
    s = HEAD.format(h=420, out=out) + block("d", data)
    s += f"set title {q(title)}\nset ylabel {q(ylabel)}\nset style data histogram\n"
    s += "set style histogram clustered gap 1\nset xtics noenhanced\nset yrange [0:*]\n"
    if logscale:
        s += "set logscale y\nset yrange [*:*]\n"
    s += (f"plot $d using 2:xtic(1) title 'Shotcall' lc rgb '{COLORS['Shotcall']}', "
          f"'' using 3 title 'reference (Node.js + ws)' lc rgb '{COLORS['reference']}'\n")
    gnuplot(s)


def signaling_joins(doc, out):
    rows = {r[0]: r for r in doc["figures"]["rows"]}
    picks = [("CPU-ms/join", "server CPU per 1 000 joins", 1.0),
             ("KiB/idle session", "resident memory per idle session", 1.0),
             ("join p50 ms", "team join latency p50", 1.0),
             ("join p99 ms", "team join latency p99", 1.0),
             ("CPU-µs/signal ÷10", "server CPU per relayed signal (in teams)", 0.1)]
    data = []
    for label, key, scale in picks:
        if key in rows:
            a, b = rows[key][2], rows[key][3]
            a = a * scale if isinstance(a, (int, float)) else "NaN"
            b = b * scale if isinstance(b, (int, float)) else "NaN"
            data.append(f"{q(label)} {a} {b}")
    s = HEAD.format(h=460, out=out) + block("d", data)
    s += "set title 'Signaling at 1 000 joins/s: Shotcall vs the reference (lower is better; log scale)'\n"
    s += "set style data histogram\nset style histogram clustered gap 1\nset logscale y\nset xtics noenhanced\n"
    s += (f"plot $d using 2:xtic(1) title 'Shotcall' lc rgb '{COLORS['Shotcall']}', "
          f"'' using 3 title 'reference (Node.js + ws)' lc rgb '{COLORS['reference']}'\n")
    gnuplot(s)


def signaling_capacity(doc, out):
    lines = {"shotcall": [], "reference": []}
    for name in lines:
        for st in doc["raw"].get(name, {}).get("steps", []):
            lines[name].append(f"{st['sessions']} {st.get('server_rss_kib', 0) / 1024:.1f} {1 if st['ok'] else 0}")
    s = HEAD.format(h=420, out=out) + block("s", lines["shotcall"] or ["NaN NaN 0"]) + block("r", lines["reference"] or ["NaN NaN 0"])
    s += "set title 'Live sessions held: server resident memory per step (crosses: a failed step)'\n"
    s += "set xlabel 'registered sessions'\nset ylabel 'server RSS (MiB)'\nset yrange [0:*]\n"
    s += (f"plot $s using 1:($3==1?$2:NaN) with linespoints pt 7 lc rgb '{COLORS['Shotcall']}' title 'Shotcall', "
          f"$s using 1:($3==0?$2:NaN) with points pt 2 ps 2 lc rgb '{COLORS['Shotcall']}' notitle, "
          f"$r using 1:($3==1?$2:NaN) with linespoints pt 5 lc rgb '{COLORS['reference']}' title 'reference', "
          f"$r using 1:($3==0?$2:NaN) with points pt 2 ps 2 lc rgb '{COLORS['reference']}' notitle\n")
    gnuplot(s)


def signaling_relay_scaling(doc, out):
    lines = {"shotcall": [], "reference": []}
    for name in lines:
        for lv in doc["raw"].get(name, {}).get("levels", []):
            lines[name].append(f"{lv['idle_sessions']} {lv.get('cpu_us_per_message', 'NaN')} "
                               f"{100 * lv.get('server_cpu_share', 0):.1f}")
    s = HEAD.format(h=440, out=out) + block("s", lines["shotcall"] or ["NaN NaN NaN"]) + block("r", lines["reference"] or ["NaN NaN NaN"])
    s += "set title 'Server CPU per relayed signal vs idle connections held open'\n"
    s += "set xlabel 'idle registered sessions'\nset ylabel 'CPU µs per relayed signal'\nset yrange [0:*]\n"
    s += "set y2label 'server CPU (% of one core)'\nset y2range [0:110]\nset y2tics\n"
    s += (f"plot $s using 1:2 with linespoints pt 7 lw 2 lc rgb '{COLORS['Shotcall']}' title 'Shotcall µs/signal', "
          f"$r using 1:2 with linespoints pt 5 lw 2 lc rgb '{COLORS['reference']}' title 'reference µs/signal', "
          f"$s using 1:3 axes x1y2 with lines dt 2 lc rgb '{COLORS['Shotcall']}' title 'Shotcall CPU %', "
          f"$r using 1:3 axes x1y2 with lines dt 2 lc rgb '{COLORS['reference']}' title 'reference CPU %'\n")
    gnuplot(s)


def signaling_burst(doc, out):
    key = doc["figures"]["rows"][0][0]
    bars(doc, out, "1 000 clients connecting at once", [(key, key)], "sessions")


def signaling_scaleout(doc, out):
    """Left: registered sessions per instance and resident memory over the ramp; right: join
    latency per ramp step of each load generator."""
    r = doc["raw"]
    ts = []
    for smp in r.get("samples", []):
        m, pr = smp.get("metrics", {}), smp.get("proc", {})
        ts.append(f"{smp['t']} " + " ".join(str(val(m.get(n, {}).get("shotcall_registered_users"))) for n in ("a", "b"))
                  + " " + " ".join(f"{pr.get(n, {}).get('vmrss_kib', 0) / 1024:.1f}" for n in ("a", "b", "redis"))
                  + " " + " ".join(str(val(m.get(n, {}).get("answer_ms"))) for n in ("a", "b")))
    steps = {}
    for tag, h in sorted(r.get("halves", {}).items()):
        steps[tag] = [f"{2 * st['sessions']} {val(st.get('join_p50_ms'))} {val(st.get('join_p99_ms'))}"
                      for st in (h.get("ramp", {}).get("steps") or []) if st.get("joins")]
    s = HEAD.format(h=460, out=out).replace("size 900", "size 1650")
    s += block("t", ts or ["NaN NaN NaN NaN NaN NaN NaN NaN"])
    for tag in ("A", "B"):
        s += block(f"s{tag}", steps.get(tag) or ["NaN NaN NaN"])
    s += "set multiplot layout 1,3\n"
    s += ("set title 'Two instances, one Redis, one port: the ramp'\nset xlabel 's since the load started'\n"
          "set ylabel 'registered sessions'\nset y2label 'resident memory (MiB)'\nset y2tics\nset yrange [0:*]\n"
          "set y2range [0:*]\nset key bottom right opaque box\n")
    s += (f"plot $t using 1:2 with lines lw 2 lc rgb '{COLORS['Shotcall']}' title 'instance a', "
          f"$t using 1:3 with lines lw 2 lc rgb '{COLORS['reference']}' title 'instance b', "
          f"$t using 1:4 axes x1y2 with lines dt 2 lc rgb '{COLORS['Shotcall']}' title 'a RSS', "
          f"$t using 1:5 axes x1y2 with lines dt 2 lc rgb '{COLORS['reference']}' title 'b RSS', "
          "$t using 1:6 axes x1y2 with lines dt 3 lc rgb '#cc0000' title 'Redis RSS'\n")
    s += ("unset y2label\nunset y2tics\nset title 'Join latency per ramp step (teams formed at that size)'\n"
          "set xlabel 'sessions held in all (both load generators)'\nset ylabel 'ms'\nset logscale y\n"
          "set yrange [*:*]\n")
    if any(steps.values()):
        s += ("plot $sA using 1:3 with linespoints pt 7 lc rgb '#3465a4' title 'p99, load generator A', "
              "$sB using 1:3 with linespoints pt 5 lc rgb '#cc6600' title 'p99, load generator B', "
              "$sA using 1:2 with linespoints dt 2 pt 6 lc rgb '#3465a4' title 'p50, A', "
              "$sB using 1:2 with linespoints dt 2 pt 4 lc rgb '#cc6600' title 'p50, B'\n")
    else:  # gnuplot refuses to plot nothing: registration only, or no step formed teams
        s += ("unset logscale y\nunset key\nset label 1 'no teams formed' at graph 0.35, graph 0.5\n"
              "plot [0:1] [0:1] NaN notitle\nunset label 1\nset key top left opaque box\n")
    s += ("unset logscale y\nset title \"Each instance's /metrics answer time (how late its loop runs)\"\n"
          "set xlabel 's since the load started'\nset ylabel 'ms'\nset yrange [0:*]\nset key top left opaque box\n")
    s += (f"plot $t using 1:7 with linespoints pt 7 ps 0.5 lc rgb '{COLORS['Shotcall']}' title 'instance a', "
          f"$t using 1:8 with linespoints pt 5 ps 0.5 lc rgb '{COLORS['reference']}' title 'instance b', "
          "2000 with lines dt 2 lw 2 lc rgb '#cc0000' title 'liveness mark TTL (2 s)'\n")
    gnuplot(s + "unset multiplot\n")


def simple_bars(out, title, ylabel, labels_values, target=None):
    data = [f"{q(l)} {val(v)}" for l, v in labels_values]
    s = HEAD.format(h=420, out=out) + block("d", data)
    top = max([v for _, v in labels_values if isinstance(v, (int, float))] + [target or 0])
    s += f"set title {q(title)}\nset ylabel {q(ylabel)}\nset boxwidth 0.6\nset xtics noenhanced\n"
    s += f"set yrange [0:{top * 1.25 if top > 0 else 1}]\n"
    plot = f"plot $d using 0:2:xtic(1) with boxes lc rgb '{COLORS['Shotcall']}' notitle"
    if target is not None:
        plot += f", {target} with lines lw 2 dt 2 lc rgb '#cc0000' title 'target'"
    gnuplot(s + plot + "\n")


def voice_mesh(doc, out):
    ms = doc["raw"].get("in_process", {}).get("ms", [])
    pairs = [(f"run {i + 1}", v) for i, v in enumerate(ms)]
    proc = doc["raw"].get("processes", {}).get("mesh_ms")
    if proc is not None:
        pairs.append(("processes + server", proc))
    simple_bars(out, "Time to a full five-mesh (last join → audio on all 20 links)", "ms", pairs, 1000)


def voice_mouth_to_ear(doc, out):
    data = []
    for s in doc["raw"]:
        render = s.get("engine_render_latency_ms", 0)
        rest = max(0.0, s.get("p50_ms", 0) - s["frame_ms"] - render)
        data.append(f"{q(s['setup'])} {s['frame_ms']} {s['jitter_ms']} {render - s['jitter_ms']} {rest:.1f} "
                    f"{s.get('p95_ms', 'NaN')} {s.get('p50_ms', 'NaN')}")
    s = HEAD.format(h=460, out=out) + block("d", data)
    s += "set title 'Mouth-to-ear: configured delays stacked, measured p50 (circles) and p95 (diamonds)'\n"
    s += "set ylabel 'ms'\nset yrange [0:*]\n"
    s += "set style data histogram\nset style histogram rowstacked\nset boxwidth 0.6\nset xtics noenhanced rotate by -15\n"
    s += ("plot $d using 2:xtic(1) title 'Opus frame' lc rgb '#3465a4', '' using 3 title 'jitter buffer' lc rgb '#73d216', "
          "'' using 4 title 'mixer period + FEC hold' lc rgb '#edd400', '' using 5 title 'rest' lc rgb '#888a85', "
          "'' using 0:7 with points pt 7 ps 1.5 lc rgb '#000000' title 'p50 measured', "
          "'' using 0:6 with points pt 13 ps 1.5 lc rgb '#cc0000' title 'p95 measured'\n")
    gnuplot(s)


def voice_cpu(doc, out):
    pairs = [(r[0], r[2]) for r in doc["figures"]["rows"] if r[1].startswith("%") and not r[0].startswith("saved")]
    simple_bars(out, "CPU per peer in a five-mesh (32 kb/s, 20 ms, echo cancellation)", "% of one core", pairs, 5)


def voice_bandwidth(doc, out):
    data = [f"{q(r[0])} {val(r[1])} {val(r[4])} {int(r[0].split()[0])}" for r in doc["figures"]["rows"]]
    s = HEAD.format(h=420, out=out) + block("d", data)
    s += "set title 'Bandwidth per link and direction vs the Opus bitrate set'\nset ylabel 'kb/s'\nset yrange [0:*]\n"
    s += "set style data histogram\nset style histogram clustered gap 1\n"
    s += ("plot $d using 4:xtic(1) title 'bitrate set' lc rgb '#babdb6', '' using 2 title 'RTP payload (webrtcbin stats)' "
          "lc rgb '#3465a4', '' using 3 title 'on the wire (estimate)' lc rgb '#cc6600'\n")
    gnuplot(s)


def voice_memory(doc, out):
    """Left: peak RSS of every process measured against its target; right: the app's VmRSS over time."""
    peers, app = doc["raw"].get("peers", {}), doc["raw"].get("app", {})
    idle, call = app.get("idle", {}), app.get("call", {})
    bars_ = [(f"shotcall-peer {i + 1}", v / 1024, 45) for i, v in enumerate(peers.get("peer_hwm_kib", []))]
    for label, d in (("app idle", idle), ("app in call", call)):
        if d.get("hwm_kib"):
            bars_.append((label, d["hwm_kib"] / 1024, 110))
    for name, v in app.get("variants", {}).items():
        if v.get("call", {}).get("hwm_kib"):
            bars_.append((f"app, {name}", v["call"]["hwm_kib"] / 1024, 110))
    bars_ = bars_ or [("not built", "NaN", 45)]
    top = max([b[1] for b in bars_ if isinstance(b[1], float)] + [110]) * 1.15
    s = HEAD.format(h=460, out=out).replace("size 900", "size 1200")
    s += block("b", [f"{q(l)} {val(v)} {t}" for l, v, t in bars_])
    samples = call.get("rss_samples", [])
    s += block("r", [f"{t} {kib / 1024:.1f}" for t, kib in samples] or ["NaN NaN"])
    s += "set multiplot layout 1,2\nunset key\n"
    s += ("set title 'Peak resident memory (VmHWM), dashes: targets'\nset ylabel 'MiB'\nset boxwidth 0.6\n"
          f"set xtics noenhanced rotate by -30\nset yrange [0:{top:.0f}]\nset xrange [-0.6:{len(bars_) - 0.4}]\n")
    s += (f"plot $b using 0:2:xtic(1) with boxes lc rgb '{COLORS['Shotcall']}' notitle, "
          "$b using 0:3:(0.45) with xerrorbars pt -1 lw 2 lc rgb '#cc0000' notitle\n")
    s += ("set title 'The app in the call: VmRSS over time (dashes: milestones)'\nset xtics norotate\n"
          "set xlabel 's since the app started'\nset autoscale x\nset yrange [0:*]\n"
          "set key bottom right opaque box\n")
    for i, (name, t) in enumerate(call.get("milestones_s", {}).items()):
        s += f"set arrow {i + 1} from {t}, graph 0 to {t}, graph 1 nohead dt 2 lc rgb '#888a85'\n"
        s += f"set label {i + 1} {q(name)} at {t}, graph {0.6 - 0.07 * i} offset 0.5,0 font ',9'\n"
    if samples:
        s += f"plot $r using 1:2 with lines lw 2 lc rgb '{COLORS['Shotcall']}' title 'VmRSS (MiB)'\n"
    else:  # gnuplot refuses to autoscale a plot with no points
        s += "set label 'not measured' at graph 0.4, graph 0.5\nplot [0:1] [0:1] NaN notitle\n"
    gnuplot(s + "unset multiplot\n")


def voice_netem(doc, out):
    data = []
    for r in doc["raw"].get("runs", []):
        shares = [val((r.get(k) or {}).get("share")) for k in ("a->b", "b->a")]
        shares = [v * 100 if v != "NaN" else v for v in shares]
        data.append(f"{q(r['condition'])} {shares[0]} {shares[1]}")
    s = HEAD.format(h=480, out=out) + block("d", data)
    s += "set title 'Voice over bad links: 20 ms windows carrying the sender tone'\nset ylabel '%'\n"
    s += "set yrange [80:100]\nset style data histogram\nset style histogram clustered gap 1\n"
    s += "set xtics noenhanced rotate by -20 font ',10'\nset key bottom left opaque box\nset bmargin 7\n"
    s += "set arrow from graph 0, first 95 to graph 1, first 95 nohead lc rgb '#cc0000' dt 2\n"
    s += ("plot $d using 2:xtic(1) title 'A → B' lc rgb '#3465a4', '' using 3 title 'B → A' lc rgb '#73d216'\n")
    gnuplot(s)


PLOTTERS = {
    "signaling-joins": signaling_joins,
    "signaling-capacity": signaling_capacity,
    "signaling-relay-scaling": signaling_relay_scaling,
    "signaling-burst": signaling_burst,
    "signaling-scaleout": signaling_scaleout,
    "voice-mesh": voice_mesh,
    "voice-mouth-to-ear": voice_mouth_to_ear,
    "voice-cpu": voice_cpu,
    "voice-bandwidth": voice_bandwidth,
    "voice-memory": voice_memory,
    "voice-netem": voice_netem,
}
