// errors.hpp — how the driver reports failures. Everything throws
// berth::sdk::error so op_guard can hand a status code and a message to the
// host; every message starts with "overlay2: " so the daemon log and the
// API error say which driver spoke.
#pragma once

#include <berth/abi.h>
#include <berth/sdk.hpp>

#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>

namespace berth::overlay2 {

inline constexpr std::string_view msg_prefix = "overlay2: ";

inline std::string prefixed(std::string_view msg) {
    if (msg.substr(0, msg_prefix.size()) == msg_prefix) return std::string(msg);
    return std::string(msg_prefix) + std::string(msg);
}

// msg without a leading "overlay2: ", to quote an inner error in an outer one.
inline std::string unprefixed(std::string_view msg) {
    if (msg.substr(0, msg_prefix.size()) == msg_prefix) msg.remove_prefix(msg_prefix.size());
    return std::string(msg);
}

[[noreturn]] inline void fail(int32_t code, std::string_view msg) {
    throw sdk::error(code, prefixed(msg));
}

// The status for a failed system call: the kernel refusing is PERM, a
// missing object NOTFOUND, a full or broken disk IO.
inline int32_t status_of_errno(int err) {
    switch (err) {
    case EPERM:
    case EACCES:
    case EROFS: return BERTH_E_PERM;
    case ENOENT: return BERTH_E_NOTFOUND;
    case EEXIST: return BERTH_E_EXISTS;
    case EBUSY: return BERTH_E_BUSY;
    case EINVAL: return BERTH_E_INVAL;
    case ENAMETOOLONG:
    case E2BIG: return BERTH_E_RANGE;
    case EINTR:
    case EAGAIN: return BERTH_E_AGAIN;
    default: return BERTH_E_IO;
    }
}

// "<what> <path>: <strerror>" with the status derived from errno. `code`
// overrides the derived status when the caller knows better (e.g. a missing
// metadata file inside an existing layer is IO, not NOTFOUND).
[[noreturn]] inline void fail_errno(int err, std::string_view what, std::string_view path,
                                    int32_t code = 0) {
    std::string msg(what);
    if (!path.empty()) msg.append(" ").append(path);
    msg.append(": ").append(std::strerror(err));
    fail(code != 0 ? code : status_of_errno(err), msg);
}

} // namespace berth::overlay2
