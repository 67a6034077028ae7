#include "volumes/local_options.h"

#include <sys/mount.h>

#include <cctype>
#include <cstdint>
#include <map>
#include <optional>
#include <sstream>
#include <vector>

namespace berth::volumes {
namespace {

// Go's units.RAMInBytes: a number, optional fraction, optional binary
// suffix (k, m, g, t, p; "b"/"ib" tolerated). nullopt when malformed.
std::optional<double> ram_in_bytes(const std::string &s) {
    size_t i = 0;
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
    if (i == 0) return std::nullopt;
    double n = 0;
    try {
        n = std::stod(s.substr(0, i));
    } catch (const std::exception &) {
        return std::nullopt;
    }
    std::string unit;
    for (char c : s.substr(i)) unit += char(std::tolower(static_cast<unsigned char>(c)));
    static const std::map<std::string, double> mult = {
        {"", 1},           {"b", 1},           {"k", 1024.0},       {"kb", 1024.0},      {"kib", 1024.0},
        {"m", 1048576.0},  {"mb", 1048576.0},  {"mib", 1048576.0},  {"g", 1073741824.0}, {"gb", 1073741824.0},
        {"gib", 1073741824.0}, {"t", 1099511627776.0}, {"tb", 1099511627776.0}, {"tib", 1099511627776.0},
        {"p", 1125899906842624.0}, {"pb", 1125899906842624.0}, {"pib", 1125899906842624.0}};
    auto it = mult.find(unit);
    if (it == mult.end()) return std::nullopt;
    return n * it->second;
}

struct FlagWord {
    bool clear; // the word turns the flag off ("rw", "suid", ...)
    unsigned long flag;
};

// moby/sys/mount's table (flags_linux.go).
const std::map<std::string, FlagWord> &flag_words() {
    static const std::map<std::string, FlagWord> words = {
        {"defaults", {false, 0}},
        {"ro", {false, MS_RDONLY}},
        {"rw", {true, MS_RDONLY}},
        {"suid", {true, MS_NOSUID}},
        {"nosuid", {false, MS_NOSUID}},
        {"dev", {true, MS_NODEV}},
        {"nodev", {false, MS_NODEV}},
        {"exec", {true, MS_NOEXEC}},
        {"noexec", {false, MS_NOEXEC}},
        {"sync", {false, MS_SYNCHRONOUS}},
        {"async", {true, MS_SYNCHRONOUS}},
        {"dirsync", {false, MS_DIRSYNC}},
        {"remount", {false, MS_REMOUNT}},
        {"mand", {false, MS_MANDLOCK}},
        {"nomand", {true, MS_MANDLOCK}},
        {"atime", {true, MS_NOATIME}},
        {"noatime", {false, MS_NOATIME}},
        {"diratime", {true, MS_NODIRATIME}},
        {"nodiratime", {false, MS_NODIRATIME}},
        {"bind", {false, MS_BIND}},
        {"rbind", {false, MS_BIND | MS_REC}},
        {"unbindable", {false, MS_UNBINDABLE}},
        {"runbindable", {false, MS_UNBINDABLE | MS_REC}},
        {"private", {false, MS_PRIVATE}},
        {"rprivate", {false, MS_PRIVATE | MS_REC}},
        {"shared", {false, MS_SHARED}},
        {"rshared", {false, MS_SHARED | MS_REC}},
        {"slave", {false, MS_SLAVE}},
        {"rslave", {false, MS_SLAVE | MS_REC}},
        {"relatime", {false, MS_RELATIME}},
        {"norelatime", {true, MS_RELATIME}},
        {"strictatime", {false, MS_STRICTATIME}},
        {"nostrictatime", {true, MS_STRICTATIME}},
    };
    return words;
}

} // namespace

std::string local_options_error(const StringMap &opts) {
    for (const auto &[key, value] : opts)
        if (key != "type" && key != "o" && key != "device" && key != "size") return "invalid option: \"" + key + "\"";
    // Each option that needs others, checked in a fixed order (moby walks a
    // Go map, so its choice among several missing ones varies).
    static const std::pair<const char *, std::vector<const char *>> needs[] = {
        {"device", {"type"}}, {"type", {"device"}}, {"o", {"device", "type"}}};
    for (const auto &[opt, required] : needs) {
        if (!opts.count(opt)) continue;
        for (const char *r : required)
            if (!opts.count(r)) return std::string("missing required option: \"") + r + "\"";
    }
    if (auto it = opts.find("size"); it != opts.end()) {
        const auto bytes = ram_in_bytes(it->second);
        if (!bytes) return "invalid size: '" + it->second + "'";
        // Quotas need an XFS project-quota backing filesystem, which berth
        // does not set up; moby says the same when it has none.
        if (*bytes > 0) return "quota size requested but no quota support";
    }
    return {};
}

MountOptions parse_mount_options(const std::string &o) {
    constexpr unsigned long propagation_bits = MS_SHARED | MS_PRIVATE | MS_SLAVE | MS_UNBINDABLE;
    unsigned long flags = 0;
    std::string data;
    std::stringstream in(o);
    for (std::string word; std::getline(in, word, ',');) {
        auto it = flag_words().find(word);
        if (it != flag_words().end()) {
            if (it->second.clear)
                flags &= ~it->second.flag;
            else
                flags |= it->second.flag;
        } else if (!word.empty()) {
            data += (data.empty() ? "" : ",") + word;
        }
    }
    MountOptions out;
    if (flags & propagation_bits) {
        out.propagation = flags & (propagation_bits | MS_REC);
        // MS_REC stays with the first call only when it belongs to rbind.
        out.flags = flags & ~propagation_bits;
        if (!(out.flags & MS_BIND)) out.flags &= ~MS_REC;
    } else {
        out.flags = flags;
    }
    out.data = data;
    return out;
}

} // namespace berth::volumes
