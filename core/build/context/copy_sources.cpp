// copy_sources.cpp — resolving COPY/ADD sources in the context or a --from
// root. Every lookup goes through open_in_root (RESOLVE_IN_ROOT), so a
// symlink "l -> /etc" in the context means the context's own /etc.
#include "build/context/copy_sources.h"

#include "build/context/glob_match.h"
#include "build/context/path_clean.h"
#include "build/context/tree_remove.h"
#include "containers/archive/rootfs_path.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <stdexcept>
#include <system_error>

namespace berth::build {
namespace {

using containers::archive::open_in_root;

bool is_missing(int err) { return err == ENOENT || err == ENOTDIR || err == ELOOP; }

// Paths below root matching the pattern's elements one by one: "*" never
// crosses a "/", so the match has as many elements as the pattern.
void expand(int root_fd, const std::vector<std::string> &elems, size_t i, const std::string &prefix,
            std::vector<std::string> &out) {
    if (i == elems.size()) {
        out.push_back(prefix);
        return;
    }
    const std::string &e = elems[i];
    const std::string join = prefix.empty() ? "" : prefix + "/";
    if (!glob::has_meta(e)) {
        expand(root_fd, elems, i + 1, join + e, out);
        return;
    }
    images::UniqueFd dir;
    try {
        dir = open_in_root(root_fd, prefix.empty() ? "." : prefix, O_RDONLY | O_DIRECTORY);
    } catch (const std::system_error &err) {
        if (is_missing(err.code().value())) return;
        throw;
    }
    for (const auto &name : list_dir(dir.get()))
        if (glob::match(e, name)) expand(root_fd, elems, i + 1, join + name, out);
}

bool is_url(const std::string &s) { return s.rfind("http://", 0) == 0 || s.rfind("https://", 0) == 0; }

[[noreturn]] void not_found(const CopyRequest &request, const std::string &source) {
    if (request.from_context)
        throw CopyError(failed_prefix(request) + "file not found in build context or excluded by .dockerignore: stat " +
                        source + ": file does not exist");
    throw CopyError(failed_prefix(request) + "stat " + source + ": no such file or directory");
}

std::string base_name(const std::string &path) {
    const size_t slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

} // namespace

std::string failed_prefix(const CopyRequest &request) {
    return (request.instruction.empty() ? std::string(request.add ? "ADD" : "COPY") : request.instruction) +
           " failed: ";
}

TarReader new_add_archive_reader() {
    TarReader a(archive_read_new(), archive_read_free);
    if (!a) throw std::runtime_error("tar: out of memory");
    archive_read_support_format_tar(a.get());
    archive_read_support_format_gnutar(a.get());
    archive_read_support_filter_none(a.get());
    archive_read_support_filter_gzip(a.get());
    archive_read_support_filter_bzip2(a.get());
    archive_read_support_filter_xz(a.get());
    archive_read_support_filter_zstd(a.get());
    return a;
}

bool is_tar_archive(int fd) {
    if (::lseek(fd, 0, SEEK_SET) != 0) return false;
    TarReader a = new_add_archive_reader();
    bool tar = false;
    if (archive_read_open_fd(a.get(), fd, 1 << 16) == ARCHIVE_OK) {
        archive_entry *e = nullptr;
        tar = archive_read_next_header(a.get(), &e) == ARCHIVE_OK;
    }
    ::lseek(fd, 0, SEEK_SET);
    return tar;
}

std::vector<CopySource> resolve_sources(int root_fd, const CopyRequest &request) {
    std::vector<CopySource> out;
    for (const auto &source : request.sources) {
        if (is_url(source)) {
            if (request.add) throw std::invalid_argument("ADD from a URL is not supported");
            throw CopyError("source can't be a URL for " + request.instruction);
        }
        // Cleaned as an absolute path: ".." stops at the root.
        std::string clean = clean_path("/" + source);
        clean = clean == "/" ? "." : clean.substr(1);
        std::vector<std::string> paths;
        if (glob::has_meta(clean)) {
            if (!glob::valid(clean)) throw CopyError(failed_prefix(request) + "syntax error in pattern: " + source);
            expand(root_fd, split_path(clean), 0, "", paths);
            std::sort(paths.begin(), paths.end());
            if (paths.empty()) not_found(request, source);
        } else {
            paths.push_back(clean);
        }
        for (const auto &p : paths) {
            CopySource s;
            s.path = p;
            s.base = p == "." ? "" : base_name(p);
            try {
                s.fd = open_in_root(root_fd, p, O_RDONLY | O_NONBLOCK | O_NOCTTY);
            } catch (const std::system_error &err) {
                if (is_missing(err.code().value())) not_found(request, source);
                throw;
            }
            if (::fstat(s.fd.get(), &s.st) != 0)
                throw std::system_error(errno, std::generic_category(), "stat " + source);
            s.archive = request.add && S_ISREG(s.st.st_mode) && is_tar_archive(s.fd.get());
            out.push_back(std::move(s));
        }
    }
    return out;
}

} // namespace berth::build
