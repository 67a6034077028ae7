// paths.cpp — splitting and ordering of tar member names and change paths.
#include "internal.hpp"

namespace berth::layertar::detail {
namespace {

// Shared by tar names and change paths; `absolute_ok` strips one leading
// "/" (change paths are written "/etc/passwd").
std::vector<std::string> split_checked(std::string_view name, std::string_view what, bool absolute_ok) {
    if (!name.empty() && name.front() == '/') {
        if (!absolute_ok)
            fail(BERTH_E_INVAL, std::string(what) + " '" + std::string(name) + "': absolute name refused");
        name.remove_prefix(1);
    }
    std::vector<std::string> out;
    size_t pos = 0;
    while (pos <= name.size()) {
        size_t slash = name.find('/', pos);
        if (slash == std::string_view::npos) slash = name.size();
        std::string_view part = name.substr(pos, slash - pos);
        if (part == "..")
            fail(BERTH_E_INVAL, std::string(what) + " '" + std::string(name) + "': '..' component refused");
        if (!part.empty() && part != ".") out.emplace_back(part);
        pos = slash + 1;
    }
    return out;
}

} // namespace

std::vector<std::string> tar_components(std::string_view name, std::string_view what) {
    return split_checked(name, what, false);
}

std::vector<std::string> change_components(std::string_view path) {
    return split_checked(path, "change path", true);
}

std::string join_components(const std::vector<std::string> &components, size_t n) {
    if (n > components.size()) n = components.size();
    std::string out;
    for (size_t i = 0; i < n; ++i) {
        if (i != 0) out += '/';
        out += components[i];
    }
    return out;
}

bool path_less(std::string_view a, std::string_view b) noexcept {
    size_t n = a.size() < b.size() ? a.size() : b.size();
    for (size_t i = 0; i < n; ++i) {
        auto ca = static_cast<unsigned char>(a[i]);
        auto cb = static_cast<unsigned char>(b[i]);
        if (ca == cb) continue;
        if (ca == '/') return true;
        if (cb == '/') return false;
        return ca < cb;
    }
    return a.size() < b.size();
}

bool is_overlay_xattr(std::string_view name) noexcept {
    return name.starts_with("trusted.overlay.") || name.starts_with("user.overlay.");
}

} // namespace berth::layertar::detail
