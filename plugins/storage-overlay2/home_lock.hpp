// home_lock.hpp — tells a daemon restart from a hot swap. Every live driver
// instance holds a shared flock on home/.instances.lock for its lifetime.
// init() first tries it exclusively: if that works no other instance is alive
// (the previous one ended or crashed), so mounts and "*-tmp-*" leftovers under
// home are stale and may be swept. During a hot swap the old generation still
// holds its shared lock; the new one must then leave the old one's mounts
// and half-made layers alone (it adopts the mounts lazily instead).
#pragma once

#include "fs_util.hpp"

#include <filesystem>

namespace berth::overlay2 {

class HomeLock {
public:
    explicit HomeLock(const std::filesystem::path &home);
    // True when no other instance holds the lock; we then hold it alone.
    bool try_exclusive();
    // Hold it shared from now on (blocks while another init holds it
    // exclusively).
    void share();

private:
    std::filesystem::path path_;
    Fd fd_;
};

} // namespace berth::overlay2
