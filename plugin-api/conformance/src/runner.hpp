// runner.hpp — run the storage cases: one fresh scratch dir and layer set
// per case, verdict from how the case ended, then the case's clean-up,
// which is part of the verdict (a driver that cannot put or remove what the
// case made fails it, as does a mount left behind).
#pragma once

#include "case.hpp"
#include "report.hpp"

#include <functional>
#include <string>

namespace conformance {

struct RunEnv {
    Driver &drv;
    KitHost &host;
    std::string home;
    std::string scratch_root; // per-case scratch dirs go here
    std::string outside;      // canaries, outside home
    std::function<void()> restart;
    std::string filter; // run cases whose name contains it ("" = all)
};

// Ops storage.h documents as optional: a case that needs one the driver
// lacks is skipped, not failed.
bool is_optional(Op op);

void run_storage_cases(const RunEnv &env, Reporter &rep);

} // namespace conformance
