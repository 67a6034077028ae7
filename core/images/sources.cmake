# The image subsystem's sources for berth_core, relative to core/.
# core/CMakeLists.txt: include(images/sources.cmake) and add
# ${BERTH_IMAGES_SOURCES} to add_library(berth_core ...). They need
# OpenSSL::Crypto, nlohmann_json and spdlog, which berth_core links already.
# (reference.cpp and digest.cpp are in berth_shared_objs: the CLI needs them
# too; see core/CMakeLists.txt.)
set(BERTH_IMAGES_SOURCES
  images/fs_util.cpp
  images/random_id.cpp
  images/time_format.cpp
  images/content_store.cpp
  images/layer_driver.cpp
  images/plugin_layer_driver.cpp
  images/tee_apply.cpp
  images/layer_store.cpp
  images/image_config.cpp
  images/image_store.cpp
  images/reference_store.cpp
  images/image_service.cpp
  images/image_import.cpp
  images/decompress.cpp
  images/import_changes.cpp
)
