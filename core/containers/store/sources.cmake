# The container store (core/containers/store): IDs, names, records on disk,
# state transitions, `docker ps` status text and filters. Paths relative to core/.
set(BERTH_CONTAINER_STORE_SOURCES
  containers/store/container_id.cpp
  containers/store/container_names.cpp
  containers/store/container_record.cpp
  containers/store/container_state.cpp
  containers/store/container_store.cpp
  containers/store/human_duration.cpp
  containers/store/name_words.cpp
  containers/store/ps_filter.cpp
)
