#include "commands/build_command.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>

#include <sys/stat.h>

#include <CLI/CLI.hpp>

#include "api_path.h"
#include "build/context/context_tar.h"
#include "build_context_path.h"
#include "build_context_stream.h"
#include "build_output.h"
#include "build_request.h"
#include "build_stdin.h"
#include "daemon_reply.h"
#include "errors.h"
#include "exit_codes.h"
#include "registry_login.h"

// `berth build [OPTIONS] PATH | -`: tar the context (with .dockerignore
// applied), stream it to POST /build, show the daemon's output, and exit
// with the failed step's status, as `DOCKER_BUILDKIT=0 docker build` does.
// The flow follows the docker CLI's runBuild (cli/command/image/build.go).
namespace berth::cli {
namespace {

// The request body: a context tar streamed from a directory, the tar that
// came on stdin, or a tar built here around a Dockerfile from stdin.
class BuildBody {
public:
    std::size_t read(const Console& console, char* buffer, std::size_t capacity) {
        if (directory_) return directory_->read(buffer, capacity);
        if (offset_ < prefix_.size()) {
            const std::size_t n = std::min(capacity, prefix_.size() - offset_);
            std::memcpy(buffer, prefix_.data() + offset_, n);
            offset_ += n;
            return n;
        }
        return from_stdin_ ? read_stdin(console, buffer, capacity) : 0;
    }

    std::optional<ContextTarStream> directory_;
    std::string prefix_;  // bytes served before stdin (peeked) or alone (built tar)
    std::size_t offset_ = 0;
    bool from_stdin_ = false;
};

// stringid.GenerateRandomID()[:20]: the name docker gives a Dockerfile it
// injects into the context.
std::string random_dockerfile_name() {
    static constexpr char kHex[] = "0123456789abcdef";
    std::random_device random;
    std::string name = ".dockerfile.";
    for (int i = 0; i < 20; ++i) name += kHex[random() % 16];
    return name;
}

std::string read_file(const std::filesystem::path& path, const std::string& what) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw CliError("unable to open " + what + ": open " + path.string() + ": " + std::strerror(errno));
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

build::IgnoreMatcher read_dockerignore(const std::filesystem::path& dir) {
    std::error_code ec;
    const auto file = dir / ".dockerignore";
    if (!std::filesystem::exists(file, ec)) return {};
    try {
        return build::IgnoreMatcher::parse(read_file(file, ".dockerignore"));
    } catch (const std::invalid_argument& e) {
        throw CliError(std::string("error checking context: ") + e.what());
    }
}

// Stdin as the whole context: a tar is sent as is, anything else is a
// Dockerfile. Returns the `dockerfile` query value.
std::string body_from_stdin(const CliContext& ctx, const BuildOptions& options, BuildBody& body) {
    char head[512];
    std::size_t got = 0;
    while (got < sizeof head) {
        const std::size_t n = read_stdin(ctx.console, head + got, sizeof head - got);
        if (n == 0) break;
        got += n;
    }
    body.prefix_.assign(head, got);
    if (looks_like_archive(body.prefix_)) {
        body.from_stdin_ = true;
        return options.dockerfile;
    }
    const std::string dockerfile = body.prefix_ + read_all_stdin(ctx.console);
    body.prefix_ = single_file_tar("Dockerfile", dockerfile);
    return "Dockerfile";
}

// A directory context. Returns the `dockerfile` query value.
std::string body_from_directory(const CliContext& ctx, const BuildOptions& options, BuildBody& body) {
    struct stat st {};
    if (::stat(options.context.c_str(), &st) != 0)
        throw CliError("unable to prepare context: path \"" + options.context + "\" not found");
    const LocalBuildContext local = resolve_local_context(options.context, options.dockerfile);

    build::ContextTarOptions tar;
    tar.ignore = read_dockerignore(local.dir);
    // The daemon needs these even when .dockerignore names them
    // (docker's TrimBuildFilesFromExcludes).
    tar.always_include = {".dockerignore"};
    std::string dockerfile = local.dockerfile;
    if (local.dockerfile == "-" || local.dockerfile_outside()) {
        tar.extra_content = local.dockerfile == "-" ? read_all_stdin(ctx.console)
                                                    : read_file(local.dockerfile_path, "Dockerfile");
        tar.extra_name = random_dockerfile_name();
        dockerfile = tar.extra_name;
    } else {
        tar.always_include.push_back(local.dockerfile);
    }
    body.directory_.emplace(local.dir, std::move(tar));
    return dockerfile;
}

std::optional<std::string> environment(const std::string& name) {
    if (const char* value = std::getenv(name.c_str())) return std::string(value);
    return std::nullopt;
}

void remove_stale_iidfile(const std::string& path) {
    // docker removes it first so a failed build never leaves an old ID behind.
    std::error_code ec;
    std::filesystem::remove(path, ec);
    if (ec) throw CliError("Removing image ID file: " + ec.message());
}

void write_iidfile(const std::string& path, const std::string& image_id) {
    if (image_id.empty()) throw CliError("Server did not provide an image ID. Cannot write " + path);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << image_id;
    if (!out.flush()) throw CliError("cannot write " + path + ": " + std::strerror(errno));
}

}  // namespace

int run_build(const CliContext& ctx, const BuildOptions& options) {
    if (options.context == "-" && options.dockerfile == "-")
        throw CliError("invalid argument: can't use stdin for both build context and dockerfile");
    if (!options.iidfile.empty()) remove_stale_iidfile(options.iidfile);

    BuildBody body;
    const std::string dockerfile = options.context == "-" ? body_from_stdin(ctx, options, body)
                                                         : body_from_directory(ctx, options, body);
    const std::string target = api_path("/build" + build_query(options, dockerfile, environment));
    const HttpHeaders headers = {{"Content-Type", "application/x-tar"},
                                 {"X-Registry-Config", registry_config_header(credentials_file())}};

    // -q: the upload counter and the daemon's output are kept back and
    // shown only if the build fails; what the daemon sends is then the ID.
    std::ostream& out = *ctx.console.out;
    std::ostringstream progress_buffer, build_buffer;
    std::ostream& progress_out = options.quiet ? static_cast<std::ostream&>(progress_buffer) : out;
    std::ostream& build_out = options.quiet ? static_cast<std::ostream&>(build_buffer) : out;

    ContextUploadProgress upload(progress_out);
    const DaemonClient::BodySource source = [&](char* buffer, std::size_t capacity) {
        const std::size_t n = body.read(ctx.console, buffer, capacity);
        if (n == 0)
            upload.finish();
        else
            upload.add(n);
        return n;
    };
    BuildStreamDisplay display(build_out, {ctx.console.out_is_terminal && !options.quiet, ctx.console.width});
    const HttpResponse response = ctx.client().request_upload(
        "POST", target, source, headers, [&display](std::string_view chunk) { display.feed(chunk); });
    if (response.status >= 400) {
        if (options.quiet) *ctx.console.err << progress_buffer.str();
        throw_if_daemon_error(response);
    }
    display.finish();

    if (const auto& failure = display.failure()) {
        if (options.quiet) *ctx.console.err << progress_buffer.str() << build_buffer.str();
        throw CliError(failure->message, failure->code != 0 ? failure->code : exit_code::kFailure);
    }
    std::string image_id = display.image_id();
    if (options.quiet) {
        out << build_buffer.str();
        out.flush();
        if (image_id.empty()) {
            image_id = build_buffer.str();
            while (!image_id.empty() && (image_id.back() == '\n' || image_id.back() == '\r')) image_id.pop_back();
        }
    }
    if (!options.iidfile.empty()) write_iidfile(options.iidfile, image_id);
    return exit_code::kOk;
}

void add_build_command(CLI::App& parent, CliContext& ctx) {
    auto o = std::make_shared<BuildOptions>();
    CLI::App* cmd = parent.add_subcommand("build", "Build an image from a Dockerfile");
    cmd->add_option("PATH", o->context, "Build context: a directory, or - for a tar or Dockerfile on stdin")
        ->required();
    cmd->add_option("-t,--tag", o->tags, "Name and optionally a tag in the \"name:tag\" format")
        ->allow_extra_args(false);
    cmd->add_option("-f,--file", o->dockerfile, "Name of the Dockerfile (default: \"PATH/Dockerfile\")");
    cmd->add_option("--build-arg", o->build_args, "Set build-time variables")->allow_extra_args(false);
    cmd->add_option("--label", o->labels, "Set metadata for an image")->allow_extra_args(false);
    cmd->add_option("--add-host", o->add_hosts, "Add a custom host-to-IP mapping (\"host:ip\")")
        ->allow_extra_args(false);
    cmd->add_option("--target", o->target, "Set the target build stage to build");
    cmd->add_option("--network", o->network, "Set the networking mode for the RUN instructions during build")
        ->capture_default_str();
    cmd->add_option("--platform", o->platform, "Set platform if server is multi-platform capable");
    cmd->add_option("--iidfile", o->iidfile, "Write the image ID to the file");
    cmd->add_option("--shm-size", o->shm_size, "Size of \"/dev/shm\"");
    cmd->add_flag("--no-cache", o->no_cache, "Do not use cache when building the image");
    cmd->add_flag("--pull", o->pull, "Always attempt to pull a newer version of the image");
    cmd->add_flag("-q,--quiet", o->quiet, "Suppress the build output and print image ID on success");
    cmd->add_flag("--rm", o->rm, "Remove intermediate containers after a successful build")
        ->capture_default_str();
    cmd->add_flag("--force-rm", o->force_rm, "Always remove intermediate containers");
    on_selected(*cmd, ctx, [&ctx, o] { return run_build(ctx, *o); });
}

}  // namespace berth::cli
