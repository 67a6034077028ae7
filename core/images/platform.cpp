#include "images/platform.h"

#include "images/errors.h"

#include <sys/utsname.h>

#include <algorithm>
#include <cctype>
#include <vector>

namespace berth::images {

std::string Platform::string() const {
    std::string out = os + "/" + architecture;
    if (!variant.empty()) out += "/" + variant;
    return out;
}

Platform normalize_platform(Platform p) {
    auto lower = [](std::string s) {
        std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
        return s;
    };
    p.os = lower(p.os);
    p.architecture = lower(p.architecture);
    p.variant = lower(p.variant);
    if (p.os == "macos") p.os = "darwin";
    const std::string &a = p.architecture;
    if (a == "i386" || a == "i486" || a == "i586" || a == "i686") {
        p.architecture = "386";
        p.variant.clear();
    } else if (a == "x86_64" || a == "x86-64" || a == "amd64") {
        p.architecture = "amd64";
        if (p.variant == "v1") p.variant.clear();
    } else if (a == "aarch64" || a == "arm64") {
        p.architecture = "arm64";
        if (p.variant.empty() || p.variant == "8" || p.variant == "v8") p.variant = "v8";
    } else if (a == "armhf") {
        p.architecture = "arm";
        p.variant = "v7";
    } else if (a == "armel") {
        p.architecture = "arm";
        p.variant = "v6";
    } else if (a == "arm") {
        if (p.variant.empty() || p.variant == "7")
            p.variant = "v7";
        else if (p.variant == "5" || p.variant == "6" || p.variant == "8")
            p.variant = "v" + p.variant;
    }
    return p;
}

Platform host_platform() {
    utsname u{};
    std::string machine = ::uname(&u) == 0 ? u.machine : "x86_64";
    Platform p{"linux", machine, ""};
    if (machine.starts_with("armv")) {
        // "armv7l" -> arm/v7, "armv6l" -> arm/v6
        p.architecture = "arm";
        p.variant = "v" + std::string(1, machine.size() > 4 ? machine[4] : '7');
    } else if (machine == "ppc64le" || machine == "s390x" || machine == "riscv64" || machine == "mips64" ||
               machine == "mips64el") {
        p.architecture = machine == "mips64el" ? "mips64le" : machine;
    }
    return normalize_platform(p);
}

Platform parse_platform(std::string_view s) {
    std::vector<std::string> parts;
    size_t start = 0;
    for (;;) {
        const auto slash = s.find('/', start);
        parts.emplace_back(s.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
        if (slash == std::string_view::npos) break;
        start = slash + 1;
    }
    const bool empty_part = std::any_of(parts.begin(), parts.end(), [](const std::string &p) { return p.empty(); });
    if (parts.size() > 3 || empty_part)
        throw InvalidArgument("\"" + std::string(s) + "\": unknown operating system or architecture: invalid argument");
    Platform p;
    if (parts.size() == 1) {
        p.os = "linux";
        p.architecture = parts[0];
    } else {
        p.os = parts[0];
        p.architecture = parts[1];
        if (parts.size() == 3) p.variant = parts[2];
    }
    return normalize_platform(p);
}

bool platform_matches(const Platform &want, const Platform &have) {
    const Platform w = normalize_platform(want);
    const Platform h = normalize_platform(have);
    if (w.os != h.os || w.architecture != h.architecture) return false;
    // Normalising fills default variants, so "no variant given" is read
    // from the raw values.
    return want.variant.empty() || have.variant.empty() || w.variant == h.variant;
}

} // namespace berth::images
