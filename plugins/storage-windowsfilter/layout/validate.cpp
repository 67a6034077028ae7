// validate.cpp — validate_layer_tar: the scan with nothing to write. Entry
// data is skipped by libarchive when the next header is read.
#include "layer_scan.hpp"

namespace berth::windowsfilter {

LayoutSummary validate_layer_tar(int in_fd) {
    return scan_layer_tar(in_fd, [](archive *, archive_entry *, const EntryRule &, const EntryRule *) {});
}

} // namespace berth::windowsfilter
