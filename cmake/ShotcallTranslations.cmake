# The app's translations (po/, docs/app.md "Translations"): each language of po/LINGUAS compiled
# with `msgfmt --check` into ${CMAKE_BINARY_DIR}/locale/<lang>/LC_MESSAGES/shotcall.mo, where
# an uninstalled shotcall finds them, and the desktop entry with its translated Name, Comment
# and Keywords (msgfmt --desktop). Target shotcall_translations.
# Included by ui/CMakeLists.txt after the shotcall target (which then depends on it and installs
# the catalogs in COMPONENT app), and by tests/i18n in a build without the app, for the tests.
include(GNUInstallDirs)
find_program(SHOTCALL_MSGFMT msgfmt REQUIRED)  # gettext (scripts/install-deps)

set(SHOTCALL_PO_DIR ${PROJECT_SOURCE_DIR}/po)
# Seen by every directory (tests/i18n reads them when ui/ included this file).
set(SHOTCALL_BUILD_LOCALE_DIR ${CMAKE_BINARY_DIR}/locale CACHE INTERNAL "The build tree's catalogs")
file(STRINGS ${SHOTCALL_PO_DIR}/LINGUAS _linguas REGEX "^[^#]")
string(REGEX REPLACE "[ \t]+" ";" _linguas "${_linguas}")
set(SHOTCALL_LINGUAS ${_linguas})
# A new language (or one removed) re-runs the configure step.
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${SHOTCALL_PO_DIR}/LINGUAS)

set(_catalogs)
set(_po_files)
foreach(lang IN LISTS SHOTCALL_LINGUAS)
  set(_po ${SHOTCALL_PO_DIR}/${lang}.po)
  set(_mo ${SHOTCALL_BUILD_LOCALE_DIR}/${lang}/LC_MESSAGES/shotcall.mo)
  add_custom_command(
    OUTPUT ${_mo}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${SHOTCALL_BUILD_LOCALE_DIR}/${lang}/LC_MESSAGES
    COMMAND ${SHOTCALL_MSGFMT} --check -o ${_mo} ${_po}
    DEPENDS ${_po}
    COMMENT "Compiling the ${lang} translation"
    VERBATIM)
  list(APPEND _catalogs ${_mo})
  list(APPEND _po_files ${_po})
endforeach()

# The desktop entry: the English file with each language's Name/GenericName/Comment/Keywords.
set(SHOTCALL_DESKTOP_SOURCE ${PROJECT_SOURCE_DIR}/data/io.github.shotcall.Shotcall.desktop)
set(SHOTCALL_DESKTOP_FILE ${CMAKE_BINARY_DIR}/data/io.github.shotcall.Shotcall.desktop
    CACHE INTERNAL "The translated desktop entry")
add_custom_command(
  OUTPUT ${SHOTCALL_DESKTOP_FILE}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/data
  COMMAND ${SHOTCALL_MSGFMT} --desktop --template=${SHOTCALL_DESKTOP_SOURCE}
          -d ${SHOTCALL_PO_DIR} -o ${SHOTCALL_DESKTOP_FILE}
  DEPENDS ${SHOTCALL_DESKTOP_SOURCE} ${_po_files} ${SHOTCALL_PO_DIR}/LINGUAS
  COMMENT "Translating the desktop entry"
  VERBATIM)

add_custom_target(shotcall_translations DEPENDS ${_catalogs} ${SHOTCALL_DESKTOP_FILE})

if(TARGET shotcall)
  add_dependencies(shotcall shotcall_translations)
  foreach(lang IN LISTS SHOTCALL_LINGUAS)
    install(FILES ${SHOTCALL_BUILD_LOCALE_DIR}/${lang}/LC_MESSAGES/shotcall.mo
            DESTINATION ${CMAKE_INSTALL_LOCALEDIR}/${lang}/LC_MESSAGES COMPONENT app)
  endforeach()
endif()
