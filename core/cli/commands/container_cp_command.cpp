#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <ostream>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>

#include "byte_units.h"
#include "commands/container_commands.h"
#include "commands/progress_request.h"
#include "container_api.h"
#include "container_archive.h"
#include "daemon_reply.h"
#include "errors.h"
#include "exit_codes.h"
#include "query_string.h"

// `berth cp`: one side is CONTAINER:PATH, the other a local path or "-" (a
// tar on stdin/stdout). Like docker's cp, the CLI decides where things land
// from the destination's stat (the X-Docker-Container-Path-Stat header or a
// local stat): into an existing directory, or renamed to a new name whose
// parent exists.
namespace berth::cli {
namespace {

namespace fs = std::filesystem;

struct CpArg {
    std::string container;  // empty: local
    std::string path;
};

// docker's splitCpArg: absolute or ./-relative paths are always local, so a
// local file name may contain ':'.
CpArg split_cp_arg(const std::string& arg) {
    if (arg.empty() || arg.front() == '/' || arg.front() == '.') return {"", arg};
    const auto colon = arg.find(':');
    if (colon == std::string::npos || colon == 0) return {"", arg};
    return {arg.substr(0, colon), arg.substr(colon + 1)};
}

// An unlinked temporary file for a tar between the daemon and the disk.
class TempFile {
public:
    TempFile() {
        std::string pattern = (fs::temp_directory_path() / "berth-cp-XXXXXX").string();
        fd_ = ::mkstemp(pattern.data());
        if (fd_ < 0) throw CliError(std::string("creating a temporary file: ") + std::strerror(errno));
        ::unlink(pattern.c_str());
    }
    ~TempFile() { ::close(fd_); }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    int fd() const { return fd_; }
    void rewind() const { ::lseek(fd_, 0, SEEK_SET); }

private:
    int fd_ = -1;
};

void write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        const ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw CliError(std::string("write: ") + std::strerror(errno));
        data.remove_prefix(static_cast<std::size_t>(n));
    }
}

std::string base_name(std::string path) {
    while (path.size() > 1 && path.back() == '/') path.pop_back();
    const auto slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string dir_name(std::string path) {
    while (path.size() > 1 && path.back() == '/') path.pop_back();
    const auto slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

bool quiet_copy(const CliContext& ctx, const CpOptions& options) { return options.quiet || !ctx.console.out_is_terminal; }

void report(const CliContext& ctx, const CpOptions& options, std::uint64_t bytes, const std::string& destination) {
    if (quiet_copy(ctx, options)) return;
    *ctx.console.err << "Successfully copied " << decimal_size(static_cast<double>(bytes), 3) << " to " << destination
                     << '\n';
}

int copy_from_container(const CliContext& ctx, const CpOptions& options, const CpArg& src, const std::string& dst) {
    const DaemonClient client = ctx.client();
    std::string src_path = src.path;
    QueryString query;
    query.add("path", src_path);
    if (dst == "-") {
        std::ostream& out = *ctx.console.out;
        const HttpResponse response = client.request_stream(
            "GET", container_target(src.container, "/archive" + query.str()), {}, {},
            [&out](std::string_view chunk) { out.write(chunk.data(), static_cast<std::streamsize>(chunk.size())); });
        throw_if_daemon_error(response);
        out.flush();
        return exit_code::kOk;
    }

    TempFile tar;
    std::uint64_t bytes = 0;
    const HttpResponse response =
        client.request_stream("GET", container_target(src.container, "/archive" + query.str()), {}, {},
                              [&](std::string_view chunk) {
                                  bytes += chunk.size();
                                  write_all(tar.fd(), chunk);
                              });
    throw_if_daemon_error(response);
    const auto stat = decode_path_stat(response.header("X-Docker-Container-Path-Stat"));
    const bool src_is_dir = stat && stat->is_dir();
    const std::string src_base = stat && !stat->name.empty() ? stat->name : base_name(src_path);

    std::error_code ec;
    const bool exists = fs::exists(fs::symlink_status(dst, ec)) || fs::exists(dst, ec);
    std::string dest_dir;
    std::string new_name = src_base;
    if (exists && fs::is_directory(dst, ec)) {
        dest_dir = dst;
    } else if (exists) {
        if (src_is_dir) throw CliError("cannot copy directory");
        dest_dir = dir_name(dst);
        new_name = base_name(dst);
    } else {
        // docker's archive.ErrDirNotExists.
        if (!dst.empty() && dst.back() == '/') throw CliError("no such directory");
        dest_dir = dir_name(dst);
        if (!fs::is_directory(dest_dir, ec)) throw CliError("stat " + dest_dir + ": no such file or directory");
        new_name = base_name(dst);
    }
    tar.rewind();
    extract_tar(tar.fd(), dest_dir, src_base, new_name);
    report(ctx, options, bytes, dst);
    return exit_code::kOk;
}

int copy_to_container(const CliContext& ctx, const CpOptions& options, const std::string& src, const CpArg& dst) {
    const DaemonClient client = ctx.client();
    std::string dst_path = dst.path.empty() ? "/" : dst.path;
    QueryString stat_query;
    stat_query.add("path", dst_path);
    const HttpResponse head = client.request("HEAD", container_target(dst.container, "/archive" + stat_query.str()));
    std::optional<ContainerPathStat> dst_stat;
    if (head.status != 404) {
        throw_if_daemon_error(head);
        dst_stat = decode_path_stat(head.header("X-Docker-Container-Path-Stat"));
    }

    TempFile tar;
    std::string put_path;
    if (src == "-") {
        // A tar on stdin goes as it is, into a directory that must exist.
        if (!dst_stat || !dst_stat->is_dir())
            throw CliError("destination \"" + dst.container + ":" + dst_path + "\" must be a directory");
        put_path = dst_path;
        char buffer[64 * 1024];
        ssize_t n;
        while ((n = ::read(ctx.console.in_fd, buffer, sizeof buffer)) > 0)
            write_all(tar.fd(), std::string_view(buffer, static_cast<std::size_t>(n)));
    } else {
        struct stat st {};
        if ((options.follow_link ? ::stat(src.c_str(), &st) : ::lstat(src.c_str(), &st)) != 0)
            throw CliError("stat " + src + ": no such file or directory");
        const bool src_is_dir = S_ISDIR(st.st_mode);
        std::string top = base_name(src);
        if (dst_stat && dst_stat->is_dir()) {
            put_path = dst_path;
        } else if (dst_stat) {
            if (src_is_dir) throw CliError("cannot copy directory");
            put_path = dir_name(dst_path);
            top = base_name(dst_path);
        } else {
            if (dst_path.back() == '/') throw CliError("no such directory");
            put_path = dir_name(dst_path);
            top = base_name(dst_path);
        }
        write_tar(src, top, options.follow_link, tar.fd());
    }

    struct stat tar_stat {};
    ::fstat(tar.fd(), &tar_stat);
    tar.rewind();
    QueryString query;
    query.add("path", put_path);
    query.add("noOverwriteDirNonDir", "true");
    if (options.archive) query.add("copyUIDGID", "true");
    const DaemonClient::BodySource body = fd_body_source(tar.fd(), "the archive");
    const HttpResponse response = client.request_upload("PUT", container_target(dst.container, "/archive" + query.str()),
                                                        body, {{"Content-Type", "application/x-tar"}},
                                                        [](std::string_view) {});
    throw_if_daemon_error(response);
    report(ctx, options, static_cast<std::uint64_t>(tar_stat.st_size), dst.container + ":" + dst_path);
    return exit_code::kOk;
}

}  // namespace

int run_cp(const CliContext& ctx, const CpOptions& options) {
    const CpArg src = split_cp_arg(options.source);
    const CpArg dst = split_cp_arg(options.destination);
    if (src.container.empty() && dst.container.empty())
        throw CliError("must specify at least one container source");
    if (!src.container.empty() && !dst.container.empty())
        throw CliError("copying between containers is not supported");
    if (!src.container.empty()) return copy_from_container(ctx, options, src, options.destination);
    return copy_to_container(ctx, options, options.source, dst);
}

void add_cp_command(CLI::App& parent, CliContext& ctx) {
    auto o = std::make_shared<CpOptions>();
    CLI::App* cmd = parent.add_subcommand("cp", "Copy files/folders between a container and the local filesystem");
    cmd->add_option("SRC", o->source, "CONTAINER:SRC_PATH or SRC_PATH|-")->required();
    cmd->add_option("DEST", o->destination, "DEST_PATH|- or CONTAINER:DEST_PATH")->required();
    cmd->add_flag("-a,--archive", o->archive, "Archive mode (copy all uid/gid information)");
    cmd->add_flag("-L,--follow-link", o->follow_link, "Always follow symbol link in SRC_PATH");
    cmd->add_flag("-q,--quiet", o->quiet, "Suppress progress output during copy");
    on_selected(*cmd, ctx, [&ctx, o] { return run_cp(ctx, *o); });
}

}  // namespace berth::cli
