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
#include "image_names.h"
#include "query_string.h"

// `berth import FILE|URL|- [REPOSITORY[:TAG]]`: POST /images/create?fromSrc=
// with the tarball streamed as the chunked body (or, for a URL, fetched by
// the daemon). The daemon's stream ends with the new image ID, which is what
// gets printed. Parameters are sent as docker sends them: repo as typed
// (tag included), tag empty, one changes= per -c.
namespace berth::cli {
namespace {

bool is_url(const std::string& source) {
    return source.rfind("http://", 0) == 0 || source.rfind("https://", 0) == 0;
}

struct SourceFile {
    int fd = -1;
    ~SourceFile() {
        if (fd >= 0) ::close(fd);
    }
};

}  // namespace

int run_import(const CliContext& ctx, const ImportOptions& options) {
    if (!options.reference.empty()) validate_reference(options.reference);

    SourceFile file;
    int body_fd = -1;
    std::string from_src = "-";
    if (options.source == "-") {
        body_fd = ctx.console.in_fd;
        if (body_fd < 0) throw CliError("import from stdin, but stdin is not available");
    } else if (is_url(options.source)) {
        from_src = options.source;
    } else {
        file.fd = ::open(options.source.c_str(), O_RDONLY | O_CLOEXEC);
        if (file.fd < 0) throw CliError("open " + options.source + ": " + std::strerror(errno));
        body_fd = file.fd;
    }

    // Go's url.Values.Encode() sorts keys; the same order keeps requests
    // byte-identical to docker's.
    QueryString query;
    for (const auto& change : options.changes) query.add("changes", change);
    query.add("fromSrc", from_src);
    query.add("message", options.message);
    if (!options.platform.empty()) query.add("platform", options.platform);
    query.add("repo", options.reference);
    query.add("tag", "");

    const std::string target = api_path("/images/create" + query.str());
    ProgressRequest request;
    request.target = target;
    DaemonClient::BodySource body;
    if (body_fd >= 0) {
        body = fd_body_source(body_fd, "the import source");
        request.body = &body;
        request.headers = {{"Content-Type", "application/x-tar"}};
    }
    run_progress_request(ctx, request);
    return exit_code::kOk;
}

void add_import_command(CLI::App& parent, CliContext& ctx) {
    auto options = std::make_shared<ImportOptions>();
    CLI::App* cmd =
        parent.add_subcommand("import", "Import the contents from a tarball to create a filesystem image");
    cmd->add_option("file", options->source, "file|URL|- to import")->required();
    cmd->add_option("REPOSITORY", options->reference, "REPOSITORY[:TAG] to name the image");
    cmd->add_option("-c,--change", options->changes, "Apply Dockerfile instruction to the created image")
        ->allow_extra_args(false);
    cmd->add_option("-m,--message", options->message, "Set commit message for imported image");
    cmd->add_option("--platform", options->platform, "Set platform if server is multi-platform capable");
    on_selected(*cmd, ctx, [&ctx, options] { return run_import(ctx, *options); });
}

}  // namespace berth::cli
