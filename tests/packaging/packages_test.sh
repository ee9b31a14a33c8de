#!/usr/bin/env bash
# The Debian packages (scripts/package, in build/packages/) installed with apt into a fresh
# Debian 12 root made by debootstrap, then run there:
#   - apt resolves every dependency from the mirror (nothing from this machine);
#   - shotcall-signal --version; the unit at /lib/systemd/system, its user, StateDirectory and
#     settings file (a conffile); systemd-analyze verify accepts the unit;
#   - the server, started in the root as its unit would (its user, $STATE_DIRECTORY, the settings
#     file), answers GET /healthz from this machine and puts its database in the StateDirectory;
#   - the installed app opens its window on an Xvfb of this machine ("window-mapped 0x").
# Usage: packages_test.sh PACKAGES_DIR WORK_DIR
# Needs root and debootstrap: fails with the reason in CI (CI=true), skips (exit 77) elsewhere.
# Everything runs in private mount and PID namespaces, so no mount and no process outlives the
# test even when it is killed (and children get PR_SET_PDEATHSIG through setpriv as well).
# The root is made afresh in WORK_DIR/root (a stale one from a killed run is removed first) and
# removed on success; WORK_DIR/log keeps each step's output.
set -euo pipefail

packages=$(realpath -m "${1:?PACKAGES_DIR}")
work=$(realpath -m "${2:?WORK_DIR}")
mirror=${SHOTCALL_DEBIAN_MIRROR:-http://deb.debian.org/debian}

give_up() {
  if [ "${CI:-}" = true ]; then
    echo "FAIL: $*" >&2
    exit 1
  fi
  echo "SKIP: $*" >&2
  exit 77
}

if [ -z "${SHOTCALL_IN_PRIVATE_MOUNTS:-}" ]; then
  [ "$(id -u)" -eq 0 ] || give_up "the packages test needs root (debootstrap, chroot, mounts)"
  for tool in debootstrap unshare setpriv chroot Xvfb curl; do
    command -v "$tool" >/dev/null || give_up "$tool is missing: run scripts/install-deps"
  done
  compgen -G "$packages/shotcall*.deb" >/dev/null ||
    give_up "no packages in $packages: run scripts/package first (scripts/test does)"
  # The rest in mount and PID namespaces of its own: when this process is killed, --kill-child
  # kills the namespace's first process, the kernel then every other one (apt, dpkg, the server),
  # and the mounts vanish with the last of them.
  SHOTCALL_IN_PRIVATE_MOUNTS=1 exec unshare --mount --propagation private --pid --fork \
    --mount-proc --kill-child "$0" "$@"
fi

# The namespaces are real, not just claimed by the variable: this process is the first of its own
# PID namespace. Otherwise every mount below would land on the host.
[ "$$" -eq 1 ] || {
  echo "FAIL: not in private PID and mount namespaces (SHOTCALL_IN_PRIVATE_MOUNTS set outside?)" >&2
  exit 1
}

root=$work/root
log=$work/log
t0=$SECONDS
phase() { echo "== $(( SECONDS - t0 )) s: $*"; }
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# A root left by a killed run has no mounts any more (its namespace died): only files.
remove_root() {
  local m
  while read -r m; do
    umount -l "$m"
  done < <(awk -v r="$root" '$5 == r || index($5, r "/") == 1 { print $5 }' /proc/self/mountinfo |
    sort -r)
  if awk -v r="$root" '$5 == r || index($5, r "/") == 1 { found = 1 } END { exit !found }' \
    /proc/self/mountinfo; then
    fail "mounts remain under $root; not removing it"
  fi
  rm -rf --one-file-system "$root"
}

children=()
cleanup() {
  local pid
  # TERM first: Xvfb then removes its lock and socket in the host's /tmp (a KILL leaves them,
  # with a PID of this namespace in the lock, and that display number stays taken).
  for pid in "${children[@]}"; do kill "$pid" 2>/dev/null || true; done
  for _ in $(seq 20); do
    local alive=0
    for pid in "${children[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" -eq 0 ] && break
    sleep 0.1
  done
  for pid in "${children[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

# Waits up to $2 seconds for file $1 to hold a line matching $3 while process $4 lives; prints
# that line.
wait_for_line() {
  local file=$1 seconds=$2 pattern=$3 pid=$4 i
  for ((i = 0; i < seconds * 10; i++)); do
    if grep -m1 -- "$pattern" "$file" 2>/dev/null; then return 0; fi
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

in_root() {
  setpriv --pdeathsig KILL chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}

remove_root
mkdir -p "$work" "$log"
rm -f "$log"/*

phase "debootstrap --variant=minbase bookworm from $mirror"
setpriv --pdeathsig KILL debootstrap --variant=minbase bookworm "$root" "$mirror" \
  >"$log/debootstrap.log" 2>&1 ||
  fail "debootstrap failed: $(tail -5 "$log/debootstrap.log")"

# What the packages' scripts may touch, as root in the chroot: a private /dev with only the
# harmless devices, a read-only /sys, and no service ever started (policy-rc.d says no to all).
mount -t proc proc "$root/proc"
mount -t tmpfs -o mode=0755,nosuid tmpfs "$root/dev"
for dev in null zero full random urandom tty; do
  touch "$root/dev/$dev"
  mount --bind "/dev/$dev" "$root/dev/$dev"
done
mkdir -p "$root/dev/shm" "$root/dev/pts"
mount -t tmpfs tmpfs "$root/dev/shm"
mount -t sysfs -o ro sysfs "$root/sys"
printf '#!/bin/sh\n# the packages test: never start a service in this root\nexit 101\n' \
  >"$root/usr/sbin/policy-rc.d"
chmod 0755 "$root/usr/sbin/policy-rc.d"
cp /etc/resolv.conf "$root/etc/resolv.conf"
# The mirror's updates and security suites too, as on the machine that built the packages: their
# libraries may be newer than bookworm's first release.
cat >"$root/etc/apt/sources.list" <<EOF
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb ${mirror%/debian}/debian-security bookworm-security main
EOF

phase "apt-get install ./shotcall*.deb in the root"
mkdir -p "$root/tmp/packages"
cp "$packages"/shotcall*.deb "$root/tmp/packages/"
debs=()
for deb in "$root"/tmp/packages/*.deb; do debs+=("/tmp/packages/${deb##*/}"); done
in_root apt-get -o Acquire::Retries=5 update -q >"$log/apt.log" 2>&1 || fail "apt-get update: $(tail -5 "$log/apt.log")"
# Recommends (PulseAudio, a keyring) left out: the Depends must be enough to run.
in_root apt-get -o Acquire::Retries=5 install -y -q --no-install-recommends "${debs[@]}" >>"$log/apt.log" 2>&1 ||
  fail "apt-get install: $(tail -20 "$log/apt.log")"
# shellcheck disable=SC2016 # dpkg-query's own ${...}
phase "installed: $(in_root dpkg-query -W -f='${Package} ' 'shotcall*')"

phase "shotcall-signal --version"
version=$(in_root shotcall-signal --version) || fail "shotcall-signal --version failed"
[[ $version == "shotcall-signal "* ]] || fail "unexpected version line: $version"
echo "$version"

phase "the unit, its user, its settings file"
unit=$root/lib/systemd/system/shotcall-signal.service
[ -f "$unit" ] || fail "no unit at /lib/systemd/system/shotcall-signal.service"
for line in User=shotcall-signal StateDirectory=shotcall-signal ExecStart=/usr/bin/shotcall-signal \
  EnvironmentFile=-/etc/shotcall/signal.conf; do
  grep -qx -- "$line" "$unit" || fail "the unit lacks the line $line"
done
in_root getent passwd shotcall-signal >/dev/null || fail "postinst did not create shotcall-signal"
[ -f "$root/etc/shotcall/signal.conf" ] || fail "no /etc/shotcall/signal.conf"
# shellcheck disable=SC2016 # dpkg-query's own ${...}
in_root dpkg-query -W -f='${Conffiles}' shotcall-signal | grep -q /etc/shotcall/signal.conf ||
  fail "/etc/shotcall/signal.conf is not a conffile"
if grep -q '^[^#[:space:]]' "$root/etc/shotcall/signal.conf"; then
  fail "signal.conf sets something: $(grep '^[^#[:space:]]' "$root/etc/shotcall/signal.conf")"
fi
if command -v systemd-analyze >/dev/null; then
  # The root has no systemd (minbase): this machine's checks the unit, its ExecStart pointed at
  # the root's binary. An unknown key is only a warning there, so any output fails too.
  mkdir -p "$work/verify"
  sed "s#^ExecStart=/usr/bin/#ExecStart=$root/usr/bin/#" "$unit" \
    >"$work/verify/shotcall-signal.service"
  systemd-analyze verify --man=no "$work/verify/shotcall-signal.service" >"$log/verify.log" 2>&1 ||
    fail "systemd-analyze verify: $(cat "$log/verify.log")"
  [ ! -s "$log/verify.log" ] || fail "systemd-analyze verify warns: $(cat "$log/verify.log")"
  rm -rf "$work/verify"
  echo "systemd-analyze verify: ok"
else
  echo "systemd-analyze is missing: the unit was checked line by line only"
fi

phase "the server in the root, as its unit starts it"
# What systemd does for the unit: the StateDirectory owned by the user, the settings file read.
install -d -m 0700 -o "$(in_root id -u shotcall-signal)" -g "$(in_root id -g shotcall-signal)" \
  "$root/var/lib/shotcall-signal"
# The settings file is root's (0640): systemd reads it before dropping to the user. With
# --identity key the server opens its identity database at start, at the default path.
mapfile -t settings < <(grep -E '^[A-Za-z_][A-Za-z0-9_]*=' "$root/etc/shotcall/signal.conf" || true)
setpriv --pdeathsig KILL chroot --userspec=shotcall-signal:shotcall-signal "$root" \
  /usr/bin/env -i PATH=/usr/bin:/bin STATE_DIRECTORY=/var/lib/shotcall-signal "${settings[@]}" \
  shotcall-signal --port 0 --identity key >"$log/server.out" 2>"$log/server.err" &
children+=($!)
listening=$(wait_for_line "$log/server.out" 30 '^listening on ws://' $!) ||
  fail "the server did not start: $(cat "$log/server.err")"
url=${listening#listening on }
port=${url##*:}
port=${port%%/*}
health=$(curl -sS --max-time 10 "http://127.0.0.1:$port/healthz") || fail "GET /healthz failed"
[ "$health" = ok ] || fail "GET /healthz answered \"$health\""
echo "GET /healthz: $health ($url)"
# The identity database: the default path lands in the StateDirectory.
db=$root/var/lib/shotcall-signal/identity.sqlite
for ((i = 0; i < 100; i++)); do [ -f "$db" ] && break; sleep 0.1; done
[ -f "$db" ] ||
  fail "no identity database in /var/lib/shotcall-signal: $(ls -la "$root/var/lib/shotcall-signal")"
[ "$(stat -c %u "$db")" = "$(in_root id -u shotcall-signal)" ] ||
  fail "the database is not the server user's: $(ls -ln "$db")"
echo "identity database: /var/lib/shotcall-signal/identity.sqlite"

phase "the installed app opens its window on this machine's Xvfb"
# Where the installed app looks: GLib's compiled schemas (libglib2.0-0's dpkg trigger compiles
# /usr/share/glib-2.0/schemas) and the pinned Riot CA at the path compiled into it.
grep -q io.github.shotcall.Shotcall "$root/usr/share/glib-2.0/schemas/gschemas.compiled" ||
  fail "the app's schema is not in /usr/share/glib-2.0/schemas/gschemas.compiled"
[ -f "$root/usr/share/shotcall/riotgames.pem" ] || fail "no /usr/share/shotcall/riotgames.pem"
for binary in shotcall shotcall-peer; do
  grep -q /usr/share/shotcall/riotgames.pem "$root/usr/bin/$binary" ||
    fail "$binary does not look for /usr/share/shotcall/riotgames.pem"
done
# Its Spanish (po/es.po), found where the installed app looks: without a display it says so in
# the player's language. The desktop entry carries its translations.
[ -f "$root/usr/share/locale/es/LC_MESSAGES/shotcall.mo" ] ||
  fail "no /usr/share/locale/es/LC_MESSAGES/shotcall.mo"
grep -q '^Comment\[es\]=' "$root/usr/share/applications/io.github.shotcall.Shotcall.desktop" ||
  fail "the installed desktop entry has no Spanish Comment"
no_display=$(setpriv --pdeathsig KILL chroot "$root" /usr/bin/env -i PATH=/usr/bin:/bin \
  HOME=/tmp LANGUAGE=es LC_ALL=C.UTF-8 shotcall 2>&1) && fail "shotcall started without a display"
[[ $no_display == *"abrir una pantalla"* ]] ||
  fail "the installed app did not speak Spanish with LANGUAGE=es: $no_display"
setpriv --pdeathsig KILL Xvfb -displayfd 1 -screen 0 1280x900x24 -nolisten tcp -noreset \
  >"$log/xvfb.out" 2>"$log/xvfb.err" &
children+=($!)
display=$(wait_for_line "$log/xvfb.out" 30 '^[0-9]' $!) ||
  fail "Xvfb did not start: $(cat "$log/xvfb.err")"
mkdir -p "$root/tmp/.X11-unix" "$root/tmp/app"
touch "$root/tmp/.X11-unix/X$display"
mount --bind "/tmp/.X11-unix/X$display" "$root/tmp/.X11-unix/X$display"
# The schema comes from the installed, compiled /usr/share/glib-2.0/schemas (no
# GSETTINGS_SCHEMA_DIR); no session bus, as on a bare machine.
setpriv --pdeathsig KILL chroot "$root" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/tmp/app \
  DISPLAY=":$display" GSETTINGS_BACKEND=keyfile XDG_CONFIG_HOME=/tmp/app/config \
  XDG_DATA_HOME=/tmp/app/data XDG_CACHE_HOME=/tmp/app/cache XDG_RUNTIME_DIR=/tmp/app \
  DBUS_SESSION_BUS_ADDRESS=unix:path=/tmp/app/no-session-bus NO_AT_BRIDGE=1 GST_DEBUG=1 \
  shotcall --server "$url" --source "audiotestsrc is-live=true wave=sine volume=0.3" \
  --sink fakesink --ice-address 127.0.0.1 --events >"$log/app.out" 2>"$log/app.err" &
children+=($!)
wait_for_line "$log/app.out" 60 '^window-mapped 0x' $! ||
  fail "the app did not map its window: $(cat "$log/app.out" "$log/app.err")"

cleanup
children=()

# Removing keeps the server's database (and its user); purging deletes the database. Both run the
# package's prerm and postrm, which must work where no systemd runs.
phase "apt-get remove, then purge, shotcall-signal"
in_root apt-get remove -y -q shotcall-signal >>"$log/apt.log" 2>&1 ||
  fail "apt-get remove shotcall-signal: $(tail -20 "$log/apt.log")"
[ ! -e "$root/usr/bin/shotcall-signal" ] || fail "the server's binary outlived its package"
[ -f "$db" ] || fail "removing the package deleted the identity database (only purge may)"
in_root apt-get purge -y -q shotcall-signal >>"$log/apt.log" 2>&1 ||
  fail "apt-get purge shotcall-signal: $(tail -20 "$log/apt.log")"
[ ! -e "$root/var/lib/shotcall-signal" ] || fail "purge left /var/lib/shotcall-signal"

trap - EXIT
phase "all checks passed; removing the root"
remove_root
