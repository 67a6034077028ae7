// fake_client.h — a hijacked client for run_stdio_session: the test queues
// what the client types and reads what it was sent. read_some blocks like a
// socket until input arrives, the client closes its side, or the session
// calls shutdown_read().
#pragma once

#include "api/http_types.h"

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <string>

namespace berth::test {

class FakeClient : public api::ResponseStream {
public:
    bool write(std::string_view data) override {
        std::lock_guard lock(mu_);
        if (gone_) return false;
        output_.append(data);
        return true;
    }

    size_t read_some(char *buf, size_t len) override {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return !input_.empty() || input_closed_ || read_shut_; });
        if (input_.empty()) return 0;
        // One queued chunk per read at most, so the test controls where the
        // session sees read boundaries.
        std::string &chunk = input_.front();
        const size_t n = std::min(len, chunk.size());
        std::memcpy(buf, chunk.data(), n);
        chunk.erase(0, n);
        if (chunk.empty()) input_.pop_front();
        return n;
    }

    void shutdown_read() override {
        std::lock_guard lock(mu_);
        read_shut_ = true;
        cv_.notify_all();
    }

    // What the client types (one read_some each).
    void type(const std::string &chunk) {
        std::lock_guard lock(mu_);
        input_.push_back(chunk);
        cv_.notify_all();
    }
    // The client closes its write side (docker's stdin reached EOF).
    void close_input() {
        std::lock_guard lock(mu_);
        input_closed_ = true;
        cv_.notify_all();
    }
    // Every later write fails, as on a connection the client dropped.
    void disconnect() {
        std::lock_guard lock(mu_);
        gone_ = true;
    }
    std::string output() const {
        std::lock_guard lock(mu_);
        return output_;
    }

private:
    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::deque<std::string> input_;
    bool input_closed_ = false;
    bool read_shut_ = false;
    bool gone_ = false;
    std::string output_;
};

} // namespace berth::test
