// driver_init.cpp — start-up: check the home directory is on btrfs, lay
// out subvolumes/ and meta/, and sweep what a killed run left behind.
#include "driver.hpp"

#include "storage_opts.hpp"
#include "subvolume.hpp"

#include <berth/layertar.hpp>
#include <berth/sdk.hpp>

#include <cerrno>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace berth::btrfs {
namespace fs = std::filesystem;

namespace {

unique_fd make_dir(const std::string &path) {
    if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) throw_errno(errno, "mkdir " + path);
    return open_dir_at(AT_FDCWD, path, path);
}

// Under an id map the container's root (host uid H, gid G) sets up the
// rootfs and must pass through dir: 0710 with group G, as dockerd makes
// them (other host users still cannot enter).
void make_traversable(int fd, const std::string &path, const layertar::IdMap &id_map) {
    if (id_map.identity()) return;
    if (::fchown(fd, static_cast<uid_t>(-1), id_map.gid) != 0)
        throw_errno(errno, "chown (group of the id map's root) " + path);
    if (::fchmod(fd, 0710) != 0) throw_errno(errno, "chmod " + path);
}

} // namespace

Driver::Driver(const berth_host *host, std::string home, unique_fd subvols, unique_fd meta,
               const layertar::IdMap &id_map)
    : host_(host), home_(std::move(home)), subvols_(std::move(subvols)), meta_(std::move(meta)), id_map_(id_map) {}

std::unique_ptr<Driver> Driver::open(const berth_host *host, const char *config_json) {
    const driver_config config = parse_driver_config(config_json);
    if (host->home_dir == nullptr || *host->home_dir == '\0')
        throw sdk::error(BERTH_E_INVAL, "btrfs: the host gave no home directory");
    std::string home = host->home_dir;
    std::string fs_name;
    if (!is_btrfs(home, fs_name))
        throw sdk::error(BERTH_E_PREREQ, "btrfs: " + home + " is on " + fs_name + ", not btrfs");
    // home -> subvolumes/ -> <id>: the way to every rootfs. meta/ is only
    // ever read by the driver and stays 0700.
    if (!config.id_map.identity()) {
        // Followed like is_btrfs did: home may be a link the admin set up.
        unique_fd home_fd(::open(home.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (!home_fd) throw_errno(errno, "open " + home);
        make_traversable(home_fd.get(), home, config.id_map);
    }
    unique_fd subvols = make_dir(home + "/subvolumes");
    make_traversable(subvols.get(), home + "/subvolumes", config.id_map);
    unique_fd meta = make_dir(home + "/meta");
    std::unique_ptr<Driver> d(new Driver(host, home, std::move(subvols), std::move(meta), config.id_map));
    d->sweep();
    return d;
}

// Finish what a killed create or remove left: "-tmp-" subvolumes and meta
// files, and meta files whose subvolume is gone (remove deletes meta last).
void Driver::sweep() {
    try {
        sweep_subvolumes();
        sweep_meta();
    } catch (const fs::filesystem_error &e) {
        throw sdk::error(status_from_errno(e.code().value()), std::string("btrfs: sweep of ") + home_ + ": " + e.what());
    }
}

void Driver::sweep_subvolumes() {
    for (const auto &entry : fs::directory_iterator(home_ + "/subvolumes")) {
        std::string name = entry.path().filename().string();
        if (name.find(tmp_marker) == std::string::npos) continue;
        try {
            if (is_subvolume_at(subvols_.get(), name))
                destroy_subvolume_tree(subvols_.get(), name, subvol_path(name));
            else
                layertar::remove_tree(entry.path());
            log(BERTH_LOG_INFO, "btrfs: removed leftover " + subvol_path(name));
        } catch (const std::exception &e) {
            // A leftover must not keep the driver from starting.
            log(BERTH_LOG_WARN, std::string("btrfs: cannot remove leftover: ") + e.what());
        }
    }
}

void Driver::sweep_meta() {
    for (const auto &entry : fs::directory_iterator(home_ + "/meta")) {
        std::string name = entry.path().filename().string();
        bool orphan = false;
        if (name.find(tmp_marker) != std::string::npos) {
            orphan = true;
        } else if (name.size() > 5 && name.ends_with(".json")) {
            struct stat st{};
            orphan = ::fstatat(subvols_.get(), name.substr(0, name.size() - 5).c_str(), &st,
                               AT_SYMLINK_NOFOLLOW) != 0 && errno == ENOENT;
        }
        if (orphan && ::unlinkat(meta_.get(), name.c_str(), 0) != 0 && errno != ENOENT)
            log(BERTH_LOG_WARN, "btrfs: cannot remove leftover meta/" + name);
    }
}

} // namespace berth::btrfs
