#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <ostream>
#include <string>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>

#include "api_path.h"
#include "commands/image_commands.h"
#include "daemon_reply.h"
#include "errors.h"
#include "exit_codes.h"
#include "query_string.h"

// `berth save NAME... [-o FILE]`: GET /images/get?names=..., the tar streamed
// to the file or stdout as it arrives. A file is written under a temporary
// name and renamed when complete, so a failed save never leaves a truncated
// archive that looks finished.
namespace berth::cli {
namespace {

class TempOutput {
public:
    explicit TempOutput(const std::string& target) : target_(target) {
        const std::filesystem::path path(target);
        const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
        temp_ = (dir / ("." + path.filename().string() + ".berth-save-XXXXXX")).string();
        fd_ = ::mkstemp(temp_.data());
        if (fd_ < 0) throw CliError("failed to save image: cannot create " + target + ": " + std::strerror(errno));
    }
    ~TempOutput() {
        if (fd_ >= 0) ::close(fd_);
        if (!committed_) ::unlink(temp_.c_str());
    }
    TempOutput(const TempOutput&) = delete;
    TempOutput& operator=(const TempOutput&) = delete;

    void write(std::string_view bytes) {
        while (!bytes.empty()) {
            const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) throw CliError("failed to save image: writing " + target_ + ": " + std::strerror(errno));
            bytes.remove_prefix(static_cast<std::size_t>(n));
        }
    }

    void commit() {
        // docker creates the archive 0644 (umask applies), not mkstemp's 0600.
        const mode_t mask = ::umask(0);
        ::umask(mask);
        ::fchmod(fd_, 0666 & ~mask);
        if (::fsync(fd_) != 0 || ::close(fd_) != 0) {
            fd_ = -1;
            throw CliError("failed to save image: writing " + target_ + ": " + std::strerror(errno));
        }
        fd_ = -1;
        if (::rename(temp_.c_str(), target_.c_str()) != 0)
            throw CliError("failed to save image: " + target_ + ": " + std::strerror(errno));
        committed_ = true;
    }

private:
    std::string target_;
    std::string temp_;
    int fd_ = -1;
    bool committed_ = false;
};

}  // namespace

int run_save(const CliContext& ctx, const SaveOptions& options) {
    if (options.output.empty() && ctx.console.out_is_terminal)
        throw CliError("Cowardly refusing to save to a terminal. Use the -o flag or redirect");
    QueryString query;
    for (const auto& name : options.names) query.add("names", name);
    const std::string target = api_path("/images/get" + query.str());
    const DaemonClient client = ctx.client();

    if (options.output.empty()) {
        std::ostream& out = *ctx.console.out;
        throw_if_daemon_error(
            client.request_stream("GET", target, {}, {}, [&out](std::string_view chunk) { out << chunk; }));
        out.flush();
        if (!out) throw CliError("failed to save image: error writing to standard output");
        return exit_code::kOk;
    }
    TempOutput file(options.output);
    throw_if_daemon_error(
        client.request_stream("GET", target, {}, {}, [&file](std::string_view chunk) { file.write(chunk); }));
    file.commit();
    return exit_code::kOk;
}

void add_save_command(CLI::App& parent, CliContext& ctx) {
    auto options = std::make_shared<SaveOptions>();
    CLI::App* cmd =
        parent.add_subcommand("save", "Save one or more images to a tar archive (streamed to STDOUT by default)");
    cmd->add_option("IMAGE", options->names, "Images to save")->required();
    cmd->add_option("-o,--output", options->output, "Write to a file, instead of STDOUT");
    on_selected(*cmd, ctx, [&ctx, options] { return run_save(ctx, *options); });
}

}  // namespace berth::cli
