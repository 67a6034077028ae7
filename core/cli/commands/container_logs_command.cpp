#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>
#include <ostream>

#include <CLI/CLI.hpp>

#include "commands/container_commands.h"
#include "container_api.h"
#include "daemon_reply.h"
#include "errors.h"
#include "exit_codes.h"
#include "json_text.h"
#include "query_string.h"
#include "run_flags.h"
#include "stdcopy.h"

// `berth logs`: inspect (for Config.Tty, which decides the framing), then
// GET /containers/{id}/logs, demultiplexed onto stdout and stderr.
namespace berth::cli {
namespace {

// docker's timetypes.GetTimestamp: a duration ("10m") counts back from now,
// a number passes through, an RFC 3339 time becomes seconds.nanoseconds.
std::string api_timestamp(const std::string& value) {
    if (value.empty()) return value;
    if (value.find_first_not_of("0123456789.") == std::string::npos) return value;
    try {
        const std::int64_t ago = go_duration_ns(value);
        const auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
        const std::int64_t at = now - ago;
        char text[48];
        std::snprintf(text, sizeof text, "%lld.%09lld", static_cast<long long>(at / 1000000000),
                      static_cast<long long>(at % 1000000000));
        return text;
    } catch (const CliError&) {
    }
    std::tm tm{};
    const char* rest = ::strptime(value.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
    if (rest == nullptr) rest = ::strptime(value.c_str(), "%Y-%m-%d", &tm);
    if (rest == nullptr) throw CliError("failed to parse value as time or duration: \"" + value + "\"");
    return std::to_string(static_cast<long long>(::timegm(&tm)));
}

}  // namespace

int run_logs(const CliContext& ctx, const LogsOptions& options) {
    const DaemonClient client = ctx.client();
    const nlohmann::json info = inspect_container(client, options.container);
    const bool tty = object_field(info, "Config").value("Tty", false);

    QueryString query;
    query.add("stdout", "1");
    query.add("stderr", "1");
    if (!options.since.empty()) query.add("since", api_timestamp(options.since));
    if (!options.until.empty()) query.add("until", api_timestamp(options.until));
    if (options.timestamps) query.add("timestamps", "1");
    if (options.follow) query.add("follow", "1");
    query.add("tail", options.tail.empty() ? "all" : options.tail);
    if (options.details) query.add("details", "1");

    StdcopyDemuxer demux(*ctx.console.out, *ctx.console.err);
    const std::string id = field_or(info, "Id", options.container);
    const HttpResponse response =
        client.request_stream("GET", container_target(id, "/logs" + query.str()), {}, {}, [&](std::string_view chunk) {
            if (tty) {
                *ctx.console.out << chunk;
                ctx.console.out->flush();
            } else {
                demux.feed(chunk);
            }
        });
    throw_if_daemon_error(response);
    return exit_code::kOk;
}

void add_logs_command(CLI::App& parent, CliContext& ctx) {
    auto o = std::make_shared<LogsOptions>();
    CLI::App* cmd = parent.add_subcommand("logs", "Fetch the logs of a container");
    cmd->add_option("CONTAINER", o->container, "Container")->required();
    cmd->add_flag("-f,--follow", o->follow, "Follow log output");
    cmd->add_option("-n,--tail", o->tail, "Number of lines to show from the end of the logs");
    cmd->add_option("--since", o->since, "Show logs since timestamp or relative (e.g. 42m)");
    cmd->add_option("--until", o->until, "Show logs before a timestamp or relative (e.g. 42m)");
    cmd->add_flag("-t,--timestamps", o->timestamps, "Show timestamps");
    cmd->add_flag("--details", o->details, "Show extra details provided to logs");
    on_selected(*cmd, ctx, [&ctx, o] { return run_logs(ctx, *o); });
}

}  // namespace berth::cli
