// progress.h — the progress messages long image operations (pull, push,
// load, import, build) report, in moby's vocabulary, and the sink they go
// to. The API layer turns them into Docker's JSON stream (progress_json.h);
// tests collect them. Producers never format bars or JSON themselves.
//
// Threading: a sink may be called from several download/upload threads at
// once; implementations serialise. A sink may throw to cancel the operation
// (the client went away): producers let that propagate and clean up.
#pragma once

#include "images/digest.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace berth::distribution {

struct ProgressMessage {
    // Short layer ID (12 hex), tag, or "" for a line about the whole operation.
    std::string id;
    // "Pulling fs layer", "Downloading", "Pull complete", "Digest: sha256:...".
    std::string status;
    // Byte progress; current < 0 means none (progressDetail {}), total <= 0
    // means unknown.
    int64_t current = -1;
    int64_t total = -1;
    // Raw JSON object text for "aux" (push's {"Tag","Digest","Size"}), or "".
    std::string aux_json;
    // Raw text for "stream" (build output, load's "Loaded image: x"), or "".
    std::string stream;
};

class ProgressSink {
public:
    virtual ~ProgressSink() = default;
    virtual void send(const ProgressMessage &message) = 0;

    void status(const std::string &id, const std::string &status) { send({.id = id, .status = status}); }
    void bytes(const std::string &id, const std::string &status, int64_t current, int64_t total) {
        send({.id = id, .status = status, .current = current, .total = total});
    }
};

// Byte progress arrives per network or tar chunk (4 KiB at a time from the
// HTTP library); the client needs a redraw every ~100 ms, not 50,000 JSON
// lines per 200 MB. due() says when to send: the first update, the last
// (current == total), and then at most once per interval.
class ProgressThrottle {
public:
    explicit ProgressThrottle(std::chrono::milliseconds interval = std::chrono::milliseconds(100))
        : interval_(interval) {}
    bool due(int64_t current, int64_t total) {
        const auto now = std::chrono::steady_clock::now();
        if (sent_ && current != total && now - last_ < interval_) return false;
        sent_ = true;
        last_ = now;
        return true;
    }

private:
    std::chrono::milliseconds interval_;
    std::chrono::steady_clock::time_point last_{};
    bool sent_ = false;
};

// A sink that drops everything (internal pulls, tests that do not look).
class NullProgress final : public ProgressSink {
public:
    void send(const ProgressMessage &) override {}
};

// The first 12 hex characters of "sha256:<hex>" (moby's short layer ID).
inline std::string short_id(const std::string &digest) { return images::short_id(digest); }

} // namespace berth::distribution
