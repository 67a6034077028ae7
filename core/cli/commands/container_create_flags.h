#pragma once

#include <functional>

#include "create_request.h"

namespace CLI {
class App;
}

// The flags `run` and `create` share, registered onto `cmd` and filled into
// `options`. Flags whose absence differs from a zero value (--entrypoint "",
// --stop-timeout, --pids-limit, --health-*) are only known after parsing:
// call the returned function before using `options`.
namespace berth::cli {

std::function<void()> add_create_flags(CLI::App& cmd, ContainerCreateOptions& options, bool for_run);

}  // namespace berth::cli
