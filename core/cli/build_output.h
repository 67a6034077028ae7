#pragma once

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

#include "progress_renderer.h"

// What `berth build` prints: the upload counter docker shows while the
// context goes out, and the daemon's reply stream (engine API §2.2) with
// the two things the command needs from it besides the text — the image ID
// of aux {"ID"} (for --iidfile) and the exit code of an errorDetail.
namespace berth::cli {

// "Sending build context to Docker daemon  2.048kB" as docker's progress
// reader writes it: an update ending in "\r" every 512 kB (at most every
// 100 ms), and the final count ending in "\r\r\n".
class ContextUploadProgress {
public:
    explicit ContextUploadProgress(std::ostream& out) : out_(out) {}
    void add(std::size_t bytes);
    void finish();

    std::uint64_t total() const { return total_; }
    // The line without its ending, for tests: "Sending ... daemon  2.048kB".
    static std::string line(std::uint64_t bytes);

private:
    std::ostream& out_;
    std::uint64_t total_ = 0;
    std::uint64_t last_shown_ = 0;
    std::chrono::steady_clock::time_point last_time_{};
    bool finished_ = false;
};

struct BuildFailure {
    std::string message;
    int code = 0;  // errorDetail.code, 0 when the daemon gave none
};

// Feed it the reply body in any pieces. Text and pull progress go through
// the ProgressRenderer; errorDetail and aux are picked out first.
class BuildStreamDisplay {
public:
    BuildStreamDisplay(std::ostream& out, ProgressRenderer::Options options) : renderer_(out, options) {}
    void feed(std::string_view bytes);
    void finish();

    // aux.ID of the last aux message carrying one ("sha256:...").
    const std::string& image_id() const { return image_id_; }
    const std::optional<BuildFailure>& failure() const { return failure_; }

private:
    void inspect_line(std::string_view line);

    ProgressRenderer renderer_;
    std::string pending_;
    std::string image_id_;
    std::optional<BuildFailure> failure_;
};

}  // namespace berth::cli
