// userns_remap.h — turns daemon.json's "userns-remap" into the IdMap, the way
// dockerd does: the first range of the remap user in /etc/subuid and of its
// group in /etc/subgid.
#pragma once

#include "config/id_map.h"

#include <filesystem>
#include <stdexcept>
#include <string>

namespace berth::config {

struct UsernsFiles {
    std::filesystem::path passwd = "/etc/passwd", group = "/etc/group";
    std::filesystem::path subuid = "/etc/subuid", subgid = "/etc/subgid";
};

class UsernsRemapError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The user name dockerd creates for userns-remap "default".
inline constexpr const char *default_remap_user = "dockremap";

// value: "default" | "user" | "user:group" | "uid" | "uid:gid". "" gives a
// disabled map. For "default" the user dockremap is created with a 65536-id
// range in both files when it is missing (create_default_user = false makes
// that an error instead, for tests). A user or group without a range is an
// error naming the file. Only the first range is used.
IdMap resolve_userns_remap(const std::string &value, const UsernsFiles &files = {},
                           bool create_default_user = true);

// The directory name of the remapped data root, as dockerd's: "<uid>.<gid>".
std::string remapped_root_name(const IdMap &map);

} // namespace berth::config
