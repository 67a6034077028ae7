#pragma once

#include <string>

namespace CLI {
class App;
}

// Bash completion for berth, generated from the CLI11 command tree so it
// never drifts from the real commands and flags. Names of containers,
// images, networks and volumes are completed at TAB time by running berth
// itself with --format, against the daemon the command line names (-H) or
// $BERTH_HOST.
namespace berth::cli {

std::string bash_completion_script(const CLI::App& root);

// What a command's positional arguments name, by its path below the root
// ("rm", "container rm", "network connect"): "containers", "images",
// "networks", "volumes" or "" (nothing to look up).
std::string positional_kind(const std::string& path);

}  // namespace berth::cli
