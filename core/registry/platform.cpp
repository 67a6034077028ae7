#include "registry/platform.h"

#include "registry/errors.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

namespace berth::registry {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto &ch : out) ch = char(std::tolower(static_cast<unsigned char>(ch)));
    return out;
}

// Go's GOOS values: a single word that is one of these is an OS, not an arch.
bool is_known_os(std::string_view s) {
    static constexpr std::array kOs{"aix",   "android", "darwin", "dragonfly", "freebsd", "illumos", "ios",
                                    "js",    "linux",   "macos",  "netbsd",    "openbsd", "plan9",   "solaris",
                                    "wasip1", "windows", "zos"};
    return std::find(kOs.begin(), kOs.end(), s) != kOs.end();
}

// containerd's specifier: letters, digits, '_', '.', '-'.
bool valid_component(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char ch) {
        return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '.' || ch == '-';
    });
}

[[noreturn]] void bad_platform(std::string_view spec, const std::string &why) {
    throw RegistryError(ErrorCategory::Invalid, "\"" + std::string(spec) + "\": invalid platform: " + why);
}

// "v7" → 7; nullopt when the variant is not of that form.
std::optional<int> variant_number(std::string_view v) {
    if (v.size() < 2 || v[0] != 'v') return std::nullopt;
    int n = 0;
    for (char ch : v.substr(1)) {
        if (ch < '0' || ch > '9') return std::nullopt;
        n = n * 10 + (ch - '0');
    }
    return n;
}

} // namespace

Platform normalize_platform(Platform p) {
    p.os = lower(p.os);
    if (p.os == "macos") p.os = "darwin";
    p.architecture = lower(p.architecture);
    p.variant = lower(p.variant);
    auto &arch = p.architecture;
    auto &variant = p.variant;
    if (arch == "i386") {
        arch = "386";
        variant.clear();
    } else if (arch == "x86_64" || arch == "x86-64" || arch == "amd64") {
        arch = "amd64";
        if (variant == "v1") variant.clear();
    } else if (arch == "aarch64" || arch == "arm64") {
        arch = "arm64";
        if (variant.empty() || variant == "8" || variant == "v8.0") variant = "v8";
        else if (variant == "9" || variant == "v9.0") variant = "v9";
    } else if (arch == "armhf") {
        arch = "arm";
        variant = "v7";
    } else if (arch == "armel") {
        arch = "arm";
        variant = "v6";
    } else if (arch == "arm") {
        if (variant.empty() || variant == "7") variant = "v7";
        else if (variant == "5" || variant == "6" || variant == "8") variant = "v" + variant;
    }
    return p;
}

Platform default_platform() {
    Platform p;
    p.os = "linux";
#if defined(__x86_64__)
    p.architecture = "amd64";
#elif defined(__aarch64__)
    p.architecture = "arm64";
#elif defined(__arm__)
    p.architecture = "arm";
#elif defined(__i386__)
    p.architecture = "386";
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    p.architecture = "ppc64le";
#elif defined(__s390x__)
    p.architecture = "s390x";
#elif defined(__riscv) && __riscv_xlen == 64
    p.architecture = "riscv64";
#else
    p.architecture = "unknown";
#endif
    return normalize_platform(p);
}

Platform parse_platform(std::string_view spec) {
    const std::string text = lower(spec);
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
        const auto slash = text.find('/', start);
        parts.push_back(text.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
        if (slash == std::string::npos) break;
        start = slash + 1;
    }
    if (parts.size() > 3) bad_platform(spec, "expected os[/architecture[/variant]]");
    for (const auto &part : parts)
        if (!valid_component(part)) bad_platform(spec, "empty or invalid component \"" + part + "\"");
    const Platform host = default_platform();
    Platform p;
    if (parts.size() == 1) {
        // A lone word is an OS ("linux": the host's architecture) or an
        // architecture ("arm64": on linux), as containerd reads it.
        if (is_known_os(parts[0])) {
            p.os = parts[0];
            p.architecture = host.architecture;
            p.variant = host.variant;
        } else {
            p.os = host.os;
            p.architecture = parts[0];
        }
    } else {
        p.os = parts[0];
        p.architecture = parts[1];
        if (parts.size() == 3) p.variant = parts[2];
    }
    return normalize_platform(p);
}

std::string format_platform(const Platform &p) {
    std::string out = p.os + "/" + p.architecture;
    if (!p.variant.empty()) out += "/" + p.variant;
    return out;
}

std::optional<int> platform_match_rank(const Platform &wanted_in, const Platform &candidate_in) {
    const auto wanted = normalize_platform(wanted_in);
    const auto candidate = normalize_platform(candidate_in);
    if (wanted.os != candidate.os || wanted.architecture != candidate.architecture) return std::nullopt;
    if (wanted.variant == candidate.variant) return 0;
    // amd64 without a variant is v1, the baseline every amd64 level runs.
    auto level = [&](const std::string &v) {
        return v.empty() && wanted.architecture == "amd64" ? std::optional<int>(1) : variant_number(v);
    };
    const auto want_n = level(wanted.variant);
    const auto cand_n = level(candidate.variant);
    if (wanted.architecture != "amd64" && wanted.variant.empty()) return 1; // no variant asked for: any
    if (!want_n || !cand_n || *cand_n > *want_n) return std::nullopt;
    // Older variants run on newer hardware, for these architectures only.
    if (wanted.architecture == "amd64") return *want_n - *cand_n;
    if (wanted.architecture == "arm" && *cand_n >= 5) return *want_n - *cand_n;
    if (wanted.architecture == "arm64" && *cand_n >= 8) return *want_n - *cand_n;
    return std::nullopt;
}

bool platform_matches(const Platform &wanted, const Platform &candidate) {
    return platform_match_rank(wanted, candidate).has_value();
}

std::optional<std::size_t> select_manifest(const ManifestIndex &index, const Platform &wanted) {
    std::optional<std::size_t> best;
    int best_rank = 0;
    for (std::size_t i = 0; i < index.manifests.size(); ++i) {
        const auto &d = index.manifests[i];
        if (!d.platform) continue;
        if (d.platform->os == "unknown" && d.platform->architecture == "unknown") continue;
        if (const auto a = d.annotations.find("vnd.docker.reference.type");
            a != d.annotations.end() && a->second == "attestation-manifest")
            continue;
        const auto rank = platform_match_rank(wanted, *d.platform);
        if (rank && (!best || *rank < best_rank)) {
            best = i;
            best_rank = *rank;
        }
    }
    return best;
}

std::string no_matching_manifest_message(const Platform &wanted) {
    return "no matching manifest for " + format_platform(normalize_platform(wanted)) +
           " in the manifest list entries";
}

} // namespace berth::registry
