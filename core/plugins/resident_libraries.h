// resident_libraries.h — libraries that are never unloaded. A retired
// generation without BERTH_CAP_UNLOADABLE parks its library handle here for
// the life of the process instead of calling dlclose.
#pragma once

#include <memory>

namespace berth::plugins {

void keep_resident(std::shared_ptr<void> library);

} // namespace berth::plugins
