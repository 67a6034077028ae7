// driver_init.cpp — start-up: check the home directory is on btrfs, lay
// out subvolumes/ and meta/, and sweep what a killed run left behind.
#include "driver.hpp"

#include "subvolume.hpp"

#include <berth/layertar.hpp>
#include <berth/sdk.hpp>

#include <nlohmann/json.hpp>

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

void check_config(const char *config_json) {
    if (config_json == nullptr || *config_json == '\0') return;
    auto doc = nlohmann::json::parse(config_json, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded() || !doc.is_object())
        throw sdk::error(BERTH_E_INVAL, "btrfs: plugin config is not a JSON object");
    // No daemon-wide options yet; a typo must not be silently ignored.
    for (const auto &item : doc.items())
        throw sdk::error(BERTH_E_INVAL, "btrfs: unknown plugin config option \"" + item.key() + "\"");
}

} // namespace

Driver::Driver(const berth_host *host, std::string home, unique_fd subvols, unique_fd meta)
    : host_(host), home_(std::move(home)), subvols_(std::move(subvols)), meta_(std::move(meta)) {}

std::unique_ptr<Driver> Driver::open(const berth_host *host, const char *config_json) {
    check_config(config_json);
    if (host->home_dir == nullptr || *host->home_dir == '\0')
        throw sdk::error(BERTH_E_INVAL, "btrfs: the host gave no home directory");
    std::string home = host->home_dir;
    std::string fs_name;
    if (!is_btrfs(home, fs_name))
        throw sdk::error(BERTH_E_PREREQ, "btrfs: " + home + " is on " + fs_name + ", not btrfs");
    unique_fd subvols = make_dir(home + "/subvolumes");
    unique_fd meta = make_dir(home + "/meta");
    std::unique_ptr<Driver> d(new Driver(host, home, std::move(subvols), std::move(meta)));
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
