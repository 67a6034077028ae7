# Builds of the real bridge network driver (plugins/net-bridge) that exist
# only for integration/network_hot_swap.sh. Included from
# tests/plugins/CMakeLists.txt so the targets share its binary directory and
# the output directories hold nothing but the plugin file:
#   net-bridge-v2/   the same sources, version <major+1>.0.0
#   net-bridge-bad/  version <major+1>.1.0, compiled with
#                    BERTH_NET_BRIDGE_TEST_INIT_FAILS=1, which the driver
#                    honours by failing init (the upgrade must roll back)
# The file name stays libberth-network-bridge.so.1 as a package upgrade's
# would. Everything the driver is built with (sources, libraries, include
# directories, definitions) is copied from its target, so the variants
# follow the driver without this file changing.
if(NOT TARGET net_bridge)
  return()
endif()

get_target_property(_nb_dir net_bridge SOURCE_DIR)
get_target_property(_nb_sources net_bridge SOURCES)
set(_nb_abs_sources "")
foreach(_src IN LISTS _nb_sources)
  if(IS_ABSOLUTE "${_src}" OR _src MATCHES "^\\$<")
    list(APPEND _nb_abs_sources "${_src}")
  else()
    list(APPEND _nb_abs_sources "${_nb_dir}/${_src}")
  endif()
endforeach()

# The build settings of the driver, minus its own version string.
set(_nb_copied "")
foreach(_prop LINK_LIBRARIES INCLUDE_DIRECTORIES COMPILE_DEFINITIONS COMPILE_OPTIONS)
  get_target_property(_value net_bridge ${_prop})
  if(NOT _value)
    set(_value "")
  endif()
  if(_prop STREQUAL "COMPILE_DEFINITIONS")
    list(FILTER _value EXCLUDE REGEX "^BERTH_PLUGIN_VERSION=")
  endif()
  set(_nb_${_prop} "${_value}")
endforeach()

math(EXPR _nb_next_major "${PROJECT_VERSION_MAJOR} + 1")

# net_bridge_variant(<dir> <version> [definitions...])
function(net_bridge_variant dir version)
  string(REPLACE "-" "_" target "test_plugin_${dir}")
  berth_add_plugin(${target} KIND network NAME bridge VERSION ${version}
    OUTPUT_DIR ${BERTH_TEST_PLUGIN_DIR}/${dir} SOURCES ${_nb_abs_sources})
  berth_warnings(${target})
  target_link_libraries(${target} PRIVATE ${_nb_LINK_LIBRARIES})
  target_include_directories(${target} PRIVATE ${_nb_INCLUDE_DIRECTORIES})
  target_compile_definitions(${target} PRIVATE ${_nb_COMPILE_DEFINITIONS} ${ARGN})
  target_compile_options(${target} PRIVATE ${_nb_COMPILE_OPTIONS})
  set(BERTH_TEST_PLUGIN_TARGETS ${BERTH_TEST_PLUGIN_TARGETS} ${target} PARENT_SCOPE)
endfunction()

net_bridge_variant(net-bridge-v2 ${_nb_next_major}.0.0)
net_bridge_variant(net-bridge-bad ${_nb_next_major}.1.0 BERTH_NET_BRIDGE_TEST_INIT_FAILS=1)
