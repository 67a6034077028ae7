#include <chrono>
#include <memory>
#include <ostream>

#include <CLI/CLI.hpp>

#include "api_path.h"
#include "byte_units.h"
#include "commands/image_commands.h"
#include "daemon_reply.h"
#include "errors.h"
#include "exit_codes.h"
#include "format_output.h"
#include "format_template.h"
#include "human_time.h"
#include "json_text.h"
#include "query_string.h"

// `berth history IMAGE`: GET /images/{name}/history, newest layer first,
// in docker's IMAGE / CREATED / CREATED BY / SIZE / COMMENT table.
namespace berth::cli {
namespace {

constexpr std::size_t kCreatedByWidth = 45;

std::int64_t int_field(const nlohmann::json& node, const char* key) {
    const auto it = node.find(key);
    return it != node.end() && it->is_number() ? it->get<std::int64_t>() : 0;
}

nlohmann::json history_row(const nlohmann::json& entry, const HistoryOptions& options, std::int64_t now) {
    const std::string id = field_or(entry, "Id", "");
    const std::int64_t created = int_field(entry, "Created");
    const std::int64_t size = int_field(entry, "Size");
    std::string created_by = field_or(entry, "CreatedBy", "");
    for (char& c : created_by)
        if (c == '\t') c = ' ';
    return {
        {"ID", options.no_trunc ? id : truncate_id(id)},
        {"CreatedSince", options.human ? created_since(created, now) : rfc3339_local(created)},
        {"CreatedAt", rfc3339_local(created)},
        {"CreatedBy", options.no_trunc ? created_by : ellipsis(created_by, kCreatedByWidth)},
        {"Size", options.human ? decimal_size(static_cast<double>(size), 3) : std::to_string(size)},
        {"Comment", field_or(entry, "Comment", "")},
    };
}

}  // namespace

int run_history(const CliContext& ctx, const HistoryOptions& options) {
    std::string format = options.format;
    if (options.quiet) format = "{{.ID}}";
    if (format.empty() || format == "table")
        format = "table {{.ID}}\\t{{.CreatedSince}}\\t{{.CreatedBy}}\\t{{.Size}}\\t{{.Comment}}";
    const FormatTemplate tmpl(format);

    const nlohmann::json history =
        json_reply(ctx.client().request("GET", api_path("/images/" + image_path(options.name) + "/history")));
    if (!history.is_array()) throw CliError("the daemon sent an image history that is not a JSON array");

    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    std::vector<nlohmann::json> rows;
    for (const auto& entry : history)
        if (entry.is_object()) rows.push_back(history_row(entry, options, now));
    static const std::map<std::string, std::string> kTitles = {
        {"ID", "IMAGE"},      {"CreatedSince", "CREATED"}, {"CreatedAt", "CREATED AT"},
        {"CreatedBy", "CREATED BY"}, {"Size", "SIZE"},     {"Comment", "COMMENT"},
    };
    print_formatted(*ctx.console.out, tmpl, rows, kTitles);
    return exit_code::kOk;
}

void add_history_command(CLI::App& parent, CliContext& ctx) {
    auto options = std::make_shared<HistoryOptions>();
    CLI::App* cmd = parent.add_subcommand("history", "Show the history of an image");
    cmd->add_option("IMAGE", options->name, "Image")->required();
    cmd->add_flag("-q,--quiet", options->quiet, "Only show image IDs");
    cmd->add_flag("--no-trunc", options->no_trunc, "Don't truncate output");
    // A flag that defaults to true, turned off with --human=false as in docker.
    cmd->add_flag("-H,--human", options->human, "Print sizes and dates in human readable format (default true)");
    cmd->add_option("--format", options->format, "Format output using a custom template");
    on_selected(*cmd, ctx, [&ctx, options] { return run_history(ctx, *options); });
}

}  // namespace berth::cli
