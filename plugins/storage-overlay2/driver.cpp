// driver.cpp — init, layer lifecycle and mounts. Diffs are in driver_diff.cpp.
#include "driver.hpp"

#include "backing_fs.hpp"
#include "disk_usage.hpp"
#include "errors.hpp"
#include "fs_util.hpp"
#include "mountinfo.hpp"
#include "options.hpp"
#include "overlay_mount.hpp"

#include <berth/sdk.hpp>

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

namespace berth::overlay2 {

namespace fs = std::filesystem;

namespace {

// A layer file marking a layer created "volatile": as an upper it mounts
// with overlay's volatile option, and its removal finishes in the
// background (BackgroundRemover).
constexpr const char *volatile_marker = "volatile";

// The part of init that must happen before anything touches home (options
// are parsed before it, so a typo fails fast): the kernel check, and home's
// canonical path (mount points in /proc/self/mountinfo are canonical, and we
// compare with them).
fs::path prepare_home(const berth_host *host) {
    if (!kernel_has_overlay())
        fail(BERTH_E_PREREQ, "the kernel does not support overlay (\"overlay\" is not in /proc/filesystems)");
    if (host->home_dir == nullptr || *host->home_dir == '\0') fail(BERTH_E_INTERNAL, "the host gave no home_dir");
    const fs::path home(host->home_dir);
    make_dir(home, 0710, /*exist_ok=*/true);
    return fs::canonical(home);
}

} // namespace

Driver::Driver(const berth_host *host, const char *config_json)
    : host_(host), options_(parse_driver_options(config_json)), layout_(prepare_home(host), options_.id_map),
      home_lock_(layout_.home()), remover_([](const fs::path &tree) { layertar::remove_tree(tree); }) {
    const fs::path &home = layout_.home();
    layout_.make_traversable(home);
    fs_name_ = backing_fs_name(home);
    if (backing_fs_unsupported(home))
        fail(BERTH_E_PREREQ, "the backing filesystem (" + fs_name_ + ") of " + home.native() +
                                 " cannot be an overlay upper layer");

    const bool sole = home_lock_.try_exclusive();
    if (sole) {
        // Nobody else is alive: mounts under home are a crashed daemon's.
        // Detach them (a process of a dead container may still hold one)
        // before the sweep removes what is under them.
        for (const auto &point : mounts_below(home)) {
            sdk::log(host_, BERTH_LOG_INFO, "overlay2: unmounting stale mount " + point);
            ::umount2(point.c_str(), MNT_DETACH);
        }
        layout_.sweep();
    }
    layout_.ensure_links_dir();
    if (!supports_d_type(home))
        fail(BERTH_E_PREREQ, "the backing filesystem (" + fs_name_ + ") of " + home.native() +
                                 " does not support d_type");
    features_ = probe_overlay(home, fs_name_);
    home_lock_.share();

    if (!features_.native_diff)
        sdk::log(host_, BERTH_LOG_WARN,
                 "overlay2: not using native diff (" + features_.native_diff_reason +
                     "); image builds and commits will be slower");
    sdk::log(host_, BERTH_LOG_INFO,
             "overlay2: ready on " + fs_name_ + (sole ? "" : " (another instance is alive: no sweep)"));
}

std::string Driver::status_json() const {
    const auto flag = [](bool b) { return b ? "true" : "false"; };
    nlohmann::json out = nlohmann::json::array({
        {"Backing Filesystem", fs_name_},
        {"Supports d_type", "true"},
        {"Using metacopy", flag(features_.metacopy)},
        {"Native Overlay Diff", flag(features_.native_diff)},
    });
    return out.dump();
}

void Driver::create(const std::string &id, const std::string &parent, bool rw, const char *storage_opts_json) {
    Layout::require_valid_id(id, "layer");
    const CreateOptions options = check_create_options(storage_opts_json);
    auto guard = locks_.lock(id);
    layout_.create(id, parent, rw, !options.volatile_mounts);
    // Written after the layer's rename and never synced: a marker lost to
    // a kill -9 or a power cut only brings back ordinary synced mounts and
    // an ordinary removal.
    if (options.volatile_mounts) {
        const int fd = ::open((layout_.dir(id) / volatile_marker).c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0) fail_errno(errno, "create", (layout_.dir(id) / volatile_marker).native(), BERTH_E_IO);
        ::close(fd);
    }
}

void Driver::adopt_existing_mount(const std::string &id, MountCount &m) const {
    if (m.checked) return;
    m.checked = true;
    if (m.count == 0 && is_mounted(layout_.merged_dir(id))) m.count = 1;
}

void Driver::remove(const std::string &id) {
    Layout::require_valid_id(id, "layer");
    auto guard = locks_.lock(id);
    layout_.require(id);
    auto &m = guard.mounts();
    if (!layout_.lowers(id).empty()) adopt_existing_mount(id, m);
    if (m.count > 0)
        fail(BERTH_E_BUSY, "layer " + id + " is mounted (" + std::to_string(m.count) + " references); put it first");
    // A volatile layer (a `run --rm` container's) is gone for everyone at
    // the rename; its files go on the remover's thread, off the path of
    // the client waiting for the container's removal.
    if (::access((layout_.dir(id) / volatile_marker).c_str(), F_OK) == 0) remover_.remove(layout_.retire(id));
    else layout_.remove(id);
}

bool Driver::exists(const std::string &id) const { return layout_.exists(id); }

fs::path Driver::get(const std::string &id, const char *mount_label) {
    Layout::require_valid_id(id, "layer");
    auto guard = locks_.lock(id);
    layout_.require(id);
    auto &m = guard.mounts();
    const auto lowers = layout_.lowers(id);
    // A base layer is its own root: nothing to mount, but it is counted so
    // remove answers BUSY while it is in use.
    if (lowers.empty()) {
        ++m.count;
        return layout_.diff_dir(id);
    }
    adopt_existing_mount(id, m);
    const fs::path merged = layout_.merged_dir(id);
    if (m.count > 0) {
        ++m.count;
        return merged;
    }
    make_dir(merged, 0700, /*exist_ok=*/true);
    layout_.make_traversable(merged); // in case it was made just now
    OverlaySpec spec;
    spec.index_off = features_.index_off;
    if (features_.selinux && mount_label != nullptr) spec.mount_label = mount_label; // as dockerd's label.FormatMountLabel
    if (layout_.is_rw(id)) {
        spec.lowers = lowers;
        spec.upper = id + "/diff";
        spec.work = id + "/work";
        if (::access((layout_.dir(id) / volatile_marker).c_str(), F_OK) == 0) {
            spec.volatile_mount = true;
            // A volatile mount leaves work/incompat/volatile/dirty behind,
            // and the kernel refuses the next mount while it is there (the
            // upper may be torn by a host crash since). Such a layer is
            // only ever remounted without a crash in between (berthd
            // removes its container at exit, and at restore when it finds
            // it was running), so the flag goes.
            const fs::path incompat = layout_.work_dir(id) / "work" / "incompat";
            ::unlink((incompat / "volatile" / "dirty").c_str());
            ::rmdir((incompat / "volatile").c_str());
            ::rmdir(incompat.c_str());
        }
    } else {
        // An image layer is looked at, never written: its own diff is just
        // the top lower of a read-only overlay.
        spec.lowers.reserve(lowers.size() + 1);
        spec.lowers.push_back(id + "/diff");
        spec.lowers.insert(spec.lowers.end(), lowers.begin(), lowers.end());
    }
    mount_overlay(layout_.home(), spec, id + "/merged");
    m.count = 1;
    return merged;
}

void Driver::put(const std::string &id) {
    Layout::require_valid_id(id, "layer");
    auto guard = locks_.lock(id);
    layout_.require(id);
    auto &m = guard.mounts();
    if (layout_.lowers(id).empty()) {
        if (m.count > 0) --m.count;
        return;
    }
    adopt_existing_mount(id, m);
    if (m.count == 0) return; // nothing to put: not an error, like dockerd
    if (--m.count > 0) return;
    try {
        unmount_overlay(layout_.merged_dir(id));
    } catch (...) {
        m.count = 1; // still mounted: keep counting it, so remove stays BUSY
        throw;
    }
}

void Driver::usage(const std::string &id, int64_t &bytes, int64_t &inodes) const {
    layout_.require(id);
    const auto u = disk_usage(layout_.diff_dir(id));
    bytes = u.bytes;
    inodes = u.inodes;
}

std::string Driver::metadata_json(const std::string &id) const {
    layout_.require(id);
    // The keys of `docker inspect`'s GraphDriver.Data for overlay2.
    nlohmann::json out = {
        {"MergedDir", layout_.merged_dir(id).native()},
        {"UpperDir", layout_.diff_dir(id).native()},
        {"WorkDir", layout_.work_dir(id).native()},
    };
    std::string lower;
    for (const auto &dir : layout_.lower_diff_dirs(id)) {
        if (!lower.empty()) lower += ':';
        lower += dir.native();
    }
    if (!lower.empty()) out["LowerDir"] = lower;
    return out.dump();
}

void Driver::cleanup() {
    remover_.drain();
    std::string first_error;
    for (const auto &id : locks_.mounted_ids()) {
        auto guard = locks_.lock(id);
        auto &m = guard.mounts();
        if (m.count == 0) continue;
        try {
            if (!layout_.lowers(id).empty()) unmount_overlay(layout_.merged_dir(id));
            m.count = 0;
        } catch (const std::exception &e) {
            if (first_error.empty()) first_error = unprefixed(e.what());
        }
    }
    if (!first_error.empty()) fail(BERTH_E_IO, "cleanup: " + first_error);
}

} // namespace berth::overlay2
