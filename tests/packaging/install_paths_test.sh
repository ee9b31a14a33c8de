#!/usr/bin/env bash
# The server's systemd unit and sysusers.d file follow the install prefix, also when a build
# directory is configured again with another one: scripts/test configures its release build with
# prefix /usr and makes the packages from it, and a place cached from an earlier prefix would ship
# the unit in /usr/local/lib/systemd/system from a /usr package. Configures the project (no tests,
# no UI, nothing built) in WORK_DIR with /usr/local, then /usr, then with the unit's place set by
# hand, and reads the install script CMake wrote each time.
# Usage: install_paths_test.sh SOURCE_DIR WORK_DIR
set -euo pipefail

source=$(realpath "${1:?SOURCE_DIR}")
work=$(realpath -m "${2:?WORK_DIR}")
rm -rf "$work"
mkdir -p "$work"

failed=0
configure() {
  cmake -S "$source" -B "$work" -DSHOTCALL_BUILD_TESTS=OFF -DSHOTCALL_BUILD_UI=OFF "$@" \
    >"$work.log" 2>&1 ||
    { cat "$work.log" >&2; exit 1; }
}
expect() {  # expect WHAT PLACE: the install script installs into PLACE
  if grep -q "\"$2\"" "$work/cmake_install.cmake"; then
    echo "ok: $1 installs into $2"
  else
    echo "FAIL: $1 does not install into $2; it names:" >&2
    grep -o '"[^"]*\(systemd/system\|sysusers.d\)"' "$work/cmake_install.cmake" | sort -u >&2
    failed=1
  fi
}

configure -DCMAKE_INSTALL_PREFIX=/usr/local
expect "prefix /usr/local" /usr/local/lib/systemd/system
expect "prefix /usr/local" /usr/local/lib/sysusers.d
configure -DCMAKE_INSTALL_PREFIX=/usr
expect "reconfigured with prefix /usr" /lib/systemd/system
expect "reconfigured with prefix /usr" /usr/lib/sysusers.d
configure -DSHOTCALL_SYSTEMD_UNIT_DIR=/opt/shotcall-units
expect "a unit place set by hand" /opt/shotcall-units
expect "a unit place set by hand, sysusers still following /usr" /usr/lib/sysusers.d

[ "$failed" -eq 0 ] && rm -rf "$work" "$work.log"
exit "$failed"
