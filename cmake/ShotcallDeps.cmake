# System libraries, found once here so every subdirectory names the same imported targets.
find_package(PkgConfig REQUIRED)
pkg_check_modules(GLIB REQUIRED IMPORTED_TARGET glib-2.0 gobject-2.0 gio-2.0 gio-unix-2.0)
pkg_check_modules(JSONGLIB REQUIRED IMPORTED_TARGET json-glib-1.0)
# Two libsoups, never in one process. The server (and its tests) use libsoup 2.4. Every process
# that runs webrtcbin uses libsoup 3: Debian 12's libnice links gupnp-igd → libsoup 3, and libsoup
# aborts a process that loads both. So the app side (signaling client, game-data poller, the
# desktop app, shotcall-peer) is built on SOUP3.
pkg_check_modules(SOUP REQUIRED IMPORTED_TARGET libsoup-2.4)
pkg_check_modules(SOUP3 REQUIRED IMPORTED_TARGET libsoup-3.0)
pkg_check_modules(GST REQUIRED IMPORTED_TARGET
  gstreamer-1.0 gstreamer-base-1.0 gstreamer-audio-1.0 gstreamer-app-1.0
  gstreamer-webrtc-1.0 gstreamer-sdp-1.0)
pkg_check_modules(NICE REQUIRED IMPORTED_TARGET nice)
pkg_check_modules(HIREDIS REQUIRED IMPORTED_TARGET hiredis)
# The identity database: SQLite for one instance, PostgreSQL (libpq) for several.
find_package(SQLite3 REQUIRED)
pkg_check_modules(PQ REQUIRED IMPORTED_TARGET libpq)
find_package(OpenSSL REQUIRED)
find_package(Threads REQUIRED)
if(SHOTCALL_BUILD_UI)
  pkg_check_modules(GTKMM REQUIRED IMPORTED_TARGET gtkmm-3.0)
  # The app keeps the server's access token in the user's keyring (ui/token_store.cpp).
  pkg_check_modules(SECRET REQUIRED IMPORTED_TARGET libsecret-1)
endif()
if(SHOTCALL_BUILD_TESTS)
  find_package(GTest REQUIRED)
  include(GoogleTest)
endif()
