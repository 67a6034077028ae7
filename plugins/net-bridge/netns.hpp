// netns.hpp — run code inside another network namespace without moving the
// caller: a dedicated thread enters the namespace (setns affects only the
// calling thread), runs the function and ends, so berthd's own threads never
// leave the host namespace.
#pragma once

#include <functional>
#include <string>

namespace berth::netbridge {

// An open descriptor of a namespace file (/proc/<pid>/ns/net, /run/netns/x).
class NetnsFd {
public:
    explicit NetnsFd(const std::string &path);  // sdk::error naming the path
    ~NetnsFd();
    NetnsFd(const NetnsFd &) = delete;
    NetnsFd &operator=(const NetnsFd &) = delete;
    int fd() const { return fd_; }

private:
    int fd_ = -1;
};

// Run fn inside the namespace; rethrows what fn throws.
void run_in_netns(const NetnsFd &ns, const std::function<void()> &fn);

} // namespace berth::netbridge
