# Volumes (core/volumes): the local driver, the volume service and the
# /volumes API. Paths relative to core/.
set(BERTH_VOLUME_SOURCES
  volumes/copy_up.cpp
  volumes/disk_usage.cpp
  volumes/local_options.cpp
  volumes/volume_mount.cpp
  volumes/volume_name.cpp
  volumes/volume_record.cpp
  volumes/volume_service.cpp
  api/volume_routes.cpp
)
