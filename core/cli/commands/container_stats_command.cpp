#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <ostream>
#include <thread>

#include <CLI/CLI.hpp>

#include "api_path.h"
#include "commands/container_commands.h"
#include "container_api.h"
#include "container_stats.h"
#include "daemon_reply.h"
#include "errors.h"
#include "exit_codes.h"
#include "format_output.h"
#include "format_template.h"
#include "json_text.h"
#include "query_string.h"

// `berth stats`: with --no-stream one GET /containers/{id}/stats?stream=0
// per container (the daemon's precpu_stats make the CPU %), else one
// streaming request per container and a redraw of the whole table each
// second, as docker does, until every stream has ended.
namespace berth::cli {
namespace {

std::vector<std::string> containers_to_show(const CliContext& ctx, const StatsOptions& options) {
    if (!options.containers.empty()) return options.containers;
    QueryString query;
    if (options.all) query.add("all", "1");
    const nlohmann::json list = json_reply(ctx.client().request("GET", api_path("/containers/json" + query.str())));
    std::vector<std::string> ids;
    for (const auto& c : list.is_array() ? list : nlohmann::json::array())
        if (auto id = field_text(c, "Id")) ids.push_back(*id);
    return ids;
}

void print_table(std::ostream& out, const FormatTemplate& tmpl, const std::vector<StatsEntry>& entries,
                 bool no_trunc) {
    std::vector<nlohmann::json> rows;
    for (const auto& e : entries) rows.push_back(stats_row(e, no_trunc));
    print_formatted(out, tmpl, rows, stats_titles());
    out.flush();
}

}  // namespace

int run_stats(const CliContext& ctx, const StatsOptions& options) {
    const FormatTemplate tmpl(options.format.empty() || options.format == "table" ? default_stats_format()
                                                                                   : options.format);
    const std::vector<std::string> names = containers_to_show(ctx, options);
    const DaemonClient client = ctx.client();
    std::ostream& out = *ctx.console.out;

    if (options.no_stream) {
        std::vector<StatsEntry> entries;
        std::string errors;
        for (const auto& name : names) {
            try {
                const nlohmann::json sample =
                    json_reply(client.request("GET", container_target(name, "/stats?stream=0")));
                entries.push_back(stats_entry(sample, name));
            } catch (const DaemonError& e) {
                errors += (errors.empty() ? "" : "\n") + std::string(e.what());
            }
        }
        if (!errors.empty()) throw CliError(errors);
        print_table(out, tmpl, entries, options.no_trunc);
        return exit_code::kOk;
    }

    std::mutex mutex;
    std::vector<StatsEntry> entries(names.size());
    std::vector<std::string> errors(names.size());
    std::atomic<std::size_t> running{names.size()};
    std::vector<std::thread> readers;
    for (std::size_t i = 0; i < names.size(); ++i) {
        entries[i].container = names[i];
        entries[i].name = names[i];
        readers.emplace_back([&, i] {
            std::string pending;
            try {
                const HttpResponse response = client.request_stream(
                    "GET", container_target(names[i], "/stats?stream=1"), {}, {}, [&](std::string_view chunk) {
                        pending.append(chunk);
                        std::size_t eol;
                        while ((eol = pending.find('\n')) != std::string::npos) {
                            const auto sample = nlohmann::json::parse(pending.substr(0, eol), nullptr, false);
                            pending.erase(0, eol + 1);
                            if (!sample.is_object()) continue;
                            std::lock_guard lock(mutex);
                            entries[i] = stats_entry(sample, names[i]);
                        }
                    });
                throw_if_daemon_error(response);
            } catch (const CliError& e) {
                std::lock_guard lock(mutex);
                errors[i] = e.what();
            }
            std::lock_guard lock(mutex);
            entries[i].valid = false;
            --running;
        });
    }
    const bool redraw = ctx.console.out_is_terminal;
    while (running > 0) {
        std::this_thread::sleep_for(std::chrono::seconds(1));
        std::lock_guard lock(mutex);
        // Clear the screen and home the cursor, then the fresh table.
        if (redraw) out << "\033[2J\033[H";
        print_table(out, tmpl, entries, options.no_trunc);
    }
    for (auto& reader : readers) reader.join();
    std::string message;
    for (const auto& e : errors)
        if (!e.empty()) message += (message.empty() ? "" : "\n") + e;
    if (!message.empty()) throw CliError(message);
    return exit_code::kOk;
}

void add_stats_command(CLI::App& parent, CliContext& ctx) {
    auto o = std::make_shared<StatsOptions>();
    CLI::App* cmd = parent.add_subcommand("stats", "Display a live stream of container(s) resource usage statistics");
    cmd->add_option("CONTAINER", o->containers, "Containers");
    cmd->add_flag("-a,--all", o->all, "Show all containers (default shows just running)");
    cmd->add_flag("--no-stream", o->no_stream, "Disable streaming stats and only pull the first result");
    cmd->add_flag("--no-trunc", o->no_trunc, "Do not truncate output");
    cmd->add_option("--format", o->format, "Format output using a custom template");
    on_selected(*cmd, ctx, [&ctx, o] { return run_stats(ctx, *o); });
}

}  // namespace berth::cli
