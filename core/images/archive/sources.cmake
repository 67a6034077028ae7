# core/images/archive: docker-save format (save and load). Paths relative to
# core/; included from core/CMakeLists.txt.
set(BERTH_IMAGES_ARCHIVE_SOURCES
)
