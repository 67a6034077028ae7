#include <memory>
#include <ostream>
#include <string>

#include <CLI/CLI.hpp>

#include "api_path.h"
#include "commands/image_commands.h"
#include "daemon_reply.h"
#include "errors.h"
#include "exit_codes.h"
#include "json_text.h"
#include "query_string.h"

// `berth rmi NAME...` / `berth image rm`: DELETE /images/{name} per name,
// printing what the daemon untagged and deleted. A failing name does not
// stop the others; all failures are reported at the end (exit 1).
namespace berth::cli {

int run_rmi(const CliContext& ctx, const RmiOptions& options) {
    QueryString query;
    if (options.force) query.add("force", "1");
    if (options.no_prune) query.add("noprune", "1");
    const DaemonClient client = ctx.client();
    std::ostream& out = *ctx.console.out;
    std::string errors;
    for (const auto& name : options.names) {
        nlohmann::json deleted;
        try {
            deleted = json_reply(client.request("DELETE", api_path("/images/" + image_path(name) + query.str())));
        } catch (const DaemonError& e) {
            errors += (errors.empty() ? "" : "\n") + std::string(e.what());
            continue;
        }
        if (!deleted.is_array()) continue;
        for (const auto& item : deleted) {
            if (auto untagged = field_text(item, "Untagged")) out << "Untagged: " << *untagged << '\n';
            if (auto removed = field_text(item, "Deleted")) out << "Deleted: " << *removed << '\n';
        }
    }
    out.flush();
    if (!errors.empty()) throw CliError(errors);
    return exit_code::kOk;
}

void add_rmi_command(CLI::App& parent, CliContext& ctx, const std::string& name) {
    auto options = std::make_shared<RmiOptions>();
    CLI::App* cmd = parent.add_subcommand(name, "Remove one or more images");
    if (name == "rm") cmd->alias("remove");
    cmd->add_option("IMAGE", options->names, "Images to remove")->required();
    cmd->add_flag("-f,--force", options->force, "Force removal of the image");
    cmd->add_flag("--no-prune", options->no_prune, "Do not delete untagged parents");
    on_selected(*cmd, ctx, [&ctx, options] { return run_rmi(ctx, *options); });
}

}  // namespace berth::cli
