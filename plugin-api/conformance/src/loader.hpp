// loader.hpp — dlopen a plugin file and check its descriptor the way
// berthd does (abi.h, "the host reads and checks the descriptor before it
// runs any other plugin code"). Each check is a case; the first failure
// ends the run, because the host would refuse the file there.
#pragma once

#include "report.hpp"

#include <berth/abi.h>

#include <optional>
#include <string>
#include <vector>

namespace conformance {

struct Loaded {
    void *handle = nullptr;
    const berth_plugin_descriptor *desc = nullptr;
    const berth_driver_entry *entry = nullptr; // the storage driver under test
};

// driver: the storage driver's name, "" for the first storage driver.
std::optional<Loaded> load_plugin(const std::string &path, const std::string &driver, Reporter &rep);

// The load and descriptor case names, in order (for --list).
const std::vector<std::pair<const char *, const char *>> &load_cases();

} // namespace conformance
