#include <algorithm>
#include <cstdint>
#include <memory>
#include <ostream>
#include <string>

#include <CLI/CLI.hpp>

#include "api_path.h"
#include "byte_units.h"
#include "commands/system_commands.h"
#include "confirm_prompt.h"
#include "container_api.h"
#include "daemon_reply.h"
#include "errors.h"
#include "exit_codes.h"
#include "json_text.h"
#include "query_string.h"

// `berth system prune [-a] [--volumes] [-f] [--filter k=v]`: docker's prune
// calls in docker's order (containers, networks, volumes, images, build
// cache), each one's "Deleted ...:" section, then one total. The filters go
// to every call; images also get dangling=true (or false with -a).
namespace berth::cli {
namespace {

struct PruneStep {
    std::uint64_t reclaimed = 0;
    std::string output;  // "" when nothing went
};

std::uint64_t space_reclaimed(const nlohmann::json& report) {
    const auto it = report.is_object() ? report.find("SpaceReclaimed") : report.end();
    return it != report.end() && it->is_number() ? it->get<std::uint64_t>() : 0;
}

nlohmann::json post_prune(const CliContext& ctx, const std::string& path, const std::vector<std::string>& filters,
                          bool all_flag = false) {
    QueryString query;
    if (all_flag) query.add("all", "1");
    const std::string text = filters_json(filters);
    if (!text.empty()) query.add("filters", text);
    return json_reply(ctx.client().request("POST", api_path(path + query.str())));
}

// "<title>\n" and one line per string in report[key]; "" when it is empty.
std::string names_section(const nlohmann::json& report, std::string_view key, std::string_view title) {
    const auto& items = array_field(report, key);
    std::string out;
    for (const auto& item : items)
        if (item.is_string()) out += item.get<std::string>() + "\n";
    return out.empty() ? out : std::string(title) + "\n" + out;
}

PruneStep prune_containers(const CliContext& ctx, const SystemPruneOptions& o) {
    const auto report = post_prune(ctx, "/containers/prune", o.filters);
    return {space_reclaimed(report), names_section(report, "ContainersDeleted", "Deleted Containers:")};
}

PruneStep prune_networks(const CliContext& ctx, const SystemPruneOptions& o) {
    const auto report = post_prune(ctx, "/networks/prune", o.filters);
    return {0, names_section(report, "NetworksDeleted", "Deleted Networks:")};
}

// Anonymous volumes only: docker's system prune never passes all=true.
PruneStep prune_volumes(const CliContext& ctx, const SystemPruneOptions& o) {
    const auto report = post_prune(ctx, "/volumes/prune", o.filters);
    return {space_reclaimed(report), names_section(report, "VolumesDeleted", "Deleted Volumes:")};
}

PruneStep prune_images(const CliContext& ctx, const SystemPruneOptions& o) {
    std::vector<std::string> filters = o.filters;
    filters.push_back(o.all ? "dangling=false" : "dangling=true");
    const auto report = post_prune(ctx, "/images/prune", filters);
    std::string lines;
    for (const auto& item : array_field(report, "ImagesDeleted")) {
        if (auto untagged = field_text(item, "Untagged"); untagged && !untagged->empty())
            lines += "untagged: " + *untagged + "\n";
        else if (auto deleted = field_text(item, "Deleted"))
            lines += "deleted: " + *deleted + "\n";
    }
    return {space_reclaimed(report), lines.empty() ? lines : "Deleted Images:\n" + lines};
}

PruneStep prune_build_cache(const CliContext& ctx, const SystemPruneOptions& o) {
    const auto report = post_prune(ctx, "/build/prune", o.filters, o.all);
    return {space_reclaimed(report), names_section(report, "CachesDeleted", "Deleted build cache objects:")};
}

}  // namespace

std::string system_prune_warning(const SystemPruneOptions& o) {
    std::string text = "WARNING! This will remove:";
    std::vector<std::string> items = {"all stopped containers", "all networks not used by at least one container"};
    if (o.volumes) items.emplace_back("all anonymous volumes not used by at least one container");
    items.emplace_back(o.all ? "all images without at least one container associated to them" : "all dangling images");
    items.emplace_back(o.all ? "all build cache" : "unused build cache");
    for (const auto& item : items) text += "\n  - " + item;
    text += '\n';
    if (!o.filters.empty()) {
        std::vector<std::string> sorted = o.filters;
        std::sort(sorted.begin(), sorted.end());
        text += "\n  Items to be pruned will be filtered with:";
        for (const auto& f : sorted) text += "\n  - " + f;
        text += '\n';
    }
    return text;
}

int run_system_prune(const CliContext& ctx, const SystemPruneOptions& options) {
    const bool until = std::any_of(options.filters.begin(), options.filters.end(),
                                   [](const std::string& f) { return f.rfind("until=", 0) == 0 || f == "until"; });
    if (options.volumes && until) throw CliError("ERROR: The \"until\" filter is not supported with \"--volumes\"");
    if (!options.force && !confirm_prompt(ctx.console, system_prune_warning(options)))
        throw CliError("system prune has been cancelled");

    using Step = PruneStep (*)(const CliContext&, const SystemPruneOptions&);
    std::vector<Step> steps = {prune_containers, prune_networks};
    if (options.volumes) steps.push_back(prune_volumes);
    steps.push_back(prune_images);
    steps.push_back(prune_build_cache);

    std::ostream& out = *ctx.console.out;
    std::uint64_t total = 0;
    for (const Step step : steps) {
        const PruneStep done = step(ctx, options);
        total += done.reclaimed;
        // docker Println's each section: one blank line after it.
        if (!done.output.empty()) out << done.output << '\n';
    }
    out << "Total reclaimed space: " << decimal_size(static_cast<double>(total)) << '\n';
    out.flush();
    return exit_code::kOk;
}

void add_system_prune_command(CLI::App& parent, CliContext& ctx) {
    auto options = std::make_shared<SystemPruneOptions>();
    CLI::App* cmd = parent.add_subcommand("prune", "Remove unused data");
    cmd->add_flag("-a,--all", options->all, "Remove all unused images not just dangling ones");
    cmd->add_flag("--volumes", options->volumes, "Prune anonymous volumes");
    cmd->add_flag("-f,--force", options->force, "Do not prompt for confirmation");
    cmd->add_option("--filter", options->filters, "Provide filter values (e.g. \"label=<key>=<value>\")")
        ->allow_extra_args(false);
    on_selected(*cmd, ctx, [&ctx, options] { return run_system_prune(ctx, *options); });
}

}  // namespace berth::cli
