#include "netns.hpp"

#include <berth/sdk.hpp>

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <thread>

namespace berth::netbridge {

NetnsFd::NetnsFd(const std::string &path) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0)
        throw sdk::error(errno == ENOENT ? BERTH_E_NOTFOUND : BERTH_E_IO,
                         "cannot open network namespace " + path + ": " + std::strerror(errno));
}

NetnsFd::~NetnsFd() {
    if (fd_ >= 0) ::close(fd_);
}

void run_in_netns(const NetnsFd &ns, const std::function<void()> &fn) {
    std::exception_ptr failure;
    std::thread worker([&] {
        try {
            if (::setns(ns.fd(), CLONE_NEWNET) != 0)
                throw sdk::error(BERTH_E_PERM, std::string("cannot enter the sandbox network "
                                                           "namespace: ") +
                                                   std::strerror(errno));
            fn();
        } catch (...) {
            failure = std::current_exception();
        }
    });
    worker.join();
    if (failure) std::rethrow_exception(failure);
}

} // namespace berth::netbridge
