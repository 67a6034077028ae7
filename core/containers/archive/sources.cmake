# The container filesystem endpoints (docker cp, export, diff, commit) for
# berth_core, relative to core/. They need libarchive and nlohmann_json,
# which berth_core links already.
set(BERTH_CONTAINER_ARCHIVE_SOURCES
  containers/archive/rootfs_path.cpp
  containers/archive/path_stat.cpp
  containers/archive/tree_tar.cpp
  containers/archive/tar_extract.cpp
  containers/archive/container_user.cpp
  containers/archive/commit_config.cpp
  images/image_commit.cpp
  api/container_fs_routes.cpp
)
