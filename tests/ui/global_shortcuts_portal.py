#!/usr/bin/python3
"""A desktop portal offering org.freedesktop.portal.GlobalShortcuts (version 1) for tests.

It follows the interface's specification (xdg-desktop-portal,
data/org.freedesktop.portal.GlobalShortcuts.xml, Request.xml, Session.xml):

- it owns org.freedesktop.portal.Desktop and serves /org/freedesktop/portal/desktop;
- CreateSession, BindShortcuts and ListShortcuts return a Request object path,
  /org/freedesktop/portal/desktop/request/SENDER/TOKEN (SENDER: the caller's unique name
  without ':' and with '.' as '_', TOKEN: the handle_token option, or one of ours), export a
  org.freedesktop.portal.Request object there, and answer later with its Response signal
  (u response, a{sv} results), sent to the caller only;
- CreateSession exports a org.freedesktop.portal.Session at
  /org/freedesktop/portal/desktop/session/SENDER/TOKEN (session_handle_token) and returns its
  path as "session_handle" (type s, as the specification keeps it); Session.Close ends it;
- BindShortcuts may be attempted once per session; it returns the bound shortcuts with their
  description and trigger_description. A shortcut the application never had stands for the
  desktop's confirmation dialog: the user accepts the preferred trigger ("confirm" line), or
  refuses (Response 1) in --refuse mode or after RefuseNext;
- bindings are kept per application in a file (--store), as the real portal's permission store
  keeps them, so a new session of the same application lists them and gets them without asking;
- Activated and Deactivated (o session, s shortcut_id, t timestamp, a{sv} options) go to every
  live session of an application that has that shortcut bound.

An application is known by its executable's name (the real portal asks the sandbox, or for a
host application its systemd scope; neither exists in a test).

The test drives it through org.shotcall.test.PortalControl at /org/shotcall/test/control on the
same bus (Press(s), Release(s), RefuseNext(), ChangeTrigger(s id, s trigger): the user picks
another key in the desktop's settings (ShortcutsChanged), CloseSessions(): the desktop ends every
session (Session.Closed)) and reads what the application asked on stdout:
"ready", "session <path> <app>", "listed <app> <ids>", "confirm <id> <trigger>",
"bound <id> <trigger>", "refused <ids>", "activated <id> <sessions>", "deactivated <id> ...",
"changed <id> <trigger> <sessions>", "closed <sessions>", "session-closed <path>" (by its app).
"""

import argparse
import json
import os
import sys

import gi

gi.require_version("Gio", "2.0")
from gi.repository import Gio, GLib  # noqa: E402

BUS_NAME = "org.freedesktop.portal.Desktop"
PATH = "/org/freedesktop/portal/desktop"
CONTROL_PATH = "/org/shotcall/test/control"

XML = """
<node>
  <interface name="org.freedesktop.portal.GlobalShortcuts">
    <method name="CreateSession">
      <arg type="a{sv}" name="options" direction="in"/>
      <arg type="o" name="handle" direction="out"/>
    </method>
    <method name="BindShortcuts">
      <arg type="o" name="session_handle" direction="in"/>
      <arg type="a(sa{sv})" name="shortcuts" direction="in"/>
      <arg type="s" name="parent_window" direction="in"/>
      <arg type="a{sv}" name="options" direction="in"/>
      <arg type="o" name="request_handle" direction="out"/>
    </method>
    <method name="ListShortcuts">
      <arg type="o" name="session_handle" direction="in"/>
      <arg type="a{sv}" name="options" direction="in"/>
      <arg type="o" name="request_handle" direction="out"/>
    </method>
    <signal name="Activated">
      <arg type="o" name="session_handle"/>
      <arg type="s" name="shortcut_id"/>
      <arg type="t" name="timestamp"/>
      <arg type="a{sv}" name="options"/>
    </signal>
    <signal name="Deactivated">
      <arg type="o" name="session_handle"/>
      <arg type="s" name="shortcut_id"/>
      <arg type="t" name="timestamp"/>
      <arg type="a{sv}" name="options"/>
    </signal>
    <signal name="ShortcutsChanged">
      <arg type="o" name="session_handle"/>
      <arg type="a(sa{sv})" name="shortcuts"/>
    </signal>
    <property name="version" type="u" access="read"/>
  </interface>
  <interface name="org.freedesktop.portal.Request">
    <method name="Close"/>
    <signal name="Response">
      <arg type="u" name="response"/>
      <arg type="a{sv}" name="results"/>
    </signal>
  </interface>
  <interface name="org.freedesktop.portal.Session">
    <method name="Close"/>
    <signal name="Closed">
      <arg type="a{sv}" name="details"/>
    </signal>
    <property name="version" type="u" access="read"/>
  </interface>
  <interface name="org.shotcall.test.PortalControl">
    <method name="Press"><arg type="s" name="shortcut_id" direction="in"/></method>
    <method name="Release"><arg type="s" name="shortcut_id" direction="in"/></method>
    <method name="RefuseNext"/>
    <method name="ChangeTrigger">
      <arg type="s" name="shortcut_id" direction="in"/>
      <arg type="s" name="trigger" direction="in"/>
    </method>
    <method name="CloseSessions"/>
  </interface>
</node>
"""
NODE = Gio.DBusNodeInfo.new_for_xml(XML)
SHORTCUTS_IFACE = NODE.lookup_interface("org.freedesktop.portal.GlobalShortcuts")
REQUEST_IFACE = NODE.lookup_interface("org.freedesktop.portal.Request")
SESSION_IFACE = NODE.lookup_interface("org.freedesktop.portal.Session")
CONTROL_IFACE = NODE.lookup_interface("org.shotcall.test.PortalControl")

RESPONSE_SUCCESS, RESPONSE_CANCELLED, RESPONSE_OTHER = 0, 1, 2


def say(line):
    print(line, flush=True)


def sender_element(sender):
    return sender.lstrip(":").replace(".", "_")


def valid_token(token):
    return bool(token) and all(c.isalnum() or c == "_" for c in token)


class Portal:
    def __init__(self, bus, store_path, refuse):
        self.bus = bus
        self.store_path = store_path
        self.refuse_always = refuse
        self.refuse_next = False
        self.sessions = {}  # path -> {"sender", "app", "bound_once", "reg"}
        self.requests = {}  # path -> registration id
        self.counter = 0
        self.store = {}
        if os.path.exists(store_path):
            with open(store_path, encoding="utf-8") as f:
                self.store = json.load(f)

    def save(self):
        tmp = self.store_path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(self.store, f, indent=2)
        os.replace(tmp, self.store_path)

    def app_id(self, sender):
        pid = self.bus.call_sync(
            "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
            "GetConnectionUnixProcessID", GLib.Variant("(s)", (sender,)),
            GLib.VariantType.new("(u)"), Gio.DBusCallFlags.NONE, -1, None).unpack()[0]
        try:
            return os.path.basename(os.readlink("/proc/%d/exe" % pid))
        except OSError:
            return ""

    # --- Request objects -----------------------------------------------------------------
    def new_request(self, sender, options):
        token = options.get("handle_token", "")
        if not valid_token(token):
            self.counter += 1
            token = "portal%d" % self.counter
        path = "%s/request/%s/%s" % (PATH, sender_element(sender), token)
        reg = self.bus.register_object(
            path, REQUEST_IFACE, self.on_request_call, None, None)
        self.requests[path] = reg
        return path

    def respond(self, path, sender, code, results):
        """The answer comes after the method's reply, as from a dialog: the caller has its
        handle and, per the specification, is subscribed to Response by then."""

        def send():
            reg = self.requests.pop(path, None)
            if reg is None:
                return False  # closed by the caller
            self.bus.emit_signal(sender, path, "org.freedesktop.portal.Request", "Response",
                                 GLib.Variant("(ua{sv})", (code, results)))
            self.bus.unregister_object(reg)
            return False

        GLib.idle_add(send)

    def on_request_call(self, conn, sender, path, iface, method, params, invocation):
        reg = self.requests.pop(path, None)
        if reg is not None:
            conn.unregister_object(reg)
        invocation.return_value(None)

    # --- Session objects -----------------------------------------------------------------
    def on_session_call(self, conn, sender, path, iface, method, params, invocation):
        session = self.sessions.get(path)
        if session is None or session["sender"] != sender:
            invocation.return_dbus_error("org.freedesktop.portal.Error.NotFound", "no such session")
            return
        self.close_session(path)
        say("session-closed %s" % path)
        invocation.return_value(None)

    def on_session_property(self, conn, sender, path, iface, prop):
        return GLib.Variant("u", 1)

    def close_session(self, path):
        session = self.sessions.pop(path, None)
        if session:
            self.bus.unregister_object(session["reg"])

    def on_name_owner_changed(self, conn, sender, path, iface, signal, params):
        name, _, new_owner = params.unpack()
        if new_owner:
            return
        for path in [p for p, s in self.sessions.items() if s["sender"] == name]:
            self.close_session(path)

    # --- org.freedesktop.portal.GlobalShortcuts --------------------------------------------
    def on_shortcuts_property(self, conn, sender, path, iface, prop):
        return GLib.Variant("u", 1)

    def shortcut_results(self, app, ids):
        bound = self.store.get(app, {})
        return GLib.Variant("a(sa{sv})", [
            (sid, {"description": GLib.Variant("s", bound[sid]["description"]),
                   "trigger_description": GLib.Variant("s", bound[sid]["trigger"])})
            for sid in ids if sid in bound])

    def own_session(self, sender, session_path, invocation):
        session = self.sessions.get(session_path)
        if session is None or session["sender"] != sender:
            invocation.return_dbus_error("org.freedesktop.portal.Error.InvalidArgument",
                                         "invalid session")
            return None
        return session

    def on_shortcuts_call(self, conn, sender, path, iface, method, params, invocation):
        if method == "CreateSession":
            (options,) = params.unpack()
            token = options.get("session_handle_token", "")
            if not valid_token(token):
                invocation.return_dbus_error("org.freedesktop.portal.Error.InvalidArgument",
                                             "session_handle_token missing or invalid")
                return
            session_path = "%s/session/%s/%s" % (PATH, sender_element(sender), token)
            if session_path in self.sessions:
                invocation.return_dbus_error("org.freedesktop.portal.Error.Failed",
                                             "session exists")
                return
            app = self.app_id(sender)
            reg = conn.register_object(
                session_path, SESSION_IFACE, self.on_session_call, self.on_session_property, None)
            self.sessions[session_path] = {"sender": sender, "app": app, "bound_once": False,
                                           "reg": reg}
            request = self.new_request(sender, options)
            invocation.return_value(GLib.Variant("(o)", (request,)))
            say("session %s %s" % (session_path, app))
            self.respond(request, sender, RESPONSE_SUCCESS,
                         {"session_handle": GLib.Variant("s", session_path)})
        elif method == "ListShortcuts":
            session_path, options = params.unpack()
            session = self.own_session(sender, session_path, invocation)
            if session is None:
                return
            request = self.new_request(sender, options)
            invocation.return_value(GLib.Variant("(o)", (request,)))
            ids = sorted(self.store.get(session["app"], {}))
            say("listed %s %s" % (session["app"], ",".join(ids)))
            self.respond(request, sender, RESPONSE_SUCCESS,
                         {"shortcuts": self.shortcut_results(session["app"], ids)})
        elif method == "BindShortcuts":
            session_path, shortcuts, parent_window, options = params.unpack()
            session = self.own_session(sender, session_path, invocation)
            if session is None:
                return
            if session["bound_once"]:
                invocation.return_dbus_error("org.freedesktop.portal.Error.Failed",
                                             "shortcuts of this session were already bound")
                return
            session["bound_once"] = True
            request = self.new_request(sender, options)
            invocation.return_value(GLib.Variant("(o)", (request,)))
            app = session["app"]
            known = self.store.setdefault(app, {})
            new = [(sid, props) for sid, props in shortcuts if sid not in known]
            if new and (self.refuse_always or self.refuse_next):
                # The desktop's dialog, cancelled by the user.
                self.refuse_next = False
                say("refused %s" % ",".join(sid for sid, _ in new))
                self.respond(request, sender, RESPONSE_CANCELLED, {})
                return
            for sid, props in new:
                trigger = props.get("preferred_trigger", "") or "unassigned"
                say("confirm %s %s" % (sid, trigger))
                known[sid] = {"description": props.get("description", sid), "trigger": trigger}
            if new:
                self.save()
            ids = [sid for sid, _ in shortcuts]
            for sid in ids:
                say("bound %s %s" % (sid, known[sid]["trigger"]))
            self.respond(request, sender, RESPONSE_SUCCESS,
                         {"shortcuts": self.shortcut_results(app, ids)})
        else:
            invocation.return_dbus_error("org.freedesktop.DBus.Error.UnknownMethod", method)

    # --- the test's control ----------------------------------------------------------------
    def on_control_call(self, conn, sender, path, iface, method, params, invocation):
        if method == "RefuseNext":
            self.refuse_next = True
            invocation.return_value(None)
            return
        if method == "CloseSessions":
            paths = list(self.sessions)
            for session_path in paths:
                conn.emit_signal(self.sessions[session_path]["sender"], session_path,
                                 "org.freedesktop.portal.Session", "Closed",
                                 GLib.Variant("(a{sv})", ({},)))
                self.close_session(session_path)
            conn.flush_sync(None)
            say("closed %d" % len(paths))
            invocation.return_value(None)
            return
        if method == "ChangeTrigger":
            sid, trigger = params.unpack()
            targets = []
            for app, bound in self.store.items():
                if sid in bound:
                    bound[sid]["trigger"] = trigger
            self.save()
            for session_path, session in self.sessions.items():
                if sid in self.store.get(session["app"], {}):
                    targets.append(session_path)
                    conn.emit_signal(session["sender"], PATH,
                                     "org.freedesktop.portal.GlobalShortcuts", "ShortcutsChanged",
                                     GLib.Variant.new_tuple(
                                         GLib.Variant("o", session_path),
                                         self.shortcut_results(session["app"], [sid])))
            conn.flush_sync(None)
            say("changed %s %s %d" % (sid, trigger, len(targets)))
            invocation.return_value(None)
            return
        (sid,) = params.unpack()
        signal = "Activated" if method == "Press" else "Deactivated"
        stamp = GLib.get_monotonic_time() // 1000
        targets = [p for p, s in self.sessions.items() if sid in self.store.get(s["app"], {})]
        for session_path in targets:
            conn.emit_signal(self.sessions[session_path]["sender"], PATH,
                             "org.freedesktop.portal.GlobalShortcuts", signal,
                             GLib.Variant("(osta{sv})", (session_path, sid, stamp, {})))
        conn.flush_sync(None)
        say("%s %s %d" % (signal.lower(), sid, len(targets)))
        invocation.return_value(None)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", required=True, help="the bindings, per application (JSON)")
    parser.add_argument("--refuse", action="store_true",
                        help="the user refuses every new shortcut (Response 1)")
    args = parser.parse_args()

    loop = GLib.MainLoop()
    bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
    portal = Portal(bus, args.store, args.refuse)
    bus.register_object(PATH, SHORTCUTS_IFACE, portal.on_shortcuts_call,
                                      portal.on_shortcuts_property, None)
    bus.register_object(CONTROL_PATH, CONTROL_IFACE, portal.on_control_call,
                                      None, None)
    bus.signal_subscribe("org.freedesktop.DBus", "org.freedesktop.DBus", "NameOwnerChanged",
                         "/org/freedesktop/DBus", None, Gio.DBusSignalFlags.NONE,
                         portal.on_name_owner_changed)

    def acquired(*_):
        say("ready")

    def lost(*_):
        say("name-lost")
        loop.quit()

    Gio.bus_own_name_on_connection(bus, BUS_NAME, Gio.BusNameOwnerFlags.DO_NOT_QUEUE, acquired,
                                   lost)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, 15, loop.quit)
    loop.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
