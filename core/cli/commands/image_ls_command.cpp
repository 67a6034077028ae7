#include <chrono>
#include <memory>
#include <ostream>

#include <CLI/CLI.hpp>

#include "api_path.h"
#include "commands/image_commands.h"
#include "daemon_reply.h"
#include "errors.h"
#include "exit_codes.h"
#include "format_output.h"
#include "format_template.h"
#include "image_list.h"
#include "query_string.h"

// `berth images [REPO[:TAG]]` / `berth image ls`: GET /images/json, printed
// with docker's table (or -q IDs, or a --format template).
namespace berth::cli {

int run_images(const CliContext& ctx, const ImagesOptions& options) {
    QueryString query;
    if (options.all) query.add("all", "1");
    const std::string filters = image_filters_json(options.filters, options.reference);
    if (!filters.empty()) query.add("filters", filters);
    // Parse the template before asking the daemon, so a typo fails fast.
    std::string format = options.format;
    if (options.quiet) format = "{{.ID}}";
    if (format.empty() || format == "table") format = default_image_format(options.digests);
    const FormatTemplate tmpl(format);

    const nlohmann::json images = json_reply(ctx.client().request("GET", api_path("/images/json" + query.str())));
    if (!images.is_array()) throw CliError("the daemon sent an /images/json reply that is not a JSON array");

    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    const auto rows = image_rows(images, {options.digests, options.no_trunc}, now);
    print_formatted(*ctx.console.out, tmpl, rows, image_titles());
    return exit_code::kOk;
}

void add_images_command(CLI::App& parent, CliContext& ctx, const std::string& name) {
    auto options = std::make_shared<ImagesOptions>();
    CLI::App* cmd = parent.add_subcommand(name, "List images");
    if (name == "ls") cmd->alias("list");
    cmd->add_option("REPOSITORY", options->reference, "Show images of this repository ([REPO[:TAG]])");
    cmd->add_flag("-a,--all", options->all, "Show all images (default hides intermediate images)");
    cmd->add_flag("-q,--quiet", options->quiet, "Only show image IDs");
    cmd->add_flag("--digests", options->digests, "Show digests");
    cmd->add_flag("--no-trunc", options->no_trunc, "Don't truncate output");
    cmd->add_option("-f,--filter", options->filters, "Filter output based on conditions provided (key=value)")
        ->allow_extra_args(false);
    cmd->add_option("--format", options->format,
                    "Format output using a custom template: 'table', 'table TEMPLATE', 'json' or 'TEMPLATE'");
    on_selected(*cmd, ctx, [&ctx, options] { return run_images(ctx, *options); });
}

}  // namespace berth::cli
