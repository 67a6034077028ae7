// pull_downloads.h — the layer downloads of one pull: at most N run at once
// on their own threads, the rest report "Waiting" until a slot frees, and
// the puller waits for each in manifest order so it can apply layer i while
// later ones are still downloading. The first failure stops the others.
#pragma once

#include <condition_variable>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

namespace berth::distribution {

class DownloadQueue {
public:
    using Job = std::function<void(std::stop_token)>;

    DownloadQueue(int max_concurrent, std::stop_token stop);
    // Stops what is still running and joins every thread.
    ~DownloadQueue();
    DownloadQueue(const DownloadQueue &) = delete;
    DownloadQueue &operator=(const DownloadQueue &) = delete;

    // Queue a job under a key (one job per key); on_wait runs now if the
    // job cannot start at once.
    void add(const std::string &key, Job job, const std::function<void()> &on_wait = {});
    // Block until the job for key finished; rethrow its exception.
    void wait(const std::string &key);

private:
    struct Entry {
        Job job;
        bool started = false;
        bool done = false;
        std::exception_ptr error;
    };
    void start_more_locked();
    void run(const std::string &key);

    int max_;
    std::stop_source stop_;
    std::stop_callback<std::function<void()>> forward_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<std::string> order_;
    std::map<std::string, Entry> entries_;
    std::exception_ptr first_error_; // the failure that stopped the others
    int running_ = 0;
    std::vector<std::thread> threads_;
};

} // namespace berth::distribution
