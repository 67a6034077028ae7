# The OCI runtime spec builder (core/containers/spec). Paths relative to core/.
# Needs libseccomp (pkg-config libseccomp) linked into berth_core.
set(BERTH_CONTAINER_SPEC_SOURCES
  containers/spec/build_spec.cpp
  containers/spec/capabilities.cpp
  containers/spec/default_seccomp_profile.cpp
  containers/spec/devices.cpp
  containers/spec/host_probe.cpp
  containers/spec/mounts.cpp
  containers/spec/process_args.cpp
  containers/spec/seccomp_profile.cpp
  containers/spec/user_resolution.cpp
)
