// case.hpp — what a conformance case is and what it gets to work with.
#pragma once

#include "driver.hpp"
#include "kit_host.hpp"
#include "layers.hpp"

#include <functional>
#include <string>
#include <vector>

namespace conformance {

struct Ctx {
    Driver &drv;
    Layers &layers;
    KitHost &host;
    std::string home;    // the driver's home_dir
    std::string scratch; // this case's own temp dir (tars), removed after it
    std::string outside; // a dir outside home for escape canaries
    // fini the driver instance and init a new one on the same home, as a
    // daemon restart does; fails the case if init does not return OK.
    std::function<void()> restart;

    std::string scratch_file(const std::string &name) const { return scratch + "/" + name; }
};

struct Case {
    const char *name;  // stable, for --filter and CI logs
    const char *about; // one line for --list
    void (*run)(Ctx &);
};

// Every storage case, in the order they run (registry.cpp).
const std::vector<Case> &storage_cases();

} // namespace conformance
