#include "tar_read.hpp"

#include "hash.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

#include <stdexcept>

namespace conformance {

std::string normalize_entry_name(const std::string &name) {
    std::string n = name;
    for (;;) {
        if (n.rfind("./", 0) == 0) n.erase(0, 2);
        else if (!n.empty() && n[0] == '/') n.erase(0, 1);
        else break;
    }
    while (!n.empty() && n.back() == '/') n.pop_back();
    if (n == ".") n.clear();
    return n;
}

const TarItem *find_item(const std::vector<TarItem> &items, const std::string &path) {
    for (const auto &i : items)
        if (i.path == path) return &i;
    return nullptr;
}

std::vector<TarItem> read_tar(const std::string &path) {
    archive *a = archive_read_new();
    archive_read_support_format_tar(a);
    archive_read_support_format_gnutar(a);
    auto fail = [&](const std::string &what) {
        std::string msg = "reading tar " + path + ": " + what + ": " +
                          (archive_error_string(a) != nullptr ? archive_error_string(a) : "?");
        archive_read_free(a);
        throw std::runtime_error(msg);
    };
    if (archive_read_open_filename(a, path.c_str(), 1 << 20) != ARCHIVE_OK) fail("open");
    std::vector<TarItem> items;
    archive_entry *e = nullptr;
    for (;;) {
        int r = archive_read_next_header(a, &e);
        if (r == ARCHIVE_EOF) break;
        if (r != ARCHIVE_OK && r != ARCHIVE_WARN) fail("header after " + std::to_string(items.size()) + " entries");
        TarItem it;
        it.raw_path = archive_entry_pathname(e) != nullptr ? archive_entry_pathname(e) : "";
        it.path = normalize_entry_name(it.raw_path);
        it.type = archive_entry_filetype(e);
        it.mode = archive_entry_perm(e) & 07777;
        it.uid = static_cast<uid_t>(archive_entry_uid(e));
        it.gid = static_cast<gid_t>(archive_entry_gid(e));
        it.size = archive_entry_size(e);
        if (archive_entry_symlink(e) != nullptr) it.symlink = archive_entry_symlink(e);
        if (archive_entry_hardlink(e) != nullptr) it.hardlink = normalize_entry_name(archive_entry_hardlink(e));
        // libarchive reports a tar hard-link entry with file type 0: it has
        // its target's type (an earlier entry of the same tar).
        if (!it.hardlink.empty() && it.type == 0) {
            const TarItem *target = find_item(items, it.hardlink);
            it.type = target != nullptr ? target->type : AE_IFREG;
        }
        it.sparse_regions = archive_entry_sparse_count(e);
        archive_entry_xattr_reset(e);
        const char *xname;
        const void *xval;
        size_t xlen;
        while (archive_entry_xattr_next(e, &xname, &xval, &xlen) == ARCHIVE_OK)
            it.xattrs[xname] = std::string(static_cast<const char *>(xval), xlen);
        // Hash the data; gaps between sparse blocks and a trailing hole are
        // zeros, exactly what reading the extracted file returns.
        Hasher h;
        const void *buf;
        size_t len;
        la_int64_t off;
        int64_t pos = 0;
        for (;;) {
            int d = archive_read_data_block(a, &buf, &len, &off);
            if (d == ARCHIVE_EOF) break;
            if (d != ARCHIVE_OK && d != ARCHIVE_WARN) fail("data of " + it.raw_path);
            if (off > pos) h.update_zeros(static_cast<uint64_t>(off - pos));
            h.update(buf, len);
            pos = off + static_cast<int64_t>(len);
        }
        if (it.type == AE_IFREG && it.hardlink.empty() && pos < it.size)
            h.update_zeros(static_cast<uint64_t>(it.size - pos));
        it.hash = h.digest();
        items.push_back(std::move(it));
    }
    archive_read_free(a);
    return items;
}

} // namespace conformance
