// tree_remove.h — deleting one entry of a directory, a whole subtree if it
// is a directory, through directory fds: a symlink is removed, never
// followed, so pruning a context cannot delete anything outside it.
#pragma once

#include <string>
#include <vector>

namespace berth::build {

// Removes dir_fd/name (borrowed dir_fd). Missing is not an error. Throws
// std::system_error naming `shown` on failure.
void remove_entry_at(int dir_fd, const std::string &name, const std::string &shown);

// The names in a directory (without "." and ".."), sorted.
std::vector<std::string> list_dir(int dir_fd);

} // namespace berth::build
