# Installing and packaging: the server's systemd unit, system user and configuration file, and
# the CPack setup that turns `cmake --install` into four Debian packages (scripts/package):
#   shotcall         the desktop app (component app)
#   shotcall-signal  the signaling server (component server)
#   shotcall-peer    the headless peer (component peer)
#   shotcall-common  Riot's pinned certificate authority, read by the app and the peer (common)
# The paths follow the prefix: with /usr (the packages) the unit goes to /lib/systemd/system and
# the configuration to /etc; with /usr/local (a plain `cmake --install`) to the /usr/local places
# systemd and systemd-sysusers also read, and /usr/local/etc.
include(GNUInstallDirs)

if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(_unit_dir_default "/lib/systemd/system")
  set(_sysusers_dir_default "/usr/lib/sysusers.d")
else()
  set(_unit_dir_default "${CMAKE_INSTALL_PREFIX}/lib/systemd/system")
  set(_sysusers_dir_default "${CMAKE_INSTALL_PREFIX}/lib/sysusers.d")
endif()
# Empty (the default) follows the prefix above, also when a build is configured again with
# another prefix (scripts/test makes the packages from its release build this way); a value set
# here is kept. A cached default would keep the first prefix's places and ship the unit in
# /usr/local/lib/systemd from a /usr package.
set(SHOTCALL_SYSTEMD_UNIT_DIR "" CACHE PATH
    "Where the server's systemd unit is installed (empty: follow the prefix)")
set(SHOTCALL_SYSUSERS_DIR "" CACHE PATH
    "Where the server's sysusers.d file is installed (empty: follow the prefix)")
if(NOT SHOTCALL_SYSTEMD_UNIT_DIR)
  set(SHOTCALL_SYSTEMD_UNIT_DIR "${_unit_dir_default}")
endif()
if(NOT SHOTCALL_SYSUSERS_DIR)
  set(SHOTCALL_SYSUSERS_DIR "${_sysusers_dir_default}")
endif()

# What the unit, the maintainer scripts and the docs name: one place each.
set(SHOTCALL_SIGNAL_USER "shotcall-signal")
set(SHOTCALL_SIGNAL_BINARY "${CMAKE_INSTALL_FULL_BINDIR}/shotcall-signal")
set(SHOTCALL_SIGNAL_CONF "${CMAKE_INSTALL_FULL_SYSCONFDIR}/shotcall/signal.conf")
set(SHOTCALL_SIGNAL_STATE_DIR "/var/lib/shotcall-signal")

set(_pkg_out ${CMAKE_BINARY_DIR}/packaging)
configure_file(${PROJECT_SOURCE_DIR}/data/shotcall-signal.service.in
               ${_pkg_out}/shotcall-signal.service @ONLY)
configure_file(${PROJECT_SOURCE_DIR}/data/packaging/shotcall-signal.sysusers.in
               ${_pkg_out}/shotcall-signal.conf @ONLY)
configure_file(${PROJECT_SOURCE_DIR}/data/packaging/shotcall-signal.postinst.in
               ${_pkg_out}/server/postinst @ONLY)
configure_file(${PROJECT_SOURCE_DIR}/data/packaging/shotcall-signal.prerm.in
               ${_pkg_out}/server/prerm @ONLY)
configure_file(${PROJECT_SOURCE_DIR}/data/packaging/shotcall-signal.postrm.in
               ${_pkg_out}/server/postrm @ONLY)
file(WRITE ${_pkg_out}/server/conffiles "${SHOTCALL_SIGNAL_CONF}\n")

install(FILES ${_pkg_out}/shotcall-signal.service DESTINATION ${SHOTCALL_SYSTEMD_UNIT_DIR}
        COMPONENT server)
install(FILES ${_pkg_out}/shotcall-signal.conf DESTINATION ${SHOTCALL_SYSUSERS_DIR}
        COMPONENT server)
# Every setting commented out: the server's defaults hold until the admin sets one. 0640: it may
# hold the access token and the TURN secret (systemd reads it as root).
install(FILES ${PROJECT_SOURCE_DIR}/data/packaging/signal.conf
        DESTINATION ${CMAKE_INSTALL_FULL_SYSCONFDIR}/shotcall
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ COMPONENT server)
install(FILES ${PROJECT_SOURCE_DIR}/data/coturn/turnserver.conf
              ${PROJECT_SOURCE_DIR}/data/haproxy/shotcall-signal.cfg
        DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/shotcall-signal/examples COMPONENT server)
# A plain `cmake --install` as root creates the user too (the packages do it in postinst).
install(CODE "
  if(NOT DEFINED ENV{DESTDIR} OR \"\$ENV{DESTDIR}\" STREQUAL \"\")
    execute_process(COMMAND id -u OUTPUT_VARIABLE _uid OUTPUT_STRIP_TRAILING_WHITESPACE)
    if(_uid STREQUAL \"0\")
      execute_process(COMMAND sh ${_pkg_out}/server/postinst configure)
    endif()
  endif()" COMPONENT server)

# --- CPack: Debian packages, one per component --------------------------------------------------
set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "shotcall")
set(CPACK_PACKAGE_VENDOR "Shotcall")
set(CPACK_PACKAGE_CONTACT "Shotcall developers <shotcall@users.noreply.github.com>")
# No CPACK_PACKAGE_DESCRIPTION_SUMMARY: CPack would put it above each package's own summary line.
set(CPACK_PACKAGING_INSTALL_PREFIX "${CMAKE_INSTALL_PREFIX}")
set(CPACK_STRIP_FILES ON)
# The unit, sysusers file and configuration have absolute destinations: stage them under DESTDIR.
set(CPACK_SET_DESTDIR ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL app server peer common)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "sound")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/shotcall/shotcall")
# Library dependencies from the binaries themselves (dpkg-shlibdeps); what is loaded at run time
# (GStreamer plugins, GIO's TLS backend) is listed by hand below.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(_gst_runtime "gstreamer1.0-plugins-base, gstreamer1.0-plugins-good, ")
string(APPEND _gst_runtime "gstreamer1.0-plugins-bad, gstreamer1.0-nice, glib-networking")
set(_common_dep "shotcall-common (= ${PROJECT_VERSION})")

set(CPACK_DEBIAN_APP_PACKAGE_NAME "shotcall")
set(CPACK_DEBIAN_APP_PACKAGE_DEPENDS "${_common_dep}, ${_gst_runtime}")
set(CPACK_DEBIAN_APP_PACKAGE_RECOMMENDS "gstreamer1.0-pulseaudio, gnome-keyring")
set(CPACK_DEBIAN_APP_PACKAGE_SUGGESTS "shotcall-signal")
set(CPACK_COMPONENT_APP_DESCRIPTION "Team voice for League of Legends on Linux: the desktop app
Notices that you are in a game and puts you and the teammates who also run Shotcall into one
peer-to-peer voice call.")

set(CPACK_DEBIAN_SERVER_PACKAGE_NAME "shotcall-signal")
set(CPACK_DEBIAN_SERVER_PACKAGE_SECTION "net")
set(CPACK_DEBIAN_SERVER_PACKAGE_DEPENDS "glib-networking")
set(CPACK_DEBIAN_SERVER_PACKAGE_SUGGESTS "coturn, haproxy")
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_EXTRA
    "${_pkg_out}/server/postinst;${_pkg_out}/server/prerm;${_pkg_out}/server/postrm;${_pkg_out}/server/conffiles")
set(CPACK_COMPONENT_SERVER_DESCRIPTION "Shotcall signaling server (systemd service)
Pairs League of Legends teammates into voice channels over WebSocket and serves the browser
client. Runs as the shotcall-signal system user; settings in ${SHOTCALL_SIGNAL_CONF}.")

set(CPACK_DEBIAN_PEER_PACKAGE_NAME "shotcall-peer")
set(CPACK_DEBIAN_PEER_PACKAGE_DEPENDS "${_common_dep}, ${_gst_runtime}")
set(CPACK_COMPONENT_PEER_DESCRIPTION "Shotcall headless peer
A Shotcall player whose microphone and speakers are GStreamer pipeline fragments, for testers
and benchmarks.")

set(CPACK_DEBIAN_COMMON_PACKAGE_NAME "shotcall-common")
set(CPACK_DEBIAN_COMMON_PACKAGE_ARCHITECTURE "all")
set(CPACK_COMPONENT_COMMON_DESCRIPTION "Shotcall shared data
Riot's pinned certificate authority for the game's Live Client Data API.")

include(CPack)
