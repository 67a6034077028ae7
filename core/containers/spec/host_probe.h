// host_probe.h — fills the HostFacts a caller left unset by looking at this
// host (kernel, cgroup files, AppArmor, CPUs). Kept apart so tests pin facts
// and never depend on the machine they run on.
#pragma once

#include "containers/spec/spec_input.h"

namespace berth::containers::spec {

// Returns a copy with every std::optional fact and an empty arch filled in.
HostFacts probe_missing_host_facts(HostFacts facts);

} // namespace berth::containers::spec
