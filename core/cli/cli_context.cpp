#include "cli_context.h"

#include <utility>

#include <CLI/CLI.hpp>

namespace berth::cli {

void on_selected(CLI::App& command, CliContext& ctx, std::function<int()> run) {
    command.callback([&ctx, run = std::move(run)] { ctx.action = run; });
}

}  // namespace berth::cli
