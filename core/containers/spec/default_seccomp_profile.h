// default_seccomp_profile.h — the default seccomp profile compiled into the
// library (JSON text in Docker's profile format).
#pragma once

#include <string_view>

namespace berth::containers::spec {

std::string_view default_seccomp_profile_json();

} // namespace berth::containers::spec
