// probe.cpp — see probe.hpp.
#include "probe.hpp"

#include "errors.hpp"
#include "fs_util.hpp"
#include "overlay_mount.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cstdio>

namespace berth::overlay2 {

namespace fs = std::filesystem;

namespace {

bool has_xattr(const fs::path &p, const char *name, std::string *value = nullptr) {
    char buf[256];
    const ssize_t n = ::lgetxattr(p.c_str(), name, buf, sizeof buf);
    if (n < 0) return false;
    if (value) value->assign(buf, static_cast<size_t>(n));
    return true;
}

void touch(const fs::path &p) {
    Fd fd(::open(p.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
    if (!fd) fail_errno(errno, "create", p.native(), BERTH_E_IO);
    if (::write(fd.get(), "x", 1) != 1) fail_errno(errno, "write", p.native(), BERTH_E_IO);
}

// The checks that need the overlay mounted at td/merged (lowers l2:l1,
// upper l3). Fills in the native-diff and metacopy facts.
void check_mounted(const fs::path &td, OverlayFeatures &out) {
    const auto merged = td / "merged";
    const auto upper = td / "l3";

    // Copying up a dir that is opaque in a lower layer must not make the
    // upper copy opaque (kernels before 4.8 did): the upper dir would then
    // claim an opaque dir that the layer never made.
    touch(merged / "d" / "f");
    std::string opaque;
    if (has_xattr(upper / "d", "trusted.overlay.opaque", &opaque) && opaque == "y") {
        out.native_diff = false;
        out.native_diff_reason = "the kernel copies the opaque flag up";
        return;
    }
    // With redirect_dir a renamed directory is a redirect xattr in the
    // upper dir, not a copy: the upper dir alone no longer is the diff.
    if (::rename((merged / "d1").c_str(), (merged / "d2").c_str()) == 0) {
        if (has_xattr(upper / "d2", "trusted.overlay.redirect")) {
            out.native_diff = false;
            out.native_diff_reason = "the kernel has redirect_dir enabled";
        }
    } else if (errno != EXDEV) {
        fail_errno(errno, "rename in test overlay", (merged / "d1").native(), BERTH_E_IO);
    }
    // With metacopy a chmod copies up metadata only; the data stays below.
    if (::chmod((merged / "f").c_str(), 0600) != 0)
        fail_errno(errno, "chmod in test overlay", (merged / "f").native(), BERTH_E_IO);
    if (has_xattr(upper / "f", "trusted.overlay.metacopy")) {
        out.metacopy = true;
        out.native_diff = false;
        out.native_diff_reason = "metacopy is enabled";
    }
}

} // namespace

OverlayFeatures probe_overlay(const fs::path &home, const std::string &fs_name) {
    OverlayFeatures out;
    std::error_code ec;
    out.index_off = fs::exists("/sys/module/overlay/parameters/index", ec);
    out.selinux = fs::exists("/sys/fs/selinux/enforce", ec);

    const fs::path td = make_temp_dir(home / "overlay-check", 0700);
    bool mounted = false;
    try {
        for (const char *d : {"l1", "l1/d", "l1/d1", "l2", "l2/d", "l3", "work", "merged"})
            make_dir(td / d, 0755);
        touch(td / "l1" / "f");
        if (::lsetxattr((td / "l2" / "d").c_str(), "trusted.overlay.opaque", "y", 1, 0) != 0)
            fail_errno(errno,
                       "the backing filesystem (" + fs_name + ") of " + home.native() +
                           " cannot store trusted.* xattrs: setxattr",
                       (td / "l2" / "d").native(), BERTH_E_PREREQ);

        OverlaySpec spec;
        spec.lowers = {"l2", "l1"};
        spec.upper = "l3";
        spec.work = "work";
        spec.index_off = out.index_off;
        try {
            mount_overlay(td, spec, "merged");
        } catch (const sdk::error &e) {
            const std::string why = unprefixed(e.what());
            fail(BERTH_E_PREREQ, "a test mount of overlay on the backing filesystem (" + fs_name + ") of " +
                                     home.native() + " failed: " + why);
        }
        mounted = true;
        check_mounted(td, out);
        unmount_overlay(td / "merged");
        mounted = false;
    } catch (...) {
        // Leave the scratch dir to the next init's sweep if it is still
        // mounted: removing through a live overlay is never right.
        if (mounted) {
            try {
                unmount_overlay(td / "merged");
                mounted = false;
            } catch (...) {
            }
        }
        if (!mounted) fs::remove_all(td, ec);
        throw;
    }
    fs::remove_all(td, ec);
    return out;
}

} // namespace berth::overlay2
