# The build engine (core/build/engine) and the /build route, relative to
# core/. Compiled into berth_core.
set(BERTH_BUILD_ENGINE_SOURCES
  build/engine/go_format.cpp
  build/engine/build_args.cpp
  build/engine/stage_plan.cpp
  build/engine/config_edits.cpp
  build/engine/build_cache.cpp
  build/engine/step_containers.cpp
  build/engine/builder.cpp
  api/build_routes.cpp
)
