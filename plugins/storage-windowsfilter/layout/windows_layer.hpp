// windows_layer.hpp — checking and converting Windows container layer tars,
// the platform-independent half of the windowsfilter driver. Reads with
// libarchive (plain, gzip or zstd tars); fds are borrowed, never closed.
#pragma once

#include "entry_rules.hpp"

#include <cstdint>

namespace berth::windowsfilter {

enum class LayerKind {
    // Carries a utility VM image (UtilityVM/): the bottom of a chain, which
    // hcsshim imports with its base-layer writer and post-processes.
    base,
    // Everything else: Files/ changes, whiteouts, and the registry hive
    // deltas in Hives/ that every exported non-base layer carries.
    delta,
};

struct LayoutSummary {
    LayerKind kind = LayerKind::delta;
    bool has_files = false;      // any entry under (or being) Files/
    bool has_hives = false;      // any entry under (or being) Hives/
    bool has_utility_vm = false; // any entry under (or being) UtilityVM/
    uint64_t entries = 0;        // tar entries read
    uint64_t whiteouts = 0;      // .wh.<name> entries
};

// Read the whole tar and check every entry against entry_rules.hpp.
// Throws LayoutError naming the first bad entry.
LayoutSummary validate_layer_tar(int in_fd);

// Write the Linux view of a Windows layer tar to out_fd as a PAX tar:
// entries under Files/ with that prefix stripped (hard link targets too),
// whiteouts kept; the Files/ directory itself, Hives/ and UtilityVM/ dropped.
// Validates as it goes; on LayoutError the output is incomplete and the
// caller discards it.
LayoutSummary convert_to_linux_tar(int in_fd, int out_fd);

} // namespace berth::windowsfilter
