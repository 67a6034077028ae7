// state_file.hpp — the driver's records on disk (<home_dir>/state.json),
// written atomically (temp file, fsync, rename) after every change so a
// berthd restart adopts what the previous run created.
#pragma once

#include "records.hpp"

#include <string>

namespace berth::netbridge {

class StateFile {
public:
    explicit StateFile(std::string dir);
    ~StateFile();
    StateFile(const StateFile &) = delete;
    StateFile &operator=(const StateFile &) = delete;
    const std::string &path() const { return path_; }
    // Take <dir>/state.lock (flock, non-blocking) unless held already. During
    // a hot swap the old generation holds it until its fini, which tells the
    // new one not to adopt on its own: its records arrive by import_state.
    bool try_lock();
    // Empty state when the file does not exist; sdk::error on a bad file.
    DriverState load() const;
    void save(const DriverState &state) const;

private:
    std::string path_, lock_path_;
    int lock_fd_ = -1;
};

} // namespace berth::netbridge
