# Build contexts (core/build/context), relative to core/.
#
# berth_build_context: .dockerignore matching and the context tar the
# client sends — what the berth CLI needs, with libarchive and nothing of
# berthd. berth_core links it too.
add_library(berth_build_context STATIC
  build/context/path_clean.cpp
  build/context/glob_match.cpp
  build/context/dockerignore.cpp
  build/context/context_tar.cpp
)
target_include_directories(berth_build_context PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(berth_build_context PRIVATE LibArchive::LibArchive)
berth_warnings(berth_build_context)

# The daemon's side, compiled into berth_core: the received context
# extracted safely, and COPY/ADD turned into a tar plus a cache checksum.
set(BERTH_BUILD_CONTEXT_SOURCES
  build/context/build_context.cpp
  build/context/tree_remove.cpp
  build/context/copy_sources.cpp
  build/context/copy_tar.cpp
  build/context/copy_dest.cpp
  build/context/copy_plan.cpp
)
