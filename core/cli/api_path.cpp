#include "api_path.h"

namespace berth::cli {

std::string api_path(std::string_view path) {
    std::string out = "/v";
    out += kApiVersion;
    out += path;
    return out;
}

std::string escape_path_segment(std::string_view segment) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(segment.size());
    for (const char c : segment) {
        const auto byte = static_cast<unsigned char>(c);
        // RFC 3986 unreserved characters pass through; everything else,
        // including UTF-8 bytes, is percent-encoded.
        const bool unreserved = (byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z') ||
                                (byte >= '0' && byte <= '9') || byte == '-' || byte == '.' || byte == '_' ||
                                byte == '~';
        if (unreserved) {
            out += c;
        } else {
            out += '%';
            out += kHex[byte >> 4];
            out += kHex[byte & 0x0F];
        }
    }
    return out;
}

}  // namespace berth::cli
