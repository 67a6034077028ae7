# core/distribution, push side: `docker push` (pusher.h) and the blob
# source index pull and push share. Paths relative to core/; included from
# distribution/sources.cmake.
set(BERTH_DISTRIBUTION_PUSH_SOURCES
  distribution/blob_sources.cpp
  distribution/push_canceled.cpp
  distribution/push_gzip.cpp
  distribution/push_layer_blob.cpp
  distribution/push_manifest.cpp
  distribution/push_layer_upload.cpp
  distribution/push_image.cpp
)
