// platform.h — the image side's view of OCI platforms. There is one
// implementation, core/registry/platform (containerd's normalisation and
// compatibility rules); this header only gives the image stores the names
// they use, so images and registry can never disagree on what matches.
#pragma once

#include "registry/platform.h"

namespace berth::images {

using Platform = registry::Platform;
using registry::normalize_platform;
using registry::parse_platform;
using registry::platform_matches;

// The platform this daemon runs images for (linux/<build arch>), normalised.
inline Platform host_platform() { return registry::default_platform(); }

inline std::string platform_string(const Platform &p) { return registry::format_platform(p); }

} // namespace berth::images
