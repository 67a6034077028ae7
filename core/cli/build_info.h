#pragma once

#include <string_view>

// Facts about this berth binary, fixed at compile time.
namespace berth::cli {

#ifndef BERTH_VERSION
#error "BERTH_VERSION must be defined by the build (see core/cli/CMakeLists.txt)"
#endif

inline constexpr std::string_view kClientVersion = BERTH_VERSION;

// OS and architecture in Go's spelling (linux/amd64, not Linux/x86_64),
// because that is what docker prints and what image platforms use.
#if defined(__linux__)
inline constexpr std::string_view kClientOs = "linux";
#elif defined(__APPLE__)
inline constexpr std::string_view kClientOs = "darwin";
#elif defined(__FreeBSD__)
inline constexpr std::string_view kClientOs = "freebsd";
#else
inline constexpr std::string_view kClientOs = "unknown";
#endif

#if defined(__x86_64__)
inline constexpr std::string_view kClientArch = "amd64";
#elif defined(__aarch64__)
inline constexpr std::string_view kClientArch = "arm64";
#elif defined(__arm__)
inline constexpr std::string_view kClientArch = "arm";
#elif defined(__i386__)
inline constexpr std::string_view kClientArch = "386";
#elif defined(__powerpc64__) && defined(__LITTLE_ENDIAN__)
inline constexpr std::string_view kClientArch = "ppc64le";
#elif defined(__s390x__)
inline constexpr std::string_view kClientArch = "s390x";
#elif defined(__riscv) && __riscv_xlen == 64
inline constexpr std::string_view kClientArch = "riscv64";
#else
inline constexpr std::string_view kClientArch = "unknown";
#endif

}  // namespace berth::cli
