// seccomp_profile.h — turns a profile in Docker's format (archMap,
// includes/excludes on caps, arches and minKernel) into the plain OCI
// linux.seccomp object for one container.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace berth::containers::spec {

struct SeccompContext {
    std::string arch;                  // GOARCH spelling: amd64, arm64, ...
    std::vector<std::string> bounding; // the container's final bounding set
    bool kernel_at_least_4_8 = true;
};

// The OCI linux.seccomp object as JSON text. Syscall names are checked with
// libseccomp: in a user profile (builtin = false) an unknown name is a
// SpecError naming it; in the builtin default profile it is dropped, as
// docker/runc do with names newer than the local libseccomp. Results are
// kept per (profile text, context, builtin) for the daemon's life: the
// lookups cost milliseconds, and every create and start asks again. Thread-safe.
std::string resolve_seccomp_profile(std::string_view profile_json, const SeccompContext &context, bool builtin);

// GOARCH of this build (amd64 on x86_64).
std::string native_arch();

} // namespace berth::containers::spec
