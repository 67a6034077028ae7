#include <istream>
#include <memory>
#include <ostream>
#include <string>

#include <CLI/CLI.hpp>

#include "api_path.h"
#include "byte_units.h"
#include "commands/image_commands.h"
#include "daemon_reply.h"
#include "errors.h"
#include "exit_codes.h"
#include "image_list.h"
#include "json_text.h"
#include "query_string.h"

// `berth image prune [-a] [-f]`: POST /images/prune with dangling=true (only
// untagged images) or, with -a, dangling=false (every unused image), after a
// confirmation unless -f. Output and wording are docker's.
namespace berth::cli {
namespace {

constexpr std::string_view kDanglingWarning = "WARNING! This will remove all dangling images.";
constexpr std::string_view kAllWarning =
    "WARNING! This will remove all images without at least one container associated to them.";

bool confirm(const Console& console, std::string_view warning) {
    std::ostream& out = *console.out;
    out << warning << "\nAre you sure you want to continue? [y/N] ";
    out.flush();
    std::string answer;
    if (console.in == nullptr || !std::getline(*console.in, answer)) {
        out << '\n';
        return false;
    }
    while (!answer.empty() && (answer.back() == '\r' || answer.back() == ' ')) answer.pop_back();
    return answer == "y" || answer == "Y";
}

}  // namespace

int run_image_prune(const CliContext& ctx, const PruneOptions& options) {
    std::vector<std::string> filters = options.filters;
    filters.push_back(options.all ? "dangling=false" : "dangling=true");
    const std::string filter_json = image_filters_json(filters, "");

    if (!options.force && !confirm(ctx.console, options.all ? kAllWarning : kDanglingWarning))
        throw CliError("image prune has been cancelled");

    QueryString query;
    query.add("filters", filter_json);
    const nlohmann::json report = json_reply(ctx.client().request("POST", api_path("/images/prune" + query.str())));

    std::ostream& out = *ctx.console.out;
    const auto& deleted = array_field(report, "ImagesDeleted");
    if (!deleted.empty()) {
        out << "Deleted Images:\n";
        for (const auto& item : deleted) {
            if (auto untagged = field_text(item, "Untagged"); untagged && !untagged->empty())
                out << "untagged: " << *untagged << '\n';
            else if (auto removed = field_text(item, "Deleted"))
                out << "deleted: " << *removed << '\n';
        }
        out << '\n';
    }
    const auto reclaimed = report.is_object() ? report.find("SpaceReclaimed") : report.end();
    const double bytes = reclaimed != report.end() && reclaimed->is_number() ? reclaimed->get<double>() : 0.0;
    out << "Total reclaimed space: " << decimal_size(bytes) << '\n';
    out.flush();
    return exit_code::kOk;
}

void add_image_prune_command(CLI::App& parent, CliContext& ctx) {
    auto options = std::make_shared<PruneOptions>();
    CLI::App* cmd = parent.add_subcommand("prune", "Remove unused images");
    cmd->add_flag("-a,--all", options->all, "Remove all unused images, not just dangling ones");
    cmd->add_flag("-f,--force", options->force, "Do not prompt for confirmation");
    cmd->add_option("--filter", options->filters, "Provide filter values (e.g. \"until=<timestamp>\")")
        ->allow_extra_args(false);
    on_selected(*cmd, ctx, [&ctx, options] { return run_image_prune(ctx, *options); });
}

}  // namespace berth::cli
