#include "tar_build.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <stdexcept>

namespace conformance {

TarSpec tar_file(const std::string &path, const std::string &content, unsigned mode) {
    TarSpec s;
    s.type = TarSpec::Type::file;
    s.path = path;
    s.content = content;
    s.mode = mode;
    return s;
}

TarSpec tar_dir(const std::string &path, unsigned mode) {
    TarSpec s;
    s.type = TarSpec::Type::dir;
    s.path = path;
    s.mode = mode;
    return s;
}

TarSpec tar_symlink(const std::string &path, const std::string &target) {
    TarSpec s;
    s.type = TarSpec::Type::symlink;
    s.path = path;
    s.target = target;
    s.mode = 0777;
    return s;
}

TarSpec tar_hardlink(const std::string &path, const std::string &target) {
    TarSpec s;
    s.type = TarSpec::Type::hardlink;
    s.path = path;
    s.target = target;
    return s;
}

TarSpec tar_whiteout(const std::string &dir, const std::string &name) {
    return tar_file(dir.empty() ? ".wh." + name : dir + "/.wh." + name, "", 0644);
}

TarSpec tar_opaque(const std::string &dir) { return tar_file(dir + "/.wh..wh..opq", "", 0644); }

void write_tar(const std::string &path, const std::vector<TarSpec> &entries) {
    archive *a = archive_write_new();
    auto fail = [&](const std::string &what) {
        std::string msg = "writing tar " + path + ": " + what + ": " +
                          (archive_error_string(a) != nullptr ? archive_error_string(a) : "?");
        archive_write_free(a);
        throw std::runtime_error(msg);
    };
    // PAX restricted: ustar headers plus PAX records only where needed
    // (xattrs, long names) — what docker and containerd produce.
    if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK) fail("format");
    if (archive_write_open_filename(a, path.c_str()) != ARCHIVE_OK) fail("open");
    for (const auto &s : entries) {
        archive_entry *e = archive_entry_new();
        archive_entry_set_pathname(e, s.path.c_str());
        archive_entry_set_uid(e, s.uid);
        archive_entry_set_gid(e, s.gid);
        archive_entry_set_mtime(e, 1700000000, 0);
        switch (s.type) {
        case TarSpec::Type::file:
            archive_entry_set_filetype(e, AE_IFREG);
            archive_entry_set_size(e, static_cast<la_int64_t>(s.content.size()));
            break;
        case TarSpec::Type::dir:
            archive_entry_set_filetype(e, AE_IFDIR);
            break;
        case TarSpec::Type::symlink:
            archive_entry_set_filetype(e, AE_IFLNK);
            archive_entry_set_symlink(e, s.target.c_str());
            break;
        case TarSpec::Type::hardlink:
            archive_entry_set_filetype(e, AE_IFREG);
            archive_entry_set_hardlink(e, s.target.c_str());
            archive_entry_set_size(e, 0);
            break;
        case TarSpec::Type::fifo:
            archive_entry_set_filetype(e, AE_IFIFO);
            break;
        }
        archive_entry_set_perm(e, s.mode);
        for (const auto &x : s.xattrs)
            archive_entry_xattr_add_entry(e, x.first.c_str(), x.second.data(), x.second.size());
        if (archive_write_header(a, e) != ARCHIVE_OK) {
            archive_entry_free(e);
            fail("header of " + s.path);
        }
        archive_entry_free(e);
        if (s.type == TarSpec::Type::file && !s.content.empty() &&
            archive_write_data(a, s.content.data(), s.content.size()) != static_cast<la_ssize_t>(s.content.size()))
            fail("data of " + s.path);
    }
    if (archive_write_close(a) != ARCHIVE_OK) fail("close");
    archive_write_free(a);
}

long long content_bytes(const std::vector<TarSpec> &entries) {
    long long n = 0;
    for (const auto &s : entries)
        if (s.type == TarSpec::Type::file) n += static_cast<long long>(s.content.size());
    return n;
}

} // namespace conformance
