# The desktop app's pure view model (no GTK, no GStreamer): included by ui/CMakeLists.txt, and
# by tests/ui when the app itself is not built (the sanitizer build), so its tests run there too.
add_library(shotcall_ui_model STATIC
  ${PROJECT_SOURCE_DIR}/ui/chat_log.cpp
  ${PROJECT_SOURCE_DIR}/ui/identity_model.cpp
  ${PROJECT_SOURCE_DIR}/ui/peer_memory.cpp
  ${PROJECT_SOURCE_DIR}/ui/status_text.cpp
  ${PROJECT_SOURCE_DIR}/ui/teammate_rows.cpp
  ${PROJECT_SOURCE_DIR}/ui/view_model.cpp
  ${PROJECT_SOURCE_DIR}/ui/voice_gate.cpp
)
target_include_directories(shotcall_ui_model PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(shotcall_ui_model PUBLIC
  shotcall_defaults shotcall_session_core shotcall_mesh shotcall_identity shotcall_i18n
  PkgConfig::GLIB)
