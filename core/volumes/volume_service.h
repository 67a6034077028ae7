// volume_service.h — every volume the daemon knows, with dockerd's layout
// under <data-root>/volumes: <name>/_data holds the data and
// <name>/volume.json the metadata (atomic writes). Thread-safe.
//
// Who uses a volume is not stored here: containers name their volumes in
// their own records, and the container service tells this service at start
// (adopt) and as containers come and go:
//   create container  -> reference(name, id)   the volume is "in use"
//   start             -> acquire(name, id)     mounts on first active user,
//                                              returns the path to bind
//   stop              -> release(name, id)     unmounts after the last one
//   remove container  -> dereference(name, id)
// A volume with references cannot be removed or pruned (409 / skipped), as
// with dockerd, where stopped containers keep their volumes "in use".
#pragma once

#include "volumes/volume.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace berth::events {
class EventLog;
}

namespace berth::volumes {

struct PruneReport {
    std::vector<std::string> deleted; // names
    uint64_t space_reclaimed = 0;     // bytes
};

class VolumeService {
public:
    // Loads every <data_root>/volumes/<name>/: records that cannot be read
    // are logged and skipped (listed in load_errors()); kill -9 leftovers
    // (temp files, a directory made without its record) are swept; a
    // directory with _data but no record (dockerd's layout) is taken as a
    // plain local volume. Options volumes already mounted are noted, so the
    // first acquire does not mount them a second time.
    explicit VolumeService(std::filesystem::path data_root);

    // userns-remap: new volumes' _data belongs to the containers' root
    // (host ids uid/gid), and their directory can be passed through by it.
    void set_root_identity(uint32_t uid, uint32_t gid) {
        root_uid_ = uid;
        root_gid_ = gid;
    }

    const std::vector<std::string> &load_errors() const { return load_errors_; }
    const std::filesystem::path &root() const { return root_; }

    // `docker volume create` and `docker run -v name:/x`: the volume named
    // `name`, made first if missing (Docker returns an existing one as is).
    // name "" makes an anonymous volume (64 hex, label
    // com.docker.volume.anonymous=""). driver "" means "local". Throws
    // InvalidArgument (bad name or options), NotFound (unknown driver).
    // *created (when given) tells whether this call made it: only a fresh
    // volume gets the image's content (copy_up).
    Volume ensure(const std::string &name, const std::string &driver = kLocalDriver,
                  std::optional<StringMap> labels = std::nullopt, std::optional<StringMap> options = std::nullopt,
                  bool *created = nullptr);

    // Throws NotFound "get <name>: no such volume".
    Volume get(const std::string &name) const;
    std::optional<Volume> find(const std::string &name) const;
    std::vector<Volume> list() const; // by name

    // Containers referencing the volume, sorted; empty = dangling.
    std::vector<std::string> users(const std::string &name) const;
    // Containers holding it mounted right now (a subset of users()).
    std::vector<std::string> active_users(const std::string &name) const;
    bool is_mounted(const std::string &name) const;

    // Throws NotFound for an unknown volume.
    void reference(const std::string &name, const std::string &container_id);
    // Also ends an active hold (release) the container still has. With
    // remove_if_anonymous (`docker rm -v`, `run --rm`), an anonymous volume
    // nobody else references is deleted too; named volumes always stay.
    // Unknown names are ignored.
    void dereference(const std::string &name, const std::string &container_id, bool remove_if_anonymous = false);
    // Host path to bind into the container (<volume>/_data). Mounts an
    // options volume when it is its first active user. Acquiring twice for
    // one container counts once. Throws NotFound, InternalError (mount).
    std::filesystem::path acquire(const std::string &name, const std::string &container_id);
    // Unmounts an options volume when its last active user leaves. The
    // reference stays (see dereference). Unknown names/ids are ignored.
    void release(const std::string &name, const std::string &container_id);
    // At daemon start, from each container record: reference it, and when
    // the container is still running count it as an active user without
    // mounting again (its mount namespace already has the bind).
    void adopt(const std::string &name, const std::string &container_id, bool running);
    // After every container was adopted: unmount options volumes that are
    // mounted but have no active user (a kill -9 of the daemon left them).
    void unmount_idle();

    // `docker volume rm [-f]`. Throws Conflict "remove <name>: volume is in
    // use - [<ids>]", NotFound "get <name>: no such volume" (not with force:
    // dockerd's -f ignores missing volumes).
    void remove(const std::string &name, bool force);

    // Removes every unreferenced local volume select() accepts, with the
    // bytes each held. Volumes that fail to go are logged and kept.
    PruneReport prune(const std::function<bool(const Volume &)> &select);

    // Bytes in the volume's _data (for `docker system df`'s UsageData).
    int64_t size(const std::string &name) const;

    // Where create/destroy events go (events/event_log.h); null: nowhere.
    // Mount and unmount are the container service's (it knows the mount point).
    void set_events(events::EventLog *log) { events_ = log; }

private:
    struct Entry {
        Volume volume;
        std::set<std::string> users;  // referencing containers
        std::set<std::string> active; // containers holding the mount
        bool mounted = false;         // an options volume mounted on _data
    };

    void load();
    Volume make_volume_locked(const std::string &name, const std::string &driver, std::optional<StringMap> labels,
                              std::optional<StringMap> options);
    Entry &entry_locked(const std::string &name);
    const Entry &entry_locked(const std::string &name) const;
    void unmount_locked(Entry &e);
    // Deletes the volume's directory (unmounting anything inside first, so
    // a bind volume never takes its host directory with it).
    void delete_locked(const std::string &name);

    std::filesystem::path root_; // <data-root>/volumes
    uint32_t root_uid_ = 0, root_gid_ = 0; // see set_root_identity
    mutable std::mutex mu_;
    std::map<std::string, Entry> volumes_;
    std::vector<std::string> load_errors_;
    events::EventLog *events_ = nullptr;
};

} // namespace berth::volumes
