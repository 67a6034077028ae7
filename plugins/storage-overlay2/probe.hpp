// probe.hpp — a real test mount under home at init, like dockerd's
// supportsOverlay/doesSupportNativeDiff/usingMetacopy. Reading kernel
// versions proves nothing about this filesystem; mounting does.
#pragma once

#include <filesystem>
#include <string>

namespace berth::overlay2 {

struct OverlayFeatures {
    // The kernel knows "index=off" (4.13+); we pass it so an upper dir can
    // be mounted again over different lowers without an index mismatch.
    bool index_off = false;
    // Diffs may be read straight from the upper dir. False when the kernel
    // copies the opaque flag wrongly, writes redirect_dir renames, or makes
    // metadata-only copy-ups: then the upper dir alone is not the diff.
    bool native_diff = true;
    std::string native_diff_reason; // why not, for the log
    bool metacopy = false;
    // SELinux is active (selinuxfs mounted): only then may a mount carry a
    // context= label; without it overlay refuses the unknown option.
    bool selinux = false;
};

// Mount a two-lower overlay in a scratch dir under home and try the cases
// above. Throws BERTH_E_PREREQ naming the reason when overlay cannot be
// mounted there at all. fs_name is for the message.
OverlayFeatures probe_overlay(const std::filesystem::path &home, const std::string &fs_name);

} // namespace berth::overlay2
