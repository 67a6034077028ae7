#include <memory>

#include <CLI/CLI.hpp>

#include "api_path.h"
#include "commands/image_commands.h"
#include "daemon_reply.h"
#include "exit_codes.h"
#include "image_names.h"
#include "query_string.h"

// `berth tag SOURCE TARGET`: POST /images/{source}/tag?repo=&tag= with the
// target normalised ("docker.io/library/x") and "latest" when untagged.
namespace berth::cli {

int run_tag(const CliContext& ctx, const TagOptions& options) {
    const TagTarget target = tag_target(options.target);
    QueryString query;
    query.add("repo", target.repo).add("tag", target.tag);
    throw_if_daemon_error(
        ctx.client().request("POST", api_path("/images/" + image_path(options.source) + "/tag" + query.str())));
    return exit_code::kOk;
}

void add_tag_command(CLI::App& parent, CliContext& ctx) {
    auto options = std::make_shared<TagOptions>();
    CLI::App* cmd = parent.add_subcommand("tag", "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE");
    cmd->add_option("SOURCE_IMAGE", options->source, "SOURCE_IMAGE[:TAG]")->required();
    cmd->add_option("TARGET_IMAGE", options->target, "TARGET_IMAGE[:TAG]")->required();
    on_selected(*cmd, ctx, [&ctx, options] { return run_tag(ctx, *options); });
}

}  // namespace berth::cli
