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
    const std::string &path() const { return path_; }
    // Empty state when the file does not exist; sdk::error on a bad file.
    DriverState load() const;
    void save(const DriverState &state) const;

private:
    std::string path_;
};

} // namespace berth::netbridge
