// container_user.h — the uid:gid a container's Config.User names, looked up
// in the container's own /etc/passwd and /etc/group (read beneath its
// rootfs). Used by `docker cp -a` (copyUIDGID), which owns copied files by
// the container's user.
#pragma once

#include <sys/types.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

namespace berth::containers::archive {

// A user or group name the container's files do not define.
class UnknownUser : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// "name", "uid", "name:group", "uid:gid" (mixes allowed). A user given by
// name takes its primary group from passwd unless a group is given; a
// numeric uid unknown to passwd has gid 0, as runc does. nullopt for "".
std::optional<std::pair<uid_t, gid_t>> lookup_container_user(int root_fd, const std::string &user);

} // namespace berth::containers::archive
