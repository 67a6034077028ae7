// local_options.h — the `local` driver's options (`docker volume create
// --opt type=tmpfs --opt device=tmpfs --opt o=size=64m,uid=1000`): which
// are accepted, and how the `o` string becomes mount(2) flags and data,
// following moby's volume/local and moby/sys/mount.
#pragma once

#include "volumes/volume.h"

#include <string>

namespace berth::volumes {

// Empty when opts are acceptable, else moby's message, e.g.
//   invalid option: "foo"
//   missing required option: "type"
//   quota size requested but no quota support
std::string local_options_error(const StringMap &opts);

// `o` split into what mount(2) takes: known words ("ro", "nosuid", "bind",
// "rprivate", ...) become flags, everything else is filesystem data
// ("size=64m,uid=1000"), in the order given.
struct MountOptions {
    unsigned long flags = 0;       // without the propagation bits
    unsigned long propagation = 0; // MS_SHARED/MS_PRIVATE/... (| MS_REC), applied by a second call
    std::string data;
};
MountOptions parse_mount_options(const std::string &o);

} // namespace berth::volumes
