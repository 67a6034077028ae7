// capabilities.cpp — see capabilities.h. The tweak order follows the
// daemon's TweakCapabilities: privileged, no change, ALL added, ALL dropped,
// then defaults minus drops plus adds.
#include "containers/spec/capabilities.h"

#include "containers/spec/spec_errors.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <fstream>
#include <cctype>
#include <string_view>

namespace berth::containers::spec {
namespace {

// Indexed by capability number (linux/capability.h).
constexpr std::array<std::string_view, 41> kKnown = {
    "CAP_CHOWN",           "CAP_DAC_OVERRIDE",   "CAP_DAC_READ_SEARCH", "CAP_FOWNER",         "CAP_FSETID",
    "CAP_KILL",            "CAP_SETGID",         "CAP_SETUID",          "CAP_SETPCAP",        "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN",       "CAP_NET_RAW",        "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",       "CAP_SYS_MODULE",     "CAP_SYS_RAWIO",       "CAP_SYS_CHROOT",     "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",       "CAP_SYS_ADMIN",      "CAP_SYS_BOOT",        "CAP_SYS_NICE",       "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",        "CAP_SYS_TTY_CONFIG", "CAP_MKNOD",           "CAP_LEASE",          "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",   "CAP_SETFCAP",        "CAP_MAC_OVERRIDE",    "CAP_MAC_ADMIN",      "CAP_SYSLOG",
    "CAP_WAKE_ALARM",      "CAP_BLOCK_SUSPEND",  "CAP_AUDIT_READ",      "CAP_PERFMON",        "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
};

bool contains(const std::vector<std::string> &list, const std::string &item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

std::vector<std::string> normalize_all(const std::vector<std::string> &names, int last_cap) {
    std::vector<std::string> out;
    for (const auto &name : names) {
        auto normalized = normalize_capability(name, last_cap);
        if (!contains(out, normalized))
            out.push_back(std::move(normalized));
    }
    return out;
}

} // namespace

const std::vector<std::string> &default_capabilities() {
    static const std::vector<std::string> kDefaults = {
        "CAP_CHOWN",  "CAP_DAC_OVERRIDE", "CAP_FSETID",  "CAP_FOWNER",           "CAP_MKNOD",
        "CAP_NET_RAW", "CAP_SETGID",      "CAP_SETUID",  "CAP_SETFCAP",          "CAP_SETPCAP",
        "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
    };
    return kDefaults;
}

// The daemon's own bounding set (CapBnd): like moby, --privileged and
// --cap-add ALL grant only what berthd can pass on, so a daemon that lacks a
// capability (in a VM or a container) still starts privileged containers.
std::uint64_t daemon_bounding_set() {
    static const std::uint64_t bounding = [] {
        std::ifstream in("/proc/self/status");
        for (std::string line; std::getline(in, line);)
            if (line.rfind("CapBnd:", 0) == 0) return static_cast<std::uint64_t>(std::stoull(line.substr(7), nullptr, 16));
        return ~std::uint64_t{0};
    }();
    return bounding;
}

std::vector<std::string> all_capabilities(int last_cap) {
    std::vector<std::string> out;
    const std::uint64_t bounding = daemon_bounding_set();
    for (int i = 0; i < static_cast<int>(kKnown.size()) && i <= last_cap; ++i)
        if (i >= 64 || (bounding >> i) & 1u) out.emplace_back(kKnown[static_cast<std::size_t>(i)]);
    return out;
}

std::string normalize_capability(const std::string &name, int last_cap) {
    std::string upper;
    for (char c : name)
        upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    if (upper == "ALL")
        return upper;
    if (!upper.starts_with("CAP_"))
        upper = "CAP_" + upper;
    auto it = std::find(kKnown.begin(), kKnown.end(), upper);
    if (it == kKnown.end())
        throw invalid_argument("unknown capability: \"" + upper + "\"");
    if (it - kKnown.begin() > last_cap)
        throw invalid_argument("capability not supported by your kernel or not available in the current environment: \"" +
                               upper + "\"");
    return upper;
}

std::vector<std::string> effective_capabilities(const std::vector<std::string> &cap_add,
                                                const std::vector<std::string> &cap_drop, bool privileged,
                                                int last_cap) {
    if (privileged)
        return all_capabilities(last_cap);
    // Validate even when nothing changes, so a typo is refused rather than ignored.
    auto adds = normalize_all(cap_add, last_cap);
    auto drops = normalize_all(cap_drop, last_cap);
    if (adds.empty() && drops.empty())
        return default_capabilities();
    if (contains(adds, "ALL")) {
        std::vector<std::string> out;
        for (auto &cap : all_capabilities(last_cap))
            if (!contains(drops, cap))
                out.push_back(cap);
        return out;
    }
    if (contains(drops, "ALL"))
        return adds;
    std::vector<std::string> out;
    for (const auto &cap : default_capabilities())
        if (!contains(drops, cap) || contains(adds, cap)) // an add wins over a drop of the same cap
            out.push_back(cap);
    for (const auto &cap : adds)
        if (!contains(out, cap))
            out.push_back(cap);
    return out;
}

} // namespace berth::containers::spec
