// change_list.cpp — helpers shared by changes_between and changes_overlay.
#include "internal.hpp"

#include <algorithm>

namespace berth::layertar::detail {

bool same_xattrs(int dirfd_a, int dirfd_b, const std::string &name) {
    std::vector<Xattr> a = read_xattrs(-1, dirfd_a, name);
    std::vector<Xattr> b = read_xattrs(-1, dirfd_b, name);
    return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                      [](const Xattr &x, const Xattr &y) { return x.name == y.name && x.value == y.value; });
}

std::vector<Change> ChangeList::take() {
    std::sort(changes_.begin(), changes_.end(),
              [](const Change &a, const Change &b) { return path_less(a.path, b.path); });
    return std::move(changes_);
}

} // namespace berth::layertar::detail
