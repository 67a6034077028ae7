#include "images/archive/member_path.h"

#include "images/errors.h"

#include <vector>

namespace berth::images::archive {
namespace {

// PATH_MAX: longer names are not something docker save or skopeo write.
constexpr size_t kMaxNameLength = 4096;

std::vector<std::string_view> components(std::string_view path) {
    std::vector<std::string_view> out;
    size_t start = 0;
    while (start <= path.size()) {
        const size_t end = std::min(path.find('/', start), path.size());
        const std::string_view part = path.substr(start, end - start);
        if (!part.empty() && part != ".") out.push_back(part);
        start = end + 1;
    }
    return out;
}

std::string join(const std::vector<std::string_view> &parts) {
    std::string out;
    for (const auto &p : parts) {
        if (!out.empty()) out += '/';
        out += p;
    }
    return out;
}

} // namespace

std::string normalize_member_name(std::string_view name, std::string_view what) {
    const std::string quoted = std::string(what) + " \"" + std::string(name.substr(0, 200)) + "\"";
    if (name.size() > kMaxNameLength) throw InvalidArgument("invalid " + quoted + ": name too long");
    if (name.find('\0') != std::string_view::npos) throw InvalidArgument("invalid " + quoted + ": NUL in name");
    if (name.starts_with('/')) throw InvalidArgument("invalid " + quoted + ": absolute path");
    const auto parts = components(name);
    for (const auto &p : parts)
        if (p == "..") throw InvalidArgument("invalid " + quoted + ": path leads outside the archive");
    if (parts.empty()) throw InvalidArgument("invalid " + quoted + ": empty name");
    return join(parts);
}

std::optional<std::string> resolve_link_target(std::string_view link_member, std::string_view target) {
    if (target.empty() || target.starts_with('/') || target.find('\0') != std::string_view::npos)
        return std::nullopt;
    auto parts = components(link_member);
    if (!parts.empty()) parts.pop_back(); // the link's own name: targets are relative to its directory
    for (const auto &p : components(target)) {
        if (p != "..") {
            parts.push_back(p);
        } else if (parts.empty()) {
            return std::nullopt;
        } else {
            parts.pop_back();
        }
    }
    if (parts.empty()) return std::nullopt;
    return join(parts);
}

} // namespace berth::images::archive
