// mounts.cpp — see mounts.h and runtime-defaults §2.
#include "containers/spec/mounts.h"

#include "containers/spec/spec_errors.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <sstream>

namespace berth::containers::spec {
namespace {

std::vector<std::string> split_commas(const std::string &s) {
    std::vector<std::string> out;
    std::string item;
    std::istringstream in(s);
    while (std::getline(in, item, ','))
        if (!item.empty())
            out.push_back(item);
    return out;
}

const std::set<std::string> kPropagations = {"private", "rprivate", "shared", "rshared", "slave", "rslave"};

// Options that cancel each other share a group; key=value options group by key.
std::string option_group(const std::string &opt) {
    if (opt == "exec" || opt == "noexec")
        return "exec";
    if (opt == "suid" || opt == "nosuid")
        return "suid";
    if (opt == "dev" || opt == "nodev")
        return "dev";
    if (opt == "ro" || opt == "rw")
        return "rw";
    if (kPropagations.count(opt))
        return "propagation";
    return opt.substr(0, opt.find('='));
}

std::string clean_path(const std::string &p) {
    auto cleaned = std::filesystem::path(p).lexically_normal().string();
    if (cleaned.size() > 1 && cleaned.back() == '/') // "/data/" is "/data"
        cleaned.pop_back();
    return cleaned;
}

std::size_t depth(const std::string &destination) {
    auto cleaned = clean_path(destination);
    return static_cast<std::size_t>(std::count(cleaned.begin(), cleaned.end(), '/'));
}

} // namespace

std::vector<Mount> default_mounts(const MountRequest &r) {
    std::vector<std::string> sys = {"nosuid", "noexec", "nodev", "ro"};
    std::vector<std::string> cgroup = {"ro", "nosuid", "noexec", "nodev"};
    if (r.privileged) { // writable /sys and cgroups
        sys = {"nosuid", "noexec", "nodev"};
        cgroup = {"nosuid", "noexec", "nodev"};
    }
    std::vector<Mount> out = {
        {"/proc", "proc", "proc", {"nosuid", "noexec", "nodev"}},
        {"/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}},
        {"/dev/pts", "devpts", "devpts", {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}},
        {"/sys", "sysfs", "sysfs", sys},
        {"/sys/fs/cgroup", "cgroup", "cgroup", cgroup},
        {"/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"}},
        {"/dev/shm", "tmpfs", "shm",
         {"nosuid", "noexec", "nodev", "mode=1777", "size=" + std::to_string(r.shm_size)}},
    };
    return out;
}

std::vector<std::string> tmpfs_options(const std::string &user_options) {
    std::vector<std::string> all = {"noexec", "nosuid", "nodev", "rprivate"};
    for (auto &opt : split_commas(user_options))
        all.push_back(opt);
    std::vector<std::string> kept;
    std::set<std::string> seen;
    for (auto it = all.rbegin(); it != all.rend(); ++it)
        if (seen.insert(option_group(*it)).second)
            kept.push_back(*it);
    std::reverse(kept.begin(), kept.end());
    return kept;
}

Mount parse_bind(const std::string &bind) {
    std::vector<std::string> parts;
    std::string part;
    std::istringstream in(bind);
    while (std::getline(in, part, ':'))
        parts.push_back(part);
    if (parts.size() < 2 || parts.size() > 3 || parts[0].empty() || parts[1].empty())
        throw invalid_argument("invalid volume specification: '" + bind + "'");
    if (parts[0][0] != '/')
        throw invalid_argument("invalid volume specification: '" + bind + "': named volumes are not supported yet");
    if (parts[1][0] != '/')
        throw invalid_argument("invalid volume specification: '" + bind + "': invalid mount config for type \"bind\": "
                               "invalid mount path: '" + parts[1] + "' mount path must be absolute");
    if (clean_path(parts[1]) == "/")
        throw invalid_argument("invalid volume specification: '" + bind + "': invalid mount config for type \"bind\": "
                               "invalid specification: destination can't be '/'");
    bool read_only = false;
    std::string propagation = "rprivate";
    if (parts.size() == 3) {
        for (const auto &opt : split_commas(parts[2])) {
            if (opt == "ro")
                read_only = true;
            else if (opt == "rw" || opt == "z" || opt == "Z" || opt == "nocopy")
                continue; // SELinux relabels and volume copy do not apply to a host bind here
            else if (kPropagations.count(opt))
                propagation = opt;
            else
                throw invalid_argument("invalid mode: " + opt);
        }
    }
    Mount m{clean_path(parts[1]), "bind", parts[0], {"rbind"}};
    if (read_only)
        m.options.emplace_back("ro");
    m.options.push_back(propagation);
    return m;
}

std::vector<Mount> build_mounts(const MountRequest &r) {
    std::vector<Mount> user;
    for (const auto &[path, opts] : r.tmpfs) {
        if (path.empty() || path[0] != '/')
            throw invalid_argument("invalid mount path: '" + path + "' mount path must be absolute");
        user.push_back({clean_path(path), "tmpfs", "tmpfs", tmpfs_options(opts)});
    }
    for (const auto &bind : r.binds)
        user.push_back(parse_bind(bind));
    std::set<std::string> destinations;
    for (const auto &m : user)
        if (!destinations.insert(m.destination).second)
            throw invalid_argument("Duplicate mount point: " + m.destination);

    // The generated /etc files, unless the user mounted their own there.
    auto add_file = [&](const std::string &source, const char *destination) {
        if (source.empty() || destinations.count(destination))
            return;
        Mount m{destination, "bind", source, {"rbind", "rprivate"}};
        if (r.read_only_rootfs)
            m.options.emplace_back("ro");
        user.push_back(std::move(m));
    };
    add_file(r.resolv_conf_path, "/etc/resolv.conf");
    add_file(r.hostname_path, "/etc/hostname");
    add_file(r.hosts_path, "/etc/hosts");
    std::stable_sort(user.begin(), user.end(),
                     [](const Mount &a, const Mount &b) { return depth(a.destination) < depth(b.destination); });

    bool user_dev = destinations.count("/dev") > 0;
    std::vector<Mount> out;
    for (auto &m : default_mounts(r)) {
        if (destinations.count(m.destination) || (user_dev && m.destination.starts_with("/dev/")))
            continue;
        bool keeps_rw = m.destination == "/proc" || m.destination.starts_with("/dev");
        if (r.read_only_rootfs && !keeps_rw &&
            std::find(m.options.begin(), m.options.end(), "ro") == m.options.end())
            m.options.emplace_back("ro");
        out.push_back(std::move(m));
    }
    if (!r.init_path.empty())
        out.push_back({"/sbin/docker-init", "bind", r.init_path, {"bind", "ro"}});
    out.insert(out.end(), user.begin(), user.end());
    return out;
}

} // namespace berth::containers::spec
