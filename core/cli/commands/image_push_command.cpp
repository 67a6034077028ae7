#include <memory>
#include <ostream>

#include <CLI/CLI.hpp>

#include "api_path.h"
#include "commands/image_commands.h"
#include "commands/progress_request.h"
#include "exit_codes.h"
#include "image_names.h"
#include "query_string.h"
#include "registry_login.h"

// `berth push NAME[:TAG]`: POST /images/{name}/push?tag= with the login for
// the image's registry. The name in the path is the familiar one
// ("localhost:5000/app"), as docker sends it.
namespace berth::cli {

int run_push(const CliContext& ctx, const PushOptions& options) {
    const PushTarget target = push_target(options.name, options.all_tags);
    if (target.default_tag_added && !options.quiet) *ctx.console.out << "Using default tag: latest\n";

    QueryString query;
    if (target.tag) query.add("tag", *target.tag);
    ProgressRequest request;
    const std::string path = api_path("/images/" + image_path(target.name) + "/push" + query.str());
    request.target = path;
    request.headers = {{"X-Registry-Auth", registry_auth_header(credentials_file(), target.domain)}};
    request.quiet = options.quiet;
    run_progress_request(ctx, request);
    // docker -q prints the name pushed; without -q the stream said it all.
    if (options.quiet) *ctx.console.out << options.name << '\n';
    return exit_code::kOk;
}

void add_push_command(CLI::App& parent, CliContext& ctx) {
    auto options = std::make_shared<PushOptions>();
    CLI::App* cmd = parent.add_subcommand("push", "Upload an image to a registry");
    cmd->add_option("NAME", options->name, "Image: NAME[:TAG]")->required();
    cmd->add_flag("-a,--all-tags", options->all_tags, "Push all tags of an image to the repository");
    cmd->add_flag("-q,--quiet", options->quiet, "Suppress verbose output");
    on_selected(*cmd, ctx, [&ctx, options] { return run_push(ctx, *options); });
}

}  // namespace berth::cli
