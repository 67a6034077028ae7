#pragma once

#include <functional>

#include "console.h"
#include "daemon_client.h"
#include "global_options.h"

namespace CLI {
class App;
}

// State shared by all commands for one invocation of berth.
namespace berth::cli {

struct CliContext {
    GlobalOptions global;

    // Where commands read and write. Image and login commands use it; tests
    // point it at string streams.
    Console console = Console::standard();

    // What to run, chosen while parsing. Commands only record their work
    // here; main() runs it after parsing finishes so that every error and
    // exit status is handled in one place. Returns the exit status.
    std::function<int()> action;

    // A client for the daemon named by the global options. Built on demand
    // so commands that never talk to the daemon do not validate -H.
    DaemonClient client() const { return DaemonClient(client_config(global)); }
};

// Makes `command`, when it is the one selected on the command line, set
// ctx.action to run.
void on_selected(CLI::App& command, CliContext& ctx, std::function<int()> run);

}  // namespace berth::cli
