# berth_add_plugin(<target> KIND <kind> NAME <name> [VERSION <semver>] SOURCES ...)
#
# Builds the shared library libberth-<kind>-<name>.so.<ABI major> with SONAME
# libberth-<kind>-<name>.so.<ABI major>, hidden visibility (only the entry
# symbol is exported), and links the SDK. Works in the Berth tree and against
# an installed SDK alike. BERTH_PLUGIN_VERSION="<semver>" is defined for the
# sources so the descriptor can report it.
function(berth_add_plugin target)
  cmake_parse_arguments(P "" "KIND;NAME;VERSION;OUTPUT_DIR" "SOURCES" ${ARGN})
  if(NOT P_KIND OR NOT P_NAME OR NOT P_SOURCES)
    message(FATAL_ERROR "berth_add_plugin(${target}): KIND, NAME and SOURCES are required")
  endif()
  if(NOT P_VERSION)
    set(P_VERSION 0.0.0)
  endif()
  if(NOT DEFINED BERTH_ABI_MAJOR)
    set(BERTH_ABI_MAJOR 1)
  endif()
  add_library(${target} SHARED ${P_SOURCES})
  target_link_libraries(${target} PRIVATE Berth::PluginAPI)
  target_compile_definitions(${target} PRIVATE BERTH_PLUGIN_VERSION="${P_VERSION}")
  set_target_properties(${target} PROPERTIES
    OUTPUT_NAME berth-${P_KIND}-${P_NAME}
    VERSION ${BERTH_ABI_MAJOR}
    SOVERSION ${BERTH_ABI_MAJOR}
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  target_link_options(${target} PRIVATE -Wl,--no-undefined)
  if(P_OUTPUT_DIR)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${P_OUTPUT_DIR})
  endif()
endfunction()
