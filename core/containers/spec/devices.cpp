// devices.cpp — see devices.h.
#include "containers/spec/devices.h"

#include "containers/spec/spec_errors.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <regex>
#include <sys/stat.h>
#include <sys/sysmacros.h>

namespace berth::containers::spec {
namespace {

namespace fs = std::filesystem;

bool device_from_stat(const struct stat &st, const std::string &container_path, DeviceNode &out) {
    if (S_ISCHR(st.st_mode))
        out.type = "c";
    else if (S_ISBLK(st.st_mode))
        out.type = "b";
    else
        return false;
    out.path = container_path;
    out.major = static_cast<std::int64_t>(major(st.st_rdev));
    out.minor = static_cast<std::int64_t>(minor(st.st_rdev));
    out.file_mode = st.st_mode & 07777;
    out.uid = st.st_uid;
    out.gid = st.st_gid;
    return true;
}

} // namespace

std::vector<DeviceRule> default_device_rules() {
    return {
        {false, "", -1, -1, "rwm"}, {true, "c", 1, 5, "rwm"},   {true, "c", 1, 3, "rwm"},
        {true, "c", 1, 9, "rwm"},   {true, "c", 1, 8, "rwm"},   {true, "c", 5, 0, "rwm"},
        {true, "c", 5, 1, "rwm"},   {false, "c", 10, 229, "rwm"},
    };
}

std::vector<DeviceNode> devices_for(const std::string &host_path, const std::string &container_path,
                                    const std::string &permissions) {
    static const std::regex kPerms("^[rwm]{1,3}$");
    if (!std::regex_match(permissions, kPerms))
        throw invalid_argument("invalid device mode: " + permissions);
    struct stat st{};
    if (::stat(host_path.c_str(), &st) != 0)
        throw not_found("error gathering device information while adding custom device \"" + host_path +
                        "\": " + std::strerror(errno));
    std::vector<DeviceNode> out;
    DeviceNode node;
    if (device_from_stat(st, container_path, node)) {
        out.push_back(node);
        return out;
    }
    if (!S_ISDIR(st.st_mode))
        throw invalid_argument("error gathering device information while adding custom device \"" + host_path +
                               "\": not a device node");
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(host_path, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
        struct stat child{};
        if (::lstat(it->path().c_str(), &child) != 0)
            continue;
        auto relative = it->path().lexically_relative(host_path).string();
        if (device_from_stat(child, (fs::path(container_path) / relative).string(), node))
            out.push_back(node);
    }
    return out;
}

std::vector<DeviceNode> host_devices() {
    std::vector<DeviceNode> out;
    std::error_code ec;
    auto it = fs::recursive_directory_iterator("/dev", ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        auto name = it->path().filename().string();
        if (it->is_directory(ec) && !it->is_symlink(ec)) {
            if (name == "pts" || name == "shm" || name == "fd" || name == "mqueue" || name == ".lxc" ||
                name == ".lxd-mounts" || name == ".udev")
                it.disable_recursion_pending();
            continue;
        }
        if (name == "console")
            continue;
        struct stat st{};
        DeviceNode node;
        if (::lstat(it->path().c_str(), &st) == 0 && device_from_stat(st, it->path().string(), node))
            out.push_back(node);
    }
    return out;
}

DeviceRule parse_device_cgroup_rule(const std::string &rule) {
    static const std::regex kRule(R"(^([acb]) ([0-9]+|\*):([0-9]+|\*) ([rwm]{1,3})$)");
    std::smatch m;
    if (!std::regex_match(rule, m, kRule))
        throw invalid_argument("invalid device cgroup format '" + rule + "'");
    auto number = [](const std::string &s) -> std::int64_t { return s == "*" ? -1 : std::stoll(s); };
    return {true, m[1].str(), number(m[2].str()), number(m[3].str()), m[4].str()};
}

} // namespace berth::containers::spec
