// layer_scan.cpp — see layer_scan.hpp.
#include "layer_scan.hpp"

#include "archive_io.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <optional>

namespace berth::windowsfilter {

LayoutSummary scan_layer_tar(int in_fd, const entry_visitor &visit) {
    archive_ptr in = open_tar_reader(in_fd);
    LayoutSummary s;
    std::string last = "";
    for (;;) {
        archive_entry *entry = nullptr;
        int rc = archive_read_next_header(in.get(), &entry);
        if (rc == ARCHIVE_EOF) break;
        if (rc < ARCHIVE_WARN)
            throw LayoutError("", "cannot read layer tar" + (last.empty() ? "" : " after \"" + last + "\"") +
                                      ": " + archive_error(in.get()));
        std::string name = entry_name(entry);
        EntryType type = entry_type(entry);
        EntryRule rule = classify_entry(name, type);
        std::optional<EntryRule> target;
        if (type == EntryType::hardlink) {
            const char *t = archive_entry_hardlink_utf8(entry);
            if (t == nullptr) t = archive_entry_hardlink(entry);
            target = classify_link_target(name, rule, t != nullptr ? t : "");
        }
        ++s.entries;
        s.whiteouts += rule.whiteout ? 1 : 0;
        s.has_files |= rule.area == Area::files;
        s.has_hives |= rule.area == Area::hives;
        s.has_utility_vm |= rule.area == Area::utility_vm;
        visit(in.get(), entry, rule, target ? &*target : nullptr);
        last = name;
    }
    // See LayerKind: a utility VM image marks the bottom of a chain; Hives/
    // does not (every exported delta layer carries its hive deltas).
    s.kind = s.has_utility_vm ? LayerKind::base : LayerKind::delta;
    return s;
}

} // namespace berth::windowsfilter
