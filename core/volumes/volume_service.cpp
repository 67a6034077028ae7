#include "volumes/volume_service.h"

#include "events/event_log.h"
#include "images/random_id.h"
#include "volumes/disk_usage.h"
#include "volumes/errors.h"
#include "volumes/local_options.h"
#include "volumes/volume_mount.h"
#include "volumes/volume_name.h"
#include "volumes/volume_record.h"

#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace berth::volumes {
namespace {

namespace fs = std::filesystem;

// Directories being deleted are first renamed to ".trash-<random>": a name
// no volume can have, so a kill -9 halfway through a delete leaves
// something load() recognises and finishes, never half a volume.
constexpr const char *kTrashPrefix = ".trash-";

void make_dir(const fs::path &dir, mode_t mode) {
    if (::mkdir(dir.c_str(), mode) != 0 && errno != EEXIST)
        throw InternalError("mkdir " + dir.string() + ": " + std::strerror(errno));
}

void fsync_dir(const fs::path &dir) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

std::optional<std::string> read_small_file(const fs::path &p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string join(const std::set<std::string> &ids) {
    std::string out;
    for (const auto &id : ids) out += (out.empty() ? "" : ", ") + id;
    return out;
}

// Refuses to go on while anything is mounted at or below dir: deleting the
// tree would then delete the mounted filesystem's files (for a bind volume,
// the host directory's).
void unmount_everything_under(const fs::path &dir) {
    for (const auto &m : mounts_under(dir)) unmount_volume(m);
    if (const auto left = mounts_under(dir); !left.empty())
        throw InternalError("remove " + dir.string() + ": still mounted at " + left.front().string());
}

void delete_tree(const fs::path &dir) {
    unmount_everything_under(dir);
    const fs::path trash = dir.parent_path() / (kTrashPrefix + images::random_hex(8));
    if (::rename(dir.c_str(), trash.c_str()) != 0)
        throw InternalError("remove " + dir.string() + ": " + std::strerror(errno));
    fsync_dir(dir.parent_path());
    std::error_code ec;
    fs::remove_all(trash, ec);
    if (ec) spdlog::warn("volumes: could not delete {} (removed volume): {}", trash.string(), ec.message());
}

std::chrono::system_clock::time_point modified_time(const fs::path &p) {
    struct stat st{};
    if (::stat(p.c_str(), &st) != 0) return {};
    return std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(
        std::chrono::seconds(st.st_mtim.tv_sec) + std::chrono::nanoseconds(st.st_mtim.tv_nsec)));
}

} // namespace

VolumeService::VolumeService(fs::path data_root) : root_(std::move(data_root) / "volumes") {
    fs::create_directories(root_.parent_path());
    make_dir(root_, 0701);
    load();
}

void VolumeService::load() {
    std::error_code ec;
    for (fs::directory_iterator it(root_, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        std::error_code dir_ec;
        // Real directories only: dockerd's metadata.db and the like are
        // files, and a symlink would point a volume outside the data root.
        if (!it->is_directory(dir_ec) || it->is_symlink(dir_ec)) continue;
        const fs::path dir = it->path();
        if (name.rfind(kTrashPrefix, 0) == 0) {
            try {
                unmount_everything_under(dir);
                fs::remove_all(dir, dir_ec);
            } catch (const std::exception &e) {
                spdlog::warn("volumes: leaving {}: {}", dir.string(), e.what());
            }
            continue;
        }
        if (const auto bad = name_error(name); !bad.empty()) {
            load_errors_.push_back(dir.string() + ": not a volume name");
            spdlog::warn("volumes: skipping {}: {}", dir.string(), bad);
            continue;
        }
        // Temp files of a write_record that a kill -9 interrupted.
        for (fs::directory_iterator f(dir, dir_ec), fend; !dir_ec && f != fend; f.increment(dir_ec))
            if (is_record_temp(f->path().filename().string())) fs::remove(f->path(), dir_ec);

        Volume v;
        const fs::path record = dir / kRecordFile;
        const fs::path data = dir / kDataDir;
        if (const auto text = read_small_file(record)) {
            auto parsed = parse_record(*text);
            if (!parsed) {
                load_errors_.push_back(record.string() + ": unreadable volume record");
                spdlog::error("volumes: skipping volume {}: {} is not a valid record", name, record.string());
                continue;
            }
            v = std::move(*parsed);
            make_dir(data, 0755); // a create cut short after the record
        } else if (fs::is_directory(data, dir_ec)) {
            // dockerd's layout without our record: a plain local volume,
            // created when its directory was (dockerd reads the same).
            v.created = modified_time(dir);
        } else {
            // A create cut short before its record: nothing was ever handed
            // out. Only an empty directory goes; anything else is not ours
            // to delete.
            if (fs::remove(dir, dir_ec))
                spdlog::info("volumes: removed {} (an interrupted create)", dir.string());
            else
                spdlog::warn("volumes: skipping {}: neither {} nor {}", dir.string(), kRecordFile, kDataDir);
            continue;
        }
        v.name = name;
        v.mountpoint = data;
        Entry e;
        e.volume = std::move(v);
        // Mounted before a restart (live containers use it): do not mount it
        // again; unmount_idle() takes it down if nobody adopts it.
        e.mounted = e.volume.needs_mount() && is_mount_point(data);
        volumes_.emplace(name, std::move(e));
    }
    if (ec) throw InternalError("read " + root_.string() + ": " + ec.message());
}

Volume VolumeService::ensure(const std::string &requested, const std::string &driver_in,
                             std::optional<StringMap> labels, std::optional<StringMap> options, bool *created) {
    std::lock_guard lock(mu_);
    if (created) *created = false;
    std::string name = requested;
    if (name.empty()) {
        name = anonymous_name();
        if (!labels) labels.emplace();
        (*labels)[kAnonymousLabel] = "";
    }
    const std::string driver = driver_in.empty() ? kLocalDriver : driver_in;
    if (driver != kLocalDriver)
        throw NotFound("create " + name + ": error looking up volume plugin " + driver + ": plugin \"" + driver +
                       "\" not found");
    if (auto it = volumes_.find(name); it != volumes_.end()) return it->second.volume;
    auto v = make_volume_locked(name, driver, std::move(labels), std::move(options));
    if (created) *created = true;
    if (events_) events_->log("volume", "create", name, {{"driver", driver}});
    return v;
}

Volume VolumeService::make_volume_locked(const std::string &name, const std::string &driver,
                                         std::optional<StringMap> labels, std::optional<StringMap> options) {
    if (const auto bad = name_error(name); !bad.empty()) throw InvalidArgument("create " + name + ": " + bad);
    if (options)
        if (const auto bad = local_options_error(*options); !bad.empty())
            throw InvalidArgument("create " + name + ": " + bad);
    Volume v;
    v.name = name;
    v.driver = driver;
    v.labels = std::move(labels);
    v.options = std::move(options);
    // Docker reports whole seconds; keep what we show and what we store equal.
    v.created = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    const fs::path dir = root_ / name;
    v.mountpoint = dir / kDataDir;
    // Record before _data: a directory without either is an interrupted
    // create that load() sweeps; with the record, load() adds _data.
    const bool remapped = root_uid_ != 0 || root_gid_ != 0;
    make_dir(dir, remapped ? 0711 : 0700);
    try {
        write_record(dir, v);
        make_dir(v.mountpoint, 0755);
        if (remapped && ::chown(v.mountpoint.c_str(), root_uid_, root_gid_) != 0)
            throw InternalError("chown " + v.mountpoint.string() + ": " + std::strerror(errno));
        fsync_dir(root_);
    } catch (...) {
        std::error_code ec;
        fs::remove_all(dir, ec);
        throw;
    }
    Entry e;
    e.volume = v;
    volumes_.emplace(name, std::move(e));
    return v;
}

VolumeService::Entry &VolumeService::entry_locked(const std::string &name) {
    auto it = volumes_.find(name);
    if (it == volumes_.end()) throw NotFound("get " + name + ": no such volume");
    return it->second;
}

const VolumeService::Entry &VolumeService::entry_locked(const std::string &name) const {
    auto it = volumes_.find(name);
    if (it == volumes_.end()) throw NotFound("get " + name + ": no such volume");
    return it->second;
}

Volume VolumeService::get(const std::string &name) const {
    std::lock_guard lock(mu_);
    return entry_locked(name).volume;
}

std::optional<Volume> VolumeService::find(const std::string &name) const {
    std::lock_guard lock(mu_);
    auto it = volumes_.find(name);
    if (it == volumes_.end()) return std::nullopt;
    return it->second.volume;
}

std::vector<Volume> VolumeService::list() const {
    std::lock_guard lock(mu_);
    std::vector<Volume> out;
    out.reserve(volumes_.size());
    for (const auto &[name, e] : volumes_) out.push_back(e.volume);
    return out;
}

std::vector<std::string> VolumeService::users(const std::string &name) const {
    std::lock_guard lock(mu_);
    const auto &u = entry_locked(name).users;
    return {u.begin(), u.end()};
}

std::vector<std::string> VolumeService::active_users(const std::string &name) const {
    std::lock_guard lock(mu_);
    const auto &a = entry_locked(name).active;
    return {a.begin(), a.end()};
}

bool VolumeService::is_mounted(const std::string &name) const {
    std::lock_guard lock(mu_);
    return entry_locked(name).mounted;
}

void VolumeService::reference(const std::string &name, const std::string &container_id) {
    std::lock_guard lock(mu_);
    entry_locked(name).users.insert(container_id);
}

void VolumeService::dereference(const std::string &name, const std::string &container_id, bool remove_if_anonymous) {
    std::lock_guard lock(mu_);
    auto it = volumes_.find(name);
    if (it == volumes_.end()) return;
    Entry &e = it->second;
    e.users.erase(container_id);
    if (e.active.erase(container_id) && e.active.empty()) unmount_locked(e);
    if (!remove_if_anonymous || !e.volume.anonymous() || !e.users.empty()) return;
    try {
        delete_locked(name);
    } catch (const std::exception &ex) {
        // The container goes regardless, as with dockerd; prune can retry.
        spdlog::warn("volumes: could not remove anonymous volume {}: {}", name, ex.what());
    }
}

fs::path VolumeService::acquire(const std::string &name, const std::string &container_id) {
    std::lock_guard lock(mu_);
    Entry &e = entry_locked(name);
    if (e.volume.needs_mount() && !e.mounted) {
        make_dir(e.volume.mountpoint, 0755);
        mount_volume(*e.volume.options, e.volume.mountpoint);
        e.mounted = true;
    }
    e.users.insert(container_id);
    e.active.insert(container_id);
    return e.volume.mountpoint;
}

void VolumeService::release(const std::string &name, const std::string &container_id) {
    std::lock_guard lock(mu_);
    auto it = volumes_.find(name);
    if (it == volumes_.end()) return;
    Entry &e = it->second;
    if (e.active.erase(container_id) && e.active.empty()) unmount_locked(e);
}

void VolumeService::unmount_locked(Entry &e) {
    if (!e.mounted) return;
    try {
        unmount_volume(e.volume.mountpoint);
        e.mounted = false;
    } catch (const std::exception &ex) {
        // Still mounted: the next acquire reuses it, remove retries.
        spdlog::warn("volumes: {}: {}", e.volume.name, ex.what());
    }
}

void VolumeService::adopt(const std::string &name, const std::string &container_id, bool running) {
    std::lock_guard lock(mu_);
    auto it = volumes_.find(name);
    if (it == volumes_.end()) {
        spdlog::warn("volumes: container {} uses volume {}, which does not exist", container_id, name);
        return;
    }
    Entry &e = it->second;
    e.users.insert(container_id);
    if (!running) return;
    e.active.insert(container_id);
    if (e.volume.needs_mount() && !e.mounted)
        spdlog::warn("volumes: {} is not mounted on the host any more; running container {} keeps its own view",
                     name, container_id);
}

void VolumeService::unmount_idle() {
    std::lock_guard lock(mu_);
    for (auto &[name, e] : volumes_)
        if (e.mounted && e.active.empty()) unmount_locked(e);
}

void VolumeService::remove(const std::string &name, bool force) {
    std::lock_guard lock(mu_);
    auto it = volumes_.find(name);
    if (it == volumes_.end()) {
        if (force) return; // dockerd: `volume rm -f` of a missing volume succeeds
        throw NotFound("get " + name + ": no such volume");
    }
    if (!it->second.users.empty())
        throw Conflict("remove " + name + ": volume is in use - [" + join(it->second.users) + "]");
    delete_locked(name);
}

void VolumeService::delete_locked(const std::string &name) {
    Entry &e = volumes_.at(name);
    if (e.mounted) {
        unmount_volume(e.volume.mountpoint);
        e.mounted = false;
    }
    const std::string driver = e.volume.driver;
    delete_tree(root_ / name);
    volumes_.erase(name);
    if (events_) events_->log("volume", "destroy", name, {{"driver", driver}});
}

PruneReport VolumeService::prune(const std::function<bool(const Volume &)> &select) {
    std::lock_guard lock(mu_);
    std::vector<std::string> doomed;
    for (const auto &[name, e] : volumes_)
        if (e.volume.driver == kLocalDriver && e.users.empty() && select(e.volume)) doomed.push_back(name);
    PruneReport report;
    for (const auto &name : doomed) {
        const int64_t bytes = directory_size(volumes_.at(name).volume.mountpoint);
        try {
            delete_locked(name);
        } catch (const std::exception &ex) {
            spdlog::warn("volumes: prune could not remove {}: {}", name, ex.what());
            continue;
        }
        report.deleted.push_back(name);
        report.space_reclaimed += uint64_t(bytes);
    }
    return report;
}

int64_t VolumeService::size(const std::string &name) const {
    fs::path data;
    {
        std::lock_guard lock(mu_);
        data = entry_locked(name).volume.mountpoint;
    }
    return directory_size(data);
}

} // namespace berth::volumes
