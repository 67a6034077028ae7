#pragma once

#include <string>
#include <vector>

#include "cli_context.h"

// `berth system df|prune` over /system/df and the prune endpoints, with
// docker 28's flags, prompts and output. Options structs and run functions
// so tests can call them against a fake daemon.
namespace berth::cli {

struct SystemDfOptions {
    bool verbose = false;
    std::string format;
};
int run_system_df(const CliContext& ctx, const SystemDfOptions& options);

struct SystemPruneOptions {
    bool all = false;      // every unused image, not only dangling ones
    bool volumes = false;  // anonymous volumes no container uses
    bool force = false;
    std::vector<std::string> filters;
};
int run_system_prune(const CliContext& ctx, const SystemPruneOptions& options);

// docker's confirmation text of `system prune`, without the question line.
std::string system_prune_warning(const SystemPruneOptions& options);

void add_system_df_command(CLI::App& parent, CliContext& ctx);
void add_system_prune_command(CLI::App& parent, CliContext& ctx);

}  // namespace berth::cli
