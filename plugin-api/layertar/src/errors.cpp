// errors.cpp — LayerError construction and errno translation.
#include "internal.hpp"

#include <cerrno>
#include <cstring>

namespace berth::layertar::detail {

int32_t status_from_errno(int err) noexcept {
    switch (err) {
    case EPERM:
    case EACCES:
    case EROFS: return BERTH_E_PERM;
    // Only a tar can make a name too long or a symlink chain too deep.
    case ENAMETOOLONG:
    case ELOOP: return BERTH_E_INVAL;
    case ENOENT: return BERTH_E_NOTFOUND;
    case EBUSY: return BERTH_E_BUSY;
    case ENOSYS: return BERTH_E_PREREQ;
    default: return BERTH_E_IO;
    }
}

namespace {

// A hostile tar can make names tens of kilobytes long; messages end up in
// API answers and logs, so the middle of a long one is cut.
std::string bounded(std::string message) {
    constexpr size_t keep = 480;
    if (message.size() <= 2 * keep + 16) return message;
    return message.substr(0, keep) + " [...] " + message.substr(message.size() - keep);
}

} // namespace

void fail(int32_t code, const std::string &message) {
    throw LayerError(code, bounded(message));
}

void fail_errno(int err, const std::string &what) {
    throw LayerError(status_from_errno(err), bounded(what + ": " + std::strerror(err)));
}

} // namespace berth::layertar::detail
