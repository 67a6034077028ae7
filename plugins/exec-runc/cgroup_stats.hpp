// cgroup_stats.hpp — one stats sample of a container in Docker's
// /containers/{id}/stats shape, read from the cgroup of its init process.
// cgroup v1 (also the v1 controllers of a hybrid host) and v2.
#pragma once

#include <string>

namespace berth::execrunc {

// JSON object with read, pids_stats, cpu_stats, memory_stats, blkio_stats
// (precpu_stats empty: the caller keeps the previous sample). Throws
// std::runtime_error naming what it could not read.
std::string cgroup_stats_json(int init_pid);

// The root of the cgroup filesystem; tests point it elsewhere.
// Default /sys/fs/cgroup.
void set_cgroup_root_for_testing(const std::string &root);

} // namespace berth::execrunc
