#include "build_stdin.h"

#include <cerrno>
#include <cstring>
#include <istream>

#include <unistd.h>

#include "cli_extensions.h"
#include "errors.h"

namespace berth::cli {
namespace {

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

// The octal number of a tar header field (NUL/space terminated).
long long octal_field(std::string_view field) {
    long long value = 0;
    std::size_t i = 0;
    while (i < field.size() && field[i] == ' ') ++i;
    bool any = false;
    for (; i < field.size() && field[i] >= '0' && field[i] <= '7'; ++i) {
        value = value * 8 + (field[i] - '0');
        any = true;
    }
    return any ? value : -1;
}

}  // namespace

std::size_t read_stdin(const Console& console, char* buffer, std::size_t capacity) {
    if (console.in_fd >= 0) {
        for (;;) {
            const ssize_t got = ::read(console.in_fd, buffer, capacity);
            if (got >= 0) return static_cast<std::size_t>(got);
            if (errno == EINTR) continue;
            throw CliError(std::string("failed to read from stdin: ") + std::strerror(errno));
        }
    }
    if (console.in == nullptr) return 0;
    console.in->read(buffer, static_cast<std::streamsize>(capacity));
    return static_cast<std::size_t>(console.in->gcount());
}

std::string read_all_stdin(const Console& console) {
    std::string all;
    char buffer[65536];
    while (const std::size_t got = read_stdin(console, buffer, sizeof buffer)) all.append(buffer, got);
    return all;
}

bool looks_like_archive(std::string_view head) {
    if (starts_with(head, "\x1f\x8b\x08") || starts_with(head, "BZh") ||
        starts_with(head, std::string_view("\xfd\x37\x7a\x58\x5a\x00", 6)) ||
        starts_with(head, "\x28\xb5\x2f\xfd"))
        return true;
    // A tar header: 512 bytes whose checksum field (148..155) equals the sum
    // of all bytes with that field counted as spaces. Go's tar reader also
    // accepts the signed sum some old tars wrote.
    if (head.size() < 512) return false;
    const long long recorded = octal_field(head.substr(148, 8));
    if (recorded < 0) return false;
    long long unsigned_sum = 0, signed_sum = 0;
    for (std::size_t i = 0; i < 512; ++i) {
        const bool in_field = i >= 148 && i < 156;
        unsigned_sum += in_field ? ' ' : static_cast<unsigned char>(head[i]);
        signed_sum += in_field ? ' ' : static_cast<signed char>(head[i]);
    }
    return recorded == unsigned_sum || recorded == signed_sum;
}

std::string single_file_tar(const std::string& name, std::string_view content) {
    return cli_extensions().single_file_tar(name, content);
}

}  // namespace berth::cli
