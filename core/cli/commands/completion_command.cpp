#include "commands/completion_command.h"

#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "completion_script.h"
#include "errors.h"
#include "exit_codes.h"

// `berth completion bash`, like `docker completion bash`: the script is
// built from the command tree at the time it is asked for, so it always
// matches this binary.
namespace berth::cli {

void add_completion_command(CLI::App& app, CliContext& ctx) {
    CLI::App* cmd = app.add_subcommand("completion", "Generate the autocompletion script for the specified shell");
    cmd->footer("Load completions in the current shell:  source <(berth completion bash)");
    auto shell = std::make_shared<std::string>();
    cmd->add_option("shell", *shell, "Shell to generate completions for (bash)")->required();
    const CLI::App* root = &app;
    on_selected(*cmd, ctx, [&ctx, shell, root] {
        if (*shell != "bash") throw UsageError("unsupported shell \"" + *shell + "\": berth completes bash only");
        *ctx.console.out << bash_completion_script(*root);
        ctx.console.out->flush();
        return exit_code::kOk;
    });
}

}  // namespace berth::cli
