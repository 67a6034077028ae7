// convert.cpp — convert_to_linux_tar: keep Files/ (prefix stripped), drop
// the rest, copy entry data block by block so sparse files stay sparse.
#include "archive_io.hpp"
#include "layer_scan.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <memory>

namespace berth::windowsfilter {
namespace {

struct entry_deleter {
    void operator()(archive_entry *e) const noexcept { archive_entry_free(e); }
};

// Tar writers take data as one logical stream (the PAX writer itself skips
// the holes an entry's sparse map names), so holes between the blocks
// libarchive reads are refilled with zeros here.
void copy_data(archive *in, archive *out, const std::string &name, la_int64_t size) {
    static const char zeros[64 * 1024] = {};
    la_int64_t written = 0;
    auto write = [&](const void *buf, size_t len) {
        if (archive_write_data(out, buf, len) < 0)
            throw LayoutError(name, "cannot write data: " + archive_error(out));
        written += static_cast<la_int64_t>(len);
    };
    auto fill_to = [&](la_int64_t offset) {
        while (written < offset)
            write(zeros, static_cast<size_t>(std::min<la_int64_t>(offset - written, sizeof zeros)));
    };
    for (;;) {
        const void *buf = nullptr;
        size_t len = 0;
        la_int64_t offset = 0;
        int rc = archive_read_data_block(in, &buf, &len, &offset);
        if (rc == ARCHIVE_EOF) break;
        if (rc < ARCHIVE_WARN) throw LayoutError(name, "cannot read data: " + archive_error(in));
        fill_to(offset);
        write(buf, len);
    }
    fill_to(size); // a trailing hole
}

} // namespace

LayoutSummary convert_to_linux_tar(int in_fd, int out_fd) {
    archive_ptr out = open_tar_writer(out_fd);
    LayoutSummary s = scan_layer_tar(in_fd, [&](archive *in, archive_entry *entry, const EntryRule &rule,
                                                 const EntryRule *link_target) {
        if (rule.area != Area::files || rule.linux_name.empty()) return;
        std::unique_ptr<archive_entry, entry_deleter> copy(archive_entry_clone(entry));
        if (!copy) throw std::bad_alloc();
        // Names came out of the tar as UTF-8; keep them UTF-8 whatever the
        // process locale is.
        if (archive_entry_update_pathname_utf8(copy.get(), rule.linux_name.c_str()) == 0)
            archive_entry_copy_pathname(copy.get(), rule.linux_name.c_str());
        if (link_target != nullptr) {
            if (archive_entry_update_hardlink_utf8(copy.get(), link_target->linux_name.c_str()) == 0)
                archive_entry_copy_hardlink(copy.get(), link_target->linux_name.c_str());
            archive_entry_set_size(copy.get(), 0); // a link carries no data of its own
        }
        if (archive_write_header(out.get(), copy.get()) < ARCHIVE_WARN)
            throw LayoutError(rule.name, "cannot write header: " + archive_error(out.get()));
        if (link_target == nullptr && archive_entry_size(entry) > 0) copy_data(in, out.get(), rule.name, archive_entry_size(entry));
    });
    if (archive_write_close(out.get()) != ARCHIVE_OK)
        throw LayoutError("", "cannot finish tar: " + archive_error(out.get()));
    return s;
}

} // namespace berth::windowsfilter
