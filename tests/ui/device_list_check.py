#!/usr/bin/python3
"""Reads (and sets) the app's Preferences device lists through AT-SPI, as a screen reader user.

Issue 17, devices that come and go: the Preferences' microphone and output lists follow the
devices plugged in. Run on the desktop the app runs on (DISPLAY, DBUS_SESSION_BUS_ADDRESS), with
Preferences open; the page that holds the lists is shown first (its page switcher button).

    device_list_check.py [--app shotcall] [--window Preferences] [--page Voice]
                         [--choose LIST=ITEM]... [--expect LIST=+ITEM | LIST=-ITEM]...
                         [--timeout S]

--choose picks ITEM in the combo box named LIST (AT-SPI's selection, as a screen reader user
picks it). --expect waits until the list LIST has (+) or has not (-) an item named ITEM, and
for + until that item is the one selected. Prints one JSON object:

    {"lists": {"Microphone": ["System default", "HeadsetMic"]},
     "selected": {"Microphone": "HeadsetMic"}, "chosen": ["Microphone=HeadsetMic"]}

or {"error": ...} with the lists as they were. Exit status 0, or 2 when something awaited did
not come before the deadline.
"""

import argparse
import json
import os
import sys
import time

import pyatspi

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import accessibility_check as walk  # noqa: E402  (the same app and window lookups)


def items_of(combo):
    """The names of a combo box's items (its menu's items: they are there while it is closed)."""
    out = []
    for i in range(combo.childCount):
        menu = combo.getChildAtIndex(i)
        for j in range(menu.childCount if menu is not None else 0):
            item = menu.getChildAtIndex(j)
            if item is not None:
                out.append(item.name or "")
    return out


def selected_of(combo):
    try:
        selection = combo.querySelection()
    except NotImplementedError:
        return ""
    if selection.nSelectedChildren < 1:
        return ""
    child = selection.getSelectedChild(0)
    return (child.name or "") if child is not None else ""


def split(spec):
    name, _, item = spec.partition("=")
    return name, item


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--app", default="shotcall")
    parser.add_argument("--window", default="Preferences")
    parser.add_argument("--page", default="Voice")
    parser.add_argument("--choose", action="append", default=[])
    parser.add_argument("--expect", action="append", default=[])
    parser.add_argument("--timeout", type=float, default=30)
    args = parser.parse_args()
    deadline = time.monotonic() + args.timeout
    names = [split(s)[0] for s in args.choose + args.expect]

    def fail(error, **extra):
        print(json.dumps(dict({"error": error}, **extra), ensure_ascii=False))
        return 2

    app = walk.find_app(args.app, deadline)
    if app is None:
        return fail("no application named " + args.app + " on the a11y bus")
    window = walk.wait_for_window(app, args.window, deadline)
    if window is None:
        return fail("no window named " + args.window)

    def combos():
        """The combo boxes named in the arguments, or None while one is not on screen."""
        found = {}
        for name in names:
            combo = walk.find_control(window, pyatspi.ROLE_COMBO_BOX, name)
            if combo is None:
                return None
            found[name] = combo
        return found

    # The page that holds the lists, shown as a user shows it (unless it is shown already).
    if combos() is None:
        switch = next((s for s in walk.page_switches(window) if s.name == args.page), None)
        if switch is None:
            return fail("no page " + args.page + " in " + args.window)
        switch.queryAction().doAction(0)
        while combos() is None:
            if time.monotonic() > deadline:
                return fail("no combo box named " + ", ".join(names) + " on page " + args.page)
            time.sleep(0.1)

    def state():
        found = combos() or {}
        return ({n: items_of(c) for n, c in found.items()},
                {n: selected_of(c) for n, c in found.items()})

    for spec in args.choose:
        name, item = split(spec)
        combo = combos()[name]
        items = items_of(combo)
        if item not in items:
            return fail("no " + item + " in " + name, lists={name: items})
        combo.querySelection().selectChild(items.index(item))
        while selected_of(combos()[name]) != item:
            if time.monotonic() > deadline:
                return fail(item + " did not become " + name + "'s choice")
            time.sleep(0.1)

    def met(lists, selected):
        for spec in args.expect:
            name, item = split(spec)
            want, item = item[:1] == "+", item[1:]
            if (item in lists.get(name, [])) != want:
                return False
            if want and selected.get(name) != item:
                return False
        return True

    while True:
        lists, selected = state()
        if met(lists, selected):
            break
        if time.monotonic() > deadline:
            return fail("the lists never came to " + ", ".join(args.expect), lists=lists,
                        selected=selected)
        time.sleep(0.1)
    print(json.dumps({"lists": lists, "selected": selected, "chosen": args.choose},
                     ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
