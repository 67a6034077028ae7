#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>

// Docker's multiplexed stdio framing (attach, exec and logs without a tty):
// each frame is [stream, 0, 0, 0, big-endian uint32 length] then the payload,
// stream 1 = stdout, 2 = stderr, 3 = an error from the daemon. Bytes arrive in
// arbitrary pieces, so the demultiplexer keeps partial frames between feeds.
namespace berth::cli {

class StdcopyDemuxer {
public:
    StdcopyDemuxer(std::ostream& out, std::ostream& err) : out_(out), err_(err) {}

    // Writes every complete frame's payload to its stream and flushes it.
    // Throws CliError with the payload of a stream-3 frame, and for a frame
    // naming an unknown stream (docker: "Unrecognized input header").
    void feed(std::string_view bytes);

    // True when a frame was cut off by the end of the stream.
    bool incomplete() const { return !pending_.empty(); }

private:
    std::ostream& out_;
    std::ostream& err_;
    std::string pending_;
};

// One frame, for tests and fakes.
std::string stdcopy_frame(std::uint8_t stream, std::string_view payload);

}  // namespace berth::cli
