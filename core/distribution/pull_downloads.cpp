#include "distribution/pull_downloads.h"

#include <algorithm>
#include <stdexcept>

namespace berth::distribution {

DownloadQueue::DownloadQueue(int max_concurrent, std::stop_token stop)
    : max_(std::max(1, max_concurrent)), forward_(stop, std::function<void()>([this] { stop_.request_stop(); })) {}

DownloadQueue::~DownloadQueue() {
    {
        std::lock_guard lock(mutex_);
        stop_.request_stop();
        // Jobs not started never will be.
        for (auto &[key, e] : entries_)
            if (!e.started) e.started = e.done = true;
    }
    for (auto &t : threads_)
        if (t.joinable()) t.join();
}

void DownloadQueue::add(const std::string &key, Job job, const std::function<void()> &on_wait) {
    bool waiting = false;
    {
        std::lock_guard lock(mutex_);
        if (entries_.count(key)) throw std::logic_error("download queued twice: " + key);
        entries_[key].job = std::move(job);
        order_.push_back(key);
        start_more_locked();
        waiting = !entries_[key].started;
    }
    if (waiting && on_wait) on_wait();
}

void DownloadQueue::start_more_locked() {
    for (const auto &key : order_) {
        if (running_ >= max_) return;
        auto &e = entries_[key];
        if (e.started) continue;
        e.started = true;
        ++running_;
        threads_.emplace_back([this, key] { run(key); });
    }
}

void DownloadQueue::run(const std::string &key) {
    Job job;
    {
        std::lock_guard lock(mutex_);
        job = entries_[key].job;
    }
    std::exception_ptr error;
    try {
        if (stop_.stop_requested()) throw std::runtime_error("pull cancelled");
        job(stop_.get_token());
    } catch (...) {
        error = std::current_exception();
        {
            // Remembered before the others are stopped: their "canceled"
            // errors follow from this one and must not be what is reported.
            std::lock_guard lock(mutex_);
            if (!first_error_) first_error_ = error;
        }
        stop_.request_stop(); // one failure ends the pull: stop the others
    }
    {
        std::lock_guard lock(mutex_);
        auto &e = entries_[key];
        e.done = true;
        e.error = error;
        --running_;
        if (!stop_.stop_requested()) start_more_locked();
    }
    changed_.notify_all();
}

void DownloadQueue::wait(const std::string &key) {
    std::unique_lock lock(mutex_);
    auto it = entries_.find(key);
    if (it == entries_.end()) throw std::logic_error("no download queued for " + key);
    // A failure elsewhere also ends the wait: report the first failure
    // (the cause; later ones are mostly cancellations it triggered) rather
    // than waiting for a job that will never start.
    changed_.wait(lock, [&] { return it->second.done || first_error_; });
    if (first_error_) std::rethrow_exception(first_error_);
    if (it->second.error) std::rethrow_exception(it->second.error);
}

} // namespace berth::distribution
