#include "plugins/resident_libraries.h"

#include <mutex>
#include <vector>

namespace berth::plugins {

void keep_resident(std::shared_ptr<void> library) {
    if (!library) return;
    static std::mutex mutex;
    // Deliberately leaked: destroying it at exit would dlclose libraries
    // whose threads may still run during static destruction.
    static auto *resident = new std::vector<std::shared_ptr<void>>();
    std::lock_guard lock(mutex);
    resident->push_back(std::move(library));
}

} // namespace berth::plugins
