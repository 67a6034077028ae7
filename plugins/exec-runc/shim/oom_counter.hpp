// oom_counter.hpp — how many times the OOM killer struck inside a
// container's memory cgroup. The kernel counts kills per cgroup: the
// "oom_kill N" line of memory.oom_control (cgroup v1, kernel 4.13+) or of
// memory.events (cgroup v2). The shim finds the file once the container is
// created and reads it when init exits, before `runc delete` removes the
// cgroup.
//
// Where the cgroup is: read from /proc/<init pid>/cgroup rather than
// computed from config.json's linux.cgroupsPath, because the kernel's answer
// is right for every form runc accepts (an absolute cgroupfs path such as
// /docker/<id>, a path relative to the caller's cgroup, none at all, or
// systemd's slice:prefix:name), and the shim needs no JSON parser for it.
// The cgroup's directory is then found under the memory controller's mount
// (cgroup v1) or the cgroup2 mount, both from /proc/self/mountinfo.
// Pure parsing functions are separate so they are unit-tested on text.
#pragma once

#include <string>

namespace berth::shim {

// The memory cgroup path in /proc/<pid>/cgroup text: the v1 line whose
// controllers include "memory", else the v2 "0::" line. Sets v2 to which
// one it was. "" when there is neither.
std::string memory_cgroup_in(const std::string &proc_cgroup, bool &v2);

// The directory of cgroup_path (as /proc/<pid>/cgroup shows it) on the
// memory hierarchy described by mountinfo text: a "cgroup" mount whose
// super options include "memory" (v1) or a "cgroup2" mount (v2). "" when
// no such mount is visible.
std::string cgroup_dir_in(const std::string &mountinfo, const std::string &cgroup_path, bool v2);

// The value of the "oom_kill" line of a memory.oom_control / memory.events
// text; -1 when the line is missing (kernel too old).
long long oom_kill_count_in(const std::string &text);

// The counter file of process pid's memory cgroup, "" when not found.
std::string oom_counter_file(int pid);
// Read the counter file; -1 when it cannot be read (cgroup gone).
long long read_oom_kill_count(const std::string &file);

} // namespace berth::shim
