// background_remover.cpp — the queue and thread behind BackgroundRemover.
#include "background_remover.hpp"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <utility>

namespace berth::overlay2 {

BackgroundRemover::BackgroundRemover(std::function<void(const std::filesystem::path &)> remove_tree)
    : remove_tree_(std::move(remove_tree)) {}

BackgroundRemover::~BackgroundRemover() {
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void BackgroundRemover::remove(std::filesystem::path tree) {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(tree));
    if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
    wake_.notify_one();
}

void BackgroundRemover::drain() {
    std::unique_lock lock(mu_);
    idle_.wait(lock, [&] { return queue_.empty() && !busy_; });
}

void BackgroundRemover::run() {
    // Niced (this thread only): the removal is bookkeeping nobody waits
    // for, and it must not take a CPU from the containers being started.
    ::setpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)), 10);
    std::unique_lock lock(mu_);
    for (;;) {
        // Stopping still empties the queue first: the destructor drains.
        wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;
        std::filesystem::path tree = std::move(queue_.front());
        queue_.pop_front();
        busy_ = true;
        lock.unlock();
        try {
            remove_tree_(tree);
        } catch (...) {
            // Left under its "-tmp-" name for the next init's sweep.
        }
        lock.lock();
        busy_ = false;
        if (queue_.empty()) idle_.notify_all();
    }
}

} // namespace berth::overlay2
