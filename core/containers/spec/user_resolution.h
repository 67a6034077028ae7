// user_resolution.h — turns Docker's "user[:group]" into ids by reading the
// container's own /etc/passwd and /etc/group (never the host's), with
// symlinks resolved inside the rootfs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace berth::containers::spec {

struct ResolvedUser {
    std::uint32_t uid = 0;
    std::uint32_t gid = 0;
    // Docker's order: the primary gid, then every /etc/group entry listing the
    // user (implicit group only), then --group-add.
    std::vector<std::uint32_t> additional_gids;
};

// user_spec: "", "name", "uid", "name:group", "uid:gid", ... . Throws
// SpecError(InvalidArgument) "unable to find user X: no matching entries in
// passwd file" (likewise for groups) and for ids outside 0..2^31-1.
ResolvedUser resolve_user(const std::string &rootfs, const std::string &user_spec,
                          const std::vector<std::string> &group_add = {});

} // namespace berth::containers::spec
