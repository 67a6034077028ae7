#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli_app.h"
#include "cli_context.h"
#include "commands/commands.h"
#include "errors.h"
#include "exit_codes.h"

// berth: parse the command line, run the one selected command, and turn
// whatever it throws into a message on stderr plus a docker-compatible exit
// status. Commands never print errors or pick exit codes for failures
// themselves; see errors.h.

namespace {

using namespace berth::cli;


int run_action(const CliContext& ctx) {
    try {
        return ctx.action();
    } catch (const CliError& e) {
        // Whatever the command printed so far should come before the error
        // when both streams go to the same terminal or file.
        std::cout.flush();
        std::cerr << e.what() << '\n';
        return e.exit_status();
    } catch (const std::exception& e) {
        std::cout.flush();
        std::cerr << "berth: " << e.what() << '\n';
        return exit_code::kFailure;
    }
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app("Berth: a Docker-compatible container engine", "berth");
    CliContext ctx;
    // The command tree lives in cli_app.cpp so tests can build the same one;
    // only the part this command line can reach, since building it all
    // would take most of the time of a short command.
    build_cli_for(app, ctx, std::vector<std::string>(argv + 1, argv + argc));

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // --help and --version arrive here as "errors" with status 0; real
        // parse errors get docker's 125 instead of CLI11's own numbers.
        const int status = app.exit(e);
        return status == 0 ? exit_code::kOk : exit_code::kUsage;
    }

    // Only a group was named (`berth`, `berth plugin`): show what it offers,
    // as docker does. help() descends into the selected subcommands.
    if (!ctx.action) {
        std::cout << app.help();
        return exit_code::kOk;
    }
    return run_action(ctx);
}
