// layer_locks.hpp — one mutex and one mount count per layer id, so
// operations on different layers run in parallel (BERTH_CAP_THREADSAFE)
// while get/put/remove on the same layer serialise. Entries exist only
// while someone holds or waits for the lock or the layer is mounted by us,
// so the table does not grow with every layer ever seen.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace berth::overlay2 {

struct MountCount {
    int count = 0;
    // Whether the kernel's mount table has been consulted for this entry: a
    // mount we find there but did not make (a previous plugin generation's,
    // during a hot swap) counts as one reference, like dockerd's RefCounter.
    bool checked = false;
};

class LayerLocks {
    struct Entry {
        std::mutex mu;
        std::size_t users = 0; // guards holding or waiting; under LayerLocks::mu_
        MountCount mounts;     // under Entry::mu
    };

public:
    // Holds one layer's lock; gives access to its mount count.
    class Guard {
    public:
        Guard(LayerLocks &owner, std::string id);
        ~Guard();
        Guard(const Guard &) = delete;
        Guard &operator=(const Guard &) = delete;
        MountCount &mounts() { return entry_->mounts; }

    private:
        LayerLocks &owner_;
        std::string id_;
        Entry *entry_;
        std::unique_lock<std::mutex> lock_;
    };

    Guard lock(const std::string &id) { return Guard(*this, id); }
    // Ids this instance currently counts as mounted (for cleanup).
    std::vector<std::string> mounted_ids();

private:
    std::mutex mu_;
    std::unordered_map<std::string, std::unique_ptr<Entry>> entries_;
};

} // namespace berth::overlay2
