#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <ostream>

#include <CLI/CLI.hpp>

#include "api_path.h"
#include "commands/container_commands.h"
#include "container_api.h"
#include "daemon_reply.h"
#include "errors.h"
#include "exit_codes.h"
#include "image_names.h"
#include "json_text.h"
#include "query_string.h"

// A container's filesystem as an image (`commit`) or as a tar (`export`).
namespace berth::cli {

int run_commit(const CliContext& ctx, const CommitOptions& options) {
    QueryString query;
    query.add("container", options.container);
    if (!options.reference.empty()) {
        validate_reference(options.reference);
        // Split REPO[:TAG]: a colon after the last slash starts the tag.
        const auto slash = options.reference.rfind('/');
        const auto colon = options.reference.rfind(':');
        if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
            query.add("repo", options.reference.substr(0, colon));
            query.add("tag", options.reference.substr(colon + 1));
        } else {
            query.add("repo", options.reference);
        }
    }
    if (!options.message.empty()) query.add("comment", options.message);
    if (!options.author.empty()) query.add("author", options.author);
    for (const auto& change : options.changes) query.add("changes", change);
    if (!options.pause) query.add("pause", "0");
    const nlohmann::json reply = json_reply(ctx.client().request("POST", api_path("/commit" + query.str()), "null"));
    *ctx.console.out << field_or(reply, "Id", "") << '\n';
    ctx.console.out->flush();
    return exit_code::kOk;
}

int run_export(const CliContext& ctx, const ExportOptions& options) {
    std::ofstream file;
    std::ostream* out = ctx.console.out;
    if (!options.output.empty()) {
        file.open(options.output, std::ios::binary | std::ios::trunc);
        if (!file) throw CliError("failed to export container: " + std::string(std::strerror(errno)));
        out = &file;
    } else if (ctx.console.out_is_terminal) {
        throw CliError("cowardly refusing to save to a terminal. Use the -o flag or redirect");
    }
    const HttpResponse response = ctx.client().request_stream(
        "GET", container_target(options.container, "/export"), {}, {},
        [out](std::string_view chunk) { out->write(chunk.data(), static_cast<std::streamsize>(chunk.size())); });
    throw_if_daemon_error(response);
    out->flush();
    return exit_code::kOk;
}

void add_commit_command(CLI::App& parent, CliContext& ctx) {
    auto o = std::make_shared<CommitOptions>();
    CLI::App* cmd = parent.add_subcommand("commit", "Create a new image from a container's changes");
    cmd->add_option("CONTAINER", o->container, "Container")->required();
    cmd->add_option("REPOSITORY", o->reference, "[REPOSITORY[:TAG]]");
    cmd->add_option("-a,--author", o->author, "Author (e.g., \"John Hannibal Smith <hannibal@a-team.com>\")");
    cmd->add_option("-m,--message", o->message, "Commit message");
    cmd->add_option("-c,--change", o->changes, "Apply Dockerfile instruction to the created image")->allow_extra_args(false);
    cmd->add_flag("-p,--pause", o->pause, "Pause container during commit");
    on_selected(*cmd, ctx, [&ctx, o] { return run_commit(ctx, *o); });
}

void add_export_command(CLI::App& parent, CliContext& ctx) {
    auto o = std::make_shared<ExportOptions>();
    CLI::App* cmd = parent.add_subcommand("export", "Export a container's filesystem as a tar archive");
    cmd->add_option("CONTAINER", o->container, "Container")->required();
    cmd->add_option("-o,--output", o->output, "Write to a file, instead of STDOUT");
    on_selected(*cmd, ctx, [&ctx, o] { return run_export(ctx, *o); });
}

}  // namespace berth::cli
