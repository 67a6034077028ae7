#include <cerrno>
#include <cstring>
#include <memory>
#include <string>

#include <fcntl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>

#include "api_path.h"
#include "commands/image_commands.h"
#include "commands/progress_request.h"
#include "errors.h"
#include "exit_codes.h"
#include "query_string.h"

// `berth load [-i FILE]`: POST /images/load with the archive streamed as the
// chunked request body (never read into memory), then the daemon's
// "Loaded image: ..." lines.
namespace berth::cli {
namespace {

// Closes the archive we opened (not stdin) on every path out.
struct InputFile {
    int fd = -1;
    bool owned = false;
    ~InputFile() {
        if (owned && fd >= 0) ::close(fd);
    }
};

}  // namespace

int run_load(const CliContext& ctx, const LoadOptions& options) {
    InputFile input;
    if (options.input.empty()) {
        if (ctx.console.in_is_terminal) throw CliError("requested load from stdin, but stdin is empty");
        input.fd = ctx.console.in_fd;
    } else {
        input.fd = ::open(options.input.c_str(), O_RDONLY | O_CLOEXEC);
        if (input.fd < 0) throw CliError("open " + options.input + ": " + std::strerror(errno));
        input.owned = true;
    }
    if (input.fd < 0) throw CliError("requested load from stdin, but stdin is not available");

    QueryString query;
    query.add("quiet", options.quiet ? "1" : "0");
    const std::string target = api_path("/images/load" + query.str());
    const DaemonClient::BodySource body = fd_body_source(input.fd, "the image archive");
    ProgressRequest request;
    request.target = target;
    request.headers = {{"Content-Type", "application/x-tar"}};
    request.body = &body;
    run_progress_request(ctx, request);
    return exit_code::kOk;
}

void add_load_command(CLI::App& parent, CliContext& ctx) {
    auto options = std::make_shared<LoadOptions>();
    CLI::App* cmd = parent.add_subcommand("load", "Load an image from a tar archive or STDIN");
    cmd->add_option("-i,--input", options->input, "Read from tar archive file, instead of STDIN");
    cmd->add_flag("-q,--quiet", options->quiet, "Suppress the load output");
    on_selected(*cmd, ctx, [&ctx, options] { return run_load(ctx, *options); });
}

}  // namespace berth::cli
