// user_resolution.cpp — see user_resolution.h. Follows moby/sys/user's
// GetExecUser: a numeric user is always a uid (and need not exist), a name
// must; missing passwd/group files count as empty.
#include "containers/spec/user_resolution.h"

#include "containers/spec/spec_errors.h"

#include <algorithm>
#include <charconv>
#include <fcntl.h>
#include <linux/openat2.h>
#include <optional>
#include <sstream>
#include <sys/syscall.h>
#include <unistd.h>

namespace berth::containers::spec {
namespace {

constexpr std::uint64_t kMaxId = 2147483647;

struct PasswdEntry {
    std::string name;
    std::uint32_t uid;
    std::uint32_t gid;
};

struct GroupEntry {
    std::string name;
    std::uint32_t gid;
    std::vector<std::string> members;
};

// Reads <rootfs>/<path> with symlinks (absolute or ../) kept inside the rootfs,
// as the image's own /etc/passwd may be a symlink. "" when absent.
std::string read_in_root(const std::string &rootfs, const char *path) {
    int root = ::open(rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root < 0)
        return {};
    open_how how{};
    how.flags = O_RDONLY | O_CLOEXEC;
    how.resolve = RESOLVE_IN_ROOT;
    int fd = static_cast<int>(::syscall(SYS_openat2, root, path, &how, sizeof how));
    ::close(root);
    if (fd < 0)
        return {};
    std::string out;
    char buf[8192];
    for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;)
        out.append(buf, static_cast<std::size_t>(n));
    ::close(fd);
    return out;
}

std::vector<std::string> split(const std::string &s, char sep) {
    std::vector<std::string> out;
    std::string field;
    std::istringstream in(s);
    while (std::getline(in, field, sep))
        out.push_back(field);
    if (!s.empty() && s.back() == sep)
        out.emplace_back();
    return out;
}

std::optional<std::uint64_t> parse_number(const std::string &s) {
    std::uint64_t value = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (s.empty() || ec != std::errc() || end != s.data() + s.size())
        return std::nullopt;
    return value;
}

std::uint32_t checked_id(std::uint64_t id) {
    if (id > kMaxId)
        throw invalid_argument("uids and gids must be in range 0-2147483647");
    return static_cast<std::uint32_t>(id);
}

std::vector<PasswdEntry> parse_passwd(const std::string &text) {
    std::vector<PasswdEntry> out;
    for (const auto &line : split(text, '\n')) {
        auto f = split(line, ':');
        if (line.empty() || line[0] == '#' || f.size() < 4)
            continue;
        auto uid = parse_number(f[2]);
        auto gid = parse_number(f[3]);
        if (uid && gid && *uid <= kMaxId && *gid <= kMaxId)
            out.push_back({f[0], static_cast<std::uint32_t>(*uid), static_cast<std::uint32_t>(*gid)});
    }
    return out;
}

std::vector<GroupEntry> parse_group(const std::string &text) {
    std::vector<GroupEntry> out;
    for (const auto &line : split(text, '\n')) {
        auto f = split(line, ':');
        if (line.empty() || line[0] == '#' || f.size() < 3)
            continue;
        auto gid = parse_number(f[2]);
        if (!gid || *gid > kMaxId)
            continue;
        GroupEntry entry{f[0], static_cast<std::uint32_t>(*gid), {}};
        if (f.size() > 3 && !f[3].empty())
            entry.members = split(f[3], ',');
        out.push_back(std::move(entry));
    }
    return out;
}

std::uint32_t resolve_group(const std::vector<GroupEntry> &groups, const std::string &spec) {
    if (auto gid = parse_number(spec))
        return checked_id(*gid);
    for (const auto &g : groups)
        if (g.name == spec)
            return g.gid;
    throw invalid_argument("unable to find group " + spec + ": no matching entries in group file");
}

} // namespace

ResolvedUser resolve_user(const std::string &rootfs, const std::string &user_spec,
                          const std::vector<std::string> &group_add) {
    auto colon = user_spec.find(':');
    std::string user = user_spec.substr(0, colon);
    std::optional<std::string> group;
    if (colon != std::string::npos)
        group = user_spec.substr(colon + 1);

    auto passwd = parse_passwd(read_in_root(rootfs, "/etc/passwd"));
    std::vector<GroupEntry> groups;
    bool groups_read = false;
    auto load_groups = [&]() -> const std::vector<GroupEntry> & {
        if (!groups_read) {
            groups = parse_group(read_in_root(rootfs, "/etc/group"));
            groups_read = true;
        }
        return groups;
    };

    ResolvedUser out;
    const PasswdEntry *entry = nullptr;
    // (A char literal assigned here trips GCC 12's false -Wrestrict
    // warning, PR 105651; an explicit std::string does not.)
    if (user.empty())
        user = std::string(1, '0');
    if (auto uid = parse_number(user)) {
        out.uid = checked_id(*uid);
        for (const auto &p : passwd)
            if (p.uid == out.uid) {
                entry = &p;
                break;
            }
    } else {
        for (const auto &p : passwd)
            if (p.name == user) {
                entry = &p;
                break;
            }
        if (!entry)
            throw invalid_argument("unable to find user " + user + ": no matching entries in passwd file");
        out.uid = entry->uid;
    }
    out.gid = entry ? entry->gid : 0;

    if (group && !group->empty()) {
        out.gid = resolve_group(load_groups(), *group);
        out.additional_gids.push_back(out.gid);
    } else {
        out.additional_gids.push_back(out.gid);
        if (entry)
            for (const auto &g : load_groups())
                if (std::find(g.members.begin(), g.members.end(), entry->name) != g.members.end())
                    out.additional_gids.push_back(g.gid);
    }
    std::vector<std::uint32_t> added;
    for (const auto &spec : group_add) {
        auto gid = resolve_group(load_groups(), spec);
        if (std::find(added.begin(), added.end(), gid) == added.end())
            added.push_back(gid);
    }
    out.additional_gids.insert(out.additional_gids.end(), added.begin(), added.end());
    return out;
}

} // namespace berth::containers::spec
