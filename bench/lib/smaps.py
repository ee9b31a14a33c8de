"""Where a process's resident pages are: /proc/<pid>/smaps summed per file and per kind of code.

rss_breakdown(pid) -> {"smaps_rollup": {field: KiB}, "rss_by_kind_kib": {kind: {"rss", "anon"}},
                       "smaps_top": [[name, rss KiB, anonymous KiB], ...]}
(empty when the process is gone or its smaps cannot be read)."""
import os

# Checked in order; the first family whose marker is in a mapping's path names it.
KINDS = [
    # GDK on X11 asks GLX for its visuals at start-up, which loads Mesa's driver and with it LLVM.
    ("Mesa OpenGL driver and LLVM", ["libLLVM", "_dri.so", "libGLX", "libGL.so", "libglapi", "libEGL", "libgbm",
                                     "libz3", "libdrm", "libsensors", "libvulkan", "libelf", "libedit", "libtinfo"]),
    ("GStreamer and its plugins", ["/gstreamer-1.0/", "libgst"]),
    ("codecs, ICE, SRTP, audio processing", ["libopus", "libwebrtc", "libnice", "libsrtp", "libusrsctp", "libspeex",
                                            "libogg", "libvorbis", "libsndfile", "libpulse", "libasound"]),
    ("GTK, GDK, cairo, pango, librsvg, fonts, X11", ["libgtk", "libgdk", "libcairo", "libpango", "libharfbuzz", "libfontconfig",
                                           "libfreetype", "libpixman", "libX", "libxcb", "libepoxy", "libatk",
                                           "libatspi", "libpng", "libfribidi", "libthai", "libdatrie", "librsvg",
                                           "libgraphite", "libxkbcommon", "libwayland", "libjpeg", "libtiff",
                                           "libwebp", "libxml2", "libbrotli", "libcolord", "libcups",
                                           "libgtkmm", "libgdkmm", "libcairomm", "libpangomm", "libatkmm",
                                           ".ttf", ".otf", ".pcf", "fontconfig/", "icon-theme.cache", "/icons/"]),
    ("TLS and crypto", ["libssl", "libcrypto", "libnss", "libsoftokn", "libfreebl", "libgnutls", "libnettle",
                        "libhogweed", "libgcrypt", "libgmp", "libtasn1", "libp11", "libnspr", "libplc", "libplds",
                        "libsmime", "libidn"]),
    ("GLib, GIO, libsoup, json-glib", ["libglib", "libgobject", "libgio", "libgmodule", "libgthread", "libsoup",
                                       "libjson-glib", "libglibmm", "libgiomm", "libsigc", "libffi", "libpcre",
                                       "libmount", "libblkid", "libselinux", "libsqlite", "libpsl", "gschemas",
                                       "/gio/modules/", "libdconf"]),
    ("C and C++ runtime", ["/libc.so", "/libc-", "libstdc++", "/libm.so", "libgcc_s", "/ld-linux", "libz.so",
                           "locale-archive", "/gconv/"]),
]


def kind_of(path, exe):
    if not path:
        return "heap and anonymous mappings"
    if path == "[heap]" or path.startswith("[anon"):
        return "heap and anonymous mappings"
    if path == "[stack]":
        return "main thread stack"
    if path.startswith("["):
        return "kernel ([vdso], [vvar], ...)"
    if exe and path == exe:
        return "the program itself"
    for name, markers in KINDS:
        if any(m in path for m in markers):
            return name
    if ".so" in path:
        return "other libraries"
    return "other files"


def read_rollup(pid):
    out = {}
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 3 and parts[-1] == "kB":
                    out[parts[0].rstrip(":")] = int(parts[1])
    except OSError:
        pass
    return out


def rss_breakdown(pid):
    try:
        exe = os.readlink(f"/proc/{pid}/exe")
    except OSError:
        exe = None
    per_path = {}
    path = None
    try:
        with open(f"/proc/{pid}/smaps") as f:
            for line in f:
                head = line.split(None, 5)
                if "-" in head[0] and not head[0].endswith(":"):
                    path = head[5].strip() if len(head) > 5 else ""
                    per_path.setdefault(path, [0, 0])
                elif head[0] == "Rss:":
                    per_path[path][0] += int(head[1])
                elif head[0] == "Anonymous:":
                    per_path[path][1] += int(head[1])
    except (OSError, IndexError, ValueError, KeyError):
        return {}
    kinds = {}
    for p, (rss, anon) in per_path.items():
        k = kinds.setdefault(kind_of(p, exe), {"rss": 0, "anon": 0})
        k["rss"] += rss
        k["anon"] += anon
    kinds = dict(sorted(kinds.items(), key=lambda kv: -kv[1]["rss"]))
    top = sorted(([os.path.basename(p) if p.startswith("/") else (p or "[anonymous]"), rss, anon]
                  for p, (rss, anon) in per_path.items()), key=lambda r: -r[1])[:25]
    return {"smaps_rollup": read_rollup(pid), "rss_by_kind_kib": kinds, "smaps_top": top}
