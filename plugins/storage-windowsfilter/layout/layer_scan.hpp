// layer_scan.hpp — the single read loop shared by validation and
// conversion: read each entry, check it, keep the summary, hand it on.
#pragma once

#include "windows_layer.hpp"

#include <functional>

struct archive;
struct archive_entry;

namespace berth::windowsfilter {

// Called for every accepted entry, before its data is read; `in` is
// positioned at the entry's data. `link_target` is set for hard links.
using entry_visitor =
    std::function<void(archive *in, archive_entry *entry, const EntryRule &rule, const EntryRule *link_target)>;

// Read all of in_fd. Throws LayoutError for the first refused entry or a
// stream error.
LayoutSummary scan_layer_tar(int in_fd, const entry_visitor &visit);

} // namespace berth::windowsfilter
