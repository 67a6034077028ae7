// attack.hpp — the harness behind the malicious-diff cases: apply a hostile
// tar to a fresh read-only layer, then look for its marker file outside the
// layer (in the driver's home and in a canary directory outside home that
// the hostile names aim at).
//
// storage.h: apply_diff "must refuse anything that would write outside the
// layer (BERTH_E_INVAL naming the entry)". Entries whose plain meaning is
// outside (".." components, hard links out) must be refused. Entries that a
// careful driver may also confine to the layer (absolute names, writes
// through a symlink resolved inside the root) may be either refused or
// contained; in both cases nothing may appear outside.
#pragma once

#include "../case.hpp"
#include "../tar_build.hpp"

#include <functional>
#include <string>
#include <vector>

namespace conformance {

struct Attack {
    std::string marker;  // a unique name; every hostile entry ends in or contains it
    std::string canary;  // an absolute dir outside home, made fresh for the attack
    std::string canary_rel; // canary without its leading "/"
    // "../" repeated far past any layer depth, so "<up><canary_rel>" from a
    // layer root reaches the canary on a driver that does not confine names.
    std::string up;
};

Attack prepare_attack(Ctx &ctx);

// must_refuse: OK is a failure even if nothing escaped.
// what: the hostile entry, for messages ("an entry named ../escape-ab12").
// harm: more damage to look for outside (before the canary is removed).
using HarmCheck = std::function<std::vector<std::string>()>;
void run_attack(Ctx &ctx, const Attack &a, const std::vector<TarSpec> &tar, bool must_refuse, const std::string &what,
                const HarmCheck &harm = {});

} // namespace conformance
