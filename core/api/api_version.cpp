#include "api/api_version.h"

#include <charconv>
#include <regex>

namespace berth::api {
namespace {

bool parse(std::string_view v, int &major, int &minor) {
    const auto dot = v.find('.');
    if (dot == std::string_view::npos || dot == 0 || dot + 1 >= v.size()) return false;
    auto a = std::from_chars(v.data(), v.data() + dot, major);
    auto b = std::from_chars(v.data() + dot + 1, v.data() + v.size(), minor);
    return a.ec == std::errc() && a.ptr == v.data() + dot && b.ec == std::errc() &&
           b.ptr == v.data() + v.size();
}

} // namespace

SplitTarget split_target(std::string_view target) {
    SplitTarget out;
    const auto q = target.find('?');
    std::string_view path = target.substr(0, q);
    if (q != std::string_view::npos) out.query = std::string(target.substr(q + 1));
    static const std::regex prefix(R"(^/v([0-9]+\.[0-9]+)(/.*)?$)");
    std::cmatch m;
    if (std::regex_match(path.begin(), path.end(), m, prefix)) {
        out.version = m[1].str();
        out.path = m[2].matched ? m[2].str() : "/";
    } else {
        out.path = std::string(path);
    }
    if (out.path.empty()) out.path = "/";
    return out;
}

std::optional<int> compare_versions(std::string_view a, std::string_view b) {
    int am, an, bm, bn;
    if (!parse(a, am, an) || !parse(b, bm, bn)) return std::nullopt;
    if (am != bm) return am < bm ? -1 : 1;
    if (an != bn) return an < bn ? -1 : 1;
    return 0;
}

std::string check_version(std::string_view version) {
    if (version.empty()) return {};
    const auto hi = compare_versions(version, kApiVersion);
    if (!hi) return "invalid API version: " + std::string(version);
    if (*hi > 0)
        return "client version " + std::string(version) + " is too new. Maximum supported API version is " +
               kApiVersion;
    if (*compare_versions(version, kMinApiVersion) < 0)
        return "client version " + std::string(version) + " is too old. Minimum supported API version is " +
               kMinApiVersion + ", please upgrade your client to a newer version";
    return {};
}

} // namespace berth::api
