#!/usr/bin/python3
"""Walks a running app's AT-SPI tree and reports what a screen reader user would miss.

Issue 17: every control in every window of the app has a role and a name, and each one can take
the keyboard focus. Run on the desktop the app runs on (DISPLAY, DBUS_SESSION_BUS_ADDRESS: the
accessibility bus is found through org.a11y.Bus on that session bus, as GTK finds it).

    accessibility_check.py [--app shotcall] [--window TITLE]... [--pages] [--press NAME]...
                           [--rows LIST [--wait-row TEXT]...] [--open NAME]... [--close TITLE]...
                           [--timeout S] [--list]

A control is anything a player operates (button, toggle, check box, radio, combo, entry, slider,
spin button, menu item, link, list item with actions). Only what is on screen is walked: --pages
visits every page of a window's page switcher, --press presses a button (a menu button's popover,
a choice that shows more fields) and walks what it shows, both through AT-SPI actions as a
screen reader user would. --open presses a button or menu item first and leaves what it shows
open (the main menu, then its "About Shotcall"); --close closes a window with its own Close
button at the end and waits until it is gone. --window waits until the app shows a window whose
name contains TITLE (the test synchronises on the accessibility tree, not on sleeps). --rows
lists the names of the items of the lists named LIST (the "Teammates" list box); --wait-row
waits until one of them says every TEXT. Prints one JSON object:

    {"app": "shotcall", "windows": [...], "controls": N, "visited": [...],
     "unnamed": [{"window", "role", "name", "path"}], "no_role": [...], "unfocusable": [...],
     "window_controls": [...], "rows": ["Ñandú#ÁÉ, Garen, Connected, speaking, ..."],
     "awaited_row": "the row that said every --wait-row TEXT", "closed": ["TITLE"]}

Exit status 0 when the walk was done (whatever it found), 2 when something awaited never came.
"""

import argparse
import json
import sys
import time

import pyatspi

# The roles of things a player operates. A list item counts when it has actions (an activatable
# row); labels, panels and icons are read, not operated.
INTERACTIVE = {
    pyatspi.ROLE_PUSH_BUTTON, pyatspi.ROLE_TOGGLE_BUTTON, pyatspi.ROLE_CHECK_BOX,
    pyatspi.ROLE_RADIO_BUTTON, pyatspi.ROLE_COMBO_BOX, pyatspi.ROLE_ENTRY,
    pyatspi.ROLE_PASSWORD_TEXT, pyatspi.ROLE_SLIDER, pyatspi.ROLE_SPIN_BUTTON,
    pyatspi.ROLE_MENU_ITEM, pyatspi.ROLE_CHECK_MENU_ITEM, pyatspi.ROLE_RADIO_MENU_ITEM,
    pyatspi.ROLE_LINK, pyatspi.ROLE_LIST_ITEM,
}
PRESSABLE = (pyatspi.ROLE_TOGGLE_BUTTON, pyatspi.ROLE_RADIO_BUTTON, pyatspi.ROLE_PUSH_BUTTON)
# What --open presses: a button, or an item of a menu (a popover menu's items are push buttons,
# GtkModelButton; a GtkMenu's are menu items).
OPENABLE = PRESSABLE + (pyatspi.ROLE_MENU_ITEM,)
NO_ROLE = {pyatspi.ROLE_INVALID, pyatspi.ROLE_UNKNOWN}
# The title bar's window buttons (GtkHeaderBar's decoration) take no focus by GTK's design: the
# window manager's keys (Alt+F4, Super+Up, Super+H) do what they do. Listed apart, not failed.
WINDOW_CONTROLS = {"Minimize", "Maximize", "Restore", "Close"}
# Deep enough for any dialog; a guard against cycles in a broken tree.
MAX_DEPTH = 40


def find_app(name, deadline):
    while True:
        desktop = pyatspi.Registry.getDesktop(0)
        for i in range(desktop.childCount):
            app = desktop.getChildAtIndex(i)
            if app is not None and (app.name or "").lower() == name.lower():
                return app
        if time.monotonic() > deadline:
            return None
        time.sleep(0.2)


def windows_of(app):
    out = []
    for i in range(app.childCount):
        w = app.getChildAtIndex(i)
        if w is not None and w.getState().contains(pyatspi.STATE_SHOWING):
            out.append(w)
    return out


def wait_for_window(app, title, deadline):
    while True:
        for w in windows_of(app):
            if title.lower() in (w.name or "").lower():
                return w
        if time.monotonic() > deadline:
            return None
        time.sleep(0.2)


def n_actions(obj):
    try:
        return obj.queryAction().nActions
    except NotImplementedError:
        return 0


def link_text(obj):
    """A link's words in the text that holds it (a label's "Website"): GTK 3 gives a link in a
    label no name of its own; a screen reader speaks this range of its parent's text."""
    try:
        link = obj.queryHyperlink()
        return obj.parent.queryText().getText(link.startIndex, link.endIndex)
    except (NotImplementedError, AttributeError):
        return ""


def name_of(obj):
    """The name a screen reader speaks: the accessible name, else the labelling widget's text,
    else (a link) the words of the link."""
    if (obj.name or "").strip():
        return obj.name.strip()
    if obj.getRole() == pyatspi.ROLE_LINK and link_text(obj).strip():
        return link_text(obj).strip()
    for rel in obj.getRelationSet():
        if rel.getRelationType() == pyatspi.RELATION_LABELLED_BY:
            for i in range(rel.getNTargets()):
                target = rel.getTarget(i)
                if target is not None and (target.name or "").strip():
                    return target.name.strip()
    return ""


def is_window_control(obj):
    """A title bar's Minimize, Maximize or Close (GtkHeaderBar's decoration box)."""
    return (obj.getRole() == pyatspi.ROLE_PUSH_BUTTON and obj.name in WINDOW_CONTROLS and
            obj.parent is not None and obj.parent.getRole() == pyatspi.ROLE_FILLER and
            obj.parent.parent is not None and obj.parent.parent.getRole() == pyatspi.ROLE_PANEL)


def walk(obj, window, path, depth, report):
    if obj is None or depth > MAX_DEPTH:
        return
    states = obj.getState()
    # What is not on screen cannot be reached or read now (a hidden page, a closed popover).
    if not states.contains(pyatspi.STATE_SHOWING) and depth > 0:
        return
    role = obj.getRole()
    here = path + [obj.getRoleName() + ("[" + obj.name + "]" if obj.name else "")]
    if role == pyatspi.ROLE_LIST_ITEM:
        interactive = n_actions(obj) > 0
    elif role == pyatspi.ROLE_TEXT:
        interactive = states.contains(pyatspi.STATE_EDITABLE)  # not a read-only text view
    else:
        interactive = role in INTERACTIVE
    if role in NO_ROLE and n_actions(obj) > 0:
        report["no_role"].append({"window": window, "role": obj.getRoleName(),
                                  "path": " > ".join(here)})
    if interactive:
        entry = {"window": window, "role": obj.getRoleName(), "name": name_of(obj),
                 "path": " > ".join(here)}
        report["controls"] += 1
        report["list"].append(entry)
        if is_window_control(obj):
            report["window_controls"].append(entry)
            return
        if not entry["name"]:
            report["unnamed"].append(entry)
        if states.contains(pyatspi.STATE_SENSITIVE) and not states.contains(
                pyatspi.STATE_FOCUSABLE):
            report["unfocusable"].append(entry)
    for i in range(obj.childCount):
        walk(obj.getChildAtIndex(i), window, here, depth + 1, report)


def control_paths(app):
    report = new_report(app)
    for w in windows_of(app):
        walk(w, w.name, [], 0, report)
    return {e["window"] + ":" + e["path"] for e in report["list"]}


def act_and_wait(app, obj, deadline):
    """Operates `obj` as a screen reader user would (its first action) and waits for what that
    shows: the set of controls on screen changes (a page, a popover)."""
    before = control_paths(app)
    obj.queryAction().doAction(0)
    while control_paths(app) == before:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def find_control(obj, role, name, depth=0, skip=lambda o: False):
    if obj is None or depth > MAX_DEPTH:
        return None
    if depth > 0 and not obj.getState().contains(pyatspi.STATE_SHOWING):
        return None
    if obj.getRole() == role and (name is None or obj.name == name) and not skip(obj):
        return obj
    for i in range(obj.childCount):
        found = find_control(obj.getChildAtIndex(i), role, name, depth + 1, skip)
        if found is not None:
            return found
    return None


def open_with(app, name, deadline):
    """Presses the button or menu item named `name` as a user would (the "Main menu", then its
    "About Shotcall") and waits for what it shows; it stays open. An error message, or None."""
    control = None
    for w in windows_of(app):
        for role in OPENABLE:
            control = control or find_control(w, role, name)
    if control is None:
        return "no button or menu item named " + name
    if not act_and_wait(app, control, deadline):
        return "pressing " + name + " showed nothing"
    return None


def close_window(app, title, deadline):
    """Closes the window named `title` with its own Close button (a dialog's, not the title
    bar's decoration), as a user would, and waits until it is gone. An error message, or None."""
    window = next((w for w in windows_of(app) if title.lower() in (w.name or "").lower()), None)
    if window is None:
        return "no window named " + title + " to close"
    button = find_control(window, pyatspi.ROLE_PUSH_BUTTON, "Close", skip=is_window_control)
    if button is None:
        return "window " + title + " has no Close button"
    button.queryAction().doAction(0)
    while any(title.lower() in (w.name or "").lower() for w in windows_of(app)):
        if time.monotonic() > deadline:
            return "window " + title + " is still there after pressing Close"
        time.sleep(0.1)
    return None


def page_switches(window):
    """The page switcher's buttons in a window's title bar (GtkStackSwitcher: radio buttons)."""
    out = []
    for i in range(window.childCount):
        bar = window.getChildAtIndex(i)
        if bar is None or bar.getRole() != pyatspi.ROLE_PANEL:
            continue
        for j in range(bar.childCount):
            box = bar.getChildAtIndex(j)
            for k in range(box.childCount if box is not None else 0):
                b = box.getChildAtIndex(k)
                if b is not None and b.getRole() == pyatspi.ROLE_RADIO_BUTTON:
                    out.append(b)
    return out


def walk_all(app, report):
    for w in windows_of(app):
        if w.name not in report["windows"]:
            report["windows"].append(w.name)
            # A window is what a screen reader announces first: it needs a name too.
            if not (w.name or "").strip():
                report["unnamed"].append({"window": "", "role": w.getRoleName(), "name": "",
                                          "path": w.getRoleName()})
        walk(w, w.name, [], 0, report)


def merge(report, extra):
    """Adds what a second walk found (another page) without counting a control twice."""
    seen = {(e["window"], e["path"]) for e in report["list"]}
    for key in ("unnamed", "no_role", "unfocusable", "window_controls", "list"):
        have = {(e["window"], e["path"]) for e in report[key]}
        report[key] += [e for e in extra[key] if (e["window"], e["path"]) not in have]
    report["controls"] += len([e for e in extra["list"] if (e["window"], e["path"]) not in seen])
    for w in extra["windows"]:
        if w not in report["windows"]:
            report["windows"].append(w)


def new_report(app):
    return {"app": app.name, "windows": [], "controls": 0, "unnamed": [], "no_role": [],
            "unfocusable": [], "window_controls": [], "rows": [], "list": [], "visited": []}


def list_items(obj, depth, out, inside=False):
    """The names of the items of the lists named out["list_name"] (the "Teammates" list box)."""
    if obj is None or depth > MAX_DEPTH:
        return
    if not obj.getState().contains(pyatspi.STATE_SHOWING) and depth > 0:
        return
    if inside and obj.getRole() == pyatspi.ROLE_LIST_ITEM:
        out["rows"].append(obj.name or "")
    if obj.getRole() in (pyatspi.ROLE_LIST, pyatspi.ROLE_LIST_BOX):
        inside = out["list_name"].lower() in (obj.name or "").lower()
    for i in range(obj.childCount):
        list_items(obj.getChildAtIndex(i), depth + 1, out, inside)


def rows_of(app, list_name):
    found = {"list_name": list_name, "rows": []}
    for w in windows_of(app):
        list_items(w, 0, found)
    return found["rows"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--app", default="shotcall")
    parser.add_argument("--window", action="append", default=[])
    parser.add_argument("--rows")
    parser.add_argument("--timeout", type=float, default=30)
    parser.add_argument("--list", action="store_true", help="list every control found")
    parser.add_argument("--wait-row", action="append", default=[],
                        help="wait until a row of the --rows list says all of these")
    parser.add_argument("--pages", action="store_true",
                        help="visit every page of windows with a page switcher")
    parser.add_argument("--open", action="append", default=[],
                        help="before anything else, press this button or menu item and leave "
                        "what it shows open (in the order given)")
    parser.add_argument("--close", action="append", default=[],
                        help="after the walk, close the window with this title with its Close "
                        "button and wait until it is gone")
    parser.add_argument("--press", action="append", default=[],
                        help="press this button (a menu button, a choice) and walk what it "
                        "shows too")
    args = parser.parse_args()
    deadline = time.monotonic() + args.timeout

    app = find_app(args.app, deadline)
    if app is None:
        print(json.dumps({"error": "no application named " + args.app + " on the a11y bus"}))
        return 2
    for name in args.open:
        error = open_with(app, name, deadline)
        if error is not None:
            print(json.dumps({"error": error, "windows": [w.name for w in windows_of(app)]},
                             ensure_ascii=False))
            return 2
    for title in args.window:
        if wait_for_window(app, title, deadline) is None:
            names = [w.name for w in windows_of(app)]
            print(json.dumps({"error": "no window named " + title, "windows": names},
                             ensure_ascii=False))
            return 2

    # A row that must come to say something (a teammate speaking): the tree is waited on.
    if args.wait_row:
        while True:
            rows = rows_of(app, args.rows or "")
            awaited = [r for r in rows if all(t in r for t in args.wait_row)]
            if awaited:
                break
            if time.monotonic() > deadline:
                print(json.dumps({"error": "no row saying " + " and ".join(args.wait_row),
                                  "rows": rows}, ensure_ascii=False))
                return 2
            time.sleep(0.2)

    report = new_report(app)
    if args.wait_row:
        # The row as it was when it said all that (speaking comes and goes with the voice).
        report["awaited_row"] = awaited[0]
    walk_all(app, report)
    # Each page of a window with a page switcher (Preferences), reached as a user would.
    if args.pages:
        for w in windows_of(app):
            for switch in page_switches(w):
                if switch.getState().contains(pyatspi.STATE_CHECKED):
                    continue
                label = w.name + " > " + switch.name
                if not act_and_wait(app, switch, time.monotonic() + args.timeout):
                    report["visited"].append(label + " (nothing changed)")
                    continue
                report["visited"].append(label)
                extra = new_report(app)
                walk_all(app, extra)
                merge(report, extra)
    # A menu button's popover (opened, walked, closed), a choice that shows more fields.
    for name in args.press:
        button = None
        for w in windows_of(app):
            for role in PRESSABLE:
                button = button or find_control(w, role, name)
        if button is None:
            print(json.dumps({"error": "no button named " + name}, ensure_ascii=False))
            return 2
        if not act_and_wait(app, button, time.monotonic() + args.timeout):
            print(json.dumps({"error": "pressing " + name + " showed nothing"}, ensure_ascii=False))
            return 2
        report["visited"].append(name)
        extra = new_report(app)
        walk_all(app, extra)
        merge(report, extra)
        if button.getRole() == pyatspi.ROLE_TOGGLE_BUTTON:
            button.queryAction().doAction(0)
    if args.rows:
        report["rows"] = rows_of(app, args.rows)
    if args.open:
        report["opened"] = args.open
    report["closed"] = []
    for title in args.close:
        error = close_window(app, title, time.monotonic() + args.timeout)
        if error is not None:
            report["error"] = error
            break
        report["closed"].append(title)
    if not args.list:
        del report["list"]
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return 2 if "error" in report else 0


if __name__ == "__main__":
    sys.exit(main())
