#include "config/userns_remap.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <spawn.h>
#include <sys/wait.h>
#include <vector>

extern char **environ;

namespace berth::config {
namespace {

namespace fs = std::filesystem;

constexpr uint32_t default_range_size = 65536;
constexpr uint64_t first_range_start = 100000;

std::vector<std::string> split(const std::string &line, char sep) {
    std::vector<std::string> out;
    std::string field;
    std::istringstream in(line);
    while (std::getline(in, field, sep)) out.push_back(field);
    if (!line.empty() && line.back() == sep) out.emplace_back();
    return out;
}

bool all_digits(const std::string &s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

std::optional<uint64_t> number(const std::string &s) {
    if (!all_digits(s) || s.size() > 10) return std::nullopt;
    return std::stoull(s);
}

// name <-> id through a passwd- or group-shaped file ("name:x:id:...").
struct Account {
    std::string name;
    std::string id;
};

std::optional<Account> find_account(const fs::path &file, const std::string &name_or_id) {
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line)) {
        const auto f = split(line, ':');
        if (f.size() < 3) continue;
        if (f[0] == name_or_id || (all_digits(name_or_id) && f[2] == name_or_id)) return Account{f[0], f[2]};
    }
    return std::nullopt;
}

struct Range {
    uint64_t start = 0, count = 0;
};

// The first range of `account` (matched by name or by numeric id) in a
// subuid/subgid file; "name:start:count" lines.
std::optional<Range> first_range(const fs::path &file, const Account &account) {
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line)) {
        const auto f = split(line, ':');
        if (f.size() != 3 || (f[0] != account.name && f[0] != account.id)) continue;
        const auto start = number(f[1]), count = number(f[2]);
        if (start && count && *count > 0) return Range{*start, *count};
    }
    return std::nullopt;
}

// Where a new range can start: after every range already handed out.
uint64_t free_range_start(const fs::path &file) {
    uint64_t next = first_range_start;
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line)) {
        const auto f = split(line, ':');
        if (f.size() != 3) continue;
        const auto start = number(f[1]), count = number(f[2]);
        if (start && count) next = std::max(next, *start + *count);
    }
    return next;
}

void append_line(const fs::path &file, const std::string &line) {
    std::ofstream out(file, std::ios::app);
    out << line << '\n';
    out.flush();
    if (!out) throw UsernsRemapError("cannot add \"" + line + "\" to " + file.string() + ": " + std::strerror(errno));
}

void run_useradd(const std::string &user) {
    // dockerd does the same with adduser: a system user with its own group,
    // no home and no login.
    std::vector<std::string> args{"useradd", "--system", "--user-group", "--no-create-home",
                                  "--shell", "/usr/sbin/nologin", user};
    std::vector<char *> argv;
    for (auto &a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    if (posix_spawnp(&pid, "useradd", nullptr, nullptr, argv.data(), environ) != 0)
        throw UsernsRemapError("cannot create the user " + user + " for userns-remap: useradd is not installed");
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw UsernsRemapError("cannot create the user " + user + " for userns-remap: useradd failed");
}

// The remap user "default" stands for, created with ranges when missing.
Account ensure_default_user(const UsernsFiles &files, bool create) {
    auto user = find_account(files.passwd, default_remap_user);
    if (!user) {
        if (!create) throw UsernsRemapError(std::string("the user ") + default_remap_user + " does not exist");
        run_useradd(default_remap_user);
        user = find_account(files.passwd, default_remap_user);
        if (!user) throw UsernsRemapError(std::string("useradd did not create ") + default_remap_user);
    }
    if (create) {
        for (const auto &file : {files.subuid, files.subgid})
            if (!first_range(file, *user))
                append_line(file, user->name + ":" + std::to_string(free_range_start(file)) + ":" +
                                      std::to_string(default_range_size));
    }
    return *user;
}

} // namespace

IdMap resolve_userns_remap(const std::string &value, const UsernsFiles &files, bool create_default_user) {
    if (value.empty()) return {};
    Account user, group;
    if (value == "default") {
        user = group = ensure_default_user(files, create_default_user);
    } else {
        const auto colon = value.find(':');
        const std::string user_part = value.substr(0, colon);
        const std::string group_part = colon == std::string::npos ? user_part : value.substr(colon + 1);
        if (user_part.empty() || group_part.empty())
            throw UsernsRemapError("invalid userns-remap \"" + value + "\": expected user[:group]");
        auto u = find_account(files.passwd, user_part);
        if (!u) {
            if (!all_digits(user_part)) throw UsernsRemapError("userns-remap: no such user: " + user_part);
            u = Account{user_part, user_part};
        }
        auto g = find_account(files.group, group_part);
        if (!g) {
            // "user" alone names its group by the same name when one exists,
            // else the ranges are looked up under the user's name (dockerd).
            if (colon == std::string::npos) g = *u;
            else if (all_digits(group_part)) g = Account{group_part, group_part};
            else throw UsernsRemapError("userns-remap: no such group: " + group_part);
        }
        user = *u;
        group = *g;
    }
    const auto uids = first_range(files.subuid, user);
    if (!uids) throw UsernsRemapError("userns-remap: no subordinate uid range for " + user.name + " in " + files.subuid.string());
    const auto gids = first_range(files.subgid, group);
    if (!gids) throw UsernsRemapError("userns-remap: no subordinate gid range for " + group.name + " in " + files.subgid.string());
    // One map for both: a container id must exist on both sides.
    const uint64_t size = std::min({uids->count, gids->count, uint64_t{UINT32_MAX}});
    if (uids->start + size > UINT32_MAX || gids->start + size > UINT32_MAX)
        throw UsernsRemapError("userns-remap: the subordinate id range of " + user.name + " is out of bounds");
    return IdMap{static_cast<uint32_t>(uids->start), static_cast<uint32_t>(gids->start), static_cast<uint32_t>(size)};
}

std::string remapped_root_name(const IdMap &map) {
    return std::to_string(map.uid) + "." + std::to_string(map.gid);
}

} // namespace berth::config
