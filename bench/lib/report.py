#!/usr/bin/env python3
"""Turns the raw outputs of bench/run-all into the published figures.

  report.py --machine ROOT            print the machine/commit JSON
  report.py OUT NAME                  OUT/NAME.json + OUT/NAME.svg from OUT/raw, table on stdout
  report.py OUT --summary [--doc MD]  OUT/summary.md; with --doc, its tables go into MD between
                                      the bench:figures markers
"""
import datetime
import json
import os
import platform
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import plots  # noqa: E402
import figures  # noqa: E402


def sh(*cmd, cwd=None):
    try:
        return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=20).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return ""


def machine(root):
    cpu = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_kib = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem_kib = int(line.split()[1])
    os_name = ""
    if os.path.exists("/etc/os-release"):
        for line in open("/etc/os-release"):
            if line.startswith("PRETTY_NAME="):
                os_name = line.split("=", 1)[1].strip().strip('"')
    commit = sh("git", "rev-parse", "HEAD", cwd=root)
    dirty = bool(sh("git", "status", "--porcelain", "--untracked-files=no", cwd=root))
    return {
        "machine": {
            "cpu_model": cpu,
            "cores": os.cpu_count(),
            "memory_gib": round(mem_kib / 1024 / 1024, 1),
            "kernel": platform.release(),
            "os": os_name,
            "node": sh("node", "--version"),
            "gstreamer": sh("pkg-config", "--modversion", "gstreamer-1.0"),
            "libsoup": sh("pkg-config", "--modversion", "libsoup-2.4"),
            "glib": sh("pkg-config", "--modversion", "glib-2.0"),
        },
        "git_commit": commit,
        "git_dirty": dirty,
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def load(path, default=None):
    try:
        with open(path) as f:
            text = f.read().strip()
        return json.loads(text) if text else default
    except (OSError, ValueError):
        return default


def table(headers, rows):
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) if rows else len(str(h))
              for i, h in enumerate(headers)]
    line = lambda cells: "  ".join(str(c).ljust(w) for c, w in zip(cells, widths))  # noqa: E731
    out = [line(headers), line(["-" * w for w in widths])]
    out += [line(r) for r in rows]
    return "\n".join(out)


def markdown_table(headers, rows):
    out = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def build(out_dir, name):
    raw = os.path.join(out_dir, "raw")
    base = load(os.path.join(raw, "machine.json"), {})
    params = load(os.path.join(raw, "params.json"), {})
    result = figures.BUILDERS[name](raw, params)
    doc = {
        "benchmark": name,
        "description": result["description"],
        "mode": params.get("mode"),
        **base,
        "parameters": result.get("parameters", {}),
        "figures": result["figures"],
        "targets": result.get("targets", []),
        "notes": result.get("notes", []),
        "raw": result.get("raw", {}),
    }
    with open(os.path.join(out_dir, name + ".json"), "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
    svg = os.path.join(out_dir, name + ".svg")
    try:
        plots.PLOTTERS[name](doc, svg)
    except Exception as e:  # a missing plot must not hide the figures
        print(f"report: no plot for {name}: {e}", file=sys.stderr)
    print(f"\n{name}: {doc['description']}")
    print(table(*figures.rows(doc)))
    for t in doc["targets"]:
        print(f"  target {t['what']}: {t['target']} -> {t['value']} ({figures.verdict(t)})")
    for n in doc["notes"]:
        print(f"  note: {n}")


def summary(out_dir, doc_path):
    names = [n for n in figures.ORDER if os.path.exists(os.path.join(out_dir, n + ".json"))]
    docs = [load(os.path.join(out_dir, n + ".json")) for n in names]
    if not docs:
        print("report: nothing to summarise", file=sys.stderr)
        return
    first = docs[0]
    m = first.get("machine", {})
    lines = [
        f"Measured {first.get('date', '?')} ({first.get('mode', '?')} run) at commit "
        f"`{(first.get('git_commit') or '?')[:12]}`{' with local changes' if first.get('git_dirty') else ''} "
        f"on {m.get('cpu_model', '?')}, {m.get('cores', '?')} cores, {m.get('memory_gib', '?')} GiB, "
        f"Linux {m.get('kernel', '?')} ({m.get('os', '?')}); node {m.get('node', '?')}, "
        f"GStreamer {m.get('gstreamer', '?')}, libsoup {m.get('libsoup', '?')}, GLib {m.get('glib', '?')}.",
        "",
        "### Targets",
        "",
    ]
    target_rows = []
    for d in docs:
        for t in d.get("targets", []):
            target_rows.append([t["what"], t["target"], t["value"], figures.verdict(t)])
    lines += [markdown_table(["what", "target", "measured", "verdict"], target_rows), ""]
    rel = os.path.relpath(out_dir, os.path.dirname(os.path.abspath(doc_path))) if doc_path else "."
    for d in docs:
        lines += [f"### {d['benchmark']}", "", d["description"], ""]
        lines += [markdown_table(*figures.rows(d)), ""]
        if os.path.exists(os.path.join(out_dir, d["benchmark"] + ".svg")):
            lines += [f"![{d['benchmark']}]({rel}/{d['benchmark']}.svg)", ""]
        for n in d.get("notes", []):
            lines += [f"- {n}"]
        if d.get("notes"):
            lines += [""]
    text = "\n".join(lines)
    with open(os.path.join(out_dir, "summary.md"), "w") as f:
        f.write(text + "\n")
    print(text)
    if doc_path:
        begin, end = "<!-- bench:figures:begin -->", "<!-- bench:figures:end -->"
        content = open(doc_path).read() if os.path.exists(doc_path) else f"{begin}\n{end}\n"
        if begin not in content or end not in content:
            content += f"\n{begin}\n{end}\n"
        head, rest = content.split(begin, 1)
        _, tail = rest.split(end, 1)
        with open(doc_path, "w") as f:
            f.write(head + begin + "\n" + text + "\n" + end + tail)


def main(argv):
    if len(argv) >= 2 and argv[1] == "--machine":
        print(json.dumps(machine(argv[2] if len(argv) > 2 else ".")))
        return 0
    if len(argv) >= 3 and argv[2] == "--summary":
        doc = argv[argv.index("--doc") + 1] if "--doc" in argv else None
        summary(argv[1], doc)
        return 0
    if len(argv) == 3:
        build(argv[1], argv[2])
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
