// seccomp_profile.cpp — see seccomp_profile.h (moby profiles' setupSeccomp).
#include "containers/spec/seccomp_profile.h"

#include "containers/spec/spec_errors.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <seccomp.h>
#include <sys/utsname.h>

namespace berth::containers::spec {
namespace {

using json = nlohmann::json;
using ordered = nlohmann::ordered_json;

// Docker's profile names GOARCH values; the archMap names libseccomp ones.
const std::map<std::string, std::string> kGoArchToSeccomp = {
    {"amd64", "SCMP_ARCH_X86_64"},    {"386", "SCMP_ARCH_X86"},         {"arm64", "SCMP_ARCH_AARCH64"},
    {"arm", "SCMP_ARCH_ARM"},         {"mips64", "SCMP_ARCH_MIPS64"},   {"mips64n32", "SCMP_ARCH_MIPS64N32"},
    {"mipsel64", "SCMP_ARCH_MIPSEL64"}, {"mipsel64n32", "SCMP_ARCH_MIPSEL64N32"}, {"s390x", "SCMP_ARCH_S390X"},
    {"ppc64le", "SCMP_ARCH_PPC64LE"}, {"riscv64", "SCMP_ARCH_RISCV64"},
};

const std::map<std::string, std::uint32_t> kSeccompArchTokens = {
    {"SCMP_ARCH_X86_64", SCMP_ARCH_X86_64}, {"SCMP_ARCH_X86", SCMP_ARCH_X86},   {"SCMP_ARCH_X32", SCMP_ARCH_X32},
    {"SCMP_ARCH_AARCH64", SCMP_ARCH_AARCH64}, {"SCMP_ARCH_ARM", SCMP_ARCH_ARM}, {"SCMP_ARCH_S390X", SCMP_ARCH_S390X},
    {"SCMP_ARCH_S390", SCMP_ARCH_S390},     {"SCMP_ARCH_PPC64LE", SCMP_ARCH_PPC64LE},
    {"SCMP_ARCH_RISCV64", SCMP_ARCH_RISCV64},
};

bool contains(const std::vector<std::string> &list, const std::string &item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

std::vector<std::string> strings(const json &object, const char *key) {
    std::vector<std::string> out;
    if (object.contains(key) && object[key].is_array())
        for (const auto &v : object[key])
            out.push_back(v.get<std::string>());
    return out;
}

bool kernel_at_least(const std::string &min_kernel, bool at_least_4_8) {
    int major = 0, minor = 0;
    if (std::sscanf(min_kernel.c_str(), "%d.%d", &major, &minor) != 2)
        throw invalid_argument("invalid kernel version: " + min_kernel);
    if (major < 4 || (major == 4 && minor <= 8)) // the only bound the default profile uses; pinned by tests
        return at_least_4_8;
    struct utsname u{};
    int have_major = 0, have_minor = 0;
    if (::uname(&u) == 0)
        std::sscanf(u.release, "%d.%d", &have_major, &have_minor);
    return have_major > major || (have_major == major && have_minor >= minor);
}

// Whether a rule applies: every included cap/arch/kernel present, no excluded one.
bool rule_applies(const json &rule, const SeccompContext &ctx) {
    if (rule.contains("includes")) {
        const auto &inc = rule["includes"];
        auto arches = strings(inc, "arches");
        if (!arches.empty() && !contains(arches, ctx.arch))
            return false;
        for (const auto &cap : strings(inc, "caps"))
            if (!contains(ctx.bounding, cap))
                return false;
        if (inc.contains("minKernel") && inc["minKernel"].is_string() &&
            !kernel_at_least(inc["minKernel"].get<std::string>(), ctx.kernel_at_least_4_8))
            return false;
    }
    if (rule.contains("excludes")) {
        const auto &exc = rule["excludes"];
        if (contains(strings(exc, "arches"), ctx.arch))
            return false;
        for (const auto &cap : strings(exc, "caps"))
            if (contains(ctx.bounding, cap))
                return false;
    }
    return true;
}

bool syscall_known(const std::string &name, const std::vector<std::string> &architectures) {
    for (const auto &arch : architectures) {
        auto token = kSeccompArchTokens.find(arch);
        if (token != kSeccompArchTokens.end() &&
            seccomp_syscall_resolve_name_arch(token->second, name.c_str()) != __NR_SCMP_ERROR)
            return true;
    }
    return seccomp_syscall_resolve_name(name.c_str()) != __NR_SCMP_ERROR;
}

} // namespace

std::string native_arch() {
#if defined(__x86_64__)
    return "amd64";
#elif defined(__aarch64__)
    return "arm64";
#elif defined(__s390x__)
    return "s390x";
#elif defined(__powerpc64__)
    return "ppc64le";
#elif defined(__riscv)
    return "riscv64";
#else
    return "unknown";
#endif
}

namespace {

// Resolving costs milliseconds of CPU (libseccomp finds each of ~370 names
// in each architecture's table by a linear scan), and every create and start
// resolves the same default profile for the same context: results are kept,
// keyed by everything they depend on. Failures are not kept (they throw).
class ResolvedProfiles {
public:
    static std::string key(std::string_view profile_json, const SeccompContext &ctx, bool builtin) {
        std::string k = ctx.arch;
        k += builtin ? "\1" : "\0";
        k += ctx.kernel_at_least_4_8 ? '1' : '0';
        for (const auto &cap : ctx.bounding) k.append(1, '\n').append(cap);
        k.append(1, '\0').append(profile_json);
        return k;
    }
    bool find(const std::string &k, std::string &out) {
        std::lock_guard lock(mu_);
        auto it = kept_.find(k);
        if (it == kept_.end()) return false;
        out = it->second;
        return true;
    }
    void keep(std::string k, const std::string &resolved) {
        std::lock_guard lock(mu_);
        // A handful of contexts in practice (capability sets, user
        // profiles); a daemon fed ever-new profiles starts over.
        if (kept_.size() >= 64) kept_.clear();
        kept_.emplace(std::move(k), resolved);
    }

private:
    std::mutex mu_;
    std::map<std::string, std::string> kept_;
};

ResolvedProfiles &resolved_profiles() {
    static ResolvedProfiles kept;
    return kept;
}

std::string resolve_uncached(std::string_view profile_json, const SeccompContext &ctx, bool builtin);

} // namespace

std::string resolve_seccomp_profile(std::string_view profile_json, const SeccompContext &ctx, bool builtin) {
    std::string k = ResolvedProfiles::key(profile_json, ctx, builtin);
    std::string out;
    if (resolved_profiles().find(k, out)) return out;
    out = resolve_uncached(profile_json, ctx, builtin);
    resolved_profiles().keep(std::move(k), out);
    return out;
}

namespace {

std::string resolve_uncached(std::string_view profile_json, const SeccompContext &ctx, bool builtin) {
    json profile = json::parse(profile_json, nullptr, false);
    if (profile.is_discarded() || !profile.is_object())
        throw invalid_argument("Decoding seccomp profile failed: invalid JSON");
    try {
        ordered out;
        out["defaultAction"] = profile.value("defaultAction", "");
        if (profile.contains("defaultErrnoRet") && !profile["defaultErrnoRet"].is_null())
            out["defaultErrnoRet"] = profile["defaultErrnoRet"];

        auto architectures = strings(profile, "architectures");
        bool has_arch_map = profile.contains("archMap") && profile["archMap"].is_array() && !profile["archMap"].empty();
        if (!architectures.empty() && has_arch_map)
            throw invalid_argument("both 'architectures' and 'archMap' are specified in the seccomp profile, use either "
                                   "'architectures' or 'archMap'");
        if (has_arch_map) {
            auto native = kGoArchToSeccomp.find(ctx.arch);
            for (const auto &entry : profile["archMap"]) {
                if (native == kGoArchToSeccomp.end() || entry.value("architecture", "") != native->second)
                    continue;
                architectures.push_back(native->second);
                for (const auto &sub : strings(entry, "subArchitectures"))
                    architectures.push_back(sub);
            }
        }
        out["architectures"] = architectures;
        for (const char *key : {"listenerPath", "listenerMetadata"})
            if (profile.contains(key) && profile[key].is_string() && !profile[key].get<std::string>().empty())
                out[key] = profile[key];
        if (profile.contains("flags") && profile["flags"].is_array() && !profile["flags"].empty())
            out["flags"] = profile["flags"];

        ordered syscalls = ordered::array();
        if (profile.contains("syscalls") && profile["syscalls"].is_array()) {
            for (const auto &rule : profile["syscalls"]) {
                auto names = strings(rule, "names");
                if (rule.contains("name") && rule["name"].is_string()) {
                    if (!names.empty())
                        throw invalid_argument("use either 'name' or 'names'");
                    names.push_back(rule["name"].get<std::string>());
                }
                if (!rule_applies(rule, ctx))
                    continue;
                std::vector<std::string> kept;
                for (const auto &name : names) {
                    if (syscall_known(name, architectures))
                        kept.push_back(name);
                    else if (!builtin)
                        throw invalid_argument("invalid seccomp profile: unknown syscall \"" + name + "\"");
                }
                if (kept.empty())
                    continue;
                ordered entry;
                entry["names"] = kept;
                entry["action"] = rule.value("action", "");
                if (rule.contains("errnoRet") && !rule["errnoRet"].is_null())
                    entry["errnoRet"] = rule["errnoRet"];
                if (rule.contains("args") && rule["args"].is_array() && !rule["args"].empty()) {
                    ordered args = ordered::array();
                    for (const auto &arg : rule["args"])
                        args.push_back(ordered{{"index", arg.value("index", 0u)},
                                               {"value", arg.value("value", std::uint64_t{0})},
                                               {"valueTwo", arg.value("valueTwo", std::uint64_t{0})},
                                               {"op", arg.value("op", "")}});
                    entry["args"] = args;
                }
                syscalls.push_back(entry);
            }
        }
        out["syscalls"] = syscalls;
        return out.dump();
    } catch (const json::exception &e) {
        throw invalid_argument(std::string("Decoding seccomp profile failed: ") + e.what());
    }
}

} // namespace

} // namespace berth::containers::spec
