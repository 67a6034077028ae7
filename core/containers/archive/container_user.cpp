#include "containers/archive/container_user.h"

#include "containers/archive/rootfs_path.h"

#include <fcntl.h>
#include <unistd.h>

#include <charconv>
#include <sstream>
#include <system_error>
#include <vector>

namespace berth::containers::archive {
namespace {

std::optional<unsigned long> parse_id(const std::string &s) {
    unsigned long v = 0;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
    return v;
}

// /etc/passwd or /etc/group of the container, "" when it has none.
std::string read_container_file(int root_fd, const char *path) {
    UniqueFd fd;
    try {
        fd = open_in_root(root_fd, path, O_RDONLY);
    } catch (const std::system_error &) {
        return {};
    }
    std::string out;
    char buf[8192];
    ssize_t n;
    while ((n = ::read(fd.get(), buf, sizeof buf)) > 0 && out.size() < (4u << 20)) out.append(buf, size_t(n));
    return out;
}

// The colon-separated fields of the line whose first (or, by_id, third)
// field matches key.
std::optional<std::vector<std::string>> find_entry(const std::string &file, const std::string &key, bool by_id) {
    std::istringstream in(file);
    std::string line;
    while (std::getline(in, line)) {
        std::vector<std::string> f;
        std::string field;
        std::istringstream fields(line);
        while (std::getline(fields, field, ':')) f.push_back(field);
        if (f.size() < 3) continue;
        if ((by_id ? f[2] : f[0]) == key) return f;
    }
    return std::nullopt;
}

} // namespace

std::optional<std::pair<uid_t, gid_t>> lookup_container_user(int root_fd, const std::string &user) {
    if (user.empty()) return std::nullopt;
    const auto colon = user.find(':');
    const std::string u = user.substr(0, colon);
    const std::string g = colon == std::string::npos ? "" : user.substr(colon + 1);

    const std::string passwd = read_container_file(root_fd, "/etc/passwd");
    uid_t uid = 0;
    gid_t gid = 0;
    if (const auto id = parse_id(u)) {
        uid = static_cast<uid_t>(*id);
        if (const auto f = find_entry(passwd, u, true); f && f->size() > 3)
            gid = static_cast<gid_t>(parse_id((*f)[3]).value_or(0));
    } else {
        const auto f = find_entry(passwd, u, false);
        if (!f || f->size() < 4) throw UnknownUser("unable to find user " + u + ": no matching entries in passwd file");
        uid = static_cast<uid_t>(parse_id((*f)[2]).value_or(0));
        gid = static_cast<gid_t>(parse_id((*f)[3]).value_or(0));
    }
    if (!g.empty()) {
        if (const auto id = parse_id(g)) {
            gid = static_cast<gid_t>(*id);
        } else {
            const auto f = find_entry(read_container_file(root_fd, "/etc/group"), g, false);
            if (!f) throw UnknownUser("unable to find group " + g + ": no matching entries in group file");
            gid = static_cast<gid_t>(parse_id((*f)[2]).value_or(0));
        }
    }
    return std::make_pair(uid, gid);
}

} // namespace berth::containers::archive
