// build_spec.h — the OCI runtime spec (config.json) of one container, built
// the way dockerd builds it (runtime-defaults.md): defaults, then the image
// config and the create request layered on top.
#pragma once

#include "containers/spec/spec_input.h"

#include <string>

namespace berth::containers::spec {

// The config.json text. Throws SpecError (InvalidArgument → 400, NotFound →
// 404) with Docker's wording for anything the request gets wrong.
std::string build_spec(const SpecInput &input);

} // namespace berth::containers::spec
