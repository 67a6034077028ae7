#include "stdcopy.h"

#include <ostream>

#include "errors.h"

namespace berth::cli {
namespace {
constexpr std::size_t kHeaderSize = 8;
}

void StdcopyDemuxer::feed(std::string_view bytes) {
    pending_.append(bytes);
    std::size_t pos = 0;
    while (pending_.size() - pos >= kHeaderSize) {
        const auto* header = reinterpret_cast<const unsigned char*>(pending_.data() + pos);
        const std::size_t length = (std::size_t{header[4]} << 24) | (std::size_t{header[5]} << 16) |
                                   (std::size_t{header[6]} << 8) | std::size_t{header[7]};
        if (pending_.size() - pos - kHeaderSize < length) break;
        const std::string_view payload(pending_.data() + pos + kHeaderSize, length);
        switch (header[0]) {
            case 0:  // stdin is never echoed back, but docker treats it as stdout
            case 1: out_ << payload; out_.flush(); break;
            case 2: err_ << payload; err_.flush(); break;
            case 3: throw CliError(std::string(payload));
            default: throw CliError("Unrecognized input header: " + std::to_string(header[0]));
        }
        pos += kHeaderSize + length;
    }
    pending_.erase(0, pos);
}

std::string stdcopy_frame(std::uint8_t stream, std::string_view payload) {
    std::string frame(kHeaderSize, '\0');
    frame[0] = static_cast<char>(stream);
    const auto n = static_cast<std::uint32_t>(payload.size());
    frame[4] = static_cast<char>((n >> 24) & 0xff);
    frame[5] = static_cast<char>((n >> 16) & 0xff);
    frame[6] = static_cast<char>((n >> 8) & 0xff);
    frame[7] = static_cast<char>(n & 0xff);
    frame.append(payload);
    return frame;
}

}  // namespace berth::cli
