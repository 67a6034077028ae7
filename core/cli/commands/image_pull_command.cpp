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

// `berth pull NAME[:TAG|@DIGEST]`: POST /images/create?fromImage=&tag= with
// the login for the image's registry, showing the daemon's progress and then
// the full reference pulled, as `docker pull` does.
namespace berth::cli {

int run_pull(const CliContext& ctx, const PullOptions& options) {
    const PullTarget target = pull_target(options.name, options.all_tags);
    std::ostream& out = *ctx.console.out;
    if (target.default_tag_added && !options.quiet) out << "Using default tag: latest\n";

    QueryString query;
    query.add("fromImage", target.from_image);
    if (target.tag) query.add("tag", *target.tag);
    if (!options.platform.empty()) query.add("platform", options.platform);

    ProgressRequest request;
    const std::string path = api_path("/images/create" + query.str());
    request.target = path;
    request.headers = {{"X-Registry-Auth", registry_auth_header(credentials_file(), target.domain)}};
    request.quiet = options.quiet;
    run_progress_request(ctx, request);

    out << target.reference << '\n';
    out.flush();
    return exit_code::kOk;
}

void add_pull_command(CLI::App& parent, CliContext& ctx) {
    auto options = std::make_shared<PullOptions>();
    CLI::App* cmd = parent.add_subcommand("pull", "Download an image from a registry");
    cmd->add_option("NAME", options->name, "Image: NAME[:TAG|@DIGEST]")->required();
    cmd->add_flag("-a,--all-tags", options->all_tags, "Download all tagged images in the repository");
    cmd->add_flag("-q,--quiet", options->quiet, "Suppress verbose output");
    cmd->add_option("--platform", options->platform, "Set platform if server is multi-platform capable");
    on_selected(*cmd, ctx, [&ctx, options] { return run_pull(ctx, *options); });
}

}  // namespace berth::cli
