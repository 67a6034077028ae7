// build_context.cpp — the request body spooled to an unlinked file (so an
// empty body can be told from a broken one, and libarchive can detect the
// compression from the bytes), then extracted with the `docker cp` rules
// into a fresh 0700 directory that only this object owns.
#include "build/context/build_context.h"

#include "build/context/tree_remove.h"
#include "containers/archive/rootfs_path.h"
#include "containers/archive/tar_extract.h"
#include "images/fs_util.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <stdexcept>
#include <system_error>

namespace berth::build {
namespace {

[[noreturn]] void fail_errno(const std::string &what) { throw std::system_error(errno, std::generic_category(), what); }

images::UniqueFd temp_file(const std::filesystem::path &dir) {
    images::UniqueFd fd(::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600));
    if (fd) return fd;
    // File systems without O_TMPFILE: a named file, unlinked at once.
    std::string tmpl = (dir / "ctx-body-XXXXXX").string();
    fd.reset(::mkostemp(tmpl.data(), O_CLOEXEC));
    if (!fd) fail_errno("create a temporary file in " + dir.string());
    ::unlink(tmpl.c_str());
    return fd;
}

// Copies in_fd to its end into out_fd; returns the byte count.
unsigned long long spool(int in_fd, int out_fd) {
    char buf[1 << 16];
    unsigned long long total = 0;
    for (;;) {
        const ssize_t n = ::read(in_fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) fail_errno("read the build context");
        if (n == 0) return total;
        if (!images::fsx::write_all(out_fd, buf, static_cast<size_t>(n))) fail_errno("spool the build context");
        total += static_cast<unsigned long long>(n);
    }
}

// The docker CLI sends the context unterminated when it injects a
// Dockerfile from outside the context (`-f ../Dockerfile`, `-f -`): the
// last entry's data ends the stream without its padding or the two zero
// blocks that end a tar (Go's tar reader in moby tolerates that; libarchive
// calls it truncated). An uncompressed body therefore gets the padding and
// the end-of-archive blocks appended; after a proper end marker they are
// never read.
void terminate_plain_tar(int fd, unsigned long long size) {
    unsigned char magic[6] = {};
    if (::pread(fd, magic, sizeof magic, 0) != static_cast<ssize_t>(sizeof magic)) return;
    const bool compressed = (magic[0] == 0x1f && magic[1] == 0x8b) ||             // gzip
                            (magic[0] == 'B' && magic[1] == 'Z' && magic[2] == 'h') || // bzip2
                            (magic[0] == 0xfd && magic[1] == '7' && magic[2] == 'z') || // xz
                            (magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f); // zstd
    if (compressed) return;
    const unsigned long long padded = (size + 511) / 512 * 512 + 1024;
    if (::ftruncate(fd, static_cast<off_t>(padded)) != 0) fail_errno("pad the build context");
}

} // namespace

BuildContext::BuildContext(BuildContext &&other) noexcept
    : root_(std::exchange(other.root_, {})), root_fd_(std::move(other.root_fd_)) {}

BuildContext::~BuildContext() {
    root_fd_.reset();
    if (!root_.empty()) images::fsx::remove_tree(root_);
}

BuildContext BuildContext::extract(int tar_fd, const std::filesystem::path &scratch_parent) {
    BuildContext ctx; // removes the directory if anything below throws
    std::string tmpl = (scratch_parent / "ctx-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) fail_errno("create a build context directory in " + scratch_parent.string());
    ctx.root_ = tmpl;
    ctx.root_fd_.reset(::open(tmpl.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!ctx.root_fd_) fail_errno("open " + tmpl);

    images::UniqueFd body = temp_file(scratch_parent);
    const unsigned long long size = spool(tar_fd, body.get());
    if (size == 0) return ctx; // an empty body is an empty context
    terminate_plain_tar(body.get(), size);
    if (::lseek(body.get(), 0, SEEK_SET) != 0) fail_errno("rewind the build context");
    try {
        // Owners stay as the tar has them: berthd runs as root and COPY
        // sets its own owners anyway.
        containers::archive::extract_tar(body.get(), ctx.root_fd_.get());
    } catch (const containers::archive::ExtractRefused &e) {
        throw std::invalid_argument(std::string("invalid build context: ") + e.what());
    }
    return ctx;
}

std::optional<std::string> BuildContext::read_file(const std::string &relative) const {
    images::UniqueFd fd;
    try {
        fd = containers::archive::open_in_root(root_fd_.get(), relative, O_RDONLY | O_NONBLOCK | O_NOCTTY);
    } catch (const std::system_error &e) {
        const int err = e.code().value();
        if (err == ENOENT || err == ENOTDIR || err == ELOOP) return std::nullopt;
        throw;
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) fail_errno("stat " + relative);
    if (!S_ISREG(st.st_mode)) return std::nullopt;
    std::string out;
    char buf[1 << 16];
    for (;;) {
        const ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) fail_errno("read " + relative);
        if (n == 0) return out;
        out.append(buf, static_cast<size_t>(n));
    }
}

namespace {

void prune(int dir_fd, const std::string &prefix, const IgnoreMatcher &matcher) {
    for (const auto &name : list_dir(dir_fd)) {
        const std::string rel = prefix + name;
        struct stat st {};
        if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) fail_errno("stat " + rel);
        const bool is_dir = S_ISDIR(st.st_mode);
        if (matcher.excluded(rel) && !(is_dir && matcher.may_include_below(rel))) {
            remove_entry_at(dir_fd, name, rel);
            continue;
        }
        if (!is_dir) continue;
        images::UniqueFd sub(::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!sub) fail_errno("open " + rel);
        prune(sub.get(), rel + "/", matcher);
    }
}

} // namespace

void BuildContext::apply_ignore(const IgnoreMatcher &matcher, const std::vector<std::string> &keep) {
    if (matcher.empty()) return;
    prune(root_fd_.get(), "", matcher.with_exceptions(keep));
}

} // namespace berth::build
