#!/usr/bin/python3
"""Checks the app's translation files (po/) against the sources. Issue 17.

    catalog_check.py SOURCE_DIR

- every source file that uses the i18n keywords (tr, trn, trc, N_ as calls) or has
  translatable="yes" (.ui) is listed in po/POTFILES, and every listed file exists;
- po/shotcall.pot is up to date: the template extracted afresh (xgettext, the keywords of
  scripts/update-po) has the same messages (run scripts/update-po when it does not);
- each language of po/LINGUAS is complete: every message of the template, none untranslated,
  none fuzzy; msgfmt --check accepts it;
- every translation keeps exactly the {placeholders} of its English (fill() would print an
  unknown one as written: "{cuont}" on the player's screen), and a GtkBuilder label keeps as
  many "_" mnemonics as its English has.
Prints every problem found and exits 1 when there is one.
"""

import os
import re
import subprocess
import sys
import tempfile

KEYWORDS = ["--keyword=tr", "--keyword=trn:1,2", "--keyword=trc:1c,2", "--keyword=N_"]
# A keyword called as a function (i18n::tr(...), tr(...)); not a member (x.tr(), p->N_()).
CALL = re.compile(r"(?:\bi18n::|(?<![\w.>:]))(?:tr|trn|trc|N_)\s*\(")
PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")


def unquote(s):
    s = s.strip()
    assert s.startswith('"') and s.endswith('"'), s
    s = s[1:-1]
    out, i = [], 0
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}
    while i < len(s):
        if s[i] == "\\" and i + 1 < len(s):
            out.append(escapes.get(s[i + 1], s[i + 1]))
            i += 2
        else:
            out.append(s[i])
            i += 1
    return "".join(out)


def parse_po(path):
    """The messages of a .po/.pot file (obsolete #~ ones left out), header included as msgid ""."""
    entries, cur, field = [], None, None

    def flush():
        if cur is not None and "msgid" in cur:
            entries.append(cur)

    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("#~"):
                continue
            if not line.strip():
                flush()
                cur, field = None, None
                continue
            if cur is None:
                cur = {"flags": set(), "refs": [], "msgstr": {}}
            if line.startswith("#,"):
                cur["flags"].update(x.strip() for x in line[2:].split(","))
            elif line.startswith("#:"):
                cur["refs"] += line[2:].split()
            elif line.startswith("#"):
                pass
            elif line.startswith('"'):
                if isinstance(field, tuple):
                    cur["msgstr"][field[1]] += unquote(line)
                else:
                    cur[field] += unquote(line)
            else:
                key, _, rest = line.partition(" ")
                m = re.fullmatch(r"msgstr\[(\d+)\]", key)
                if m:
                    field = ("msgstr", int(m.group(1)))
                    cur["msgstr"][field[1]] = unquote(rest)
                elif key == "msgstr":
                    field = ("msgstr", 0)
                    cur["msgstr"][0] = unquote(rest)
                else:
                    field = key
                    cur[key] = unquote(rest)
    flush()
    return entries


def key_of(e):
    return (e.get("msgctxt"), e["msgid"], e.get("msgid_plural"))


def show(key):
    ctx, msgid, plural = key
    out = repr(msgid)
    if plural is not None:
        out += " / " + repr(plural)
    if ctx is not None:
        out = "[" + ctx + "] " + out
    return out


def scan_sources(src):
    found = []
    for top in ("ui", "app"):
        for d, _, files in os.walk(os.path.join(src, top)):
            rel_dir = os.path.relpath(d, src)
            if rel_dir == os.path.join("app", "i18n"):
                continue  # the API itself: its comments show the calls
            for name in files:
                path = os.path.join(d, name)
                rel = os.path.relpath(path, src)
                with open(path, encoding="utf-8", errors="replace") as f:
                    text = f.read()
                if name.endswith((".cpp", ".hpp")) and CALL.search(text):
                    found.append(rel)
                elif name.endswith(".ui") and 'translatable="yes"' in text:
                    found.append(rel)
    return sorted(found)


def extract(src, files, out):
    """The template as scripts/update-po makes it, from `files` (relative to src)."""
    common = ["--from-code=UTF-8", "--force-po", "-o", out]
    cxx = [f for f in files if f.endswith((".cpp", ".hpp"))]
    ui = [f for f in files if f.endswith(".ui")]
    desktop = [f for f in files if f.endswith(".desktop")]
    runs = [(["--language=C++"] + KEYWORDS + ["--add-comments=Translators:"], cxx),
            (["--language=Glade"], ui), (["--language=Desktop"], desktop)]
    first = True
    for args, group in runs:
        if not group:
            continue
        cmd = ["xgettext"] + common + args + ([] if first else ["-j"]) + group
        r = subprocess.run(cmd, cwd=src, capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(" ".join(cmd) + ":\n" + r.stderr)
        first = False


def main():
    src = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".")
    po = os.path.join(src, "po")
    problems = []

    # 1. POTFILES names every file with translatable strings, and only existing files.
    with open(os.path.join(po, "POTFILES"), encoding="utf-8") as f:
        listed = [l.strip() for l in f if l.strip() and not l.startswith("#")]
    for rel in scan_sources(src):
        if rel not in listed:
            problems.append("po/POTFILES lacks " + rel + " (it has translatable strings; "
                            "run scripts/update-po)")
    for rel in listed:
        if not os.path.isfile(os.path.join(src, rel)):
            problems.append("po/POTFILES names " + rel + ", which does not exist")

    # 2. The template holds what the sources hold.
    template = {key_of(e): e for e in parse_po(os.path.join(po, "shotcall.pot")) if e["msgid"]}
    with tempfile.TemporaryDirectory() as tmp:
        fresh_pot = os.path.join(tmp, "fresh.pot")
        try:
            extract(src, [rel for rel in listed if os.path.isfile(os.path.join(src, rel))],
                    fresh_pot)
            fresh = {key_of(e) for e in parse_po(fresh_pot) if e["msgid"]}
        except RuntimeError as e:
            problems.append("xgettext failed: " + str(e))
            fresh = set(template)
    for key in sorted(fresh - set(template), key=str):
        problems.append("po/shotcall.pot lacks " + show(key) + " (run scripts/update-po)")
    for key in sorted(set(template) - fresh, key=str):
        problems.append("po/shotcall.pot still has " + show(key) +
                        ", which the sources no longer have (run scripts/update-po)")

    # 3. Every language: complete, accepted by msgfmt, placeholders and mnemonics kept.
    with open(os.path.join(po, "LINGUAS"), encoding="utf-8") as f:
        linguas = [w for l in f if not l.startswith("#") for w in l.split()]
    if not linguas:
        problems.append("po/LINGUAS names no language")
    for lang in linguas:
        path = os.path.join(po, lang + ".po")
        name = "po/" + lang + ".po"
        if not os.path.isfile(path):
            problems.append(name + " is missing")
            continue
        r = subprocess.run(["msgfmt", "--check", "-o", os.devnull, path], capture_output=True,
                           text=True)
        if r.returncode != 0:
            problems.append(name + ": msgfmt --check fails:\n" + r.stderr.strip())
        entries = [e for e in parse_po(path) if e["msgid"]]
        have = {key_of(e) for e in entries}
        for key in sorted(set(template) - have, key=str):
            problems.append(name + " lacks " + show(key))
        for e in entries:
            key = key_of(e)
            where = name + ": " + show(key)
            if "fuzzy" in e["flags"]:
                problems.append(where + " is fuzzy")
            strs = e["msgstr"]
            if not strs or any(not s for s in strs.values()):
                problems.append(where + " is not translated")
                continue
            for n, s in sorted(strs.items()):
                english = e["msgid"] if n == 0 or "msgid_plural" not in e else e["msgid_plural"]
                want, got = set(PLACEHOLDER.findall(english)), set(PLACEHOLDER.findall(s))
                if want != got:
                    problems.append("%s: msgstr[%d] %r has placeholders %s, the English %s" %
                                    (where, n, s, sorted(got) or "none", sorted(want) or "none"))
            refs = template.get(key, e)["refs"]
            if any(r.endswith(".ui") for r in refs) and "_" in e["msgid"]:
                for n, s in sorted(strs.items()):
                    if s.count("_") != e["msgid"].count("_"):
                        problems.append("%s: msgstr %r has %d \"_\" mnemonics, the English %d" %
                                        (where, s, s.count("_"), e["msgid"].count("_")))

    for p in problems:
        print(p)
    if problems:
        print("catalog_check: %d problem(s)" % len(problems))
        return 1
    print("catalog_check: po/ is up to date and complete (%d messages, %s)" %
          (len(template), ", ".join(linguas)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
