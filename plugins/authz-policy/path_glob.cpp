// path_glob.cpp — segment-wise glob matching. Hand-written rather than
// fnmatch(3): '?' and '[' are ordinary characters in API paths, and "**"
// has to span segments.
#include "path_glob.hpp"

#include <cctype>
#include <vector>

namespace berth::authz_policy {
namespace {

std::vector<std::string_view> segments(std::string_view path) {
    std::vector<std::string_view> out;
    size_t start = 0;
    while (start <= path.size()) {
        const size_t slash = path.find('/', start);
        const size_t end = slash == std::string_view::npos ? path.size() : slash;
        if (end > start) out.push_back(path.substr(start, end - start));
        if (slash == std::string_view::npos) break;
        start = slash + 1;
    }
    return out;
}

// '*' matches any run of characters within one segment.
bool segment_match(std::string_view pat, std::string_view text) {
    size_t p = 0, t = 0, star = std::string_view::npos, resume = 0;
    while (t < text.size()) {
        if (p < pat.size() && pat[p] == '*') {
            star = p++;
            resume = t;
        } else if (p < pat.size() && pat[p] == text[t]) {
            ++p;
            ++t;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            t = ++resume;
        } else {
            return false;
        }
    }
    while (p < pat.size() && pat[p] == '*') ++p;
    return p == pat.size();
}

bool match_from(const std::vector<std::string_view> &pat, size_t pi, const std::vector<std::string_view> &path,
                size_t ti) {
    if (pi == pat.size()) return ti == path.size();
    if (pat[pi] == "**") {
        for (size_t skip = ti; skip <= path.size(); ++skip)
            if (match_from(pat, pi + 1, path, skip)) return true;
        return false;
    }
    return ti < path.size() && segment_match(pat[pi], path[ti]) && match_from(pat, pi + 1, path, ti + 1);
}

// "/v1.43", "/v1", followed by '/' or the end.
size_t version_prefix_length(std::string_view path) {
    if (path.size() < 3 || path[0] != '/' || path[1] != 'v' || !std::isdigit(static_cast<unsigned char>(path[2])))
        return 0;
    size_t i = 2;
    while (i < path.size() && std::isdigit(static_cast<unsigned char>(path[i]))) ++i;
    if (i < path.size() && path[i] == '.') {
        const size_t minor = ++i;
        while (i < path.size() && std::isdigit(static_cast<unsigned char>(path[i]))) ++i;
        if (i == minor) return 0;
    }
    return i == path.size() || path[i] == '/' ? i : 0;
}

} // namespace

std::string api_path(std::string_view uri) {
    std::string_view path = uri.substr(0, uri.find('?'));
    path.remove_prefix(version_prefix_length(path));
    return path.empty() ? std::string("/") : std::string(path);
}

bool glob_match(std::string_view pattern, std::string_view path) {
    return match_from(segments(pattern), 0, segments(path), 0);
}

} // namespace berth::authz_policy
