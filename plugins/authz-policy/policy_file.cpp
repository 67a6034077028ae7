// policy_file.cpp — change detection by (inode, size, mtime, ctime): editors
// that save by rename change the inode, in-place writers the times.
#include "policy_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace berth::authz_policy {
namespace {

bool same_file_state(const struct stat &a, const struct stat &b) {
    return a.st_ino == b.st_ino && a.st_dev == b.st_dev && a.st_size == b.st_size &&
           a.st_mtim.tv_sec == b.st_mtim.tv_sec && a.st_mtim.tv_nsec == b.st_mtim.tv_nsec &&
           a.st_ctim.tv_sec == b.st_ctim.tv_sec && a.st_ctim.tv_nsec == b.st_ctim.tv_nsec;
}

} // namespace

PolicyFile::PolicyFile(std::string path) : path_(std::move(path)) {
    Loaded first = current();
    if (!first.policy) throw PolicyError(first.error);
}

PolicyFile::Loaded PolicyFile::load() const {
    std::ifstream in(path_);
    if (!in) return Loaded{nullptr, "policy " + path_ + ": cannot read it: " + std::strerror(errno)};
    std::stringstream text;
    text << in.rdbuf();
    try {
        return Loaded{std::make_shared<const Policy>(Policy::parse(text.str())), {}};
    } catch (const PolicyError &e) {
        return Loaded{nullptr, "policy " + path_ + ": " + e.what()};
    }
}

PolicyFile::Loaded PolicyFile::current() {
    std::lock_guard lock(mutex_);
    struct stat now {};
    if (::stat(path_.c_str(), &now) != 0) {
        have_seen_ = false; // re-read whatever appears there next
        loaded_ = Loaded{nullptr, "policy " + path_ + ": cannot read it: " + std::strerror(errno)};
        return loaded_;
    }
    if (!have_seen_ || !same_file_state(now, seen_)) {
        loaded_ = load();
        seen_ = now;
        have_seen_ = true;
    }
    return loaded_;
}

Decision PolicyFile::decide(std::string_view user, std::string_view method, std::string_view uri) {
    const Loaded loaded = current();
    if (!loaded.policy) return Decision{false, loaded.error + " (every request is denied until it is fixed)"};
    return loaded.policy->decide(user, method, uri);
}

} // namespace berth::authz_policy
