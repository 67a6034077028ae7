// log_file_set.hpp — the names of a container's log files, as dockerd's
// loggerutils.LogFile lays them out: <path> is live, <path>.1 the newest
// rotated file, <path>.N the oldest; with compress, rotated files are
// <path>.N.gz.
#pragma once

#include <string>
#include <vector>

namespace berth::logjson {

// The rotated file number n (1-based) as it exists on disk: plain or .gz,
// or "" when neither exists.
std::string rotated_file(const std::string &path, int n);

// Every existing file, oldest first, the live file last (if it exists).
std::vector<std::string> files_oldest_first(const std::string &path);

} // namespace berth::logjson
