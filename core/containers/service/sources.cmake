# The container service (core/containers/service): lifecycle, stdio, exec,
# restart policies, health checks and live restore over the exec and log
# plugins. Paths relative to core/.
set(BERTH_CONTAINER_SERVICE_SOURCES
  containers/service/container_files.cpp
  containers/service/container_events.cpp
  containers/service/container_health.cpp
  containers/service/container_io.cpp
  containers/service/container_network.cpp
  containers/service/container_runtime.cpp
  containers/service/container_service.cpp
  containers/service/container_views.cpp
  containers/service/create_config.cpp
  containers/service/exec_client.cpp
  containers/service/init_layer.cpp
  containers/service/shared_init_layers.cpp
  containers/service/log_client.cpp
  containers/service/mount_plan.cpp
  containers/service/restart_policy.cpp
  containers/service/signals.cpp
  api/container_routes.cpp
  api/container_stream_routes.cpp
  api/stdio_session.cpp
)
