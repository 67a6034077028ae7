# core/images/archive: docker-save format (save and load). Paths relative to
# core/; included from core/CMakeLists.txt.
set(BERTH_IMAGES_ARCHIVE_SOURCES
  images/archive/member_path.cpp
  images/archive/temp_space.cpp
  images/archive/extracted_archive.cpp
  images/archive/tar_writer.cpp
  images/archive/save_selection.cpp
  images/archive/layer_tar_source.cpp
  images/archive/load_plan.cpp
  images/archive/image_save.cpp
  images/archive/image_load.cpp
)
