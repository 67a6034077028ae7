// errors.hpp — how the driver reports failures: everything throws
// berth::sdk::error, which sdk::guard turns into a status code and message
// at the ABI boundary.
#pragma once

#include <berth/abi.h>
#include <berth/sdk.hpp>

#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>

namespace berth::logjson {

[[noreturn]] inline void fail(int32_t code, std::string_view msg) {
    throw sdk::error(code, std::string(msg));
}

// "<what> <path>: <strerror>" as BERTH_E_IO (NOTFOUND for ENOENT).
[[noreturn]] inline void fail_errno(int err, std::string_view what, std::string_view path) {
    std::string msg(what);
    msg.append(" ").append(path).append(": ").append(std::strerror(err));
    fail(err == ENOENT ? BERTH_E_NOTFOUND : BERTH_E_IO, msg);
}

} // namespace berth::logjson
