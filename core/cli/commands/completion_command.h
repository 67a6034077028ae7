#pragma once

#include "cli_context.h"

// `berth completion bash`: prints the shell completion script.
namespace berth::cli {

void add_completion_command(CLI::App& app, CliContext& ctx);

}  // namespace berth::cli
