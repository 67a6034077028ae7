// driver_layers.cpp — layer lifecycle: create, remove, exists, and the
// get/put reference counts.
#include "driver.hpp"
#include "layertar_call.hpp"

#include "quota.hpp"
#include "storage_opts.hpp"
#include "subvolume.hpp"

#include <berth/layertar.hpp>
#include <berth/sdk.hpp>

#include <cerrno>
#include <fcntl.h>
#include <stdio.h> // renameat2
#include <sys/stat.h>
#include <unistd.h>

namespace berth::btrfs {

void check_id(const std::string &id) {
    bool ok = !id.empty() && id.size() <= 128 && id.front() != '.' &&
              id.find(tmp_marker) == std::string::npos;
    for (char c : id) {
        bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '_' || c == '.' || c == '-';
        ok = ok && allowed;
    }
    if (!ok) throw sdk::error(BERTH_E_INVAL, "btrfs: invalid layer id \"" + id + "\"");
}

// RAII mark of an id under create or remove, so a concurrent create/remove
// of the same id fails fast with BUSY instead of interleaving.
class Driver::claim {
public:
    claim(Driver &d, const std::string &id) : d_(d), id_(id) {
        std::lock_guard lock(d_.mu_);
        if (!d_.busy_.insert(id_).second)
            throw sdk::error(BERTH_E_BUSY, "btrfs: layer " + id_ + " is being created or removed");
    }
    // For remove, which must check refs and claim under one lock.
    claim(Driver &d, const std::string &id, std::adopt_lock_t) : d_(d), id_(id) {}
    ~claim() {
        std::lock_guard lock(d_.mu_);
        d_.busy_.erase(id_);
    }
    claim(const claim &) = delete;
    claim &operator=(const claim &) = delete;

private:
    Driver &d_;
    std::string id_;
};

void Driver::log(int32_t level, const std::string &msg) const {
    host_->log(host_, level, msg.c_str());
}

std::string Driver::subvol_path(const std::string &id) const {
    return home_ + "/subvolumes/" + id;
}

bool Driver::exists(const std::string &id) const {
    check_id(id);
    struct stat st{};
    return ::fstatat(subvols_.get(), id.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
}

void Driver::require_layer(const std::string &id) const {
    if (!exists(id)) throw sdk::error(BERTH_E_NOTFOUND, "btrfs: layer " + id + " does not exist");
}

layer_meta Driver::meta_of(const std::string &id) const {
    return read_meta(meta_.get(), id + ".json");
}

void Driver::ensure_quota() {
    std::lock_guard lock(quota_mu_);
    if (quota_on_) return;
    enable_quota(subvols_.get());
    quota_on_ = true;
}

bool Driver::quota_active() const {
    {
        std::lock_guard lock(quota_mu_);
        if (quota_on_) return true;
    }
    // Quotas may have been turned on by an earlier run or by an admin.
    try {
        return quota_enabled(subvols_.get());
    } catch (const sdk::error &) {
        return false;
    }
}

void Driver::create(const std::string &id, const std::string &parent, bool rw, const char *storage_opts_json) {
    check_id(id);
    if (!parent.empty()) check_id(parent);
    layer_opts opts = parse_layer_opts(storage_opts_json);
    claim busy(*this, id);
    if (exists(id)) throw sdk::error(BERTH_E_EXISTS, "btrfs: layer " + id + " already exists");

    layer_meta meta{parent, rw, 0};
    unique_fd parent_fd;
    if (!parent.empty()) {
        if (!exists(parent))
            throw sdk::error(BERTH_E_NOTFOUND, "btrfs: parent layer " + parent + " of " + id + " does not exist");
        parent_fd = open_dir_at(subvols_.get(), parent, subvol_path(parent));
        // Like dockerd: a snapshot of a size-limited layer keeps the limit
        // unless the caller sets its own.
        if (!opts.size) {
            try {
                meta.size = meta_of(parent).size;
            } catch (const sdk::error &) {
                meta.size = 0;
            }
        }
    }
    if (opts.size) meta.size = *opts.size;
    if (meta.size != 0) ensure_quota(); // before the subvolume, so it gets its qgroup

    std::string tmp = id + tmp_marker + random_suffix();
    if (parent_fd)
        snapshot_subvolume(parent_fd.get(), subvols_.get(), tmp, subvol_path(tmp));
    else
        create_subvolume(subvols_.get(), tmp, subvol_path(tmp));
    bool meta_written = false;
    try {
        // Under an id map the container's "/" is its own root's. A snapshot
        // keeps the parent's ownership, which already is shifted.
        if (!parent_fd && !id_map_.identity()) {
            unique_fd fd = open_dir_at(subvols_.get(), tmp, subvol_path(tmp));
            if (::fchown(fd.get(), id_map_.uid, id_map_.gid) != 0)
                throw_errno(errno, "chown (to the id map's root) " + subvol_path(tmp));
        }
        if (meta.size != 0) {
            unique_fd fd = open_dir_at(subvols_.get(), tmp, subvol_path(tmp));
            limit_qgroup(fd.get(), subvolume_id(fd.get()), meta.size, "layer " + id);
        }
        write_meta(meta_.get(), id + ".json", meta);
        meta_written = true;
        if (::renameat2(subvols_.get(), tmp.c_str(), subvols_.get(), id.c_str(), RENAME_NOREPLACE) != 0)
            throw_errno(errno, "rename " + subvol_path(tmp) + " to " + id);
    } catch (...) {
        // Undo now; if that fails too, the "-tmp-" name lets init finish it.
        if (meta_written) ::unlinkat(meta_.get(), (id + ".json").c_str(), 0);
        try {
            destroy_subvolume_tree(subvols_.get(), tmp, subvol_path(tmp));
        } catch (const std::exception &e) {
            log(BERTH_LOG_WARN, e.what());
        }
        throw;
    }
}

void Driver::remove(const std::string &id) {
    check_id(id);
    std::string tmp = id + tmp_marker + random_suffix();
    {
        std::unique_lock lock(mu_);
        if (busy_.count(id) != 0)
            throw sdk::error(BERTH_E_BUSY, "btrfs: layer " + id + " is being created or removed");
        if (auto it = refs_.find(id); it != refs_.end())
            throw sdk::error(BERTH_E_BUSY, "btrfs: layer " + id + " is in use (" + std::to_string(it->second) +
                                               " references)");
        // Renaming first makes the removal look atomic: from here on the
        // layer does not exist, even if deleting nested subvolumes takes long
        // or the daemon is killed halfway (init finishes the job).
        if (::renameat(subvols_.get(), id.c_str(), subvols_.get(), tmp.c_str()) != 0) {
            if (errno == ENOENT) throw sdk::error(BERTH_E_NOTFOUND, "btrfs: layer " + id + " does not exist");
            throw_errno(errno, "rename " + subvol_path(id));
        }
        busy_.insert(id);
    }
    claim busy(*this, id, std::adopt_lock);
    std::vector<uint64_t> ids;
    try {
        if (is_subvolume_at(subvols_.get(), tmp))
            ids = destroy_subvolume_tree(subvols_.get(), tmp, subvol_path(tmp));
        else // not made by this driver; still the layer's to remove
            layertar_call("remove layer " + id, [&] { layertar::remove_tree(subvol_path(tmp)); });
    } catch (...) {
        // Put it back so the layer stays usable and the removal can be retried.
        ::renameat(subvols_.get(), tmp.c_str(), subvols_.get(), id.c_str());
        throw;
    }
    if (::unlinkat(meta_.get(), (id + ".json").c_str(), 0) != 0 && errno != ENOENT)
        throw_errno(errno, "remove meta/" + id + ".json");
    if (quota_active())
        for (uint64_t sub : ids) destroy_qgroup(subvols_.get(), sub);
}

std::string Driver::get(const std::string &id) {
    check_id(id);
    std::lock_guard lock(mu_);
    // Under mu_ so a concurrent remove (which renames under mu_) cannot slip
    // between the check and the reference.
    require_layer(id);
    ++refs_[id];
    return subvol_path(id);
}

void Driver::put(const std::string &id) {
    check_id(id);
    std::lock_guard lock(mu_);
    if (auto it = refs_.find(id); it != refs_.end()) {
        if (--it->second == 0) refs_.erase(it);
        return;
    }
    require_layer(id);
    // Nothing is mounted, so an unbalanced put harms nothing; dockerd's
    // drivers accept it too. Say so for whoever debugs the caller.
    log(BERTH_LOG_DEBUG, "btrfs: put of layer " + id + " without a matching get");
}

} // namespace berth::btrfs
