// request_framing.cpp — see request_framing.h.
#include "request_framing.h"

#include <cctype>

namespace berth::fuzz {
namespace {

// The next line (without its LF and a trailing CR); input moves past it.
std::string_view next_line(std::string_view &input) {
    const auto lf = input.find('\n');
    std::string_view line = input.substr(0, lf);
    input = lf == std::string_view::npos ? std::string_view() : input.substr(lf + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto &c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

} // namespace

api::Request parse_framed_request(std::string_view input) {
    api::Request request;
    const std::string_view request_line = next_line(input);
    const auto space = request_line.find(' ');
    request.method = std::string(request_line.substr(0, space));
    if (space != std::string_view::npos) request.target = std::string(request_line.substr(space + 1));
    while (!input.empty()) {
        const std::string_view line = next_line(input);
        if (line.empty()) break;
        const auto colon = line.find(':');
        std::string_view value = colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        // As the server stores them: lower-case names, the last one wins.
        request.headers[lower(line.substr(0, colon))] = std::string(value);
    }
    request.body = std::string(input);
    request.user = "uid:0";
    request.authn_method = "unix";
    return request;
}

} // namespace berth::fuzz
