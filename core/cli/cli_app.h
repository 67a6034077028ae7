#pragma once

#include "cli_context.h"

namespace CLI {
class App;
}

// The whole `berth` command tree, built the same way for main() and for the
// tests that walk it (help texts, completion).
namespace berth::cli {

// Version flag, global options and every command, on a fresh root app.
void build_cli(CLI::App& app, CliContext& ctx);

}  // namespace berth::cli
