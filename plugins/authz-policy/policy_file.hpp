// policy_file.hpp — the policy as the file on disk says now. Every decision
// stats the file (one syscall) and re-reads it when it changed, so an edit
// takes effect on the next request without a daemon reload. A file that
// turns bad or disappears after start denies every request, naming the
// problem, until it is fixed: failing open would hand out access nobody
// wrote down.
#pragma once

#include "policy.hpp"

#include <sys/stat.h>

#include <memory>
#include <mutex>
#include <string>

namespace berth::authz_policy {

class PolicyFile {
public:
    // Loads the file now; throws PolicyError ("policy <path>: ...") when it
    // cannot be read or parsed, so a bad policy refuses start.
    explicit PolicyFile(std::string path);

    Decision decide(std::string_view user, std::string_view method, std::string_view uri);

    const std::string &path() const { return path_; }

private:
    struct Loaded {
        std::shared_ptr<const Policy> policy; // null when the file is bad
        std::string error;                    // why, when it is
    };
    Loaded current();
    Loaded load() const;

    std::string path_;
    std::mutex mutex_;
    struct stat seen_ {};
    bool have_seen_ = false;
    Loaded loaded_;
};

} // namespace berth::authz_policy
