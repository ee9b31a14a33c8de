#!/usr/bin/python3
"""Reads what a running app shows through its AT-SPI tree and compares it with a catalog.

Issue 17: the app run in a language finds that language's text in its windows, and no English
that the catalog translates (the untranslated-string finder). Run on the app's desktop
(DISPLAY, DBUS_SESSION_BUS_ADDRESS), as tests/ui/accessibility_check.py, whose walk it shares.

    translations_check.py --catalog po/es.po [--app shotcall] [--window TEXT]... [--pages]
                          [--expect MSGID]... [--timeout S]

Every showing object's accessible name, description and text are read, in every window of the
app (--pages: each page of a window's page switcher too, reached through AT-SPI actions). An
--expect MSGID (the English, as in the catalog; a plural's singular) is found when some text
says its translation: placeholders ({count}) stand for any text, a "_" mnemonic is not read.
An offender is a text equal to an English msgid (or to one with its placeholders filled) that
is untranslated or whose translation differs; a sentence of 16 letters or more counts inside a
longer text too. Prints one JSON object:

    {"windows": [...], "texts": [...], "found": {MSGID: TEXT}, "missing": [MSGID],
     "offenders": [{"text", "where"}]}

Exit status 0 when the walk was done (whatever it found), 2 when it could not be.
"""

import argparse
import json
import os
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "ui"))

import pyatspi  # noqa: E402

import accessibility_check as a11y  # noqa: E402
from catalog_check import parse_po  # noqa: E402

PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")
# Deep enough for any dialog; a guard against cycles in a broken tree.
MAX_DEPTH = 40


def pattern_of(text):
    """A regular expression for a message as shown: mnemonics dropped, placeholders filled."""
    text = text.replace("_", "")
    parts = PLACEHOLDER.split(text)
    return re.compile("^" + ".+?".join(re.escape(p) for p in parts) + "$", re.S)


def text_of(obj):
    try:
        t = obj.queryText()
        return t.getText(0, t.characterCount)
    except NotImplementedError:
        return ""


def collect(obj, window, path, depth, out):
    if obj is None or depth > MAX_DEPTH:
        return
    if depth > 0 and not obj.getState().contains(pyatspi.STATE_SHOWING):
        return
    role = obj.getRole()
    here = path + [obj.getRoleName()]
    # The title bar's window buttons are GTK's words (its own catalog), not ours.
    if not (role == pyatspi.ROLE_PUSH_BUTTON and obj.name in a11y.WINDOW_CONTROLS):
        for kind, value in (("name", obj.name), ("description", obj.description),
                            ("text", text_of(obj))):
            for line in (value or "").split("\n"):
                line = line.strip()
                if line:
                    out.append({"text": line, "where": window + ": " + " > ".join(here) +
                                " (" + kind + ")"})
    for i in range(obj.childCount):
        collect(obj.getChildAtIndex(i), window, here, depth + 1, out)


def collect_all(app, out, windows):
    for w in a11y.windows_of(app):
        if w.name not in windows:
            windows.append(w.name)
        collect(w, w.name or "", [], 0, out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--catalog", required=True)
    parser.add_argument("--app", default="shotcall")
    parser.add_argument("--window", action="append", default=[])
    parser.add_argument("--pages", action="store_true")
    parser.add_argument("--expect", action="append", default=[])
    parser.add_argument("--timeout", type=float, default=30)
    args = parser.parse_args()
    deadline = time.monotonic() + args.timeout

    entries = [e for e in parse_po(args.catalog) if e["msgid"]]
    app = a11y.find_app(args.app, deadline)
    if app is None:
        print(json.dumps({"error": "no application named " + args.app + " on the a11y bus"}))
        return 2
    for title in args.window:
        if a11y.wait_for_window(app, title, deadline) is None:
            print(json.dumps({"error": "no window named " + title,
                              "windows": [w.name for w in a11y.windows_of(app)]},
                             ensure_ascii=False))
            return 2

    seen, windows = [], []
    collect_all(app, seen, windows)
    if args.pages:
        for w in a11y.windows_of(app):
            for switch in a11y.page_switches(w):
                if switch.getState().contains(pyatspi.STATE_CHECKED):
                    continue
                if a11y.act_and_wait(app, switch, time.monotonic() + args.timeout):
                    collect_all(app, seen, windows)
    texts = sorted({s["text"] for s in seen})

    # What was expected: each msgid's translations, as patterns.
    by_msgid = {}
    for e in entries:
        by_msgid.setdefault(e["msgid"], []).extend(s for s in e["msgstr"].values() if s)
    found, missing = {}, []
    for msgid in args.expect:
        if msgid not in by_msgid:
            print(json.dumps({"error": "the catalog has no msgid " + msgid}, ensure_ascii=False))
            return 2
        patterns = [pattern_of(s) for s in by_msgid[msgid]]
        hit = next((t for t in texts for p in patterns if p.match(t)), None)
        if hit is None:
            missing.append(msgid)
        else:
            found[msgid] = hit

    # The untranslated-string finder: English the catalog has, shown as English (a message
    # left untranslated counts: the player reads English).
    whole, inside = [], []
    for e in entries:
        strs = [s for s in e["msgstr"].values() if s]
        for msgid in filter(None, (e["msgid"], e.get("msgid_plural"))):
            if strs and any(s.replace("_", "") == msgid.replace("_", "") for s in strs):
                continue  # the same words in both languages ("Shotcall", "Chat")
            literal = PLACEHOLDER.sub("", msgid).strip()
            if PLACEHOLDER.search(msgid) and len(literal) < 6:
                continue  # "{name}: {text}" would match anything
            whole.append(pattern_of(msgid))
            # A sentence is found inside a longer text too (a chat line "Server: <sentence>").
            if len(literal) >= 16 and " " in literal:
                inside.append(re.compile(pattern_of(msgid).pattern.strip("^$"), re.S))
    offenders = [s for s in seen if any(p.match(s["text"]) for p in whole) or
                 any(p.search(s["text"]) for p in inside)]
    unique = {}
    for s in offenders:
        unique.setdefault(s["text"], s)

    print(json.dumps({"windows": windows, "texts": texts, "found": found, "missing": missing,
                      "offenders": list(unique.values())}, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
