// overlay_mount.hpp — mounting and unmounting one overlay.
//
// mount(2) copies at most one page of option data, and a layer chain written
// as absolute paths outgrows that after a few dozen layers. Like dockerd's
// mountFrom, a long option string is retried with paths relative to a base
// directory, in a short-lived child process that chdir()s there first: the
// 26-character link names then fit ~130 layers in a page.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace berth::overlay2 {

struct OverlaySpec {
    // Paths relative to the base directory of mount_overlay().
    std::vector<std::string> lowers; // top-most first
    std::string upper;               // empty: a read-only overlay (no upper, no work)
    std::string work;
    std::string mount_label;         // SELinux context, or empty
    bool index_off = false;          // pass "index=off" (kernel knows the option)
    // Pass "volatile" (no syncs; see CreateOptions). A kernel without the
    // option (before 5.10) refuses it: mount_overlay then mounts without.
    bool volatile_mount = false;
};

// The option string for spec, each path prefixed with base ("" = relative).
std::string overlay_options(const OverlaySpec &spec, const std::filesystem::path &base);

// Mount spec at base/target_rel. Uses absolute paths when they fit a page,
// relative ones otherwise; BERTH_E_RANGE when even those do not fit.
void mount_overlay(const std::filesystem::path &base, const OverlaySpec &spec,
                   const std::string &target_rel);

// Unmount target: a plain unmount, retried a few times while EBUSY (a
// process may be leaving it), then MNT_DETACH as a last resort. Not being
// mounted is success.
void unmount_overlay(const std::filesystem::path &target);

} // namespace berth::overlay2
