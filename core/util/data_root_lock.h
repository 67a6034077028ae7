// data_root_lock.h — one daemon per data root. An flock on
// <data-root>/berthd.lock is held for the daemon's life; the kernel drops it
// when the process dies, even by kill -9, so a stale lock never blocks a
// restart.
#pragma once

#include <filesystem>
#include <stdexcept>

namespace berth::util {

class DataRootLock {
public:
    // Creates the data root if needed. Throws std::runtime_error
    // ("data root X is in use by another berthd (pid N)") when held.
    explicit DataRootLock(const std::filesystem::path &data_root);
    ~DataRootLock();
    DataRootLock(const DataRootLock &) = delete;
    DataRootLock &operator=(const DataRootLock &) = delete;

private:
    int fd_ = -1;
};

} // namespace berth::util
