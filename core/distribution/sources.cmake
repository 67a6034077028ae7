# core/distribution: pull, push and their progress stream. Paths relative to
# core/; included from core/CMakeLists.txt.
set(BERTH_DISTRIBUTION_SOURCES
  distribution/puller.cpp
  distribution/pull_reference.cpp
  distribution/pull_downloads.cpp
  distribution/pull_extract.cpp
)
# Push lives in its own list (see push_sources.cmake).
include(${CMAKE_CURRENT_LIST_DIR}/push_sources.cmake OPTIONAL)
list(APPEND BERTH_DISTRIBUTION_SOURCES ${BERTH_DISTRIBUTION_PUSH_SOURCES})
