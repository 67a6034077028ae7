#include "images/archive/extracted_archive.h"

#include "images/archive/member_path.h"
#include "images/errors.h"
#include "images/fs_util.h"

#include <archive.h>
#include <archive_entry.h>

#include <cerrno>
#include <exception>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace berth::images::archive {
namespace {

constexpr int kMaxLinkHops = 16;

// libarchive pulls input through this; exceptions from the reader must not
// cross libarchive's C frames, so they are parked and rethrown after.
struct ReadContext {
    const ByteReader *in;
    std::vector<char> buf = std::vector<char>(256 * 1024);
    std::exception_ptr error;
};

la_ssize_t read_cb(struct archive *a, void *data, const void **out) {
    auto *ctx = static_cast<ReadContext *>(data);
    try {
        const size_t n = (*ctx->in)(ctx->buf.data(), ctx->buf.size());
        *out = ctx->buf.data();
        return la_ssize_t(n);
    } catch (...) {
        ctx->error = std::current_exception();
        archive_set_error(a, EIO, "input failed");
        return -1;
    }
}

struct ArchiveReader {
    struct archive *a = archive_read_new();
    ~ArchiveReader() {
        if (a != nullptr) archive_read_free(a);
    }
};

} // namespace

ExtractedArchive::ExtractedArchive(const ByteReader &in, const std::filesystem::path &scratch_parent,
                                   ExtractLimits limits)
    : dir_(scratch_parent, "load-") {
    extract(in, limits);
}

void ExtractedArchive::extract(const ByteReader &in, ExtractLimits limits) {
    ArchiveReader reader;
    if (reader.a == nullptr) throw InternalError("out of memory");
    archive_read_support_filter_all(reader.a);
    archive_read_support_format_tar(reader.a);
    ReadContext ctx{&in};
    auto fail = [&](const char *doing) -> void {
        if (ctx.error) std::rethrow_exception(ctx.error);
        const char *why = archive_error_string(reader.a);
        throw InvalidArgument(std::string("invalid archive: ") + doing + ": " + (why ? why : "unreadable"));
    };
    if (archive_read_open(reader.a, &ctx, nullptr, read_cb, nullptr) != ARCHIVE_OK) fail("cannot read it");

    size_t count = 0;
    for (;;) {
        archive_entry *entry = nullptr;
        const int r = archive_read_next_header(reader.a, &entry);
        if (r == ARCHIVE_EOF) break;
        if (r < ARCHIVE_WARN) fail("reading a member header");
        if (++count > limits.max_members)
            throw InvalidArgument("invalid archive: more than " + std::to_string(limits.max_members) + " members");
        const std::string raw_name = archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "";
        // `tar -C dir .` starts with the directory "./" itself.
        if (archive_entry_filetype(entry) == AE_IFDIR && (raw_name == "." || raw_name == "./")) continue;
        const std::string name = normalize_member_name(raw_name);

        if (const char *hard = archive_entry_hardlink(entry)) {
            // A hard link names an earlier member; alias it.
            const std::string target = normalize_member_name(hard);
            links_[name] = target;
            files_.erase(name);
            continue;
        }
        switch (archive_entry_filetype(entry)) {
        case AE_IFDIR: continue;
        case AE_IFLNK: {
            const char *target = archive_entry_symlink(entry);
            links_[name] = resolve_link_target(name, target ? target : "").value_or("");
            files_.erase(name);
            continue;
        }
        case AE_IFREG: break;
        default: throw InvalidArgument("invalid archive member \"" + name + "\": not a regular file, directory or link");
        }

        File f{dir_.path() / ("m" + std::to_string(count)), 0};
        UniqueFd fd(::open(f.path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
        if (!fd) fsx::throw_errno("create " + f.path.string(), errno);
        for (;;) {
            const void *block = nullptr;
            size_t len = 0;
            la_int64_t offset = 0;
            const int rr = archive_read_data_block(reader.a, &block, &len, &offset);
            if (rr == ARCHIVE_EOF) break;
            if (rr < ARCHIVE_WARN) fail(("reading member \"" + name + "\"").c_str());
            // pwrite at the block's offset: sparse members leave holes.
            const char *p = static_cast<const char *>(block);
            while (len > 0) {
                const ssize_t n = ::pwrite(fd.get(), p, len, off_t(offset));
                if (n < 0) {
                    if (errno == EINTR) continue;
                    fsx::throw_errno("write " + f.path.string() + " (member " + name + ")", errno);
                }
                p += n;
                len -= size_t(n);
                offset += n;
            }
        }
        const la_int64_t declared = archive_entry_size(entry);
        if (::ftruncate(fd.get(), off_t(declared)) != 0) fsx::throw_errno("size " + f.path.string(), errno);
        f.size = declared;
        links_.erase(name);
        files_[name] = std::move(f);
    }
}

std::optional<std::string> ExtractedArchive::find(std::string_view path, std::string_view what) const {
    std::string name = normalize_member_name(path, what);
    for (int hop = 0; hop <= kMaxLinkHops; ++hop) {
        if (files_.count(name)) return name;
        const auto link = links_.find(name);
        if (link == links_.end()) return std::nullopt;
        if (link->second.empty())
            throw InvalidArgument("invalid archive: link \"" + name + "\" points outside the archive");
        name = link->second;
    }
    throw InvalidArgument("invalid archive: too many levels of links at \"" + std::string(path) + "\"");
}

const ExtractedArchive::File &ExtractedArchive::file(const std::string &member) const {
    const auto it = files_.find(member);
    if (it == files_.end()) throw InvalidArgument("invalid archive: no member \"" + member + "\"");
    return it->second;
}

int64_t ExtractedArchive::size(const std::string &member) const { return file(member).size; }

std::string ExtractedArchive::read(const std::string &member, size_t max_bytes) const {
    const File &f = file(member);
    if (f.size < 0 || uint64_t(f.size) > max_bytes)
        throw InvalidArgument("invalid archive: member \"" + member + "\" is too large (" + std::to_string(f.size) +
                              " bytes)");
    auto bytes = fsx::read_file(f.path, max_bytes);
    if (!bytes) throw InternalError("archive scratch file for \"" + member + "\" vanished");
    return std::move(*bytes);
}

UniqueFd ExtractedArchive::open(const std::string &member) const {
    const File &f = file(member);
    UniqueFd fd(::open(f.path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!fd) fsx::throw_errno("open " + f.path.string(), errno);
    return fd;
}

} // namespace berth::images::archive
