// The local half of `cp` (container_archive.h): the path-stat header is
// decoded here; the tars themselves are made and unpacked with libarchive
// inside the CLI extension module (cli_extensions.h, ext/local_tar.cpp).

#include "container_archive.h"

#include <nlohmann/json.hpp>

#include "cli_extensions.h"

namespace berth::cli {
namespace {

std::string base64_decode(std::string_view text) {
    static constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    unsigned buffer = 0;
    int bits = 0;
    for (const char c : text) {
        if (c == '=') break;
        const auto pos = kAlphabet.find(c);
        if (pos == std::string_view::npos) return {};
        buffer = (buffer << 6) | static_cast<unsigned>(pos);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((buffer >> bits) & 0xff);
        }
    }
    return out;
}

}  // namespace

std::optional<ContainerPathStat> decode_path_stat(std::string_view header) {
    if (header.empty()) return std::nullopt;
    const auto parsed = nlohmann::json::parse(base64_decode(header), nullptr, false);
    if (!parsed.is_object()) return std::nullopt;
    ContainerPathStat stat;
    stat.name = parsed.value("name", "");
    stat.size = parsed.value("size", std::int64_t{0});
    stat.mode = parsed.value("mode", std::uint32_t{0});
    stat.mtime = parsed.value("mtime", "");
    stat.link_target = parsed.value("linkTarget", "");
    return stat;
}

void write_tar(const std::string& source, const std::string& top_name, bool follow_link, int fd) {
    cli_extensions().write_tar(source, top_name, follow_link, fd);
}

void extract_tar(int fd, const std::string& dest_dir, const std::string& from_name, const std::string& to_name) {
    cli_extensions().extract_tar(fd, dest_dir, from_name, to_name);
}

}  // namespace berth::cli
