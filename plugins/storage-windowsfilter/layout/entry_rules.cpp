// entry_rules.cpp — see entry_rules.hpp.
#include "entry_rules.hpp"

#include <array>
#include <cctype>

namespace berth::windowsfilter {
namespace {

constexpr std::string_view whiteout_prefix = ".wh.";
constexpr std::string_view opaque_marker = ".wh..wh..opq";

// The five hive deltas of hcsshim's layer format (internal/wclayer).
constexpr std::array<std::string_view, 5> standard_hives = {
    "DefaultUser_Delta", "Sam_Delta", "Security_Delta", "Software_Delta", "System_Delta",
};

bool iequal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

bool starts_with_dir(std::string_view name, std::string_view dir) {
    return name.size() > dir.size() && name.substr(0, dir.size()) == dir && name[dir.size()] == '/';
}

std::string_view basename_of(std::string_view name) {
    size_t slash = name.rfind('/');
    return slash == std::string_view::npos ? name : name.substr(slash + 1);
}

// Strip "./" prefixes and trailing '/', refuse what could escape the layer
// or mean something else on Windows.
std::string normalize(std::string_view raw) {
    std::string err_name(raw);
    std::string_view n = raw;
    if (n.empty()) throw LayoutError(err_name, "empty name");
    if (n.front() == '/') throw LayoutError(err_name, "absolute name");
    if (n.find('\\') != std::string_view::npos)
        throw LayoutError(err_name, "backslash in name (a path separator on Windows)");
    while (n.size() >= 2 && n.substr(0, 2) == "./") n.remove_prefix(2);
    while (!n.empty() && n.back() == '/') n.remove_suffix(1);
    if (n.empty() || n == ".") throw LayoutError(err_name, "entry for the tar root; expected Files/, Hives/ or UtilityVM/");
    size_t start = 0;
    while (start <= n.size()) {
        size_t end = n.find('/', start);
        if (end == std::string_view::npos) end = n.size();
        std::string_view part = n.substr(start, end - start);
        if (part == "..") throw LayoutError(err_name, "'..' component");
        if (part.empty() || part == ".") throw LayoutError(err_name, "empty or '.' component");
        start = end + 1;
    }
    return std::string(n);
}

void check_whiteout(const std::string &raw, std::string_view base, EntryType type) {
    if (base == opaque_marker)
        throw LayoutError(raw, "opaque directory marker; Windows layers have no opaque directories");
    std::string_view target = base.substr(whiteout_prefix.size());
    if (target.empty() || target == "." || target == "..") throw LayoutError(raw, "whiteout without a file name");
    if (type == EntryType::directory) throw LayoutError(raw, "whiteout is a directory");
}

} // namespace

LayoutError::LayoutError(std::string entry, const std::string &reason)
    : std::runtime_error(entry.empty() ? "windowsfilter: " + reason
                                       : "windowsfilter: entry \"" + entry + "\": " + reason),
      entry_(std::move(entry)) {}

bool is_standard_hive(std::string_view file_name) {
    for (auto hive : standard_hives)
        if (iequal(file_name, hive)) return true;
    return false;
}

EntryRule classify_entry(std::string_view raw_view, EntryType type) {
    std::string raw(raw_view);
    EntryRule r;
    r.name = normalize(raw_view);
    std::string_view n = r.name;
    std::string_view base = basename_of(n);
    bool whiteout = base.substr(0, whiteout_prefix.size()) == whiteout_prefix;

    if (n == "Files" || n == "Hives" || n == "UtilityVM" || n == "UtilityVM/Files") {
        if (type != EntryType::directory) throw LayoutError(raw, "must be a directory");
        r.area = n == "Files" ? Area::files : n == "Hives" ? Area::hives : Area::utility_vm;
        return r;
    }
    if (starts_with_dir(n, "Files")) {
        r.area = Area::files;
        r.linux_name = std::string(n.substr(6));
        if (type == EntryType::other) throw LayoutError(raw, "device or fifo; Windows layers hold none");
        if (whiteout) check_whiteout(raw, base, type);
        r.whiteout = whiteout;
        return r;
    }
    if (starts_with_dir(n, "Hives")) {
        r.area = Area::hives;
        std::string_view file = n.substr(6);
        if (whiteout) throw LayoutError(raw, "whiteouts are allowed under Files/ and UtilityVM/Files/ only");
        if (file.find('/') != std::string_view::npos) throw LayoutError(raw, "Hives/ holds no subdirectories");
        if (type != EntryType::regular) throw LayoutError(raw, "a registry hive must be a regular file");
        if (!is_standard_hive(file))
            throw LayoutError(raw, "not a registry hive delta (DefaultUser_Delta, Sam_Delta, Security_Delta, "
                                   "Software_Delta, System_Delta)");
        return r;
    }
    if (starts_with_dir(n, "UtilityVM/Files")) {
        r.area = Area::utility_vm;
        if (type == EntryType::other) throw LayoutError(raw, "device or fifo; Windows layers hold none");
        if (whiteout) check_whiteout(raw, base, type);
        r.whiteout = whiteout;
        return r;
    }
    if (starts_with_dir(n, "UtilityVM")) throw LayoutError(raw, "UtilityVM/ holds only Files/");
    throw LayoutError(raw, "outside Files/, Hives/ and UtilityVM/");
}

EntryRule classify_link_target(std::string_view raw_link, const EntryRule &link, std::string_view raw_target) {
    std::string who(raw_link);
    EntryRule t;
    try {
        t = classify_entry(raw_target, EntryType::regular);
    } catch (const LayoutError &) {
        throw LayoutError(who, "bad hard link target \"" + std::string(raw_target) + "\"");
    }
    if (t.area != link.area || t.whiteout || (t.area == Area::files && t.linux_name.empty()))
        throw LayoutError(who, "hard link target \"" + std::string(raw_target) + "\" is outside the link's area");
    return t;
}

} // namespace berth::windowsfilter
