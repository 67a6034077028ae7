#pragma once

#include <string>
#include <vector>

#include "cli_context.h"

namespace CLI {
class App;
}

// The `berth` command tree, built the same way for main() and for the tests
// that walk it (help texts, completion).
namespace berth::cli {

// Version flag, global options and every command, on a fresh root app.
void build_cli(CLI::App& app, CliContext& ctx);

// What main() builds for args (argv without the program name): the version
// flag, the global options and only the top-level commands args names, when
// that cannot change what berth does; otherwise the whole tree, as
// build_cli. Building every command costs milliseconds, more than a short
// command such as `berth run --rm IMAGE true` spends on anything else.
void build_cli_for(CLI::App& app, CliContext& ctx, const std::vector<std::string>& args);

}  // namespace berth::cli
